"""Show what a person or a file supplied as plain text, with no secret in it, and call no one.

Why this module exists: Streamlit renders the text of ``st.markdown``,
``st.write(str)``, ``st.caption``, ``st.error``/``warning``/``info``/``success``
and ``st.toast`` as Markdown (GitHub's flavour, plus Streamlit's own
``:red[...]``, ``:material/...:`` and ``$math$``). An uploaded file called
``![p](<a stranger's image address>)`` would become an image the browser
fetches from a stranger's server, and ``[Ignore the emergency advice](<address>)``
a link dressed up as our own advice. So anything that came from outside the app
(file names, keys and values from a file, notes, imported cells, error text
that quotes them) goes through `plain` before it is put in a Markdown string.

* `plain`: the text exactly as typed, shown as text. Every ASCII punctuation
  mark is backslash-escaped (CommonMark lets any of them be escaped, and then
  none of them starts a link, image, heading, list, table, emphasis, HTML tag,
  entity, directive or formula). Escaping alone does not stop GitHub's
  autolinks: they are found in the text AFTER parsing, so a bare web address
  would still become a link; an invisible WORD JOINER after ``http``/``https``/``www``
  and after ``@`` breaks those patterns (checked in a real browser by
  ``tests/e2e/test_privacy_e2e.py``). Line breaks and other control characters
  become spaces, so a value cannot start a new Markdown block; the invisible
  characters that reverse text direction are dropped, so a name cannot hide its
  real ending.
* `code`: the text as inline code, for a name a person may want to copy.
* `masked`: a database URL or ``password=`` setting with the password replaced
  by ``***``, so an error can never show one.
* `error_text`: an exception's message, masked and then made `plain`.
* `block_ip_lookups`: Streamlit asks an outside web service for this machine's
  public IP address whenever a page on ANOTHER site opens a WebSocket to the
  app (the cross-origin check calls ``streamlit.net_util.get_external_ip``), and
  no config option stops that (see docs/security.md). This replaces the two
  address probes with answers of "unknown". Nothing else in Streamlit changes:
  such a connection is still refused.
"""

from __future__ import annotations

import re
import string

from streamlit import net_util

#: Every ASCII punctuation mark: CommonMark allows a backslash before each one.
MARKDOWN_PUNCTUATION = frozenset(string.punctuation)
#: Invisible, zero-width and unbreakable: splits a pattern without changing what is seen.
WORD_JOINER = "\u2060"
#: The starts GitHub's autolink finder looks for in text (checked case-insensitively).
_AUTOLINK_START = re.compile(r"(https?)(?=:)|(www)(?=\.)", re.IGNORECASE)
#: C0 and C1 control characters, line and paragraph separators: each becomes a space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Characters that change text direction (a name could show "gpj.exe" as "exe.jpg").
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: ``scheme://user:password@`` in a URL; the password runs to the LAST ``@`` of the word.
_URL_PASSWORD = re.compile(
    r"(?P<head>\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@'\"]*):(?P<secret>[^\s'\"]*)@"
)
#: ``password=...`` in a key=value connection string (libpq style).
_KEY_PASSWORD = re.compile(
    r"(?P<head>\b(?:password|passwd|pwd)\s*=\s*)(?P<secret>[^\s;'\"&]+)", re.I
)
MASK = "***"


def _flatten(text: str) -> str:
    return _BIDI.sub("", _CONTROL.sub(" ", text))


def _defuse_autolinks(text: str) -> str:
    text = _AUTOLINK_START.sub(lambda m: m.group(0) + WORD_JOINER, text)
    return text.replace("@", "@" + WORD_JOINER)


def plain(text: object) -> str:
    """``text`` made safe to put inside a Markdown string: it shows exactly as typed.

    Use it for anything a person or a file supplied, never for our own wording
    (which is Markdown on purpose).
    """
    flat = _defuse_autolinks(_flatten(str(text)))
    return "".join("\\" + c if c in MARKDOWN_PUNCTUATION else c for c in flat)


def code(text: object) -> str:
    """``text`` as Markdown inline code: shown literally, in a typewriter font.

    The fence is one backtick longer than the longest run of backticks inside,
    and padded with spaces, as CommonMark requires for a span that starts or
    ends with a backtick.
    """
    flat = _flatten(str(text))
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}"


def masked(text: object) -> str:
    """``text`` with any password in a URL or a ``password=`` setting replaced by ``***``."""
    out = _URL_PASSWORD.sub(lambda m: f"{m.group('head')}:{MASK}@", str(text))
    return _KEY_PASSWORD.sub(lambda m: f"{m.group('head')}{MASK}", out)


def error_text(error: BaseException | str) -> str:
    """An error's message for a Markdown box: no password, no Markdown."""
    return plain(masked(error))


def _no_address() -> None:
    """Stands in for Streamlit's IP probes: "unknown", without asking anyone."""
    return None


def block_ip_lookups() -> None:
    """Stop Streamlit from looking up this machine's public and network IP addresses.

    Safe to call on every run. Streamlit treats "unknown" as "not allowed", so
    a page on another site still cannot connect; it just no longer makes the
    server ask ``checkip.amazonaws.com`` (and wait up to 2 s, blocking every
    visitor) first.
    """
    net_util.get_external_ip = _no_address
    net_util.get_internal_ip = _no_address
