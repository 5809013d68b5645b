"""The app's link to storage: which Store this browser session uses, and the shared buttons.

Not a page (app.py does not list it): other pages import it.

* ``BACKCARE_STORAGE=session`` (environment or Streamlit secrets): a private
  in-memory database kept in this session's ``st.session_state``, never in
  ``st.cache_resource``, so people on one server never share data.
* Otherwise one Store for the database file or URL (``BACKCARE_DB_URL``, or
  ``~/.backcare/backcare.db``), shared by the sessions of this one person's app.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import streamlit as st

from backcare.diary import storage
from backcare.diary.storage import StorageError, Store
from backcare.diary.trends import wording
from pages.shell.state import SessionKey


def setting(name: str) -> str | None:
    """A setting from the environment, else from Streamlit secrets (absent is fine)."""
    value = os.environ.get(name)
    if value:
        return value
    try:
        found = st.secrets.get(name)
    except Exception:  # no secrets file at all: Streamlit raises here
        return None
    return str(found) if found else None


def session_mode() -> bool:
    return (setting(storage.ENV_STORAGE) or "").strip().lower() == "session"


@st.cache_resource(show_spinner=False)
def _shared_store(url: str) -> Store:
    return storage.open_store(url)


def get_store() -> Store:
    """The Store for this session. Raises `StorageError` when the database is unusable."""
    if session_mode():
        store = st.session_state.get(SessionKey.STORE)
        if store is None:
            store = storage.memory_store()
            st.session_state[SessionKey.STORE] = store
        return store
    return _shared_store(storage.resolve_url(setting(storage.ENV_DB_URL)))


def store_or_stop() -> Store:
    """`get_store`, or a clear message and a stop, for pages that need the database."""
    try:
        return get_store()
    except StorageError as exc:
        st.error(f"BackCare cannot open its saved data, so nothing was changed. {exc}")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def record_assessment(answers: dict[str, Any], assessment: Any) -> None:
    """Save a completed assessment once; reruns with the same result save nothing."""
    result = assessment.to_dict()
    mark = storage.fingerprint(answers, result)
    if st.session_state.get(SessionKey.SAVED_ASSESSMENT) == mark:
        return
    try:
        get_store().add_assessment(answers, result)
    except StorageError as exc:
        st.warning(f"Your result could not be saved to your history. {exc}")
        return
    st.session_state[SessionKey.SAVED_ASSESSMENT] = mark


def current_plan(store: Store | None) -> dict[str, Any] | None:
    """The plan from the Exercise plan page (kept in the store), else the last saved one."""
    plan = st.session_state.get(SessionKey.PLAN)
    if store is None:
        return plan
    try:
        if plan:
            store.save_plan(plan)
            return plan
        return store.latest_plan()
    except StorageError:
        return plan


def report_download(
    assessment: Any,
    answers: dict[str, Any] | None,
    *,
    key: str = "report",
    taken_at: dt.datetime | None = None,
) -> None:
    """A button that downloads the PDF report for a doctor (made only when clicked).

    ``assessment`` is an Assessment, its ``to_dict()`` result, or None (diary only).
    """
    try:
        store: Store | None = get_store()
    except StorageError:
        store = None  # a report without the diary is still useful
    plan = current_plan(store)
    result = assessment.to_dict() if hasattr(assessment, "to_dict") else assessment
    answer_set = dict(answers or getattr(assessment, "answers", None) or {})

    def build() -> bytes:
        from backcare.diary.report import build_report

        entries = store.entries() if store is not None else []
        return build_report(
            result=result, answers=answer_set, entries=entries, plan=plan, taken_at=taken_at
        )

    st.download_button(
        wording()["page"]["report_button"],
        data=build,
        file_name=f"backcare-report-{dt.date.today().isoformat()}.pdf",
        mime="application/pdf",
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
