"""The Exercise plan page with Streamlit's AppTest (issue 11: the planner never plans untriaged).

The page plans only from an assessment: this session's, or one saved in the last 14
days. Without one it sends the person to the symptom check's safety questions and back.
After an emergency it refuses; after an urgent result it refuses until the person says
a doctor or physio has cleared them, and then plans with every safety rule kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from streamlit.testing.v1 import AppTest

from backcare import assess, planner
from backcare.diary import storage
from backcare.engine.answers import FIELD_BY_KEY, Kind
from backcare.engine.triage import SAFETY_KEYS
from backcare.engine.wording import triage_text
from backcare.planner import library
from backcare.planner.model import planner_text
from backcare.planner.safety import BONE_AVOID, PLAN_RULE_KEYS
from pages.shell.flow import CHECK_PAGE, PLAN_PAGE
from pages.shell.state import WIDGET_PREFIX, SessionKey
from pages.shell.store import today_in
from tests.answer_sets import BENIGN_CHOICE, BENIGN_NUMBER
from tests.helpers import load_vignettes

WORDS = planner_text()["page"]
NOTES = planner_text()["notes"]
REFUSED = planner_text()["refused"]
VIGNETTES = {v["id"]: v["answers"] for v in load_vignettes()}


def calm_value(key: str) -> Any:
    """The calmest answer to a question: no, none, nothing ticked, a low number."""
    kind = FIELD_BY_KEY[key].kind
    if kind is Kind.BOOL:
        return False
    if kind is Kind.MULTI:
        return []
    if kind is Kind.CHOICE:
        return BENIGN_CHOICE[key]
    return BENIGN_NUMBER[key]


def answered(vignette: str, **changes: Any) -> dict[str, Any]:
    """A public vignette with every safety question it leaves open answered "no" (the v1
    vignettes never saw the v2 questions), then ``changes``: no question left to ask."""
    answers = {k: calm_value(k) for k in SAFETY_KEYS} | VIGNETTES[vignette] | changes
    assert planner.safety_questions_for_plan(answers) == (), "a question is still open"
    return answers


#: Calm, fully answered people (self-care) and a 44-year-old with 26 weeks of pain (soon).
SELF_CARE = answered("P10")
SOON = answered("P12")
#: Issue 11: the 72-year-old with weak bones and sudden pain, every other answer "no".
URGENT = answered("P10", age=72, osteoporosis=True, onset="sudden")
EMERGENCY = answered("P10", saddle_numbness=True)
PREGNANT = answered("P11", age=34, pregnant=True)


def with_check(answers: dict[str, Any], **state: Any) -> dict[str, Any]:
    """Session state holding this assessment, as the symptom check leaves it."""
    return {SessionKey.ASSESSMENT: assess(answers), SessionKey.ANSWERS: answers, **state}


def plan_page(open_app, answers: dict[str, Any] | None = None, **kwargs: Any) -> AppTest:
    state = with_check(answers) if answers is not None else None
    return open_app(PLAN_PAGE, state=state, **kwargs)


def has(at: AppTest, kind: str, key: str) -> bool:
    return any(w.key == key for w in getattr(at, kind))


def submit(at: AppTest) -> AppTest:
    at.button(key="plan_submit").click().run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for kind in (at.info, at.warning, at.error, at.success) for x in kind]
    return "\n".join(str(p) for p in parts)


def exercises(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """Every exercise the plan asks for: the sessions and their bad-day versions."""
    found = []
    for week in plan["weeks"]:
        for session in week["sessions"]:
            found += session["exercises"] + session["minimum_day"]["exercises"]
    return found


def session_count(plan: dict[str, Any]) -> int:
    return sum(len(w["sessions"]) for w in plan["weeks"])


def utc_today() -> dt.date:
    """The person's today when the browser gives no time zone (the page's fallback)."""
    return dt.datetime.now(dt.UTC).date()


# ------------------------------------------------------------ no assessment: the gate


def test_a_fresh_session_gets_no_plan_and_sees_the_gate(open_app) -> None:
    at = plan_page(open_app)
    assert has(at, "button", "plan_gate")
    assert not has(at, "button", "plan_submit"), "no form without an assessment"
    assert SessionKey.PLAN not in at.session_state
    assert not at.download_button, "nothing to download"
    assert WORDS["no_check"] in texts(at)
    assert triage_text().emergency_signs[0] in texts(at), "the emergency signs are still shown"


def test_the_gate_asks_the_planners_safety_questions_and_comes_back(open_app) -> None:
    at = plan_page(open_app)
    at.button(key="plan_gate").click().run()
    assert not at.exception, at.exception
    asked = tuple(at.session_state[SessionKey.GATE_KEYS])
    assert asked, "the gate has questions"
    assert {"age", "saddle_numbness", "leg_weakness", *PLAN_RULE_KEYS} <= set(asked)
    assert at.session_state[SessionKey.RETURN_TO] == PLAN_PAGE
    assert at.title[0].value == "Symptom check"
    for key in ("age", "saddle_numbness", "osteoporosis"):
        assert has(at, "number_input", WIDGET_PREFIX + key) or has(
            at, "radio", WIDGET_PREFIX + key
        ), f"the gate shows {key}"
    assert SessionKey.PLAN not in at.session_state


def _answer_gate(at: AppTest, answers: dict[str, Any]) -> None:
    """Answer the gate's questions on screen as ``answers`` says, one rerun at a time;
    a checklist whose members are all "no" gets "none of these"."""
    for key in at.session_state[SessionKey.GATE_KEYS]:
        for kind in ("number_input", "radio", "multiselect"):
            widgets = [w for w in getattr(at, kind) if w.key == WIDGET_PREFIX + key]
            if widgets and key in answers:
                widgets[0].set_value(answers[key]).run()
                assert not at.exception, at.exception
    for box in [b for b in at.checkbox if b.key.startswith("gate_") and b.key.endswith("__none")]:
        at.checkbox(key=box.key).check().run()
        assert not at.exception, at.exception


def test_the_72_year_old_gets_a_bone_safe_plan_only_after_she_confirms(open_app) -> None:
    """Issue 11, done when: a fresh session, the safety questions, the refusal, then the
    confirmation, then a plan that keeps every bone rule."""
    at = plan_page(open_app)
    at.button(key="plan_gate").click().run()
    # AppTest keeps asking for the page of its last switch_page() call on every run, so
    # follow each st.switch_page of the app the way the browser's address does.
    at.switch_page(CHECK_PAGE)
    _answer_gate(at, URGENT)
    at.button(key="check_finish").click().run()
    assert not at.exception, at.exception
    assert at.session_state[SessionKey.ASSESSMENT].triage.value == "urgent"
    assert at.title[0].value == WORDS["title"], "back on the Exercise plan page"
    at.switch_page(PLAN_PAGE)
    assert REFUSED["urgent"]["why"] in texts(at)
    assert SessionKey.PLAN not in at.session_state or at.session_state[SessionKey.PLAN].get(
        "refused"
    )
    at.checkbox(key="plan_cleared").check()
    plan = submit(at).session_state[SessionKey.PLAN]
    assert not plan.get("refused")
    assert not {t for e in exercises(plan) for t in library.get(e["id"]).movement} & set(BONE_AVOID)


# ------------------------------------------------------------ the latest assessment


@pytest.mark.parametrize("vignette", ["P10", "P11"])
def test_a_calm_assessment_builds_a_plan_kept_in_session_state(open_app, vignette) -> None:
    at = plan_page(open_app, answered(vignette))
    assert WORDS["using_check"] in texts(at)
    assert not has(at, "button", "plan_gate"), "nothing more to ask"
    assert SessionKey.PLAN not in at.session_state, "no plan before the form is sent"
    plan = submit(at).session_state[SessionKey.PLAN]
    assert len(plan["weeks"]) == 6
    assert WORDS["ready"] in texts(at)
    assert [b.key for b in at.download_button] == ["plan_ics", "plan_csv", "plan_html"]
    assert at.get("vega_lite_chart"), "the weekly minutes chart is shown"
    assert plan["weeks"][0]["sessions"][0]["exercises"][0]["name"] in texts(at)


@pytest.mark.parametrize(
    ("days_ago", "used"),
    [(0, True), (14, True), (15, False)],
)
def test_a_saved_assessment_counts_for_14_days(open_app, days_ago, used) -> None:
    """Spec section 6 (v2): a new session uses a check saved in the last 14 days."""
    store = storage.memory_store()
    result = assess(SELF_CARE)
    taken = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)
    store.add_assessment(result.answers, result.to_dict(), taken_at=taken)
    at = open_app(PLAN_PAGE, state={SessionKey.STORE: store})
    assert has(at, "button", "plan_submit") is used
    assert has(at, "button", "plan_gate") is not used


def test_form_choices_reach_the_plan(open_app) -> None:
    at = plan_page(open_app, SELF_CARE)
    start = utc_today() + dt.timedelta(days=3)
    at.multiselect(key="plan_days").set_value(["tue", "sat"])
    at.slider(key="plan_minutes").set_value(20)
    at.slider(key="plan_weeks").set_value(3)
    at.radio(key="plan_fitness").set_value("low")
    at.multiselect(key="plan_equipment").set_value(["pool"])
    at.date_input(key="plan_start").set_value(start)
    at.time_input(key="plan_time").set_value(dt.time(7, 30))
    plan = submit(at).session_state[SessionKey.PLAN]
    profile = plan["profile"]
    assert profile["days"] == ["tue", "sat"]
    assert profile["minutes_per_session"] == 20
    assert profile["fitness"] == "low"
    assert profile["equipment"] == ["pool"]
    assert profile["start_date"] == start.isoformat()
    assert profile["session_time"] == "07:30"
    assert len(plan["weeks"]) == 3
    assert all(len(w["sessions"]) == 2 for w in plan["weeks"])
    dates = [dt.date.fromisoformat(s["date"]) for w in plan["weeks"] for s in w["sessions"]]
    assert {f"{d:%a}".lower() for d in dates} == {"tue", "sat"}
    assert min(dates) >= start
    assert all(s["minutes"] <= 20 for w in plan["weeks"] for s in w["sessions"])


@pytest.mark.parametrize(("days", "bad"), [([], True), (["mon"], False)])
def test_a_bad_profile_names_the_field(open_app, days, bad) -> None:
    at = plan_page(open_app, SELF_CARE)
    at.multiselect(key="plan_days").set_value(days)
    at = submit(at)
    errors = [e.value for e in at.error]
    assert bool(errors) is bad
    if bad:
        assert WORDS["bad_profile"] in errors[0] and "days" in errors[0]
    assert (SessionKey.PLAN in at.session_state) is not bad


# ------------------------------------------------------------ refusals and clearance


def test_an_emergency_gets_a_refusal_and_no_form(open_app) -> None:
    old_plan = {"weeks": [], "left_out": [], "notes": []}
    at = open_app(PLAN_PAGE, state=with_check(EMERGENCY, **{SessionKey.PLAN: old_plan}))
    assert REFUSED["emergency"]["why"] in texts(at)
    assert triage_text().emergency_signs[0] in texts(at)
    for key in ("plan_submit", "plan_gate"):
        assert not has(at, "button", key)
    assert not has(at, "checkbox", "plan_cleared"), "an emergency can never be cleared"
    assert at.session_state[SessionKey.PLAN]["refused"], "the old plan is replaced"


def test_urgent_is_refused_until_cleared_then_gets_a_bone_safe_plan(open_app) -> None:
    at = plan_page(open_app, URGENT)
    assert REFUSED["urgent"]["why"] in texts(at)
    assert WORDS["cleared_hint"] in texts(at)
    assert at.checkbox(key="plan_cleared").value is False
    refused = submit(at).session_state[SessionKey.PLAN]
    assert refused["refused"], "sending the form without the box still gives no plan"
    at.checkbox(key="plan_cleared").check()
    plan = submit(at).session_state[SessionKey.PLAN]
    assert not plan.get("refused")
    assert plan["profile"]["cleared"] is True
    assert plan["profile"]["cleared_on"] == utc_today().isoformat()
    assert NOTES["cleared_urgent"] in plan["notes"]
    assert NOTES["bone"] in plan["notes"]
    tags = {t for e in exercises(plan) for t in library.get(e["id"]).movement}
    assert not tags & set(BONE_AVOID), "no loaded or end-range bending, twisting, floor lifts"
    left = {x["id"] for x in plan["left_out"]}
    assert left == {e.id for e in library.library().values() if set(e.movement) & set(BONE_AVOID)}
    assert WORDS["ready"] in texts(at)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_the_plan_dates_are_the_persons_day(open_app, zone) -> None:
    """26 hours apart, so at any moment one of them is not the server's day."""
    today = today_in(ZoneInfo(zone))
    at = plan_page(open_app, URGENT, context={"timezone": zone})
    assert at.date_input(key="plan_start").value == today
    at.checkbox(key="plan_cleared").check()
    plan = submit(at).session_state[SessionKey.PLAN]
    assert plan["profile"]["cleared_on"] == today.isoformat()
    assert plan["profile"]["timezone"] == zone
    assert plan["weeks"][0]["sessions"][0]["date"] >= today.isoformat()


