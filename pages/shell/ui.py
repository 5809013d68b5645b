"""Render helpers shared by the BackCare pages.

Layout only: every word of medical content comes from `backcare` and `data/`
(through `backcare.engine.wording`, `backcare.content.questionnaire` and `backcare.present`).
Accessibility rules kept here so every page follows them: every widget has a
label, and colour is never the only signal (each alert has an icon and words).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from backcare import present
from backcare.answers_io import AnswersFileError, load_answers
from backcare.content.questionnaire import (
    Checklist,
    Question,
    Questionnaire,
    checklist_ticked,
    none_text,
    ticks,
)
from backcare.content.questionnaire import load as load_questionnaire
from backcare.engine.answers import Kind
from backcare.engine.wording import triage_text
from pages.shell import safe
from pages.shell.state import DONT_KNOW, WIDGET_PREFIX, SessionKey

#: Session-state keys shared with other pages (see the shared contract).

#: Whole numbers with a range this small are asked as a row of choices (0-10 pain).
SMALL_RANGE = 10

ALERTS = {"error": st.error, "warning": st.warning, "info": st.info, "success": st.success}


def use_app_navigation(page_file: str) -> None:
    """Make sure this page runs inside app.py's navigation. Call it first on every page.

    Streamlit starts in its older "pages folder" mode because the app has a
    `pages/` folder, and stays there until app.py has run once. So on a fresh
    server, a deep link such as ``conditions?condition=sciatica`` runs that page
    file on its own: the sidebar lists raw file names and the app's page list is
    lost. Switching the mode off and switching to this same page (with its query
    parameters) hands the request to app.py, which runs it through `st.navigation`.
    The mode is process-wide and never comes back on a real server, so only a
    session's first page run is checked (AppTest resets the mode before every run,
    and acting on a later run would drop the click that started it).
    """
    if st.session_state.get(SessionKey.NAV_CHECKED):
        return
    st.session_state[SessionKey.NAV_CHECKED] = True
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.switch_page(f"pages/{Path(page_file).name}", query_params=st.query_params.to_dict())


@st.cache_data(show_spinner=False)
def questionnaire() -> Questionnaire:
    """The questionnaire from `data/questionnaire.yaml`, loaded once per process."""
    return load_questionnaire()


def answers() -> dict[str, Any]:
    """The person's current answers (a copy; write back with `set_answers`)."""
    return dict(st.session_state.get(SessionKey.ANSWERS) or {})


def set_answers(new: dict[str, Any]) -> None:
    st.session_state[SessionKey.ANSWERS] = questionnaire().prune(new)


def replace_answers(new: dict[str, Any]) -> None:
    """Swap in a whole new answer set (loaded file or start over); widgets re-read it."""
    for key in [k for k in st.session_state if str(k).startswith(WIDGET_PREFIX)]:
        del st.session_state[key]
    st.session_state.pop(SessionKey.ASSESSMENT, None)
    set_answers(new)


# --- alerts -----------------------------------------------------------------


def level_banner(banner: present.Banner, *, level: int = 2) -> None:
    """The level in colour, icon and words: what it is and exactly what to do now.

    ``level`` is the banner title's heading level: 2 right under a page title, 3
    inside a section (headings never skip a level).
    """
    ALERTS[banner.kind](
        f"{'#' * level} {banner.title}\n\n**{banner.headline}** {banner.action}",
        icon=banner.icon,
    )


def emergency_call() -> present.EmergencyCall:
    """The emergency numbers, the first one chosen from the browser's language setting."""
    return present.emergency_call(st.context.locale)


def call_links() -> None:
    """The emergency number as a large tap-to-call link, then every number we list."""
    call = emergency_call()
    words = present.page_text()["emergency"]
    label = words["call_link"].format(number=call.primary.number)
    st.markdown(f"### [:material/call: {label}]({call.primary.tel})")
    others = " · ".join(f"[{n.number}]({n.tel}) ({n.where})" for n in call.numbers)
    st.markdown(f"{words['numbers_intro']} {others}")
    st.caption(words["call_hint"])


def emergency_box(assessment, *, key: str = "emergency_box") -> None:
    """The red box with the instruction, the number to call and the emergency reasons.

    Drawn in a keyed container so `focus_and_announce` can move focus to it.
    """
    b = present.banner(assessment.triage)
    reasons = [r.text for r in assessment.reasons if r.level is assessment.triage]
    words = present.page_text()["emergency"]
    with st.container(key=key):
        ALERTS[b.kind](
            f"## {words['title']}\n\n**{triage_text().emergency_action}**",
            icon=b.icon,
        )
        call_links()
        if reasons:
            st.markdown(f"**{words['why']}**")
            bullet_list(reasons)
    focus_and_announce(key)


