"""Who gets the shared on-disk diary: `pages.shell.store.decide_mode`, without Streamlit running.

Fail-closed: only a browser on the server's own machine (loopback peer, local
Host, local Origin, no proxy header) gets the on-disk diary by default. Each
table changes one thing at a time, so both sides of every condition are tested.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import streamlit as st

from backcare.diary.entries import DiaryEntry, known_exercise_ids
from backcare.diary.storage import Store, memory_store, open_store
from pages.shell import browser_store, store
from pages.shell.store import SettingError, StorageMode, Visitor

LOCAL = Visitor(ip="127.0.0.1", host="localhost:8501", origin="http://localhost:8501")


@pytest.mark.parametrize(
    ("raw", "mode"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("auto", None),
        ("AUTO", None),
        ("file", StorageMode.FILE),
        (" File ", StorageMode.FILE),
        ("session", StorageMode.SESSION),
        ("SESSION", StorageMode.SESSION),
        ("browser", StorageMode.BROWSER),
    ],
)
def test_known_settings(raw: str | None, mode: StorageMode | None) -> None:
    assert store.parse_setting(raw) is mode


@pytest.mark.parametrize(
    "raw", ["sessions", "memory", "true", "1", "yes", "files", "local", "shared", "session;", "db"]
)
def test_an_unknown_setting_is_refused_never_guessed(raw: str) -> None:
    with pytest.raises(SettingError):
        store.parse_setting(raw)
    with pytest.raises(SettingError):  # even for a local visitor: never fall back to sharing
        store.decide_mode(raw, LOCAL)


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("localhost", True),
        ("localhost:8501", True),
        ("LOCALHOST:1", True),
        ("127.0.0.1:8501", True),
        ("127.0.0.1", True),
        ("[::1]:8501", True),
        ("[::1]", True),
        ("localhost.", False),  # a different name, even if it resolves the same
        ("127.0.0.2:8501", False),
        ("0.0.0.0:8501", False),
        ("backcare.test:8501", False),
        ("evil.example", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
        ("[::ffff:127.0.0.1]:8501", False),
        ("localhost:abc", False),
        ("user@localhost", False),
        ("localhost/x", False),
        ("localhost:8501, evil.example", False),
        ("", False),
        (None, False),
    ],
)
def test_local_host_header(host: str | None, local: bool) -> None:
    assert store.is_local_host(host) is local


@pytest.mark.parametrize(
    ("origin", "local"),
    [
        (None, True),  # browsers always send one; a local script may not
        ("http://localhost:8501", True),
        ("https://127.0.0.1", True),
        ("http://[::1]:8501", True),
        ("null", False),
        ("file://", False),
        ("ftp://localhost", False),
        ("http://evil.example", False),
        ("http://localhost.evil.example:8501", False),
        ("(sent twice)", False),
    ],
)
def test_local_origin(origin: str | None, local: bool) -> None:
    assert store.is_local_origin(origin) is local


@pytest.mark.parametrize(
    ("ip", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("::ffff:127.0.0.1", True),
        ("192.168.1.5", False),
        ("10.0.0.1", False),
        ("::ffff:10.0.0.1", False),
        ("fe80::1%eth0", False),
        ("203.0.113.9", False),
        ("localhost", False),  # a name, not an address
        ("", False),
        (None, False),
    ],
)
def test_loopback_peer(ip: str | None, loopback: bool) -> None:
    assert store.is_loopback(ip) is loopback


REMOTE = {
    "LAN peer": Visitor(
        ip="192.168.1.7", host="192.168.1.5:8501", origin="http://192.168.1.5:8501"
    ),
    "foreign Host (DNS rebinding)": Visitor(
        ip="127.0.0.1", host="backcare.test:8501", origin="http://backcare.test:8501"
    ),
    "foreign Origin": Visitor(ip="127.0.0.1", host="localhost:8501", origin="http://evil.example"),
    "through a proxy": Visitor(
        ip="127.0.0.1", host="localhost:8501", origin="http://localhost:8501", proxied=True
    ),
    "unknown peer (no handshake)": Visitor(ip=None, host=None),
    "no Host": Visitor(ip="127.0.0.1", host=None, origin="http://localhost:8501"),
    "Community Cloud": Visitor(
        ip="10.12.0.4", host="backcare.streamlit.app", origin="https://backcare.streamlit.app"
    ),
}


def test_a_local_visitor_gets_the_on_disk_diary_by_default() -> None:
    assert store.decide_mode(None, LOCAL) is StorageMode.FILE
    assert store.decide_mode(None, Visitor("::1", "[::1]:8501", "http://[::1]:8501")) is (
        StorageMode.FILE
    )


@pytest.mark.parametrize("who", REMOTE)
def test_every_other_visitor_gets_a_private_browser_kept_diary(who: str) -> None:
    assert store.decide_mode(None, REMOTE[who]) is StorageMode.BROWSER
    assert store.decide_mode("auto", REMOTE[who]) is StorageMode.BROWSER


@pytest.mark.parametrize("mode", list(StorageMode))
@pytest.mark.parametrize("who", ["local", *REMOTE])
def test_an_explicit_setting_wins_for_everyone(mode: StorageMode, who: str) -> None:
    visitor = LOCAL if who == "local" else REMOTE[who]
    assert store.decide_mode(mode.value, visitor) is mode


# ---------------------------------------------------------------- the person's date

NOON_UTC = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("name", "offset", "at", "day"),
    [
        ("Pacific/Auckland", None, NOON_UTC - dt.timedelta(hours=1), dt.date(2026, 1, 2)),  # UTC+13
        (
            "Pacific/Auckland",
            None,
            NOON_UTC - dt.timedelta(hours=1, minutes=1),
            dt.date(2026, 1, 1),
        ),
        (
            "America/Los_Angeles",
            None,
            NOON_UTC - dt.timedelta(hours=4),
            dt.date(2026, 1, 1),
        ),  # UTC-8
        (
            "America/Los_Angeles",
            None,
            NOON_UTC - dt.timedelta(hours=4, minutes=1),
            dt.date(2025, 12, 31),
        ),
        ("Europe/London", None, NOON_UTC, dt.date(2026, 1, 1)),
        (None, -780, NOON_UTC, dt.date(2026, 1, 2)),  # offset only: UTC+13
        ("Mars/Olympus", 480, NOON_UTC - dt.timedelta(hours=5), dt.date(2025, 12, 31)),  # UTC-8
        ("America", 480, NOON_UTC - dt.timedelta(hours=5), dt.date(2025, 12, 31)),  # a folder
        ("../../etc/passwd", None, NOON_UTC + dt.timedelta(hours=11, minutes=59), NOON_UTC.date()),
        (None, None, NOON_UTC + dt.timedelta(hours=11, minutes=59), dt.date(2026, 1, 1)),
        (None, 14 * 60 + 1, NOON_UTC, dt.date(2026, 1, 1)),  # not a real offset: UTC
    ],
)
def test_today_is_the_persons_date(
    name: str | None, offset: int | None, at: dt.datetime, day: dt.date
) -> None:
    assert store.today_in(store.person_zone(name, offset), at) == day


def test_today_without_a_browser_is_the_utc_date() -> None:
    assert store.today() == dt.datetime.now(dt.UTC).date()
    assert store.timezone_name() == "UTC"
    late = dt.datetime(2026, 1, 1, 23, 59)  # no zone: read as UTC
    assert store.local_date(late) == dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("name", "offset", "expected"),
    [
        ("Europe/London", 0, "Europe/London"),
        ("Pacific/Auckland", None, "Pacific/Auckland"),
        ("Mars/Olympus", -780, "Etc/GMT-13"),  # UTC+13
        (None, 300, "Etc/GMT+5"),  # UTC-5
        (None, 0, "UTC"),
        (None, -330, "UTC"),  # India's half hour has no Etc name
        (None, None, "UTC"),
        ("../../etc/passwd", None, "UTC"),
    ],
)
def test_zone_name_for_calendar_files(name, offset, expected) -> None:
    assert store.zone_name(name, offset) == expected


# ---------------------------------------------------------------- the store selection


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Streamlit in bare mode (no server): one session state, cleared around each test."""
    from streamlit import net_util

    for probe in ("get_external_ip", "get_internal_ip"):  # storage_mode() blocks them
        monkeypatch.setattr(net_util, probe, getattr(net_util, probe))
    db = tmp_path / "shared.sqlite"
    monkeypatch.setenv("BACKCARE_DB_URL", f"sqlite:///{db}")
    monkeypatch.delenv("BACKCARE_STORAGE", raising=False)
    st.session_state.clear()
    store._shared_store.clear()
    yield db
    st.session_state.clear()
    store._shared_store.clear()


