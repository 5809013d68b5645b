"""Home page (placeholder until the dashboard issue fills it in)."""

import streamlit as st

from backcare.content import triage_text

st.title("BackCare")
st.warning(triage_text().not_a_diagnosis)
