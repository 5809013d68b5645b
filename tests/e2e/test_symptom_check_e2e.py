"""The symptom check in a real browser (Debian's chromium via Playwright).

A person's path: open the app, start the check, answer step by step (a body
area by clicking the picture), and read the result. The `page` fixtures fail
a test if any request leaves localhost or an exception box shows. Screenshots
go to test-artifacts/ (desktop and phone size).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from backcare.content.questionnaire import Question
from backcare.content.questionnaire import load as load_questionnaire
from backcare.engine.answers import Kind
from backcare.engine.wording import level_text, triage_text
from backcare.present import page_text
from tests.e2e.conftest import DESKTOP, PHONE, exception_count, goto, wait_for_app
from tests.helpers import ROOT, load_vignettes

pytestmark = pytest.mark.browser

Q = load_questionnaire()
VIGNETTES = {v["id"]: v for v in load_vignettes()}
GATE_TITLE = page_text()["check"]["gate_title"]
#: The README screenshot is refreshed only on request (BACKCARE_UPDATE_README_SHOT=1),
#: so a normal test run leaves committed files alone.
README_SHOT = ROOT / "docs" / "img" / "results.png"
#: Where a region sits in the body map, as fractions of the chart (see pages/shell/ui.BODY_SHAPES).
BODY_MAP_SPOT = {"lower_back": (50 / 140, 55.5 / 148)}


def option_label(q: Question, value: Any) -> str:
    if q.kind is Kind.BOOL:
        return q.yes if value else q.no
    return dict(q.choices).get(value, str(value))


def answer(page, q: Question, value: Any) -> None:
    """Answer one question the way a person does, then wait for the app."""
    if q.kind is Kind.MULTI:
        box = page.get_by_role("combobox", name=q.text, exact=True)
        for item in value:  # by keyboard: type to filter, Enter picks the first match
            if box.get_attribute("aria-expanded") != "true":
                box.click()
            page.keyboard.type(option_label(q, item))
            page.get_by_role("option", name=option_label(q, item), exact=True).wait_for()
            page.keyboard.press("Enter")
            wait_for_app(page)
        box.press("Escape")
    elif q.kind is Kind.NUMBER or (q.kind is Kind.INTEGER and q.maximum - q.minimum > 10):
        field = page.get_by_label(q.text, exact=True)
        field.fill(f"{value:g}")
        field.press("Enter")
    else:
        group = page.get_by_role("radiogroup", name=q.text, exact=True)
        group.get_by_text(option_label(q, value), exact=True).click()
    wait_for_app(page)


def click_body_map(page, region: str) -> None:
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    fx, fy = BODY_MAP_SPOT[region]
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    wait_for_app(page)


def press(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).click()
    wait_for_app(page)


def start(page, app_url: str) -> None:
    goto(page, app_url)
    press(page, "Start the symptom check")


def main_alert(page):
    """The first alert on the page: the level banner on the results page."""
    return page.locator('[data-testid="stMain"] [data-testid="stAlert"]').first


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def screenshot(page, path, *, height: int | None = None) -> None:
    """Save the whole main column (Streamlit scrolls it inside the page), or its top part."""
    size = page.viewport_size
    full = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(height or full, 8000)})
    page.wait_for_timeout(400)  # let the layout settle at the new size
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def walk(page, answers: dict[str, Any], *, pick_by_picture: tuple[str, ...] = ()) -> None:
    """Answer every step with these answers and press Next until the result shows."""
    for _ in range(len(Q.steps) + 2):
        for key in [k for k in Q.questions if k in answers]:
            q, value = Q.questions[key], answers[key]
            shown = page.get_by_text(q.text, exact=True)
            if shown.count() == 0:
                continue
            if key == "areas" and pick_by_picture:
                for region in pick_by_picture:
                    click_body_map(page, region)
                value = [v for v in value if v not in pick_by_picture]
            answer(page, q, value)
        finish = page.get_by_role("button", name="See my result", exact=True)
        if finish.count():
            press(page, "See my result")
            result = page.get_by_role("heading", name="Your result")
            result.or_(page.get_by_role("heading", name=GATE_TITLE)).first.wait_for()
            if result.count():
                return
        else:
            press(page, "Next")
    pytest.fail("the symptom check never reached a result")


def test_emergency_shows_at_once_and_on_the_result(phone_page, app_url, artifacts) -> None:
    page = phone_page
    start(page, app_url)
    answer(page, Q.questions["age"], 42)
    press(page, "Next")
    action = triage_text().emergency_action
    alerts = page.locator('[data-testid="stMain"] [data-testid="stAlert"]', has_text=action)
    assert alerts.count() == 0
    answer(page, Q.questions["saddle_numbness"], True)
    # The red box appears at once, above the questions, while still on the warning step.
    box = main_alert(page)
    assert action in box.inner_text()
    assert page.get_by_role("radiogroup", name=Q.questions["bladder_change"].text).count() == 1
    assert no_sideways_scroll(page)
    screenshot(page, artifacts / "emergency-step-phone.png")
    for _ in range(len(Q.steps) - 2):
        press(page, "Next")
    press(page, "See my result")
    page.get_by_role("heading", name="Your result").wait_for()
    emergency = level_text("emergency")
    banner = main_alert(page).inner_text()
    assert emergency.title in banner and emergency.headline in banner
    assert emergency.action in banner
    assert no_sideways_scroll(page)
    assert exception_count(page) == 0
    screenshot(page, artifacts / "results-emergency-phone.png")
    page.set_viewport_size(DESKTOP)
    screenshot(page, artifacts / "results-emergency-desktop.png")


def test_self_care_walk_with_body_map(page, app_url, artifacts) -> None:
    vignette = VIGNETTES["P10"]
    answers = vignette["answers"]
    assert "lower_back" in answers["areas"]
    start(page, app_url)
    walk(page, answers, pick_by_picture=("lower_back",))
    text = level_text("self_care")
    banner = main_alert(page).inner_text()
    assert text.title in banner and text.headline in banner and text.action in banner
    assert exception_count(page) == 0
    link = page.get_by_role("link", name="Read about: Sciatica", exact=False).first
    assert "condition=sciatica" in (link.get_attribute("href") or "")
    screenshot(page, artifacts / "results-self-care-desktop.png")
    if os.environ.get("BACKCARE_UPDATE_README_SHOT"):
        screenshot(page, README_SHOT, height=1500)
    page.set_viewport_size(PHONE)
    wait_for_app(page)
    assert no_sideways_scroll(page)
    screenshot(page, artifacts / "results-self-care-phone.png")


def test_body_map_click_updates_the_list(page, app_url, artifacts) -> None:
    start(page, app_url)
    answer(page, Q.questions["age"], 30)
    press(page, "Next")
    press(page, "Next")
    areas = Q.questions["areas"]
    click_body_map(page, "lower_back")
    chosen = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert dict(areas.choices)["lower_back"] in chosen
    page.locator('[data-testid="stVegaLiteChart"]').first.screenshot(
        path=str(artifacts / "body-map-desktop.png")
    )
    click_body_map(page, "lower_back")  # a second click takes it away again
    chosen = page.locator('[data-testid="stMultiSelect"]').first.inner_text()
    assert dict(areas.choices)["lower_back"] not in chosen


def test_bad_answers_file_shows_clear_error(page, app_url, tmp_path) -> None:
    goto(page, app_url)
    page.get_by_role("link", name="Results").first.click()
    wait_for_app(page)
    bad = tmp_path / "answers.json"
    bad.write_text(json.dumps({"age": 40, "bladder": True}))
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(bad))
    wait_for_app(page)
    error = page.locator('[data-testid="stAlert"]', has_text="could not load").first
    assert "bladder" in error.inner_text()


def _tab_to(page, check: str, limit: int = 40) -> None:
    """Press Tab until the focused element passes a JavaScript check on `el`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {check})(document.activeElement)"):
            return
    pytest.fail(f"Tab never reached an element where {check}")


