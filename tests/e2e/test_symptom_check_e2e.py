"""The symptom check in a real browser (Debian's chromium via Playwright).

A person's path: open the app, start the check, answer step by step (a body
area by clicking the picture, checklists by ticking boxes), and read the
result. The `page` fixtures fail a test if any request leaves localhost or an
exception box shows. Screenshots go to test-artifacts/ (desktop and phone size).
The walking itself is in `tests/e2e/checkflow.py`.
"""

from __future__ import annotations

import json
import os

import pytest

from backcare.engine.wording import level_text, triage_text
from backcare.present import page_text
from tests.e2e import checkflow as cf
from tests.e2e.conftest import PHONE, goto, wait_for_app
from tests.helpers import ROOT, load_vignettes

pytestmark = pytest.mark.browser

Q = cf.Q
VIGNETTES = {v["id"]: v for v in load_vignettes()}
EMERGENCY = page_text()["emergency"]
#: The README screenshot is refreshed only on request (BACKCARE_UPDATE_README_SHOT=1),
#: so a normal test run leaves committed files alone.
README_SHOT = ROOT / "docs" / "img" / "results.png"


def test_emergency_stops_the_check_then_shows_on_the_result(phone_page, app_url, artifacts) -> None:
    """The emergency screen replaces the step; only "I have already got help" goes on;
    the result then leads with the instruction and the number to call."""
    page = phone_page
    cf.start(page, app_url)
    cf.answer(page, Q.questions["age"], 42)
    cf.press(page, "check_next")
    page.get_by_role("heading", name=Q.steps[1].title).wait_for()
    action = triage_text().emergency_action
    assert cf.key_locator(page, "emergency_screen").count() == 0
    cf.answer(page, Q.questions["saddle_numbness"], True)

    screen = cf.key_locator(page, "emergency_screen")
    assert action in screen.inner_text()
    assert EMERGENCY["title"] in screen.inner_text()
    assert screen.locator('a[href^="tel:"]').count() >= 3  # the number, and all three listed
    assert cf.key_locator(page, "q_bladder_change").count() == 0  # the check has stopped
    assert cf.no_sideways_scroll(page)
    cf.screenshot(page, artifacts / "emergency-step-phone.png")

    cf.press(page, "emergency_continue")
    cf.key_locator(page, "emergency_reminder").wait_for()  # still at the top of each step
    cf.key_locator(page, "q_bladder_change").wait_for()
    said = cf.key_locator(page, "q_saddle_numbness").get_by_role("radio", name="Yes")
    # Drawn, then its stored value filled in: wait for it (fails if it stays unpicked).
    cf.expect(said).to_be_checked()
    for _ in range(len(Q.steps) - 2):
        cf.press(page, "check_next")
        assert cf.key_locator(page, "emergency_reminder").count() == 1, (
            "the emergency reminder is gone: the emergency answer was lost on Next"
        )
    cf.press(page, "check_finish")
    cf.wait_for_result_or_gate(page)
    assert page.get_by_role("heading", name=cf.GATE_TITLE).count() == 0, (
        "an emergency answer led to the safety questions instead of the emergency result"
    )
    box = cf.key_locator(page, "emergency_result")
    assert action in box.inner_text()
    assert box.locator('a[href^="tel:"]').count() >= 3
    assert cf.no_sideways_scroll(page)
    cf.screenshot(page, artifacts / "results-emergency-phone.png")


