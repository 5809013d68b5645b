"""Symptom check: the questionnaire from `data/questionnaire.yaml`, in short steps.

Why no st.form here: a follow-up question appears as soon as its parent is
answered, and emergency advice must show on the very step where an emergency
answer is given. Both need a rerun after each answer, which a form would hold
back until its submit button. Answers live in st.session_state[SessionKey.ANSWERS],
so they survive Back, Next and page switches.

Back, Next and "See my result" only record what was pressed (a callback);
the script acts on it first thing, so one run shows the new step.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from backcare import present
from backcare.engine.answers import Kind
from pages.shell import ui
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)


q = ui.questionnaire()
steps = q.steps
words = present.page_text()["check"]
answers = ui.answers()
index = min(int(st.session_state.get(SessionKey.STEP, 0)), len(steps))


def _keep(key: str, kind: Kind, value: Any) -> None:
    """Store one answer; an empty answer is "not answered", never "No"."""
    if value is None or (kind is Kind.MULTI and not value):
        answers.pop(key, None)
    else:
        answers[key] = list(value) if kind is Kind.MULTI else value


def _shown_keys(step: int) -> tuple[str, ...]:
    if step < len(steps):
        return tuple(question.key for question in steps[step].questions)
    return tuple(st.session_state.get(SessionKey.GATE_KEYS, ()))


def _sync_widgets() -> None:
    """Take in answers typed just before a button press (e.g. a number not yet confirmed)."""
    for key in _shown_keys(index):
        wkey = ui.widget_key(q.questions[key])
        if wkey in st.session_state and q.questions[key].applies(answers):
            _keep(key, q.questions[key].kind, st.session_state[wkey])


def _request(action: str) -> None:
    st.session_state[SessionKey.CHECK_ACTION] = action


def _finish() -> str | None:
    """Show the result, or ask the safety questions still open; return a problem to show."""
    result = present.try_assess(answers)
    if result is None:
        return words["age_needed"]
    gate = present.questions_to_ask_before_result(q, result)
    if gate:
        if index < len(steps):
            st.session_state[SessionKey.GATE_KEYS] = tuple(g.key for g in gate)
            st.session_state[SessionKey.STEP] = len(steps)
            return None
        return words["gate_missing"]
    st.session_state[SessionKey.ASSESSMENT] = result
    st.session_state.pop(SessionKey.GATE_KEYS, None)
    ui.set_answers(answers)
    st.switch_page("pages/results.py")
    return None  # unreachable: switch_page ends the run


def _act(action: str) -> str | None:
    """Carry out Back, Next or See my result; return a problem to show, if any."""
    _sync_widgets()
    ui.set_answers(answers)
    if action == "back":
        st.session_state[SessionKey.STEP] = max(0, index - 1)
    elif index < len(steps) and present.required_missing(steps[index], answers):
        return words["age_needed"]
    elif action == "next":
        st.session_state[SessionKey.STEP] = min(index + 1, len(steps) - 1)
    elif action == "finish":
        return _finish()
    return None


problem = None
pending = st.session_state.pop(SessionKey.CHECK_ACTION, None)
if pending:
    problem = _act(pending)
    answers = ui.answers()
    index = min(int(st.session_state.get(SessionKey.STEP, 0)), len(steps))

st.title("Symptom check")
ui.scroll_to_top(f"step-{index}")
top = st.container()

if index < len(steps):
    fraction, label = present.progress(index, q)
    st.progress(fraction, text=label)
    st.header(steps[index].title)
    st.write(steps[index].intro)
else:
    st.progress(1.0, text=words["gate_title"])
    st.header(words["gate_title"])
    st.write(words["gate_intro"])

for key in _shown_keys(index):
    question = q.questions[key]
    if not question.applies(answers):
        continue
    _keep(key, question.kind, ui.question(question, answers.get(key)))
    if key == "areas":
        ui.body_map(answers.get("areas", []))

ui.set_answers(answers)
answers = ui.answers()

emergency = present.live_emergency(answers)
if emergency is not None:
    with top:
        ui.emergency_box(emergency)
        st.caption(words["emergency_more"])

if problem:
    st.error(problem, icon="⚠️")
last = index >= len(steps) - 1
back, forward = st.columns(2)
back.button(
    "Back",
    icon=":material/arrow_back:",
    disabled=index == 0,
    width="stretch",
    on_click=_request,
    args=("back",),
)
forward.button(
    "See my result" if last else "Next",
    type="primary",
    width="stretch",
    icon=":material/check:" if last else ":material/arrow_forward:",
    on_click=_request,
    args=("finish" if last else "next",),
)

st.divider()
ui.emergency_signs()
