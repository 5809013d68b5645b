"""The planner's inputs and results: a validated profile and a frozen plan.

Kept apart from the rules in `planner.py` so that the page, the command line
and the exports can share the shapes without the rules. Every result has a
``to_dict()`` in the JSON shape of ``python -m backcare plan``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from backcare.engine.wording import Texts, load_texts
from backcare.planner.library import EQUIPMENT

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FITNESS = ("low", "moderate", "high")
MINUTES_RANGE = (5, 120)
WEEKS_RANGE = (1, 12)
DEFAULT_WEEKS = 6
DEFAULT_FITNESS = "moderate"
#: The tool is for people aged 16 and over (NICE NG59), as in the answers contract.
AGE_RANGE = (16, 110)
PROFILE_KEYS = (
    "days",
    "minutes_per_session",
    "weeks",
    "fitness",
    "equipment",
    "start_date",
    "age",
    "session_time",
    "reminder_minutes",
    "timezone",
    "cleared",
    "cleared_on",
    "pregnancy_weeks",
)
#: Spec section 6 (v2): weeks of pregnancy, 0 to 42 (a full-term pregnancy ends by 42 weeks).
PREGNANCY_WEEKS_RANGE = (0, 42)
#: Calendar defaults: sessions at 18:00 in UTC, a reminder 30 minutes before.
DEFAULT_SESSION_TIME = "18:00"
DEFAULT_REMINDER_MINUTES = 30
DEFAULT_TIMEZONE = "UTC"
#: A reminder from 0 (at the start) to one day before.
REMINDER_RANGE = (0, 1440)


@cache
def planner_text() -> Texts:
    """The planner's wording from `data/planner.yaml`."""
    return load_texts("planner.yaml", ("refused", "left_out", "notes", "changes", "dose", "page"))


