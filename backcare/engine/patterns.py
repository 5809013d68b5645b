"""Patterns of spec section 3: what the answers look like, ranked. Not a diagnosis.

Every pattern is data (`PATTERN_RULES`): a gate, a ladder of strength steps
(the first step whose condition is true sets the strength), the conditions
whose answers support it, and optional raises, all written in the
three-valued conditions of `logic`. Scored patterns (stenosis, sciatica,
inflammatory) count their items with `logic.AtLeast`. The same data is read by
two interpreters: `PatternRule.match` here, one answer set at a time (`assess`),
and `backcare.engine.columns`, whole columns at once (batch scoring).

`display_rows` turns the ranked matches into what a person reads: one row per
condition, with plain patterns that a serious one also explains held back
until a doctor has ruled the serious one out (spec section 3, v2).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from backcare.engine import signs
from backcare.engine.logic import (
    ALWAYS,
    Cond,
    Derived,
    above,
    all_of,
    any_of,
    at_least,
    at_least_n,
    below,
    compile_first_true,
    count_at_least,
    first_of,
    has,
    is_,
    is_not,
    lacks,
    not_yes,
    quiet,
    yes,
)
from backcare.engine.results import PatternMatch, Strength

Answers = Mapping[str, Any]

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
#: The serious pattern ids that have a rule of their own (the alias is derived).
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

STRONG, MODERATE, WEAK = Strength.STRONG, Strength.MODERATE, Strength.WEAK


def _match(pid: str, strength: Strength, because: list[str] | tuple[str, ...]) -> PatternMatch:
    return PatternMatch(pid, strength, tuple(dict.fromkeys(because)), serious=pid in SERIOUS_ORDER)


@dataclass(frozen=True)
class PatternRule:
    """A pattern as data, read by both interpreters.

    It fits when ``when`` is true and one of its ``tiers`` is: the first true
    tier sets the strength, and each true condition in ``raises`` lifts it one
    step (never above strong). Its supporting answers are those of every true
    condition in ``because``, in that order; with no ``because`` they are the
    answers of the tier that set the strength. ``unless`` names patterns that,
    when present, mean this one does not apply; a ``fallback`` pattern is listed
    only when no other plain (not serious) pattern fits.
    """

    id: str
    tiers: tuple[tuple[Cond, Strength], ...]
    source: str
    when: Cond = ALWAYS
    because: tuple[Cond, ...] | None = None
    raises: tuple[Cond, ...] = ()
    unless: tuple[str, ...] = ()
    fallback: bool = False

    @property
    def serious(self) -> bool:
        return self.id in SERIOUS_ORDER

    def match(self, a: Answers) -> PatternMatch | None:
        """The row interpreter: this pattern for one clean answer set, or None."""
        if self.when is not ALWAYS and self.when.truth(a) is not True:
            return None
        tier = next((i for i, t in enumerate(self.tiers) if t[0].truth(a) is True), None)
        return None if tier is None else self.fit(a, tier)

    def fit(self, a: Answers, tier: int) -> PatternMatch:
        """The match, once ``when`` holds and ``tiers[tier]`` is the first true tier."""
        cond, strength = self.tiers[tier]
        for lift in self.raises:
            if lift.truth(a) is True:
                strength = strength.raised()
        if self.because is None:
            because = cond.support(a)
        else:
            because = tuple(k for c in self.because if c.truth(a) is True for k in c.support(a))
        return _match(self.id, strength, because)


@dataclass(frozen=True)
class Alias:
    """``id`` is shown beside ``of``, with its strength and answers, when ``when`` holds."""

    id: str
    of: str
    when: Cond


# ---- the serious patterns -------------------------------------------------------------

#: The first three emergency bullets: the cauda equina warning signs (strong), or
#: only the leg signs (moderate). Each step lists only its own answers.
CAUDA_EQUINA = PatternRule(
    "cauda_equina",
    (
        (signs.CES_SIGNS, STRONG),
        (any_of(signs.BOTH_LEGS_NEURO, signs.NEW_BILATERAL_LEG_PAIN), MODERATE),
    ),
    "NHS cauda equina warning card (GIRFT National Suspected CES Pathway, 2023)",
)

SPINAL_INFECTION = PatternRule(
    "spinal_infection", ((signs.SPINAL_INFECTION, STRONG),), "NICE CKS; Finucane et al. 2020"
)

_CANCER = yes("cancer_history")
#: Strong when a cancer history and the weight-loss red flag agree, else moderate.
SPINAL_MALIGNANCY = PatternRule(
    "spinal_malignancy",
    (
        (all_of(_CANCER, signs.WEIGHT_LOSS_RED_FLAG), STRONG),
        (any_of(_CANCER, signs.WEIGHT_LOSS_RED_FLAG), MODERATE),
    ),
    "NICE CG75 / NG234; NICE NG12",
    because=(_CANCER, signs.WEIGHT_LOSS_RED_FLAG),
)

_FRACTURE_ROUTES = (signs.MAJOR_TRAUMA, signs.OSTEOPOROTIC_FRACTURE, signs.HEIGHT_LOSS_WITH_RISK)
#: Strong after major trauma or when two routes agree; otherwise moderate.
FRACTURE = PatternRule(
    "fracture",
    (
        (any_of(signs.MAJOR_TRAUMA, at_least_n(2, *_FRACTURE_ROUTES)), STRONG),
        (any_of(*_FRACTURE_ROUTES), MODERATE),
    ),
    "Downie et al. BMJ 2013; NICE CKS Back pain - low",
    because=_FRACTURE_ROUTES,
)

# ---- the plain patterns of v1 ---------------------------------------------------------

_ONE_LEG = is_("leg_pain", "one_leg")
_SCIATICA_ITEMS = (
    yes("leg_pain_below_knee"),
    yes("leg_pain_worse_than_back"),
    is_("leg_numbness", "one_leg"),
    has("pain_character", "burning", "electric"),
    has("worse_with", "coughing_sneezing", "sitting"),
)
#: Pain into one leg, below the knee or worse than the back (NICE CKS Sciatica):
#: one point an item, 4+ strong, 2-3 moderate, 1 weak.
SCIATICA = PatternRule(
    "sciatica",
    (
        (at_least_n(SCIATICA_STRONG, *_SCIATICA_ITEMS), STRONG),
        (at_least_n(SCIATICA_MODERATE, *_SCIATICA_ITEMS), MODERATE),
        (ALWAYS, WEAK),
    ),
    "NICE CKS Sciatica",
    when=all_of(_ONE_LEG, any_of(*_SCIATICA_ITEMS[:2])),
    because=(_ONE_LEG, *_SCIATICA_ITEMS),
)

#: The Cook cluster items, each named by the answer key behind it (both legs:
#: the leg pain answer when it is both legs, else the numbness one).
_STENOSIS_ITEMS = (
    first_of(is_("leg_pain", "both_legs"), is_("leg_numbness", "both_legs")),
    yes("leg_pain_worse_than_back"),
    has("worse_with", "walking", "standing"),
    has("better_with", "sitting", "bending_forward"),
    above("age", STENOSIS_AGE_ABOVE),
)
SPINAL_STENOSIS = PatternRule(
    "spinal_stenosis",
    (
        (at_least_n(STENOSIS_STRONG, *_STENOSIS_ITEMS), STRONG),
        (at_least_n(STENOSIS_MODERATE, *_STENOSIS_ITEMS), MODERATE),
    ),
    "Cook et al. 2011",
    when=any_of(is_("leg_pain", *signs.ANY_SIDE), is_("leg_numbness", *signs.ANY_SIDE)),
    because=_STENOSIS_ITEMS,
)

#: The ASAS items. ``rest`` not in ``better_with`` counts only when it was answered.
_INFLAMMATORY_ITEMS = (
    Derived(
        "onset_age",
        ("age", "duration_weeks"),
        signs.onset_age,
        lambda started: started < INFLAMMATORY_ONSET_BEFORE_AGE,
    ),
    is_("onset", "gradual"),
    has("better_with", "movement"),
    lacks("better_with", "rest"),
    is_("night_pain", "wakes_eases_on_getting_up"),
)
_LONG_PAIN = above("duration_weeks", INFLAMMATORY_ABOVE_WEEKS)
_SPA_SUPPORT = count_at_least("spa_features", SPA_SUPPORT_MIN)
#: ASAS 4 of 5 is already strong, so the spondyloarthritis features raise it to
#: strong at most: they add their support without changing the strength today.
INFLAMMATORY = PatternRule(
    "inflammatory",
    ((at_least_n(INFLAMMATORY_MIN_ITEMS, *_INFLAMMATORY_ITEMS), STRONG),),
    "Sieper et al. 2009 (ASAS); NICE NG65",
    when=_LONG_PAIN,
    because=(_LONG_PAIN, *_INFLAMMATORY_ITEMS, yes("morning_stiffness_over_30min"), _SPA_SUPPORT),
    raises=(_SPA_SUPPORT,),
)

SCOLIOSIS = PatternRule("scoliosis", ((yes("spine_curve"), MODERATE),), "NICE CKS Back pain - low")

#: Age-related wear ("joint calcification" in everyday speech); at most moderate.
OSTEOARTHRITIS = PatternRule(
    "osteoarthritis",
    (
        (
            all_of(
                at_least("age", OSTEOARTHRITIS_FROM_AGE),
                is_("onset", "gradual"),
                has("worse_with", "standing", "rest"),
                not_yes("morning_stiffness_over_30min"),
            ),
            MODERATE,
        ),
    ),
    "NICE CKS Back pain - low",
)

#: No leg symptoms: an unanswered leg question does not count as one.
_NO_LEG_SYMPTOMS = all_of(
    is_not("leg_pain", *signs.ANY_SIDE, missing=True),
    is_not("leg_numbness", *signs.ANY_SIDE, missing=True),
    is_not("leg_weakness", *signs.ANY_SIDE, missing=True),
    not_yes("leg_pain_below_knee"),
)
_SUDDEN = is_("onset", "sudden")
_SHORT = below("duration_weeks", STRAIN_BELOW_WEEKS)
_MINOR_TRAUMA = is_("trauma", "minor")
_LIFTING = all_of(has("worse_with", "lifting"), quiet(is_not("trauma", "major", missing=True)))
#: Sudden pain after a minor strain (moderate) or a lift (weak), no leg symptoms,
#: under 6 weeks.
MUSCLE_STRAIN = PatternRule(
    "muscle_strain",
    ((_MINOR_TRAUMA, MODERATE), (ALWAYS, WEAK)),
    "NICE CKS Back pain - low",
    when=all_of(_SUDDEN, any_of(_MINOR_TRAUMA, _LIFTING), quiet(_NO_LEG_SYMPTOMS), _SHORT),
    because=(_SUDDEN, _SHORT, _MINOR_TRAUMA, _LIFTING),
)

_WORSE = has("worse_with", *MECHANICAL_WORSE)
_BETTER = has("better_with", *MECHANICAL_BETTER)
#: Pain that changes with movement and position: moderate when both, weak when one.
NONSPECIFIC_MECHANICAL = PatternRule(
    "nonspecific_mechanical",
    ((all_of(_WORSE, _BETTER), MODERATE), (any_of(_WORSE, _BETTER), WEAK)),
    "NICE NG59; NICE CKS Back pain - low",
    when=quiet(not_yes("pain_constant")),
    because=(_WORSE, _BETTER),
    fallback=True,
)

# ---- the v2 patterns (spec section 3, v2; strength choices in docs/engine.md) ----------

_KIDNEY_STRONG = any_of(signs.KIDNEY_STONE, signs.KIDNEY_INFECTION)

V2_PATTERNS: tuple[PatternRule, ...] = (
    PatternRule(
        "aortic_aneurysm",
        ((signs.ANEURYSM_SYMPTOMS, STRONG), (signs.KNOWN_ANEURYSM, MODERATE)),
        "NICE NG156; NICE CKS abdominal aortic aneurysm",
        because=(signs.ANEURYSM_SYMPTOMS, signs.KNOWN_ANEURYSM),
    ),
    PatternRule(
        "spinal_bleed",
        ((signs.BLEED_NERVE_SIGNS, STRONG), (signs.BLEED_SUDDEN_PAIN, MODERATE)),
        "case series of spontaneous spinal epidural haematoma on anticoagulants",
        because=(signs.BLEED_NERVE_SIGNS, signs.BLEED_SUDDEN_PAIN),
    ),
    PatternRule(
        "kidney",
        ((_KIDNEY_STRONG, STRONG), (signs.SIDE_PAIN_WITH_URINE, MODERATE)),
        "NICE NG118; NICE NG111",
        because=(_KIDNEY_STRONG, signs.SIDE_PAIN_WITH_URINE),
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

#: Every pattern rule. The order does not matter: the matches are ranked (`rank`).
PATTERN_RULES: tuple[PatternRule, ...] = (
    CAUDA_EQUINA,
    SPINAL_INFECTION,
    SPINAL_MALIGNANCY,
    FRACTURE,
    SCIATICA,
    SPINAL_STENOSIS,
    INFLAMMATORY,
    SCOLIOSIS,
    OSTEOARTHRITIS,
    MUSCLE_STRAIN,
    *V2_PATTERNS,
    NONSPECIFIC_MECHANICAL,
)
#: `fracture` is also shown under its everyday name when there was no major trauma.
ALIASES: tuple[Alias, ...] = (
    Alias(FRACTURE_ALIAS, "fracture", is_not("trauma", "major", missing=True)),
)


def rank(p: PatternMatch) -> tuple[int, int, int]:
    """Serious first, by strength then the spec sentence's order; then the rest by strength."""
    if p.serious:
        return (0, -p.strength.rank, SERIOUS_ORDER.index(p.id))
    return (1, -p.strength.rank, ORDER.index(p.id))


