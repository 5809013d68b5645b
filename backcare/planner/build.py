"""The exercise planner: a person's time and answers in, a safe weekly plan out.

``plan(profile, answers=None)`` builds the plan; ``adjust(plan, feedback)``
rebuilds it after pain feedback. Pure Python, no Streamlit. The safety rules
are spec section 6 (`shared/spec/clinical-rules.md`); every number is a named
constant below with its source. The wording is in `data/planner.yaml`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from backcare.engine.evaluate import assess
from backcare.planner import library as lib
from backcare.planner.library import Exercise
from backcare.planner.model import (
    WEEKDAYS,
    Change,
    LeftOut,
    Plan,
    PlannedExercise,
    Profile,
    Refusal,
    Session,
    Targets,
    Week,
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
class Context:
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


def context(profile: Profile, answers: Mapping[str, Any] | None) -> Context | Refusal:
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
    return Context(
        avoid=avoid,
        bone=bone,
        stenosis=stenosis,
        older=age is not None and age >= OLDER_AGE,
        high_pain=high_pain,
        relax=high_pain or risk in ("medium", "high"),
        notes=tuple(_answer_notes(answers, assessment)),
    )


# ----------------------------------------------------------------- choosing
def left_out(ctx: Context) -> tuple[LeftOut, ...]:
    """Every exercise a safety rule removes, with the first reason that applies."""
    out = []
    for ex in lib.library().values():
        tag = next((t for t in ex.movement if t in ctx.avoid), None)
        if tag is not None:
            out.append(LeftOut(ex.id, ex.name, _text("left_out", f"{ctx.avoid[tag]}_{tag}")))
    return tuple(out)


def _allowed(ex: Exercise, ctx: Context, equipment: Iterable[str]) -> bool:
    return not set(ex.movement) & set(ctx.avoid) and ex.needs() <= set(equipment)


@dataclass(frozen=True)
class Chooser:
    """Picks exercises for one plan: safe, with the person's kit, up to a level."""

    ctx: Context
    equipment: tuple[str, ...]
    cap: int
    _pools: dict[tuple[str, str | None], list[Exercise]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def allowed(self, ex: Exercise) -> bool:
        return _allowed(ex, self.ctx, self.equipment)

    def _rank(self, ex: Exercise) -> tuple:
        """Flexion-friendly first for stenosis; then moves with no risky tag (a tagged
        one only when nothing else fits); then the hardest within the cap; then the
        longer (main) activities; then file order."""
        order = list(lib.library())
        return (
            self.ctx.stenosis and not ex.flexion_friendly,
            bool(ex.movement),
            -ex.level,
            -(ex.dose.minutes or 0),
            order.index(ex.id),
        )

    def pool(self, category: str, target: str | None = None) -> list[Exercise]:
        key = (category, target)
        if key not in self._pools:
            found = [
                ex
                for ex in lib.library().values()
                if ex.category == category
                and ex.level <= self.cap
                and (target is None or target in ex.targets)
                and self.allowed(ex)
            ]
            self._pools[key] = sorted(found, key=self._rank)
        return self._pools[key]

    def shifted(self, ex: Exercise, shift: int) -> Exercise:
        """Follow the harder (shift > 0) or easier (shift < 0) links while they are allowed."""
        for _ in range(abs(shift)):
            ref = ex.harder if shift > 0 else ex.easier
            nxt = lib.library().get(ref) if ref else None
            if nxt is None or not self.allowed(nxt):
                break
            ex = nxt
        return ex

    def pick(
        self,
        category: str,
        targets: Sequence[str],
        turn: int,
        shift: int,
    ) -> list[Exercise]:
        """One exercise per target (no repeats), taking turns between the top two."""
        chosen: list[Exercise] = []
        for target in targets:
            options = self.top_tier([ex for ex in self.pool(category, target) if ex not in chosen])
            if not options:
                continue
            ex = self.shifted(options[turn % min(2, len(options))], shift)
            if ex not in chosen:
                chosen.append(ex)
        return chosen

    def top_tier(self, options: Sequence[Exercise]) -> list[Exercise]:
        """The options as good as the first on preference and tags (so turn-taking
        never swaps a plain move for a tagged one)."""
        if not options:
            return []
        tier = self._rank(options[0])[:2]
        return [ex for ex in options if self._rank(ex)[:2] == tier]

    def aerobic_pair(self) -> tuple[Exercise, ...]:
        """The best aerobic option, and the best one using different kit, to take turns.

        So a person with a pool or bike gets to use it, without dropping walking.
        The second choice comes from the same tier (flexion-friendly for stenosis,
        untagged) as the first when there is one.
        """
        options = self.top_tier(self.pool("aerobic"))
        if not options:
            return ()
        first, rest = options[0], options[1:]
        other = [ex for ex in rest if ex.equipment != first.equipment]
        return (first, (other or rest or [first])[0])

    def gentle_move(self) -> Exercise:
        """The easiest aerobic move needing no kit, for the 5-minute bad-day version."""
        home = [ex for ex in self.pool("aerobic") if not ex.needs()]
        return min(home, key=lambda ex: ex.level, default=lib.get("march_in_place"))


# ----------------------------------------------------------------- dosing
def dose_text(ex: Exercise, sets: int | None = None, minutes: int | None = None) -> str:
    """The dose in plain words, from the templates in `data/planner.yaml`."""
    d = ex.dose
    if d.kind == "minutes":
        key = "aerobic" if ex.category == "aerobic" else "minutes"
        return _text("dose", key, minutes=minutes if minutes is not None else d.minutes)
    sets = d.sets if sets is None else sets
    key = d.kind + ("_one" if sets == 1 else "") + ("_per_side" if d.per_side else "")
    return _text("dose", key, sets=sets, reps=d.reps, seconds=d.hold_seconds)


def planned(ex: Exercise, sets: int | None = None, minutes: int | None = None) -> PlannedExercise:
    """An exercise with a dose: full sets, fewer sets, or a number of minutes."""
    if minutes is None:
        dose = ex.dose if sets is None else ex.dose.with_sets(sets)
        minutes = dose.estimated_minutes()
    return PlannedExercise(
        ex.id, ex.name, ex.category, ex.movement, dose_text(ex, sets, minutes), minutes
    )


def fit(ex: Exercise, budget: int) -> PlannedExercise | None:
    """The exercise at full dose if it fits the minutes left, else fewer sets, else None."""
    if ex.dose.kind == "minutes":
        return planned(ex, minutes=min(ex.dose.minutes or 0, budget)) if budget >= 1 else None
    for sets in range(ex.dose.sets or 1, 0, -1):
        item = planned(ex, sets=sets)
        if item.minutes <= budget:
            return item
    return None


def fill(choices: Iterable[Exercise], budget: int, most: int) -> list[PlannedExercise]:
    """As many of the choices as fit in ``budget`` minutes (at most ``most``)."""
    out: list[PlannedExercise] = []
    for ex in choices:
        item = fit(ex, budget)
        if item is not None and len(out) < most:
            out.append(item)
            budget -= item.minutes
    return out


# ----------------------------------------------------------------- week layout
def strength_days_wanted(ctx: Context, week: int, sessions: int) -> int:
    """WHO 2020: 2 strength days (3 with balance from 65); week 1 is a gentle start."""
    full = OLDER_STRENGTH_BALANCE_DAYS if ctx.older else WHO_STRENGTH_DAYS
    return min(sessions, full if week >= FULL_STRENGTH_FROM_WEEK else 1)


def _spaced(count: int, total: int) -> frozenset[int]:
    """``count`` session indexes spread out over ``total`` (rest days between)."""
    return frozenset(math.floor(j * total / count) for j in range(count))


def budgets(minutes: int, strength: bool, balance: bool, relax: bool) -> dict[str, int]:
    """The most minutes each non-aerobic block may take; aerobic work gets what is left."""
    wanted = {
        "strength": strength,
        "balance": balance,
        "flexibility": True,
        "relaxation": relax and minutes >= RELAX_FROM_SESSION_MINUTES,
    }
    left, out = minutes, {}
    for block, (share, low, high) in BLOCKS.items():
        size = min(left, max(low, min(high, round(minutes * share)))) if wanted[block] else 0
        out[block] = size
        left -= size
    return out


def _blocks(
    budget: Mapping[str, int],
    chooser: Chooser,
    turn: int,
    shift: int,
) -> list[PlannedExercise]:
    """The strength, balance, flexibility and relaxation work of one session."""
    targets = {
        "strength": BONE_STRENGTH_TARGETS if chooser.ctx.bone else STRENGTH_TARGETS,
        "balance": BALANCE_TARGETS,
        "flexibility": FLEX_TARGETS,
        "relaxation": ("whole_body",),
    }
    parts: list[PlannedExercise] = []
    for category, size in budget.items():
        if size > 0:
            moved = shift if category in ("strength", "balance") else 0
            picks = chooser.pick(category, targets[category], turn, moved)
            parts += fill(picks, size, MAX_PER_BLOCK[category])
    return parts


@dataclass(frozen=True)
class WeekShape:
    """One week before its aerobic minutes: dates and the other work of each session."""

    dates: tuple[dt.date, ...]
    blocks: tuple[tuple[PlannedExercise, ...], ...]
    rooms: tuple[int, ...]  # minutes left for aerobic work in each session


def _dates(profile: Profile, week: int) -> list[dt.date]:
    """The person's chosen weekdays in the 7 days of this week, in date order."""
    first = profile.start_date + dt.timedelta(days=7 * (week - 1))
    days = (first + dt.timedelta(days=d) for d in range(7))
    return [d for d in days if WEEKDAYS[d.weekday()] in profile.days]


def week_shape(profile: Profile, chooser: Chooser, week: int, shift: int) -> WeekShape:
    ctx = chooser.ctx
    n = len(profile.days)
    strength = _spaced(strength_days_wanted(ctx, week, n), n)
    blocks = tuple(
        tuple(
            _blocks(
                budgets(
                    profile.minutes_per_session,
                    i in strength,
                    (ctx.bone or ctx.older) and i in strength,
                    ctx.relax,
                ),
                chooser,
                i + week,
                shift,
            )
        )
        for i in range(n)
    )
    rooms = tuple(profile.minutes_per_session - sum(e.minutes for e in b) for b in blocks)
    return WeekShape(tuple(_dates(profile, week)), blocks, rooms)


def spread(total: int, rooms: Sequence[int]) -> list[int]:
    """Share ``total`` minutes as evenly as the rooms allow (a minute at a time)."""
    out = [0] * len(rooms)
    for _ in range(min(total, sum(rooms))):
        i = min((j for j in range(len(rooms)) if out[j] < rooms[j]), key=lambda j: (out[j], j))
        out[i] += 1
    return out


# ----------------------------------------------------------------- aerobic build-up
def aerobic_target(profile: Profile, chooser: Chooser) -> int:
    """WHO 150 minutes a week, or the most the person's time allows in every week.

    Taken over every week and every step up or back, so the weekly minutes can
    always fit and never have to fall except on a step back.
    """
    room = min(
        sum(week_shape(profile, chooser, week, shift).rooms)
        for week in range(1, profile.weeks + 1)
        for shift in range(-MAX_SHIFT, MAX_SHIFT + 1)
    )
    return min(WHO_AEROBIC_MINUTES, room)


def aerobic_start(target: int, fitness: str, high_pain: bool) -> int:
    """Week 1: a share of the target by fitness, less with high pain, at least 10 minutes."""
    share = START_SHARE[fitness] * (HIGH_PAIN_START_FACTOR if high_pain else 1)
    return min(target, max(math.floor(target * share), MIN_START_AEROBIC_MINUTES))


def rise(minutes: int, target: int) -> int:
    """Next week's minutes: up about 15%, never over 20%, never past the target."""
    up = minutes * (100 + WEEKLY_RISE_PERCENT) // 100
    if up == minutes and (minutes + 1) * 100 <= minutes * (100 + MAX_WEEKLY_RISE_PERCENT):
        up = minutes + 1
    return min(target, up)


def step_back(minutes: int) -> int:
    return minutes * (100 - STEP_BACK_CUT_PERCENT) // 100


# ----------------------------------------------------------------- sessions
def _minimum_day(
    chooser: Chooser,
    blocks: Sequence[PlannedExercise],
) -> tuple[PlannedExercise, ...]:
    """A 5-minute version for bad days: a stretch from the session (or breathing),
    and gentle movement at home for the rest of the 5 minutes."""
    room = MINIMUM_DAY_MINUTES - MINIMUM_DAY_AEROBIC
    stretch = next((lib.get(e.id) for e in blocks if e.category == "flexibility"), None)
    calm = (fit(stretch, room) if stretch else None) or planned(
        lib.get("belly_breathing"), minutes=room
    )
    move = planned(chooser.gentle_move(), minutes=MINIMUM_DAY_MINUTES - calm.minutes)
    return (move, calm)


def build_week(
    profile: Profile, chooser: Chooser, week: int, step: str, aerobic: int, shift: int
) -> Week:
    """One week: its shape, with the week's aerobic minutes spread over the sessions."""
    shape = week_shape(profile, chooser, week, shift)
    minutes = spread(aerobic, shape.rooms)
    pair = chooser.aerobic_pair()
    sessions = []
    for i, (day, blocks) in enumerate(zip(shape.dates, shape.blocks, strict=True)):
        parts = list(blocks)
        if minutes[i] > 0 and pair:
            move = chooser.shifted(pair[(i + week) % len(pair)], shift)
            parts.insert(0, planned(move, minutes=minutes[i]))
        sessions.append(Session(day, tuple(parts), _minimum_day(chooser, blocks)))
    return Week(week, step, tuple(sessions))


# ----------------------------------------------------------------- public API
def _notes(profile: Profile, ctx: Context, target: int) -> tuple[str, ...]:
    notes = [_text("notes", "not_a_diagnosis"), _text("notes", "stop_signs"), *ctx.notes]
    for flag, key in (
        (ctx.bone, "bone"),
        (ctx.stenosis, "stenosis"),
        (ctx.older, "older"),
        (ctx.high_pain, "high_pain"),
        (profile.fitness == "low", "low_fitness"),
    ):
        if flag:
            notes.append(_text("notes", key))
    if target >= WHO_AEROBIC_MINUTES:
        notes.append(_text("notes", "who_target", minutes=target))
    elif target > 0:
        notes.append(_text("notes", "time_limited", minutes=target))
    else:
        notes.append(_text("notes", "time_limited_zero"))
    notes.append(_text("notes", "minimum_day"))
    return tuple(notes)


def _build(
    profile: Profile,
    answers: Mapping[str, Any] | None,
    ctx: Context,
    changes: tuple[Change, ...] = (),
) -> Plan:
    """Build every week. ``changes`` (from `adjust`) hold, step back or step up weeks."""
    cap = max(1, LEVEL_CAP[profile.fitness] - (1 if ctx.high_pain else 0))
    chooser = Chooser(ctx, profile.equipment, cap)
    target = aerobic_target(profile, chooser)
    aerobic = aerobic_start(target, profile.fitness, ctx.high_pain)
    decided = {c.week: c.change for c in changes}
    shift, weeks = 0, []
    for week in range(1, profile.weeks + 1):
        step = "start" if week == 1 else decided.get(week, "build")
        if step in ("build", "step_up"):
            aerobic = rise(aerobic, target)
        elif step == "step_back":
            aerobic = step_back(aerobic)
        shift = max(
            -MAX_SHIFT, min(MAX_SHIFT, shift + {"step_up": 1, "step_back": -1}.get(step, 0))
        )
        weeks.append(build_week(profile, chooser, week, step, aerobic, shift))
    full_days = strength_days_wanted(ctx, FULL_STRENGTH_FROM_WEEK, len(profile.days))
    return Plan(
        profile=profile,
        weeks=tuple(weeks),
        left_out=left_out(ctx),
        notes=_notes(profile, ctx, target),
        targets=Targets(target, WHO_AEROBIC_MINUTES, full_days, ctx.bone or ctx.older),
        changes=changes,
        answers=dict(answers) if answers is not None else None,
    )


def plan(
    profile: Profile | Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
) -> Plan | Refusal:
    """Build a plan, or a `Refusal` when the answers say to get help first.

    ``today`` is the default start date (for tests). Raises `ProfileError` for a
    bad profile and `backcare.ValidationError` for bad answers.
    """
    prof = Profile.from_dict(profile, today=today)
    ctx = context(prof, answers)
    if isinstance(ctx, Refusal):
        return ctx
    return _build(prof, answers, ctx)


# ----------------------------------------------------------------- adjust
class FeedbackError(ValueError):
    """Bad session feedback, naming the bad entry and field (e.g. ``feedback[2].pain_after``)."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class Feedback:
    """How one session went: pain before and after (0-10), and any new leg pain."""

    date: dt.date
    pain_before: int
    pain_after: int
    new_leg_pain: bool = False

    @property
    def flare(self) -> bool:
        """Spec section 6: a rise of 2 points or more, or new leg pain."""
        return self.pain_after - self.pain_before >= PAIN_RISE_POINTS or self.new_leg_pain


def _pain(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10
    return None if ok else f"got {value!r}; allowed: a whole number 0-10"


def _feedback_item(
    raw: Any, where: str, first: dt.date, last: dt.date, errors: dict[str, str]
) -> Feedback | None:
    if not isinstance(raw, Mapping):
        errors[where] = "must be an object with date, pain_before, pain_after, new_leg_pain"
        return None
    unknown = set(raw) - {"date", "pain_before", "pain_after", "new_leg_pain"}
    problems = {f"{where}.{k}": "is not a known feedback field" for k in sorted(unknown)}
    try:
        day = dt.date.fromisoformat(raw.get("date"))
        if not first <= day <= last:
            problems[f"{where}.date"] = f"{day} is not in the plan ({first} to {last})"
    except (TypeError, ValueError):
        problems[f"{where}.date"] = f"got {raw.get('date')!r}; allowed: a date such as 2026-12-01"
    for key in ("pain_before", "pain_after"):
        if (problem := _pain(raw.get(key))) is not None:
            problems[f"{where}.{key}"] = problem
    if not isinstance(raw.get("new_leg_pain", False), bool):
        problems[f"{where}.new_leg_pain"] = "allowed: true or false"
    errors.update(problems)
    if problems:
        return None
    return Feedback(day, raw["pain_before"], raw["pain_after"], raw.get("new_leg_pain", False))


def read_feedback(plan_: Plan, feedback: Any) -> list[Feedback]:
    """Validate a list of session feedback against the plan's dates."""
    if not isinstance(feedback, list | tuple):
        raise FeedbackError({"feedback": "must be a list of session feedback"})
    first = plan_.profile.start_date
    last = first + dt.timedelta(days=7 * plan_.profile.weeks - 1)
    errors: dict[str, str] = {}
    items = [
        _feedback_item(raw, f"feedback[{i}]", first, last, errors) for i, raw in enumerate(feedback)
    ]
    if errors:
        raise FeedbackError(errors)
    return [f for f in items if f is not None]


def decide(by_week: Mapping[int, Sequence[Feedback]], weeks: int) -> tuple[Change, ...]:
    """Turn each week's feedback into a change for the next week (spec section 6).

    One flare holds the next week; new leg pain or two flares step it back;
    ``GOOD_WEEKS_TO_STEP_UP`` good weeks in a row step it up. A week with no
    feedback breaks a good run (we do not assume it went well).
    """
    changes, good_run = [], 0
    for week in range(1, weeks):
        items = by_week.get(week, ())
        flares = [f for f in items if f.flare]
        leg = any(f.new_leg_pain for f in items)
        kind = None
        if leg or len(flares) >= 2:
            kind = "step_back"
        elif flares:
            kind = "hold"
        elif items and good_run + 1 >= GOOD_WEEKS_TO_STEP_UP:
            kind = "step_up"
        good_run = good_run + 1 if items and not flares and kind is None else 0
        if kind:
            key = "step_back_leg" if leg else kind
            changes.append(Change(week + 1, kind, _text("changes", key, week=week + 1)))
    return tuple(changes)


def adjust(plan_: Plan, feedback: Any) -> Plan:
    """Rebuild a plan after session feedback; ``changes`` says what changed and why.

    Weeks up to and including the feedback are kept as they were; only later
    weeks move. Raises `FeedbackError` for bad feedback.
    """
    items = read_feedback(plan_, feedback)
    by_week: dict[int, list[Feedback]] = {}
    for item in items:
        by_week.setdefault((item.date - plan_.profile.start_date).days // 7 + 1, []).append(item)
    ctx = context(plan_.profile, plan_.answers)
    if isinstance(ctx, Refusal):  # pragma: no cover - a Plan is only built when allowed
        raise FeedbackError({"plan": "this plan was refused"})
    return _build(plan_.profile, plan_.answers, ctx, decide(by_week, plan_.profile.weeks))
