"""The questionnaire data file agrees with the contract and reads plainly."""

from __future__ import annotations

import copy
import itertools

import pytest

from backcare import FIELDS, validate
from backcare.content import questionnaire
from backcare.content.questionnaire import (
    Checklist,
    Question,
    checklist_answers,
    checklist_ticked,
    none_text,
    ticks,
)
from backcare.engine.answers import Kind
from backcare.engine.triage import SAFETY_KEYS
from backcare.engine.wording import load_yaml
from tests.helpers import V2_KEYS
from tests.readability import MAX_GRADE, grade

Q = questionnaire.load()

#: v1 questions whose wording v2 changed.
REWORDED = ("bladder_change", "bowel_change", "trauma", "areas")
#: The brief: every new or reworded question at US grade 6 or below.
MAX_GRADE_V2 = 6.0
#: Keys that can reach emergency on their own or with other answers (spec section 2, v2).
EMERGENCY_V2 = (
    "known_aneurysm",
    "fainting",
    "pulsing_in_abdomen",
    "abdominal_pain",
    "anticoagulant",
    "diabetes",
)


def _all_text(q: Question) -> str:
    labels = [label + "." for _, label in q.choices]
    parts = [q.text, q.help, q.tick + "." if q.tick else "", *labels]
    return " ".join(p for p in [*parts, q.none + "." if q.none else ""] if p)


# --- the contract --------------------------------------------------------------


def test_every_contract_key_is_asked_exactly_once():
    asked = [q.key for s in Q.steps for q in s.questions]
    assert sorted(asked) == sorted(f.key for f in FIELDS)


def test_every_key_is_drawn_exactly_once_by_the_step_items():
    drawn = [
        k
        for s in Q.steps
        for i in s.items
        for k in (i.keys if isinstance(i, Checklist) else (i.key,))
    ]
    assert sorted(drawn) == sorted(f.key for f in FIELDS)


def test_every_choice_has_a_plain_label():
    for f in FIELDS:
        q = Q.questions[f.key]
        assert tuple(v for v, _ in q.choices) == f.choices
        assert all(label.strip() for _, label in q.choices)


def test_every_checklist_box_has_a_label():
    for checklist in Q.checklists.values():
        boxes = ticks(checklist)
        assert len(boxes) >= len(checklist.members) >= 2
        assert all(t.label and t.label != Q.questions[t.key].text for t in boxes), checklist.id
        assert len({t.id for t in boxes}) == len(boxes)


def test_warning_signs_come_early():
    ids = [s.id for s in Q.steps]
    assert ids.index("warning_signs") <= 1


@pytest.mark.parametrize("key", EMERGENCY_V2)
def test_emergency_level_keys_are_asked_by_the_warning_signs_step(key):
    ids = [s.id for s in Q.steps]
    assert ids.index(Q.step_of(key).id) <= ids.index("warning_signs")


def test_safety_questions_follow_the_rules():
    assert {k for k, q in Q.questions.items() if q.safety} == set(SAFETY_KEYS)


# --- when a question is asked --------------------------------------------------


def test_leg_details_only_after_leg_pain():
    assert "leg_pain_below_knee" not in Q.applicable({"age": 40})
    assert "leg_pain_below_knee" not in Q.applicable({"age": 40, "leg_pain": "none"})
    assert "leg_pain_below_knee" in Q.applicable({"age": 40, "leg_pain": "one_leg"})
    assert "weakness_getting_worse" in Q.applicable({"age": 40, "leg_weakness": "both_legs"})


SEXES = ("female", "male", "other", "prefer_not_to_say", None)
AGES = (16, 55, 56, 90, None)


@pytest.mark.parametrize(("sex", "age"), list(itertools.product(SEXES, AGES)))
def test_pregnancy_is_asked_unless_male_or_over_55(sex, age):
    """Spec: asked when sex is not male and age is 55 or under. An unanswered
    sex or age cannot rule pregnancy out, so the question is asked."""
    answers = {k: v for k, v in (("sex", sex), ("age", age)) if v is not None}
    expected = sex != "male" and (age is None or age <= 55)
    assert Q.questions["pregnant"].applies(answers) is expected
    assert ("pregnant" in Q.applicable(answers)) is expected
    shown = {t.key for t in ticks(Q.item_of("pregnant"), answers)}
    assert ("pregnant" in shown) is expected


