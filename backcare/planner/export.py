"""Exports of a plan: a calendar file (.ics), a CSV, and a printable page.

The calendar has one timed event per session at the person's chosen time and
time zone, with a reminder and the steps. It stays in step with a changing
plan: a date keeps its UID (`series_id`, `event_uid`), SEQUENCE rises with
each export (`sequence_at`), and sessions the new plan dropped are sent as
cancelled (``to_ics(..., previous=old_plan)``). docs/report.md explains why.

Every function takes a plan in its JSON shape (``Plan.to_dict()``, which is
also what the page keeps in ``st.session_state["plan"]``) or a `Plan`, so the
page, the command line and other pages can all export the same way. Nothing
here reaches the network: the printable page has no external fonts, images or
scripts.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
from collections.abc import Iterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

from backcare.engine.wording import triage_text
from backcare.planner import library
from backcare.planner.model import (
    DEFAULT_REMINDER_MINUTES,
    DEFAULT_SESSION_TIME,
    DEFAULT_TIMEZONE,
    Plan,
    planner_text,
)

PRODID = "-//BackCare//Exercise plan//EN"
UID_DOMAIN = "backcare.local"
#: SEQUENCE counts seconds from here (see `sequence_at`).
SEQUENCE_EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
CATEGORY_ORDER = ("aerobic", "strength", "balance", "flexibility", "relaxation")
CSV_COLUMNS = ("week", "date", "exercise_id", "name", "category", "dose", "minutes", "minimum_day")


def _as_dict(plan: Plan | Mapping[str, Any]) -> Mapping[str, Any]:
    return plan.to_dict() if isinstance(plan, Plan) else plan


def _words(key: str, **values: Any) -> str:
    return str(planner_text()["export"][key]).format(**values)


def sessions(plan: Plan | Mapping[str, Any]) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Every session of the plan with its week number, in date order."""
    for week in _as_dict(plan).get("weeks", []):
        for session in week["sessions"]:
            yield week["week"], session


def _line(ex: Mapping[str, Any]) -> str:
    return f"{ex['name']}: {ex['dose']}"


def _profile(plan: Plan | Mapping[str, Any]) -> Mapping[str, Any]:
    return _as_dict(plan).get("profile") or {}


def series_id(plan: Plan | Mapping[str, Any]) -> str:
    """The id of a plan series: a hash of the profile's start date.

    `adjust` and a rebuild with new days or times keep the start date, so every
    version of one plan shares it, and a date's event keeps its UID.
    """
    data = _as_dict(plan)
    start = _profile(data).get("start_date")
    if start is None:  # an old plan without its profile: its first session starts it
        start = next((s["date"] for _, s in sessions(data)), "")
    return hashlib.sha256(f"backcare-plan:{start}".encode()).hexdigest()[:16]


def event_uid(series: str, day: dt.date) -> str:
    """One UID per (plan series, date): a date keeps its UID across re-exports."""
    return f"{series}-{day:%Y%m%d}@{UID_DOMAIN}"


def sequence_at(stamp: dt.datetime) -> int:
    """SEQUENCE from the export time: whole seconds since `SEQUENCE_EPOCH`.

    A stateless counter that only goes up: a later export of a changed plan (or
    its cancellations) always outranks an earlier one, with nothing to store.
    Unchanged events go up too, which calendars accept as a harmless update.
    It fits a signed 32-bit integer until 2088.
    """
    return max(0, int((stamp - SEQUENCE_EPOCH).total_seconds()))


def _start_time(plan: Plan | Mapping[str, Any], day: dt.date) -> dt.datetime:
    profile = _profile(plan)
    clock = dt.time.fromisoformat(profile.get("session_time") or DEFAULT_SESSION_TIME)
    zone = ZoneInfo(profile.get("timezone") or DEFAULT_TIMEZONE)
    return dt.datetime.combine(day, clock, tzinfo=zone)


def _steps(ex: Mapping[str, Any]) -> list[str]:
    """The how-to steps of a library exercise (none for an id the library lacks)."""
    try:
        return list(library.get(str(ex.get("id"))).steps)
    except KeyError:
        return []