def keep_widget_answers() -> None:
    """Keep the answers of widgets that are not drawn in this run.

    Streamlit forgets a widget's value when a run does not draw it (the
    emergency screen replaces the step). Written back as plain session state,
    the values are there when the step is drawn again, so "Yes" is never lost.
    """
    for key in [k for k in st.session_state if str(k).startswith(("q_", "cl_", "gate_"))]:
        st.session_state[key] = st.session_state[key]


def focus_and_announce(key: str) -> None:
    """Scroll a keyed container into view, move keyboard focus to it, and have screen
    readers announce it (role=alert). Our own inline script; nothing is loaded."""
    st.html(
        # No "<" followed by a letter or digit inside the script: Streamlit's HTML
        # cleaner drops such a script (it looks like a tag).
        "<script>(function(){let n=0;function go(){"
        f"const el=document.querySelector('.st-key-{key}');"
        "if(!el){if(n++ > 50)return;setTimeout(go,40);return;}"
        "el.setAttribute('role','alert');el.setAttribute('aria-live','assertive');"
        "el.setAttribute('tabindex','-1');el.style.scrollMarginTop='4.5rem';"
        "el.scrollIntoView({block:'start'});el.focus({preventScroll:true});}go();})();</script>",
        unsafe_allow_javascript=True,
    )


def emergency_signs() -> None:
    """The emergency signs in plain words: always shown, never behind a click."""
    text = triage_text()
    with st.container(border=True):
        st.markdown(f"## :material/emergency: {text.emergency_intro}")
        st.markdown("\n".join(f"- {sign}" for sign in text.emergency_signs))
        st.markdown(f"**{text.emergency_action}**")


def not_a_diagnosis() -> None:
    st.info(triage_text().not_a_diagnosis, icon=":material/info:")


def bullet_list(items: tuple[str, ...] | list[str]) -> None:
    st.markdown("\n".join(f"- {item}" for item in items))


def scroll_to_top(marker: str) -> None:
    """Scroll back to the top when a new step shows (our own inline script, nothing loaded).

    Without it, pressing Next at the bottom of a long step leaves a person in
    the middle of the next step. The element is drawn on every run, with the
    same text for the same step, so its script runs only when ``marker``
    changes, and the elements after it keep their place (and keyboard focus).
    """
    st.html(
        f"<script data-step='{marker}'>"
        "for (const el of [document.scrollingElement,"
        " ...document.querySelectorAll('[data-testid=stMain], [data-testid=stAppViewContainer]')])"
        " { if (el) el.scrollTop = 0; }</script>",
        unsafe_allow_javascript=True,
    )


# --- questions --------------------------------------------------------------


def _options(q: Question) -> tuple[list[Any], dict[Any, str]]:
    if q.kind is Kind.BOOL:
        return [True, False], {True: q.yes, False: q.no}
    if q.kind is Kind.INTEGER:
        values = list(range(int(q.minimum), int(q.maximum) + 1))
        return values, {v: str(v) for v in values}
    return [c for c, _ in q.choices], dict(q.choices)


def _is_small_integer(q: Question) -> bool:
    return q.kind is Kind.INTEGER and (q.maximum - q.minimum) <= SMALL_RANGE


def widget_key(q: Question) -> str:
    return WIDGET_PREFIX + q.key


#: What a list question returns when "None of these" is ticked (an empty list is
#: "nothing picked yet", which is not an answer).
NONE_OF_THESE: tuple[str, ...] = ()


def dont_know_label() -> str:
    return present.page_text()["result_levels"]["dont_know_option"]


