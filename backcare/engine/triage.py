"""Triage of spec section 2: every rule as data, the most urgent level wins.

A rule fires only when its condition is definitely true (see `logic`). Two
rules treat an unknown duration as "could be new", because every possible
duration leads to at least that level, or because the sign is a red flag on
its own (see `signs.NEW_BILATERAL_LEG_PAIN` and `NEW_PAIN_FROM_50`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backcare.engine import signs
from backcare.engine.answers import KEYS
from backcare.engine.logic import Cond, Fact, all_of, any_of, at_least, below, is_, not_yes, yes
from backcare.engine.results import Level, PatternMatch, Scores


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
    """One triage rule. ``unless`` names rules that, when they fire, replace this one."""

    id: str
    level: Level
    cond: Cond
    unless: tuple[str, ...] = ()


def _pattern(pid: str) -> Fact:
    return Fact(pid, lambda c: c.patterns[pid].because if pid in c.patterns else None)


def _sciatica_persistent(c: Context) -> tuple[str, ...] | None:
    """Sciatica for 6 weeks or more, or with worst pain 8 or more (NICE NG59)."""
    match = c.patterns.get("sciatica")
    if match is None:
        return None
    extra = [
        k
        for k, hit in (
            ("duration_weeks", c.get("duration_weeks", 0) >= 6),
            ("pain_week_worst", c.get("pain_week_worst", 0) >= 8),
        )
        if hit
    ]
    return (*match.because, *extra) if extra else None


def _psychosocial_high(c: Context) -> tuple[str, ...] | None:
    return c.scores.psychosocial_items if c.scores.psychosocial_risk == "high" else None


#: New back pain at 50 or over (Downie et al., BMJ 2013; NICE CKS). An unknown
#: duration still counts: a longer one reaches "soon" through `not_improving`.
NEW_PAIN_FROM_50 = all_of(
    at_least("age", 50), below("duration_weeks", 6, missing=True), not_yes("previous_episodes")
)

E, U, S = Level.EMERGENCY, Level.URGENT, Level.SOON

RULES: tuple[Rule, ...] = (
    # Emergency: NHS CES card (GIRFT 2023), NICE NG234, Finucane et al. JOSPT 2020.
    Rule("cauda_equina_signs", E, signs.CES_SIGNS),
    Rule("both_legs_affected", E, signs.BOTH_LEGS_NEURO),
    Rule("new_pain_both_legs", E, signs.NEW_BILATERAL_LEG_PAIN),
    Rule("progressive_weakness", E, signs.PROGRESSIVE_DEFICIT),
    Rule("major_trauma", E, signs.MAJOR_TRAUMA),
    Rule("cord_compression", E, signs.CORD_COMPRESSION),
    Rule("spinal_infection", E, signs.SPINAL_INFECTION),
    # Urgent: NICE CG75/NG234, NICE NG12, Downie et al. BMJ 2013, NICE CKS.
    Rule("cancer_history", U, yes("cancer_history")),
    Rule(
        "fever_or_unwell",
        U,
        any_of(yes("fever"), yes("feels_unwell")),
        unless=("spinal_infection",),
    ),
    Rule("possible_fracture", U, signs.OSTEOPOROTIC_FRACTURE),
    Rule("one_leg_weak", U, is_("leg_weakness", "one_leg"), unless=("progressive_weakness",)),
    Rule("weight_loss_red_flag", U, signs.WEIGHT_LOSS_RED_FLAG),
    Rule("non_mechanical_pain", U, signs.NON_MECHANICAL_PAIN),
    # Soon: NICE NG59, NICE NG65, Cook et al. 2011, Suri et al. JAMA 2010.
    Rule("inflammatory_pattern", S, _pattern("inflammatory")),
    Rule("stenosis_pattern", S, _pattern("spinal_stenosis")),
    Rule("sciatica_persistent", S, Fact("sciatica_persistent", _sciatica_persistent)),
    Rule("not_improving", S, at_least("duration_weeks", 6)),
    Rule("new_pain_over_50", S, NEW_PAIN_FROM_50),
    Rule("weight_loss", S, yes("unexplained_weight_loss"), unless=("weight_loss_red_flag",)),
    Rule("height_loss_or_curve", S, any_of(yes("height_loss"), yes("spine_curve"))),
    Rule(
        "risk_factor",
        S,
        any_of(yes("immunosuppressed"), yes("iv_drug_use"), yes("long_term_steroids")),
        unless=("spinal_infection", "possible_fracture"),
    ),
    Rule("thoracic_pain", S, signs.THORACIC_PAIN),
    Rule("psychosocial_high", S, Fact("psychosocial_high", _psychosocial_high)),
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


def decide(ctx: Context) -> Decision:
    """Apply every rule; the most urgent level reached wins (self-care if none)."""
    hits = {r.id: r for r in RULES if r.cond.truth(ctx) is True}
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
    unanswered = tuple(k for k in SAFETY_KEYS if k not in ctx)
    could_raise = {
        k
        for r in RULES
        if r.level.rank > level.rank and r.id not in hits
        for k in r.cond.open_keys(ctx)
    }
    return Decision(level, fired, unanswered, tuple(k for k in unanswered if k in could_raise))
