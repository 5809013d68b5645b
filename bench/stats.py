"""Timing helpers, the result table and what machine the figures came from."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("BACKCARE_CHROMIUM", "/usr/bin/chromium"))


@dataclass(frozen=True)
class Figure:
    """One line of the table: a median over repeated runs, its spread, and its budget.

    ``budget`` is the largest median that meets it (None: no budget, report only).
    """

    name: str
    unit: str
    samples: tuple[float, ...]
    budget: float | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def verdict(self) -> str:
        if self.budget is None:
            return "-"
        return "met" if self.median <= self.budget else "MISSED"

    def cells(self) -> list[str]:
        lo, hi = min(self.samples), max(self.samples)
        budget = "-" if self.budget is None else f"<= {_num(self.budget)} {self.unit}"
        return [
            self.name,
            f"{_num(self.median)} {self.unit}",
            f"{_num(lo)} - {_num(hi)} (n={len(self.samples)})",
            budget,
            self.verdict,
            self.note,
        ]


def _num(x: float) -> str:
    if x >= 100:
        return f"{x:,.0f}"
    if x >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def timed(fn: Callable[[], object], cpu: bool = True) -> float:
    """Seconds one call of ``fn`` takes.

    By default this is the CPU time of this process (all its threads), not the
    wall clock: the machines we run on are shared, and another process taking
    the CPU must not count against our code. ``cpu=False`` gives wall-clock
    time, for work done in other processes (servers, workers, a browser).
    """
    clock = time.process_time if cpu else time.perf_counter
    start = clock()
    fn()
    return clock() - start


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> tuple[float, ...]:
    """Paired ratios: each repeat measured both sides back to back."""
    return tuple(n / d for n, d in zip(numerators, denominators, strict=True))


def table(figures: Sequence[Figure]) -> str:
    head = ["figure", "median", "spread (min - max)", "budget", "verdict", "note"]
    rows = [head, ["---"] * len(head)] + [f.cells() for f in figures]
    return "\n".join("| " + " | ".join(r) + " |" for r in rows)


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _chromium_version() -> str:
    try:
        done = subprocess.run(
            [str(CHROMIUM), "--version"], capture_output=True, text=True, timeout=30
        )
        return done.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "not found"


def _git(*args: str) -> str:
    try:  # read-only git commands: which code was measured
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, timeout=10)
        return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def _commit() -> str:
    commit = _git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = _git("--no-optional-locks", "status", "--porcelain")
    return commit + (" with uncommitted changes" if dirty else "")


def machine() -> list[tuple[str, str]]:
    """What the figures were measured on: they mean little without it."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        (
            "machine",
            f"{_cpu_model()}, {os.cpu_count()} cores, {_memory_gib()}, "
            f"{platform.system()} {platform.release()}",
        ),
        ("load average at start (1, 5, 15 min)", load),
        ("python", sys.version.split()[0]),
        (
            "versions",
            ", ".join(
                f"{p} {_version(p)}"
                for p in ("streamlit", "pandas", "altair", "playwright", "tqdm")
            ),
        ),
        ("chromium", _chromium_version()),
        ("backcare commit", _commit()),
    ]
