"""Paths and loaders shared by the tests (import as ``from tests.helpers import ...``)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The read-only shared folder sits beside the project (../shared), in CI too.
SHARED = Path(os.environ.get("BACKCARE_SHARED", ROOT.parent / "shared"))


#: The answer keys spec v2 added.
V2_KEYS = (
    "getting_worse",
    "anticoagulant",
    "diabetes",
    "pregnant",
    "abdominal_pain",
    "pulsing_in_abdomen",
    "known_aneurysm",
    "fainting",
    "urine_symptoms",
    "pain_in_waves",
    "rash",
    "spa_features",
)


#: The yes/no warning signs of the check's "Warning signs" step, in its order (the
#: first is the emergency answer the flow tests give).
WARNING_SIGNS = (
    "saddle_numbness",
    "bladder_change",
    "bowel_change",
    "sexual_change",
    "walking_unsteady",
    "fever",
    "feels_unwell",
)


def kill_when_paused(args: list[str], flag: Path, what: str = "the writer") -> int:
    """Run ``python -c *args``, SIGKILL it once it writes ``flag`` (paused mid-way),
    and return its exit code. Fails the test if it ends first or never pauses."""
    proc = subprocess.Popen(
        [sys.executable, "-c", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            if proc.poll() is not None:
                pytest.fail(f"{what} ended before pausing: {proc.stderr.read().decode()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{what} never paused")
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return proc.returncode


def load_vignettes() -> list[dict]:
    return json.loads((SHARED / "vignettes" / "public.json").read_text(encoding="utf-8"))
