"""The answers contract (spec section 1) and its validation.

The allowed keys, types and values are the clinical contract
(`shared/spec/clinical-rules.md`, section 1), so they live here as constants,
not in `data/`: the questionnaire wording in `data/questionnaire.yaml` is
checked against them, never the other way round.

Validation is strict on purpose. An unknown key is an error, because a typo
such as ``bladder`` for ``bladder_change`` must not silently drop a red flag.
A key that is absent (or ``None``) means "not answered", never "no".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Any


class Kind(StrEnum):
    """The shape of one answer."""

    INTEGER = "integer"
    NUMBER = "number"
    BOOL = "bool"
    CHOICE = "choice"
    MULTI = "multi"


@dataclass(frozen=True)
class Field:
    """One answer key of the contract: its kind and what it may hold."""

    key: str
    kind: Kind
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    required: bool = False

    def allowed(self) -> str:
        """Say in a few words what this key accepts (used in error messages)."""
        if self.kind is Kind.BOOL:
            return "true or false"
        if self.kind is Kind.INTEGER:
            return f"a whole number from {self.minimum:g} to {self.maximum:g}"
        if self.kind is Kind.NUMBER:
            return f"a number from {self.minimum:g} to {self.maximum:g}"
        listed = ", ".join(self.choices)
        if self.kind is Kind.CHOICE:
            return f"one of: {listed}"
        return f"a list of any of: {listed}"


def _choice(key: str, *choices: str) -> Field:
    return Field(key, Kind.CHOICE, choices)


def _multi(key: str, *choices: str) -> Field:
    return Field(key, Kind.MULTI, choices)


def _bool(key: str) -> Field:
    return Field(key, Kind.BOOL)


LEG_SIDES = ("none", "one_leg", "both_legs")

#: Spec section 1, in the order of its table. Age 16-110 follows NICE NG59
#: (the guideline covers people aged 16 and over).
FIELDS: tuple[Field, ...] = (
    Field("age", Kind.INTEGER, minimum=16, maximum=110, required=True),
    _choice("sex", "female", "male", "other", "prefer_not_to_say"),
    Field("pain_now", Kind.INTEGER, minimum=0, maximum=10),
    Field("pain_week_worst", Kind.INTEGER, minimum=0, maximum=10),
    Field("duration_weeks", Kind.NUMBER, minimum=0, maximum=5200),
    _choice("onset", "sudden", "gradual"),
    _choice("trauma", "none", "minor", "major"),
    _multi("areas", "lower_back", "upper_back", "buttock", "thigh", "below_knee", "foot", "side"),
    _multi("pain_character", "aching", "stabbing", "burning", "electric"),
    _choice("leg_pain", *LEG_SIDES),
    _bool("leg_pain_below_knee"),
    _bool("leg_pain_worse_than_back"),
    _choice("leg_numbness", *LEG_SIDES),
    _choice("leg_weakness", *LEG_SIDES),
    _bool("weakness_getting_worse"),
    _bool("walking_unsteady"),
    _bool("saddle_numbness"),
    _bool("bladder_change"),
    _bool("bowel_change"),
    _bool("sexual_change"),
    _multi(
        "worse_with",
        "bending",
        "lifting",
        "sitting",
        "standing",
        "walking",
        "coughing_sneezing",
        "lying_down",
        "rest",
    ),
    _multi("better_with", "lying_down", "sitting", "bending_forward", "movement", "rest"),
    _bool("pain_constant"),
    _choice("night_pain", "none", "wakes_eases_on_getting_up", "constant_not_eased"),
    _bool("morning_stiffness_over_30min"),
    _bool("fever"),
    _bool("feels_unwell"),
    _bool("unexplained_weight_loss"),
    _bool("cancer_history"),
    _bool("immunosuppressed"),
    _bool("long_term_steroids"),
    _bool("iv_drug_use"),
    _bool("recent_infection_or_procedure"),
    _bool("osteoporosis"),
    _bool("height_loss"),
    _bool("spine_curve"),
    _bool("previous_episodes"),
    _bool("fear_of_activity"),
    _bool("worry"),
    _bool("catastrophising"),
    _bool("low_mood"),
    _choice("bothersomeness", "not_at_all", "slightly", "moderately", "very", "extremely"),
    # v2 additions, in the order of the spec table.
    _bool("getting_worse"),
    _bool("anticoagulant"),
    _bool("diabetes"),
    _bool("pregnant"),
    _bool("abdominal_pain"),
    _bool("pulsing_in_abdomen"),
    _bool("known_aneurysm"),
    _bool("fainting"),
    _multi("urine_symptoms", "burning", "blood", "often"),
    _bool("pain_in_waves"),
    _bool("rash"),
    _multi(
        "spa_features",
        "heel_pain",
        "eye_inflammation",
        "psoriasis",
        "bowel_inflammation",
        "family_history",
        "other_joints",
    ),
)

FIELD_BY_KEY: dict[str, Field] = {f.key: f for f in FIELDS}
KEYS: tuple[str, ...] = tuple(FIELD_BY_KEY)
REQUIRED: tuple[Field, ...] = tuple(f for f in FIELDS if f.required)


@dataclass(frozen=True)
class FieldError:
    """One bad answer: which key, what it held, and what is allowed."""

    key: str
    value: Any
    problem: str

    def message(self) -> str:
        return f"{self.key}: {self.problem}"


class ValidationError(ValueError):
    """Raised once for a whole answer set, naming every bad key.

    It is a ``ValueError`` so callers that only know the standard library can
    still catch it.
    """

    def __init__(self, errors: list[FieldError] | tuple[FieldError, ...]):
        self.errors: tuple[FieldError, ...] = tuple(errors)
        super().__init__("; ".join(e.message() for e in self.errors))

    @property
    def keys(self) -> tuple[str, ...]:
        """The offending keys, in the order they were found."""
        return tuple(e.key for e in self.errors)


#: Whole numbers longer than this are never shown in full: Python refuses to
#: turn an int of more than 4300 digits into text, and no answer needs 40.
_LONGEST_SHOWN_BITS = 128


def _shown(value: Any) -> str:
    """A short, safe picture of a bad value for an error message (never raises)."""
    if isinstance(value, int) and value.bit_length() > _LONGEST_SHOWN_BITS:
        digits = int(value.bit_length() * math.log10(2)) + 1
        sign = "a negative" if value < 0 else "a"
        return f"{sign} whole number about {digits} digits long"
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__} that cannot be shown"
    return text if len(text) <= 60 else text[:57] + "..."


def _number(field: Field, value: Any) -> tuple[bool, Any]:
    """Check a number against its range before converting it.

    Python compares ints and floats exactly and without overflow, so the range
    is checked on the value as given: a huge int (``10**309``, 5000 digits) is
    simply out of range, and is never turned into a float. NaN and infinity
    are rejected; so is ``true``, which Python counts as 1.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False, value
    if isinstance(value, float) and not math.isfinite(value):
        return False, value
    if not field.minimum <= value <= field.maximum:  # type: ignore[operator]
        return False, value
    if field.kind is Kind.INTEGER and isinstance(value, float):
        if not value.is_integer():
            return False, value
        value = int(value)
    return True, value