def test_self_care_walk_with_body_map(page, app_url, artifacts) -> None:
    """P10 (mild sciatica) answered step by step, the lower back picked on the picture,
    the safety questions still open answered "no": a self-care result."""
    answers = VIGNETTES["P10"]["answers"]
    assert "lower_back" in answers["areas"]
    cf.start(page, app_url)
    cf.walk(page, answers, pick_by_picture=("lower_back",))
    text = level_text("self_care")
    banner = cf.main_alert(page).inner_text()
    assert text.title in banner and text.headline in banner and text.action in banner
    link = page.get_by_role("link", name="Read about: Sciatica", exact=False).first
    assert "condition=sciatica" in (link.get_attribute("href") or "")
    cf.screenshot(page, artifacts / "results-self-care-desktop.png")
    if os.environ.get("BACKCARE_UPDATE_README_SHOT"):
        cf.screenshot(page, README_SHOT, height=1500)
    page.set_viewport_size(PHONE)
    wait_for_app(page)
    assert cf.no_sideways_scroll(page)
    cf.screenshot(page, artifacts / "results-self-care-phone.png")


def test_body_map_click_updates_the_list(page, app_url, artifacts) -> None:
    cf.start(page, app_url)
    cf.answer(page, Q.questions["age"], 30)
    cf.press(page, "check_next")
    cf.press(page, "check_next")
    page.get_by_role("heading", name=Q.steps[2].title).wait_for()
    areas = Q.questions["areas"]
    cf.click_body_map(page, "lower_back")
    chosen = cf.key_locator(page, "q_areas").inner_text()
    assert dict(areas.choices)["lower_back"] in chosen
    page.locator('[data-testid="stVegaLiteChart"]').first.screenshot(
        path=str(artifacts / "body-map-desktop.png")
    )
    cf.click_body_map(page, "lower_back")  # a second click takes it away again
    chosen = cf.key_locator(page, "q_areas").inner_text()
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


def _in_key(key: str) -> str:
    return f"!!el.closest('.st-key-{key}')"


def test_keyboard_only(page, app_url) -> None:
    """Age, a checklist box, Next, a warning-sign answer and the emergency screen's
    "I have already got help", with the keyboard alone (that the answer is kept after it
    is checked in test_emergency_stops_the_check_then_shows_on_the_result)."""
    cf.start(page, app_url)
    cf.key_locator(page, "q_age").locator("input").focus()
    page.keyboard.type("35")
    _tab_to(page, f"el.type === 'checkbox' && {_in_key('cl_health_facts__none')}")
    page.keyboard.press("Space")
    wait_for_app(page)
    assert cf.is_ticked(page, "cl_health_facts__none")
    _tab_to(page, f"el.tagName === 'BUTTON' && {_in_key('check_next')}")
    page.keyboard.press("Enter")
    wait_for_app(page)
    page.get_by_role("heading", name=Q.steps[1].title).wait_for()
    _tab_to(page, f"el.type === 'radio' && {_in_key('q_saddle_numbness')}")
    page.keyboard.press("Space")  # the first option: "Yes"
    wait_for_app(page)
    screen = cf.key_locator(page, "emergency_screen")
    assert triage_text().emergency_action in screen.inner_text()
    _tab_to(page, f"el.tagName === 'BUTTON' && {_in_key('emergency_continue')}")
    page.keyboard.press("Enter")
    wait_for_app(page)
    cf.key_locator(page, "emergency_reminder").wait_for()  # the check goes on
    assert cf.key_locator(page, "check_next").count() == 1


def test_next_starts_the_new_step_at_the_top(page, app_url) -> None:
    """Answering keeps the place on the page; Next shows the new step from its top."""
    scrolled = "document.querySelector('[data-testid=stMain]').scrollTop"
    cf.start(page, app_url)
    cf.answer(page, Q.questions["age"], 44)
    cf.press(page, "check_next")
    cf.press(page, "check_next")
    page.get_by_role("heading", name=Q.steps[2].title).wait_for()
    cf.answer(page, Q.questions["previous_episodes"], True)  # near the bottom of a long step
    assert page.evaluate(scrolled) > 0
    cf.press(page, "check_next")
    page.get_by_role("heading", name=Q.steps[3].title).wait_for()
    assert page.evaluate(scrolled) == 0
    assert page.get_by_role("heading", name=Q.steps[3].title).is_visible()
