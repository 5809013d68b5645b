"""Helpers shared by the sub-commands: reading input and failing cleanly."""

from __future__ import annotations

import json
import sys
from typing import Any

from backcare.answers_io import MAX_BYTES as ANSWERS_MAX_BYTES
from backcare.engine.answers import ValidationError
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment
from backcare.safe_io import DEFAULT_MAX_BYTES, InputError, decode_text, loads_strict

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Bad input from the person running the command: shown as one clear message, exit 2."""


def read_bytes(name: str, max_bytes: int) -> bytes:
    """Read at most ``max_bytes`` of a file, or of standard input for ``-``, with a clear error."""
    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", None)
            data = stream.read(max_bytes + 1) if stream else sys.stdin.read().encode("utf-8")
        else:
            with open(name, "rb") as fh:
                data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise UserError(f"{name}: no such file") from None
    except OSError as exc:
        raise UserError(f"{name}: cannot read it ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise UserError(f"{name}: is too big (more than {max_bytes:,} bytes)")
    return data


def read_text(name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a UTF-8 text file (or ``-``) the way every entry point does (`safe_io.decode_text`)."""
    try:
        return decode_text(read_bytes(name, max_bytes), max_bytes=max_bytes)
    except InputError as exc:
        raise UserError(f"{name}: {exc}") from None


def read_json(name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Parse a JSON file (or ``-``) with the one strict reader, `safe_io.loads_strict`.

    A repeated key, deep nesting, a huge number or NaN is a `UserError` naming
    the problem, as is a syntax error (with its line and column).
    """
    try:
        return loads_strict(read_bytes(name, max_bytes), max_bytes=max_bytes)
    except InputError as exc:
        raise UserError(f"{name}: {exc}") from None


def assess_file(name: str) -> Assessment:
    """Read a JSON answer set (or ``-``) and assess it; bad answers become a `UserError`."""
    try:
        return assess(read_json(name, ANSWERS_MAX_BYTES))
    except ValidationError as exc:
        raise invalid_answers(name, exc) from exc


def invalid_answers(source: str, exc: ValidationError) -> UserError:
    """One message naming every bad answer key, for any command that reads answers."""
    lines = "\n  ".join(e.message() for e in exc.errors)
    return UserError(f"{source}: invalid answers:\n  {lines}")


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
