"""Triage of spec section 2: every rule as data, the most urgent level wins.

A rule fires only when its condition is definitely true (see `logic`), and each
rule carries its source next to it. Two rules treat an unknown duration as
"could be new", because every possible duration leads to at least that level,
or because the sign is a red flag on its own (see
`signs.NEW_BILATERAL_LEG_PAIN` and `NEW_PAIN_FROM_50`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from backcare.engine import signs
from backcare.engine.answers import KEYS
from backcare.engine.logic import (
    Cond,
    PatternFits,
    all_of,
    any_of,
    at_least,
    at_least_n,
    below,
    compile_truths,
    is_,
    not_yes,
    yes,
)
from backcare.engine.results import Level, PatternMatch, Scores
from backcare.engine.scores import BOTHERSOME, PSYCHOSOCIAL_BANDS, PSYCHOSOCIAL_ITEMS


class Context(dict):
    """The clean answers, with the patterns and scores worked out from them."""

    def __init__(
        self, answers: Mapping[str, Any], patterns: tuple[PatternMatch, ...], scores: Scores
    ):
        super().__init__(answers)
        self.patterns = {p.id: p for p in patterns}
        self.scores = scores


@dataclass(frozen=True)
class Rule:
    """One triage rule with its source. ``unless`` names rules that, when they fire,
    replace this one (they say the same thing more precisely; the level is unchanged)."""

    id: str
    level: Level
    cond: Cond
    source: str
    unless: tuple[str, ...] = ()


def _pattern(pid: str) -> PatternFits:
    return PatternFits(pid)


#: Sciatica for 6 weeks or more, or with worst pain 8 or more (NICE NG59). An
#: unanswered duration or worst pain counts as below the line here.
SCIATICA_PERSISTENT = all_of(
    PatternFits("sciatica"),
    any_of(
        at_least("duration_weeks", 6, missing=False), at_least("pain_week_worst", 8, missing=False)
    ),
)

#: The psychosocial screen's "high" band (`scores`): its points, as a count of
#: its items, reach the band above "medium".
PSYCHOSOCIAL_HIGH_FROM = next(top for top, name in PSYCHOSOCIAL_BANDS if name == "medium") + 1
PSYCHOSOCIAL_HIGH = at_least_n(
    PSYCHOSOCIAL_HIGH_FROM,
    *(yes(k) for k in PSYCHOSOCIAL_ITEMS),
    is_("bothersomeness", *BOTHERSOME),
)


#: New back pain at 50 or over (Downie et al., BMJ 2013; NICE CKS). An unknown
#: duration still counts: a longer one reaches "soon" through `not_improving`.
NEW_PAIN_FROM_50 = all_of(
    at_least("age", 50), below("duration_weeks", 6, missing=True), not_yes("previous_episodes")
)

E, U, S = Level.EMERGENCY, Level.URGENT, Level.SOON

CES_CARD = "NHS cauda equina warning card (GIRFT National Suspected CES Pathway, 2023)"
RED_FLAGS = "Finucane et al. JOSPT 2020 (international red flags framework)"

RULES: tuple[Rule, ...] = (
    # ---- Emergency -----------------------------------------------------------
    Rule("cauda_equina_signs", E, signs.CES_SIGNS, CES_CARD),
    Rule("both_legs_affected", E, signs.BOTH_LEGS_NEURO, CES_CARD),
    Rule("new_pain_both_legs", E, signs.NEW_BILATERAL_LEG_PAIN, CES_CARD),
    Rule("progressive_weakness", E, signs.PROGRESSIVE_DEFICIT, f"NICE NG59; {RED_FLAGS}"),
    Rule("major_trauma", E, signs.MAJOR_TRAUMA, f"NICE CKS Back pain - low; {RED_FLAGS}"),
    Rule("cord_compression", E, signs.CORD_COMPRESSION, "NICE CG75 / NG234"),
    Rule("spinal_infection", E, signs.SPINAL_INFECTION, f"NICE CKS; {RED_FLAGS}"),
    Rule(
        "infection_with_nerve_signs",
        E,
        signs.INFECTION_WITH_NERVE_SIGNS,
        f"NICE CKS; {RED_FLAGS} (a spinal abscess often has no known risk factor)",
    ),
    Rule(
        "aortic_aneurysm",
        E,
        signs.AORTIC_ANEURYSM,
        "NICE NG156; NICE CKS abdominal aortic aneurysm",
    ),
    Rule(
        "spinal_bleed",
        E,
        signs.SPINAL_BLEED,
        "case series of spontaneous spinal epidural haematoma on warfarin and DOACs",
    ),
    Rule(
        "collapse_with_pain",
        E,
        signs.COLLAPSE_WITH_PAIN,
        "spec section 2 (v2); NICE CKS abdominal aortic aneurysm",
    ),
    # ---- Urgent --------------------------------------------------------------
    Rule("cancer_history", U, yes("cancer_history"), "NICE CG75 / NG234"),
    Rule(
        "fever_or_unwell",
        U,
        signs.FEVER_OR_UNWELL,
        f"NICE CKS; {RED_FLAGS}",
        unless=("spinal_infection", "infection_with_nerve_signs"),
    ),
    Rule(
        "possible_fracture",
        U,
        signs.OSTEOPOROTIC_FRACTURE,
        "Downie et al. BMJ 2013; NICE CKS Back pain - low",
    ),
    Rule(
        "one_leg_weak",
        U,
        is_("leg_weakness", "one_leg"),
        "NICE CKS Sciatica",
        unless=("progressive_weakness", "spinal_bleed"),
    ),
    Rule("weight_loss_red_flag", U, signs.WEIGHT_LOSS_RED_FLAG, "NICE NG12"),
    Rule("non_mechanical_pain", U, signs.NON_MECHANICAL_PAIN, f"NICE NG234; {RED_FLAGS}"),
    Rule(
        "possible_malignancy",
        U,
        signs.POSSIBLE_MALIGNANCY,
        f"{RED_FLAGS}; Downie et al. BMJ 2013; NICE NG234",
        unless=("cancer_history",),
    ),
    Rule("kidney_stone", U, signs.KIDNEY_STONE, "NICE NG118 renal and ureteric stones"),
    Rule(
        "kidney_infection",
        U,
        signs.KIDNEY_INFECTION,
        "NICE NG111 pyelonephritis; NHS kidney infection",
    ),
    Rule("shingles", U, signs.SHINGLES, "NHS shingles (antivirals work best within 3 days)"),
    Rule(
        "pregnancy_warning",
        U,
        signs.PREGNANCY_WARNING,
        "NHS back pain in pregnancy; ACOG Committee Opinion 804 (2020)",
    ),
    # ---- Soon ----------------------------------------------------------------
    Rule("inflammatory_pattern", S, _pattern("inflammatory"), "Sieper et al. 2009 (ASAS)"),
    Rule("stenosis_pattern", S, _pattern("spinal_stenosis"), "Cook et al. 2011"),
    Rule(
        "sciatica_persistent",
        S,
        SCIATICA_PERSISTENT,
        "NICE NG59",
    ),
    Rule("not_improving", S, at_least("duration_weeks", 6), "NICE NG59; NICE CKS"),
    Rule("new_pain_over_50", S, NEW_PAIN_FROM_50, "Downie et al. BMJ 2013; NICE CKS"),
    Rule(
        "weight_loss",
        S,
        yes("unexplained_weight_loss"),
        "NICE NG12",
        unless=("weight_loss_red_flag",),
    ),
    Rule(
        "height_loss_or_curve",
        S,
        any_of(yes("height_loss"), yes("spine_curve")),
        "NICE CKS Back pain - low",
    ),
    Rule(
        "risk_factor",
        S,
        any_of(yes("immunosuppressed"), yes("iv_drug_use"), yes("long_term_steroids")),
        f"NICE CKS; {RED_FLAGS}",
        unless=("spinal_infection", "possible_fracture"),
    ),
    Rule("thoracic_pain", S, signs.THORACIC_PAIN, "NICE NG234; Downie et al. BMJ 2013"),
    Rule(
        "psychosocial_high",
        S,
        PSYCHOSOCIAL_HIGH,
        "Hill et al. 2008 (risk factors only; our screen is not validated)",
    ),
    Rule(
        "abdominal_pulse",
        S,
        signs.ABDOMINAL_PULSE,
        "NICE NG156; NICE CKS abdominal aortic aneurysm",
        unless=("aortic_aneurysm",),
    ),
    Rule(
        "urine_symptoms",
        S,
        signs.URINE_SYMPTOMS,
        "NICE NG111; NICE CKS urinary tract infection",
        unless=("kidney_infection", "pregnancy_warning"),
    ),
    Rule("spa_features", S, signs.SPA_FEATURES, "NICE NG65 referral criteria"),
)

#: Every answer key an emergency or urgent rule reads, in questionnaire order:
#: the safety questions that must be asked before a self-care result.
SAFETY_KEYS: tuple[str, ...] = tuple(
    k for k in KEYS if any(k in r.cond.keys for r in RULES if r.level.rank >= U.rank)
)


@dataclass(frozen=True)
class Fired:
    """A rule that fired, with the answers that made it fire."""

    rule: Rule
    because: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    level: Level
    fired: tuple[Fired, ...]
    unanswered: tuple[str, ...]
    open: tuple[str, ...]


def asked(key: str, answers: Mapping[str, Any]) -> bool:
    """Whether the questionnaire asks this key, given the other answers.

    Only `pregnant` has a condition (spec section 1); a key that is not asked
    is not an unanswered safety question.
    """
    when = signs.ASKED_WHEN.get(key)
    return when is None or when.truth(answers) is not False


@cache
def _rule_truths() -> Callable[[Context], tuple[bool | None, ...]]:
    """Every rule's truth in one compiled call (`logic.compile_truths`), built once."""
    return compile_truths(tuple(r.cond for r in RULES))