def _as(monkeypatch: pytest.MonkeyPatch, visitor: Visitor) -> None:
    monkeypatch.setattr(store, "visitor", lambda: visitor)


ENTRY = DiaryEntry(dt.date(2026, 1, 1), 5, 6, 20, notes="first visitor")


def test_the_local_visitor_writes_the_shared_file(bare: Path, monkeypatch) -> None:
    _as(monkeypatch, LOCAL)
    store.get_store().save_entry(ENTRY)
    on_disk = open_store(f"sqlite:///{bare}")
    assert [e.notes for e in on_disk.entries()] == ["first visitor"]
    on_disk.close()


@pytest.mark.parametrize("who", REMOTE)
def test_a_remote_visitor_never_reaches_the_shared_file(bare: Path, monkeypatch, who: str) -> None:
    _as(monkeypatch, LOCAL)
    store.get_store().save_entry(ENTRY)
    _as(monkeypatch, REMOTE[who])
    private = store.get_store()
    assert private.entries() == []
    assert private is store.get_store()  # the same private store on every call
    private.save_entry(DiaryEntry(dt.date(2026, 1, 2), 1, 1, 0, notes="second visitor"))
    on_disk = open_store(f"sqlite:///{bare}")
    assert [e.notes for e in on_disk.entries()] == ["first visitor"]
    on_disk.close()


