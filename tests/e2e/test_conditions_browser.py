"""The Conditions page in a real browser: deep links, the list links and search.

AppTest cannot click an st.page_link, so these check that a link from the list
really opens the explainer (``?condition=<id>`` in the address bar) and that
"All conditions" goes back to the list.
"""

from __future__ import annotations

import pytest

from backcare.content import conditions
from tests.e2e.conftest import goto, wait_for_app

pytestmark = pytest.mark.browser


def heading(page) -> str:
    return page.locator("h1").first.inner_text().strip()


def test_deep_link_opens_the_explainer(page, app_url: str, artifacts) -> None:
    goto(page, f"{app_url}/conditions?condition=sciatica")
    page.wait_for_selector("h1")
    assert heading(page) == conditions.get("sciatica").title
    assert page.get_by_text("NICE NG59").first.is_visible()
    page.screenshot(path=artifacts / "conditions-sciatica.png", full_page=True)


def test_serious_explainer_shows_urgent_help_first(page, app_url: str, artifacts) -> None:
    goto(page, f"{app_url}/conditions?condition=Cauda-Equina")
    page.wait_for_selector("h1")
    assert "condition=cauda_equina" in page.url  # the link is tidied to the real id
    first_alert = page.locator('[data-testid="stAlertContentError"]').first
    assert "A&E" in first_alert.inner_text()
    page.screenshot(path=artifacts / "conditions-cauda-equina.png", full_page=True)


def test_list_link_opens_an_explainer_and_back_link_returns(page, app_url: str) -> None:
    goto(page, f"{app_url}/conditions")
    title = conditions.get("spinal_stenosis").title
    page.get_by_role("link", name=title).click()
    page.wait_for_function("() => location.search === '?condition=spinal_stenosis'")
    wait_for_app(page)
    assert heading(page) == title
    page.get_by_role("link", name="All conditions").click()
    page.wait_for_function("() => !location.search.includes('condition=')")
    wait_for_app(page)
    assert heading(page) == "Conditions"


@pytest.mark.parametrize(
    ("words", "first_id"),
    [
        ("leg pain", "sciatica"),
        ("wetting myself", "cauda_equina"),  # everyday words; the emergency explainer first
    ],
)
def test_search_box_filters_the_list(page, app_url: str, words: str, first_id: str) -> None:
    goto(page, f"{app_url}/conditions")
    page.get_by_label("Search conditions").fill(words)
    page.keyboard.press("Enter")
    wait_for_app(page)
    first = page.locator('[data-testid="stPageLink"] a').first
    assert first.inner_text().strip().endswith(conditions.get(first_id).title)