@pytest.mark.parametrize("age", ["forty", True, [40]])
def test_a_bad_age_before_validation_asks_rather_than_crashes(age):
    assert Q.questions["pregnant"].applies({"age": age, "sex": "female"}) is True
    assert Q.questions["pregnant"].applies({"age": age, "sex": "male"}) is False


def test_pregnancy_answer_is_dropped_when_it_no_longer_applies():
    answers = {"age": 30, "sex": "male", "pregnant": False, "diabetes": False}
    assert Q.prune(answers) == {"age": 30, "sex": "male", "diabetes": False}


@pytest.mark.parametrize(
    ("weeks", "asked"), [(None, True), (6, False), (12, False), (12.5, True), (52, True)]
)
def test_spondyloarthritis_features_asked_only_when_they_can_count(weeks, asked):
    """They count only when duration_weeks > 12 (spec sections 2 and 3)."""
    answers = {"age": 30} if weeks is None else {"age": 30, "duration_weeks": weeks}
    assert Q.questions["spa_features"].applies(answers) is asked


def test_prune_drops_answers_that_no_longer_apply():
    answers = {"age": 40, "leg_pain": "none", "leg_pain_below_knee": True, "fever": False}
    assert Q.prune(answers) == {"age": 40, "leg_pain": "none", "fever": False}


def test_common_path_adds_at_most_two_taps():
    """Acute pain, any sex: the v2 keys cost one tap per screen, two screens."""
    for sex in ("female", "male"):
        answers = {"age": 35, "sex": sex, "duration_weeks": 2}
        items = {
            Q.item_of(k)
            for k in V2_KEYS
            if Q.questions[k].applies(answers) and Q.item_of(k).applies(answers)
        }
        assert len(items) <= 2, [getattr(i, "id", getattr(i, "key", i)) for i in items]


# --- wording that changes outcomes (spec section 1, v2) ------------------------


def test_trauma_choices_carry_the_spec_anchors():
    labels = dict(Q.questions["trauma"].choices)
    for anchor in (
        "higher than your own height",
        "1 metre",
        "5 or more stairs",
        "road accident",
        "hard hit in sport",
    ):
        assert anchor in labels["major"], anchor
    for anchor in ("standing height or less", "lift, push or twist"):
        assert anchor in labels["minor"], anchor


def test_bowel_question_says_constipation_alone_does_not_count():
    q = Q.questions["bowel_change"]
    assert "constipation" in f"{q.text} {q.help}".lower()
    assert "does not count" in q.help


def test_urine_symptoms_are_asked_apart_from_bladder_control():
    bladder, urine = Q.questions["bladder_change"], Q.questions["urine_symptoms"]
    assert bladder.kind is Kind.BOOL and not bladder.checklist
    assert Q.item_of("bladder_change") is not Q.item_of("urine_symptoms")
    assert "control" in bladder.text and "burning or blood" in bladder.help.lower()
    assert "not about control" in urine.help
    checklist = Q.item_of("urine_symptoms")
    assert isinstance(checklist, Checklist)
    assert "not the same as losing control" in checklist.help


def test_side_of_the_back_is_a_place_to_pick():
    assert dict(Q.questions["areas"].choices)["side"].startswith("Side of your back")


def test_blood_thinner_question_names_them_and_leaves_out_aspirin():
    q = Q.questions["anticoagulant"]
    for drug in ("warfarin", "apixaban", "rivaroxaban", "edoxaban", "dabigatran", "heparin"):
        assert drug in q.help
    assert "Aspirin on its own does not count" in q.help
    assert "aspirin" in q.tick
    assert ticks(Q.item_of("anticoagulant"))[0].note == q.help  # shown under its box


