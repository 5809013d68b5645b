"""In a real browser: the planner never plans untriaged (spec section 6 v2).

A 72-year-old with weak bones and sudden pain opens the Exercise plan in a new
browser. She gets the safety questions first (the symptom check's gate), then
back on the planner her answers mean "see a doctor within a day": no plan until
she says a doctor has checked her. Once she does, she gets a bone-safe plan
(no sit-ups) and its calendar file.
"""

from __future__ import annotations

import icalendar
import pytest

from backcare.engine.wording import level_text
from backcare.planner.model import planner_text
from tests.e2e import checkflow as cf
from tests.e2e.conftest import goto

pytestmark = pytest.mark.browser

WORDS = planner_text()["page"]
HER_ANSWERS = {"age": 72, "osteoporosis": True, "onset": "sudden"}


def test_a_72_year_old_gets_the_bone_safe_plan_only_after_she_confirms(
    page, app_url, artifacts
) -> None:
    goto(page, f"{app_url}/exercise_plan")
    page.get_by_role("heading", name=WORDS["title"]).wait_for()
    assert cf.key_locator(page, "plan_submit").count() == 0
    cf.press(page, "plan_gate")
    page.get_by_role("heading", name=cf.GATE_TITLE).wait_for()
    cf.answer_shown(page, cf.current_step(page), HER_ANSWERS)  # the rest: "no"
    cf.press(page, "check_finish")

    # Back on the planner, with her result and no plan yet.
    page.get_by_role("heading", name=WORDS["title"]).wait_for()
    cf.key_locator(page, "plan_submit").wait_for()
    assert level_text("urgent").title in page.inner_text('[data-testid="stMain"]')
    page.get_by_text(WORDS["refused_title"]).first.wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0
    cf.press(page, "plan_submit")  # sent without the box ticked: still no plan
    page.get_by_text(WORDS["refused_title"]).first.wait_for()
    assert page.get_by_text(WORDS["ready"]).count() == 0

    cf.tick_box(page, "plan_cleared")
    cf.press(page, "plan_submit")
    page.get_by_text(WORDS["ready"]).first.wait_for()
    page.get_by_role("heading", name=WORDS["left_out_title"]).wait_for()
    assert page.get_by_text("Sit-up (crunch)").count() >= 1  # left out, and said why
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("svg, canvas").first.wait_for()
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "exercise-plan-chart.png"))
    page.get_by_role("heading", name=WORDS["cards_title"]).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "exercise-plan-cards.png"))

    with page.expect_download() as info:
        cf.key_locator(page, "plan_ics").locator("button").click()
    download = info.value
    target = artifacts / "backcare-plan.ics"
    download.save_as(target)
    assert download.suggested_filename == "backcare-plan.ics"

    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 18  # 3 days a week for 6 weeks
    assert all("Sit-up" not in str(e["description"]) for e in events)
    cf.screenshot(page, artifacts / "exercise-plan.png")
