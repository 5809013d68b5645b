"""Exports for a clinician, shared by the Results and Progress pages.

The PDF report (name and date of birth typed at print time, never stored),
the plain-text clinician summary to paste into a record, and the answers as
FHIR (QuestionnaireResponse, RiskAssessment, pain Observations). Every file is
built by `backcare` only when its button is pressed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from backcare import present
from backcare.diary.report import PAGE_SIZES, build_report, clinician_summary
from backcare.diary.storage import StorageError, Store
from backcare.interop import fhir
from pages.shell import store

WORDS_KEY = "exports"


def _words() -> dict[str, Any]:
    return present.page_text()[WORDS_KEY]


def _store() -> Store | None:
    try:
        return store.get_store()
    except StorageError:
        return None  # a report without the diary is still useful


def _result(assessment: Any) -> dict[str, Any] | None:
    return assessment.to_dict() if hasattr(assessment, "to_dict") else assessment


def report_section(assessment: Any, answers: dict[str, Any] | None, *, key: str) -> None:
    """The report for a doctor: optional name, date of birth and paper size, then the PDF."""
    words = _words()
    db = _store()
    plan = store.current_plan(db)
    result = _result(assessment)
    answer_set = dict(answers or getattr(assessment, "answers", None) or {})
    with st.expander(words["report_options"]):
        name = st.text_input(words["name"], key=f"{key}_name", max_chars=120)
        dob = st.date_input(
            words["dob"],
            value=None,
            min_value=dt.date(1900, 1, 1),
            max_value=store.today(),
            key=f"{key}_dob",
        )
        size = st.radio(words["page_size"], list(PAGE_SIZES), horizontal=True, key=f"{key}_size")
        st.caption(words["not_stored"])

    def build() -> bytes:
        return build_report(
            result=result,
            answers=answer_set,
            entries=db.entries() if db is not None else [],
            plan=plan,
            today=store.today(),
            patient_name=name or None,
            date_of_birth=dob,
            page_size=size,
        )

    st.download_button(
        words["report_button"],
        data=build,
        file_name=f"backcare-report-{store.today().isoformat()}.pdf",
        mime="application/pdf",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def clinician_summary_block(assessment: Any) -> None:
    """The summary as plain text in a code block (it has a copy button)."""
    words = _words()
    db = _store()
    text = clinician_summary(
        result=_result(assessment),
        answers=dict(getattr(assessment, "answers", {}) or {}),
        entries=db.entries() if db is not None else (),
        plan=store.current_plan(db),
        today=store.today(),
    )
    st.subheader(words["summary_title"])
    st.caption(words["summary_intro"])
    st.code(text, language=None, wrap_lines=True)


def fhir_download(assessment: Any, *, key: str) -> None:
    """The answers and the result in FHIR, for a clinic system to read."""
    words = _words()
    st.download_button(
        words["fhir_button"],
        data=lambda: fhir.response_json(dict(assessment.answers)),
        file_name=f"backcare-fhir-{store.today().isoformat()}.json",
        mime="application/fhir+json",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
    st.caption(words["fhir_hint"])


def clinician_exports(assessment: Any, answers: dict[str, Any] | None) -> None:
    """Everything a clinician may want from a result: report, summary and FHIR."""
    st.subheader(_words()["title"])
    report_section(assessment, answers, key="report")
    fhir_download(assessment, key="fhir")
    clinician_summary_block(assessment)
