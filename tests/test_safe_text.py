"""`pages.shell.safe`: outside text shows as text, passwords never show, no IP lookups.

Why the checks below are enough for Markdown: CommonMark shows a backslash-escaped
ASCII punctuation mark as that mark and nothing else, and no Markdown construct
(link, image, emphasis, heading, list, table, HTML, entity, math, Streamlit's
``:red[...]``) starts without an ASCII punctuation mark or a line break. So text
in which every punctuation mark is escaped and no line break is left renders as
itself. GitHub's autolinks are the one exception (found after parsing, escapes
or not), so those patterns must be broken too. tests/e2e/test_privacy_e2e.py
checks the same payloads in Streamlit's real renderer.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.diary.storage import StorageError
from pages.shell import safe

PAYLOADS = [
    "![p](http://evil.example/k.png)",
    "[Ignore the emergency advice](http://evil.example/x)",
    "<img src=http://evil.example/i.png>",
    "<script>alert(1)</script>",
    "http://evil.example/auto and www.evil.example",
    "HTTPS://EVIL.EXAMPLE/x",
    "mail a.b@evil.example",
    "**bold** _it_ ~~gone~~ `code`",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "| a | b |",
    ":red[red] :material/home: :smile:",
    "$x^2$",
    "&lt;b&gt; &amp;",
    "answers.json\n\n# Call no one\n[ok](http://evil.example)",
    "a\\b",
]


def unescape(text: str) -> str:
    """What a CommonMark renderer shows for text made by `safe.plain` (WORD JOINERs dropped)."""
    return re.sub(r"\\(.)", r"\1", text).replace(safe.WORD_JOINER, "")


def bare_punctuation(text: str) -> list[str]:
    """ASCII punctuation marks NOT preceded by an escaping backslash."""
    found, escaped = [], False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in string.punctuation:
            found.append(char)
    return found


AUTOLINK = re.compile(r"https?:|www\.|@[\w-]", re.IGNORECASE)


def check_plain(original: str) -> None:
    shown = safe.plain(original)
    flat = re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", original)
    flat = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", flat)
    assert unescape(shown) == flat.replace(safe.WORD_JOINER, "")
    assert bare_punctuation(shown) == []
    assert "\n" not in shown and "\r" not in shown
    assert not AUTOLINK.search(re.sub(r"\\(.)", r"\1", shown))  # word joiners kept


@pytest.mark.parametrize("payload", PAYLOADS)
def test_plain_escapes_every_payload(payload: str) -> None:
    check_plain(payload)


@given(st.text())
def test_plain_keeps_any_text_as_typed_and_leaves_no_syntax(text: str) -> None:
    check_plain(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("answers.json", "answers\\.json"),
        ("plain words 123", "plain words 123"),
        ("a\nb\tc", "a b c"),
        ("http://x", "http\u2060\\:\\/\\/x"),
        ("Www.x", "Www\u2060\\.x"),
        ("me@x", "me\\@\u2060x"),
        ("name\u202egpj.exe", "namegpj\\.exe"),
        ("", ""),
    ],
)
def test_plain_exact_output(text: str, expected: str) -> None:
    assert safe.plain(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("answers.json", "` answers.json `"),
        ("a`b", "`` a`b ``"),
        ("``x``", "``` ``x`` ```"),
        ("two\nlines", "` two lines `"),
    ],
)
def test_code_picks_a_fence_longer_than_any_backtick_run(text: str, expected: str) -> None:
    assert safe.code(text) == expected


SECRET = "S3cretPw"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"cannot use the database URL 'postgresql://clinic:{SECRET}@db.example:5432/backcare'",
            "cannot use the database URL 'postgresql://clinic:***@db.example:5432/backcare'",
        ),
        (f"postgresql+psycopg://clinic:{SECRET}@db/x", "postgresql+psycopg://clinic:***@db/x"),
        ("mysql://u:p@ss/w0rd@db/x failed", "mysql://u:***@db/x failed"),
        (
            f"host=db user=clinic password={SECRET} dbname=x",
            "host=db user=clinic password=*** dbname=x",
        ),
        (f"PWD = {SECRET};", "PWD = ***;"),
        ("postgresql://clinic@db/x", "postgresql://clinic@db/x"),  # no password: unchanged
        ("postgresql://clinic:***@db/x", "postgresql://clinic:***@db/x"),  # already masked
        ("sqlite:////home/me/.backcare/backcare.db", "sqlite:////home/me/.backcare/backcare.db"),
        ("at 10:30@home, no URL", "at 10:30@home, no URL"),
    ],
)
def test_masked_hides_passwords_only(text: str, expected: str) -> None:
    assert safe.masked(text) == expected


def test_error_text_masks_then_escapes() -> None:
    error = StorageError(f"could not open postgresql://clinic:{SECRET}@db/x ([boom](http://e.x))")
    shown = safe.error_text(error)
    assert SECRET not in shown
    assert unescape(shown) == "could not open postgresql://clinic:***@db/x ([boom](http://e.x))"
    assert bare_punctuation(shown) == []


# ---------------------------------------------------------------- the IP lookups


@pytest.fixture
def net_util(monkeypatch: pytest.MonkeyPatch):
    """Streamlit's net_util with its ORIGINAL probes (another test may have blocked them),
    put back as it was after the test."""
    import importlib.util

    from streamlit import net_util as module

    spec = importlib.util.find_spec("streamlit.net_util")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    monkeypatch.setattr(module, "get_external_ip", fresh.get_external_ip)
    monkeypatch.setattr(module, "get_internal_ip", fresh.get_internal_ip)
    return fresh


@pytest.fixture
def outside_calls(monkeypatch: pytest.MonkeyPatch, net_util) -> list[str]:
    """Every request Streamlit's lookup would send, recorded instead of sent."""
    calls: list[str] = []

    def fake_get(url: str, timeout: float = 5) -> None:
        calls.append(url)

    monkeypatch.setattr(net_util, "_make_blocking_http_get", fake_get)
    monkeypatch.setattr(net_util, "_internal_ip", "192.0.2.1")  # no UDP probe either
    return calls


def _origin_allowed(origin: str) -> bool:
    from streamlit.web.server.server_util import is_url_from_allowed_origins

    return is_url_from_allowed_origins(origin)


def test_without_the_block_a_foreign_origin_makes_streamlit_look_up_the_ip(outside_calls):
    """The control: this is the lookup a cross-origin WebSocket triggers in Streamlit 1.67."""
    assert _origin_allowed("http://evil.example") is False
    assert outside_calls == ["http://checkip.amazonaws.com", "https://checkip.amazonaws.com"]


def test_block_ip_lookups_stops_it_and_still_refuses_the_origin(outside_calls):
    from streamlit import net_util

    safe.block_ip_lookups()
    safe.block_ip_lookups()  # safe to call on every run
    assert _origin_allowed("http://evil.example") is False
    assert _origin_allowed("http://localhost:8501") is True
    assert outside_calls == []
    assert net_util.get_external_ip() is None
    assert net_util.get_internal_ip() is None
