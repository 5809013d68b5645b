"""Paths and loaders shared by the tests (import as ``from tests.helpers import ...``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The read-only shared folder sits beside the project (../shared), in CI too.
SHARED = Path(os.environ.get("BACKCARE_SHARED", ROOT.parent / "shared"))


def load_vignettes() -> list[dict]:
    return json.loads((SHARED / "vignettes" / "public.json").read_text(encoding="utf-8"))
