"""The daily diary: one entry per day, its checks, and CSV/JSON import and export.

Import is all-or-nothing: `parse_csv` and `parse_json` check every row before
returning anything, and raise one `DiaryError` naming each bad row number and
field. Only a fully valid file reaches the database (`Store.save_entries`,
one transaction).

Files are read the way every BackCare entry point reads them
(`backcare.safe_io`): UTF-8 with one byte-order mark dropped, a size limit, and
for JSON the strict reader (no repeated keys, no deep nesting, no huge numbers,
no NaN). Parsers take the raw bytes of an upload or text already read.

Export protects spreadsheets from formula injection with the same guard as the
batch output (`backcare.safe_io.guard_cell`): a text cell starting with
``= + - @`` (or their full-width forms), a tab, a carriage return or a line
feed gets a leading ``'`` (OWASP, "CSV Injection"), unless it is a plain
number. Import removes exactly that prefix again, so export followed by import
gives back the same diary.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backcare.planner.library import library
from backcare.safe_io import InputError, guard_cell, loads_strict, text_of, unguard_cell

#: The file columns, in order (issue 5).
COLUMNS = (
    "date",
    "pain_now",
    "pain_worst",
    "active_minutes",
    "exercises",
    "leg_pain",
    "sleep",
    "notes",
)
PAIN_MIN, PAIN_MAX = 0, 10
MINUTES_MAX = 24 * 60
NOTES_MAX = 2000
SLEEP_CHOICES = ("good", "fair", "poor")
EXERCISE_SEPARATOR = ";"
EXERCISE_ID = re.compile(r"^[a-z][a-z0-9_]{0,59}$")  # as backcare.planner.library
EARLIEST_DATE = dt.date(1900, 1, 1)
#: A day of slack for time zones: "today" somewhere is already tomorrow.
FUTURE_SLACK = dt.timedelta(days=1)
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0")
#: The largest diary file read (bytes of an upload, or characters of text): about
#: 30 years of daily entries with long notes.
MAX_IMPORT_BYTES = 5_000_000


@dataclass(frozen=True)
class DiaryEntry:
    """One day of the diary. ``sleep`` is None when not recorded."""

    date: dt.date
    pain_now: int
    pain_worst: int
    active_minutes: int
    exercises: tuple[str, ...] = ()
    leg_pain: bool = False
    sleep: str | None = None
    notes: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: the file columns, with exercises as a list."""
        return {
            "date": self.date.isoformat(),
            "pain_now": self.pain_now,
            "pain_worst": self.pain_worst,
            "active_minutes": self.active_minutes,
            "exercises": list(self.exercises),
            "leg_pain": self.leg_pain,
            "sleep": self.sleep,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class RowError:
    """One problem: which row (1 = first data row; 0 = the file), which field, what is wrong."""

    row: int
    field: str
    problem: str

    def message(self) -> str:
        where = f"row {self.row}, " if self.row else ""
        return f"{where}{self.field}: {self.problem}"


class DiaryError(ValueError):
    """Bad diary input: every problem found, so a person can fix them all at once."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors: tuple[RowError, ...] = tuple(errors)
        super().__init__("; ".join(e.message() for e in self.errors[:20]))


# ---------------------------------------------------------------- exercise ids


def known_exercise_ids() -> frozenset[str]:
    """Every exercise id of the library (data/exercises.yaml, via backcare.planner.library)."""
    return frozenset(library())


def exercise_names() -> dict[str, str]:
    """Exercise id -> its plain name, for showing a diary entry."""
    return {k: v.name for k, v in library().items()}


# ---------------------------------------------------------------- checking one entry


def _int(value: Any, low: int, high: int) -> tuple[int | None, str | None]:
    bad = f"got {_shown(value)}; allowed: a whole number from {low} to {high}"
    if isinstance(value, bool):
        return None, bad
    if isinstance(value, str):
        text = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,6}(\.0*)?", text):
            return None, bad
        value = int(float(text))
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        return None, bad
    return value, None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _date(value: Any, today: dt.date) -> tuple[dt.date | None, str | None]:
    bad = f"got {_shown(value)}; allowed: a date written as YYYY-MM-DD"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            return None, bad
        if len(value.isoformat()) != 10:
            return None, bad
    if not isinstance(value, dt.date):
        return None, bad
    if value < EARLIEST_DATE:
        return None, f"{value.isoformat()} is too long ago"
    if value > today + FUTURE_SLACK:
        return None, f"{value.isoformat()} is in the future"
    return value, None


def _bool(value: Any) -> tuple[bool | None, str | None]:
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str) and value.strip().lower() in YES + NO:
        return value.strip().lower() in YES, None
    return None, f"got {_shown(value)}; allowed: yes or no"


def _sleep_quality(value: Any) -> tuple[str | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, str) and value.strip().lower() in SLEEP_CHOICES:
        return value.strip().lower(), None
    return None, f"got {_shown(value)}; allowed: good, fair, poor or empty"


def _exercises(value: Any, library: frozenset[str]) -> tuple[tuple[str, ...], str | None]:
    if value is None:
        return (), None
    if isinstance(value, str):
        items = [v.strip() for v in value.split(EXERCISE_SEPARATOR)]
        items = [v for v in items if v]
    elif isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        return (), f"got {_shown(value)}; allowed: exercise ids separated by ;"
    bad = [v for v in items if not EXERCISE_ID.match(v)]
    if bad:
        return (), f"{_shown(bad[0])} is not an exercise id (lower-case letters, digits and _)"
    unknown = [v for v in items if v not in library]
    if unknown:
        return (), f"{_shown(unknown[0])} is not in the exercise library"
    return tuple(dict.fromkeys(items)), None


def _notes(value: Any) -> tuple[str | None, str | None]:
    if value is None:
        return "", None
    if not isinstance(value, str):
        return None, f"got {_shown(value)}; allowed: text"
    if len(value) > NOTES_MAX:
        return None, f"is {len(value)} characters long; allowed: up to {NOTES_MAX}"
    if "\x00" in value:
        return None, "contains a null character"
    return value, None


def check_entry(
    raw: Mapping[str, Any],
    *,
    row: int = 0,
    today: dt.date | None = None,
    library: frozenset[str] | None = None,
) -> tuple[DiaryEntry | None, list[RowError]]:
    """Check one entry (from a form, CSV row or JSON object); return it or its problems.

    Exercise ids must be in ``library`` (default: the exercise library).
    """
    today = today or dt.date.today()
    lib = known_exercise_ids() if library is None else library
    errors: list[RowError] = []
    unknown = [k for k in raw if k not in COLUMNS]
    errors += [RowError(row, str(k), "is not a diary column") for k in unknown]
    out: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], tuple[Any, str | None]]] = {
        "date": lambda v: _date(v, today),
        "pain_now": lambda v: _int(v, PAIN_MIN, PAIN_MAX),
        "pain_worst": lambda v: _int(v, PAIN_MIN, PAIN_MAX),
        "active_minutes": lambda v: _int(v, 0, MINUTES_MAX),
        "exercises": lambda v: _exercises(v, lib),
        "leg_pain": _bool,
        "sleep": _sleep_quality,
        "notes": _notes,
    }
    required = ("date", "pain_now", "pain_worst", "active_minutes", "leg_pain")
    for name, check in checks.items():
        value = raw.get(name)
        if name in required and (value is None or (isinstance(value, str) and not value.strip())):
            errors.append(RowError(row, name, "is missing"))
            continue
        cleaned, problem = check(value)
        if problem:
            errors.append(RowError(row, name, problem))
        else:
            out[name] = cleaned
    if not errors and out["pain_worst"] < out["pain_now"]:
        errors.append(
            RowError(
                row,
                "pain_worst",
                "is lower than pain_now; worst pain must be at least the pain now",
            )
        )
    if errors:
        return None, errors
    return DiaryEntry(**out), []


def check_rows(
    rows: Iterable[Mapping[str, Any]],
    *,
    skip: frozenset[int] | set[int] = frozenset(),
    **kwargs: Any,
) -> list[DiaryEntry]:
    """Check every row; return all entries, or raise one `DiaryError` with every problem.

    Two rows with the same date are an error too: a file should say one thing per day.
    """
    if kwargs.get("library") is None:
        kwargs["library"] = known_exercise_ids()  # look the library up once, not per row
    entries: list[DiaryEntry] = []
    errors: list[RowError] = []
    seen: dict[dt.date, int] = {}
    for number, raw in enumerate(rows, start=1):
        if number in skip:
            continue
        if not isinstance(raw, Mapping):
            errors.append(RowError(number, "row", "must be an object with the diary columns"))
            continue
        entry, problems = check_entry(raw, row=number, **kwargs)
        errors += problems
        if entry is None:
            continue
        if entry.date in seen:
            errors.append(
                RowError(number, "date", f"{entry.date} is also on row {seen[entry.date]}")
            )
            continue
        seen[entry.date] = number
        entries.append(entry)
    if errors:
        raise DiaryError(errors)
    return entries


# ---------------------------------------------------------------- formula protection

#: The shared guard (`backcare.safe_io`), under the names this module always had.
escape_cell = guard_cell
unescape_cell = unguard_cell


# ---------------------------------------------------------------- files


def _csv_row(entry: DiaryEntry) -> list[str]:
    return [
        entry.date.isoformat(),
        str(entry.pain_now),
        str(entry.pain_worst),
        str(entry.active_minutes),
        escape_cell(EXERCISE_SEPARATOR.join(entry.exercises)),
        "yes" if entry.leg_pain else "no",
        entry.sleep or "",
        escape_cell(entry.notes),
    ]


def to_csv(entries: Iterable[DiaryEntry]) -> str:
    """The diary as CSV text with a header row, formula cells escaped."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for entry in entries:
        writer.writerow(_csv_row(entry))
    return out.getvalue()


def to_json(entries: Iterable[DiaryEntry]) -> str:
    """The diary as a JSON list of objects with the file columns."""
    return json.dumps([e.to_dict() for e in entries], indent=2, ensure_ascii=False) + "\n"


def _text(data: str | bytes) -> str:
    """The file as text, read as every entry point reads it (`safe_io.text_of`)."""
    try:
        return text_of(data, max_bytes=MAX_IMPORT_BYTES)
    except InputError as exc:
        raise DiaryError([RowError(0, "file", str(exc))]) from None


def parse_csv(data: str | bytes, **kwargs: Any) -> list[DiaryEntry]:
    """Read and check a whole CSV diary. Raises `DiaryError`; returns nothing partial."""
    text = _text(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        table = list(reader)
    except csv.Error as exc:
        raise DiaryError([RowError(reader.line_num, "file", f"is not valid CSV ({exc})")]) from exc
    if not table or not any(c.strip() for c in table[0]):
        raise DiaryError([RowError(0, "file", "is empty; the first line must name the columns")])
    header = [c.strip().lower() for c in table[0]]
    errors = [RowError(0, c, "is not a diary column") for c in header if c not in COLUMNS]
    errors += [RowError(0, c, "column is missing") for c in COLUMNS if c not in header]
    if len(set(header)) != len(header):
        errors.append(RowError(0, "header", "names a column twice"))
    if errors:
        raise DiaryError(errors)
    rows: list[Mapping[str, Any]] = []
    problems: list[RowError] = []
    skip: set[int] = set()
    for number, cells in enumerate(table[1:], start=1):
        rows.append({})
        if not any(c.strip() for c in cells):
            skip.add(number)  # a blank line, as spreadsheets leave at the end
        elif len(cells) != len(header):
            skip.add(number)
            problems.append(
                RowError(number, "row", f"has {len(cells)} cells; expected {len(header)}")
            )
        else:
            row = dict(zip(header, cells, strict=True))
            row["notes"] = unescape_cell(row["notes"])
            row["exercises"] = unescape_cell(row["exercises"])
            rows[-1] = row
    try:
        entries = check_rows(rows, skip=skip, **kwargs)
    except DiaryError as exc:
        raise DiaryError(sorted([*problems, *exc.errors], key=lambda e: e.row)) from None
    if problems:
        raise DiaryError(problems)
    return entries


def parse_json(data: str | bytes, **kwargs: Any) -> list[DiaryEntry]:
    """Read and check a whole JSON diary (a list of objects). Raises `DiaryError`."""
    try:
        found = loads_strict(data, max_bytes=MAX_IMPORT_BYTES)
    except InputError as exc:
        raise DiaryError([RowError(0, "file", str(exc))]) from None
    if isinstance(found, Mapping) and isinstance(found.get("diary"), list):
        found = found["diary"]
    if not isinstance(found, list):
        raise DiaryError([RowError(0, "file", "must be a JSON list of diary entries")])
    return check_rows(found, **kwargs)


def parse_file(name: str, data: str | bytes, **kwargs: Any) -> list[DiaryEntry]:
    """Pick the reader by file name: ``.json`` is JSON, anything else is CSV.

    ``data`` may be the raw bytes of an upload: decoding is part of the checks.
    """
    if name.lower().endswith(".json"):
        return parse_json(data, **kwargs)
    return parse_csv(data, **kwargs)
