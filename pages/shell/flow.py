"""The symptom-check flow that several pages share, written once.

* `finish_check`: show a result, or first ask the safety questions still open
  (spec section 2 v2: before ANY result below emergency). The Symptom check
  and Results (a loaded answers file) both call it; the Exercise plan asks its
  own safety questions through `gate_keys_for_plan` and the same gate step.
* `emergency_screen` / `emergency_acknowledged`: the full emergency screen the
  moment the answers reach an emergency, and the explicit "I have already got
  help: continue" that alone lets the check go on.
* `save_progress` / `restore_session`: answers in progress, the step and the
  latest result are kept in this person's store, so a refresh or a new tab
  loses nothing (the store is private to the person: see `store`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import streamlit as st

from backcare import planner, present
from backcare.diary.storage import StorageError
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment, Level
from pages.shell import store, ui
from pages.shell.state import SessionKey

RESULTS_PAGE = "pages/results.py"
PLAN_PAGE = "pages/exercise_plan.py"
CHECK_PAGE = "pages/symptom_check.py"
#: The name of this session's answers in progress in the store.
DRAFT = "symptom_check"


# --- the gate: safety questions before a result -----------------------------------


def dont_know() -> frozenset[str]:
    return frozenset(st.session_state.get(SessionKey.DONT_KNOW, ()))


def show_gate(keys: tuple[str, ...]) -> None:
    """Send the person to the gate step of the symptom check with these questions."""
    st.session_state[SessionKey.GATE_KEYS] = keys
    st.session_state[SessionKey.STEP] = len(ui.questionnaire().steps)
    save_progress()


def finish_check(answers: dict[str, Any], *, from_gate: bool) -> str | None:
    """Show the result, or ask the safety questions still open; return a problem to show."""
    words = present.page_text()["check"]
    result = present.try_assess(answers)
    if result is None:
        return words["age_needed"]
    gate = tuple(
        g.key
        for g in present.questions_to_ask_before_result(ui.questionnaire(), result, dont_know())
    )
    if gate:
        shown = tuple(st.session_state.get(SessionKey.GATE_KEYS, ())) if from_gate else ()
        if set(gate) <= set(shown):
            return words["gate_missing"]
        # New questions (e.g. a follow-up of an answer just given): ask them too.
        show_gate(tuple(dict.fromkeys((*shown, *gate))))
        return None
    show_result(result)
    return None  # unreachable: show_result switches page


def show_result(result: Assessment) -> None:
    """Keep the result (session and store) and open the Results page (or the page
    that sent the person to the safety questions, such as the Exercise plan)."""
    st.session_state[SessionKey.ASSESSMENT] = result
    st.session_state.pop(SessionKey.GATE_KEYS, None)
    ui.set_answers(dict(result.answers))
    save_progress()
    back = st.session_state.pop(SessionKey.RETURN_TO, None)
    st.switch_page(back or RESULTS_PAGE)


def plan_questions(answers: dict[str, Any]) -> tuple[str, ...]:
    """The safety questions the planner needs that apply and are still open (spec 6 v2)."""
    questions = ui.questionnaire().questions
    return tuple(
        k
        for k in planner.safety_questions_for_plan(answers or None, dont_know())
        if k in questions and questions[k].applies(answers)
    )


def ask_then_return(keys: tuple[str, ...], page: str) -> None:
    """Ask these safety questions on the symptom check's gate, then come back to ``page``.

    A short form: only these questions (age among them when it is missing), not
    the whole check. Follow-ups they open are added by `finish_check`.
    """
    st.session_state[SessionKey.RETURN_TO] = page
    show_gate(keys)
    st.switch_page(CHECK_PAGE)


def latest_assessment() -> Assessment | None:
    """This session's result, else one saved in the last 14 days (spec section 6 v2)."""
    current = st.session_state.get(SessionKey.ASSESSMENT)
    if current is not None:
        return current
    with contextlib.suppress(StorageError):
        saved = store.get_store().latest_assessment()
        if saved is not None and planner.assessment_is_recent(
            store.local_date(saved.taken_at), store.today()
        ):
            with contextlib.suppress(ValueError):
                return assess(saved.answers)
    return None


def open_answers(loaded: dict[str, Any]) -> None:
    """A loaded answers file: its result, or the check's gate for what is still open."""
    ui.replace_answers(loaded)
    st.session_state.pop(SessionKey.DONT_KNOW, None)
    result = present.try_assess(ui.answers())
    if result is None:
        st.session_state[SessionKey.STEP] = 0
        save_progress()
        st.switch_page(CHECK_PAGE)
    gate = present.questions_to_ask_before_result(ui.questionnaire(), result)
    if gate:
        show_gate(tuple(g.key for g in gate))
        st.switch_page(CHECK_PAGE)
    show_result(result)


# --- emergency first ----------------------------------------------------------------


