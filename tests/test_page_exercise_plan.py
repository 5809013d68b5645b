"""The Exercise plan page with Streamlit's AppTest."""

from __future__ import annotations

import icalendar
import pytest
from streamlit.testing.v1 import AppTest

from backcare import assess
from backcare.planner.model import planner_text
from pages.shell.state import SessionKey
from tests.helpers import ROOT

APP = str(ROOT / "app.py")
PAGE = "pages/exercise_plan.py"
WORDS = planner_text()["page"]
NOTES = planner_text()["notes"]
SELF_CARE = {"age": 40, "pain_now": 3, "duration_weeks": 1, "trauma": "none", "osteoporosis": True}
EMERGENCY = {"age": 40, "saddle_numbness": True}


def open_page(state: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


def submit(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == WORDS["submit"]).click()
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [x.value for kind in (at.info, at.warning, at.error, at.success) for x in kind]
    return "\n".join(str(p) for p in parts)


def test_without_a_check_it_says_so_and_asks_safety_questions():
    at = open_page()
    assert WORDS["no_check"] in texts(at)
    assert at.number_input(key="plan_q_age") is not None
    assert at.radio(key="plan_q_osteoporosis").value is None, "not answered is not 'No'"
    assert at.radio(key="plan_q_pain_now").value is None, "not answered is not 0"
    assert "plan" not in at.session_state


def test_builds_a_plan_and_keeps_it_in_session_state():
    at = submit(open_page())
    plan = at.session_state[SessionKey.PLAN]
    assert len(plan["weeks"]) == 6
    assert NOTES["no_answers"] in plan["notes"]
    assert WORDS["ready"] in texts(at)
    assert len(at.get("download_button")) == 3
    assert at.get("vega_lite_chart"), "the weekly minutes chart is shown"
    first = plan["weeks"][0]["sessions"][0]["exercises"][0]["name"]
    assert first in texts(at)


def test_quick_answers_apply_the_safety_rules():
    at = open_page()
    at.number_input(key="plan_q_age").set_value(70)
    at.radio(key="plan_q_osteoporosis").set_value(True)
    at.radio(key="plan_q_pain_now").set_value(8)
    at = submit(at)
    plan = at.session_state[SessionKey.PLAN]
    assert NOTES["high_pain"] in plan["notes"]
    left = {x["id"]: x["why"] for x in plan["left_out"]}
    assert "sit_up" in left
    assert left["sit_up"] in texts(at)
    assert NOTES["bone"] in plan["notes"]


def test_uses_the_latest_assessment_and_says_so():
    at = open_page({"assessment": assess(SELF_CARE), "answers": SELF_CARE})
    assert WORDS["using_check"] in texts(at)
    assert not [w for w in at.number_input if w.key == "plan_q_age"], "no need to ask again"
    at = submit(at)
    assert "sit_up" in {x["id"] for x in at.session_state[SessionKey.PLAN]["left_out"]}


def test_emergency_assessment_gets_no_plan_and_sees_the_signs():
    at = open_page(
        {
            "assessment": assess(EMERGENCY),
            "answers": EMERGENCY,
            "plan": {"weeks": [], "left_out": []},
        }
    )
    shown = texts(at)
    assert planner_text()["refused"]["emergency"]["why"] in shown
    assert WORDS["submit"] not in [b.label for b in at.button]
    assert at.session_state[SessionKey.PLAN]["refused"]
    from backcare.engine.wording import triage_text

    assert triage_text().emergency_signs[0] in shown


@pytest.mark.parametrize(
    ("widget", "value", "field"),
    [("plan_days", [], "days")],
)
def test_bad_profile_names_the_field(widget, value, field):
    at = open_page()
    at.multiselect(key=widget).set_value(value)
    at = submit(at)
    assert at.error, "an error box is shown"
    assert field in at.error[0].value
    assert "plan" not in at.session_state


def test_form_choices_reach_the_plan():
    at = open_page()
    at.multiselect(key="plan_days").set_value(["tue", "sat"])
    at.slider(key="plan_minutes").set_value(20)
    at.slider(key="plan_weeks").set_value(3)
    at.multiselect(key="plan_equipment").set_value(["pool"])
    at = submit(at)
    plan = at.session_state[SessionKey.PLAN]
    assert len(plan["weeks"]) == 3
    assert all(len(w["sessions"]) == 2 for w in plan["weeks"])
    assert all(s["minutes"] <= 20 for w in plan["weeks"] for s in w["sessions"])
    assert plan["profile"]["equipment"] == ["pool"]


def test_the_calendar_download_is_a_real_calendar():
    at = submit(open_page())
    from backcare.planner import export as plan_export

    plan = at.session_state[SessionKey.PLAN]
    events = icalendar.Calendar.from_ical(plan_export.to_ics(plan)).walk("VEVENT")
    assert len(events) == sum(len(w["sessions"]) for w in plan["weeks"])
    labels = [b.label for b in at.get("download_button")]
    assert WORDS["download_ics"] in labels
