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


# ---- v2 keys (spec section 1) --------------------------------------------------

V2_VALID = {
    "getting_worse": True,
    "anticoagulant": False,
    "diabetes": True,
    "pregnant": False,
    "abdominal_pain": True,
    "pulsing_in_abdomen": False,
    "known_aneurysm": False,
    "fainting": False,
    "urine_symptoms": ["often", "burning", "blood"],
    "pain_in_waves": False,
    "rash": False,
    "spa_features": [
        "other_joints",
        "heel_pain",
        "eye_inflammation",
        "psoriasis",
        "bowel_inflammation",
        "family_history",
    ],
    "areas": ["side", "lower_back"],
}


def test_every_v2_key_and_value_is_accepted():
    clean = validate({"age": 40, **V2_VALID})
    assert clean["urine_symptoms"] == ("burning", "blood", "often")
    assert clean["areas"] == ("lower_back", "side")
    assert len(clean["spa_features"]) == 6


def test_bad_v2_answers_are_all_named_at_once():
    problems = errors_of(
        {
            "age": 40,
            "pregnant": "yes",
            "urine_symptoms": ["sting"],
            "areas": ["flank"],
            "spa_features": "psoriasis",
            "anticoagulant": "apixaban",
            "rash": 1,
        }
    )
    assert set(problems) == {
        "pregnant",
        "urine_symptoms",
        "areas",
        "spa_features",
        "anticoagulant",
        "rash",
    }
    assert "true or false" in problems["pregnant"]
    assert "burning, blood, often" in problems["urine_symptoms"]
    assert "side" in problems["areas"]
    assert "heel_pain" in problems["spa_features"]


# ---- numbers too big for a float, or to print: one clear error, never a traceback ----

HUGE = [10**309, -(10**309), 10**5000, -(10**5000), 2**1024]
HUGE_IDS = ["1e309", "-1e309", "1e5000", "-1e5000", "2**1024"]


@pytest.mark.parametrize("value", HUGE, ids=HUGE_IDS)
@pytest.mark.parametrize("key", ["age", "pain_now", "pain_week_worst", "duration_weeks"])
def test_huge_whole_numbers_are_out_of_range(key, value):
    answers = {"age": 40, key: value}
    problems = errors_of(answers)
    assert list(problems) == [key]
    assert "digits long" in problems[key]
    assert "allowed" in problems[key]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), 1e308, -1e308])
@pytest.mark.parametrize("key", ["age", "pain_now", "pain_week_worst", "duration_weeks"])
def test_non_finite_and_huge_floats_are_rejected(key, value):
    assert list(errors_of({"age": 40, key: value})) == [key]


def test_a_huge_number_is_named_beside_other_errors():
    problems = errors_of({"age": 10**5000, "pain_now": float("nan"), "fevr": True})
    assert set(problems) == {"age", "pain_now", "fevr"}


def test_a_huge_unknown_key_is_named_without_failing():
    with pytest.raises(ValidationError) as caught:
        validate({"age": 40, 10**5000: True})
    assert "digits long" in str(caught.value)


@pytest.mark.parametrize(("key", "value"), [("duration_weeks", 5200), ("pain_now", 10)])
def test_the_top_of_each_range_is_allowed(key, value):
    assert validate({"age": 40, key: value})[key] == value
