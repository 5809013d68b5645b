"""The v2 patterns (spec section 3), the v2 ranking and `display_rows`.

`display_rows` is "one condition, one row": what the app and the report show.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from backcare import assess
from backcare.engine.patterns import (
    ORDER,
    SERIOUS_ORDER,
    PatternRow,
    display_rows,
    match_all,
)
from backcare.engine.results import PatternMatch, Strength
from backcare.engine.wording import pattern_text, triage_text
from tests.answer_sets import all_no
from tests.readability import grade
from tests.strategies import valid_answers


def found(**changes) -> dict[str, PatternMatch]:
    return {p.id: p for p in assess(all_no(**changes)).patterns}


def ids(**changes) -> list[str]:
    return [p.id for p in assess(all_no(**changes)).patterns]


# ---- each v2 pattern, from its rule -------------------------------------------

SYMPTOMS_AT_60 = {"age": 60, "onset": "sudden", "previous_episodes": True}


@pytest.mark.parametrize(
    ("pid", "changes", "strength"),
    [
        ("aortic_aneurysm", {**SYMPTOMS_AT_60, "abdominal_pain": True}, "strong"),
        ("aortic_aneurysm", {"pulsing_in_abdomen": True, "fainting": True}, "strong"),
        ("aortic_aneurysm", {"known_aneurysm": True}, "moderate"),
        ("spinal_bleed", {"anticoagulant": True, "leg_weakness": "one_leg"}, "strong"),
        (
            "spinal_bleed",
            {"anticoagulant": True, "onset": "sudden", "pain_week_worst": 8},
            "moderate",
        ),
        ("kidney", {"pain_in_waves": True, "urine_symptoms": ["blood"]}, "strong"),
        ("kidney", {"fever": True, "areas": ["side"]}, "strong"),
        ("kidney", {"areas": ["side"], "urine_symptoms": ["often"]}, "moderate"),
        ("shingles", {"rash": True}, "strong"),
        ("pregnancy_related", {"pregnant": True}, "moderate"),
        ("not_from_spine", {"abdominal_pain": True}, "weak"),
        ("not_from_spine", {"urine_symptoms": ["burning"]}, "weak"),
        ("not_from_spine", {"areas": ["side"]}, "weak"),
    ],
)
def test_v2_pattern_and_its_strength(pid, changes, strength):
    match = found(**changes)[pid]
    assert match.strength.value == strength
    assert set(match.because) & set(changes)
    assert match.serious is (pid in ("aortic_aneurysm", "spinal_bleed"))


@pytest.mark.parametrize(
    "changes",
    [
        {"pulsing_in_abdomen": True},  # under 50, no fainting
        {"age": 49, "onset": "sudden", "abdominal_pain": True},
        {"anticoagulant": True},
        {"anticoagulant": True, "trauma": "minor", "onset": "sudden", "pain_week_worst": 9},
        {"pain_in_waves": True},
        {"fever": True},
        {"urine_symptoms": ["often"]},  # no side pain, no fever: not kidney (not_from_spine)
    ],
)
def test_no_serious_or_kidney_pattern_without_its_combination(changes):
    assert not {"aortic_aneurysm", "spinal_bleed", "kidney"} & set(ids(**changes))


@pytest.mark.parametrize(
    "changes",
    [
        {**SYMPTOMS_AT_60, "abdominal_pain": True},  # the aneurysm explains the tummy pain
        {"pain_in_waves": True, "abdominal_pain": True},  # kidney stone
        {"areas": ["side"], "urine_symptoms": ["blood"]},  # kidney
    ],
)
def test_not_from_spine_only_when_neither_aneurysm_nor_kidney_applies(changes):
    assert "not_from_spine" not in ids(**changes)


def test_not_from_spine_needs_one_of_its_signs():
    assert "not_from_spine" not in ids()
    assert "not_from_spine" not in ids(areas=["lower_back"], urine_symptoms=[])


def test_not_from_spine_is_the_only_plain_pattern_so_mechanical_pain_is_not_listed():
    """Spec: nonspecific_mechanical only when no other plain pattern applies."""
    changes = {"worse_with": ["bending"], "better_with": ["lying_down"]}
    assert "nonspecific_mechanical" in ids(**changes)
    assert ids(abdominal_pain=True, **changes) == ["not_from_spine"]


def test_a_pregnancy_answer_shows_the_pattern_for_anyone_who_gave_it():
    assert "pregnancy_related" in ids(pregnant=True, sex="male")
    assert "pregnancy_related" not in ids(pregnant=False, sex="female")


def test_spinal_infection_pattern_follows_the_rule_with_diabetes():
    assert "spinal_infection" in ids(fever=True, diabetes=True)
    assert "spinal_infection" not in ids(fever=False, diabetes=True)


# ---- inflammatory supported by spa_features -----------------------------------

INFLAMMATORY = {
    "age": 25,
    "duration_weeks": 26,
    "onset": "gradual",
    "better_with": ["movement"],
    "night_pain": "wakes_eases_on_getting_up",
}


@pytest.mark.parametrize(
    ("features", "supported"),
    [([], False), (["psoriasis"], False), (["psoriasis", "heel_pain"], True)],
)
def test_two_spa_features_support_inflammatory(features, supported):
    match = found(**INFLAMMATORY, spa_features=features)["inflammatory"]
    assert ("spa_features" in match.because) is supported
    assert match.strength is Strength.STRONG  # 4-5 ASAS items: strong, and never above


def test_spa_features_alone_do_not_make_the_pattern():
    assert "inflammatory" not in ids(duration_weeks=26, spa_features=["psoriasis", "heel_pain"])


@pytest.mark.parametrize(
    ("strength", "raised"),
    [
        (Strength.WEAK, Strength.MODERATE),
        (Strength.MODERATE, Strength.STRONG),
        (Strength.STRONG, Strength.STRONG),
    ],
)
def test_raising_a_strength_one_step_never_goes_above_strong(strength, raised):
    assert strength.raised() is raised


# ---- ranking (v2) -------------------------------------------------------------


def test_serious_patterns_rank_by_strength_then_the_spec_sentence():
    # fracture moderate (osteoporosis + minor fall); aneurysm strong (sudden, 60, tummy pain)
    ranked = ids(osteoporosis=True, trauma="minor", abdominal_pain=True, **SYMPTOMS_AT_60)
    assert ranked[:3] == ["aortic_aneurysm", "fracture", "osteoporotic_fracture"]


def test_serious_ties_keep_the_spec_sentence_order():
    # all moderate: fracture, aortic_aneurysm, spinal_bleed, osteoporotic_fracture
    ranked = ids(
        osteoporosis=True,
        trauma="none",
        onset="sudden",
        known_aneurysm=True,
        anticoagulant=True,
        pain_week_worst=9,
    )
    serious = [p for p in ranked if p in SERIOUS_ORDER]
    assert serious == ["fracture", "aortic_aneurysm", "spinal_bleed", "osteoporotic_fracture"]


def test_plain_patterns_rank_by_strength_after_every_serious_one():
    ranked = assess(all_no(rash=True, pregnant=True, known_aneurysm=True)).patterns
    assert [p.id for p in ranked] == ["aortic_aneurysm", "shingles", "pregnancy_related"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_answers())
def test_ranking_is_serious_first_then_by_strength(answers):
    ranked = match_all(assess(answers).answers)
    flags = [p.serious for p in ranked]
    assert flags == sorted(flags, reverse=True)
    for group in (True, False):
        ranks = [p.strength.rank for p in ranked if p.serious is group]
        assert ranks == sorted(ranks, reverse=True)


# ---- one condition, one row ---------------------------------------------------


def rows(**changes) -> tuple[PatternRow, ...]:
    return display_rows(assess(all_no(**changes)).patterns)


MINOR_FALL_WITH_WEAK_BONES = {
    "age": 72,
    "osteoporosis": True,
    "trauma": "minor",
    "onset": "sudden",
    "previous_episodes": True,
}


def test_fracture_and_its_alias_are_one_row_under_the_everyday_name():
    (fracture, strain) = rows(**MINOR_FALL_WITH_WEAK_BONES)
    assert fracture.id == "osteoporotic_fracture"
    assert fracture.ids == ("fracture", "osteoporotic_fracture")
    assert fracture.serious and not fracture.after_ruling_out
    assert strain.id == "muscle_strain"
    assert strain.ruled_out_first == ("osteoporotic_fracture",)
    assert strain.after_ruling_out


def test_after_major_trauma_the_row_is_fracture():
    (row,) = rows(trauma="major")
    assert (row.id, row.ids, row.strength) == ("fracture", ("fracture",), Strength.STRONG)


@pytest.mark.parametrize(
    ("changes", "held", "serious"),
    [
        # kidney stone next to a possible aneurysm: both explain the tummy pain.
        (
            {**SYMPTOMS_AT_60, "abdominal_pain": True, "pain_in_waves": True},
            "kidney",
            ("aortic_aneurysm",),
        ),
        # narrowing around the nerves next to cauda equina: both read the pain in both legs.
        (
            {"age": 70, "leg_pain": "both_legs", "worse_with": ["walking"], "duration_weeks": 2},
            "spinal_stenosis",
            ("cauda_equina",),
        ),
        # a sudden strain on a blood thinner next to a possible bleed.
        (
            {
                "anticoagulant": True,
                "onset": "sudden",
                "pain_week_worst": 9,
                "worse_with": ["lifting"],
            },
            "muscle_strain",
            ("spinal_bleed",),
        ),
    ],
)
def test_a_plain_row_sharing_answers_with_a_serious_one_waits_for_it(changes, held, serious):
    by_id = {r.id: r for r in rows(**changes)}
    assert by_id[held].ruled_out_first == serious
    assert list(by_id).index(held) == len(by_id) - 1  # after every match


@pytest.mark.parametrize(
    "changes",
    [
        # sciatica in one leg beside cauda equina signs: different answers, both shown.
        {"saddle_numbness": True, "leg_pain": "one_leg", "leg_pain_below_knee": True},
        # age-related wear beside a fracture from height loss: they share only the age.
        {
            "age": 75,
            "height_loss": True,
            "onset": "gradual",
            "worse_with": ["standing"],
            "previous_episodes": True,
        },
    ],
)
def test_a_plain_row_with_its_own_answers_stays_a_match(changes):
    assert not any(r.after_ruling_out for r in rows(**changes))


def test_no_serious_pattern_no_held_rows():
    assert all(not r.after_ruling_out for r in rows(rash=True, pregnant=True, areas=["side"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_answers())
def test_display_rows_keep_every_pattern_once(answers):
    patterns = assess(answers).patterns
    shown = display_rows(patterns)
    assert sorted(i for r in shown for i in r.ids) == sorted(p.id for p in patterns)
    assert display_rows(patterns) == shown  # pure
    serious_ids = {r.id for r in shown if r.serious}
    for row in shown:
        assert not (row.serious and row.after_ruling_out)
        assert set(row.ruled_out_first) <= serious_ids
        assert row.id in pattern_text()
        assert row.id in row.ids
    held = [r.after_ruling_out for r in shown]
    assert held == sorted(held)  # matches first, then the held-back group
    assert not ({"fracture", "osteoporotic_fracture"} <= {r.id for r in shown})


def test_display_rows_of_nothing():
    assert display_rows(()) == ()


# ---- wording for v2 -----------------------------------------------------------

V2_PATTERNS = (
    "aortic_aneurysm",
    "spinal_bleed",
    "kidney",
    "shingles",
    "pregnancy_related",
    "not_from_spine",
)
V2_REASONS = (
    "infection_with_nerve_signs",
    "aortic_aneurysm",
    "spinal_bleed",
    "collapse_with_pain",
    "possible_malignancy",
    "kidney_stone",
    "kidney_infection",
    "shingles",
    "pregnancy_warning",
    "abdominal_pulse",
    "urine_symptoms",
    "spa_features",
)


def test_every_v2_pattern_is_in_the_table_order():
    assert set(V2_PATTERNS) <= set(ORDER)


@pytest.mark.parametrize("rule_id", V2_REASONS)
def test_v2_reason_text_reads_at_grade_6_or_below(rule_id):
    text = triage_text().reasons[rule_id]
    assert grade(text) <= 6, text


@pytest.mark.parametrize("pid", V2_PATTERNS)
def test_v2_pattern_summary_reads_at_grade_6_or_below(pid):
    assert grade(pattern_text()[pid].summary) <= 6
