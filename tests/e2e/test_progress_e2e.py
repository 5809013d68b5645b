"""In a real browser: log a day on the Progress page and see it on the pain chart."""

from __future__ import annotations

import datetime as dt

import pytest

from backcare.diary.trends import wording
from tests.e2e.conftest import goto, wait_for_app

WORDS = wording()["page"]


def press(page, slider, times: int) -> None:
    slider.focus()
    for _ in range(times):
        page.keyboard.press("ArrowRight")


@pytest.mark.browser
def test_log_a_day_and_see_it_on_the_chart(page, app_url, artifacts):
    goto(page, f"{app_url}/progress")
    page.get_by_role("heading", name=WORDS["title"]).wait_for()
    sliders = page.get_by_role("slider")
    press(page, sliders.nth(0), 6)  # pain now 6
    press(page, sliders.nth(1), 8)  # worst pain 8
    page.get_by_label(WORDS["notes"]).fill("Walked to the park. <b>not bold</b>")
    page.get_by_role("button", name=WORDS["save"]).click()
    wait_for_app(page)

    today = dt.date.today()
    page.get_by_text(WORDS["saved"].format(date=today.isoformat())).wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("svg").wait_for()
    day = f"{today:%b %d}"  # the axis format (trends.day_axis)
    labels = chart.locator("[aria-label]").evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label'))"
    )
    points = [x for x in labels if day in x and "series:" in x]
    assert any(x.endswith(": 6; series: Pain now") for x in points), labels
    assert any(x.endswith(": 8; series: Worst pain") for x in points), labels
    assert page.locator("b", has_text="not bold").count() == 0  # the note is not HTML
    page.screenshot(path=str(artifacts / "progress-logged.png"), full_page=True)