def calendar_description(week: int, session: Mapping[str, Any]) -> str:
    """The event text: the week, then each exercise with its dose and its steps."""
    lines = [_words("week", week=week)]
    for ex in session["exercises"]:
        lines.append(f"- {_line(ex)}")
        lines += [f"   {n}. {step}" for n, step in enumerate(_steps(ex), start=1)]
    minimum = session.get("minimum_day", {}).get("exercises", [])
    if minimum:
        lines += ["", _words("bad_day"), *(f"- {_line(ex)}" for ex in minimum)]
    return "\n".join(lines)


def _event(uid: str, start: dt.datetime, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("sequence", sequence_at(stamp))
    event.add("dtstart", start)
    return event


def _session_event(
    plan: Plan | Mapping[str, Any],
    series: str,
    week: int,
    session: Mapping[str, Any],
    stamp: dt.datetime,
) -> icalendar.Event:
    day = dt.date.fromisoformat(session["date"])
    start = _start_time(plan, day)
    summary = _words("event_summary", minutes=session["minutes"])
    event = _event(event_uid(series, day), start, stamp)
    event.add("dtend", start + dt.timedelta(minutes=int(session["minutes"])))
    event.add("summary", summary)
    event.add("description", calendar_description(week, session))
    event.add("transp", "OPAQUE")
    event.add("status", "CONFIRMED")
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    reminder = int(_profile(plan).get("reminder_minutes", DEFAULT_REMINDER_MINUTES))
    alarm.add("trigger", dt.timedelta(minutes=-reminder))
    event.add_component(alarm)
    return event


def _cancellations(
    previous: Plan | Mapping[str, Any], keep: set[str], stamp: dt.datetime
) -> list[icalendar.Event]:
    """A CANCELLED event for every session of the previous plan the new one drops."""
    series = series_id(previous)
    found = []
    for _, session in sessions(previous):
        day = dt.date.fromisoformat(session["date"])
        uid = event_uid(series, day)
        if uid in keep:
            continue
        event = _event(uid, _start_time(previous, day), stamp)
        event.add("summary", _words("title"))
        event.add("status", "CANCELLED")
        event.add("transp", "TRANSPARENT")
        found.append(event)
    return found


def event_uids(plan: Plan | Mapping[str, Any]) -> set[str]:
    """The UIDs of every session event of a plan."""
    series = series_id(plan)
    return {event_uid(series, dt.date.fromisoformat(s["date"])) for _, s in sessions(plan)}


def _add_timezones(cal: icalendar.Calendar) -> None:
    """VTIMEZONEs for the TZIDs used, covering a year either side of the events only."""
    starts = [e.decoded("dtstart") for e in cal.walk("VEVENT")]
    if not starts:
        return
    margin = dt.timedelta(days=366)
    days = [s.date() if isinstance(s, dt.datetime) else s for s in starts]
    cal.add_missing_timezones(first_date=min(days) - margin, last_date=max(days) + margin)


def to_ics(
    plan: Plan | Mapping[str, Any],
    stamp: dt.datetime | None = None,
    *,
    previous: Plan | Mapping[str, Any] | None = None,
) -> bytes:
    """A calendar (RFC 5545, METHOD:PUBLISH) with one timed event per session.

    Each event starts at the profile's ``session_time`` in its ``timezone``
    (TZID on DTSTART, with the VTIMEZONE), lasts the session's minutes, has a
    reminder ``reminder_minutes`` before, lists the exercises and their steps,
    and shows as busy. UIDs are per (plan series, date), see `series_id`.
    ``previous``: the plan exported before; every session of it that this plan
    no longer has is sent as STATUS:CANCELLED, so importing this file removes
    it. ``stamp`` is the DTSTAMP and sets SEQUENCE (now, in UTC, unless given).
    """
    stamp = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _words("title"))
    series = series_id(plan)
    for week, session in sessions(plan):
        cal.add_component(_session_event(plan, series, week, session, stamp))
    if previous is not None:
        for event in _cancellations(previous, event_uids(plan), stamp):
            cal.add_component(event)
    _add_timezones(cal)
    return cal.to_ical()


