"""Home: what BackCare does and does not do, the emergency signs (always shown),
a button to start, and the person's latest result once there is one."""

from __future__ import annotations

import streamlit as st

from backcare import present
from pages.shell import flow, ui
from pages.shell.state import SessionKey

ui.use_app_navigation(__file__)
flow.restore_session()

words = present.page_text()["home"]

labels = present.page_text()["labels"]
st.title(labels["app_title"])
st.write(words["intro"])


latest = st.session_state.get(SessionKey.ASSESSMENT)
if latest is not None:
    st.header(words["latest"])
    when = flow.saved_on()
    if when:
        st.caption(words["latest_when"].format(date=when))
    ui.level_banner(present.banner(latest.triage), level=3)
    st.page_link("pages/results.py", label=words["see_result"], icon=":material/assignment:")
    st.button(
        words["start_again"],
        key="home_start_again",
        icon=":material/restart_alt:",
        on_click=flow.start_again,
    )

label = labels["start_check"] if not ui.answers() else labels["carry_on_check"]
if st.button(label, key="home_start", type="primary", icon=":material/checklist:"):
    st.switch_page("pages/symptom_check.py")

ui.emergency_signs()

col_does, col_not = st.columns(2)
with col_does:
    st.header(labels["does_title"])
    ui.bullet_list(words["does"])
with col_not:
    st.header(labels["does_not_title"])
    ui.bullet_list(words["does_not"])

ui.not_a_diagnosis()
