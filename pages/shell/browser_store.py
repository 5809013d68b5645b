"""A diary that stays on the person's own device when BackCare is hosted.

For a visitor who is not on the server's machine (`store.StorageMode.BROWSER`),
the diary, past results, the latest plan and the symptom check in progress live
in two places: a private in-memory Store for this session (what the pages use),
and one JSON text in this browser's ``localStorage`` under `STORAGE_KEY` (what
survives a reload or a new visit). Nothing is kept on the server after the
session ends, and nothing is shared with another visitor.

How the two stay in step (one hidden ``st.components.v2`` component, `JS`):

1. First run of a session: the page waits (`keep_in_browser` shows the
   emergency signs) while the component reads ``localStorage`` and sends the
   text back (trigger ``loaded``). `_on_loaded` checks it and copies it into
   the session's Store, and the page runs with it. Until then NOTHING is
   written to the browser, so an empty first page can never wipe a saved diary.
2. End of every run (`keep_in_browser`, wrapped around the page in app.py): the
   Store is turned into JSON (`payload_text`); when it differs from what the
   browser holds, the component writes it (or removes the key when the Store
   is empty).
3. Another tab of the same browser changes the data: the component hears the
   ``storage`` event and sends the new text (trigger ``changed``); this tab
   takes it over, so tabs do not undo each other's changes.
4. ``localStorage`` refused or full: trigger ``problem``; the page says the data
   is kept only while the tab is open (`render_browser_storage_panel`).
5. Delete (`render_browser_storage_panel`): the key is removed and the page
   reloads, so no form still shows deleted data.

Data the browser hands back is checked like any uploaded file (strict JSON, the
diary's own row checks, known result levels). Data that fails the check is
never overwritten: the person can download it, or delete it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException

from backcare.diary import entries as diary
from backcare.diary.storage import StorageError, Store, fingerprint
from backcare.diary.trends import wording as diary_wording
from backcare.engine.results import Level
from backcare.safe_io import InputError, loads_strict
from pages.shell import store as store_mod
from pages.shell import ui
from pages.shell.state import SessionKey

#: The one ``localStorage`` key, namespaced and versioned.
STORAGE_KEY = "backcare:v1"
#: What the JSON says it is. `VERSION` changes only with a migration in `read_payload`.
FORMAT = "backcare-browser"
VERSION = 1
#: Browsers give a site about 5 million characters of ``localStorage``.
MAX_PAYLOAD_CHARS = 5_000_000
#: Named drafts the Store may keep (`pages.shell.flow.DRAFT`: the check in progress).
DRAFT_NAMES = ("symptom_check",)
#: The hidden component's widget key.
COMPONENT_KEY = "backcare_browser_store"
PAYLOAD_KEYS = frozenset({"format", "version", "diary", "assessments", "plan", "drafts"})
#: ``sent`` when the browser is known to hold nothing.
NOTHING = ""

JS = """
const DEFAULT_KEY = "backcare:v1";
let latestTrigger = null;  // the newest mount's setTriggerValue, for the storage listener
let watchedKey = null;

function read(key) {
  try {
    const found = { ok: true, text: window.localStorage.getItem(key) };
    if (window.sessionStorage.getItem(key + ":deleted")) {
      window.sessionStorage.removeItem(key + ":deleted");
      found.deleted = true;
    }
    return found;
  } catch (error) {
    return { ok: false, text: null };
  }
}

export default function (component) {
  const { data, setTriggerValue } = component;
  const key = (data && data.key) || DEFAULT_KEY;
  latestTrigger = setTriggerValue;
  if (watchedKey === null) {
    watchedKey = key;
    window.addEventListener("storage", (event) => {
      if ((event.key === watchedKey || event.key === null) && latestTrigger) {
        latestTrigger("changed", read(watchedKey));
      }
    });
  }
  if (!data) return;
  if (data.load) {
    setTriggerValue("loaded", read(key));
    return;
  }
  try {
    if (data.clear) {
      window.localStorage.removeItem(key);
      if (data.reload) {
        window.sessionStorage.setItem(key + ":deleted", "1");
        window.location.reload();
      }
    } else if (typeof data.save === "string" && window.localStorage.getItem(key) !== data.save) {
      window.localStorage.setItem(key, data.save);
    }
  } catch (error) {
    setTriggerValue("problem", error && error.name === "QuotaExceededError" ? "full" : "blocked");
  }
}
"""

#: The component draws nothing; this also drops the gap its empty row would leave.
CSS = f".st-key-{COMPONENT_KEY} {{ display: none; }}"

_component = st.components.v2.component(
    "backcare_browser_store", js=JS, css=CSS, isolate_styles=False
)


class Status(StrEnum):
    """What this session knows about the browser's copy."""

    LOOKING = "looking"  # not heard back from the browser yet: write nothing
    READY = "ready"  # in step: changes are written
    BLOCKED = "blocked"  # the browser refuses localStorage: kept only in this tab
    FULL = "full"  # the last write did not fit: kept only in this tab for now
    UNREADABLE = "unreadable"  # the browser holds data we cannot read: never overwrite it
    SKIPPED = "skipped"  # the person went on before the browser answered: kept only in this tab