def decide(ctx: Context) -> Decision:
    """Apply every rule; the most urgent level reached wins (self-care if none).

    ``open`` holds the unanswered safety keys that an undecided rule above the
    level still waits on: the three-valued logic leaves a rule undecided only
    when some answer to its missing keys could make it true.
    """
    truths = [rt for rt in zip(RULES, _rule_truths()(ctx), strict=True) if rt[1] is not False]
    hits = {r.id: r for r, t in truths if t is True}
    fired = tuple(
        sorted(
            (
                Fired(r, r.cond.support(ctx))
                for r in hits.values()
                if not any(u in hits for u in r.unless)
            ),
            key=lambda f: -f.rule.level.rank,
        )
    )
    level = max((f.rule.level for f in fired), key=lambda lv: lv.rank, default=Level.SELF_CARE)
    conditional = signs.ASKED_WHEN
    unanswered = tuple(
        k for k in SAFETY_KEYS if k not in ctx and (k not in conditional or asked(k, ctx))
    )
    if not unanswered:
        return Decision(level, fired, (), ())
    # Only an undecided rule that reads an unanswered key can leave one of them open.
    waiting, rank = set(unanswered), level.rank
    could_raise = {
        k
        for r, t in truths
        if t is None and r.level.rank > rank and not waiting.isdisjoint(r.cond.keys)
        for k in r.cond.open_keys(ctx)
    }
    return Decision(level, fired, unanswered, tuple(k for k in unanswered if k in could_raise))