def to_csv(plan: Plan | Mapping[str, Any]) -> str:
    """One row per exercise of every session; ``minimum_day`` marks the bad-day rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for week, session in sessions(plan):
        rows = [(ex, "no") for ex in session["exercises"]]
        rows += [(ex, "yes") for ex in session.get("minimum_day", {}).get("exercises", [])]
        for ex, minimum in rows:
            writer.writerow(
                (
                    week,
                    session["date"],
                    ex["id"],
                    ex["name"],
                    ex["category"],
                    ex["dose"],
                    ex["minutes"],
                    minimum,
                )
            )
    return out.getvalue()


def weekly_minutes(plan: Plan | Mapping[str, Any]) -> list[dict[str, Any]]:
    """Minutes per week per category (long format), for the page's chart."""
    totals: dict[tuple[int, str], int] = {}
    for week, session in sessions(plan):
        for ex in session["exercises"]:
            key = (week, ex["category"])
            totals[key] = totals.get(key, 0) + ex["minutes"]
    weeks = sorted({w for w, _ in totals})
    return [
        {"week": w, "category": c, "minutes": totals.get((w, c), 0)}
        for w in weeks
        for c in CATEGORY_ORDER
    ]


def to_markdown(plan: Plan | Mapping[str, Any]) -> str:
    """The plan as Markdown: notes, each week's sessions, and what was left out."""
    data = _as_dict(plan)
    lines = [f"# {_words('title')}", "", f"*{triage_text().not_a_diagnosis}*", ""]
    for week in data.get("weeks", []):
        lines += [f"## {_words('week', week=week['week'])}", ""]
        for session in week["sessions"]:
            lines.append(f"**{session['date']}** ({session['minutes']} min)")
            lines += [f"- {_line(ex)}" for ex in session["exercises"]]
            lines.append("")
    if data.get("left_out"):
        lines += [f"## {_words('left_out_title')}", ""]
        lines += [f"- **{x.get('name', x['id'])}**: {x['why']}" for x in data["left_out"]]
        lines.append("")
    if data.get("notes"):
        lines += [f"## {_words('notes_title')}", "", *(f"- {n}" for n in data["notes"]), ""]
    return "\n".join(lines)


_CSS = """
body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 1rem auto; padding: 0 1rem;
       color: #111; line-height: 1.4; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.2rem; border-bottom: 1px solid #999; }
.session { break-inside: avoid; margin: 0.5rem 0 1rem; }
.bad-day { color: #444; font-size: 0.9rem; }
.note { border-left: 4px solid #c60; padding-left: 0.6rem; }
@media print { body { margin: 0; } h2 { break-after: avoid; } }
"""


def _li(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"


def _session_html(session: Mapping[str, Any]) -> str:
    minimum = session.get("minimum_day", {}).get("exercises", [])
    return (
        f'<div class="session"><strong>{html.escape(session["date"])}</strong> '
        f"({int(session['minutes'])} min)"
        + _li([_line(ex) for ex in session["exercises"]])
        + (
            f'<div class="bad-day">{html.escape(_words("bad_day"))}'
            + _li([_line(ex) for ex in minimum])
            + "</div>"
            if minimum
            else ""
        )
        + "</div>"
    )


def to_html(plan: Plan | Mapping[str, Any]) -> str:
    """A self-contained printable page (no external files). All text is escaped."""
    data = _as_dict(plan)
    title = html.escape(_words("title"))
    parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>',
        f"<style>{_CSS}</style></head><body><h1>{title}</h1>",
        f'<p class="note">{html.escape(triage_text().not_a_diagnosis)}</p>',
    ]
    if data.get("notes"):
        parts.append(f"<h2>{html.escape(_words('notes_title'))}</h2>" + _li(list(data["notes"])))
    for week in data.get("weeks", []):
        parts.append(f"<h2>{html.escape(_words('week', week=week['week']))}</h2>")
        parts += [_session_html(s) for s in week["sessions"]]
    if data.get("left_out"):
        parts.append(f"<h2>{html.escape(_words('left_out_title'))}</h2>")
        parts.append(_li([f"{x.get('name', x['id'])}: {x['why']}" for x in data["left_out"]]))
    parts.append("</body></html>")
    return "\n".join(parts)
