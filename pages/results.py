"""Results: the level and what to do now, why, the patterns, scores and safety net.

Layout only: `backcare.present.result_view` turns the Assessment into text.
The banner is the first thing on the page; for an emergency it is a large red
box. Every banner has its icon and words, so colour is never the only signal.
"""

from __future__ import annotations

import streamlit as st

from backcare import present
from backcare.answers_io import FILE_NAME, MIME, dump_answers, to_jsonable
from pages.shell import store, ui
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)

words = present.page_text()["results"]
q = ui.questionnaire()


def _load_section() -> None:
    """Load a saved answers file: show its result, or finish the check first."""
    st.subheader("Load saved answers")
    st.write(words["load_intro"])
    loaded = ui.load_answers_file("Choose a BackCare answers file (.json)", key="results_upload")
    if loaded is None:
        return
    ui.replace_answers(loaded)
    result = present.try_assess(ui.answers())  # what is kept: moot follow-ups are dropped
    if result is not None and not present.questions_to_ask_before_result(q, result):
        st.session_state[SessionKey.ASSESSMENT] = result
        st.toast(words["loaded"], icon="✅")
        st.rerun()
    # Safety questions are missing: ask them on the symptom check before any result.
    gate = present.questions_to_ask_before_result(q, result) if result else ()
    st.session_state[SessionKey.GATE_KEYS] = tuple(g.key for g in gate)
    st.session_state[SessionKey.STEP] = len(q.steps) if gate else 0
    st.switch_page("pages/symptom_check.py")


def _start_over() -> None:
    ui.replace_answers({})
    st.session_state[SessionKey.STEP] = 0


assessment = st.session_state.get(SessionKey.ASSESSMENT)
if assessment is None:
    st.title("Your result")
    st.info(words["no_result"], icon="ℹ️")
    st.page_link(
        "pages/symptom_check.py", label="Start the symptom check", icon=":material/checklist:"
    )
    _load_section()
    st.divider()
    ui.emergency_signs()
    st.stop()

current = ui.answers()
if present.answers_changed(current, assessment):
    fresh = present.live_emergency(current)
    if fresh is not None:
        ui.emergency_box(fresh)
    st.warning(words["changed"], icon="✏️")
    st.page_link("pages/symptom_check.py", label=words["finish_check"], icon=":material/checklist:")

view = present.result_view(q, assessment)
ui.level_banner(view.banner)
st.title("Your result")
ui.not_a_diagnosis()

st.subheader(words["reasons_intro"])
if view.reasons:
    for reason in view.reasons:
        st.markdown(f"- {reason.text}")
        for quote in reason.because:
            st.caption(f"You said: {quote.line()}")
else:
    st.write(words["no_reasons"])
if view.unanswered:
    st.warning(
        words["unanswered"] + "\n\n" + "\n".join(f"- {u.question}" for u in view.unanswered),
        icon="❓",
    )

st.subheader("What your answers look like")
st.write(words["patterns_intro"])
if not view.patterns:
    st.write(words["no_patterns"])
for pattern in view.patterns:
    with st.container(border=True):
        st.markdown(f"**{pattern.name}** · {pattern.strength_label}")
        st.write(pattern.summary)
        if pattern.because:
            st.caption("Your answers that fit: " + "; ".join(a.line() for a in pattern.because))
        st.page_link(
            present.CONDITIONS_PAGE,
            label=f"Read about: {pattern.name}",
            icon=":material/menu_book:",
            query_params=pattern.link_params,
        )

st.subheader("Your scores")
for row in view.scores:
    st.markdown(f"**{row.label}:** {row.value}")
    if row.note:
        st.caption(row.note)

st.subheader("If things change")
ui.bullet_list(view.safety_net)
ui.emergency_signs()

answers = to_jsonable(assessment.answers)
store.record_assessment(answers, assessment)

st.subheader("Save or share")
st.write(words["save_intro"])
st.download_button(
    "Download my answers (JSON)",
    dump_answers(assessment.answers),
    file_name=FILE_NAME,
    mime=MIME,
    icon=":material/download:",
)
store.report_download(assessment, answers)
_load_section()
st.divider()
if st.button("Start over", icon=":material/restart_alt:"):
    _start_over()
    st.switch_page("pages/symptom_check.py")
