"""Validation of answer sets (spec section 1)."""

from __future__ import annotations

import pytest

from backcare import ValidationError, assess, validate


def errors_of(answers) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        validate(answers)
    assert isinstance(caught.value, ValueError)
    return {e.key: e.problem for e in caught.value.errors}


def test_age_is_required():
    assert "age" in errors_of({"fever": True})


@pytest.mark.parametrize("age", [15, 111, 40.5, "40", True, None])
def test_bad_age(age):
    assert "age" in errors_of({"age": age})


@pytest.mark.parametrize("age", [16, 110])
def test_age_limits_are_allowed(age):
    assert validate({"age": age})["age"] == age


def test_whole_float_is_a_whole_number():
    assert validate({"age": 40.0}) == {"age": 40}


def test_every_bad_key_is_named_at_once_with_what_is_allowed():
    problems = errors_of(
        {
            "age": 200,
            "pain_now": 12,
            "bladder": True,
            "leg_pain": "left",
            "areas": ["neck"],
            "fever": "yes",
        }
    )
    assert set(problems) == {"age", "pain_now", "bladder", "leg_pain", "areas", "fever"}
    assert "16 to 110" in problems["age"]
    assert "one_leg" in problems["leg_pain"]
    assert "lower_back" in problems["areas"]
    assert "true or false" in problems["fever"]
    assert "not a known answer key" in problems["bladder"]


def test_none_means_not_answered():
    clean = validate({"age": 40, "fever": None, "areas": None})
    assert clean == {"age": 40}
    assert "fever" in assess({"age": 40, "fever": None}).unanswered_safety_questions


def test_absent_is_not_no():
    result = assess({"age": 40})
    assert "saddle_numbness" in result.unanswered_safety_questions
    assert "saddle_numbness" in result.open_safety_questions


def test_lists_are_deduplicated_in_contract_order():
    assert validate({"age": 40, "worse_with": ["walking", "bending", "walking"]})["worse_with"] == (
        "bending",
        "walking",
    )


@pytest.mark.parametrize("bad", [[], "text", 3, None])
def test_answers_must_be_an_object(bad):
    with pytest.raises(ValidationError) as caught:
        validate(bad)
    assert caught.value.keys == ("answers",)


@pytest.mark.parametrize("weeks", [float("nan"), float("inf"), -0.1, 5200.1])
def test_bad_durations(weeks):
    assert "duration_weeks" in errors_of({"age": 40, "duration_weeks": weeks})


def test_unknown_duration_with_both_legs_is_treated_as_new():
    """A missing duration never lowers urgency for pain in both legs."""
    result = assess({"age": 40, "leg_pain": "both_legs"})
    assert result.triage.value == "emergency"
    assert "duration_weeks" in result.unanswered_safety_questions


def test_unknown_duration_from_50_is_soon_either_way():
    assert assess({"age": 60}).triage.value == "soon"
    assert assess({"age": 60, "previous_episodes": True}).triage.value == "self_care"
