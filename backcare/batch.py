"""Batch scoring: many answer sets in a CSV file, scored by the app's own rules.

A clinic or a researcher has intake forms as a spreadsheet, one form a row and
one answer key a column. This module reads each row as an answer set, scores it
with the same rule data as the app, and writes the row back with the result
added. Two engines read that rule data (`ENGINES`), with the same output byte
for byte (tests/test_engine_columns.py):

* ``columns`` (the default): `engine.columns` scores a block of rows at a time
  as numpy columns. Each distinct cell of a column is read once (`_TextColumn`);
  blocks of plain lines (no quotes) are split by pandas' C reader, the rest by
  `csv`. Many times faster than one `assess` per row (docs/performance.md).
* ``rows``: `backcare.assess` once per row, as the app does.

Both stream (one block, or one row, in memory at a time), so memory stays flat
however long the file is.

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
import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, repeat
from typing import IO, Any, Protocol

import numpy as np

from backcare.engine import columns as engine_columns
from backcare.engine.answers import FIELD_BY_KEY, Field, FieldError, Kind, ValidationError, validate
from backcare.engine.evaluate import assess
from backcare.engine.patterns import SERIOUS_ORDER as SERIOUS_PATTERNS
from backcare.engine.results import Assessment
from backcare.safe_io import InputError, guard_cell, number_from_text

#: The columns added after the input columns, in this order.
RESULT_COLUMNS: tuple[str, ...] = ("triage", "top_pattern", "patterns", "reasons", "error")

LIST_SEPARATOR = ";"
TRUE_WORDS = frozenset({"yes", "true"})
FALSE_WORDS = frozenset({"no", "false"})

#: Rows sent to a worker process at a time when scoring with several jobs.
BLOCK_SIZE = 2_000
#: Rows the column interpreter scores at a time: large enough that numpy's work
#: per call dominates, small enough that memory stays flat (a few MB a block).
COLUMN_BLOCK_SIZE = 10_000

#: The two interpreters of the same rules: ``columns`` scores a block of rows at a
#: time with `engine.columns` (the default); ``rows`` runs `assess` once per row.
ENGINES = ("columns", "rows")
DEFAULT_ENGINE = "columns"

#: Between two problems of one row in the ``error`` column.
ERROR_SEPARATOR = " | "


class BatchInputError(ValueError):
    """The file cannot be scored at all (no header, unknown columns, not CSV)."""


class _Writer(Protocol):
    def writerow(self, row: Iterable[Any], /) -> Any: ...

    def writerows(self, rows: Iterable[Iterable[Any]], /) -> Any: ...


class CsvOut:
    """A CSV writer with ``\n`` line ends that never splits a row.

    Python's writer quotes a cell holding a line end of its own ``lineterminator``
    only: with ``\n`` lines, a cell holding a lone ``\r`` is written bare, and
    every CSV reader (ours too) then breaks the row in two there. Such a row is
    written with every cell quoted; it reads back the same.
    """

    def __init__(self, out: IO[str]) -> None:
        self._plain = csv.writer(out, lineterminator="\n")
        self._quoted = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)

    def writerow(self, row: Iterable[Any], /) -> Any:
        cells = list(row)
        quoted = any(isinstance(c, str) and "\r" in c for c in cells)
        return (self._quoted if quoted else self._plain).writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]], /) -> None:
        for row in rows:
            self.writerow(row)


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


# ---- the column interpreter: a block of rows at a time --------------------------------

#: How a distinct cell reads (`_TextColumn`): fine, unreadable (`parse_cell`),
#: invalid (`validate`), or empty where an answer is required. A row's problems
#: are named in this order, each group in column order, as `read_row` names them.
_OK, _UNREADABLE, _INVALID, _REQUIRED = 0, 1, 2, 3


class _TextColumn:
    """One column of CSV text, each distinct cell read only once.

    A cell is read exactly as `read_row` reads it (`_PARSERS`, then the check of
    `validate`, through `engine.columns.clean_value`), so both engines accept and
    refuse the same cells with the same words; every cell also goes through the
    same formula guard. Distinct cells are few (a yes/no column has three or
    four), which is what makes a block cheap to read. ``field`` None: a kept
    column, only guarded.
    """

    #: Past this many distinct cells (free numbers, record ids) the memory starts afresh.
    MAX_DISTINCT = 50_000

    def __init__(self, field: Field | None) -> None:
        self.field = field
        self._reset()

    def _reset(self) -> None:
        self.codes: dict[str, int] = {}
        self.values: list[Any] = []
        self.states: list[int] = []
        self.messages: list[str] = []
        self.shown: list[str] = []
        self.guarded: list[bool] = []
        self._tables: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None

    def _read(self, field: Field, text: str) -> tuple[Any, int, str]:
        """(column form, state, message) of one cell."""
        try:
            parsed = parse_cell(field, text)
        except ValidationError as exc:
            return None, _UNREADABLE, exc.errors[0].message()
        if parsed is None:
            if field.required:
                return None, _REQUIRED, f"{field.key}: is required; allowed: {field.allowed()}"
            return None, _OK, ""
        encoded, error = engine_columns.clean_value(field, parsed)
        return (encoded, _OK, "") if error is None else (None, _INVALID, error.message())

    def _add(self, text: str) -> int:
        if self.field is None:
            value, state, message = None, _OK, ""
        else:
            value, state, message = self._read(self.field, text)
            if value is None:
                value = engine_columns.DTYPES[self.field.kind][1]
        code = self.codes[text] = len(self.values)
        shown = guard_cell(text)
        self.values.append(value)
        self.states.append(state)
        self.messages.append(message)
        self.shown.append(shown)
        self.guarded.append(shown != text)
        self._tables = None
        return code

    def read(self, cells: Sequence[str]) -> np.ndarray:
        """The code of each cell (an index into this column's distinct cells)."""
        if len(self.codes) > self.MAX_DISTINCT:
            self._reset()
        codes = np.fromiter(map(self.codes.get, cells, repeat(-1)), np.int32, len(cells))
        for i in np.flatnonzero(codes < 0):
            text = cells[i]
            code = self.codes.get(text)
            codes[i] = self._add(text) if code is None else code
        return codes

    def tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column form, state and "changed by the formula guard" of each distinct cell."""
        if self._tables is None:
            dtype = engine_columns.DTYPES[self.field.kind][0] if self.field else object
            self._tables = (
                np.array(self.values, dtype=dtype),
                np.array(self.states, dtype=np.int8),
                np.array(self.guarded, dtype=bool),
            )
        return self._tables


#: A plain CSV line has no quote and no carriage return inside it: its cells are
#: exactly what ``split(",")`` gives, and `csv.writer` writes them back unchanged.
QUOTE = '"'


class ColumnScorer:
    """Scores blocks of CSV rows with the column interpreter (`engine.columns`).

    The output is the same as `score_row` on each row (a test checks it byte for
    byte): the same result cells, the same error text, the input cells through
    the same formula guard.
    """

    def __init__(self, columns: Sequence[Field | None]) -> None:
        self.columns = tuple(columns)
        self.readers = [_TextColumn(f) for f in self.columns]
        self.texts = _ResultTexts()
        self._line = io.StringIO()
        self._line_writer = CsvOut(self._line)

    def _results(
        self, codes: list[np.ndarray], size: int, ragged: dict[int, int]
    ) -> list[tuple[str, ...]]:
        arrays: dict[str, np.ndarray] = {}
        states: list[tuple[int, np.ndarray, np.ndarray]] = []
        for j, (reader, col) in enumerate(zip(self.readers, codes, strict=True)):
            if reader.field is not None:
                values, state, _ = reader.tables()
                arrays[reader.field.key] = values[col]
                states.append((j, state[col], col))
        errors = self._errors(size, states, ragged)
        results = engine_columns.evaluate(engine_columns.Frame(size, arrays))
        return list(self.texts.columns(results, errors))

    def _guards(self, codes: list[np.ndarray]) -> Iterator[tuple[int, int, str]]:
        """(row, column, guarded text) of every cell the formula guard changes."""
        for j, (reader, col) in enumerate(zip(self.readers, codes, strict=True)):
            guarded = reader.tables()[2][col]
            for i in np.flatnonzero(guarded):
                yield int(i), j, reader.shown[col[i]]

    def score(self, block: list[list[str]]) -> list[list[str]]:
        """The output rows of a block: each input row (guarded), then its result cells.

        The rows of ``block`` are changed in place and returned.
        """
        width = len(self.columns)
        ragged = {}
        for i, row in enumerate(block):
            if len(row) != width:
                ragged[i] = len(row)
                block[i] = (row + [""] * width)[:width]
        cells = list(zip(*block, strict=True))
        codes = [reader.read(col) for reader, col in zip(self.readers, cells, strict=True)]
        results = self._results(codes, len(block), ragged)
        for i, j, shown in self._guards(codes):
            block[i][j] = shown
        for row, result in zip(block, results, strict=True):
            row.extend(result)
        return block

    def score_lines(self, lines: list[str]) -> tuple[str, int, int] | None:
        """Score a block of plain CSV lines (see `QUOTE`) at the speed of pandas' reader.

        Returns (output text, rows, failed rows), or None when the block is not
        plain (a quote or a carriage return inside a line): the caller then
        reads it with `csv`. Blank lines are skipped, as `csv_rows` skips them.
        """
        text = "".join(lines)
        if QUOTE in text:
            return None
        text = text.replace("\r\n", "\n")
        if "\r" in text:
            return None
        body = [line for line in text.split("\n") if line]
        if not body:
            return "", 0, 0
        codes = self._plain_codes(body)
        if codes is None:  # a ragged row: read the block row by row
            block = self.score([line.split(",") for line in body])
            out = io.StringIO()
            CsvOut(out).writerows(block)
            return out.getvalue(), len(block), sum(1 for row in block if row[-1])
        results = self._results(codes, len(body), {})
        special: dict[int, list[str]] = {}
        for i, j, shown in self._guards(codes):
            special.setdefault(i, body[i].split(","))[j] = shown
        parts = []
        failed = 0
        for i, (line, result) in enumerate(zip(body, results, strict=True)):
            if result[-1]:
                failed += 1
                special.setdefault(i, line.split(","))
            if i in special:
                parts.append(self._csv_line(special[i] + list(result)))
            else:
                parts.append(f"{line},{','.join(result)}\n")
        return "".join(parts), len(body), failed

    def _plain_codes(self, body: list[str]) -> list[np.ndarray] | None:
        """Each column's cell codes, read by pandas' C reader; None if a row is ragged."""
        commas = len(self.columns) - 1
        if any(line.count(",") != commas for line in body):
            return None
        import pandas as pd  # noqa: PLC0415 - only the plain fast path needs it

        text = "\n".join(body)
        frame = _read_plain(pd, text, len(self.columns), "category")
        if len(frame) != len(body):  # never expected; the careful path is always right
            return None
        # pandas turns categories that all look like numbers into numbers ("1.50" and
        # "1.5" become one): such columns are read again as text, cell for cell.
        again = [
            j
            for j in range(len(self.columns))
            if not pd.api.types.is_string_dtype(frame[j].cat.categories.dtype)
            # a huge whole number can come back as a Python int inside object categories
            or not all(isinstance(c, str) for c in frame[j].cat.categories)
        ]
        exact = _read_plain(pd, text, len(self.columns), str, again) if again else None
        codes = []
        for j, reader in enumerate(self.readers):
            if exact is not None and j in again:
                found, distinct = pd.factorize(exact[j].to_numpy(dtype=object))
                codes.append(reader.read(distinct.tolist())[found])
            else:
                column = frame[j].cat
                mapping = reader.read(column.categories.tolist())
                codes.append(mapping[column.codes.to_numpy()])
        return codes

    def _csv_line(self, cells: list[str]) -> str:
        self._line.seek(0)
        self._line.truncate()
        self._line_writer.writerow(cells)
        return self._line.getvalue()

    def _errors(
        self, size: int, states: list[tuple[int, np.ndarray, np.ndarray]], ragged: dict[int, int]
    ) -> dict[int, str]:
        """The ``error`` cell of each row that has one, worded as `score_row` words it."""
        bad = np.zeros(size, dtype=bool)
        for _, state, _ in states:
            bad |= state != _OK
        errors = {}
        for i in np.flatnonzero(bad):
            found = sorted(
                (int(state[i]), j, self.readers[j].messages[codes[i]])
                for j, state, codes in states
                if state[i] != _OK
            )
            errors[int(i)] = ERROR_SEPARATOR.join(message for _, _, message in found)
        width = len(self.columns)
        for i, cells in ragged.items():
            errors[i] = f"row: has {cells} cells but the header has {width}; not scored"
        return errors


def _read_plain(pd: Any, text: str, width: int, dtype: Any, only: list[int] | None = None) -> Any:
    """Plain CSV lines (no quotes) as a DataFrame of text: pandas' C reader, nothing
    converted, nothing stripped, every line a row (blank ones are left out before)."""
    return pd.read_csv(
        io.StringIO(text),
        header=None,
        names=list(range(width)),
        usecols=only,
        dtype=dtype,
        na_filter=False,
        keep_default_na=False,
        skip_blank_lines=False,
        quoting=csv.QUOTE_NONE,
        index_col=False,
        engine="c",
    )


def _joined(matrix: np.ndarray, tokens: Sequence[str], tables: list[np.ndarray]) -> list[str]:
    """Per row, the tokens whose column is set, joined by `LIST_SEPARATOR`, in order.

    Works 8 columns at a time: each group of 8 has at most 256 texts, worked out
    once (``tables``, filled on first use), so no row is worded on its own.
    """
    parts = []
    for g, start in enumerate(range(0, len(tokens), 8)):
        if len(tables) <= g:
            names = tokens[start : start + 8]
            texts = [
                LIST_SEPARATOR.join(n for b, n in enumerate(names) if code >> b & 1)
                for code in range(256)
            ]
            tables.append(np.array(texts, dtype=object))
        code = np.packbits(matrix[:, start : start + 8], axis=1, bitorder="little")[:, 0]
        parts.append(tables[g][code].tolist())
    if len(parts) == 1:
        return parts[0]
    return [LIST_SEPARATOR.join(filter(None, row)) for row in zip(*parts, strict=True)]


class _ResultTexts:
    """The result cells of a block, worked out column-wise (`_joined`), never row by row."""

    def __init__(self) -> None:
        pairs = engine_columns.RANKED_PAIRS
        self.pair_tokens = [f"{pid}:{strength.value}" for pid, strength in pairs]
        self.plain = np.array([pid not in SERIOUS_PATTERNS for pid, _ in pairs], dtype=bool)
        self.plain_ids = np.array(
            ["", *(pid for pid, _ in pairs if pid not in SERIOUS_PATTERNS)], dtype=object
        )
        self.reason_tokens = [r.id for r in engine_columns.REASON_ORDER]
        self.pattern_tables: list[np.ndarray] = []
        self.reason_tables: list[np.ndarray] = []

    def columns(
        self, results: engine_columns.ColumnResults, errors: dict[int, str]
    ) -> Iterator[tuple[str, str, str, str, str]]:
        """The five result cells of each row (`RESULT_COLUMNS`)."""
        ranked = results.ranked_pairs()
        plain = ranked[:, self.plain]
        first_plain = np.where(plain.any(axis=1), plain.argmax(axis=1) + 1, 0)
        reasons = np.stack([results.reasons[r] for r in self.reason_tokens], axis=1)
        columns = [
            results.triage(),
            self.plain_ids[first_plain],
            np.array(_joined(ranked, self.pair_tokens, self.pattern_tables), dtype=object),
            np.array(_joined(reasons, self.reason_tokens, self.reason_tables), dtype=object),
        ]
        error = np.full(results.size, "", dtype=object)
        if errors:
            failed = np.fromiter(errors, dtype=np.int64, count=len(errors))
            for col in columns:
                col[failed] = ""
            error[failed] = list(errors.values())
        return zip(*(c.tolist() for c in columns), error.tolist(), strict=True)


def score_frame(frame: Any) -> Any:
    """Score a pandas DataFrame of answer sets with the column interpreter.

    One answer set a row, columns named by answer keys; cells hold answers as in
    an answer set (True/False, choice ids, lists, numbers), and None, NaN or
    pd.NA is "not answered". Returns a DataFrame of the five `RESULT_COLUMNS`
    on the same index, worded as `backcare score` words them.
    """
    import pandas as pd  # noqa: PLC0415 - the CSV paths do not need pandas

    values = {str(c): frame[c].tolist() for c in frame.columns}
    encoded, problems = engine_columns.frame_from_values(values, len(frame))
    errors = {
        i: ERROR_SEPARATOR.join(e.message() for e in found)
        for i, found in enumerate(problems)
        if found
    }
    results = engine_columns.evaluate(encoded)
    cells = list(_ResultTexts().columns(results, errors))
    return pd.DataFrame(cells, index=frame.index, columns=list(RESULT_COLUMNS))


#: One scorer per worker process, kept between blocks (see `score_column_block`).
_WORKER_SCORERS: dict[tuple[Field | None, ...], ColumnScorer] = {}


def score_column_block(columns: Sequence[Field | None], block: list[list[str]]) -> list[list[str]]:
    """Score one block in a worker process (its cell memory kept between blocks)."""
    key = tuple(columns)
    scorer = _WORKER_SCORERS.get(key)
    if scorer is None:
        scorer = _WORKER_SCORERS[key] = ColumnScorer(key)
    return scorer.score(block)


def score_rows(
    rows: Iterator[list[str]],
    writer: _Writer,
    keep: Iterable[str] = (),
    on_row: Callable[[], Any] | None = None,
    jobs: int = 1,
    block_size: int | None = None,
    engine: str = DEFAULT_ENGINE,
) -> BatchSummary:
    """Stream rows (header first) to ``writer``, with the result columns added.

    Blank lines are skipped. Raises `BatchInputError` for an unusable file;
    rows written before a mid-file problem are left to the caller to discard.
    ``engine`` picks the interpreter of the rules (`ENGINES`); both give the same
    output. ``jobs`` above 1 scores blocks of rows in that many worker processes;
    the output is the same, in the same order.
    """
    if engine not in ENGINES:
        raise BatchInputError(f"unknown engine {engine!r}; use one of: {', '.join(ENGINES)}")
    columns = _start(next(rows, None), keep, writer)
    if engine == "columns":
        return _score_columns(
            columns, filter(None, rows), writer, on_row, jobs, block_size or COLUMN_BLOCK_SIZE
        )
    return _score_each_row(columns, rows, writer, on_row, jobs, block_size or BLOCK_SIZE)


def _start(
    header: list[str] | None, keep: Iterable[str], writer: _Writer
) -> tuple[Field | None, ...]:
    """Check the header and write the output's; the columns to read (see `plan_columns`)."""
    if header is None:
        raise BatchInputError("the file is empty; the first line must be a header of answer keys")
    columns = plan_columns(header, keep)
    writer.writerow([guard_cell(h) for h in header] + list(RESULT_COLUMNS))
    return columns


def _score_columns(
    columns: Sequence[Field | None],
    rows: Iterator[list[str]],
    writer: _Writer,
    on_row: Callable[[], Any] | None,
    jobs: int,
    block_size: int,
    scorer: ColumnScorer | None = None,
) -> BatchSummary:
    """Score block by block with the column interpreter, here or in ``jobs`` processes.

    With several jobs at most ``2 * jobs`` blocks are in flight, so memory stays
    flat as with one.
    """
    count = failed = 0

    def write(block: list[list[str]]) -> None:
        nonlocal count, failed
        writer.writerows(block)
        count += len(block)
        failed += sum(1 for row in block if row[-1])
        if on_row is not None:
            for _ in block:
                on_row()

    if jobs <= 1:
        scorer = scorer or ColumnScorer(columns)
        for block in _blocks(rows, block_size):
            write(scorer.score(block))
        return BatchSummary(count, failed)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: deque[Future[list[list[str]]]] = deque()
        for block in _blocks(rows, block_size):
            pending.append(pool.submit(score_column_block, columns, block))
            if len(pending) >= 2 * jobs:
                write(pending.popleft().result())
        while pending:
            write(pending.popleft().result())
    return BatchSummary(count, failed)


def _score_each_row(
    columns: Sequence[Field | None],
    rows: Iterator[list[str]],
    writer: _Writer,
    on_row: Callable[[], Any] | None,
    jobs: int,
    block_size: int,
) -> BatchSummary:
    """Score with `assess`, one row at a time (the ``rows`` engine)."""
    width = len(columns)
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


def score_text(
    lines: Iterable[str],
    out: IO[str],
    keep: Iterable[str] = (),
    on_row: Callable[[], Any] | None = None,
    jobs: int = 1,
    engine: str = DEFAULT_ENGINE,
    block_size: int | None = None,
) -> BatchSummary:
    """Score CSV text (lines, header first) into ``out``: what `backcare score` runs.

    The same output as `score_rows`. With the column engine in one process, blocks
    of plain lines (no quotes, see `QUOTE`) are read by pandas' C reader; from the
    first block that is not plain on, the rest is read with `csv`, row by row.
    """
    writer = CsvOut(out)
    if engine != "columns" or jobs > 1:
        return score_rows(csv_rows(lines), writer, keep, on_row, jobs, block_size, engine)
    source = iter(lines)
    head = csv_rows(source)
    columns = _start(next(head, None), keep, writer)
    scorer = ColumnScorer(columns)
    count = failed = 0
    size = block_size or COLUMN_BLOCK_SIZE
    blocks = _line_blocks(source, size)
    for block in blocks:
        done = scorer.score_lines(block)
        if done is None:  # quotes from here on: read the rest as CSV, row by row
            rest = _score_columns(
                columns,
                filter(None, csv_rows(chain(block, *blocks))),
                writer,
                on_row,
                1,
                size,
                scorer,
            )
            return BatchSummary(count + rest.rows, failed + rest.failed)
        text, rows, bad = done
        out.write(text)
        count, failed = count + rows, failed + bad
        if on_row is not None:
            for _ in range(rows):
                on_row()
    return BatchSummary(count, failed)


def _line_blocks(lines: Iterator[str], size: int) -> Iterator[list[str]]:
    """Lines in blocks of ``size``; text that is not UTF-8 is a `BatchInputError`."""
    block: list[str] = []
    read = 1  # the header
    try:
        for line in lines:
            block.append(line)
            if len(block) == size:
                read += size
                yield block
                block = []
    except UnicodeDecodeError as exc:
        raise BatchInputError(
            f"not UTF-8 text near line {read + len(block) + 1} ({exc.reason}); "
            "save the file as CSV UTF-8"
        ) from None
    if block:
        yield block


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
