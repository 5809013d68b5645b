"""The questionnaire data file agrees with the contract and reads plainly."""

from __future__ import annotations

import copy

import pytest

from backcare import FIELDS
from backcare.content import questionnaire
from backcare.engine.triage import SAFETY_KEYS
from backcare.engine.wording import load_yaml
from tests.readability import MAX_GRADE, grade

Q = questionnaire.load()


def test_every_contract_key_is_asked_exactly_once():
    asked = [q.key for s in Q.steps for q in s.questions]
    assert sorted(asked) == sorted(f.key for f in FIELDS)


def test_every_choice_has_a_plain_label():
    for f in FIELDS:
        q = Q.questions[f.key]
        assert tuple(v for v, _ in q.choices) == f.choices
        assert all(label.strip() for _, label in q.choices)


def test_warning_signs_come_early():
    ids = [s.id for s in Q.steps]
    assert ids.index("warning_signs") <= 1


def test_safety_questions_follow_the_rules():
    assert {k for k, q in Q.questions.items() if q.safety} == set(SAFETY_KEYS)


def test_leg_details_only_after_leg_pain():
    assert "leg_pain_below_knee" not in Q.applicable({"age": 40})
    assert "leg_pain_below_knee" not in Q.applicable({"age": 40, "leg_pain": "none"})
    assert "leg_pain_below_knee" in Q.applicable({"age": 40, "leg_pain": "one_leg"})
    assert "weakness_getting_worse" in Q.applicable({"age": 40, "leg_weakness": "both_legs"})


def test_prune_drops_answers_that_no_longer_apply():
    answers = {"age": 40, "leg_pain": "none", "leg_pain_below_knee": True, "fever": False}
    assert Q.prune(answers) == {"age": 40, "leg_pain": "none", "fever": False}


def test_labels():
    assert Q.questions["fever"].label(True) == "Yes"
    assert Q.questions["fever"].label(None) == "Not answered"
    assert Q.questions["leg_pain"].label("one_leg") == "Yes, one leg"
    assert Q.questions["areas"].label(("lower_back", "foot")) == "Lower back, Foot"
    assert Q.questions["duration_weeks"].label(2.5) == "2.5 weeks"


def _broken(mutate) -> list[str]:
    raw = copy.deepcopy(load_yaml("questionnaire.yaml"))
    mutate(raw)
    return questionnaire.check(raw)


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda r: r["questions"].pop("fever"), "fever"),
        (lambda r: r["questions"]["leg_pain"]["choices"].pop("both_legs"), "leg_pain"),
        (lambda r: r["questions"].__setitem__("bladder", {"text": "?"}), "bladder"),
        (lambda r: r["steps"][0]["questions"].append("fever"), "fever"),
        (lambda r: r["questions"]["fever"].__setitem__("colour", "red"), "fever"),
        (
            lambda r: r["questions"]["leg_pain_below_knee"].__setitem__(
                "show_if", {"leg_pain": ["left"]}
            ),
            "leg_pain_below_knee",
        ),
    ],
)
def test_check_names_each_problem(mutate, named):
    problems = _broken(mutate)
    assert problems
    assert any(p.startswith(named) for p in problems), problems


def test_the_shipped_file_has_no_problems():
    assert questionnaire.check(load_yaml("questionnaire.yaml")) == []


@pytest.mark.parametrize("key", [f.key for f in FIELDS])
def test_question_reads_at_grade_8_or_below(key):
    q = Q.questions[key]
    text = " ".join([q.text, q.help, *(label + "." for _, label in q.choices)])
    assert grade(text) <= MAX_GRADE, text


@pytest.mark.parametrize("step", Q.steps, ids=[s.id for s in Q.steps])
def test_step_intro_reads_plainly(step):
    assert grade(f"{step.title}. {step.intro}") <= MAX_GRADE