def test_spa_features_use_everyday_words():
    labels = dict(Q.questions["spa_features"].choices)
    assert "heel" in labels["heel_pain"].lower() and "tendon" in labels["heel_pain"]
    assert "red, painful eye" in labels["eye_inflammation"]
    assert "scaly skin" in labels["psoriasis"]
    assert "Crohn" in labels["bowel_inflammation"] and "colitis" in labels["bowel_inflammation"]
    assert "parent, brother, sister or" in labels["family_history"]
    assert "Swollen" in labels["other_joints"]


# --- labels --------------------------------------------------------------------


def test_labels():
    assert Q.questions["fever"].label(True) == "Yes"
    assert Q.questions["fever"].label(None) == "Not answered"
    assert Q.questions["leg_pain"].label("one_leg") == "Yes, one leg"
    assert Q.questions["areas"].label(("lower_back", "foot")) == "Lower back, Foot"
    assert Q.questions["duration_weeks"].label(2.5) == "2.5 weeks"
    assert Q.questions["urine_symptoms"].label(()) == "None of these"


# --- checking the file ---------------------------------------------------------


def _broken(mutate) -> list[str]:
    raw = copy.deepcopy(load_yaml("questionnaire.yaml"))
    mutate(raw)
    return questionnaire.check(raw)


def _show_if(key: str, test: dict):
    return lambda r: r["questions"][key].__setitem__("show_if", test)


def _checklists(raw: dict) -> dict:
    return raw["checklists"]


@pytest.mark.parametrize(
    ("mutate", "named"),
    [
        (lambda r: r["questions"].pop("fever"), "fever"),
        (lambda r: r["questions"]["leg_pain"]["choices"].pop("both_legs"), "leg_pain"),
        (lambda r: r["questions"].__setitem__("bladder", {"text": "?"}), "bladder"),
        (lambda r: r["steps"][0]["questions"].append("fever"), "fever"),
        (lambda r: r["questions"]["fever"].__setitem__("colour", "red"), "fever"),
        (_show_if("leg_pain_below_knee", {"leg_pain": ["left"]}), "leg_pain_below_knee"),
        # the v2 show_if tests
        (_show_if("pregnant", {"sex": {"not": ["man"]}}), "pregnant"),
        (_show_if("pregnant", {"age": {"at_most": "55"}}), "pregnant"),
        (_show_if("pregnant", {"age": {"at_most": True}}), "pregnant"),
        (_show_if("pregnant", {"age": {"up_to": 55}}), "pregnant"),
        (_show_if("pregnant", {"age": {"at_most": 55, "at_least": 16}}), "pregnant"),
        (_show_if("pregnant", {"sex": {"at_most": 55}}), "pregnant"),
        (_show_if("pregnant", {"age": {"not": [55]}}), "pregnant"),
        (_show_if("pregnant", {"height": {"at_most": 2}}), "pregnant"),
        (_show_if("pregnant", {"onset": ["sudden"]}), "pregnant"),  # asked later
        (_show_if("pregnant", {"diabetes": ["yes"]}), "pregnant"),  # a bool has no values
        (_show_if("pregnant", "sex is female"), "pregnant"),
        # checklists
        (lambda r: r["steps"][1]["questions"].append("fainting"), "fainting"),
        (lambda r: _checklists(r)["other_signs"]["items"].remove("rash"), "rash"),
        (lambda r: _checklists(r)["other_signs"]["items"].append("onset"), "other_signs"),
        (lambda r: _checklists(r)["other_signs"]["items"].append("spooky"), "other_signs"),
        (lambda r: _checklists(r)["other_signs"].pop("none"), "other_signs"),
        (lambda r: _checklists(r)["other_signs"].pop("others"), "other_signs"),
        (lambda r: _checklists(r)["other_signs"].__setitem__("shape", "round"), "other_signs"),
        (lambda r: _checklists(r)["other_signs"].__setitem__("items", ["rash"]), "other_signs"),
        (lambda r: r["steps"][1]["questions"].remove("other_signs"), "other_signs"),
        (lambda r: r["steps"][0]["questions"].append("other_signs"), "other_signs"),
        (lambda r: _checklists(r).__setitem__("fever", _checklists(r)["other_signs"]), "fever"),
        (lambda r: r["questions"]["rash"].pop("tick"), "rash"),
        (lambda r: r["questions"]["fever"].__setitem__("tick", "I have a fever"), "fever"),
        (lambda r: r["questions"]["urine_symptoms"].pop("none"), "urine_symptoms"),
        (lambda r: r["questions"]["fever"].__setitem__("none", "None"), "fever"),
        (lambda r: r["steps"][2]["questions"].append({"checklist": "x"}), "{'checklist'"),
        (lambda r: r["steps"].append("a step"), "step 7"),
    ],
)
def test_check_names_each_problem(mutate, named):
    problems = _broken(mutate)
    assert problems
    assert any(p.startswith(named) for p in problems), problems