@cache
def _first_tier_of() -> Callable[[Answers], tuple[int | None, ...]]:
    """Each rule's first true tier, when its ``when`` holds, in one compiled call
    (`logic.compile_first_true`), in the order of `PATTERN_RULES`."""
    return compile_first_true(tuple((r.when, tuple(c for c, _ in r.tiers)) for r in PATTERN_RULES))


def _first_tiers(a: Answers) -> dict[str, int]:
    """For each rule whose ``when`` holds and one tier is true: the first true tier."""
    return {
        r.id: tier
        for r, tier in zip(PATTERN_RULES, _first_tier_of()(a), strict=True)
        if tier is not None
    }


def match_all(a: Answers) -> tuple[PatternMatch, ...]:
    """All patterns that fit, ranked (see `rank`): the row interpreter of `PATTERN_RULES`."""
    tiers = _first_tiers(a)
    hits = {r.id: r.fit(a, tiers[r.id]) for r in PATTERN_RULES if not r.fallback and r.id in tiers}
    found = [m for r in PATTERN_RULES if (m := hits.get(r.id)) and not set(r.unless) & set(hits)]
    for alias in ALIASES:
        of = hits.get(alias.of)
        if of is not None and alias.when.truth(a) is True:
            found.append(PatternMatch(alias.id, of.strength, of.because, True))
    if not any(not m.serious for m in found):
        found += [r.fit(a, tiers[r.id]) for r in PATTERN_RULES if r.fallback and r.id in tiers]
    return tuple(sorted(found, key=rank))


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
