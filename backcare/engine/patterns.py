"""Patterns of spec section 3: what the answers look like, ranked. Not a diagnosis.

Each finder takes a clean answer set and returns a `PatternMatch` or None.
Scored patterns (stenosis, inflammatory, sciatica) count one point per item
and keep the items that scored as the answers that support them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from backcare.engine import signs
from backcare.engine.logic import Cond
from backcare.engine.results import PatternMatch, Strength

Answers = Mapping[str, Any]
Finder = Callable[[Answers], PatternMatch | None]

SERIOUS = ("cauda_equina", "spinal_infection", "spinal_malignancy", "fracture")
#: Shown right after `fracture` when there was no major trauma: the same serious pattern.
FRACTURE_ALIAS = "osteoporotic_fracture"
#: Spec table order; it breaks ties between patterns of the same strength.
ORDER = (
    *SERIOUS,
    "sciatica",
    "spinal_stenosis",
    "inflammatory",
    FRACTURE_ALIAS,
    "scoliosis",
    "osteoarthritis",
    "muscle_strain",
    "nonspecific_mechanical",
)

#: Cook et al., Physiother Res Int 2011: 3 of 5 items = moderate, 4-5 = strong.
STENOSIS_MODERATE = 3
STENOSIS_STRONG = 4
STENOSIS_AGE_ABOVE = 48
#: Sieper et al., Ann Rheum Dis 2009 (ASAS): 4 of 5 items, in pain over 12 weeks.
INFLAMMATORY_MIN_ITEMS = 4
INFLAMMATORY_ABOVE_WEEKS = 12
INFLAMMATORY_ONSET_BEFORE_AGE = 40
#: Age-related wear is rare as a cause of new pain before 50 (NICE CKS).
OSTEOARTHRITIS_FROM_AGE = 50
STRAIN_BELOW_WEEKS = 6
SCIATICA_STRONG = 4
SCIATICA_MODERATE = 2

MECHANICAL_WORSE = ("bending", "lifting", "sitting", "standing", "walking", "lying_down")
MECHANICAL_BETTER = ("lying_down", "sitting", "bending_forward", "movement", "rest")


def _yes(a: Answers, key: str) -> bool:
    return a.get(key) is True


def _in(a: Answers, key: str, *values: str) -> bool:
    value = a.get(key)
    if isinstance(value, tuple | list):
        return any(v in value for v in values)
    return value in values


def _match(pid: str, strength: Strength, because: list[str] | tuple[str, ...]) -> PatternMatch:
    return PatternMatch(pid, strength, tuple(dict.fromkeys(because)), serious=pid in SERIOUS)


def _from_cond(pid: str, cond: Cond, a: Answers, strength: Strength) -> PatternMatch | None:
    return _match(pid, strength, cond.support(a)) if cond.truth(a) is True else None


def cauda_equina(a: Answers) -> PatternMatch | None:
    """The first three emergency bullets: the cauda equina warning signs."""
    if signs.CES_SIGNS.truth(a) is True:
        return _match("cauda_equina", Strength.STRONG, signs.CES_SIGNS.support(a))
    legs = [c for c in (signs.BOTH_LEGS_NEURO, signs.NEW_BILATERAL_LEG_PAIN) if c.truth(a)]
    if not legs:
        return None
    return _match("cauda_equina", Strength.MODERATE, [k for c in legs for k in c.support(a)])


def spinal_infection(a: Answers) -> PatternMatch | None:
    return _from_cond("spinal_infection", signs.SPINAL_INFECTION, a, Strength.STRONG)


def spinal_malignancy(a: Answers) -> PatternMatch | None:
    cancer = _yes(a, "cancer_history")
    weight = signs.WEIGHT_LOSS_RED_FLAG.truth(a) is True
    if not (cancer or weight):
        return None
    because = (["cancer_history"] if cancer else []) + (
        list(signs.WEIGHT_LOSS_RED_FLAG.support(a)) if weight else []
    )
    strength = Strength.STRONG if cancer and weight else Strength.MODERATE
    return _match("spinal_malignancy", strength, because)


def fracture(a: Answers) -> PatternMatch | None:
    routes = [
        c
        for c in (signs.MAJOR_TRAUMA, signs.OSTEOPOROTIC_FRACTURE, signs.HEIGHT_LOSS_WITH_RISK)
        if c.truth(a) is True
    ]
    if not routes:
        return None
    strong = signs.MAJOR_TRAUMA in routes or len(routes) > 1
    return _match(
        "fracture",
        Strength.STRONG if strong else Strength.MODERATE,
        [k for c in routes for k in c.support(a)],
    )


def sciatica(a: Answers) -> PatternMatch | None:
    """Pain into one leg, below the knee or worse than the back (NICE CKS Sciatica)."""
    if a.get("leg_pain") != "one_leg":
        return None
    items = [k for k in ("leg_pain_below_knee", "leg_pain_worse_than_back") if _yes(a, k)]
    if not items:
        return None
    if a.get("leg_numbness") == "one_leg":
        items.append("leg_numbness")
    if _in(a, "pain_character", "burning", "electric"):
        items.append("pain_character")
    if _in(a, "worse_with", "coughing_sneezing", "sitting"):
        items.append("worse_with")
    points = len(items)
    strength = (
        Strength.STRONG
        if points >= SCIATICA_STRONG
        else Strength.MODERATE
        if points >= SCIATICA_MODERATE
        else Strength.WEAK
    )
    return _match("sciatica", strength, ["leg_pain", *items])


def stenosis_items(a: Answers) -> list[str]:
    """The Cook cluster items that score, named by the answer key behind each."""
    items = []
    if a.get("leg_pain") == "both_legs" or a.get("leg_numbness") == "both_legs":
        items.append("leg_pain" if a.get("leg_pain") == "both_legs" else "leg_numbness")
    if _yes(a, "leg_pain_worse_than_back"):
        items.append("leg_pain_worse_than_back")
    if _in(a, "worse_with", "walking", "standing"):
        items.append("worse_with")
    if _in(a, "better_with", "sitting", "bending_forward"):
        items.append("better_with")
    if a["age"] > STENOSIS_AGE_ABOVE:
        items.append("age")
    return items


def spinal_stenosis(a: Answers) -> PatternMatch | None:
    has_leg_symptoms = any(_in(a, k, *signs.ANY_SIDE) for k in ("leg_pain", "leg_numbness"))
    items = stenosis_items(a)
    if not has_leg_symptoms or len(items) < STENOSIS_MODERATE:
        return None
    strength = Strength.STRONG if len(items) >= STENOSIS_STRONG else Strength.MODERATE
    return _match("spinal_stenosis", strength, items)


def onset_age(a: Answers) -> float | None:
    """Age when this episode began: ``age - duration_weeks / 52`` (spec section 2)."""
    weeks = a.get("duration_weeks")
    return None if weeks is None else a["age"] - weeks / 52


def inflammatory_items(a: Answers) -> list[str]:
    """The ASAS items that score. ``rest`` counts only when better_with was answered."""
    items = []
    started = onset_age(a)
    if started is not None and started < INFLAMMATORY_ONSET_BEFORE_AGE:
        items.append("age")
    if a.get("onset") == "gradual":
        items.append("onset")
    better = a.get("better_with")
    if better is not None and "movement" in better:
        items.append("better_with")
    if better is not None and "rest" not in better:
        items.append("better_with")
    if a.get("night_pain") == "wakes_eases_on_getting_up":
        items.append("night_pain")
    return items


def inflammatory(a: Answers) -> PatternMatch | None:
    weeks = a.get("duration_weeks")
    if weeks is None or weeks <= INFLAMMATORY_ABOVE_WEEKS:
        return None
    items = inflammatory_items(a)
    if len(items) < INFLAMMATORY_MIN_ITEMS:
        return None
    support = ["duration_weeks", *items]
    if _yes(a, "morning_stiffness_over_30min"):
        support.append("morning_stiffness_over_30min")
    return _match("inflammatory", Strength.STRONG, support)


def scoliosis(a: Answers) -> PatternMatch | None:
    if not _yes(a, "spine_curve"):
        return None
    return _match("scoliosis", Strength.MODERATE, ["spine_curve"])


def osteoarthritis(a: Answers) -> PatternMatch | None:
    """Age-related wear ("joint calcification" in everyday speech); at most moderate."""
    if (
        a["age"] >= OSTEOARTHRITIS_FROM_AGE
        and a.get("onset") == "gradual"
        and _in(a, "worse_with", "standing", "rest")
        and not _yes(a, "morning_stiffness_over_30min")
    ):
        because = ["age", "onset", "worse_with"]
        if "morning_stiffness_over_30min" in a:
            because.append("morning_stiffness_over_30min")
        return _match("osteoarthritis", Strength.MODERATE, because)
    return None


def _leg_symptoms(a: Answers) -> bool:
    sides = any(_in(a, k, *signs.ANY_SIDE) for k in ("leg_pain", "leg_numbness", "leg_weakness"))
    return sides or _yes(a, "leg_pain_below_knee")


def muscle_strain(a: Answers) -> PatternMatch | None:
    """Sudden pain after a minor strain or a lift, no leg symptoms, under 6 weeks."""
    weeks = a.get("duration_weeks")
    minor = a.get("trauma") == "minor"
    lifting = _in(a, "worse_with", "lifting") and a.get("trauma") != "major"
    if (
        a.get("onset") != "sudden"
        or not (minor or lifting)
        or _leg_symptoms(a)
        or weeks is None
        or weeks >= STRAIN_BELOW_WEEKS
    ):
        return None
    because = (
        ["onset", "duration_weeks"]
        + (["trauma"] if minor else [])
        + (["worse_with"] if lifting else [])
    )
    return _match("muscle_strain", Strength.MODERATE if minor else Strength.WEAK, because)


def nonspecific_mechanical(a: Answers) -> PatternMatch | None:
    """Pain that changes with movement and position (checked last, see `match_all`)."""
    if _yes(a, "pain_constant"):
        return None
    worse = _in(a, "worse_with", *MECHANICAL_WORSE)
    better = _in(a, "better_with", *MECHANICAL_BETTER)
    if not (worse or better):
        return None
    because = (["worse_with"] if worse else []) + (["better_with"] if better else [])
    strength = Strength.MODERATE if worse and better else Strength.WEAK
    return _match("nonspecific_mechanical", strength, because)


FINDERS: tuple[Finder, ...] = (
    cauda_equina,
    spinal_infection,
    spinal_malignancy,
    fracture,
    sciatica,
    spinal_stenosis,
    inflammatory,
    scoliosis,
    osteoarthritis,
    muscle_strain,
)


def _rank(p: PatternMatch) -> tuple[int, int, int]:
    return (0 if p.serious else 1, 0 if p.serious else -p.strength.rank, ORDER.index(p.id))


def match_all(a: Answers) -> tuple[PatternMatch, ...]:
    """All patterns that fit, ranked: serious ones first, then by strength."""
    found = [m for find in FINDERS if (m := find(a)) is not None]
    fracture_match = next((m for m in found if m.id == "fracture"), None)
    if fracture_match and a.get("trauma") != "major":
        found.append(
            PatternMatch(FRACTURE_ALIAS, fracture_match.strength, fracture_match.because, True)
        )
    if not any(not m.serious for m in found):
        fallback = nonspecific_mechanical(a)
        if fallback:
            found.append(fallback)
    return tuple(sorted(found, key=_rank))
