"""Home: what BackCare does and does not do, the emergency signs (always shown),
a button to start, and the person's latest result once there is one."""

from __future__ import annotations

import streamlit as st

from backcare import present
from backcare.diary.storage import StorageError
from pages.shell import store, ui
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)

words = present.page_text()["home"]

st.title("BackCare")
st.write(words["intro"])


def _latest() -> tuple[str, str | None] | None:
    """The latest result's level (and when, if saved): this session's, else the last saved."""
    assessment = st.session_state.get(SessionKey.ASSESSMENT)
    if assessment is not None:
        return assessment.triage.value, None
    try:
        saved = store.get_store().latest_assessment()
    except StorageError:
        return None
    if saved is None:
        return None
    return saved.level, f"{saved.taken_at:%d %B %Y}"


latest = _latest()
if latest is not None:
    level, when = latest
    st.subheader(words["latest"])
    if when:
        st.caption(f"From {when}.")
    ui.level_banner(present.banner(level), large=False)
    if st.session_state.get(SessionKey.ASSESSMENT) is not None:
        st.page_link("pages/results.py", label="See your full result", icon=":material/assignment:")

label = "Start the symptom check" if not ui.answers() else "Carry on with the symptom check"
if st.button(label, type="primary", icon=":material/checklist:"):
    st.switch_page("pages/symptom_check.py")

ui.emergency_signs()

col_does, col_not = st.columns(2)
with col_does:
    st.subheader("What BackCare does")
    ui.bullet_list(words["does"])
with col_not:
    st.subheader("What it does not do")
    ui.bullet_list(words["does_not"])

ui.not_a_diagnosis()
