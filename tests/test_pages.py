"""Page tests with Streamlit's AppTest, run through app.py (st.navigation).

They walk the symptom check the way a person does: one answer at a time, so
follow-up questions appear, then Next, step by step, until the result.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from backcare import present
from backcare.content.questionnaire import Checklist, checklist_ticked, ticks
from backcare.content.questionnaire import load as load_questionnaire
from backcare.engine.wording import level_text, triage_text
from pages.shell.state import WIDGET_PREFIX, SessionKey
from tests.helpers import ROOT, load_vignettes

APP = str(ROOT / "app.py")
PAGES = ["pages/home.py", "pages/symptom_check.py", "pages/results.py"]
ALL_PAGES = [*PAGES, "pages/conditions.py", "pages/exercise_plan.py", "pages/progress.py"]
VIGNETTES = {v["id"]: v for v in load_vignettes()}
#: Enough Next presses for every step plus the safety-question step, and then some.
MAX_STEPS = len(load_questionnaire().steps) + 3


#: The v2 questions that the v1 vignettes never answered, answered calmly ("no").
CALM_V2 = {
    "anticoagulant": False,
    "diabetes": False,
    "known_aneurysm": False,
    "pregnant": False,
    "fainting": False,
    "pulsing_in_abdomen": False,
    "abdominal_pain": False,
    "pain_in_waves": False,
    "rash": False,
    "urine_symptoms": [],
    "getting_worse": False,
    "spa_features": [],
}
Q = load_questionnaire()


def full(vignette: str) -> dict[str, Any]:
    """A vignette's answers with the v2 questions it never answered set to "no"."""
    return {**CALM_V2, **VIGNETTES[vignette]["answers"]}


@pytest.fixture
def at(started_app: AppTest) -> AppTest:
    return started_app


def widget(at: AppTest, key: str):
    """The question widget for an answer key on screen now, or None."""
    for kind in ("radio", "number_input", "multiselect"):
        try:
            return getattr(at, kind)(key=WIDGET_PREFIX + key)
        except KeyError:
            continue
    return None


def box(at: AppTest, key: str):
    try:
        return at.checkbox(key=key)
    except KeyError:
        return None


def checklists_on_screen(at: AppTest) -> list[tuple[str, Checklist]]:
    """(widget-key prefix, checklist) for each checklist drawn now."""
    found = []
    for cid, item in Q.checklists.items():
        for prefix in ("cl_", "gate_"):
            if box(at, f"{prefix}{cid}__none") is not None:
                found.append((prefix, item))
    return found


def tick(at: AppTest, answers: dict[str, Any]) -> bool:
    """Tick each drawn checklist as the answer set says; True when anything changed."""
    changed = False
    for prefix, item in checklists_on_screen(at):
        shown = item.shown(answers)
        members = [q for q in shown if q.key in answers]
        if not members:
            continue
        ticked, none_apply = checklist_ticked(item, {q.key: answers[q.key] for q in members})
        wanted = {t.id: t.id in ticked for t in ticks(item, answers)}
        if len(members) == len(shown):
            wanted["none"] = none_apply
        for bid, value in wanted.items():
            w = box(at, f"{prefix}{item.id}__{bid}")
            if w is not None and w.value != value:
                w.set_value(value).run()
                changed = True
                assert not at.exception, at.exception
    return changed


def go_on_after_emergency(at: AppTest) -> None:
    """On the emergency screen: say help was got, as a person who already called would."""
    try:
        at.button(key="emergency_continue").click().run()
    except KeyError:
        return


def answer_visible(at: AppTest, answers: dict[str, Any]) -> None:
    """Answer each question on screen that the answer set has, one rerun at a time."""
    done: set[str] = set()
    while True:
        go_on_after_emergency(at)
        todo = [k for k in answers if k not in done and widget(at, k) is not None]
        if not todo:
            if tick(at, answers):
                continue
            return
        key = todo[0]
        done.add(key)
        widget(at, key).set_value(answers[key]).run()
        assert not at.exception, at.exception


def press(at: AppTest, key: str) -> bool:
    try:
        at.button(key=key).click().run()
    except KeyError:
        return False
    assert not at.exception, at.exception
    return True


def walk(at: AppTest, answers: dict[str, Any]) -> None:
    """Go through the symptom check with these answers until the result shows."""
    at.switch_page("pages/symptom_check.py").run()
    for _ in range(MAX_STEPS):
        answer_visible(at, answers)
        if not press(at, "check_finish"):
            press(at, "check_next")
        if SessionKey.ASSESSMENT in at.session_state:
            return
    pytest.fail("the symptom check never reached a result")


def alert_text(at: AppTest) -> str:
    return " ".join(
        str(e.value) for kind in ("error", "warning", "info", "success") for e in getattr(at, kind)
    )


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_renders_through_app_without_exception(at: AppTest, page: str) -> None:
    at.switch_page(page).run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("page", PAGES)
def test_emergency_signs_always_visible(at: AppTest, page: str) -> None:
    at.switch_page(page).run()
    shown = " ".join(m.value for m in at.markdown)
    for sign in triage_text().emergency_signs:
        assert sign in shown


