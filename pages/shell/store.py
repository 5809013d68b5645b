"""The app's link to storage: which Store this visitor gets, today's date for them, and
the shared buttons. Not a page (app.py does not list it): other pages import it.

Private by default, wherever BackCare runs. Who gets what (docs/security.md):

* ``file``: the on-disk diary (``BACKCARE_DB_URL``, else ``~/.backcare/backcare.db``),
  one Store shared by every session of this server. Only a visitor on the SAME
  machine gets it by default (`Visitor.is_local`), or everyone when the operator
  sets ``BACKCARE_STORAGE=file`` on purpose.
* ``browser``: a private in-memory Store for this session, copied to and from
  the person's own browser (`pages.shell.browser_store`). Every other visitor
  gets this: a LAN guest, a Community Cloud visitor, a DNS-rebinding page.
* ``session``: a private in-memory Store, forgotten when the tab closes.

``BACKCARE_STORAGE`` (environment or Streamlit secrets) is one of `ALLOWED_SETTINGS`;
anything else stops the app with a message naming them, so a misspelt
``sessions`` can never quietly fall back to the shared diary.
``BACKCARE_DB_URL`` only says WHERE the shared diary is; it never shares it with
more visitors. A private store lives in ``st.session_state``, never in
``st.cache_resource``, so sessions never see each other's data.

The decision is `decide_mode`, a pure function tested without Streamlit running
(tests/test_store_mode.py).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import streamlit as st

from backcare.diary import storage
from backcare.diary.storage import StorageError, Store
from backcare.engine.wording import Texts, load_texts
from pages.shell import safe
from pages.shell.state import SessionKey

__all__ = ["StorageError", "Store"]  # re-exported for the pages


class StorageMode(StrEnum):
    """Where this visitor's diary, results and plan are kept."""

    FILE = "file"  # the shared on-disk diary (or BACKCARE_DB_URL)
    SESSION = "session"  # private, in memory, gone when the tab closes
    BROWSER = "browser"  # private, in memory, copied to this browser's localStorage


#: ``BACKCARE_STORAGE`` unset or empty means `AUTO`: the on-disk diary for a visitor on
#: this machine, the browser-kept one for everyone else.
AUTO = "auto"
ALLOWED_SETTINGS = (AUTO, *(m.value for m in StorageMode))
#: The Host names that mean "this machine" (the port does not matter).
LOCAL_HOST_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
#: Headers a reverse proxy adds. A browser on this machine sends none of them, so any
#: of them means the visitor came through a proxy, however local the address looks.
PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Forwarded-Host", "X-Real-Ip", "Via")
#: An IANA zone name as browsers report it ("Europe/London", "Etc/GMT+5").
_ZONE_NAME = re.compile(r"^[A-Za-z0-9_+\-]+(?:/[A-Za-z0-9_+\-]+){0,2}$")
#: The widest real UTC offset is 14 hours; anything beyond is not a time zone.
MAX_OFFSET_MINUTES = 14 * 60
#: Stands for a header sent twice: never a local value.
TWO_HEADERS = "(sent twice)"


class SettingError(ValueError):
    """``BACKCARE_STORAGE`` holds a value BackCare does not know."""


@cache
def privacy_text() -> Texts:
    """The wording about where data is kept (`data/privacy.yaml`)."""
    return load_texts("privacy.yaml")


# ---------------------------------------------------------------- the pure decision


def parse_setting(raw: str | None) -> StorageMode | None:
    """The storage mode an operator asked for, or None for `AUTO`.

    Case and surrounding spaces are ignored; any other spelling raises
    `SettingError`, because guessing here could share a diary.
    """
    value = (raw or "").strip().lower()
    if value in ("", AUTO):
        return None
    try:
        return StorageMode(value)
    except ValueError:
        raise SettingError(raw) from None


def host_name(host: str | None) -> str | None:
    """The name in a Host or Origin authority (``"[::1]:8501"`` -> ``"::1"``); None if odd."""
    if not host or not host.strip():
        return None
    try:
        parts = urlsplit("//" + host.strip())
        _ = parts.port  # a port that is not a number is an odd Host
    except ValueError:
        return None
    if parts.username is not None or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname or None


