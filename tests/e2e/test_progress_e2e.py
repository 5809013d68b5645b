"""In a real browser: log a day on the Progress page and see it on the pain chart.

The pain scales start unset (issue 11): a save without pain is refused with a
message, and nothing is logged as "no pain" by accident.
"""

from __future__ import annotations

import datetime as dt

import pytest

from backcare.diary.trends import wording
from tests.e2e.conftest import goto, wait_for_app

pytestmark = pytest.mark.browser

WORDS = wording()["page"]


def pick(page, label: str, value: int) -> None:
    """Pick a value on one of the 0-10 pain scales (a row of buttons)."""
    scale = page.get_by_role("radiogroup", name=label)
    scale.get_by_role("radio", name=str(value), exact=True).click()


def save(page) -> None:
    page.get_by_role("button", name=WORDS["save"]).click()
    wait_for_app(page)


def test_log_a_day_and_see_it_on_the_chart(page, app_url, artifacts):
    goto(page, f"{app_url}/progress")
    page.get_by_role("heading", name=WORDS["title"]).wait_for()
    page.get_by_label(WORDS["notes"]).fill("Walked to the park. <b>not bold</b>")
    save(page)  # no pain picked yet: refused, nothing saved
    page.get_by_text(WORDS["pain_needed"]).wait_for()
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0

    pick(page, WORDS["pain_now"], 6)
    pick(page, WORDS["pain_worst"], 8)
    save(page)
    today = dt.date.today()
    page.get_by_text(WORDS["saved"].format(date=f"{today:%d %B %Y}")).wait_for()
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
