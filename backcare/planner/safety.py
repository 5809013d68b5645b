"""The planner's safety rules (spec section 6) and what they mean for one plan.

Every number is a named constant with its source. `plan_context` runs the
assessment and turns it into the rules in force, or a `Refusal`. The v2 gate
lives here too: `safety_questions_for_plan` names the questions to ask before
any plan, so the page and `plan` can never disagree about them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from backcare.content.questionnaire import load as load_questionnaire
from backcare.engine.answers import FIELD_BY_KEY, FieldError, ValidationError
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment, Level
from backcare.engine.triage import RULES, SAFETY_KEYS, Context, asked
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
#: end-range flexion, twisting or lifting from the floor. (v2) The engine's
#: `osteoporotic_fracture` (the everyday name of `fracture` without major
#: trauma) switches the rule on as well.
BONE_ANSWERS = ("osteoporosis", "long_term_steroids", "height_loss")
BONE_PATTERNS = ("fracture", "osteoporotic_fracture")
BONE_AVOID = ("loaded_flexion", "end_range_flexion", "twisting", "floor_lift")
#: Spec section 6, stenosis pattern: avoid sustained extension; prefer flexion and cycling.
STENOSIS_PATTERNS = ("spinal_stenosis",)
STENOSIS_AVOID = ("sustained_extension",)
#: Spec section 6 (v2), pregnancy (ACOG Committee Opinion 804, 2020; UK Chief
#: Medical Officers' physical activity guidance for pregnancy, 2019: "do not
#: bump the bump"): no lying on the front, no heavy lifting, no contact or
#: fall-risk activity; no lying flat on the back from 16 weeks. `pregnant`
#: also covers the 6 weeks after a birth (spec section 1).
PREGNANT_AVOID = ("prone", "heavy_lift", "fall_risk", "contact")
PREGNANT_SUPINE_AVOID = ("supine",)
PREGNANT_SUPINE_FROM_WEEK = 16
#: Spec section 6 (v2): include pelvic-floor and gentle core work (NICE NG210,
#: 2021: encourage pelvic floor muscle training in and after pregnancy). They
#: lead the strength targets, so they are chosen before anything else.
PREGNANT_FIRST_TARGETS = ("pelvic_floor", "core")
#: On a blood thinner (spec section 1, `anticoagulant`): contact sports and
#: martial arts are best avoided because of the risk of bleeding (NHS,
#: "Warfarin: common questions"; the same bleeding risk holds for the other
#: blood thinners the spec lists).
ANTICOAGULANT_AVOID = ("contact",)
#: Tags that make a move riskier for anyone: the chooser uses a move with one of
#: them only when nothing else fits. Position tags (`supine`, `prone`) are not
#: risks on their own, and `fall_risk` marks one-leg standing, which is core
#: balance work for older adults (Otago exercise programme).
CAUTION_TAGS = (*BONE_AVOID, "sustained_extension", "impact", "heavy_lift", "contact")

#: Spec section 6: no plan while the triage is emergency or urgent.
NO_PLAN_LEVELS = ("emergency", "urgent")
#: Spec section 6 (v2): after an urgent result, "a doctor or physio has checked
#: me and says I can exercise" (`cleared`) allows a plan; an emergency never does.
CLEARABLE_LEVELS = ("urgent",)
#: Spec section 6 (v2): no plan from answers that have not been triaged. The
#: refusal's level when safety questions are still open.
UNTRIAGED = "untriaged"
#: Spec section 6 (v2): the gate asks the open questions of these rules, as the
#: symptom check does (spec section 2), before any plan.
GATE_LEVELS = (Level.EMERGENCY, Level.URGENT)
#: Spec section 6 (v2): "it asks every emergency and urgent safety question". Those
#: that also switch on an exercise rule here are asked before any plan even when
#: they cannot change the level: without them the plan could hold a move that is
#: unsafe for the person (a sit-up with weak bones, lying flat late in pregnancy).
#: `height_loss` is not an emergency or urgent question, so it stays a note.
PLAN_RULE_KEYS = tuple(k for k in (*BONE_ANSWERS, "pregnant", "anticoagulant") if k in SAFETY_KEYS)
#: Spec section 6 (v2): a saved assessment counts for this many days.
ASSESSMENT_MAX_AGE_DAYS = 14

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


def _text(section: str, key: str, **values: Any) -> str:
    return str(planner_text()[section][key]).format(**values)


# ----------------------------------------------------------------- the v2 gate
def in_questionnaire_order(keys: Iterable[str]) -> tuple[str, ...]:
    """The keys in the order the questionnaire asks them (any it lacks go last)."""
    order = {k: i for i, k in enumerate(load_questionnaire().questions)}
    wanted = dict.fromkeys(keys)
    return tuple(sorted(wanted, key=lambda k: order.get(k, len(order))))


def unknown_keys(unknown: Iterable[str]) -> frozenset[str]:
    """Check the "I don't know" keys: each must be an answer key of the contract.

    Raises `ValidationError` naming every bad one, as for bad answers.
    """
    keys = frozenset(unknown)
    bad = sorted(str(k) for k in keys if k not in FIELD_BY_KEY)
    if bad:
        problem = "is not an answer key, so it cannot be marked as not known"
        raise ValidationError([FieldError(k, None, problem) for k in bad])
    return keys


def _gate(assessment: Assessment) -> tuple[str, ...]:
    """The questions to ask before a plan: the engine's open safety questions that
    could raise the level to urgent or emergency (its list also holds keys that
    could only raise it to soon), and the unanswered `PLAN_RULE_KEYS` it asks."""
    clean = assessment.answers
    ctx = Context(clean, assessment.patterns, assessment.scores)
    rank = assessment.triage.rank
    could = {
        k
        for rule in RULES
        if rule.level in GATE_LEVELS and rule.level.rank > rank
        for k in rule.cond.open_keys(ctx)
    }
    open_keys = [k for k in assessment.open_safety_questions if k in could]
    rule_keys = [k for k in PLAN_RULE_KEYS if k not in clean and asked(k, clean)]
    return tuple(dict.fromkeys(open_keys + rule_keys))


def safety_questions_for_plan(
    answers: Mapping[str, Any] | None, unknown: Iterable[str] = frozenset()
) -> tuple[str, ...]:
    """The safety questions to ask before a plan, in questionnaire order (spec 6 v2).

    The same gate as the symptom check: every unanswered question whose answer
    could still make the result urgent or an emergency; and the emergency or
    urgent questions the plan's own rules read (`PLAN_RULE_KEYS`). Keys in ``unknown``
    (asked; the person does not know) are not asked again. Without answers, or
    without an age, it is the age and every safety question, since nothing is
    decided yet. Empty means `plan` will not refuse for open questions.
    Raises `ValidationError` for bad answers or unknown keys.
    """
    skip = unknown_keys(unknown)
    if answers is None or answers.get("age") is None:
        given = answers or {}
        keys = [k for k in ("age", *SAFETY_KEYS) if given.get(k) is None and asked(k, given)]
    else:
        keys = list(_gate(assess(answers)))
    return in_questionnaire_order(k for k in keys if k not in skip)


def _untriaged(answers: Mapping[str, Any] | None, questions: tuple[str, ...]) -> Refusal:
    words = planner_text()["refused"][UNTRIAGED]
    if answers is None:
        return Refusal(
            UNTRIAGED, words["why_no_answers"], words["what_to_do_no_answers"], questions
        )
    texts = load_questionnaire().questions
    listed = " ".join(texts[k].text if k in texts else k for k in questions)
    return Refusal(UNTRIAGED, words["why"], words["what_to_do"].format(questions=listed), questions)


def refusal(level: str, cleared: bool = False) -> Refusal | None:
    """The refusal for a triage level, or None when a plan may be given (spec section 6).

    ``cleared`` (v2) lifts an urgent refusal, never an emergency one.
    """
    if level not in NO_PLAN_LEVELS or (cleared and level in CLEARABLE_LEVELS):
        return None
    words = planner_text()["refused"][level]
    return Refusal(level, words["why"], words["what_to_do"])


def assessment_is_recent(taken_on: dt.date, today: dt.date) -> bool:
    """Spec section 6 (v2): a saved assessment may be used for 14 days."""
    return dt.timedelta(0) <= today - taken_on <= dt.timedelta(days=ASSESSMENT_MAX_AGE_DAYS)


# ----------------------------------------------------------------- context
@dataclass(frozen=True)
class PlanContext:
    """What the answers mean for the plan: the safety rules in force and the start point."""

    avoid: Mapping[str, str]  # movement tag -> rule group (bone, stenosis, pregnant, ...)
    bone: bool
    stenosis: bool
    older: bool
    high_pain: bool
    relax: bool
    notes: tuple[str, ...]
    pregnant: bool = False
    anticoagulant: bool = False
    triage: str | None = None
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Flags:
    """Which exercise rules the answers switch on. ``unsure`` rules come only from
    an "I don't know": the rule is kept to be safe, and the note says why."""

    bone: bool
    bone_unsure: bool
    stenosis: bool
    pregnant: bool
    pregnant_unsure: bool
    anticoagulant: bool


def _flags(assessment: Assessment, skip: frozenset[str]) -> _Flags:
    clean = assessment.answers
    patterns = {p.id for p in assessment.patterns}

    def said_yes(*keys: str) -> bool:
        return any(clean.get(k) is True for k in keys)

    def unsure(*keys: str) -> bool:
        return any(k in skip and k not in clean for k in keys)

    bone = said_yes(*BONE_ANSWERS) or bool(patterns & set(BONE_PATTERNS))
    pregnant = said_yes("pregnant")
    return _Flags(
        bone=bone or unsure(*BONE_ANSWERS),
        bone_unsure=not bone and unsure(*BONE_ANSWERS),
        stenosis=bool(patterns & set(STENOSIS_PATTERNS)),
        pregnant=pregnant or unsure("pregnant"),
        pregnant_unsure=not pregnant and unsure("pregnant"),
        anticoagulant=said_yes("anticoagulant") or unsure("anticoagulant"),
    )


def supine_allowed(profile: Profile) -> bool:
    """Whether moves lying on the back may stay in a pregnant person's plan.

    Only when the whole plan ends before week 16: ``pregnancy_weeks`` counts the
    weeks at the start date, and the last plan week starts ``weeks - 1`` weeks
    later. Unknown weeks (or the 6 weeks after a birth) leave them out, to be safe.
    """
    weeks = profile.pregnancy_weeks
    return weeks is not None and weeks + profile.weeks - 1 < PREGNANT_SUPINE_FROM_WEEK


def _avoid(flags: _Flags, profile: Profile) -> dict[str, str]:
    """Each avoided movement tag and the rule group whose reason is shown for it."""
    groups: list[tuple[bool, str, tuple[str, ...]]] = [
        (flags.bone, "bone", BONE_AVOID),
        (flags.stenosis, "stenosis", STENOSIS_AVOID),
        (flags.pregnant and not supine_allowed(profile), "pregnant", PREGNANT_SUPINE_AVOID),
        (flags.pregnant, "pregnant", PREGNANT_AVOID),
        (flags.anticoagulant, "anticoagulant", ANTICOAGULANT_AVOID),
    ]
    avoid: dict[str, str] = {}
    for on, group, tags in groups:
        for tag in tags if on else ():
            avoid.setdefault(tag, group)
    return avoid


def _answer_notes(
    profile: Profile, assessment: Assessment, flags: _Flags, unknown: tuple[str, ...]
) -> list[str]:
    """Notes about the answers: what was not known, the triage, the clearance."""
    notes = []
    if set(assessment.open_safety_questions) - set(unknown):
        notes.append(_text("notes", "open_safety_questions"))
    if unknown:
        texts = load_questionnaire().questions
        listed = " ".join(texts[k].text if k in texts else k for k in unknown)
        notes.append(_text("notes", "unknown_safety_questions", questions=listed))
    if not flags.bone and "height_loss" not in assessment.answers:
        notes.append(_text("notes", "height_loss_unanswered"))
    level = assessment.triage.value
    if level == "soon":
        notes.append(_text("notes", "soon"))
    if profile.cleared:
        day = profile.cleared_on
        notes.append(
            _text("notes", "cleared", date=day.isoformat())
            if day
            else _text("notes", "cleared_no_date")
        )
        if level in CLEARABLE_LEVELS:
            notes.append(_text("notes", "cleared_urgent"))
    return notes


def _rule_notes(profile: Profile, flags: _Flags) -> list[str]:
    """Notes that say which exercise rules shaped the plan."""
    keys = [
        (flags.bone and not flags.bone_unsure, "bone"),
        (flags.bone_unsure, "bone_unsure"),
        (flags.pregnant_unsure, "pregnant_unsure"),
        (flags.pregnant, "pregnant"),
        (flags.pregnant and profile.pregnancy_weeks is None, "pregnancy_weeks_unknown"),
        (
            flags.pregnant and profile.pregnancy_weeks is not None and not supine_allowed(profile),
            "pregnant_supine",
        ),
        (flags.pregnant and supine_allowed(profile), "pregnant_supine_later"),
        (flags.pregnant, "pregnant_stop_signs"),
        (flags.anticoagulant, "anticoagulant"),
    ]
    return [_text("notes", key) for on, key in keys if on]


def plan_context(
    profile: Profile,
    answers: Mapping[str, Any] | None,
    unknown: Iterable[str] = frozenset(),
) -> PlanContext | Refusal:
    """Run the assessment and turn it into the rules for this plan, or refuse.

    Refuses (spec section 6, v2) without answers, for an emergency, for an
    urgent result unless the person is ``cleared``, and while a safety question
    that could make it urgent or an emergency is open and not in ``unknown``.
    Raises `backcare.ValidationError` for bad answers or unknown keys.
    """
    skip = unknown_keys(unknown)
    if answers is None:
        return _untriaged(None, safety_questions_for_plan(None, skip))
    assessment = assess(answers)
    refused = refusal(assessment.triage.value, cleared=profile.cleared)
    if refused is not None:
        return refused
    still_open = in_questionnaire_order(k for k in _gate(assessment) if k not in skip)
    if still_open:
        return _untriaged(answers, still_open)
    clean = assessment.answers
    flags = _flags(assessment, skip)
    not_known = in_questionnaire_order(k for k in skip if k not in clean)
    age = clean.get("age", profile.age)
    high_pain = (clean.get("pain_now") or 0) >= HIGH_PAIN_FROM
    return PlanContext(
        avoid=_avoid(flags, profile),
        bone=flags.bone,
        stenosis=flags.stenosis,
        older=age is not None and age >= OLDER_AGE,
        high_pain=high_pain,
        relax=high_pain or assessment.scores.psychosocial_risk in ("medium", "high"),
        notes=tuple(
            _answer_notes(profile, assessment, flags, not_known) + _rule_notes(profile, flags)
        ),
        pregnant=flags.pregnant,
        anticoagulant=flags.anticoagulant,
        triage=assessment.triage.value,
        unknown=not_known,
    )


def left_out(ctx: PlanContext) -> tuple[LeftOut, ...]:
    """Every exercise a safety rule removes, with the first reason that applies."""
    out = []
    for ex in lib.library().values():
        tag = next((t for t in ex.movement if t in ctx.avoid), None)
        if tag is not None:
            out.append(LeftOut(ex.id, ex.name, _text("left_out", f"{ctx.avoid[tag]}_{tag}")))
    return tuple(out)
