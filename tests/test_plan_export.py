"""The calendar export: timed sessions in the person's time zone, reminders, steps,
stable UIDs with rising SEQUENCE, and cancellations that keep a re-imported
calendar in step. Checked with icalendar and a second parser
(recurring-ical-events)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from backcare.planner import adjust, plan
from backcare.planner import library as lib
from backcare.planner.export import event_uids, series_id, to_ics
from backcare.planner.model import Plan, Profile, ProfileError
from tests.test_report import DENY_ALL

STAMP = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
LATER = STAMP + dt.timedelta(days=2)
PROFILE = {
    "days": ["mon", "wed", "fri"],
    "minutes_per_session": 25,
    "weeks": 3,
    "start_date": "2026-03-02",
    "timezone": "Europe/London",
    "session_time": "07:30",
}


def make(**changes) -> Plan:
    result = plan({**PROFILE, **changes}, DENY_ALL)
    assert isinstance(result, Plan), result
    return result


def events(ics: bytes) -> list[icalendar.Event]:
    return icalendar.Calendar.from_ical(ics).walk("VEVENT")


def apply(*files: bytes) -> dict[str, icalendar.Event]:
    """A simple calendar app: import each file in turn; per UID the highest SEQUENCE
    wins, and a cancelled event is removed."""
    shown: dict[str, icalendar.Event] = {}
    for ics in files:
        for event in events(ics):
            uid = str(event["uid"])
            old = shown.get(uid)
            if old is not None and int(old["sequence"]) >= int(event["sequence"]):
                continue
            shown[uid] = event
    return {u: e for u, e in shown.items() if str(e.get("status")) != "CANCELLED"}


def test_each_session_is_an_event_at_the_chosen_time_in_the_chosen_zone():
    p = make()
    found = events(to_ics(p, STAMP))
    assert len(found) == len(p.sessions())
    zone = ZoneInfo("Europe/London")
    for event, session in zip(found, p.sessions(), strict=True):
        assert event["dtstart"].params["TZID"] == "Europe/London"
        start = event.decoded("dtstart")
        assert start == dt.datetime.combine(session.date, dt.time(7, 30), tzinfo=zone)
        assert event.decoded("dtend") - start == dt.timedelta(minutes=session.minutes)
        assert str(event["transp"]) == "OPAQUE"


def test_the_calendar_is_published_and_carries_its_time_zone():
    cal = icalendar.Calendar.from_ical(to_ics(make(), STAMP))
    assert str(cal["method"]) == "PUBLISH"
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]


def test_local_time_holds_across_the_clock_change():
    """Sessions either side of the spring clock change both start at 07:30 local time."""
    p = make(weeks=6)
    cal = icalendar.Calendar.from_ical(to_ics(p, STAMP))
    found = recurring_ical_events.of(cal).between(dt.date(2026, 3, 1), dt.date(2026, 5, 1))
    utc = {e.decoded("dtstart").date(): e.decoded("dtstart").astimezone(dt.UTC) for e in found}
    assert utc[dt.date(2026, 3, 27)].hour == 7  # GMT
    assert utc[dt.date(2026, 3, 30)].hour == 6  # BST: 07:30 local is 06:30 UTC
    assert len(found) == len(p.sessions())


def test_defaults_are_six_pm_utc_with_a_thirty_minute_reminder():
    p = make(timezone=None, session_time=None)
    event = events(to_ics(p, STAMP))[0]
    assert event.decoded("dtstart") == dt.datetime.combine(
        p.sessions()[0].date, dt.time(18, 0), tzinfo=dt.UTC
    )
    alarm = event.walk("VALARM")[0]
    assert alarm.decoded("trigger") == dt.timedelta(minutes=-30)
    assert str(alarm["action"]) == "DISPLAY"


@pytest.mark.parametrize("minutes", [0, 10, 1440])
def test_the_reminder_follows_the_profile(minutes):
    alarm = events(to_ics(make(reminder_minutes=minutes), STAMP))[0].walk("VALARM")[0]
    assert alarm.decoded("trigger") == -dt.timedelta(minutes=minutes)


def test_the_description_lists_each_exercise_with_its_steps():
    p = make()
    for event, session in zip(events(to_ics(p, STAMP)), p.sessions(), strict=True):
        text = str(event["description"])
        for ex in session.exercises:
            assert f"{ex.name}: {ex.dose}" in text
            assert all(step in text for step in lib.get(ex.id).steps)


def test_uids_are_stable_across_exports_and_sequence_rises():
    p = make()
    first, second = events(to_ics(p, STAMP)), events(to_ics(p, LATER))
    assert [str(e["uid"]) for e in first] == [str(e["uid"]) for e in second]
    assert all(int(b["sequence"]) > int(a["sequence"]) for a, b in zip(first, second, strict=True))
    assert len({str(e["uid"]) for e in first}) == len(first)


def test_an_adjusted_plan_keeps_its_uids():
    p = make()
    day = p.sessions()[0].date.isoformat()
    changed = adjust(p, [{"date": day, "pain_before": 2, "pain_after": 6}])
    assert series_id(changed) == series_id(p)
    assert event_uids(changed) == event_uids(p)


def test_a_new_start_date_is_a_new_series():
    assert series_id(make()) != series_id(make(start_date="2026-03-09"))


def dates_and_times(shown: dict[str, icalendar.Event]) -> list[tuple[dt.date, dt.time]]:
    return sorted(
        (e.decoded("dtstart").date(), e.decoded("dtstart").time()) for e in shown.values()
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"days": ["mon", "fri"]},  # fewer days: the Wednesdays go
        {"days": ["tue", "thu"], "session_time": "19:15"},  # other days, other time
        {"weeks": 1},  # a shorter plan
        {"start_date": "2026-03-04"},  # a new series: every old event goes
    ],
)
def test_importing_the_new_calendar_leaves_only_the_new_sessions(changes):
    old, new = make(), make(**changes)
    shown = apply(to_ics(old, STAMP), to_ics(new, LATER, previous=old))
    expected = sorted(
        (s.date, dt.time.fromisoformat(new.profile.session_time)) for s in new.sessions()
    )
    assert dates_and_times(shown) == expected


def test_without_the_previous_plan_dropped_sessions_would_linger():
    """Why `previous` exists: the same import without it keeps the old Wednesdays."""
    old, new = make(), make(days=["mon", "fri"])
    shown = apply(to_ics(old, STAMP), to_ics(new, LATER))
    assert len(shown) == len(old.sessions())


def test_cancellations_are_only_for_dropped_dates_and_outrank_the_old_events():
    old, new = make(), make(days=["mon", "fri"])
    cancelled = [
        e for e in events(to_ics(new, LATER, previous=old)) if str(e["status"]) == "CANCELLED"
    ]
    wednesdays = {s.date for s in old.sessions() if s.date.weekday() == 2}
    assert {e.decoded("dtstart").date() for e in cancelled} == wednesdays
    old_sequence = int(events(to_ics(old, STAMP))[0]["sequence"])
    assert all(int(e["sequence"]) > old_sequence for e in cancelled)


def test_a_second_parser_reads_the_same_sessions():
    old, new = make(), make(days=["mon", "fri"])
    cal = icalendar.Calendar.from_ical(to_ics(new, LATER, previous=old))
    found = recurring_ical_events.of(cal).between(dt.date(2026, 3, 1), dt.date(2026, 4, 1))
    live = sorted(e.decoded("dtstart") for e in found if str(e.get("status")) != "CANCELLED")
    zone = ZoneInfo("Europe/London")
    assert live == [
        dt.datetime.combine(s.date, dt.time(7, 30), tzinfo=zone) for s in new.sessions()
    ]


def test_an_old_plan_without_a_profile_still_exports():
    data = make().to_dict()
    data.pop("profile")
    found = events(to_ics(data, STAMP))
    assert found[0].decoded("dtstart").time() == dt.time(18, 0)


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("session_time", "07:30", True),
        ("session_time", "7:30", True),
        ("session_time", "23:59", True),
        ("session_time", "24:00", False),
        ("session_time", "seven", False),
        ("session_time", 730, False),
        ("timezone", "America/New_York", True),
        ("timezone", "Mars/Olympus", False),
        ("timezone", "Europe", False),
        ("reminder_minutes", 0, True),
        ("reminder_minutes", 1440, True),
        ("reminder_minutes", -1, False),
        ("reminder_minutes", 1441, False),
        ("reminder_minutes", True, False),
    ],
)
def test_calendar_fields_of_the_profile_are_checked(field, value, ok):
    raw = {**PROFILE, field: value}
    if ok:
        assert getattr(Profile.from_dict(raw), field) is not None
    else:
        with pytest.raises(ProfileError) as caught:
            Profile.from_dict(raw)
        assert caught.value.fields == (field,)


def test_the_profile_keeps_its_calendar_fields_in_json():
    profile = Profile.from_dict({**PROFILE, "reminder_minutes": 15})
    out = profile.to_dict()
    assert (out["session_time"], out["timezone"], out["reminder_minutes"]) == (
        "07:30",
        "Europe/London",
        15,
    )
    assert Profile.from_dict(out) == profile
