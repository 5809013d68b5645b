"""The exercise library: `data/exercises.yaml`, loaded into frozen values.

The library is content a physiotherapist may edit, so it lives in YAML. The
vocabularies below (categories, targets, equipment, movement tags) are the
contract the planner's safety rules rely on, so they live here as constants
and `problems()` checks the file against them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from backcare.engine.wording import DATA_DIR, ContentError, load_yaml

CATEGORIES = ("aerobic", "strength", "flexibility", "balance", "relaxation")
TARGETS = (
    "core",
    "back_extensors",
    "glutes",
    "hips",
    "hamstrings",
    "legs",
    "balance",
    "whole_body",
    "pelvic_floor",
)
#: ``none`` means no kit at all; a person always "has" it.
EQUIPMENT = ("none", "mat", "chair", "wall", "pool", "bike", "resistance_band")
#: Movement tags used by the safety rules of spec section 6. The last five (v2)
#: serve the pregnancy rule and the blood-thinner rule (see `safety`).
MOVEMENTS = (
    "loaded_flexion",
    "end_range_flexion",
    "twisting",
    "sustained_extension",
    "impact",
    "floor_lift",
    "supine",
    "prone",
    "heavy_lift",
    "fall_risk",
    "contact",
)
LEVELS = (1, 2, 3)

#: Time estimates for turning a dose into minutes (a planning convention, not
#: a clinical rule): about 3 seconds a repetition, 30 seconds' rest between
#: sets of repetitions and 10 seconds between holds.
SECONDS_PER_REP = 3
REST_BETWEEN_SETS_SECONDS = 30
REST_BETWEEN_HOLDS_SECONDS = 10

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: Our own simple drawings: ``<exercise id>.svg``, else ``<category>.svg``.
ILLUSTRATIONS = DATA_DIR / "illustrations"


@dataclass(frozen=True)
class Dose:
    """How much of an exercise: sets of reps, sets of holds, or minutes."""

    sets: int | None = None
    reps: int | None = None
    hold_seconds: int | None = None
    minutes: int | None = None
    per_side: bool = False

    @property
    def kind(self) -> str:
        """``reps``, ``hold`` or ``minutes``."""
        if self.minutes is not None:
            return "minutes"
        return "hold" if self.hold_seconds is not None else "reps"

    def with_sets(self, sets: int) -> Dose:
        return Dose(sets, self.reps, self.hold_seconds, self.minutes, self.per_side)

    def estimated_minutes(self) -> int:
        """Whole minutes this dose takes, rounded up (at least 1)."""
        if self.minutes is not None:
            return self.minutes
        sides = 2 if self.per_side else 1
        sets = self.sets or 1
        if self.hold_seconds is not None:
            work = sets * self.hold_seconds * sides
            rest = (sets * sides - 1) * REST_BETWEEN_HOLDS_SECONDS
        else:
            work = sets * (self.reps or 0) * SECONDS_PER_REP * sides
            rest = (sets - 1) * REST_BETWEEN_SETS_SECONDS
        return max(1, math.ceil((work + rest) / 60))

    def to_dict(self) -> dict[str, Any]:
        keys = ("sets", "reps", "hold_seconds", "minutes")
        out: dict[str, Any] = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        if self.per_side:
            out["per_side"] = True
        return out


@dataclass(frozen=True)
class Exercise:
    """One exercise of the library. ``movement`` holds the safety tags."""

    id: str
    name: str
    category: str
    targets: tuple[str, ...]
    level: int
    equipment: tuple[str, ...]
    steps: tuple[str, ...]
    dose: Dose
    easier: str | None
    harder: str | None
    movement: tuple[str, ...]
    safety: tuple[str, ...]
    source: str
    flexion_friendly: bool = False

    def needs(self) -> frozenset[str]:
        """The equipment this exercise needs beyond nothing at all."""
        return frozenset(self.equipment) - {"none"}


def _dose(raw: Any) -> Dose:
    if not isinstance(raw, Mapping):
        raise ContentError(f"dose must be a mapping, got {raw!r}")
    unknown = set(raw) - {"sets", "reps", "hold_seconds", "minutes", "per_side"}
    if unknown:
        raise ContentError(f"dose has unknown keys {sorted(unknown)}")
    return Dose(
        sets=raw.get("sets"),
        reps=raw.get("reps"),
        hold_seconds=raw.get("hold_seconds"),
        minutes=raw.get("minutes"),
        per_side=bool(raw.get("per_side", False)),
    )


def _exercise(raw: Mapping[str, Any]) -> Exercise:
    try:
        return Exercise(
            id=raw["id"],
            name=raw["name"],
            category=raw["category"],
            targets=tuple(raw["targets"]),
            level=raw["level"],
            equipment=tuple(raw["equipment"]),
            steps=tuple(raw["steps"]),
            dose=_dose(raw["dose"]),
            easier=raw["easier"],
            harder=raw["harder"],
            movement=tuple(raw["movement"] or ()),
            safety=tuple(raw["safety"]),
            source=raw["source"],
            flexion_friendly=bool(raw.get("flexion_friendly", False)),
        )
    except (KeyError, TypeError) as exc:
        name = raw.get("id", "?") if isinstance(raw, Mapping) else "?"
        raise ContentError(f"data/exercises.yaml: exercise {name} lacks a field: {exc}") from exc


@cache
def library() -> dict[str, Exercise]:
    """Every exercise by id, in file order. Raises `ContentError` on a broken file."""
    raw = load_yaml("exercises.yaml")
    if not isinstance(raw, list):
        raise ContentError("data/exercises.yaml must be a list of exercises")
    out: dict[str, Exercise] = {}
    for item in raw:
        if not isinstance(item, Mapping):
            raise ContentError(f"data/exercises.yaml: not an exercise: {item!r}")
        ex = _exercise(item)
        if ex.id in out:
            raise ContentError(f"data/exercises.yaml: id {ex.id} is used twice")
        out[ex.id] = ex
    return out


def get(exercise_id: str) -> Exercise:
    return library()[exercise_id]


@cache
def illustration(ex: Exercise) -> str | None:
    """The SVG drawing for an exercise (its own, else its category's), or None."""
    for name in (ex.id, ex.category):
        path = ILLUSTRATIONS / f"{name}.svg"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return None


def _dose_problems(ex: Exercise) -> list[str]:
    d = ex.dose
    shapes = {
        "reps": d.sets is not None and d.reps is not None and d.hold_seconds is None,
        "hold": d.sets is not None and d.hold_seconds is not None and d.reps is None,
        "minutes": d.minutes is not None and d.sets is None and d.reps is None,
    }
    if sum(shapes.values()) != 1:
        return [f"{ex.id}: dose must be sets and reps, sets and hold_seconds, or minutes"]
    numbers = [v for v in (d.sets, d.reps, d.hold_seconds, d.minutes) if v is not None]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in numbers):
        return [f"{ex.id}: dose numbers must be whole numbers above 0"]
    return []


