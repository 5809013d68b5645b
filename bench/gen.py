"""Generated intake forms for the batch benchmark and the flat-memory test.

Seeded, so every run scores the same file. Each row answers most questions
with a random allowed value and leaves some empty (not answered), like real
forms; a small share of rows carries a bad cell so the error path is timed too.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from backcare.engine.answers import FIELDS, Field, Kind

#: Share of cells left empty (not answered).
EMPTY_SHARE = 0.15
#: Share of rows with one bad cell (an out-of-range pain score).
BAD_ROW_SHARE = 0.01


def _cell(field: Field, rng: random.Random) -> str:
    if not field.required and rng.random() < EMPTY_SHARE:
        return ""
    if field.kind is Kind.BOOL:
        return rng.choice(("yes", "no", "no", "no"))
    if field.kind is Kind.INTEGER:
        return str(rng.randint(int(field.minimum or 0), int(field.maximum or 0)))
    if field.kind is Kind.NUMBER:
        return str(rng.choice((0.5, 1, 2, 3, 6, 8, 12, 26, 52, 104)))
    if field.kind is Kind.CHOICE:
        return rng.choice(field.choices)
    return ";".join(rng.sample(field.choices, rng.randint(1, min(3, len(field.choices)))))


def rows(count: int, seed: int = 6, fields: tuple[Field, ...] = FIELDS):
    """Yield ``count`` rows of cells in the order of ``fields``."""
    rng = random.Random(seed)
    keys = [f.key for f in fields]
    pain = keys.index("pain_now") if "pain_now" in keys else None
    for _ in range(count):
        row = [_cell(f, rng) for f in fields]
        if pain is not None and rng.random() < BAD_ROW_SHARE:
            row[pain] = "12"
        yield row


def write_csv(path: Path, count: int, seed: int = 6, fields: tuple[Field, ...] = FIELDS) -> Path:
    """Write a header of answer keys and ``count`` generated rows to ``path``."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(f.key for f in fields)
        writer.writerows(rows(count, seed, fields))
    return path