def test_check_survives_any_shape():
    for raw in (None, [], {"steps": "x"}, {"steps": [], "questions": []}):
        assert questionnaire.check(raw)
    assert questionnaire.check({"steps": [], "questions": {}, "checklists": []})


def test_the_shipped_file_has_no_problems():
    assert questionnaire.check(load_yaml("questionnaire.yaml")) == []


# --- tick boxes <-> answers ----------------------------------------------------

OTHER = Q.checklists["other_signs"]
FACTS = Q.checklists["health_facts"]
URINE = Q.questions["urine_symptoms"]
SPA = Q.questions["spa_features"]
ITEMS = [OTHER, FACTS, URINE, SPA]
ITEM_IDS = ["other_signs", "health_facts", "urine_symptoms", "spa_features"]


def _subsets(ids: list[str]):
    return itertools.chain.from_iterable(
        itertools.combinations(ids, n) for n in range(len(ids) + 1)
    )


@pytest.mark.parametrize("item", ITEMS, ids=ITEM_IDS)
def test_tick_boxes_round_trip(item):
    """ticked -> answers -> ticked gives back the boxes, and the answers survive
    the trip. "None" comes back as given whenever it changes the answers."""
    ids = [t.id for t in ticks(item)]
    for ticked in _subsets(ids):
        for none_apply in (False, True):
            answers = checklist_answers(item, set(ticked), none_apply)
            back, back_none = checklist_ticked(item, answers)
            assert back == frozenset(ticked)
            assert checklist_answers(item, back, back_none) == answers
            matters = answers != checklist_answers(item, set(ticked), not none_apply)
            if matters:
                assert back_none is none_apply
            validate({"age": 40, **answers})  # always a valid answer set


@pytest.mark.parametrize("item", ITEMS, ids=ITEM_IDS)
def test_unticked_means_no_only_when_confirmed(item):
    keys = item.keys if isinstance(item, Checklist) else (item.key,)
    assert checklist_answers(item, set(), none_apply=False) == {}
    none = checklist_answers(item, set(), none_apply=True)
    assert set(none) == set(keys)
    assert all(v is False or v == () for v in none.values())
    for ticked in _subsets([t.id for t in ticks(item)]):
        answers = checklist_answers(item, set(ticked), none_apply=False)
        assert all(v is True or (isinstance(v, tuple) and v) for v in answers.values())


def test_checklist_answers_by_example():
    ticked = {"fainting", "urine_symptoms.blood", "urine_symptoms.burning"}
    assert checklist_answers(OTHER, ticked, none_apply=False) == {
        "fainting": True,
        "urine_symptoms": ("burning", "blood"),
    }
    assert checklist_answers(OTHER, {"rash"}, none_apply=True) == {
        "fainting": False,
        "pulsing_in_abdomen": False,
        "abdominal_pain": False,
        "pain_in_waves": False,
        "rash": True,
        "urine_symptoms": (),
        "getting_worse": False,
    }
    assert checklist_answers(URINE, {"urine_symptoms.often"}, none_apply=True) == {
        "urine_symptoms": ("often",)
    }


def test_members_that_do_not_apply_get_no_answer():
    man = {"age": 40, "sex": "male"}
    answers = checklist_answers(FACTS, set(), none_apply=True, answers=man)
    assert answers == {"anticoagulant": False, "diabetes": False, "known_aneurysm": False}
    woman = {"age": 40, "sex": "female"}
    assert checklist_answers(FACTS, set(), none_apply=True, answers=woman)["pregnant"] is False
    # A box of a hidden member (stale page state) is ignored, not recorded.
    assert "pregnant" not in checklist_answers(FACTS, {"pregnant"}, False, answers=man)