@dataclass(frozen=True)
class BrowserState:
    """This session's side of the sync, kept in ``st.session_state``."""

    status: Status = Status.LOOKING
    sent: str | None = None  # the text the browser holds as far as we know (NOTHING: none)
    raw: str | None = None  # unreadable text, offered for download as it was
    rev: int = 0  # counts instructions, so each one is new to the component
    note: str | None = None  # a one-off message key of data/privacy.yaml
    reload: bool = False  # after a delete: reload the page once the key is gone


class PayloadError(ValueError):
    """The browser's copy is not a BackCare payload this version can read."""


# ---------------------------------------------------------------- the payload (pure)


def payload_of(store: Store) -> dict[str, Any] | None:
    """Everything this person has in ``store``, as the browser keeps it; None when empty."""
    drafts = {}
    if hasattr(store, "draft"):
        drafts = {n: d for n in DRAFT_NAMES if (d := store.draft(n)) is not None}
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "diary": [e.to_dict() for e in store.entries()],
        "assessments": [
            {"taken_at": a.taken_at.isoformat(), "answers": a.answers, "result": a.result}
            for a in store.assessments()
        ],
        "plan": store.latest_plan(),
        "drafts": drafts,
    }
    empty = not (payload["diary"] or payload["assessments"] or payload["plan"] or drafts)
    return None if empty else payload


def payload_text(store: Store) -> str | None:
    """`payload_of` as compact, stable JSON (same data, same text)."""
    payload = payload_of(store)
    if payload is None:
        return None
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Payload:
    """A checked browser copy, ready to go into a Store."""

    entries: tuple[diary.DiaryEntry, ...]
    assessments: tuple[tuple[dt.datetime, dict[str, Any], dict[str, Any]], ...]
    plan: dict[str, Any] | None
    drafts: dict[str, dict[str, Any]]


def _assessment(raw: Any, number: int) -> tuple[dt.datetime, dict[str, Any], dict[str, Any]]:
    where = f"assessments item {number}"
    if not isinstance(raw, Mapping) or set(raw) != {"taken_at", "answers", "result"}:
        raise PayloadError(f"{where} must have exactly taken_at, answers and result")
    answers, result = raw["answers"], raw["result"]
    if not isinstance(answers, dict) or not isinstance(result, dict):
        raise PayloadError(f"{where}: answers and result must be objects")
    if result.get("triage") not in {lv.value for lv in Level}:
        raise PayloadError(f"{where}: result has no known triage level")
    try:
        taken = dt.datetime.fromisoformat(str(raw["taken_at"]))
    except ValueError:
        raise PayloadError(f"{where}: taken_at is not a date and time") from None
    if taken.tzinfo is None:
        raise PayloadError(f"{where}: taken_at has no time zone")
    return taken, answers, result