def test_no_handshake_at_all_is_not_local(bare: Path) -> None:
    assert store.visitor() == Visitor(ip=None, host=None)  # bare mode: no headers
    store.get_store()
    assert not bare.exists()  # fail-closed: never even created


@pytest.mark.parametrize("value", ["session", "browser"])
def test_private_settings_never_create_the_shared_file(bare: Path, monkeypatch, value) -> None:
    monkeypatch.setenv("BACKCARE_STORAGE", value)
    _as(monkeypatch, LOCAL)
    store.get_store().save_entry(ENTRY)
    assert not bare.exists()


def test_file_setting_shares_the_file_with_a_remote_visitor_on_purpose(bare, monkeypatch) -> None:
    monkeypatch.setenv("BACKCARE_STORAGE", "file")
    _as(monkeypatch, REMOTE["LAN peer"])
    store.get_store().save_entry(ENTRY)
    assert bare.exists()


# ---------------------------------------------------------------- the browser-kept copy

TODAY = dt.date(2026, 3, 1)
RESULT = {"triage": "self_care", "patterns": []}


EXERCISE = sorted(known_exercise_ids())[0]


def _filled() -> Store:
    kept = memory_store()
    kept.save_entries([DiaryEntry(TODAY, 5, 6, 20, (EXERCISE,), notes="note")])
    kept.add_assessment({"age": 40}, RESULT, taken_at=dt.datetime(2026, 2, 1, 9, tzinfo=dt.UTC))
    kept.save_plan({"weeks": [], "profile": {"days": ["mon"]}})
    return kept


def test_an_empty_store_has_nothing_to_keep() -> None:
    assert browser_store.payload_text(memory_store()) is None


def test_the_copy_goes_into_an_empty_store_unchanged() -> None:
    text = browser_store.payload_text(_filled())
    fresh = memory_store()
    browser_store.merge_into(fresh, browser_store.read_payload(text, today=TODAY))
    assert browser_store.payload_text(fresh) == text  # stable text: nothing re-sent for nothing


def test_what_the_session_already_has_wins_over_the_copy() -> None:
    copy = _filled()
    copy.save_entry(DiaryEntry(TODAY - dt.timedelta(days=1), 4, 4, 0, notes="only in the copy"))
    text = browser_store.payload_text(copy)
    session = _filled()
    session.save_entry(DiaryEntry(TODAY, 2, 3, 0, notes="typed before the copy came"))
    browser_store.merge_into(session, browser_store.read_payload(text, today=TODAY))
    assert [e.notes for e in session.entries()] == [
        "only in the copy",
        "typed before the copy came",
    ]
    assert len(session.assessments()) == 1  # the same check is not added twice


def _payload(**change: object) -> str:
    base = {
        "format": "backcare-browser",
        "version": 1,
        "diary": [],
        "assessments": [],
        "plan": None,
        "drafts": {},
    }
    return json.dumps({**base, **change})