def test_keyboard_only(page, app_url) -> None:
    """Age, Next and a warning-sign answer, with the keyboard alone."""
    start(page, app_url)
    page.get_by_label(Q.questions["age"].text, exact=True).focus()
    page.keyboard.type("35")
    _tab_to(page, "el.tagName === 'BUTTON' && el.innerText.trim().endsWith('Next')")
    wait_for_app(page)
    page.keyboard.press("Enter")
    wait_for_app(page)
    saddle = Q.questions["saddle_numbness"].text
    page.get_by_role("radiogroup", name=saddle, exact=True).wait_for()
    _tab_to(
        page,
        f"el.type === 'radio' && el.closest('[role=radiogroup]')"
        f".getAttribute('aria-label') === {json.dumps(saddle)}",
    )
    page.keyboard.press("Space")
    wait_for_app(page)
    assert triage_text().emergency_action in main_alert(page).inner_text()


def test_next_starts_the_new_step_at_the_top(page, app_url) -> None:
    """Answering keeps the place on the page; Next shows the new step from its top."""
    scrolled = "document.querySelector('[data-testid=stMain]').scrollTop"
    start(page, app_url)
    answer(page, Q.questions["age"], 44)
    press(page, "Next")
    press(page, "Next")
    answer(page, Q.questions["previous_episodes"], True)  # near the bottom of a long step
    assert page.evaluate(scrolled) > 0
    press(page, "Next")
    assert page.evaluate(scrolled) == 0
    assert page.get_by_role("heading", name=Q.steps[3].title).is_visible()
