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
}
#: Warning-sign answers: yes/no keys used by an emergency or urgent rule, and the
#: psychosocial items.
WARNING_KEYS = sorted(
    {k for k in SPEC_SAFETY_KEYS if FIELD_BY_KEY[k].kind is Kind.BOOL} | set(PSYCHOSOCIAL_ITEMS)
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
@given(valid_answers(), st.sampled_from(BOOL_KEYS))
def test_not_answering_is_never_calmer_than_no(answers, key):
    absent = {k: v for k, v in answers.items() if k != key}
    assert rank(absent) >= rank({**answers, key: False})


@SETTINGS
@given(valid_answers())
def test_every_missing_safety_key_is_listed(answers):
    result = assess(answers)
    assert set(result.unanswered_safety_questions) == SPEC_SAFETY_KEYS - set(answers)
    assert set(result.open_safety_questions) <= set(result.unanswered_safety_questions)


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
