"""Every sentence a person reads is plain: one test walks every file in data/.

US grade 6 or below is the aim and grade 8 the limit (Flesch-Kincaid, via
`tests.readability`). Each text of more than `LABEL_MAX_WORDS` words must be at
grade 8 or below; each explainer as a whole, and the average of each file, at
grade 6 or below. Texts this short are labels, where the formula means nothing
("Conditions" alone scores grade 20). Template fields such as ``{weeks}`` are
filled with a sample before scoring. Keys that hold names of sources, ids or
search words are not read as sentences.

`data/report.yaml` is left out on purpose: it is the clinician's report, and
issue 13 asks for its reasons "in clinical words" (e.g. "no saddle
anaesthesia"), which a reading formula scores as hard by design.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from statistics import fmean
from typing import Any

import pytest
import yaml

from tests.helpers import ROOT
from tests.readability import MAX_GRADE, grade

DATA = ROOT / "data"
AIM_GRADE = 6.0
#: Files written for clinicians, not for the person (see the module docstring).
CLINICIAN_FILES = frozenset({"report.yaml"})
LABEL_MAX_WORDS = 3
#: A text of up to this many words with no full stop is a label too ("Minutes of activity today").
LABEL_NO_STOP_WORDS = 6
#: Keys whose values are not prose a person reads as a sentence.
NOT_PROSE = frozenset(
    {
        "id",
        "ids",
        "icon",
        "sources",
        "source",
        "other_names",
        "tags",
        "movement",
        "targets",
        "equipment",
        "category",
        "kind",
        "show_if",
        "key",
        "keys",
        "image",
        "illustration",
        "url",
        "min",
        "max",
        "step",
        "format",
        "easier",
        "harder",
        "level",
        "dose",
        "values",
    }
)
SAMPLE = {
    "weeks": "6",
    "week": "3",
    "minutes": "60",
    "points": "3 points",
    "span": "4 weeks",
    "meaningful": "2",
    "date": "today",
    "count": "3",
    "sets": "2",
    "reps": "10",
    "seconds": "20",
    "days": "3",
    "number": "999",
    "level": "GP soon",
    "name": "walking",
}


def _fill(text: str) -> str:
    return re.sub(r"\{(\w+)[^}]*\}", lambda m: SAMPLE.get(m.group(1), "three"), text)


def yaml_texts(node: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if str(key) not in NOT_PROSE:
                yield from yaml_texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from yaml_texts(value, f"{path}[{i}]")
    elif isinstance(node, str):
        yield path, _fill(node)


def markdown_sections(path: Path) -> dict[str, str]:
    """An explainer's words by section (its summary as one), the sources left out."""
    _, front, body = path.read_text(encoding="utf-8").split("---", 2)
    sections = {"summary": str((yaml.safe_load(front) or {}).get("summary", ""))}
    for chunk in re.split(r"^## ", body, flags=re.M)[1:]:
        heading, _, text = chunk.partition("\n")
        if heading.strip() != "Sources":
            sections[heading.strip()] = text
    return {k: v for k, v in sections.items() if v.strip()}


def markdown_body(path: Path) -> str:
    return "\n".join(markdown_sections(path).values())


def markdown_texts(path: Path) -> Iterator[tuple[str, str]]:
    """One text a section: a single line is too short for the formula to mean much."""
    for heading, text in markdown_sections(path).items():
        yield f"{path.name}:{heading}", text


def every_text() -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for path in sorted(DATA.rglob("*.yaml")):
        if path.name in CLINICIAN_FILES:
            continue
        found += yaml_texts(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    for path in sorted(DATA.rglob("*.md")):
        found += markdown_texts(path)
    return found


TEXTS = every_text()


def is_label(text: str) -> bool:
    """A button, heading or field name: short and with no full stop."""
    words = len(text.split())
    return words <= LABEL_MAX_WORDS or (words <= LABEL_NO_STOP_WORDS and "." not in text)


SENTENCES = [(where, t) for where, t in TEXTS if not is_label(t)]
EXPLAINERS = sorted((DATA / "conditions").glob("*.md"))
FILES = sorted({where.split(".")[0].split(":")[0] for where, _ in SENTENCES})


def test_the_walk_finds_every_data_file() -> None:
    files = {p.name for p in DATA.rglob("*.yaml") if p.name not in CLINICIAN_FILES}
    files |= {p.name for p in EXPLAINERS}
    seen = {where.split(":")[0].split(".yaml")[0] for where, _ in TEXTS}
    assert {f.removesuffix(".yaml") for f in files} <= seen
    assert len(SENTENCES) > 500


@pytest.mark.parametrize(("where", "text"), SENTENCES, ids=[w for w, _ in SENTENCES])
def test_each_text_reads_at_grade_8_or_below(where: str, text: str) -> None:
    assert grade(text) <= MAX_GRADE, f"{where}: grade {grade(text):.1f}: {text}"


@pytest.mark.parametrize("path", EXPLAINERS, ids=[p.stem for p in EXPLAINERS])
def test_each_explainer_reads_at_grade_6_or_below(path: Path) -> None:
    assert grade(markdown_body(path)) <= AIM_GRADE, f"{path.name}: {grade(markdown_body(path))}"


@pytest.mark.parametrize("name", FILES)
def test_each_file_averages_grade_6_or_below(name: str) -> None:
    grades = [grade(t) for where, t in SENTENCES if where.startswith(name)]
    assert fmean(grades) <= AIM_GRADE, f"{name}: mean grade {fmean(grades):.1f}"
