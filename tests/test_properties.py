"""Properties over the whole answer space (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import ValidationError, assess
from backcare.engine.answers import FIELD_BY_KEY, Kind
from backcare.engine.scores import PSYCHOSOCIAL_ITEMS
from backcare.engine.triage import SAFETY_KEYS
from tests.strategies import KEYS_AND_INVALID, valid_answers, valid_value

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Read off spec section 2 by hand (every key an emergency or urgent rule uses),
#: so the engine's own derivation is checked against the contract text.
SPEC_SAFETY_KEYS = {
    "saddle_numbness",
    "bladder_change",
    "bowel_change",
    "sexual_change",
    "leg_weakness",
    "leg_numbness",
    "leg_pain",
    "duration_weeks",
    "weakness_getting_worse",
    "walking_unsteady",
    "trauma",
    "cancer_history",
    "fever",
    "iv_drug_use",
    "immunosuppressed",
    "recent_infection_or_procedure",
    "feels_unwell",
    "osteoporosis",
    "long_term_steroids",
    "age",
    "onset",
    "unexplained_weight_loss",
    "night_pain",
    "pain_constant",
    # v2
    "diabetes",
    "known_aneurysm",
    "abdominal_pain",
    "pulsing_in_abdomen",
    "fainting",
    "anticoagulant",
    "pain_week_worst",
    "areas",
    "getting_worse",
    "pain_in_waves",
    "urine_symptoms",
    "rash",
    "pregnant",
}
#: Warning-sign answers: yes/no keys used by an emergency or urgent rule, the
#: psychosocial items, and the v2 soon-level signs.
WARNING_KEYS = sorted(
    {k for k in SPEC_SAFETY_KEYS if FIELD_BY_KEY[k].kind is Kind.BOOL}
    | set(PSYCHOSOCIAL_ITEMS)
    | {"height_loss", "spine_curve"}
)
#: List answers whose every item is a warning sign (one more ticked never calms).
WARNING_ITEMS = (
    [("urine_symptoms", c) for c in FIELD_BY_KEY["urine_symptoms"].choices]
    + [("spa_features", c) for c in FIELD_BY_KEY["spa_features"].choices]
    + [
        ("areas", "upper_back"),
        ("areas", "side"),
    ]
)
BOOL_KEYS = [k for k, f in FIELD_BY_KEY.items() if f.kind is Kind.BOOL]


def rank(answers: dict) -> int:
    return assess(answers).triage.rank


def test_safety_keys_match_the_spec():
    assert set(SAFETY_KEYS) == SPEC_SAFETY_KEYS


@SETTINGS
@given(valid_answers())
def test_valid_input_never_raises(answers):
    result = assess(answers)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["triage"] in ("emergency", "urgent", "soon", "self_care")
    assert [r["level"] for r in data["reasons"]] == sorted(
        (r["level"] for r in data["reasons"]),
        key=["emergency", "urgent", "soon", "self_care"].index,
    )
    if data["reasons"]:
        assert data["reasons"][0]["level"] == data["triage"]
    else:
        assert data["triage"] == "self_care"


@SETTINGS
@given(valid_answers(), st.sampled_from(WARNING_KEYS))
def test_a_warning_sign_never_lowers_the_level(answers, key):
    with_yes = rank({**answers, key: True})
    assert with_yes >= rank({**answers, key: False})
    assert with_yes >= rank({k: v for k, v in answers.items() if k != key})


@SETTINGS
@given(valid_answers(), st.sampled_from(WARNING_ITEMS))
def test_one_more_warning_item_never_lowers_the_level(answers, key_and_item):
    key, item = key_and_item
    before = tuple(answers.get(key) or ())
    with_item = rank({**answers, key: [*before, item]})
    assert with_item >= rank({**answers, key: [i for i in before if i != item]})


@SETTINGS
@given(valid_answers(), st.sampled_from(BOOL_KEYS))
def test_not_answering_is_never_calmer_than_no(answers, key):
    absent = {k: v for k, v in answers.items() if k != key}
    assert rank(absent) >= rank({**answers, key: False})


@SETTINGS
@given(valid_answers(), st.sampled_from(["areas", "urine_symptoms", "spa_features"]))
def test_not_answering_a_list_is_never_calmer_than_none_ticked(answers, key):
    absent = {k: v for k, v in answers.items() if k != key}
    assert rank(absent) >= rank({**answers, key: []})


def pregnancy_asked(answers: dict) -> bool:
    """Spec section 1: asked only when sex is not male and age is 55 or under."""
    return answers.get("sex") != "male" and answers["age"] <= 55


@SETTINGS
@given(valid_answers())
def test_every_missing_safety_key_is_listed(answers):
    result = assess(answers)
    expected = SPEC_SAFETY_KEYS - set(answers)
    if not pregnancy_asked(answers):
        expected.discard("pregnant")
    assert set(result.unanswered_safety_questions) == expected
    assert set(result.open_safety_questions) <= set(result.unanswered_safety_questions)


@SETTINGS
@given(valid_answers(), st.data())
def test_a_pregnancy_question_not_asked_changes_nothing(answers, data):
    """Unasked (a man, or over 55) and unanswered reads as "no", and is not open."""
    answers = {k: v for k, v in answers.items() if k != "pregnant"}
    answers["sex"] = "male" if data.draw(st.booleans()) else answers.get("sex", "female")
    if pregnancy_asked(answers):
        answers["age"] = data.draw(st.integers(56, 110))
    result = assess(answers)
    assert result.to_dict() == assess({**answers, "pregnant": False}).to_dict()
    assert "pregnant" not in result.unanswered_safety_questions


@SETTINGS
@given(valid_answers(), st.data())
def test_answering_a_closed_question_never_raises_the_level(answers, data):
    """Unanswered safety questions that are not "open" cannot change the outcome upward."""
    result = assess(answers)
    closed = sorted(set(result.unanswered_safety_questions) - set(result.open_safety_questions))
    if not closed:
        return
    key = data.draw(st.sampled_from(closed))
    value = data.draw(valid_value(FIELD_BY_KEY[key]))
    assert rank({**answers, key: value}) <= result.triage.rank


@SETTINGS
@given(valid_answers())
def test_open_questions_can_still_raise_the_level(answers):
    """When questions are open, some answers to the unanswered ones raise the level."""
    result = assess(answers)
    if not result.open_safety_questions:
        return
    raising = {k: worst_value(FIELD_BY_KEY[k]) for k in result.unanswered_safety_questions}
    assert rank({**answers, **raising}) > result.triage.rank


def worst_value(field) -> object:
    """The answer to a safety question that most often raises urgency."""
    worst = {
        "leg_pain": "both_legs",
        "leg_numbness": "one_leg",
        "leg_weakness": "one_leg",
        "onset": "sudden",
        "trauma": "none",
        "night_pain": "wakes_eases_on_getting_up",
    }
    if field.key in worst:
        return worst[field.key]
    if field.kind is Kind.BOOL:
        return True
    if field.kind is Kind.MULTI:
        return list(field.choices)
    if field.key == "duration_weeks":
        return 1
    return field.maximum


@SETTINGS
@given(valid_answers(), KEYS_AND_INVALID)
def test_every_invalid_value_is_named(answers, key_and_value):
    key, value = key_and_value
    try:
        assess({**answers, key: value})
    except ValidationError as exc:
        assert key in exc.keys
        assert key in str(exc)
    else:
        raise AssertionError(f"{key}={value!r} was accepted")


@SETTINGS
@given(valid_answers(), st.text(min_size=1, max_size=12))
def test_unknown_keys_are_errors(answers, key):
    if key in FIELD_BY_KEY:
        return
    try:
        assess({**answers, key: True})
    except ValidationError as exc:
        assert key in exc.keys
    else:
        raise AssertionError(f"unknown key {key!r} was accepted")