class ProfileError(ValueError):
    """A bad profile, naming every bad field (``errors`` maps field to problem)."""

    def __init__(self, errors: Mapping[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.errors)


def _whole(value: Any, low: int, high: int) -> tuple[int | None, str | None]:
    ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
    return (value, None) if ok else (None, f"got {value!r}; allowed: a whole number {low}-{high}")


def _day(value: Any) -> str | None:
    """``mon`` or ``Monday`` -> ``mon``; anything else -> None."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if text in _FULL_DAYS:
        return WEEKDAYS[_FULL_DAYS.index(text)]
    return text if text in WEEKDAYS else None


def _days(value: Any) -> tuple[tuple[str, ...] | None, str | None]:
    allowed = "a list of weekday names: " + ", ".join(WEEKDAYS)
    if not isinstance(value, list | tuple) or not value:
        return None, f"got {value!r}; allowed: {allowed}"
    days = [_day(v) for v in value]
    if None in days:
        return None, f"got {value!r}; allowed: {allowed}"
    return tuple(d for d in WEEKDAYS if d in days), None


def _equipment(value: Any) -> tuple[tuple[str, ...] | None, str | None]:
    allowed = "a list of any of: " + ", ".join(EQUIPMENT)
    if not isinstance(value, list | tuple) or not all(v in EQUIPMENT for v in value):
        return None, f"got {value!r}; allowed: {allowed}"
    return tuple(e for e in EQUIPMENT if e in value and e != "none"), None


def _start(value: Any) -> tuple[dt.date | None, str | None]:
    if isinstance(value, dt.date):
        return value, None
    try:
        return dt.date.fromisoformat(value), None
    except (TypeError, ValueError):
        return None, f"got {value!r}; allowed: a date such as 2026-12-01"


def _clock(value: Any) -> tuple[str | None, str | None]:
    """``"18:00"`` or ``"7:30"`` -> ``"HH:MM"``; anything else is a problem."""
    try:
        return dt.time.fromisoformat(f"{value.strip():0>5}").strftime("%H:%M"), None
    except (AttributeError, TypeError, ValueError):
        return None, f"got {value!r}; allowed: a time of day such as 18:00"


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def _zone(value: Any) -> tuple[str | None, str | None]:
    """An IANA time zone name such as ``Europe/London`` that zoneinfo knows."""
    name = value.strip() if isinstance(value, str) else None
    if name in _zone_names():
        return name, None
    return None, f"got {value!r}; allowed: a time zone name such as Europe/London"


def _yes_no(value: Any) -> tuple[bool | None, str | None]:
    if isinstance(value, bool):
        return value, None
    return None, f"got {value!r}; allowed: true or false"


def _clearance_problems(values: Mapping[str, Any], today: dt.date) -> dict[str, str]:
    """Spec section 6 (v2): ``cleared_on`` is the day the person told us a doctor or
    physio has cleared them, so it needs ``cleared: true`` and cannot be in the future."""
    day = values.get("cleared_on")
    if day is None:
        return {}
    if not values.get("cleared"):
        return {"cleared_on": "allowed only with cleared: true"}
    if day > today:
        return {"cleared_on": f"got {day.isoformat()}; allowed: today or a day before"}
    return {}


@dataclass(frozen=True)
class Profile:
    """What the person can do: which days, how long, for how many weeks, with what kit."""

    days: tuple[str, ...]
    minutes_per_session: int
    start_date: dt.date
    weeks: int = DEFAULT_WEEKS
    fitness: str = DEFAULT_FITNESS
    equipment: tuple[str, ...] = ()
    age: int | None = None
    session_time: str = DEFAULT_SESSION_TIME
    reminder_minutes: int = DEFAULT_REMINDER_MINUTES
    timezone: str = DEFAULT_TIMEZONE
    #: Spec section 6 (v2): the person says a doctor or physio has checked them and
    #: says they can exercise, and when (the day they told us, if they gave no date).
    cleared: bool = False
    cleared_on: dt.date | None = None
    #: Weeks of pregnancy, if known: lying on the back is left out from 16 weeks.
    pregnancy_weeks: int | None = None

    @classmethod
    def from_dict(cls, raw: Any, today: dt.date | None = None) -> Profile:
        """Validate a JSON profile. Raises `ProfileError` naming every bad field."""
        if isinstance(raw, Profile):
            return raw
        if not isinstance(raw, Mapping):
            raise ProfileError({"profile": "must be a JSON object"})
        errors: dict[str, str] = {
            k: "is not a known profile field" for k in raw if k not in PROFILE_KEYS
        }
        values: dict[str, Any] = {}
        checks = {
            "days": _days,
            "minutes_per_session": lambda v: _whole(v, *MINUTES_RANGE),
            "weeks": lambda v: _whole(v, *WEEKS_RANGE),
            "fitness": lambda v: (
                (v, None)
                if v in FITNESS
                else (None, f"got {v!r}; allowed: one of {', '.join(FITNESS)}")
            ),
            "equipment": _equipment,
            "start_date": _start,
            "age": lambda v: _whole(v, *AGE_RANGE),
            "session_time": _clock,
            "reminder_minutes": lambda v: _whole(v, *REMINDER_RANGE),
            "timezone": _zone,
            "cleared": _yes_no,
            "cleared_on": _start,
            "pregnancy_weeks": lambda v: _whole(v, *PREGNANCY_WEEKS_RANGE),
        }
        for key in ("days", "minutes_per_session"):
            if raw.get(key) is None:
                errors[key] = "is required"
        for key, check in checks.items():
            if raw.get(key) is None:
                continue
            value, problem = check(raw[key])
            if problem:
                errors[key] = problem
            else:
                values[key] = value
        today = today or dt.date.today()
        errors |= {k: v for k, v in _clearance_problems(values, today).items() if k not in errors}
        if errors:
            raise ProfileError(errors)
        values.setdefault("start_date", today)
        if values.get("cleared"):
            values.setdefault("cleared_on", today)
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        out = {
            "days": list(self.days),
            "minutes_per_session": self.minutes_per_session,
            "weeks": self.weeks,
            "fitness": self.fitness,
            "equipment": list(self.equipment),
            "start_date": self.start_date.isoformat(),
            "session_time": self.session_time,
            "reminder_minutes": self.reminder_minutes,
            "timezone": self.timezone,
        }
        if self.age is not None:
            out["age"] = self.age
        if self.cleared:
            out["cleared"] = True
            out["cleared_on"] = self.cleared_on.isoformat() if self.cleared_on else None
        if self.pregnancy_weeks is not None:
            out["pregnancy_weeks"] = self.pregnancy_weeks
        return out


@dataclass(frozen=True)
class PlannedExercise:
    """One exercise in one session, with its dose in words and its minutes."""

    id: str
    name: str
    category: str
    movement: tuple[str, ...]
    dose: str
    minutes: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "category": self.category,
            "movement": list(self.movement),
            "dose": self.dose,
            "minutes": self.minutes,
        }


def _minutes(exercises: tuple[PlannedExercise, ...]) -> int:
    return sum(e.minutes for e in exercises)


@dataclass(frozen=True)
class Session:
    """One day's session, and the 5-minute version for a bad day."""

    date: dt.date
    exercises: tuple[PlannedExercise, ...]
    minimum_day: tuple[PlannedExercise, ...]

    @property
    def minutes(self) -> int:
        return _minutes(self.exercises)

    def has(self, category: str) -> bool:
        return any(e.category == category for e in self.exercises)

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "minutes": self.minutes,
            "exercises": [e.to_dict() for e in self.exercises],
            "minimum_day": {
                "minutes": _minutes(self.minimum_day),
                "exercises": [e.to_dict() for e in self.minimum_day],
            },
        }


