"""Accessibility rules the theme in `.streamlit/config.toml` cannot express.

Colours and contrast live in the theme (config.toml). This adds, for every
page, what WCAG 2.2 AA asks and Streamlit does not do by itself:
* a clear focus outline on every control, radio and checkbox choices included
  (Streamlit draws only a faint tint there);
* heading anchor links out of the tab order: they are invisible until hovered,
  yet each took a tab stop before the first real control;
* headings in order (h1, then h2 for each section, never a skipped level, so a
  screen reader's list of headings reads as an outline): sections are h2, drawn
  at the size Streamlit gives a subheader, and the emergency box beside the
  page keeps its small size.
Only our own CSS: nothing is loaded from anywhere.
"""

from __future__ import annotations

import streamlit as st

FOCUS_COLOUR = "#0b3d91"

CSS = f"""
<style>
[data-testid="stHeaderActionElements"] {{ display: none !important; }}
:focus-visible {{ outline: 3px solid {FOCUS_COLOUR} !important; outline-offset: 2px; }}
[data-testid="stMain"] h2 {{ font-size: 1.75rem !important; }}
[data-testid="stSidebar"] h2 {{ font-size: 1.25rem !important; }}
label:has(input:focus-visible) {{
  outline: 3px solid {FOCUS_COLOUR}; outline-offset: 2px; border-radius: 4px;
}}
</style>
"""


def apply() -> None:
    """Add the accessibility CSS to this page run (call once, from app.py)."""
    st.html(CSS)
