"""Unanswered and open safety questions for the v2 rules (spec section 2).

A question is "open" when its answer could still raise the level given the
other answers. Counting rules ("two or more of") stay open only while the
unknown items could still reach the count.
"""

from __future__ import annotations

import pytest

from backcare import assess
from backcare.engine.logic import at_least_n, yes
from tests.answer_sets import all_no


def without(*keys: str, **changes) -> dict:
    answers = all_no(**changes)
    for key in keys:
        del answers[key]
    return answers


def open_of(*keys: str, **changes) -> tuple[str, ...]:
    return assess(without(*keys, **changes)).open_safety_questions


# ---- "two or more of" with unknown items --------------------------------------

MALIGNANCY_KEYS = (
    "areas",
    "night_pain",
    "pain_constant",
    "getting_worse",
    "unexplained_weight_loss",
)


@pytest.mark.parametrize("missing", MALIGNANCY_KEYS)
def test_one_flag_and_one_unknown_is_open(missing):
    flag = "pain_constant" if missing == "getting_worse" else "getting_worse"
    result = assess(without(missing, age=60, previous_episodes=True, **{flag: True}))
    assert result.triage.value in ("self_care", "soon")
    assert missing in result.open_safety_questions


@pytest.mark.parametrize("missing", ["night_pain", "pain_constant", "getting_worse"])
def test_no_flag_and_one_unknown_is_closed(missing):
    """With every other flag "no", one unknown item can reach 1, never 2.

    (`areas` and `unexplained_weight_loss` are left out: other rules read them.)
    """
    result = assess(without(missing, age=60, previous_episodes=True))
    assert missing in result.unanswered_safety_questions
    assert missing not in result.open_safety_questions


def test_two_unknown_flags_with_none_true_are_both_open():
    result = assess(without("pain_constant", "getting_worse", age=60, previous_episodes=True))
    assert {"pain_constant", "getting_worse"} <= set(result.open_safety_questions)


def test_under_50_the_flags_are_closed():
    assert "getting_worse" not in open_of("getting_worse", age=49, pain_constant=True)


def test_unanswered_night_pain_is_not_a_flag_but_stays_open():
    result = assess(without("night_pain", age=60, getting_worse=True, previous_episodes=True))
    assert result.triage.value == "self_care"
    assert "night_pain" in result.open_safety_questions


@pytest.mark.parametrize(
    ("truths", "expected"),
    [
        ((True, True, False), True),
        ((True, None, False), None),
        ((None, None, False), None),
        ((True, False, False), False),
        ((None, False, False), False),
        ((False, False, False), False),
    ],
)
def test_at_least_two_is_three_valued(truths, expected):
    answers = {f"k{i}": t for i, t in enumerate(truths) if t is not None}
    cond = at_least_n(2, yes("k0"), yes("k1"), yes("k2"))
    assert cond.truth(answers) is expected
    missing = {f"k{i}" for i, t in enumerate(truths) if t is None}
    assert set(cond.open_keys(answers)) == (missing if expected is None else set())


# ---- other v2 rules -----------------------------------------------------------


def test_blood_thinner_is_open_beside_one_weak_leg():
    result = assess(without("anticoagulant", leg_weakness="one_leg"))
    assert result.triage.value == "urgent"
    assert "anticoagulant" in result.open_safety_questions


def test_blood_thinner_is_closed_without_nerve_signs_or_sudden_severe_pain():
    assert "anticoagulant" not in open_of("anticoagulant")


def test_pulsing_is_open_after_fainting_and_closed_otherwise_under_50():
    assert "pulsing_in_abdomen" in open_of("pulsing_in_abdomen", fainting=True)
    assert "pulsing_in_abdomen" not in open_of("pulsing_in_abdomen")


def test_urine_symptoms_open_at_self_care_closed_once_urgent():
    assert "urine_symptoms" in open_of("urine_symptoms")  # could reach "soon"
    assert "urine_symptoms" not in open_of("urine_symptoms", fever=True)  # already urgent


def test_emergency_leaves_nothing_open():
    result = assess({"age": 40, "known_aneurysm": True})
    assert result.triage.value == "emergency"
    assert result.open_safety_questions == ()
    assert "fever" in result.unanswered_safety_questions


# ---- pregnancy is asked only when it can apply (spec section 1) ----------------


@pytest.mark.parametrize(
    ("sex", "age", "listed"),
    [
        ("female", 30, True),
        ("other", 55, True),
        ("prefer_not_to_say", 16, True),
        (None, 40, True),  # sex not answered: it may apply
        ("female", 56, False),
        ("male", 30, False),
    ],
)
def test_pregnancy_listed_only_where_it_is_asked(sex, age, listed):
    answers = without("pregnant", age=age, abdominal_pain=True, previous_episodes=True)
    if sex is None:
        del answers["sex"]
    else:
        answers["sex"] = sex
    result = assess(answers)
    assert ("pregnant" in result.unanswered_safety_questions) is listed
    assert ("pregnant" in result.open_safety_questions) is listed


def test_spa_features_are_not_safety_questions():
    result = assess(without("spa_features", duration_weeks=20))
    assert "spa_features" not in result.unanswered_safety_questions
