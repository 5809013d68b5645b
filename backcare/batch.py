"""Batch scoring: many answer sets in a CSV file, one `assess` per row.

A clinic or a researcher has intake forms as a spreadsheet, one form a row and
one answer key a column. This module turns each row into an answer set, runs
the same `backcare.assess` as the app (one set of rules), and writes the row
back with the result added. It streams: one row is read, scored and written
before the next is read, so memory stays flat however long the file is.

How a cell is read depends on the kind of its answer key (`answers.Kind`):

* an empty cell (or only spaces) means "not answered", never "no";
* whole numbers and numbers are parsed as such;
* yes/no questions take ``yes``, ``no``, ``true`` or ``false`` in any case;
* lists are split on ``;`` (spaces trimmed, empty items skipped); a cell with
  no items left is "not answered", the safe reading;
* choices are the contract's ids, exactly (``one_leg``, not ``One leg``).

A bad row gets its problems in the ``error`` column, each naming the answer
key, and the other rows are still scored. Problems with the file as a whole
(no header, an unknown or repeated column) raise `BatchInputError` before any
row is scored: an unknown column is almost always a typo (``bladder`` for
``bladder_change``) that would otherwise drop a red flag from every row.
Columns that are not answers, such as a record id, are carried through when
named in ``keep``. Every output cell goes through the same spreadsheet formula
guard as the diary export (`backcare.safe_io.guard_cell`).
"""

from __future__ import annotations

import csv
import difflib
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from backcare.engine.answers import FIELD_BY_KEY, Field, FieldError, Kind, ValidationError, validate
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment
from backcare.safe_io import InputError, guard_cell, number_from_text

#: The columns added after the input columns, in this order.
RESULT_COLUMNS: tuple[str, ...] = ("triage", "top_pattern", "patterns", "reasons", "error")

LIST_SEPARATOR = ";"
TRUE_WORDS = frozenset({"yes", "true"})
FALSE_WORDS = frozenset({"no", "false"})

#: Rows sent to a worker process at a time when scoring with several jobs.
BLOCK_SIZE = 2_000

#: Between two problems of one row in the ``error`` column.
ERROR_SEPARATOR = " | "


class BatchInputError(ValueError):
    """The file cannot be scored at all (no header, unknown columns, not CSV)."""