@pytest.mark.parametrize(
    ("answers", "offered", "plan_without_box"),
    [(SELF_CARE, False, True), (SOON, True, True), (URGENT, True, False)],
    ids=["self_care", "soon", "urgent"],
)
def test_the_cleared_box_comes_only_after_urgent_or_soon(
    open_app, answers, offered, plan_without_box
) -> None:
    at = plan_page(open_app, answers)
    assert has(at, "checkbox", "plan_cleared") is offered
    plan = submit(at).session_state[SessionKey.PLAN]
    assert (not plan.get("refused")) is plan_without_box
    if plan_without_box:
        assert "cleared" not in plan["profile"], "an unticked box records nothing"


@pytest.mark.parametrize(("answers", "asked"), [(PREGNANT, True), (SELF_CARE, False)])
def test_pregnancy_weeks_are_asked_only_when_pregnant(open_app, answers, asked) -> None:
    at = plan_page(open_app, answers)
    assert has(at, "number_input", "plan_pregnancy_weeks") is asked
    if asked:
        at.number_input(key="plan_pregnancy_weeks").set_value(20)
        plan = submit(at).session_state[SessionKey.PLAN]
        assert plan["profile"]["pregnancy_weeks"] == 20
        tags = {t for e in exercises(plan) for t in library.get(e["id"]).movement}
        assert not tags & {"supine", "prone"}, "nothing lying flat at 20 weeks, nor on the front"


