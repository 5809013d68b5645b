"""Paths and loaders shared by the tests (import as ``from tests.helpers import ...``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

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


def load_vignettes() -> list[dict]:
    return json.loads((SHARED / "vignettes" / "public.json").read_text(encoding="utf-8"))
