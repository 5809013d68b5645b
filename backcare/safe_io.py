"""One strict reader for every file a person hands BackCare, and one CSV formula guard.

Every way in (``assess``, ``plan``, ``report``, ``diary import``, ``score`` and
the app's uploads) reads JSON through `loads_strict` and text through
`decode_text`, so they all accept and refuse the same things. Python's
``json.loads`` alone is too trusting for files from anywhere:

* it keeps the LAST of two equal keys, so ``{"saddle_numbness": true,
  "saddle_numbness": false}`` would quietly become the calmer answer;
* deep nesting (``[[[[...``) crashes it with ``RecursionError``;
* a 5,000-digit number raises ``ValueError`` (``sys.int_max_str_digits``), and
  a 310-digit one turns into an ``OverflowError`` later, when compared with a
  float;
* it accepts ``NaN`` and ``Infinity``, which are not JSON;
* a byte-order mark is an error for ``json.loads`` but fine for ``utf-8-sig``.

Each problem here becomes an `InputError` with a one-line message naming what
was wrong. The CSV side (`guard_cell`) keeps a spreadsheet from running a
cell as a formula; the diary export and the batch output both use it.

A leaf module: it imports nothing from ``backcare``, so every layer may use it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

#: Text files are UTF-8; a leading byte-order mark (Excel, Notepad) is dropped.
TEXT_ENCODING = "utf-8-sig"
BOM = "\ufeff"
#: No BackCare file nests deeper than 4 levels; 32 leaves room and stays far from
#: Python's recursion limit.
MAX_DEPTH = 32
#: The longest number literal accepted, sign, point and exponent included. Any
#: real answer is far shorter; 30 characters cannot overflow a float.
MAX_NUMBER_CHARS = 30
#: The default size limit of `loads_strict` when a caller gives none.
DEFAULT_MAX_BYTES = 1_000_000

_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.DOTALL)
_LONE_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class InputError(ValueError):
    """A file or text that cannot be read; the message is one line naming the problem."""


class _Refused(Exception):
    """Raised inside a json hook; turned into an `InputError` by `loads_strict`."""


def _shown(text: str, limit: int = 40) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


# ---------------------------------------------------------------- text


def decode_text(data: bytes, *, max_bytes: int) -> str:
    """Bytes as text: at most ``max_bytes``, UTF-8, one leading byte-order mark dropped."""
    if len(data) > max_bytes:
        raise InputError(f"is too big ({len(data):,} bytes; at most {max_bytes:,} bytes)")
    try:
        return data.decode(TEXT_ENCODING)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"is not UTF-8 text (byte {exc.start + 1} is not); save it as UTF-8"
        ) from None


def text_of(data: str | bytes, *, max_bytes: int) -> str:
    """`decode_text` for bytes; for text, the same size limit and byte-order mark rule."""
    if isinstance(data, bytes):
        return decode_text(data, max_bytes=max_bytes)
    if len(data) > max_bytes:
        raise InputError(f"is too big ({len(data):,} characters; at most {max_bytes:,})")
    return data.removeprefix(BOM)


# ---------------------------------------------------------------- numbers


def number_from_text(text: str) -> int | float:
    """A plain decimal number (``42``, ``-0.5``, ``1e3``), refusing anything longer than
    `MAX_NUMBER_CHARS`, ``nan``/``inf``, digit separators and non-ASCII digits.

    Raises `InputError` naming the text (shortened) and what is allowed.
    """
    if len(text) > MAX_NUMBER_CHARS:
        raise InputError(
            f"got a number too long to read ({len(text):,} characters: {_shown(text, 24)})"
        )
    if not _NUMBER.fullmatch(text):
        raise InputError(f"got {_shown(text)}, not a number")
    if re.fullmatch(r"[+-]?[0-9]+", text):
        return int(text)  # at most 30 digits: far below any conversion limit
    value = float(text)
    if not math.isfinite(value):  # "1e999": short, but past the largest float
        raise InputError(f"got {_shown(text)}, a number too big to use")
    return value


def _json_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(
            f"holds a number {len(text):,} characters long ({_shown(text, 24)}); "
            f"at most {MAX_NUMBER_CHARS} are allowed"
        )
    return int(text)


def _json_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(
            f"holds a number {len(text):,} characters long ({_shown(text, 24)}); "
            f"at most {MAX_NUMBER_CHARS} are allowed"
        )
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"holds the number {text}, which is too big")
    return value


def _json_constant(name: str) -> Any:
    raise _Refused(f"holds {name}, which is not a number JSON allows")


# ---------------------------------------------------------------- objects


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Build an object, refusing a key given twice: which value was meant is unknown."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _Refused(
                f"gives the key {_shown(key)} twice in one object; keep only the one you mean"
            )
        found[key] = value
    return found


def nesting_depth(text: str) -> int:
    """How deeply ``[`` and ``{`` nest in JSON text, brackets inside strings ignored.

    Counted without recursion, so it is safe on ``'[' * 100000``.
    """
    depth = deepest = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        char = match.group()[0]
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _has_lone_surrogate(value: Any) -> bool:
    """True if a string anywhere in ``value`` holds half of a UTF-16 pair (cannot be saved)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def loads_strict(
    data: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = MAX_DEPTH
) -> Any:
    """Parse JSON strictly; raise `InputError` with a one-line message on any problem.

    Refused: more than ``max_bytes``, text that is not UTF-8, nothing at all,
    nesting deeper than ``max_depth``, a key repeated in one object, a number
    longer than `MAX_NUMBER_CHARS`, ``NaN``/``Infinity``, a lone UTF-16
    surrogate (``"\\ud800"``), and anything ``json`` calls invalid (with its
    line and column). A byte-order mark at the start is dropped.
    """
    text = text_of(data, max_bytes=max_bytes)
    if not text.strip():
        raise InputError("is empty")
    depth = nesting_depth(text)
    if depth > max_depth:
        raise InputError(f"nests [ and {{ too deeply ({depth:,} levels; at most {max_depth})")
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=_json_int,
            parse_float=_json_float,
            parse_constant=_json_constant,
        )
    except _Refused as exc:
        raise InputError(str(exc)) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:  # a backstop: the depth check above should stop this first
        raise InputError(f"nests [ and {{ too deeply (at most {max_depth} levels)") from None
    if _LONE_SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise InputError("holds a \\u escape that is half of a character pair (not valid text)")
    return value


# ---------------------------------------------------------------- CSV formula guard

#: A spreadsheet may run a cell that starts with one of these as a formula
#: (OWASP "CSV Injection"): the four ASCII signs, their full-width forms (some
#: spreadsheets convert them), tab, carriage return and line feed.
FORMULA_STARTS: tuple[str, ...] = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
)
FORMULA_GUARD = "'"
#: A plain signed decimal number ("-3", "+0.5") is left alone: a spreadsheet reads
#: it as a number and runs nothing, and numbers in kept columns stay numbers.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")


def guard_cell(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would run as a formula.

    A cell that already starts with ``'`` followed by a formula sign or another
    ``'`` gets one more, so `unguard_cell` gives back exactly the original.
    """
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return FORMULA_GUARD + text
    if text.startswith(FORMULA_GUARD) and text[1:].startswith((*FORMULA_STARTS, FORMULA_GUARD)):
        return FORMULA_GUARD + text
    return text


def unguard_cell(text: str) -> str:
    """Undo `guard_cell` (for importing a file BackCare exported)."""
    if text.startswith(FORMULA_GUARD) and text[1:].startswith((*FORMULA_STARTS, FORMULA_GUARD)):
        return text[1:]
    return text


__all__ = [
    "BOM",
    "FORMULA_STARTS",
    "MAX_DEPTH",
    "MAX_NUMBER_CHARS",
    "TEXT_ENCODING",
    "InputError",
    "decode_text",
    "guard_cell",
    "loads_strict",
    "nesting_depth",
    "number_from_text",
    "text_of",
    "unguard_cell",
]
