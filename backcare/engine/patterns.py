"""Patterns of spec section 3: what the answers look like, ranked. Not a diagnosis.

Each v1 finder takes a clean answer set and returns a `PatternMatch` or None.
Scored patterns (stenosis, inflammatory, sciatica) count one point per item
and keep the items that scored as the answers that support them. The v2
patterns are data (`RULE_PATTERNS`): a condition per strength, written in the
three-valued logic of `logic`, so they can later be read by another interpreter.

`display_rows` turns the ranked matches into what a person reads: one row per
condition, with plain patterns that a serious one also explains held back
until a doctor has ruled the serious one out (spec section 3, v2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from backcare.engine import signs
from backcare.engine.logic import Cond, any_of
from backcare.engine.results import PatternMatch, Strength

Answers = Mapping[str, Any]
Finder = Callable[[Answers], PatternMatch | None]

#: Shown beside `fracture` when there was no major trauma: the same serious pattern.
FRACTURE_ALIAS = "osteoporotic_fracture"
#: The serious patterns in the order of the spec's ranking sentence (section 3):
#: among themselves they rank by strength, then by this order.
SERIOUS_ORDER = (
    "cauda_equina",
    "spinal_infection",
    "spinal_malignancy",
    "fracture",
    "aortic_aneurysm",
    "spinal_bleed",
    FRACTURE_ALIAS,
)
#: The serious pattern ids that have a finder of their own (the alias is derived).
SERIOUS = tuple(p for p in SERIOUS_ORDER if p != FRACTURE_ALIAS)
#: Spec table order; it breaks ties between plain patterns of the same strength.
ORDER = (
    "cauda_equina",
    "spinal_infection",
    "spinal_malignancy",
    "fracture",
    "sciatica",
    "spinal_stenosis",
    "inflammatory",
    FRACTURE_ALIAS,
    "scoliosis",
    "osteoarthritis",
    "muscle_strain",
    "nonspecific_mechanical",
    "aortic_aneurysm",
    "spinal_bleed",
    "kidney",
    "shingles",
    "pregnancy_related",
    "not_from_spine",
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
#: Spec section 3 (v2): two or more spondyloarthritis features raise the
#: inflammatory pattern one step (NICE NG65; ASAS).
SPA_SUPPORT_MIN = 2

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
    return PatternMatch(pid, strength, tuple(dict.fromkeys(because)), serious=pid in SERIOUS_ORDER)


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
    return None if weeks is None else signs.onset_age(a["age"], weeks)


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
    strength = Strength.STRONG
    if len(a.get("spa_features") or ()) >= SPA_SUPPORT_MIN:
        # Raised one step, never above strong: today ASAS 4 of 5 is already strong,
        # so the features add their support without changing the strength.
        strength = strength.raised()
        support.append("spa_features")
    return _match("inflammatory", strength, support)


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


@dataclass(frozen=True)
class PatternRule:
    """A pattern as data: the first tier whose condition is true sets the strength.

    The answers that support it are those of every tier that holds. ``unless``
    names patterns that, when present, mean this one does not apply.
    """

    id: str
    tiers: tuple[tuple[Cond, Strength], ...]
    source: str
    unless: tuple[str, ...] = ()

    def match(self, a: Answers) -> PatternMatch | None:
        held = [(cond, strength) for cond, strength in self.tiers if cond.truth(a) is True]
        if not held:
            return None
        return _match(self.id, held[0][1], [k for cond, _ in held for k in cond.support(a)])


STRONG, MODERATE, WEAK = Strength.STRONG, Strength.MODERATE, Strength.WEAK

#: Spec section 3 (v2). Strength choices are recorded in docs/engine.md.
RULE_PATTERNS: tuple[PatternRule, ...] = (
    PatternRule(
        "aortic_aneurysm",
        ((signs.ANEURYSM_SYMPTOMS, STRONG), (signs.KNOWN_ANEURYSM, MODERATE)),
        "NICE NG156; NICE CKS abdominal aortic aneurysm",
    ),
    PatternRule(
        "spinal_bleed",
        ((signs.BLEED_NERVE_SIGNS, STRONG), (signs.BLEED_SUDDEN_PAIN, MODERATE)),
        "case series of spontaneous spinal epidural haematoma on anticoagulants",
    ),
    PatternRule(
        "kidney",
        (
            (any_of(signs.KIDNEY_STONE, signs.KIDNEY_INFECTION), STRONG),
            (signs.SIDE_PAIN_WITH_URINE, MODERATE),
        ),
        "NICE NG118; NICE NG111",
    ),
    PatternRule("shingles", ((signs.SHINGLES, STRONG),), "NHS shingles"),
    PatternRule(
        "pregnancy_related",
        ((signs.PREGNANT, MODERATE),),
        "NHS back pain in pregnancy; ACOG Committee Opinion 804 (2020)",
    ),
    PatternRule(
        "not_from_spine",
        ((signs.OUTSIDE_SPINE_SIGNS, WEAK),),
        "spec section 3 (v2)",
        unless=("aortic_aneurysm", "kidney"),
    ),
)

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
    """Serious first, by strength then the spec sentence's order; then the rest by strength."""
    if p.serious:
        return (0, -p.strength.rank, SERIOUS_ORDER.index(p.id))
    return (1, -p.strength.rank, ORDER.index(p.id))