def question(q: Question, current: Any, *, dont_know: bool = False) -> Any:
    """Ask one question; return its answer (None = not answered, never "No").

    The widget's state is seeded from the stored answers, so answers survive
    step and page switches. Yes/No and single-choice questions start with no
    option picked, so "not answered" stays distinct from "No". With
    ``dont_know`` (safety questions asked before a result) the person may also
    pick "I don't know": the answer is then `DONT_KNOW`, never a guess.
    """
    key = widget_key(q)
    radio = q.kind in (Kind.BOOL, Kind.CHOICE) or _is_small_integer(q)
    if current == DONT_KNOW and not radio:
        st.session_state.setdefault(f"{key}_dont_know", True)
        current = None
    if key not in st.session_state:
        st.session_state[key] = list(current or []) if q.kind is Kind.MULTI else current
    st.markdown(f"**{q.text}**")
    if q.help:
        st.caption(q.help)
    common = {"key": key, "label_visibility": "collapsed"}
    if q.kind is Kind.MULTI:
        options, labels = _options(q)
        picked = st.multiselect(
            q.text,
            options,
            format_func=labels.get,
            placeholder=present.page_text()["labels"]["pick_all"],
            **common,
        )
        if q.none and not picked:
            none_key = f"{key}_none"
            if none_key not in st.session_state:
                st.session_state[none_key] = current == [] or current == ()
            if st.checkbox(q.none, key=none_key):
                return NONE_OF_THESE
        return _dont_know_box(q, picked) if dont_know else picked
    if radio:
        options, labels = _options(q)
        if dont_know:
            options, labels = [*options, DONT_KNOW], {**labels, DONT_KNOW: dont_know_label()}
        return st.radio(
            q.text,
            options,
            index=None,
            format_func=labels.get,
            horizontal=q.kind is not Kind.CHOICE,
            **common,
        )
    step = 1 if q.kind is Kind.INTEGER else 0.5
    value = st.number_input(
        q.text,
        min_value=int(q.minimum) if q.kind is Kind.INTEGER else float(q.minimum),
        max_value=int(q.maximum) if q.kind is Kind.INTEGER else float(q.maximum),
        value=None,
        step=step,
        placeholder=present.page_text()["labels"]["type_number"].format(unit=q.unit)
        if q.unit
        else None,
        **common,
    )
    if q.unit:
        st.caption(q.unit.capitalize())
    return _dont_know_box(q, value) if dont_know else value


def _dont_know_box(q: Question, value: Any) -> Any:
    """A tick box "I don't know" under a list or number question asked before a result."""
    ticked = st.checkbox(dont_know_label(), key=f"{widget_key(q)}_dont_know")
    return DONT_KNOW if ticked and not value else value


# --- checklists ("Do any of these apply?") ------------------------------------------


@dataclass(frozen=True)
class Ticked:
    """What a checklist's boxes say: the ticked box ids, "none of these", "I don't know"."""

    boxes: frozenset[str]
    none_apply: bool
    dont_know: bool = False


def _box_key(prefix: str, item: Checklist, box: str) -> str:
    return f"{prefix}{item.id}__{box}"


def checklist_state(item: Checklist, answers: dict[str, Any], prefix: str) -> Ticked | None:
    """The boxes as the widgets hold them now (None before they were drawn this session)."""
    none_key = _box_key(prefix, item, "none")
    if none_key not in st.session_state:
        return None
    boxes = frozenset(
        t.id for t in ticks(item, answers) if st.session_state.get(_box_key(prefix, item, t.id))
    )
    return Ticked(
        boxes,
        bool(st.session_state.get(none_key)),
        bool(st.session_state.get(_box_key(prefix, item, "dont_know"))),
    )


def checklist(
    item: Checklist, answers: dict[str, Any], prefix: str, *, dont_know: bool = False
) -> Ticked:
    """Draw a checklist: a box per sign, then "None of these" (and "I don't know").

    A box left unticked is "no" only when "None of these" is ticked; a missing
    answer is never read as "no". The boxes start from the stored answers.
    """
    ticked, none_apply = checklist_ticked(item, answers)
    st.markdown(f"**{item.text}**")
    if item.help:
        st.caption(item.help)
    for t in ticks(item, answers):
        key = _box_key(prefix, item, t.id)
        if key not in st.session_state:
            st.session_state[key] = t.id in ticked
        st.checkbox(t.label, key=key, help=t.note or None)
    now = checklist_state(item, answers, prefix)
    boxes = now.boxes if now is not None else ticked
    none_key = _box_key(prefix, item, "none")
    if none_key not in st.session_state:
        st.session_state[none_key] = none_apply
    st.checkbox(none_text(item, boxes), key=none_key)
    if dont_know:
        st.checkbox(dont_know_label(), key=_box_key(prefix, item, "dont_know"))
    return checklist_state(item, answers, prefix) or Ticked(boxes, none_apply)


# --- body map ---------------------------------------------------------------

#: Our own simple drawing of the back of a body: (region, x, x2, y, y2).
#: "none" shapes are outline only (head, arms) and cannot be picked.
BODY_SHAPES: tuple[tuple[str, float, float, float, float], ...] = (
    ("none", 43, 57, 0, 14),
    ("none", 18, 27, 18, 62),
    ("none", 73, 82, 18, 62),
    ("side", 28, 33.5, 34, 60),
    ("side", 66.5, 72, 34, 60),
    ("upper_back", 34, 66, 17, 47),
    ("lower_back", 34, 66, 47, 64),
    ("buttock", 34, 49.5, 64, 78),
    ("buttock", 50.5, 66, 64, 78),
    ("thigh", 35, 49, 78, 108),
    ("thigh", 51, 65, 78, 108),
    ("below_knee", 36, 48, 110, 138),
    ("below_knee", 52, 64, 110, 138),
    ("foot", 33, 48, 139, 146),
    ("foot", 52, 67, 139, 146),
)
#: Where each region's name is written (right of the body), by its y centre.
LABEL_X = 86


