"""Figure 7's second floor: the symptom check's first two steps in plain Streamlit.

Issue 14 times Next against a one-button "hello" app. A step of the check
draws some 25 widgets and their texts, and Streamlit's front end needs time to
draw them whoever writes the page. To tell that cost from ours, the bench also
times a "skeleton": a page with no BackCare code that draws the same first two
steps with the same kinds of Streamlit elements, in the same order, from the
app's own ``data/questionnaire.yaml`` (title, progress bar, step heading and
intro; per question its text in bold, its help as a caption and its widget;
per checklist a tick box for each sign and "None of these"; Back and Next).
`Next / skeleton` is then what BackCare adds on top of Streamlit's own cost.
"""

from __future__ import annotations

from pathlib import Path

from bench.paint_driver import (
    MAIN,
    QUESTION_SELECTOR,
    Click,
    WalkError,
    Wording,
    timed_click,
    wait_idle,
)

#: The skeleton page; ``{data}`` is the path of the questionnaire file it draws.
SKELETON = """import streamlit as st
import yaml
from pathlib import Path

DATA = yaml.safe_load(Path({data!r}).read_text(encoding="utf-8"))
QUESTIONS, CHECKLISTS, STEPS = DATA["questions"], DATA.get("checklists", {{}}), DATA["steps"]
st.session_state.setdefault("step", 0)


def go(by):
    st.session_state.step = min(max(st.session_state.step + by, 0), 1)


def boxes(key):
    q = QUESTIONS[key]
    return list(q["choices"].values()) if "choices" in q else [q.get("tick", q["text"])]


def question(key):
    q = QUESTIONS[key]
    st.markdown(f"**{{q['text']}}**")
    if q.get("help"):
        st.caption(q["help"])
    if q.get("unit"):
        st.number_input(q["text"], value=None, key=key, label_visibility="collapsed")
        st.caption(q["unit"].capitalize())
    elif "choices" in q and q.get("none"):
        picked = st.multiselect(q["text"], list(q["choices"].values()), key=key,
                                label_visibility="collapsed")
        if not picked:
            st.checkbox(q["none"], key=key + "_none")
    else:
        options = list(q["choices"].values()) if "choices" in q else ["Yes", "No"]
        st.radio(q["text"], options, index=None, key=key, horizontal="choices" not in q,
                 label_visibility="collapsed")


def checklist(key):
    c = CHECKLISTS[key]
    st.markdown(f"**{{c['text']}}**")
    if c.get("help"):
        st.caption(c["help"])
    for item in c["items"]:
        for i, label in enumerate(boxes(item)):
            st.checkbox(label, key=f"{{key}}_{{item}}_{{i}}")
    st.checkbox(c["none"], key=key + "_none")


step = STEPS[st.session_state.step]
st.title("Symptom check")
st.progress((st.session_state.step + 1) / len(STEPS), text=f"Step {{st.session_state.step + 1}}")
st.header(step["title"])
st.write(step["intro"])
for key in step["questions"]:
    checklist(key) if key in CHECKLISTS else question(key)
back, forward = st.columns(2)
back.button("Back", key="back", disabled=st.session_state.step == 0, on_click=go, args=(-1,))
forward.button("Next", key="next", type="primary", on_click=go, args=(1,))
"""


def write_skeleton(folder: Path, app_root: Path) -> Path:
    """Write the skeleton page for the questionnaire of ``app_root``; its path."""
    page = folder / "skeleton.py"
    data = app_root / "data" / "questionnaire.yaml"
    page.write_text(SKELETON.format(data=str(data)), encoding="utf-8")
    return page


def skeleton_next(page, url: str, words: Wording) -> Click:
    """Open the skeleton and time Next to the second step's first question painted."""
    page.goto(url, wait_until="commit")
    wait_idle(page)
    texts = [text for text, step in words.step_of_text.items() if step == 1]
    if not texts:
        raise WalkError("the questionnaire has no second step to time")
    button = page.locator(f'{MAIN} [data-testid="stBaseButton-primary"]')
    button.wait_for()
    target = [{"tag": "question", "selector": QUESTION_SELECTOR, "texts": texts}]
    click = timed_click(page, button, target)
    if click is None:
        raise WalkError("the skeleton did not show the second step")
    return click