def _rule_patterns(a: Answers) -> list[PatternMatch]:
    hits = {r.id: m for r in RULE_PATTERNS if (m := r.match(a)) is not None}
    return [m for r in RULE_PATTERNS if (m := hits.get(r.id)) and not set(r.unless) & set(hits)]


def match_all(a: Answers) -> tuple[PatternMatch, ...]:
    """All patterns that fit, ranked (see `_rank`)."""
    found = [m for find in FINDERS if (m := find(a)) is not None]
    found += _rule_patterns(a)
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


# ---- one condition, one row (spec section 3, v2) -----------------------------

#: Pattern ids a person reads as one row, under the first id (the everyday name).
MERGED_ROWS: tuple[tuple[str, ...], ...] = ((FRACTURE_ALIAS, "fracture"),)
#: Answers that set the scene rather than point to a cause: sharing only these
#: does not make two patterns explain "the same answers".
CONTEXT_KEYS = frozenset({"age", "duration_weeks"})


@dataclass(frozen=True)
class PatternRow:
    """One row a person reads: a condition, however many pattern ids stand behind it.

    ``ruled_out_first`` names the serious rows (by ``id``) that explain some of
    the same answers: the row is then listed only under "once a doctor has ruled
    out ..." and never as a match beside them.
    """

    id: str
    ids: tuple[str, ...]
    strength: Strength
    because: tuple[str, ...]
    serious: bool
    ruled_out_first: tuple[str, ...] = ()

    @property
    def after_ruling_out(self) -> bool:
        """True when this row is listed only once a doctor has ruled out a serious one."""
        return bool(self.ruled_out_first)


def _group(pid: str) -> tuple[str, ...]:
    return next((group for group in MERGED_ROWS if pid in group), (pid,))


def _merge(patterns: tuple[PatternMatch, ...]) -> list[PatternRow]:
    """One row per condition, at the rank of its first pattern.

    A merged row takes the first name of its group that is present: the
    everyday name when both are there, `fracture` alone after major trauma.
    """
    groups: dict[tuple[str, ...], list[PatternMatch]] = {}
    for p in patterns:
        groups.setdefault(_group(p.id), []).append(p)
    rows = []
    for group, members in groups.items():
        present = {m.id for m in members}
        rows.append(
            PatternRow(
                id=next(pid for pid in group if pid in present),
                ids=tuple(m.id for m in members),
                strength=max((m.strength for m in members), key=lambda s: s.rank),
                because=tuple(dict.fromkeys(k for m in members for k in m.because)),
                serious=any(m.serious for m in members),
            )
        )
    return rows


def _evidence(row: PatternRow) -> set[str]:
    return set(row.because) - CONTEXT_KEYS


def display_rows(patterns: tuple[PatternMatch, ...]) -> tuple[PatternRow, ...]:
    """The ranked patterns as a person should read them (spec section 3, v2).

    `fracture` and `osteoporotic_fracture` become one row under the everyday
    name. A plain row that shares an answer (other than age or duration) with a
    serious row is moved after the matches and names the serious rows a doctor
    must rule out first. Matches keep their ranked order, and so does the
    held-back group after them. Pure: same patterns in, same rows out.
    """
    rows = _merge(patterns)
    serious = [r for r in rows if r.serious]
    shown: list[PatternRow] = []
    held: list[PatternRow] = []
    for row in rows:
        first = () if row.serious else tuple(s.id for s in serious if _evidence(s) & _evidence(row))
        if first:
            held.append(PatternRow(row.id, row.ids, row.strength, row.because, row.serious, first))
        else:
            shown.append(row)
    return (*shown, *held)
