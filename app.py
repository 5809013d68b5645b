"""BackCare: the Streamlit shell. Every rule and every sentence of medical
content comes from the `backcare` package and `data/`; this file only wires
the pages together.

Run it with:  streamlit run app.py
"""

import streamlit as st

st.set_page_config(page_title="BackCare", page_icon="🩺", layout="centered")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/symptom_check.py", title="Symptom check", icon=":material/checklist:",
            url_path="symptom-check"),
    st.Page("pages/results.py", title="Results", icon=":material/assignment:",
            url_path="results"),
    st.Page("pages/conditions.py", title="Conditions", icon=":material/menu_book:",
            url_path="conditions"),
    st.Page("pages/exercise_plan.py", title="Exercise plan", icon=":material/directions_walk:",
            url_path="exercise-plan"),
    st.Page("pages/progress.py", title="Progress", icon=":material/monitoring:",
            url_path="progress"),
]

st.navigation(PAGES).run()