def test_home_starts_the_check(at: AppTest) -> None:
    assert press(at, "home_start")
    assert at.button(key="check_next") is not None


def test_next_needs_age(at: AppTest) -> None:
    at.switch_page("pages/symptom_check.py").run()
    press(at, "check_next")
    assert "age" in " ".join(e.value for e in at.error)
    assert widget(at, "age") is not None  # still on step 1


def test_safety_questions_have_no_default_answer(at: AppTest) -> None:
    at.switch_page("pages/symptom_check.py").run()
    widget(at, "age").set_value(40).run()
    press(at, "check_next")
    shown = [widget(at, k) for k in ("saddle_numbness", "bladder_change", "fever")]
    assert all(w is not None and w.value is None for w in shown)


def test_emergency_advice_shows_at_once_on_the_warning_step(at: AppTest) -> None:
    at.switch_page("pages/symptom_check.py").run()
    widget(at, "age").set_value(40).run()
    press(at, "check_next")
    assert triage_text().emergency_action not in alert_text(at)
    widget(at, "bladder_change").set_value(True).run()
    # The check stops on the emergency screen: the instruction, the number, nothing else.
    assert triage_text().emergency_action in at.error[0].value
    assert any("tel:" in m.value for m in at.markdown)
    assert widget(at, "saddle_numbness") is None
    assert at.button(key="emergency_continue") is not None
    assert press(at, "emergency_continue")
    # Only after "I have already got help" does the check go on, the reminder on top.
    assert widget(at, "saddle_numbness") is not None
    assert triage_text().emergency_action in at.error[0].value


def test_a_new_emergency_sign_shows_the_screen_again(at: AppTest) -> None:
    at.session_state[SessionKey.ANSWERS] = {"age": 40, "leg_weakness": "one_leg"}
    at.session_state[SessionKey.STEP] = 1
    at.switch_page("pages/symptom_check.py").run()
    widget(at, "bladder_change").set_value(True).run()
    press(at, "emergency_continue")
    widget(at, "saddle_numbness").set_value(True).run()  # the same reason: no new screen
    assert widget(at, "fever") is not None
    widget(at, "walking_unsteady").set_value(True).run()  # a new reason: weakness spreading
    assert widget(at, "fever") is None  # the screen again: a new emergency reason
    assert at.button(key="emergency_continue") is not None


def test_follow_up_appears_only_when_it_applies(at: AppTest) -> None:
    at.session_state[SessionKey.ANSWERS] = {"age": 40}
    at.session_state[SessionKey.STEP] = 3  # legs
    at.switch_page("pages/symptom_check.py").run()
    assert widget(at, "leg_pain_below_knee") is None
    widget(at, "leg_pain").set_value("one_leg").run()
    assert widget(at, "leg_pain_below_knee") is not None
    widget(at, "leg_pain_below_knee").set_value(True).run()
    widget(at, "leg_pain").set_value("none").run()
    assert widget(at, "leg_pain_below_knee") is None
    assert "leg_pain_below_knee" not in at.session_state[SessionKey.ANSWERS]


def test_answers_survive_a_page_switch(at: AppTest) -> None:
    at.switch_page("pages/symptom_check.py").run()
    widget(at, "age").set_value(61).run()
    at.switch_page("pages/home.py").run()
    at.switch_page("pages/symptom_check.py").run()
    assert widget(at, "age").value == 61
    assert at.session_state[SessionKey.ANSWERS]["age"] == 61


@pytest.mark.parametrize(
    ("vignette", "level"),
    [("P01", "emergency"), ("P03", "emergency"), ("P09", "soon"), ("P10", "self_care")],
)
def test_full_walk_shows_the_right_banner(at: AppTest, vignette: str, level: str) -> None:
    walk(at, full(vignette))
    assert at.session_state[SessionKey.ASSESSMENT].triage.value == level
    if level == "emergency":
        assert triage_text().emergency_action in at.error[0].value
        assert any("tel:" in m.value for m in at.markdown)
        return
    text = level_text(level)
    banner = [
        e
        for kind in ("error", "warning", "info", "success")
        for e in getattr(at, kind)
        if text.headline in e.value
    ]
    assert banner, f"no banner with {text.headline!r}"
    assert banner[0].icon == present.LEVEL_ICON[present.banner(level).level]
    assert text.title in banner[0].value and text.action in banner[0].value


def test_self_care_waits_for_unanswered_safety_questions(at: AppTest) -> None:
    answers = {**full("P11"), "pain_week_worst": 4}
    assert "leg_pain" not in answers
    at.switch_page("pages/symptom_check.py").run()
    for _ in range(MAX_STEPS):
        answer_visible(at, answers)
        if press(at, "check_finish"):
            break
        press(at, "check_next")
    assert SessionKey.ASSESSMENT not in at.session_state
    assert widget(at, "leg_pain") is not None
    press(at, "check_finish")
    assert SessionKey.ASSESSMENT not in at.session_state  # still not answered: no result yet
    widget(at, "leg_pain").set_value("none").run()
    press(at, "check_finish")
    assert at.session_state[SessionKey.ASSESSMENT].triage.value == "self_care"
    assert not at.exception


