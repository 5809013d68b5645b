"""Walk the symptom check in a real browser the way a person does (helpers, not tests).

Every answer is given through the widget a person uses: a radio option, a
number box, a list picked by typing, a tick box of a checklist ("Do any of
these apply?"). Widgets are found by their keys (``q_<answer key>`` for a
question, ``cl_<checklist id>__<box>`` for a checklist box on a step and
``gate_<checklist id>__<box>`` on the safety-question step before a result),
and the buttons by theirs (``check_next``, ``check_finish``...), so a change of
wording in ``data/`` does not break the walk.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from backcare.content.questionnaire import Checklist, Question, ticks
from backcare.content.questionnaire import load as load_questionnaire
from backcare.engine.answers import Kind
from backcare.present import page_text
from tests.e2e.conftest import _SCRIPT_STATE, STEP_LIMIT_MS, goto, wait_for_app

Q = load_questionnaire()
WORDS = page_text()
GATE_TITLE = WORDS["check"]["gate_title"]
DONT_KNOW_LABEL = WORDS["result_levels"]["dont_know_option"]
RESULT_HEADING = "Your result"
#: Where a region sits in the body map, as fractions of the chart (see pages/shell/ui.BODY_SHAPES).
BODY_MAP_SPOT = {"lower_back": (50 / 140, 55.5 / 148)}
#: Stands for "I don't know" in the answers given to `walk` (safety questions only).
DONT_KNOW = object()


def expect(locator):
    """Playwright's retrying assertions on ``locator`` (imported when first used, as
    conftest imports playwright: a machine without it reports why, not an import error).

    Use it for what Streamlit fills in just after drawing an element, such as a
    widget's stored value: it waits a few seconds for the state, then fails.
    """
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def css_key(key: str) -> str:
    """A widget key as Streamlit writes it in the class name (other characters become -)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", key)


def key_locator(page, key: str):
    """The element Streamlit draws for the widget or container with this key."""
    return page.locator(f".st-key-{css_key(key)}")


def press(page, key: str) -> None:
    """Click the button with this widget key and wait for the app."""
    key_locator(page, key).locator("button").click()
    wait_for_app(page)


def start(page, app_url: str) -> None:
    """Open Home and press its Start button."""
    goto(page, app_url)
    press(page, "home_start")
    page.get_by_role("heading", name=Q.steps[0].title).wait_for()


def option_label(q: Question, value: Any) -> str:
    if value is DONT_KNOW:
        return DONT_KNOW_LABEL
    if q.kind is Kind.BOOL:
        return q.yes if value else q.no
    return dict(q.choices).get(value, str(value))


def is_number_box(q: Question) -> bool:
    return q.kind is Kind.NUMBER or (q.kind is Kind.INTEGER and q.maximum - q.minimum > 10)


def answer(page, q: Question, value: Any) -> None:
    """Answer one question the way a person does, then wait for the app."""
    widget = key_locator(page, f"q_{q.key}")
    if q.kind is Kind.MULTI:
        _pick_list(page, q, value)
    elif is_number_box(q):
        if value is DONT_KNOW:
            tick_box(page, f"q_{q.key}_dont_know")
            return
        field = widget.locator("input")
        field.fill(f"{value:g}")
        field.press("Enter")
    else:
        widget.get_by_text(option_label(q, value), exact=True).click()
    wait_for_app(page)


def _pick_list(page, q: Question, value: Any) -> None:
    if value is DONT_KNOW:
        tick_box(page, f"q_{q.key}_dont_know")
        return
    if not value:
        tick_box(page, f"q_{q.key}_none")
        return
    box = page.get_by_role("combobox", name=q.text, exact=True)
    for item in value:  # by keyboard: type to filter, Enter picks the first match
        if box.get_attribute("aria-expanded") != "true":
            box.click()
        label = option_label(q, item)
        page.keyboard.type(label)
        page.get_by_role("option", name=label, exact=True).wait_for()
        page.keyboard.press("Enter")
        wait_for_app(page)
    box.press("Escape")