def body_map_data(areas: list[str], labels: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Shapes and labels for the body map, marking the picked areas in words too."""
    shapes = pd.DataFrame(BODY_SHAPES, columns=["region", "x", "x2", "y", "y2"])
    shapes["picked"] = shapes["region"].isin(areas)
    rows = []
    for region, label in labels.items():
        part = shapes[shapes["region"] == region]
        mark = "✔ " if region in areas else ""
        rows.append(
            {
                "region": region,
                "x": LABEL_X,
                "y": float((part["y"].mean() + part["y2"].mean()) / 2),
                "text": mark + label.split(",")[0],
                "picked": region in areas,
            }
        )
    return shapes, pd.DataFrame(rows)


def body_map_chart(areas: list[str], labels: dict[str, str]) -> alt.LayerChart:
    shapes, names = body_map_data(areas, labels)
    pick = alt.selection_point(name="pick", fields=["region"], on="click", clear=False)
    x = alt.X("x:Q", scale=alt.Scale(domain=[0, 140]), axis=None)
    y = alt.Y("y:Q", scale=alt.Scale(domain=[0, 148], reverse=True), axis=None)
    fill = alt.condition("datum.picked", alt.value("#0b6e69"), alt.value("#e8eef0"))
    body = (
        alt.Chart(shapes)
        .mark_rect(stroke="#33484f", strokeWidth=1.5, cornerRadius=4)
        .encode(
            x=x,
            x2="x2:Q",
            y=y,
            y2="y2:Q",
            fill=fill,
        )
        .add_params(pick)
    )
    text = (
        alt.Chart(names)
        .mark_text(align="left", fontSize=13, color="#1d2b30")
        .encode(
            x=x,
            y=y,
            text="text:N",
        )
    )
    return alt.layer(body, text).properties(height=330).configure_view(strokeWidth=0)


def _on_body_pick() -> None:
    """Toggle the clicked region in the accessible list (the source of truth)."""
    event = st.session_state.get(st.session_state.get(SessionKey.BODY_MAP, SessionKey.BODY_MAP))
    picked = [p.get("region") for p in (event or {}).get("selection", {}).get("pick", [])]
    q = questionnaire().questions["areas"]
    key = widget_key(q)
    areas = list(st.session_state.get(key) or [])
    for region in picked:
        if region in dict(q.choices):
            areas = [a for a in areas if a != region] if region in areas else [*areas, region]
    order = [c for c, _ in q.choices]
    st.session_state[key] = sorted(areas, key=order.index)
    # A new chart key clears the chart's own selection, so the same area can be clicked again.
    st.session_state[SessionKey.BODY_MAP_N] = st.session_state.get(SessionKey.BODY_MAP_N, 0) + 1


def body_map(areas: list[str]) -> None:
    """A picture of the back to click; it toggles areas in the list above it."""
    q = questionnaire().questions["areas"]
    chart_key = f"{SessionKey.BODY_MAP}_{st.session_state.get(SessionKey.BODY_MAP_N, 0)}"
    st.session_state[SessionKey.BODY_MAP] = chart_key
    st.altair_chart(
        body_map_chart(list(areas or []), dict(q.choices)),
        key=chart_key,
        on_select=_on_body_pick,
        selection_mode="pick",
        width="stretch",
        alt=present.page_text()["labels"]["body_map_alt"],
    )


# --- answers file -----------------------------------------------------------


def load_answers_file(label: str, key: str) -> dict[str, Any] | None:
    """An upload box for a saved answers file; a clear error if it is not usable.

    Returns the answers once per uploaded file, so later edits are not
    overwritten on every rerun. A bad file leaves the current answers alone.
    """
    uploaded = st.file_uploader(label, type=["json"], key=key)
    if uploaded is None:
        return None
    done = f"{key}_loaded"
    try:
        loaded = load_answers(uploaded.getvalue())
    except AnswersFileError as exc:
        st.error(
            present.page_text()["labels"]["load_failed"].format(
                name=safe.plain(uploaded.name), problem=safe.error_text(exc)
            ),
            icon=":material/error:",
        )
        return None
    if st.session_state.get(done) == uploaded.file_id:
        return None
    st.session_state[done] = uploaded.file_id
    return loaded