def _field_problems(ex: Exercise) -> list[str]:
    problems: list[str] = []

    def bad(values: tuple[str, ...], allowed: tuple[str, ...], what: str) -> None:
        wrong = [v for v in values if v not in allowed]
        if wrong:
            problems.append(f"{ex.id}: unknown {what} {wrong}")

    if not _ID.match(ex.id):
        problems.append(f"{ex.id}: id must be lower-case letters, digits and _")
    if ex.category not in CATEGORIES:
        problems.append(f"{ex.id}: unknown category {ex.category!r}")
    if ex.level not in LEVELS:
        problems.append(f"{ex.id}: level must be 1, 2 or 3")
    for values, allowed, what in (
        (ex.targets, TARGETS, "target"),
        (ex.equipment, EQUIPMENT, "equipment"),
        (ex.movement, MOVEMENTS, "movement tag"),
    ):
        bad(values, allowed, what)
    for what, value in (
        ("targets", ex.targets),
        ("equipment", ex.equipment),
        ("steps", ex.steps),
        ("safety", ex.safety),
    ):
        if not value:
            problems.append(f"{ex.id}: {what} is empty")
    if not (isinstance(ex.source, str) and ex.source.strip()):
        problems.append(f"{ex.id}: source is empty")
    return problems + _dose_problems(ex)


def _link_problems(ex: Exercise, lib: Mapping[str, Exercise]) -> list[str]:
    problems: list[str] = []
    for kind, ref in (("easier", ex.easier), ("harder", ex.harder)):
        if ref is None:
            continue
        other = lib.get(ref)
        if other is None:
            problems.append(f"{ex.id}: {kind} {ref!r} is not in the library")
        elif other.category != ex.category:
            problems.append(f"{ex.id}: {kind} {ref} is a different category")
        elif (kind == "easier" and other.level > ex.level) or (
            kind == "harder" and other.level < ex.level
        ):
            problems.append(f"{ex.id}: {kind} {ref} has the wrong level")
    return problems


def problems(lib: Mapping[str, Exercise] | None = None) -> list[str]:
    """Everything wrong with the library (empty when it is sound). Tests call this."""
    lib = library() if lib is None else lib
    out: list[str] = []
    for ex in lib.values():
        out += _field_problems(ex) + _link_problems(ex, lib)
    return out
