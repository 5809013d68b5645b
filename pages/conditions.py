"""Conditions page: search and read the plain-English explainers.

A thin shell. The explainers, their order and the search live in
`backcare.content.conditions` and `data/conditions/*.md`; this page reads the search box
and the ``?condition=<id>`` deep link (used by the Results page) and shows what
comes back. Unknown ids get a friendly message, never an error.
"""

from __future__ import annotations

import streamlit as st

from backcare import present
from backcare.content import conditions
from backcare.engine.wording import ContentError
from pages.shell import safe, ui

ui.use_app_navigation(__file__)

PAGE = present.CONDITIONS_PAGE
PARAM = present.CONDITION_PARAM
words = present.page_text()["conditions"]


@st.cache_data(show_spinner=False)
def load_explainers() -> tuple[conditions.Explainer, ...]:
    return conditions.load_all()


def show_explainer(explainer: conditions.Explainer) -> None:
    st.page_link(PAGE, label=words["all_conditions"], icon=":material/arrow_back:")
    st.title(explainer.title)
    if explainer.other_names:
        st.caption(f"{words['also_called']} {', '.join(explainer.other_names)}")
    ui.not_a_diagnosis()
    if explainer.summary:
        st.markdown(f"**{explainer.summary}**")
    for section in conditions.layout(explainer):
        st.header(section.heading, anchor=section.key)
        if section.urgent:
            st.error(section.text, icon=":material/emergency:")
        else:
            st.markdown(section.text)
    ui.emergency_signs()


def show_list(explainers: tuple[conditions.Explainer, ...]) -> None:
    st.title(words["title"])
    ui.not_a_diagnosis()
    query = st.text_input(
        words["search_label"], placeholder=words["search_placeholder"], key="search"
    )
    found = conditions.search(query, explainers)
    if not found:
        st.info(words["no_match"])
    for explainer in found:
        with st.container(border=True):
            st.page_link(
                PAGE,
                label=f"**{explainer.title}**",
                query_params={PARAM: explainer.id},
                icon=":material/emergency:" if explainer.urgent else ":material/article:",
            )
            if explainer.summary:
                st.caption(explainer.summary)
    ui.emergency_signs()


def main() -> None:
    try:
        explainers = load_explainers()
    except ContentError as exc:
        st.error(f"{words['not_loaded']} {safe.error_text(exc)}", icon=":material/error:")
        ui.emergency_signs()
        return
    wanted = st.query_params.get(PARAM)
    if wanted:
        explainer = conditions.get(wanted, explainers)
        if explainer is not None:
            # Write the id back so the address bar shows a link that can be shared
            # (a page link to this same page does not update it on its own).
            st.query_params[PARAM] = explainer.id
            show_explainer(explainer)
            return
        # The raw value is not echoed: it could hold Markdown (links or images).
        st.warning(words["unknown_link"])
    # The list has no condition open: keep the address bar in step with that.
    st.query_params.clear()
    show_list(explainers)


main()