def test_a_partial_set_of_no_answers_is_never_shown_as_none_of_these():
    answers = {"fainting": False}  # e.g. asked alone as an open safety question
    assert checklist_ticked(OTHER, answers) == (frozenset(), False)
    assert checklist_ticked(URINE, {}) == (frozenset(), False)
    assert checklist_ticked(URINE, {"urine_symptoms": ()}) == (frozenset(), True)


def test_list_answers_stored_as_lists_read_back_the_same():
    """Pages keep list answers as JSON lists; the inverse must read them too."""
    stored = {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in checklist_answers(OTHER, {"urine_symptoms.blood"}, none_apply=True).items()
    }
    assert checklist_ticked(OTHER, stored) == (frozenset({"urine_symptoms.blood"}), True)
    assert checklist_ticked(URINE, {"urine_symptoms": []}) == (frozenset(), True)


def test_unknown_tick_box_is_one_clear_error():
    with pytest.raises(ValueError, match=r"other_signs: unknown tick boxes \['blood'\]"):
        checklist_answers(OTHER, {"blood"}, none_apply=False)
    with pytest.raises(ValueError, match="fever: only a checklist or a list question"):
        checklist_answers(Q.questions["fever"], set(), none_apply=True)


def test_none_box_label_follows_the_ticks():
    assert none_text(OTHER, set()) == OTHER.none_label
    assert none_text(OTHER, {"rash"}) == OTHER.others_label
    assert none_text(URINE, set()) == "None of these"


def test_item_of_finds_the_checklist():
    assert Q.item_of("fainting") is OTHER
    assert Q.item_of("fever") is Q.questions["fever"]
    assert Q.questions["fainting"].checklist == "other_signs"


# --- readability ---------------------------------------------------------------


@pytest.mark.parametrize("key", [f.key for f in FIELDS])
def test_question_reads_at_grade_8_or_below(key):
    text = _all_text(Q.questions[key])
    assert grade(text) <= MAX_GRADE, text


@pytest.mark.parametrize("key", V2_KEYS + REWORDED)
def test_v2_question_reads_at_grade_6_or_below(key):
    text = _all_text(Q.questions[key])
    assert grade(text) <= MAX_GRADE_V2, text


@pytest.mark.parametrize("checklist", list(Q.checklists.values()), ids=lambda c: c.id)
def test_checklist_reads_at_grade_6_or_below(checklist):
    text = f"{checklist.text} {checklist.help} {checklist.none_label}. {checklist.others_label}."
    assert grade(text) <= MAX_GRADE_V2, text


@pytest.mark.parametrize("step", Q.steps, ids=[s.id for s in Q.steps])
def test_step_intro_reads_plainly(step):
    assert grade(f"{step.title}. {step.intro}") <= MAX_GRADE


def test_condition_words_for_the_docs():
    pregnant = Q.questions["pregnant"]
    words = " and ".join(c.describe() for c in pregnant.show_if)
    assert words == (
        "`sex` is not male (or not answered yet) and `age` is 55 or less (or not answered yet)"
    )
    assert Q.questions["leg_pain_below_knee"].show_if[0].describe() == (
        "`leg_pain` is one_leg or both_legs"
    )


def test_items_for_groups_open_questions_by_checklist():
    keys = ["rash", "fever", "fainting", "diabetes", "urine_symptoms", "age"]
    items = Q.items_for(keys)
    assert [type(i).__name__ for i in items] == ["Question", "Question", "Question", "Checklist"]
    age, diabetes, fever, other = items
    assert (age.key, diabetes.key, fever.key) == ("age", "diabetes", "fever")
    assert other.id == "other_signs"
    assert other.keys == ("fainting", "rash", "urine_symptoms")
    assert checklist_answers(other, set(), none_apply=True) == {
        "fainting": False,
        "rash": False,
        "urine_symptoms": (),
    }
    assert Q.items_for([]) == ()
