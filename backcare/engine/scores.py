"""Scores of spec section 4: pain band, duration category, psychosocial screen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backcare.engine.results import Scores

#: Pain bands on the 0-10 scale: a common convention, not a validated cut-off.
#: A change of 2 points is the smallest that matters to a person (Childs et al., Spine 2005).
PAIN_BANDS: tuple[tuple[int, str], ...] = (
    (0, "none"),
    (3, "mild"),
    (6, "moderate"),
    (10, "severe"),
)
MEANINGFUL_PAIN_CHANGE = 2

#: Acute under 6 weeks, chronic over 12 weeks (NICE CKS Back pain - low; spec section 4).
ACUTE_BELOW_WEEKS = 6
CHRONIC_ABOVE_WEEKS = 12

#: Our own screen, informed by the risk factors in the Keele STarT Back approach
#: (Hill et al., Arthritis Rheum 2008) but NOT that instrument and NOT validated.
PSYCHOSOCIAL_ITEMS = ("fear_of_activity", "worry", "catastrophising", "low_mood")
BOTHERSOME = ("very", "extremely")
PSYCHOSOCIAL_BANDS: tuple[tuple[int, str], ...] = ((1, "low"), (3, "medium"), (5, "high"))
PSYCHOSOCIAL_LABEL = "adapted, not a validated score"


def pain_band(pain_now: int | None) -> str | None:
    """The word for a 0-10 pain score, or None when it was not answered."""
    if pain_now is None:
        return None
    return next(name for top, name in PAIN_BANDS if pain_now <= top)


def duration_category(weeks: float | None) -> str | None:
    """``acute`` under 6 weeks, ``subacute`` 6 to 12, ``chronic`` over 12."""
    if weeks is None:
        return None
    if weeks < ACUTE_BELOW_WEEKS:
        return "acute"
    return "subacute" if weeks <= CHRONIC_ABOVE_WEEKS else "chronic"


def psychosocial_items(a: Mapping[str, Any]) -> tuple[str, ...]:
    """The answers that each add a point to the psychosocial screen."""
    items = [k for k in PSYCHOSOCIAL_ITEMS if a.get(k) is True]
    if a.get("bothersomeness") in BOTHERSOME:
        items.append("bothersomeness")
    return tuple(items)


def psychosocial_band(points: int) -> str:
    return next(name for top, name in PSYCHOSOCIAL_BANDS if points <= top)


def score(a: Mapping[str, Any]) -> Scores:
    items = psychosocial_items(a)
    return Scores(
        pain_band=pain_band(a.get("pain_now")),
        psychosocial_risk=psychosocial_band(len(items)),
        psychosocial_points=len(items),
        psychosocial_items=items,
    )