def is_local_host(host: str | None) -> bool:
    """Whether a Host header names this machine: localhost, 127.0.0.1 or [::1], any port."""
    return host_name(host) in LOCAL_HOST_NAMES


def is_local_origin(origin: str | None) -> bool:
    """Whether an Origin header is a page of this machine (no Origin at all counts as local)."""
    if origin is None:
        return True
    try:
        parts = urlsplit(origin.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and is_local_host(parts.netloc)


def is_loopback(ip: str | None) -> bool:
    """Whether a peer address is this machine (127.0.0.0/8, ::1, ::ffff:127.x.x.x)."""
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(frozen=True)
class Visitor:
    """What the WebSocket handshake says about who is connected."""

    ip: str | None  # the TCP peer; None when unknown
    host: str | None  # the Host header; None when missing or sent twice
    origin: str | None = None  # the Origin header (browsers always send one)
    proxied: bool = False  # a reverse-proxy header was present

    def is_local(self) -> bool:
        """True only when every sign says "a browser on this machine, directly"."""
        return (
            is_loopback(self.ip)
            and is_local_host(self.host)
            and is_local_origin(self.origin)
            and not self.proxied
        )


def decide_mode(setting: str | None, visitor: Visitor) -> StorageMode:
    """The storage mode for one visitor. Raises `SettingError` for an unknown setting.

    An explicit setting wins; otherwise only a local visitor gets the shared
    on-disk diary and everyone else a private, browser-kept one.
    """
    chosen = parse_setting(setting)
    if chosen is not None:
        return chosen
    return StorageMode.FILE if visitor.is_local() else StorageMode.BROWSER


# ---------------------------------------------------------------- the person's clock


def person_zone(name: str | None, offset_minutes: int | None) -> dt.tzinfo:
    """The browser's time zone: its IANA name, else its UTC offset, else UTC.

    ``offset_minutes`` is JavaScript's ``getTimezoneOffset()``: minutes to ADD
    to local time to get UTC (London in summer is -60).
    """
    if name and _ZONE_NAME.match(name):
        try:
            return ZoneInfo(name)
        except (KeyError, ValueError, OSError):  # unknown zone, or a folder such as "America"
            pass
    if isinstance(offset_minutes, int) and abs(offset_minutes) <= MAX_OFFSET_MINUTES:
        return dt.timezone(-dt.timedelta(minutes=offset_minutes))
    return dt.UTC


def zone_name(name: str | None, offset_minutes: int | None) -> str:
    """An IANA name for the browser's zone (for calendar files): its own name when valid,
    else ``Etc/GMT-13`` style for a whole-hour offset (POSIX signs: east is minus), else UTC.
    """
    zone = person_zone(name, offset_minutes)
    if isinstance(zone, ZoneInfo):
        return zone.key
    if zone is dt.UTC or not isinstance(offset_minutes, int) or offset_minutes % 60:
        return "UTC"
    hours = offset_minutes // 60  # getTimezoneOffset has the same sign as Etc/GMT
    return "UTC" if hours == 0 else f"Etc/GMT{hours:+d}"


def today_in(zone: dt.tzinfo, now_utc: dt.datetime | None = None) -> dt.date:
    """The calendar date in ``zone`` at ``now_utc`` (default: now)."""
    moment = now_utc or dt.datetime.now(dt.UTC)
    return moment.astimezone(zone).date()


def timezone() -> dt.tzinfo:
    """The time zone of the person at the browser (not the server); UTC if unknown."""
    return person_zone(st.context.timezone, st.context.timezone_offset)


def timezone_name() -> str:
    """`timezone` as an IANA name, for files such as calendars."""
    return zone_name(st.context.timezone, st.context.timezone_offset)


def today() -> dt.date:
    """Today's date for the person at the browser (not the server), UTC if unknown.

    A diary day is the person's day: a server in another zone must not log
    Monday evening in London as Tuesday.
    """
    return today_in(timezone())


def local_date(moment: dt.datetime) -> dt.date:
    """The person's calendar date of a stored time (a time without a zone is UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(timezone()).date()


# ---------------------------------------------------------------- this session


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


def _one(values: Iterable[str]) -> str | None:
    """The only value of a header, or None when it is missing or sent more than once."""
    found = list(values)
    return found[0] if len(found) == 1 else None


def visitor() -> Visitor:
    """This session's visitor, from ``st.context`` (the WebSocket handshake).

    ``st.context.ip_address`` is None for a loopback peer AND when there is no
    client at all (AppTest). Only a real handshake has headers, so no headers
    means "unknown", which is never local.
    """
    headers = st.context.headers
    if not headers:
        return Visitor(ip=None, host=None)
    origins = headers.get_all("Origin")
    return Visitor(
        ip=st.context.ip_address or "127.0.0.1",  # None here means a loopback peer
        host=_one(headers.get_all("Host")),
        origin=_one(origins) if len(origins) < 2 else TWO_HEADERS,
        proxied=any(headers.get_all(name) for name in PROXY_HEADERS),
    )


def storage_mode() -> StorageMode:
    """This session's mode; an unknown ``BACKCARE_STORAGE`` stops the app with a message."""
    safe.block_ip_lookups()
    raw = setting(storage.ENV_STORAGE)
    try:
        return decide_mode(raw, visitor())
    except SettingError:
        words = privacy_text()["setting_error"]
        st.error(
            words.format(
                name=storage.ENV_STORAGE,
                value=safe.code(raw),
                allowed=", ".join(safe.code(v) for v in ALLOWED_SETTINGS),
            ),
            icon=":material/error:",
        )
        st.stop()
        raise  # unreachable: st.stop() ends the run


def session_mode() -> bool:
    """Kept only while the tab is open (``BACKCARE_STORAGE=session``)."""
    return storage_mode() is StorageMode.SESSION


def private_mode() -> bool:
    """This visitor has a store of their own (session or browser-kept)."""
    return storage_mode() is not StorageMode.FILE


@st.cache_resource(show_spinner=False)
def _shared_store(url: str) -> Store:
    return storage.open_store(url)


def private_store() -> Store:
    """This session's own in-memory Store (made on first use)."""
    store = st.session_state.get(SessionKey.STORE)
    if store is None:
        store = storage.memory_store()
        st.session_state[SessionKey.STORE] = store
    return store


def reset_private_store() -> Store:
    """Forget this session's private Store and start an empty one."""
    old = st.session_state.pop(SessionKey.STORE, None)
    if old is not None:
        old.close()
    return private_store()


def get_store() -> Store:
    """The Store for this session. Raises `StorageError` when the database is unusable."""
    if storage_mode() is StorageMode.FILE:
        return _shared_store(storage.resolve_url(setting(storage.ENV_DB_URL)))
    return private_store()


def store_or_stop() -> Store:
    """`get_store`, or a clear message and a stop, for pages that need the database."""
    try:
        return get_store()
    except StorageError as exc:
        st.error(f"{privacy_text()['open_failed']} {safe.error_text(exc)}", icon=":material/error:")
        st.stop()
        raise  # unreachable: st.stop() ends the run


def show_storage_error(exc: StorageError, *, icon: str | None = ":material/error:") -> None:
    """A failed save or load, in an error box: never a raw URL, password or Markdown."""
    st.error(safe.error_text(exc), icon=icon)


def record_assessment(answers: dict[str, Any], assessment: Any) -> None:
    """Save a completed assessment once; reruns with the same result save nothing."""
    result = assessment.to_dict()
    mark = storage.fingerprint(answers, result)
    if st.session_state.get(SessionKey.SAVED_ASSESSMENT) == mark:
        return
    try:
        get_store().add_assessment(answers, result)
    except StorageError as exc:
        st.warning(f"{privacy_text()['save_failed']} {safe.error_text(exc)}")
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
