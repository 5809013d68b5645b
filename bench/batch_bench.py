"""Figure 2: batch scoring throughput, and its ratio to a plain pandas round trip.

The same generated 100,000-row file is scored with ``python -m backcare score``
(in this process, through the command's own ``main``) and read and written by
``pandas.read_csv(...).to_csv(...)``, back to back in each repeat.

Two more timings show where the time goes: a plain ``csv.reader`` to
``csv.writer`` copy (the floor of any streaming pure-Python scorer) and
`assess` alone over the same answer sets, parsed beforehand. Their sum is
the least any batch scorer built on `assess` can take; the ratio of the real
batch time to it is the batch command's own overhead.
"""

from __future__ import annotations

import contextlib
import csv
import io
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from backcare import ValidationError, assess
from backcare.batch import csv_rows, plan_columns, read_row
from backcare.cli.main import main
from bench.gen import write_csv
from bench.stats import ROOT, Figure, ratios, timed

ROWS = 100_000
#: Spec budget: at most twice a pandas read_csv plus to_csv of the same file.
BUDGET_RATIO = 2.0


def _score(src: Path, out: Path, jobs: int = 1) -> None:
    with contextlib.redirect_stderr(io.StringIO()):
        code = main(["score", str(src), "-o", str(out), "--progress", "never", "--jobs", str(jobs)])
    if code not in (0, 1):  # 1: the generator puts a few bad rows in, on purpose
        raise RuntimeError(f"backcare score exited {code}")


def _pandas(src: Path, out: Path) -> None:
    pd.read_csv(src).to_csv(out, index=False)


def _csv_copy(src: Path, out: Path) -> None:
    with (
        open(src, encoding="utf-8", newline="") as f,
        open(out, "w", encoding="utf-8", newline="") as g,
    ):
        csv.writer(g, lineterminator="\n").writerows(csv.reader(f))


def _answer_sets(src: Path) -> list[dict[str, Any]]:
    with open(src, encoding="utf-8", newline="") as f:
        rows = csv_rows(f)
        columns = plan_columns(next(rows))
        sets = []
        for row in rows:
            with contextlib.suppress(ValidationError):
                sets.append(read_row(columns, row))
        return sets


def _assess_all(sets: list[dict[str, Any]]) -> None:
    for answers in sets:
        with contextlib.suppress(ValidationError):
            assess(answers)


def _startup(src: Path, out: Path) -> float:
    """Seconds for a whole ``python -m backcare score`` process on a header-only file."""
    return timed(
        lambda: subprocess.run(
            [sys.executable, "-m", "backcare", "score", str(src), "-o", str(out)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            timeout=120,
        ),
        cpu=False,
    )


def run(repeats: int, rows: int = ROWS, jobs: int = 2) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="backcare-bench-") as tmp:
        src = write_csv(Path(tmp) / "forms.csv", rows)
        empty = write_csv(Path(tmp) / "empty.csv", 0)
        out = Path(tmp) / "out.csv"
        sets = _answer_sets(src)
        _score(src, out)  # warm up
        t: dict[str, list[float]] = {
            k: [] for k in ("score", "pandas", "copy", "assess", "jobs", "start")
        }
        for _ in range(repeats):
            t["score"].append(timed(lambda: _score(src, out)))
            t["pandas"].append(timed(lambda: _pandas(src, out)))
            t["copy"].append(timed(lambda: _csv_copy(src, out)))
            t["assess"].append(timed(lambda: _assess_all(sets)))
            t["jobs"].append(timed(lambda: _score(src, out, jobs), cpu=False))
            t["start"].append(_startup(empty, out))
    size = f"{rows:,} rows x 42 columns"
    floor = [c + a for c, a in zip(t["copy"], t["assess"], strict=True)]
    return [
        Figure(
            "2. batch scoring throughput", "rows/s", tuple(rows / s for s in t["score"]), note=size
        ),
        Figure("2. batch scoring time", "s", tuple(t["score"]), note=f"CPU time, {size}"),
        Figure("2. pandas read_csv + to_csv", "s", tuple(t["pandas"]), note=size),
        Figure(
            "2. batch / pandas",
            "x",
            ratios(t["score"], t["pandas"]),
            BUDGET_RATIO,
            "why: see docs/performance.md",
        ),
        Figure(
            "2. csv.reader + csv.writer copy",
            "s",
            tuple(t["copy"]),
            note="the I/O part: no parsing, no scoring",
        ),
        Figure(
            "2. assess() alone over the same rows",
            "s",
            tuple(t["assess"]),
            note="answer sets parsed beforehand",
        ),
        Figure(
            "2. batch / (csv copy + assess alone)",
            "x",
            ratios(t["score"], floor),
            note="the batch command's own overhead",
        ),
        Figure(
            f"2. batch scoring time, --jobs {jobs}",
            "s",
            tuple(t["jobs"]),
            note=f"wall clock, {jobs} worker processes",
        ),
        Figure(
            "2. python -m backcare score start-up",
            "s",
            tuple(t["start"]),
            note="wall clock, whole process, header-only file",
        ),
    ]