def tick_box(page, key: str) -> None:
    """Tick (or untick) the checkbox with this widget key."""
    key_locator(page, key).locator("label").first.click()
    wait_for_app(page)


def is_ticked(page, key: str) -> bool:
    return key_locator(page, key).locator("input[type=checkbox]").is_checked()


def fill_checklist(page, item: Checklist, answers: Mapping[str, Any], prefix: str) -> None:
    """Tick the boxes these answers say yes to, then "None of these" (or "of the others")
    when any shown member is a "no". Members these answers leave out stay open."""
    given = [m for m in item.members if m.key in answers]
    if not given:
        return
    if any(answers[m.key] is DONT_KNOW for m in given):
        tick_box(page, f"{prefix}{item.id}__dont_know")
        return
    for tick in ticks(item):
        value = answers.get(tick.key)
        wanted = value is True if tick.value is None else tick.value in (value or ())
        box = f"{prefix}{item.id}__{tick.id}"
        if wanted and key_locator(page, box).count() and not is_ticked(page, box):
            tick_box(page, box)
    said_no = any(answers[m.key] is False or answers[m.key] in ([], ()) for m in given)
    none = f"{prefix}{item.id}__none"
    if said_no and not is_ticked(page, none):
        tick_box(page, none)


def current_step(page) -> int | None:
    """The index of the step shown (len(steps) for the safety questions), None on a result."""
    for index, step in enumerate(Q.steps):
        if page.get_by_role("heading", name=step.title, exact=True).count():
            return index
    if page.get_by_role("heading", name=GATE_TITLE, exact=True).count():
        return len(Q.steps)
    return None


#: Every widget key drawn on the page now, read in one go (Streamlit writes
#: ``st-key-<key>`` on the element of a keyed widget or container).
_KEYS_JS = """() => [...document.querySelectorAll('[class*="st-key-"]')].flatMap(
    el => [...el.classList].filter(c => c.startsWith('st-key-')).map(c => c.slice(7)))"""


def drawn_keys(page) -> set[str]:
    return set(page.evaluate(_KEYS_JS))


def shown_items(page, step: int) -> list[Question | Checklist]:
    """The questions and checklists drawn now (on the gate: whatever it asks)."""
    if step < len(Q.steps):
        candidates = list(Q.steps[step].items)
    else:
        candidates = [*Q.checklists.values(), *Q.questions.values()]
    prefix = "gate_" if step >= len(Q.steps) else "cl_"
    keys = drawn_keys(page)
    return [
        item
        for item in candidates
        if (f"{prefix}{item.id}__none" if isinstance(item, Checklist) else f"q_{item.key}") in keys
    ]


def first_box(q: Question) -> str:
    """The id of a checklist member's first tick box (``key``, or ``key.value`` for a list)."""
    return q.key if q.kind is Kind.BOOL else f"{q.key}.{q.choices[0][0]}"


def gate_default(q: Question) -> Any:
    """What a person with no more signs answers to an open safety question."""
    if q.kind is Kind.BOOL:
        return False
    if q.kind is Kind.MULTI:  # "None of these" where the list has it, else its first item
        return [] if q.none else [q.choices[0][0]]
    if q.kind is Kind.CHOICE:
        return "none" if "none" in dict(q.choices) else q.choices[-1][0]
    return q.minimum


def answer_shown(page, step: int, answers: Mapping[str, Any]) -> None:
    """Answer what this step shows with these answers (the gate: every question asked).

    Follow-up questions appear once their parent is answered, so the step is
    read again until nothing new shows.
    """
    gate = step >= len(Q.steps)
    prefix = "gate_" if gate else "cl_"
    done: set[str] = set()
    while todo := [i for i in shown_items(page, step) if _item_id(i) not in done]:
        for item in todo:
            done.add(_item_id(item))
            _answer_item(page, item, answers, prefix, gate=gate)
            if emergency_shown(page):  # an emergency answer: say help is on its way, go on
                press(page, "emergency_continue")