class _Writer(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...


@dataclass(frozen=True)
class BatchSummary:
    """How a batch went: rows scored and rows that failed."""

    rows: int
    failed: int

    @property
    def scored(self) -> int:
        return self.rows - self.failed


class _BadCell(Exception):
    """One cell that cannot be read as its key's kind."""


def _parse_bool(field: Field, text: str) -> bool:
    word = text.lower()
    if word in FALSE_WORDS:
        return False
    if word in TRUE_WORDS:
        return True
    raise _BadCell(f"got {text!r}; allowed: yes, no, true or false (or empty: not answered)")


def _parse_number(field: Field, text: str) -> int | float:
    """The JSON reader's number rules (`safe_io.number_from_text`): no 310-digit cell
    reaches the engine, where it could not be compared with a float."""
    try:
        return number_from_text(text)
    except InputError as exc:
        raise _BadCell(f"{exc}; allowed: {field.allowed()}") from None


def _parse_list(field: Field, text: str) -> list[str] | None:
    items = [item.strip() for item in text.split(LIST_SEPARATOR)]
    return [item for item in items if item] or None


def _parse_text(field: Field, text: str) -> str:
    return text


_PARSERS: dict[Kind, Callable[[Field, str], Any]] = {
    Kind.BOOL: _parse_bool,
    Kind.INTEGER: _parse_number,
    Kind.NUMBER: _parse_number,
    Kind.MULTI: _parse_list,
    Kind.CHOICE: _parse_text,
}


def parse_cell(field: Field, text: str) -> Any:
    """Read one CSV cell as an answer of ``field``; ``None`` means not answered.

    Raises `ValidationError` naming the key when the cell cannot be read.
    Range and choice checks are left to `validate`, so the CSV and JSON
    forms give the same messages.
    """
    text = text.strip()
    if not text:
        return None
    try:
        return _PARSERS[field.kind](field, text)
    except _BadCell as exc:
        raise ValidationError([FieldError(field.key, text, str(exc))]) from None


def format_cell(value: Any) -> str:
    """The CSV cell for one answer: the inverse of `parse_cell` (None is empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(value)
    return str(value)


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name, FIELD_BY_KEY, n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def plan_columns(header: Sequence[str], keep: Iterable[str] = ()) -> tuple[Field | None, ...]:
    """Match each header name to its answer key; ``None`` for a kept column.

    Raises `BatchInputError` naming every problem with the header at once.
    """
    names = [name.strip() for name in header]
    kept = set(keep)
    problems: list[str] = []
    if not any(names):
        raise BatchInputError("the first line must be a header of answer keys, and it is empty")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        problems.append("repeated column(s): " + ", ".join(repeated))
    clash = [n for n in names if n in RESULT_COLUMNS]
    if clash:
        problems.append(
            "column(s) " + ", ".join(clash) + " would be overwritten by the result; "
            "rename them (is this already an output file?)"
        )
    problems.extend(
        f"no {f.key} column; every answer set needs it ({f.allowed()})"
        for f in FIELD_BY_KEY.values()
        if f.required and f.key not in names
    )
    unknown = [n for n in names if n not in FIELD_BY_KEY and n not in kept and n not in clash]
    problems.extend(
        f"unknown column {n!r}{_suggest(n)}; to carry it through unscored, use --keep {n!r}"
        if n
        else "a column has no name"
        for n in unknown
    )
    if problems:
        raise BatchInputError("; ".join(problems))
    return tuple(None if n in kept else FIELD_BY_KEY[n] for n in names)


def read_row(columns: Sequence[Field | None], row: Sequence[str]) -> dict[str, Any]:
    """Turn one CSV row into an answer set (not yet validated).

    Raises `ValidationError` naming every cell that cannot be read, plus any
    other problem `validate` finds in the readable rest.
    """
    if len(row) != len(columns):
        raise ValidationError(
            [
                FieldError(
                    "row",
                    None,
                    f"has {len(row)} cells but the header has {len(columns)}; not scored",
                )
            ]
        )
    answers: dict[str, Any] = {}
    errors: list[FieldError] = []
    for field, text in zip(columns, row, strict=True):  # parse_cell, inlined: a hot loop
        if field is None:
            continue
        text = text.strip()
        if not text:
            continue
        try:
            value = _PARSERS[field.kind](field, text)
        except _BadCell as exc:
            errors.append(FieldError(field.key, text, str(exc)))
            continue
        if value is not None:
            answers[field.key] = value
    if errors:
        raise ValidationError(errors + _other_errors(answers, {e.key for e in errors}))
    return answers


def _other_errors(answers: dict[str, Any], seen: set[str]) -> list[FieldError]:
    """The problems `validate` finds besides the unreadable cells, so one pass names all."""
    try:
        validate(answers)
    except ValidationError as exc:
        return [e for e in exc.errors if e.key not in seen]
    return []


def result_cells(assessment: Assessment) -> list[str]:
    """The result columns of a scored row (the ``error`` cell is empty)."""
    return [
        assessment.triage.value,
        assessment.top_pattern or "",
        LIST_SEPARATOR.join(f"{p.id}:{p.strength.value}" for p in assessment.patterns),
        LIST_SEPARATOR.join(r.id for r in assessment.reasons),
        "",
    ]


def score_row(columns: Sequence[Field | None], row: Sequence[str]) -> list[str]:
    """Score one row: its result cells, or empty ones and the error."""
    try:
        return result_cells(assess(read_row(columns, row)))
    except ValidationError as exc:
        return ["", "", "", "", ERROR_SEPARATOR.join(e.message() for e in exc.errors)]


def score_block(columns: Sequence[Field | None], block: list[list[str]]) -> list[list[str]]:
    """Score a block of rows (in a worker process when scoring with several jobs)."""
    return [score_row(columns, row) for row in block]


def _blocks(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    block: list[list[str]] = []
    for row in rows:
        block.append(row)
        if len(block) == size:
            yield block
            block = []
    if block:
        yield block


def _scored(
    columns: Sequence[Field | None], rows: Iterator[list[str]], jobs: int, block_size: int
) -> Iterator[tuple[list[str], list[str]]]:
    """Yield (row, result cells) in input order, scoring here or in ``jobs`` processes.

    With several jobs at most ``2 * jobs`` blocks are in flight, so memory stays
    flat: the reader never runs ahead of the writer by more than that.
    """
    if jobs <= 1:
        for row in rows:
            yield row, score_row(columns, row)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[tuple[list[list[str]], Future[list[list[str]]]]] = deque()
        for block in _blocks(rows, block_size):
            pending.append((block, pool.submit(score_block, columns, block)))
            if len(pending) >= 2 * jobs:
                done, future = pending.popleft()
                yield from zip(done, future.result(), strict=True)
        while pending:
            done, future = pending.popleft()
            yield from zip(done, future.result(), strict=True)


def score_rows(
    rows: Iterator[list[str]],
    writer: _Writer,
    keep: Iterable[str] = (),
    on_row: Callable[[], Any] | None = None,
    jobs: int = 1,
    block_size: int = BLOCK_SIZE,
) -> BatchSummary:
    """Stream rows (header first) to ``writer``, with the result columns added.

    Blank lines are skipped. Raises `BatchInputError` for an unusable file;
    rows written before a mid-file problem are left to the caller to discard.
    ``jobs`` above 1 scores blocks of rows in that many worker processes; the
    output is the same, in the same order.
    """
    header = next(rows, None)
    if header is None:
        raise BatchInputError("the file is empty; the first line must be a header of answer keys")
    columns = plan_columns(header, keep)
    width = len(columns)
    writer.writerow([guard_cell(h) for h in header] + list(RESULT_COLUMNS))
    count = failed = 0
    for row, result in _scored(columns, (r for r in rows if r), jobs, block_size):
        count += 1
        failed += bool(result[-1])
        if len(row) != width:  # keep the output a rectangle; the error says why
            row = (row + [""] * width)[:width]
        writer.writerow([guard_cell(cell) for cell in row] + result)
        if on_row is not None:
            on_row()
    return BatchSummary(count, failed)


def csv_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    """`csv.reader` over ``lines``, with CSV syntax errors as `BatchInputError`."""
    reader = csv.reader(lines)
    try:
        yield from reader
    except csv.Error as exc:
        raise BatchInputError(f"not valid CSV near line {reader.line_num}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise BatchInputError(
            f"not UTF-8 text near line {reader.line_num + 1} ({exc.reason}); "
            "save the file as CSV UTF-8"
        ) from None