Cleaner = Callable[[Any], tuple[bool, Any]]


def _cleaner(field: Field) -> Cleaner:
    """The check of one key's value, returning (ok, cleaned value).

    Made once per key with what it needs bound in: it runs for every answer of
    every assessment, so no kind dispatch or attribute lookup is left for then.
    """
    kind, choices, allowed = field.kind, field.choices, frozenset(field.choices)
    if kind is Kind.BOOL:
        return lambda value: (value is True or value is False, value)
    if kind is Kind.CHOICE:
        return lambda value: (isinstance(value, str) and value in allowed, value)
    if kind is Kind.MULTI:

        def clean_list(value: Any) -> tuple[bool, Any]:
            if not isinstance(value, list | tuple):
                return False, value
            try:  # only str items can be in `allowed`; an unhashable item raises
                ok = allowed.issuperset(value)
            except TypeError:
                ok = False
            if not ok:
                return False, value
            # Keep the contract's order and drop repeats: ["walking", "walking"] means walking.
            return True, tuple(c for c in choices if c in value)

        return clean_list
    return partial(_number, field)


_CLEANERS: dict[str, tuple[Field, Cleaner]] = {f.key: (f, _cleaner(f)) for f in FIELDS}
_YES_NO_KEYS = frozenset(f.key for f in FIELDS if f.kind is Kind.BOOL)


def validate(answers: Any) -> dict[str, Any]:
    """Check an answer set against the contract and return a clean copy.

    The copy holds only answered keys (``None`` is dropped as "not answered"),
    whole numbers as ``int`` and lists as tuples in contract order. Every
    problem is collected first, then raised as one `ValidationError`.
    """
    if not isinstance(answers, Mapping):
        raise ValidationError(
            [FieldError("answers", answers, "must be a JSON object of answer keys and values")]
        )
    clean: dict[str, Any] = {}
    errors: list[FieldError] = []
    cleaners, yes_no = _CLEANERS, _YES_NO_KEYS
    for key, value in answers.items():
        if (value is True or value is False) and type(key) is str and key in yes_no:
            clean[key] = value  # most answers: a yes/no key answered yes or no
            continue
        try:  # only str keys are in `cleaners`; any other hashable key is simply not found
            found = cleaners.get(key)
        except TypeError:  # a key that cannot be hashed (from a hand-made Mapping)
            found = None
        if found is None:
            name = key if isinstance(key, str) else _shown(key)
            errors.append(FieldError(name, value, "is not a known answer key"))
            continue
        if value is None:
            continue
        field, check = found
        ok, cleaned = check(value)
        if ok:
            clean[key] = cleaned
        else:
            problem = f"got {_shown(value)}; allowed: {field.allowed()}"
            errors.append(FieldError(key, value, problem))
    for field in REQUIRED:
        if field.key not in clean and all(e.key != field.key for e in errors):
            errors.append(FieldError(field.key, None, f"is required; allowed: {field.allowed()}"))
    if errors:
        raise ValidationError(errors)
    return clean
