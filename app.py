"""BackCare: the Streamlit shell. Every rule and every sentence of medical
content comes from the `backcare` package and `data/`; this file only wires
the pages together.

Run it with:  streamlit run app.py

Each page's address is its file name (``/symptom_check``, ``/conditions``...).
Keep it that way: on a fresh server Streamlit first resolves a deep link by
file name (see `pages.shell.ui.use_app_navigation`), so a custom ``url_path`` would
show a "Page not found" box there.
"""

from pathlib import Path

import streamlit as st

from pages.shell import browser_store, theme

#: Our own icon file: a Material icon here would be fetched from an outside font server.
ICON = Path(__file__).parent / "data" / "illustrations" / "app-icon.png"

st.set_page_config(page_title="BackCare", page_icon=str(ICON), layout="centered")

PAGES = [
    st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    st.Page("pages/symptom_check.py", title="Symptom check", icon=":material/checklist:"),
    st.Page("pages/results.py", title="Results", icon=":material/assignment:"),
    st.Page("pages/conditions.py", title="Conditions", icon=":material/menu_book:"),
    st.Page("pages/exercise_plan.py", title="Exercise plan", icon=":material/directions_walk:"),
    st.Page("pages/progress.py", title="Progress", icon=":material/monitoring:"),
]

theme.apply()
page = st.navigation(PAGES, position="top")
with browser_store.keep_in_browser():
    page.run()
