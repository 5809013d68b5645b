"""Symptom check: the questionnaire from `data/questionnaire.yaml`, in short steps.

Emergency first: the answers are read from the widgets before anything is
drawn, and the moment they reach an emergency the page shows only the
emergency screen, at the top, with focus moved to it and announced to screen
readers. The check goes on only after "I have already got help: continue".

Why no st.form here: a follow-up question appears as soon as its parent is
answered, and the emergency screen must show at once. Both need a rerun after
each answer, which a form would hold back until its submit button.

Back, Next and "See my result" only record what was pressed (a callback);
the script acts on it first thing, so one run shows the new step.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from backcare import present
from backcare.content.questionnaire import Checklist, Item, checklist_answers
from backcare.engine.answers import Kind
from pages.shell import flow, ui
from pages.shell.state import DONT_KNOW, SessionKey

ui.use_app_navigation(__file__)
flow.restore_session()

q = ui.questionnaire()
steps = q.steps
words = present.page_text()["check"]
labels = present.page_text()["labels"]
index = min(int(st.session_state.get(SessionKey.STEP, 0)), len(steps))


def _keep(answers: dict[str, Any], key: str, kind: Kind, value: Any) -> None:
    """Store one answer; an empty answer is "not answered", never "No"."""
    unknown = set(st.session_state.get(SessionKey.DONT_KNOW, ()))
    unknown.discard(key)
    if value is DONT_KNOW or value == DONT_KNOW:
        answers.pop(key, None)
        unknown.add(key)
    elif isinstance(value, tuple) and value == ui.NONE_OF_THESE:
        answers[key] = []
    elif value is None or (kind is Kind.MULTI and not value):
        answers.pop(key, None)
    else:
        answers[key] = list(value) if kind is Kind.MULTI else value
    st.session_state[SessionKey.DONT_KNOW] = frozenset(unknown)


def _items(step: int) -> tuple[Item, ...]:
    """What this step draws: its questions and checklists, or the gate's safety questions."""
    if step < len(steps):
        return steps[step].items
    return q.items_for(tuple(st.session_state.get(SessionKey.GATE_KEYS, ())))


def _prefix() -> str:
    """Widget-key prefix of checklist boxes: the gate's boxes are apart from the step's."""
    return "gate_" if index >= len(steps) else "cl_"


def _keep_ticks(answers: dict[str, Any], item: Checklist, ticked: ui.Ticked) -> None:
    """Store what a checklist's boxes say; keys they leave open are "not answered"."""
    said = checklist_answers(item, ticked.boxes, ticked.none_apply, answers)
    unknown = set(st.session_state.get(SessionKey.DONT_KNOW, ())) - set(item.keys)
    for member in item.shown(answers):
        if member.key in said:
            answers[member.key] = (
                list(said[member.key]) if member.kind is Kind.MULTI else said[member.key]
            )
        else:
            answers.pop(member.key, None)
            if ticked.dont_know:
                unknown.add(member.key)
    st.session_state[SessionKey.DONT_KNOW] = frozenset(unknown)


def _sync_widgets() -> dict[str, Any]:
    """The answers, with what the widgets of this step hold now (before anything is drawn)."""
    answers = ui.answers()
    for item in _items(index):
        if isinstance(item, Checklist):
            ticked = ui.checklist_state(item, answers, _prefix())
            if ticked is not None and item.applies(answers):
                _keep_ticks(answers, item, ticked)
            continue
        wkey = ui.widget_key(item)
        if wkey in st.session_state and item.applies(answers):
            value = st.session_state[wkey]
            if item.kind is Kind.MULTI and not value and st.session_state.get(f"{wkey}_none"):
                value = ui.NONE_OF_THESE
            if st.session_state.get(f"{wkey}_dont_know") and not value:
                value = DONT_KNOW
            _keep(answers, item.key, item.kind, value)
    ui.set_answers(answers)
    flow.save_progress()
    return ui.answers()


def _request(action: str) -> None:
    st.session_state[SessionKey.CHECK_ACTION] = action


def _act(action: str, answers: dict[str, Any]) -> str | None:
    """Carry out Back, Next or See my result; return a problem to show, if any."""
    if action == "back":
        st.session_state[SessionKey.STEP] = max(0, index - 1)
    elif index < len(steps) and present.required_missing(steps[index], answers):
        return words["age_needed"]
    elif action == "next":
        st.session_state[SessionKey.STEP] = min(index + 1, len(steps) - 1)
    elif action == "finish":
        return flow.finish_check(answers, from_gate=index >= len(steps))
    flow.save_progress()
    return None


answers = _sync_widgets()
emergency = present.live_emergency(answers)
if emergency is not None and not flow.emergency_acknowledged(emergency):
    flow.emergency_screen(emergency)
    st.stop()

problem = None
pending = st.session_state.pop(SessionKey.CHECK_ACTION, None)
if pending:
    problem = _act(pending, answers)
    answers = ui.answers()
    index = min(int(st.session_state.get(SessionKey.STEP, 0)), len(steps))

if emergency is not None:
    ui.emergency_box(emergency, key="emergency_reminder")
    st.caption(present.page_text()["emergency"]["reminder"])

st.title(labels["check_title"])
ui.scroll_to_top(f"step-{index}")

gate = index >= len(steps)
if not gate:
    fraction, label = present.progress(index, q)
    st.progress(fraction, text=label)
    st.header(steps[index].title)
    st.write(steps[index].intro)
else:
    st.progress(1.0, text=words["gate_title"])
    st.header(words["gate_title"])
    st.write(words["gate_intro"])

for item in _items(index):
    if not item.applies(answers):
        continue
    if isinstance(item, Checklist):
        _keep_ticks(answers, item, ui.checklist(item, answers, _prefix(), dont_know=gate))
        continue
    unknown = item.key in st.session_state.get(SessionKey.DONT_KNOW, ())
    value = ui.question(item, answers.get(item.key, DONT_KNOW if unknown else None), dont_know=gate)
    _keep(answers, item.key, item.kind, value)
    if item.key == "areas":
        ui.body_map(answers.get("areas", []))

ui.set_answers(answers)

if problem:
    st.error(problem, icon=":material/error:")
last = index >= len(steps) - 1
back, forward = st.columns(2)
back.button(
    labels["back"],
    key="check_back",
    icon=":material/arrow_back:",
    disabled=index == 0,
    width="stretch",
    on_click=_request,
    args=("back",),
)
forward.button(
    labels["see_result"] if last else labels["next"],
    key="check_finish" if last else "check_next",
    type="primary",
    width="stretch",
    icon=":material/check:" if last else ":material/arrow_forward:",
    on_click=_request,
    args=("finish" if last else "next",),
)

st.divider()
ui.emergency_signs()
