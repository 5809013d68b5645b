"""Plain-language text for results, loaded from the files in `data/`.

The wording is content a clinician may edit, so it lives in YAML next to the
other content; this module loads it once and checks that every rule id, level
and pattern id of the engine has its text, so a missing sentence fails at
import in tests, not in front of a person.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from backcare.engine.patterns import ORDER
from backcare.engine.results import Level
from backcare.engine.triage import RULES

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


class ContentError(RuntimeError):
    """A content file is missing, unreadable or lacks a required entry."""


def load_yaml(name: str) -> Any:
    """Read one YAML file from `data/`, with a clear error naming the file."""
    path = DATA_DIR / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ContentError(f"cannot read {path}: {exc}") from exc


class Texts(Mapping[str, Any]):
    """A wording file (or one section of it) as a read-only mapping.

    A key that is not in the file is a `ContentError` naming the file and the
    key's whole path (``data/pages.yaml: no 'results.finish_check'``), never a
    bare KeyError on screen. Sections are `Texts` too; lists are tuples, so no
    page can change the wording by accident.
    """

    __slots__ = ("_data", "_file", "_path")

    def __init__(self, data: Mapping[str, Any], file: str, path: str = "") -> None:
        self._data = dict(data)
        self._file = file
        self._path = path

    def _frozen(self, key: str, value: Any) -> Any:
        where = f"{self._path}.{key}" if self._path else str(key)
        if isinstance(value, Mapping):
            return Texts(value, self._file, where)
        if isinstance(value, list):
            return tuple(self._frozen(f"{key}[{i}]", v) for i, v in enumerate(value))
        return value

    def __getitem__(self, key: str) -> Any:
        if key not in self._data:
            where = f"{self._path}.{key}" if self._path else str(key)
            raise ContentError(f"data/{self._file}: no '{where}'")
        return self._frozen(key, self._data[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __reduce__(self) -> tuple[Any, ...]:  # st.cache_data pickles what it keeps
        return (Texts, (self._data, self._file, self._path))


def load_texts(name: str, sections: Iterable[str] = ()) -> Texts:
    """A wording file from `data/`, checked at load: a mapping with these sections."""
    raw = load_yaml(name)
    if not isinstance(raw, Mapping):
        raise ContentError(f"data/{name} must be a mapping of names to wording")
    missing = [s for s in sections if not isinstance(raw.get(s), Mapping)]
    if missing:
        raise ContentError(f"data/{name} needs the sections {missing}")
    return Texts(raw, name)


@dataclass(frozen=True)
class LevelText:
    level: str
    title: str
    icon: str
    headline: str
    action: str


@dataclass(frozen=True)
class PatternText:
    id: str
    name: str
    summary: str


@dataclass(frozen=True)
class TriageText:
    not_a_diagnosis: str
    emergency_intro: str
    emergency_signs: tuple[str, ...]
    emergency_action: str
    safety_net: tuple[str, ...]
    levels: dict[str, LevelText]
    reasons: dict[str, str]


@cache
def triage_text() -> TriageText:
    raw = load_yaml("triage.yaml")
    try:
        return TriageText(
            not_a_diagnosis=raw["not_a_diagnosis"],
            emergency_intro=raw["emergency_intro"],
            emergency_signs=tuple(raw["emergency_signs"]),
            emergency_action=raw["emergency_action"],
            safety_net=tuple(raw["safety_net"]),
            levels={k: LevelText(level=k, **v) for k, v in raw["levels"].items()},
            reasons=dict(raw["reasons"]),
        )
    except (KeyError, TypeError) as exc:
        raise ContentError(f"data/triage.yaml is missing or has a bad entry: {exc}") from exc


@cache
def pattern_text() -> dict[str, PatternText]:
    raw = load_yaml("patterns.yaml")
    try:
        return {k: PatternText(id=k, **v) for k, v in raw.items()}
    except TypeError as exc:
        raise ContentError(f"data/patterns.yaml has a bad entry: {exc}") from exc


def level_text(level: str) -> LevelText:
    return triage_text().levels[str(level)]


def reason_text(rule_id: str) -> str:
    return triage_text().reasons[rule_id]


def missing_text() -> list[str]:
    """Every rule id, level or pattern id that has no text (empty when complete)."""
    text = triage_text()
    missing = [f"reason {r.id}" for r in RULES if r.id not in text.reasons]
    missing += [f"level {lv.value}" for lv in Level if lv.value not in text.levels]
    missing += [f"pattern {p}" for p in ORDER if p not in pattern_text()]
    return missing
