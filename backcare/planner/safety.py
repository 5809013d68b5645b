"""The planner's safety rules (spec section 6) and what they mean for one plan.

Every number is a named constant with its source. `plan_context` runs the
assessment and turns it into the rules in force, or a `Refusal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from backcare.engine.evaluate import assess
from backcare.planner import library as lib
from backcare.planner.model import (
    LeftOut,
    Profile,
    Refusal,
    planner_text,
)

# ----------------------------------------------------------------- rules
#: WHO 2020 guidelines on physical activity: adults, 150-300 minutes a week of
#: moderate aerobic activity; muscle strengthening on 2 or more days a week.
WHO_AEROBIC_MINUTES = 150
WHO_STRENGTH_DAYS = 2
#: WHO 2020: from 65, varied activity that stresses balance and strength on 3
#: or more days a week, to prevent falls.
OLDER_AGE = 65
OLDER_STRENGTH_BALANCE_DAYS = 3
#: Issue 4: strength work on its full number of days from week 2 (week 1 is a
#: gentle start, WHO 2020: "start low and build up gradually").
FULL_STRENGTH_FROM_WEEK = 2
#: Gradual build-up: aerobic minutes rise about 15% a week, never more than 20%
#: (issue 4: "about 10-20% a week"; the common "10 percent rule" of training).
#: Whole percents, so the arithmetic is exact.
WEEKLY_RISE_PERCENT = 15
MAX_WEEKLY_RISE_PERCENT = 20
#: WHO 2020: "some physical activity is better than none": start with at least this.
MIN_START_AEROBIC_MINUTES = 10
#: Where week 1 starts, as a share of the target, by fitness (start low: WHO 2020).
START_SHARE = {"low": 0.5, "moderate": 0.65, "high": 0.8}
#: Highest exercise level (1-3) to start with, by fitness.
LEVEL_CAP = {"low": 1, "moderate": 2, "high": 3}
#: Spec section 4: pain 7-10 is the severe band. Start lower: one level down and
#: three quarters of the usual start.
HIGH_PAIN_FROM = 7
HIGH_PAIN_START_FACTOR = 0.75
#: Spec section 6 and Childs et al., Spine 2005: a rise of 2 points is the
#: smallest change in pain that matters to a person.
PAIN_RISE_POINTS = 2
#: Issue 4: two weeks of good sessions step the plan up.
GOOD_WEEKS_TO_STEP_UP = 2
#: A step back cuts aerobic minutes by a fifth (the size of the largest weekly rise).
STEP_BACK_CUT_PERCENT = MAX_WEEKLY_RISE_PERCENT
#: How far step-ups and step-backs may move exercises along their easier/harder links.
MAX_SHIFT = 2
MINIMUM_DAY_MINUTES = 5
MINIMUM_DAY_AEROBIC = 3

#: Spec section 6. Weak bones (Too Fit To Fracture, Giangregorio et al. 2014;
#: Strong, Steady and Straight, Brooke-Wavell et al. 2022): no loaded or
#: end-range flexion, twisting or lifting from the floor.
BONE_ANSWERS = ("osteoporosis", "long_term_steroids", "height_loss")
BONE_PATTERNS = ("fracture", "osteoporotic_fracture")
BONE_AVOID = ("loaded_flexion", "end_range_flexion", "twisting", "floor_lift")
#: Spec section 6, stenosis pattern: avoid sustained extension; prefer flexion and cycling.
STENOSIS_PATTERNS = ("spinal_stenosis",)
STENOSIS_AVOID = ("sustained_extension",)
#: Spec section 6: no plan while the triage is emergency or urgent.
NO_PLAN_LEVELS = ("emergency", "urgent")

#: How a session's minutes are shared out (planning conventions, not clinical
#: rules): (share of the session, fewest minutes, most minutes) per block.
BLOCKS = {
    "strength": (0.35, 2, 15),
    "balance": (0.15, 1, 6),
    "flexibility": (0.15, 1, 8),
    "relaxation": (0.0, 3, 3),
}
RELAX_FROM_SESSION_MINUTES = 20
MAX_PER_BLOCK = {"strength": 5, "balance": 2, "flexibility": 3, "relaxation": 1}
#: Which body parts each block works, in order of need. Back extensors come first
#: with weak bones (Too Fit To Fracture); the seed article stresses tummy, back,
#: hips and upper legs.
STRENGTH_TARGETS = ("core", "back_extensors", "glutes", "legs", "hips")
BONE_STRENGTH_TARGETS = ("back_extensors", "legs", "core", "glutes", "hips")
FLEX_TARGETS = ("hamstrings", "hips", "back_extensors", "legs")
#: Two different balance moves a session (a repeat target picks the next option).
BALANCE_TARGETS = ("balance", "balance")


# ----------------------------------------------------------------- context
@dataclass(frozen=True)
class PlanContext:
    """What the answers mean for the plan: the safety rules in force and the start point."""

    avoid: Mapping[str, str]  # movement tag -> rule group ("bone" or "stenosis")
    bone: bool
    stenosis: bool
    older: bool
    high_pain: bool
    relax: bool
    notes: tuple[str, ...]


def _text(section: str, key: str, **values: Any) -> str:
    return str(planner_text()[section][key]).format(**values)


def _answer_notes(answers: Mapping[str, Any] | None, assessment: Any) -> list[str]:
    if answers is None:
        return [_text("notes", "no_answers")]
    notes = []
    if assessment.open_safety_questions:
        notes.append(_text("notes", "open_safety_questions"))
    if not any(k in assessment.answers for k in BONE_ANSWERS):
        notes.append(_text("notes", "bone_questions_unanswered"))
    if assessment.triage.value == "soon":
        notes.append(_text("notes", "soon"))
    return notes


def refusal(level: str) -> Refusal | None:
    """The refusal for a triage level, or None when a plan may be given (spec section 6)."""
    if level not in NO_PLAN_LEVELS:
        return None
    words = planner_text()["refused"][level]
    return Refusal(level, words["why"], words["what_to_do"])


def plan_context(profile: Profile, answers: Mapping[str, Any] | None) -> PlanContext | Refusal:
    """Run the assessment and turn it into the rules for this plan, or refuse.

    Raises `backcare.ValidationError` for bad answers.
    """
    assessment = assess(answers) if answers is not None else None
    if assessment is not None and (refused := refusal(assessment.triage.value)):
        return refused
    clean = assessment.answers if assessment else {}
    patterns = {p.id for p in assessment.patterns} if assessment else set()
    bone = any(clean.get(k) is True for k in BONE_ANSWERS) or bool(patterns & set(BONE_PATTERNS))
    stenosis = bool(patterns & set(STENOSIS_PATTERNS))
    avoid = {t: "bone" for t in BONE_AVOID if bone}
    avoid |= {t: "stenosis" for t in STENOSIS_AVOID if stenosis}
    age = clean.get("age", profile.age)
    high_pain = (clean.get("pain_now") or 0) >= HIGH_PAIN_FROM
    risk = assessment.scores.psychosocial_risk if assessment else "low"
    return PlanContext(
        avoid=avoid,
        bone=bone,
        stenosis=stenosis,
        older=age is not None and age >= OLDER_AGE,
        high_pain=high_pain,
        relax=high_pain or risk in ("medium", "high"),
        notes=tuple(_answer_notes(answers, assessment)),
    )


def left_out(ctx: PlanContext) -> tuple[LeftOut, ...]:
    """Every exercise a safety rule removes, with the first reason that applies."""
    out = []
    for ex in lib.library().values():
        tag = next((t for t in ex.movement if t in ctx.avoid), None)
        if tag is not None:
            out.append(LeftOut(ex.id, ex.name, _text("left_out", f"{ctx.avoid[tag]}_{tag}")))
    return tuple(out)