def _emergency_ids(assessment: Assessment) -> frozenset[str]:
    return frozenset(r.id for r in assessment.reasons if r.level is Level.EMERGENCY)


def emergency_acknowledged(assessment: Assessment) -> bool:
    """Whether the person said they got help for every emergency reason shown now.

    A new emergency reason later in the check shows the screen again.
    """
    acked = frozenset(st.session_state.get(SessionKey.EMERGENCY_ACK, ()))
    return _emergency_ids(assessment) <= acked


def _acknowledge(ids: frozenset[str]) -> None:
    st.session_state[SessionKey.EMERGENCY_ACK] = (
        frozenset(st.session_state.get(SessionKey.EMERGENCY_ACK, ())) | ids
    )
    # Set again in this run, so the browser draws the step with the answers given
    # (a widget drawn again after a run without it would show its default).
    ui.keep_widget_answers()


def emergency_screen(assessment: Assessment) -> None:
    """The whole page becomes the emergency instruction; focus moves to it.

    NHS 111 online stops at the first red flag: so does this check, until the
    person says they have already got help.
    """
    words = present.page_text()["emergency"]
    ui.keep_widget_answers()
    ui.scroll_to_top("emergency")
    ui.emergency_box(assessment, key="emergency_screen")
    st.write(words["continue_hint"])
    st.button(
        words["continue_button"],
        key="emergency_continue",
        icon=":material/arrow_forward:",
        on_click=_acknowledge,
        args=(_emergency_ids(assessment),),
    )
    st.divider()
    ui.emergency_signs()


# --- nothing lost on refresh ----------------------------------------------------------


def save_progress() -> None:
    """Keep the answers in progress, the step, the "I don't know" answers and the result."""
    assessment = st.session_state.get(SessionKey.ASSESSMENT)
    draft = {
        "answers": ui.answers(),
        "step": int(st.session_state.get(SessionKey.STEP, 0)),
        "gate_keys": list(st.session_state.get(SessionKey.GATE_KEYS, ())),
        "dont_know": sorted(dont_know()),
        "emergency_ack": sorted(st.session_state.get(SessionKey.EMERGENCY_ACK, ())),
        "result_answers": dict(assessment.answers) if assessment is not None else None,
        "saved_at": dt.datetime.now(dt.UTC).isoformat(),
    }
    # If the store cannot be written, the check still works; only a refresh would lose it.
    with contextlib.suppress(StorageError):
        db = store.get_store()
        old = db.draft(DRAFT) or {}
        new = _jsonable(draft)
        # Unchanged apart from the time: no write (two open tabs would wake each other).
        if {**old, "saved_at": None} != {**new, "saved_at": None}:
            db.save_draft(DRAFT, new)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    return value


def restore_session() -> None:
    """Once per session: read back the answers in progress and the latest result."""
    if st.session_state.get(SessionKey.RESTORED):
        return
    st.session_state[SessionKey.RESTORED] = True
    if st.session_state.get(SessionKey.ANSWERS):
        return
    try:
        draft = store.get_store().draft(DRAFT)
    except StorageError:
        return
    if not draft:
        return
    _apply(draft)


def _apply(draft: dict[str, Any]) -> None:
    """Put a saved draft back into this session; a draft that no longer validates is dropped."""
    answers = draft.get("answers") or {}
    if present.try_assess(answers) is None and answers.get("age") is not None:
        return
    ui.set_answers(dict(answers))
    st.session_state[SessionKey.STEP] = int(draft.get("step") or 0)
    if draft.get("gate_keys"):
        st.session_state[SessionKey.GATE_KEYS] = tuple(draft["gate_keys"])
    st.session_state[SessionKey.DONT_KNOW] = frozenset(draft.get("dont_know") or ())
    st.session_state[SessionKey.EMERGENCY_ACK] = frozenset(draft.get("emergency_ack") or ())
    shown = draft.get("result_answers")
    if shown:
        with contextlib.suppress(ValueError):
            st.session_state[SessionKey.ASSESSMENT] = assess(shown)


def saved_on() -> str | None:
    """The date the latest result was saved, in words, or None."""
    with contextlib.suppress(StorageError):
        draft = store.get_store().draft(DRAFT)
        if draft and draft.get("result_answers") and draft.get("saved_at"):
            when = dt.datetime.fromisoformat(draft["saved_at"])
            return f"{store.local_date(when):%d %B %Y}"
    return None


def start_again() -> None:
    """Clear the answers, the result and the saved draft: a fresh check."""
    ui.replace_answers({})
    for key in (SessionKey.STEP, SessionKey.GATE_KEYS, SessionKey.DONT_KNOW):
        st.session_state.pop(key, None)
    st.session_state.pop(SessionKey.EMERGENCY_ACK, None)
    with contextlib.suppress(StorageError):
        store.get_store().clear_draft(DRAFT)
