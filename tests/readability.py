"""Reading-grade helper for content tests (US grade by Flesch-Kincaid, textstat)."""

from __future__ import annotations

import re

import textstat

MAX_GRADE = 8.0


def plain(text: str) -> str:
    """Strip Markdown syntax so only the words a person reads are scored."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links -> their words
    text = re.sub(r"[#*_`>|]", " ", text)
    text = re.sub(r"^\s*[-+]\s+", "", text, flags=re.M)
    return re.sub(r"\s+", " ", text).strip()


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(plain(text)))