GOOD_CHECK = {"taken_at": "2026-02-01T09:00:00+00:00", "answers": {}, "result": RESULT}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("not json", "not valid JSON"),
        ('{"a": 1, "a": 2}', "not valid JSON"),
        ("[]", "not a BackCare browser copy"),
        (_payload(format="other"), "not a BackCare browser copy"),
        (_payload(version=2), "version 2"),
        (_payload(extra=1), "keys must be"),
        (_payload(diary={}), "must be lists"),
        (_payload(diary=[{"date": "2026-03-01", "pain_now": 11}]), "diary:"),
        (
            _payload(
                diary=[
                    {
                        "date": "2026-03-09",
                        "pain_now": 1,
                        "pain_worst": 1,
                        "active_minutes": 0,
                        "leg_pain": False,
                    }
                ]
            ),
            "diary:",
        ),  # future
        (_payload(assessments=[{**GOOD_CHECK, "result": {"triage": "fine"}}]), "triage level"),
        (_payload(assessments=[{**GOOD_CHECK, "taken_at": "yesterday"}]), "taken_at"),
        (_payload(assessments=[{**GOOD_CHECK, "taken_at": "2026-02-01T09:00"}]), "time zone"),
        (_payload(assessments=[{**GOOD_CHECK, "more": 1}]), "exactly"),
        (_payload(plan=[1]), "plan must be"),
        (_payload(drafts={"other": {}}), "drafts may only"),
    ],
)
def test_a_copy_that_fails_a_check_is_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(browser_store.PayloadError, match=problem):
        browser_store.read_payload(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        (_payload(), 0),
        (_payload(assessments=[GOOD_CHECK]), 1),
        (_payload(drafts={"symptom_check": {"answers": {}}}), 0),
    ],
)
def test_a_good_copy_is_read(text: str, count: int) -> None:
    assert len(browser_store.read_payload(text, today=TODAY).assessments) == count


def _instruction(status: str, sent: str | None, text: str | None):
    return browser_store.instruction(
        browser_store.BrowserState(status=browser_store.Status(status), sent=sent), text
    )


@pytest.mark.parametrize(
    ("status", "sent", "text", "order"),
    [
        ("looking", None, "X", {"load": True}),  # never write before the browser answered
        ("looking", None, None, {"load": True}),  # ... not even "remove": that would wipe it
        ("unreadable", "?", None, {}),  # never overwrite what we could not read
        ("blocked", None, "X", {}),
        ("skipped", None, "X", {}),
        ("ready", "X", "X", {}),  # unchanged: nothing sent
        ("ready", "", None, {}),
        ("ready", "X", "Y", {"save": "Y"}),
        ("ready", "", "Y", {"save": "Y"}),
        ("ready", "X", None, {"clear": True, "reload": False}),
        ("full", "X", "Y", {"save": "Y"}),  # try again once something changed
        ("full", "X", "X", {}),  # ... but not the same failed text in a loop
    ],
)
def test_what_the_component_is_told(status, sent, text, order) -> None:
    data, after = _instruction(status, sent, text)
    sent_now = {k: v for k, v in data.items() if k not in ("key", "rev")}
    assert sent_now == order
    assert data["key"] == "backcare:v1"
    if "save" in order or "clear" in order:
        assert after.sent == (text or "") and after.status.value == "ready"


def test_a_copy_too_big_for_the_browser_is_not_sent() -> None:
    data, after = _instruction("ready", "", "x" * (browser_store.MAX_PAYLOAD_CHARS + 1))
    assert "save" not in data and after.status is browser_store.Status.FULL


def _app_that_needs_storage() -> None:
    import streamlit as st

    from pages.shell import store

    store.get_store()
    st.text("the page went on")


@pytest.mark.parametrize("value", ["sessions", "memory", "true"])
def test_an_unknown_setting_stops_the_app_with_the_allowed_values(monkeypatch, value) -> None:
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BACKCARE_STORAGE", value)
    at = AppTest.from_function(_app_that_needs_storage, default_timeout=30).run()
    assert not at.exception
    assert not at.text  # stopped before the page went on
    (message,) = [e.value for e in at.error]
    assert "BACKCARE_STORAGE" in message and f"` {value} `" in message
    for allowed in ("auto", "file", "session", "browser"):
        assert f"` {allowed} `" in message


def _app_that_opens_the_store() -> None:
    from pages.shell import store

    store.store_or_stop()


def test_a_database_url_password_never_reaches_the_page(monkeypatch) -> None:
    """No driver for PostgreSQL here: the message names the problem, not the password."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("BACKCARE_STORAGE", "file")
    monkeypatch.setenv("BACKCARE_DB_URL", "postgresql://clinic:S3cretPw@db.invalid/backcare")
    store._shared_store.clear()
    at = AppTest.from_function(_app_that_opens_the_store, default_timeout=30).run()
    assert not at.exception
    shown = " ".join(e.value for e in at.error)
    assert shown and "S3cretPw" not in shown
    assert "\\*\\*\\*" in shown  # the masked password, escaped for Markdown