@dataclass(frozen=True)
class Week:
    """A week of sessions. ``step`` says how it moved from the week before."""

    week: int
    step: str
    sessions: tuple[Session, ...]

    def totals(self) -> dict[str, int]:
        aerobic = sum(
            e.minutes for s in self.sessions for e in s.exercises if e.category == "aerobic"
        )
        return {
            "aerobic_minutes": aerobic,
            "strength_days": sum(s.has("strength") for s in self.sessions),
            "flexibility_days": sum(s.has("flexibility") for s in self.sessions),
            "balance_days": sum(s.has("balance") for s in self.sessions),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "week": self.week,
            "step": self.step,
            "sessions": [s.to_dict() for s in self.sessions],
            "totals": self.totals(),
        }


@dataclass(frozen=True)
class LeftOut:
    """An exercise the safety rules removed, and why in plain words."""

    id: str
    name: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "why": self.why}


@dataclass(frozen=True)
class Change:
    """What `adjust` changed in one week, and why."""

    week: int
    change: str
    why: str

    def to_dict(self) -> dict[str, Any]:
        return {"week": self.week, "change": self.change, "why": self.why}


@dataclass(frozen=True)
class Targets:
    """What the plan builds toward (WHO 2020, or what the person's time allows)."""

    aerobic_minutes: int
    who_aerobic_minutes: int
    strength_days: int
    balance: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "aerobic_minutes_per_week": self.aerobic_minutes,
            "who_aerobic_minutes_per_week": self.who_aerobic_minutes,
            "strength_days_per_week": self.strength_days,
            "balance_work": self.balance,
        }


@dataclass(frozen=True)
class Plan:
    """A personal exercise plan. ``profile`` and ``answers`` let `adjust` rebuild it."""

    profile: Profile
    weeks: tuple[Week, ...]
    left_out: tuple[LeftOut, ...]
    notes: tuple[str, ...]
    targets: Targets
    changes: tuple[Change, ...] = ()
    answers: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)
    #: Spec section 6 (v2): the triage level the plan was built on, and the safety
    #: questions the person was asked but did not know (the plan's notes name them).
    triage: str | None = None
    unknown: tuple[str, ...] = ()

    @property
    def cleared(self) -> bool:
        """The person said a doctor or physio checked them and says they can exercise."""
        return self.profile.cleared

    @property
    def cleared_on(self) -> dt.date | None:
        return self.profile.cleared_on

    def sessions(self) -> list[Session]:
        return [s for w in self.weeks for s in w.sessions]

    def to_dict(self) -> dict[str, Any]:
        return {
            "weeks": [w.to_dict() for w in self.weeks],
            "left_out": [x.to_dict() for x in self.left_out],
            "notes": list(self.notes),
            "changes": [c.to_dict() for c in self.changes],
            "targets": self.targets.to_dict(),
            "profile": self.profile.to_dict(),
            "triage": self.triage,
            "cleared": self.cleared,
            "cleared_on": self.cleared_on.isoformat() if self.cleared_on else None,
            "unknown_safety_questions": list(self.unknown),
        }


@dataclass(frozen=True)
class Refusal:
    """No plan: the symptom check says to get help first. Says why and what to do.

    ``triage`` is the level (``emergency``, ``urgent``) or ``untriaged`` (v2: safety
    questions are still open; ``questions`` holds their keys, in questionnaire order).
    """

    triage: str
    why: str
    what_to_do: str
    questions: tuple[str, ...] = ()

    @property
    def refused(self) -> str:
        return f"{self.why} {self.what_to_do}"

    @property
    def can_be_cleared(self) -> bool:
        """Spec section 6 (v2): only an urgent refusal lifts when a doctor or physio clears them."""
        return self.triage == "urgent"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "refused": self.refused,
            "triage": self.triage,
            "what_to_do": self.what_to_do,
            "can_be_cleared": self.can_be_cleared,
        }
        if self.questions:
            out["questions"] = list(self.questions)
        return out
