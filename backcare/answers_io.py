"""Save and load a person's answers as a JSON file.

The file is the plain answers object of the contract (spec section 1), the
same shape ``python -m backcare assess`` reads, so a person can resume later
or share it with a physiotherapist. Loading is strict and explains itself:
an uploaded file may be anything, and a person must learn exactly what is
wrong with it (not JSON, not an object, which keys are bad), never see a
traceback, and never have their current answers replaced by a broken file.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from backcare.engine.answers import KEYS, ValidationError, validate
from backcare.safe_io import InputError, loads_strict

#: A full answer set is about 2 kB; anything far larger is not an answers file.
MAX_BYTES = 100_000
FILE_NAME = "backcare-answers.json"
MIME = "application/json"


class AnswersFileError(ValueError):
    """An answers file that cannot be used, with a message that names what is wrong."""


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a piece of text"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return "a number"


def load_answers(data: bytes) -> dict[str, Any]:
    """Parse and check an uploaded answers file; return clean, JSON-able answers.

    Raises `AnswersFileError` whose message names the problem: empty, too big,
    not text, not JSON (with line and column), anything `loads_strict` refuses
    (a key given twice, deep nesting, a huge number, NaN), not a JSON object,
    or which answer keys are unknown or hold a value that is not allowed.
    """
    if not data.strip():
        raise AnswersFileError("The file is empty. Choose a BackCare answers file (.json).")
    try:
        raw = loads_strict(data, max_bytes=MAX_BYTES)
    except InputError as exc:
        raise AnswersFileError(f"The file {exc}.") from None
    if not isinstance(raw, dict):
        raise AnswersFileError(
            f"The file holds {_kind(raw)}, not a JSON object of answers "
            '(it should look like {"age": 40, ...}).'
        )
    try:
        clean = validate(raw)
    except ValidationError as exc:
        raise AnswersFileError(
            "Some answers in the file are not allowed: "
            + "; ".join(e.message() for e in exc.errors)
            + "."
        ) from exc
    return to_jsonable(clean)


def to_jsonable(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers in contract order with lists (not tuples), ready for JSON or session state."""
    return {
        k: list(answers[k]) if isinstance(answers[k], tuple) else answers[k]
        for k in KEYS
        if answers.get(k) is not None
    }


def dump_answers(answers: Mapping[str, Any]) -> bytes:
    """The answers as a UTF-8 JSON file that `load_answers` reads back unchanged."""
    return (json.dumps(to_jsonable(answers), indent=2, ensure_ascii=False) + "\n").encode("utf-8")


__all__ = [
    "FILE_NAME",
    "MAX_BYTES",
    "MIME",
    "AnswersFileError",
    "dump_answers",
    "load_answers",
    "to_jsonable",
]
