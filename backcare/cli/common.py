"""Helpers shared by the sub-commands: reading input and failing cleanly."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from backcare.engine.answers import ValidationError
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_INPUT = 2


class UserError(Exception):
    """Bad input from the person running the command: shown as one clear message, exit 2."""


def read_text(name: str) -> str:
    """Read a file, or standard input for ``-``, with a clear error."""
    if name == "-":
        return sys.stdin.read()
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise UserError(f"{name}: no such file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{name}: cannot read it ({exc})") from exc


def read_json(name: str) -> Any:
    """Parse a JSON file (or ``-``), naming the line and column of a syntax error."""
    text = read_text(name)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{name}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from exc


def assess_file(name: str) -> Assessment:
    """Read a JSON answer set (or ``-``) and assess it; bad answers become a `UserError`."""
    try:
        return assess(read_json(name))
    except ValidationError as exc:
        raise invalid_answers(name, exc) from exc


def invalid_answers(source: str, exc: ValidationError) -> UserError:
    """One message naming every bad answer key, for any command that reads answers."""
    lines = "\n  ".join(e.message() for e in exc.errors)
    return UserError(f"{source}: invalid answers:\n  {lines}")


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
