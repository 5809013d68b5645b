"""Figure 1: `assess()` time per answer set over the public vignettes."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from backcare import assess
from bench.stats import ROOT, Figure

#: The read-only shared folder beside the repo (as in tests/helpers.py).
SHARED = Path(os.environ.get("BACKCARE_SHARED", ROOT.parent / "shared"))
VIGNETTES = SHARED / "vignettes" / "public.json"
#: Issue 14 budget: at most 50 microseconds per answer set (median).
BUDGET_US = 50.0


def valid_answer_sets() -> list[dict]:
    """The vignettes that are valid answer sets (the others test error messages)."""
    vignettes = json.loads(VIGNETTES.read_text(encoding="utf-8"))
    return [v["answers"] for v in vignettes if "error_keys" not in v["expect"]]


def run(repeats: int, loops: int = 200) -> list[Figure]:
    answer_sets = valid_answer_sets()
    for answers in answer_sets:  # warm up: first calls load content files
        assess(answers)
    samples = []
    for _ in range(repeats):
        start = time.process_time()  # CPU time: see bench.stats.timed
        for _ in range(loops):
            for answers in answer_sets:
                assess(answers)
        samples.append((time.process_time() - start) / (loops * len(answer_sets)) * 1e6)
    return [
        Figure(
            "1. assess() per answer set",
            "us",
            tuple(samples),
            BUDGET_US,
            f"CPU time; {len(answer_sets)} public vignettes x {loops} loops a run",
        )
    ]
