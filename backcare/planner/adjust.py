"""Adjusting a plan after pain feedback (spec section 6: pain-guided progression)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from backcare.planner.build import _build
from backcare.planner.model import (
    Change,
    Plan,
    Refusal,
)
from backcare.planner.safety import (
    GOOD_WEEKS_TO_STEP_UP,
    PAIN_RISE_POINTS,
    _text,
    plan_context,
)


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


def decide_changes(by_week: Mapping[int, Sequence[Feedback]], weeks: int) -> tuple[Change, ...]:
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
    ctx = plan_context(plan_.profile, plan_.answers, plan_.unknown)
    if isinstance(ctx, Refusal):  # pragma: no cover - a Plan is only built when allowed
        raise FeedbackError({"plan": "this plan was refused"})
    return _build(plan_.profile, plan_.answers, ctx, decide_changes(by_week, plan_.profile.weeks))