def read_payload(text: str, *, today: dt.date) -> Payload:
    """Check the browser's copy as strictly as an uploaded file; raise `PayloadError`."""
    try:
        data = loads_strict(text, max_bytes=MAX_PAYLOAD_CHARS * 4)
    except InputError as exc:
        raise PayloadError(f"not valid JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise PayloadError("not a BackCare browser copy")
    if data.get("version") != VERSION:
        raise PayloadError(f"version {data.get('version')!r}; this BackCare reads {VERSION}")
    if set(data) != PAYLOAD_KEYS:
        raise PayloadError(f"keys must be {', '.join(sorted(PAYLOAD_KEYS))}")
    rows, checks, plan, drafts = data["diary"], data["assessments"], data["plan"], data["drafts"]
    if not isinstance(rows, list) or not isinstance(checks, list):
        raise PayloadError("diary and assessments must be lists")
    try:
        entries = diary.check_rows(rows, today=today)
    except diary.DiaryError as exc:
        raise PayloadError(f"diary: {exc}") from exc
    if plan is not None and not isinstance(plan, dict):
        raise PayloadError("plan must be an object or null")
    if not isinstance(drafts, dict) or not all(
        name in DRAFT_NAMES and isinstance(d, dict) for name, d in drafts.items()
    ):
        raise PayloadError(f"drafts may only be objects named {', '.join(DRAFT_NAMES)}")
    found = tuple(_assessment(raw, n) for n, raw in enumerate(checks, start=1))
    return Payload(tuple(entries), found, plan, dict(drafts))


def merge_into(store: Store, payload: Payload) -> None:
    """Add the browser's copy to ``store``; what the store already holds wins.

    The store is normally empty here. It holds something only when the person
    acted before the browser answered, and that newer work must not be undone.
    """
    have = {e.date for e in store.entries()}
    store.save_entries([e for e in payload.entries if e.date not in have])
    marks = {fingerprint(a.answers, a.result) for a in store.assessments()}
    for taken, answers, result in payload.assessments:
        if fingerprint(answers, result) not in marks:
            store.add_assessment(answers, result, taken_at=taken)
    if payload.plan is not None and store.latest_plan() is None:
        store.save_plan(payload.plan)
    if hasattr(store, "save_draft"):
        for name, draft in payload.drafts.items():
            if store.draft(name) is None:
                store.save_draft(name, draft)


def instruction(state: BrowserState, text: str | None) -> tuple[dict[str, Any], BrowserState]:
    """What to tell the component this run, and the state after it.

    ``text`` is `payload_text` of the session's Store. Nothing is written while
    LOOKING (the browser's copy is not in yet) or UNREADABLE/BLOCKED; only a
    change is sent, so a tab never re-sends an old copy over a newer one.
    """
    data: dict[str, Any] = {"key": STORAGE_KEY}
    if state.status is Status.LOOKING:
        return {**data, "load": True}, state
    if state.status in (Status.UNREADABLE, Status.BLOCKED, Status.SKIPPED):
        return data, state
    wanted = NOTHING if text is None else text
    if wanted == state.sent:
        return data, state
    if len(wanted) > MAX_PAYLOAD_CHARS:
        return data, replace(state, status=Status.FULL, sent=None)
    rev = state.rev + 1
    order = {"clear": True, "reload": state.reload} if text is None else {"save": text}
    after = replace(state, status=Status.READY, sent=wanted, rev=rev, reload=False)
    return {**data, **order, "rev": rev}, after


# ---------------------------------------------------------------- this session


def _state() -> BrowserState:
    return st.session_state.get(SessionKey.BROWSER_SYNC) or BrowserState()


def _set_state(state: BrowserState) -> None:
    st.session_state[SessionKey.BROWSER_SYNC] = state


def _forget_session() -> None:
    """Drop this session's answers (and their widgets), result, plan and check in progress."""
    ui.replace_answers({})
    for key in (
        SessionKey.ASSESSMENT,
        SessionKey.SAVED_ASSESSMENT,
        SessionKey.PLAN,
        SessionKey.STEP,
        SessionKey.GATE_KEYS,
        SessionKey.DONT_KNOW,
        SessionKey.EMERGENCY_ACK,
        SessionKey.RESTORED,
    ):
        st.session_state.pop(key, None)


def _take(found: Any, *, replace_all: bool) -> BrowserState:
    """Put the browser's text into this session's Store; return the new state."""
    state = _state()
    if not isinstance(found, Mapping) or found.get("ok") is not True:
        return replace(state, status=Status.BLOCKED)
    text = found.get("text")
    if replace_all:
        store_mod.reset_private_store()
        _forget_session()
    if found.get("deleted") is True:
        state = replace(state, note="deleted")
    if not isinstance(text, str) or not text:
        return replace(state, status=Status.READY, sent=NOTHING, raw=None)
    try:
        merge_into(store_mod.private_store(), read_payload(text, today=store_mod.today()))
    except (PayloadError, StorageError):
        return replace(state, status=Status.UNREADABLE, sent=text, raw=text)
    st.session_state.pop(SessionKey.RESTORED, None)  # let the pages restore the check again
    return replace(state, status=Status.READY, sent=text, raw=None)


def _trigger(name: str) -> Any:
    value = st.session_state.get(COMPONENT_KEY)
    return value.get(name) if isinstance(value, Mapping) else None


def _on_loaded() -> None:
    if _state().status in (Status.LOOKING, Status.SKIPPED):
        _set_state(_take(_trigger("loaded"), replace_all=False))


def _on_changed() -> None:
    """Another tab of this browser changed the copy: take it over, in full.

    Only while in step: a tab that is still opening, went on without the copy,
    or holds one it cannot read keeps its own work rather than drop it.
    """
    found = _trigger("changed")
    if _state().status not in (Status.READY, Status.FULL):
        return
    if not isinstance(found, Mapping) or found.get("ok") is not True:
        return
    if (found.get("text") or NOTHING) != _state().sent:
        _set_state(replace(_take(found, replace_all=True), note="from_other_tab"))


def _on_problem() -> None:
    """A write failed. ``sent`` stays the failed text, so it is not sent again until
    something changes (re-sending it on every run would loop: fail, rerun, fail)."""
    status = Status.FULL if _trigger("problem") == "full" else Status.BLOCKED
    _set_state(replace(_state(), status=status))


def _delete() -> None:
    """The person asked to delete everything kept in this browser.

    The end of this run removes the key (``sent=None`` differs from "nothing")
    and then reloads the page: a fresh page is the only sure way to clear every
    widget that still shows deleted data (a form keeps what it showed). The
    browser remembers, for this tab only, to say "deleted" after the reload.
    """
    store_mod.reset_private_store()
    _forget_session()
    state = _state()
    if state.status is Status.BLOCKED:  # nothing in the browser to remove
        _set_state(replace(state, note="deleted"))
        return
    _set_state(replace(state, status=Status.READY, sent=None, raw=None, reload=True))


def _sync(slot: Any) -> None:
    """Draw the hidden component with this run's instruction."""
    try:
        store = store_mod.private_store()
        store_mod.current_plan(store)  # the plan built this session goes in the Store too
        text = payload_text(store)
    except StorageError:
        return
    data, state = instruction(_state(), text)
    _set_state(state)
    with slot:
        _component(
            key=COMPONENT_KEY,
            data=data,
            default={},
            on_loaded_change=_on_loaded,
            on_changed_change=_on_changed,
            on_problem_change=_on_problem,
        )


def _skip() -> None:
    _set_state(replace(_state(), status=Status.SKIPPED))


def _waiting() -> None:
    """Shown for the moment before the browser answers: the emergency signs, and a way on."""
    words = store_mod.privacy_text()["browser"]
    st.caption(words["looking"])
    st.button(words["skip"], on_click=_skip, key="browser_skip", icon=":material/arrow_forward:")
    ui.emergency_signs()


@contextmanager
def keep_in_browser() -> Iterator[None]:
    """Wrap ``page.run()`` in app.py: keeps a hosted visitor's data in their own browser.

    Stops the app first with a clear message if ``BACKCARE_STORAGE`` is unknown,
    and does nothing more for the on-disk or session-only modes.

    The page waits (showing the emergency signs) until the browser has handed
    over its copy, usually a fraction of a second: a page drawn from an empty
    Store would keep empty widgets after the data arrives. The component's
    place is taken at the top, so it never moves between pages, and it is
    filled after the page ran, even when the page stopped or switched, so it
    always sends this run's changes.
    """
    if store_mod.storage_mode() is not store_mod.StorageMode.BROWSER:
        yield
        return
    slot = st.empty()
    if _state().status is Status.LOOKING:
        _waiting()
        _sync(slot)
        st.stop()
    try:
        yield
    except RerunException:
        # st.rerun or st.switch_page: this run's messages never reach the browser,
        # so nothing is marked as sent; the next run sends the change.
        raise
    except BaseException:
        _sync(slot)
        raise
    else:
        _sync(slot)


# ---------------------------------------------------------------- the Progress page box


def _download(words: Mapping[str, str], state: BrowserState) -> None:
    if state.status is Status.UNREADABLE and state.raw is not None:
        data = state.raw
    else:
        payload = payload_of(store_mod.private_store())
        data = json.dumps(payload or {"format": FORMAT, "version": VERSION}, indent=2)
    st.download_button(
        words["download"],
        data=data,
        file_name=f"backcare-my-data-{store_mod.today().isoformat()}.json",
        mime="application/json",
        help=words["download_help"],
        on_click="ignore",
        icon=":material/download:",
        key="browser_download",
    )


def render_browser_storage_panel() -> None:
    """Where this person's data is kept, with export and delete (for the Progress page).

    Browser-kept: "kept in this browser only", its state, and the buttons.
    Session-only: the note that data goes when the tab closes. On-disk: nothing.
    """
    mode = store_mod.storage_mode()
    if mode is store_mod.StorageMode.SESSION:
        st.info(diary_wording()["page"]["session_note"], icon=":material/info:")
        return
    if mode is not store_mod.StorageMode.BROWSER:
        return
    words = store_mod.privacy_text()["browser"]
    state = _state()
    with st.container(border=True, key="browser_storage_panel"):
        st.markdown(f"**:material/lock: {words['title']}**")
        st.write(words["kept_here"])
        st.caption(words["same_browser"])
        if state.status is Status.LOOKING:
            st.caption(words["looking"])
        elif state.status is not Status.READY:
            st.warning(words[state.status.value], icon=":material/warning:")
        if state.note:
            st.success(words[state.note], icon=":material/check:")
            _set_state(replace(state, note=None))
        left, right = st.columns(2)
        with left:
            _download(words, state)
        with right.popover(words["delete"], icon=":material/delete:"):
            st.write(words["delete_check"])
            st.button(
                words["delete_confirm"],
                type="primary",
                on_click=_delete,
                key="browser_delete",
            )