def _item_id(item: Question | Checklist) -> str:
    return item.id if isinstance(item, Checklist) else item.key


def _answer_item(
    page, item: Question | Checklist, answers: Mapping[str, Any], prefix: str, *, gate: bool
) -> None:
    if isinstance(item, Checklist):
        wanted = dict(answers)
        if gate:
            keys = drawn_keys(page)
            wanted = {
                m.key: answers.get(m.key, gate_default(m))
                for m in item.members
                if css_key(f"{prefix}{item.id}__{first_box(m)}") in keys
            }
        fill_checklist(page, item, wanted, prefix)
    elif item.key in answers:
        answer(page, item, answers[item.key])
    elif gate:
        answer(page, item, gate_default(item))


def emergency_shown(page) -> bool:
    return key_locator(page, "emergency_screen").count() > 0


def walk(page, answers: Mapping[str, Any], *, pick_by_picture: tuple[str, ...] = ()) -> None:
    """Answer every step with these answers, press Next until a result shows; the
    safety questions before a result get the answers given, else "no"."""
    for _ in range(len(Q.steps) + 4):
        if emergency_shown(page):
            press(page, "emergency_continue")
        step = current_step(page)
        if step is None:
            if _result_shown(page):
                return
            step = _settled_step(page)
            if step is None:
                return
        if step == 2 and pick_by_picture:
            for region in pick_by_picture:
                click_body_map(page, region)
            answers = {
                **answers,
                "areas": [a for a in answers.get("areas", []) if a not in pick_by_picture],
            }
            if not answers["areas"]:
                del answers["areas"]
        answer_shown(page, step, answers)
        last = key_locator(page, "check_finish").count() > 0
        press(page, "check_finish" if last else "check_next")
        if last:
            wait_for_result_or_gate(page)
    raise AssertionError("the symptom check never reached a result")


def _result_shown(page) -> bool:
    return page.get_by_role("heading", name=RESULT_HEADING).count() > 0


def _settled_step(page) -> int | None:
    """The step shown once a slow run has drawn it, None for a result (on a busy
    machine the run a click started may begin after `wait_for_app` stopped looking)."""
    for _ in range(STEP_LIMIT_MS // 1000):
        page.wait_for_timeout(250)
        wait_for_app(page)
        step = current_step(page)
        if step is not None:
            return step
        if _result_shown(page):
            return None
    raise AssertionError(f"neither a step nor a result at {page.url}")


def wait_for_result_or_gate(page) -> None:
    """Wait for the result or the safety questions, drawn in full (the heading comes
    before the questions under it)."""
    result = page.get_by_role("heading", name=RESULT_HEADING)
    result.or_(page.get_by_role("heading", name=GATE_TITLE, exact=True)).first.wait_for()
    page.wait_for_function(f"{_SCRIPT_STATE} === 'notRunning'")


def click_body_map(page, region: str) -> None:
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    fx, fy = BODY_MAP_SPOT[region]
    page.mouse.click(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
    wait_for_app(page)


def load_answers_file(page, app_url: str, answers: Mapping[str, Any]) -> None:
    """Open Results and load these answers as a saved answers file, as a person who
    saved their answers before does. Shows the result, or first the open safety questions."""
    goto(page, f"{app_url}/results")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').first.set_input_files(
        files=[
            {
                "name": "backcare-answers.json",
                "mimeType": "application/json",
                "buffer": json.dumps(dict(answers)).encode(),
            }
        ]
    )
    wait_for_app(page)
    wait_for_result_or_gate(page)


def open_result(page, app_url: str, answers: Mapping[str, Any]) -> None:
    """Load these answers and answer any safety question still open ("no"), up to the result."""
    load_answers_file(page, app_url, answers)
    walk(page, answers)


# --- what the page shows --------------------------------------------------------------


def main_alert(page):
    """The first alert in the main column (the level banner on a result)."""
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
