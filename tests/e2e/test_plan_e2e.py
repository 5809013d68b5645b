"""In a real browser: build an exercise plan and download its calendar file."""

from __future__ import annotations

import icalendar
import pytest

from backcare.planner.model import planner_text
from tests.e2e.conftest import goto, wait_for_app

WORDS = planner_text()["page"]


@pytest.mark.browser
def test_build_a_plan_and_download_the_calendar(page, app_url, artifacts):
    goto(page, f"{app_url}/exercise_plan")
    page.get_by_role("heading", name=WORDS["title"]).wait_for()
    # Answer one quick safety question: weak bones (the form's default days are Mon, Wed, Fri).
    osteo = page.locator('[data-testid="stRadio"]').filter(has_text="osteoporosis")
    osteo.get_by_text("Yes", exact=True).click()
    page.get_by_label("How old are you?").fill("70")
    page.get_by_role("button", name=WORDS["submit"]).click()
    wait_for_app(page)
    page.get_by_text(WORDS["ready"]).wait_for()
    page.get_by_role("heading", name=WORDS["left_out_title"]).wait_for()
    assert page.get_by_text("Sit-up (crunch)").count() >= 1
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("svg, canvas").first.wait_for()
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "exercise-plan-chart.png"))
    page.get_by_role("heading", name=WORDS["cards_title"]).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "exercise-plan-cards.png"))

    with page.expect_download() as info:
        page.get_by_role("button", name=WORDS["download_ics"]).click()
    download = info.value
    target = artifacts / "backcare-plan.ics"
    download.save_as(target)
    assert download.suggested_filename == "backcare-plan.ics"

    cal = icalendar.Calendar.from_ical(target.read_bytes())
    events = cal.walk("VEVENT")
    assert len(events) == 18  # 3 days a week for 6 weeks
    assert all("Sit-up" not in str(e["description"]) for e in events)
    page.screenshot(path=str(artifacts / "exercise-plan.png"), full_page=True)
