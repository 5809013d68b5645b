"""The result of an assessment: frozen values with a JSON form (spec section 5)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from backcare.engine import SPEC_VERSION


class Level(StrEnum):
    """Triage levels, spec section 2. ``rank`` orders them: higher is more urgent."""

    SELF_CARE = "self_care"
    SOON = "soon"
    URGENT = "urgent"
    EMERGENCY = "emergency"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_ORDER = (Level.SELF_CARE, Level.SOON, Level.URGENT, Level.EMERGENCY)
#: A dict, not ``tuple.index``: `rank` is called some 70 times in every `assess`.
_LEVEL_RANK = {level: i for i, level in enumerate(_LEVEL_ORDER)}


class Strength(StrEnum):
    """How closely the answers fit a pattern (spec section 3)."""

    WEAK = "weak"
    MODERATE = "moderate"
    STRONG = "strong"

    @property
    def rank(self) -> int:
        return _STRENGTH_RANK[self]

    def raised(self) -> Strength:
        """One step stronger, never above strong (spec section 3, inflammatory)."""
        return _STRENGTH_ORDER[min(self.rank + 1, len(_STRENGTH_ORDER) - 1)]


_STRENGTH_ORDER = (Strength.WEAK, Strength.MODERATE, Strength.STRONG)
_STRENGTH_RANK = {strength: i for i, strength in enumerate(_STRENGTH_ORDER)}


@dataclass(frozen=True)
class Reason:
    """One triage rule that fired: why the level is what it is."""

    id: str
    level: Level
    because: tuple[str, ...]
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level.value,
            "because": list(self.because),
            "text": self.text,
        }


@dataclass(frozen=True)
class PatternMatch:
    """A pattern the answers look like. Not a diagnosis."""

    id: str
    strength: Strength
    because: tuple[str, ...]
    serious: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "strength": self.strength.value, "because": list(self.because)}


@dataclass(frozen=True)
class Scores:
    """Spec section 4. ``psychosocial_risk`` is our own unvalidated screen."""

    pain_band: str | None
    psychosocial_risk: str
    psychosocial_points: int
    psychosocial_items: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "pain_band": self.pain_band,
            "psychosocial_risk": self.psychosocial_risk,
            "psychosocial_points": self.psychosocial_points,
        }


@dataclass(frozen=True)
class Assessment:
    """Everything `backcare.assess` concludes from one answer set."""

    triage: Level
    reasons: tuple[Reason, ...]
    patterns: tuple[PatternMatch, ...]
    unanswered_safety_questions: tuple[str, ...]
    open_safety_questions: tuple[str, ...]
    duration_category: str | None
    scores: Scores
    answers: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def top_pattern(self) -> str | None:
        """The first pattern that is not one of the serious ones, if any."""
        return next((p.id for p in self.patterns if not p.serious), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of spec section 5 with its v2 additions.

        ``open_safety_questions`` is the part of the unanswered list whose
        answer could still raise the level; ``spec_version`` names the contract.
        """
        return {
            "triage": self.triage.value,
            "reasons": [r.to_dict() for r in self.reasons],
            "patterns": [p.to_dict() for p in self.patterns],
            "unanswered_safety_questions": list(self.unanswered_safety_questions),
            "open_safety_questions": list(self.open_safety_questions),
            "duration_category": self.duration_category,
            "scores": self.scores.to_dict(),
            "spec_version": SPEC_VERSION,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent)
