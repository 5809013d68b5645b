"""Laying out weeks and building the plan: ``plan(profile, answers)``.

The aerobic minutes build gradually toward the WHO 2020 target; strength and
balance work take their days first. The wording is in `data/planner.yaml`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backcare.planner import library as lib
from backcare.planner.choose import (
    Chooser,
    fill,
    fit,
    planned,
)
from backcare.planner.model import (
    WEEKDAYS,
    Change,
    Plan,
    PlannedExercise,
    Profile,
    Refusal,
    Session,
    Targets,
    Week,
)
from backcare.planner.safety import (
    BALANCE_TARGETS,
    BLOCKS,
    BONE_STRENGTH_TARGETS,
    FLEX_TARGETS,
    FULL_STRENGTH_FROM_WEEK,
    HIGH_PAIN_START_FACTOR,
    LEVEL_CAP,
    MAX_PER_BLOCK,
    MAX_SHIFT,
    MAX_WEEKLY_RISE_PERCENT,
    MIN_START_AEROBIC_MINUTES,
    MINIMUM_DAY_AEROBIC,
    MINIMUM_DAY_MINUTES,
    OLDER_STRENGTH_BALANCE_DAYS,
    PREGNANT_FIRST_TARGETS,
    RELAX_FROM_SESSION_MINUTES,
    START_SHARE,
    STEP_BACK_CUT_PERCENT,
    STRENGTH_TARGETS,
    WEEKLY_RISE_PERCENT,
    WHO_AEROBIC_MINUTES,
    WHO_STRENGTH_DAYS,
    PlanContext,
    _text,
    left_out,
    plan_context,
)


# ----------------------------------------------------------------- week layout
def strength_days_wanted(ctx: PlanContext, week: int, sessions: int) -> int:
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


def strength_targets(ctx: PlanContext) -> tuple[str, ...]:
    """Back extensors lead with weak bones; pelvic floor and core lead in pregnancy
    (spec section 6 v2), so a short strength block still holds them."""
    base = BONE_STRENGTH_TARGETS if ctx.bone else STRENGTH_TARGETS
    if not ctx.pregnant:
        return base
    return (*PREGNANT_FIRST_TARGETS, *(t for t in base if t not in PREGNANT_FIRST_TARGETS))


def _blocks(
    budget: Mapping[str, int],
    chooser: Chooser,
    turn: int,
    shift: int,
) -> list[PlannedExercise]:
    """The strength, balance, flexibility and relaxation work of one session."""
    targets = {
        "strength": strength_targets(chooser.ctx),
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
def _notes(profile: Profile, ctx: PlanContext, target: int) -> tuple[str, ...]:
    notes = [_text("notes", "not_a_diagnosis"), _text("notes", "stop_signs"), *ctx.notes]
    for flag, key in (
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
    ctx: PlanContext,
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
        triage=ctx.triage,
        unknown=ctx.unknown,
    )


def plan(
    profile: Profile | Mapping[str, Any],
    answers: Mapping[str, Any] | None = None,
    today: dt.date | None = None,
    unknown: Iterable[str] = frozenset(),
) -> Plan | Refusal:
    """Build a plan, or a `Refusal` when it is not safe to give one yet.

    Spec section 6 (v2): refused without answers (``untriaged``), for an
    emergency, for an urgent result unless ``profile.cleared``, and while a
    safety question that could make the result urgent or an emergency is still
    open. ``unknown`` holds the keys the person was asked but does not know:
    they no longer block the plan, and the plan names them in a note.
    ``today`` is the default start date and clearance date. Raises
    `ProfileError` for a bad profile and `backcare.ValidationError` for bad
    answers or unknown keys.
    """
    prof = Profile.from_dict(profile, today=today)
    ctx = plan_context(prof, answers, unknown)
    if isinstance(ctx, Refusal):
        return ctx
    return _build(prof, answers, ctx)
