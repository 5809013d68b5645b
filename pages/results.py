"""Results: the level and what to do now, why, the patterns, scores and safety net.

Layout only: `backcare.present.result_view` turns the Assessment into text,
laid out per level (spec section 2 v2). An emergency shows the instruction, the
number to call and only the emergency reasons first; everything else follows
under "Also tell the doctor". Every banner has its icon and words, so colour is
never the only signal.
"""

from __future__ import annotations

import streamlit as st

from backcare import present
from backcare.answers_io import FILE_NAME, MIME, dump_answers, to_jsonable
from pages.shell import exports, flow, store, ui
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)
flow.restore_session()

words = present.page_text()["results"]
level_words = present.page_text()["result_levels"]
labels = present.page_text()["labels"]
q = ui.questionnaire()


def _load_section() -> None:
    """Load a saved answers file: show its result, or finish the check first."""
    st.header(labels["load_title"])
    st.write(words["load_intro"])
    loaded = ui.load_answers_file(labels["load_label"], key="results_upload")
    if loaded is not None:
        flow.open_answers(loaded)


def _reasons(reasons: tuple[present.ReasonView, ...]) -> None:
    for reason in reasons:
        st.markdown(f"- {reason.text}")
        for quote in reason.because:
            st.caption(labels["you_said"].format(answer=quote.line()))


def _patterns(patterns: tuple[present.PatternView, ...]) -> None:
    for pattern in patterns:
        with st.container(border=True):
            st.markdown(f"**{pattern.name}** · {pattern.strength_label}")
            st.write(pattern.summary)
            if pattern.because:
                st.caption(
                    labels["answers_that_fit"].format(
                        answers="; ".join(a.line() for a in pattern.because)
                    )
                )
            st.page_link(
                present.CONDITIONS_PAGE,
                label=labels["read_about"].format(name=pattern.name),
                icon=":material/menu_book:",
                query_params=pattern.link_params,
            )


def _scores(view: present.ResultView) -> None:
    st.header(labels["scores_title"])
    for row in view.scores:
        st.markdown(f"**{row.label}:** {row.value}")
        if row.note:
            st.caption(row.note)


assessment = st.session_state.get(SessionKey.ASSESSMENT)
if assessment is None:
    st.title(labels["result_title"])
    st.info(words["no_result"], icon=":material/info:")
    st.page_link("pages/symptom_check.py", label=labels["start_check"], icon=":material/checklist:")
    _load_section()
    st.divider()
    ui.emergency_signs()
    st.stop()

current = ui.answers()
if present.answers_changed(current, assessment):
    fresh = present.live_emergency(current)
    if fresh is not None:
        ui.emergency_box(fresh, key="emergency_changed")
    st.warning(words["changed"], icon=":material/edit:")
    st.page_link("pages/symptom_check.py", label=words["finish_check"], icon=":material/checklist:")

view = present.result_view(q, assessment, flow.dont_know())
if view.emergency:
    ui.emergency_box(assessment, key="emergency_result")
else:
    ui.level_banner(view.banner)
st.title(labels["result_title"])

if not view.emergency:
    st.header(words["reasons_intro"])
    if view.reasons:
        _reasons(view.reasons)
    else:
        st.write(words["no_reasons"])
    st.header(level_words["meanwhile_title"])
    ui.bullet_list(view.meanwhile)
if view.dont_know:
    st.warning(
        level_words["dont_know_intro"]
        + "\n\n"
        + "\n".join(f"- {u.question}" for u in view.dont_know),
        icon=":material/help:",
    )
if view.unanswered:
    st.warning(
        words["unanswered"] + "\n\n" + "\n".join(f"- {u.question}" for u in view.unanswered),
        icon=":material/help:",
    )
ui.not_a_diagnosis()

if view.patterns:
    st.header(labels["patterns_title"])
    st.write(words["patterns_intro"])
    _patterns(view.patterns)
elif not view.emergency:
    st.header(labels["patterns_title"])
    st.write(words["no_patterns"])

if view.emergency:
    st.header(level_words["also_tell_title"])
    st.write(level_words["also_tell_intro"])
    _reasons(view.also_tell)
    _patterns(view.also_tell_patterns)
    _scores(view)
else:
    _scores(view)

if view.after_rule_out:
    st.header(level_words["ruled_out_title"])
    st.write(level_words["ruled_out_intro"])
    _patterns(view.after_rule_out)

st.header(labels["safety_net_title"])
ui.bullet_list(view.safety_net)
ui.emergency_signs()

answers = to_jsonable(assessment.answers)
store.record_assessment(answers, assessment)

st.header(labels["save_title"])
st.write(words["save_intro"])
st.download_button(
    labels["download_answers"],
    dump_answers(assessment.answers),
    file_name=FILE_NAME,
    mime=MIME,
    icon=":material/download:",
    key="download_answers",
)
exports.clinician_exports(assessment, answers)
_load_section()
st.divider()
if st.button(labels["start_again"], key="start_again", icon=":material/restart_alt:"):
    flow.start_again()
    st.switch_page("pages/symptom_check.py")