# ------------------------------------------------------------ the calendar


def _calendar(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def test_the_calendar_download_serves_a_real_calendar(open_app, served_bytes) -> None:
    zone = "America/New_York"
    at = plan_page(open_app, SELF_CARE, context={"timezone": zone})
    at.time_input(key="plan_time").set_value(dt.time(18, 15))
    plan = submit(at).session_state[SessionKey.PLAN]
    # The bytes the button serves, read from AppTest's media store (conftest.served_bytes).
    events = _calendar(served_bytes(at, "plan_ics")).walk("VEVENT")
    assert len(events) == session_count(plan) > 0
    for event in events:
        start = event.decoded("dtstart")
        assert isinstance(start, dt.datetime), "a timed event, not an all-day one"
        assert start.tzinfo == ZoneInfo(zone) and start.time() == dt.time(18, 15)
        assert event.walk("VALARM"), "each session has a reminder"
    dates = sorted(e.decoded("dtstart").date() for e in events)
    assert dates == sorted(
        dt.date.fromisoformat(s["date"]) for w in plan["weeks"] for s in w["sessions"]
    )


def test_a_changed_plan_cancels_the_sessions_it_drops(open_app, served_bytes) -> None:
    at = plan_page(open_app, SELF_CARE)
    at.multiselect(key="plan_days").set_value(["mon", "wed", "fri"])
    first = submit(at).session_state[SessionKey.PLAN]
    at.download_button(key="plan_ics").click().run()
    assert at.session_state[SessionKey.EXPORTED_PLAN] == first, "the exported plan is kept"
    at.multiselect(key="plan_days").set_value(["mon"])
    second = submit(at).session_state[SessionKey.PLAN]
    events = _calendar(served_bytes(at, "plan_ics")).walk("VEVENT")
    cancelled = [e for e in events if e.get("status") == "CANCELLED"]
    kept = [e for e in events if e.get("status") == "CONFIRMED"]
    assert len(kept) == session_count(second)
    assert len(cancelled) == session_count(first) - session_count(second) > 0
    assert {f"{e.decoded('dtstart'):%a}" for e in cancelled} == {"Wed", "Fri"}