def _upload(at: AppTest, content: bytes, name: str = "answers.json") -> None:
    at.switch_page("pages/results.py").run()
    at.file_uploader[0].set_value((name, content, "application/json")).run()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"age": 40, "bladder": true}', "bladder"),
        (b'{"age": 40, "pain_now": 12}', "pain_now"),
        (b"", "empty"),
    ],
)
def test_bad_answers_file_shows_a_clear_error(at: AppTest, content: bytes, words: str) -> None:
    at.session_state[SessionKey.ANSWERS] = {"age": 33}
    _upload(at, content)
    assert not at.exception
    # The file's own text is Markdown-escaped (pages/shell/safe.py): compare what is shown.
    errors = " ".join(re.sub(r"\\(.)", r"\1", e.value) for e in at.error)
    assert words in errors
    assert at.session_state[SessionKey.ANSWERS] == {"age": 33}  # nothing lost


def test_good_answers_file_shows_its_result(at: AppTest) -> None:
    _upload(at, json.dumps(full("P09")).encode())
    assert not at.exception
    assert at.session_state[SessionKey.ASSESSMENT].triage.value == "soon"
    assert any(level_text("soon").headline in e.value for e in at.info)


def test_result_links_each_pattern_to_its_explainer(at: AppTest) -> None:
    _upload(at, json.dumps(full("P10")).encode())
    links = [p for p in at.get("page_link")]
    targets = [p.proto.page for p in links]
    assert any("conditions" in t for t in targets)
    assert any("condition=sciatica" in str(p.proto) for p in links), [str(p.proto) for p in links]


def test_changed_answers_mark_the_result_out_of_date(at: AppTest) -> None:
    _upload(at, json.dumps(full("P10")).encode())
    assert not at.warning
    at.session_state[SessionKey.ANSWERS] = {**full("P10"), "pain_now": 2}
    at.run()
    assert any("out of date" in w.value for w in at.warning)
    assert not at.error  # not an emergency: no red box


def test_changed_answers_that_are_an_emergency_show_the_red_box_first(at: AppTest) -> None:
    _upload(at, json.dumps(full("P10")).encode())
    at.session_state[SessionKey.ANSWERS] = {**full("P10"), "bladder_change": True}
    at.run()
    assert at.error and triage_text().emergency_action in at.error[0].value


def test_start_over_clears_the_answers(at: AppTest) -> None:
    _upload(at, json.dumps(full("P10")).encode())
    assert press(at, "start_again")
    assert at.session_state[SessionKey.ANSWERS] == {}
    assert SessionKey.ASSESSMENT not in at.session_state


def test_no_external_urls_in_pages() -> None:
    """Nothing leaves the machine: no page, helper or app.py names an outside address."""
    paths = [*sorted((ROOT / "pages").rglob("*.py")), ROOT / "app.py"]
    assert len(paths) > len(ALL_PAGES), "the scan must also read pages/shell/"
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text, path


def test_home_shows_the_latest_result(at: AppTest) -> None:
    _upload(at, json.dumps(full("P09")).encode())
    at.switch_page("pages/home.py").run()
    assert not at.exception
    assert any(level_text("soon").headline in e.value for e in at.info)


def test_home_shows_the_last_saved_result_in_a_new_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKCARE_DB_URL", f"sqlite:///{tmp_path / 'shared.sqlite'}")
    monkeypatch.setenv("BACKCARE_STORAGE", "file")  # AppTest is no local browser: say so
    first = AppTest.from_file(APP, default_timeout=30)
    first.run()
    _upload(first, json.dumps(VIGNETTES["P01"]["answers"]).encode())
    assert first.session_state[SessionKey.ASSESSMENT].triage.value == "emergency"
    second = AppTest.from_file(APP, default_timeout=30)
    second.run()
    assert not second.exception
    assert any(level_text("emergency").headline in e.value for e in second.error)


def test_loaded_file_with_open_safety_questions_asks_them_first(at: AppTest) -> None:
    answers = full("P11")
    assert "leg_pain" not in answers
    _upload(at, json.dumps(answers).encode())
    assert not at.exception
    assert SessionKey.ASSESSMENT not in at.session_state
    assert widget(at, "leg_pain") is not None  # asked on the symptom check
    assert at.button(key="check_finish") is not None


@pytest.mark.parametrize("step", range(len(load_questionnaire().steps)))
def test_every_question_widget_has_a_label(at: AppTest, step: int) -> None:
    follow_ups_apply = {"age": 40, "leg_pain": "one_leg", "leg_weakness": "one_leg"}
    at.session_state[SessionKey.ANSWERS] = follow_ups_apply
    at.session_state[SessionKey.STEP] = step
    at.switch_page("pages/symptom_check.py").run()
    questions = [q for q in load_questionnaire().steps[step].questions if not q.checklist]
    for q in questions:
        w = widget(at, q.key)
        assert w is not None, q.key
        assert w.label == q.text
