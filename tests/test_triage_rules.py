"""Each emergency and urgent rule alone, with every other answer "no"; and
every threshold of the spec, on both sides."""

from __future__ import annotations

import pytest

from backcare import assess
from backcare.engine.triage import RULES
from tests.answer_sets import all_no


def level(**changes) -> str:
    return assess(all_no(**changes)).triage.value


def reason_ids(**changes) -> set[str]:
    return {r.id for r in assess(all_no(**changes)).reasons}


def pattern_ids(**changes) -> list[str]:
    return [p.id for p in assess(all_no(**changes)).patterns]


def test_baseline_is_self_care_with_nothing_unanswered():
    result = assess(all_no())
    assert result.triage.value == "self_care"
    assert result.reasons == ()
    assert result.unanswered_safety_questions == ()


# (rule id, level, the answers that should trigger it on their own)
ALONE = [
    ("cauda_equina_signs", "emergency", {"saddle_numbness": True}),
    ("cauda_equina_signs", "emergency", {"bladder_change": True}),
    ("cauda_equina_signs", "emergency", {"bowel_change": True}),
    ("cauda_equina_signs", "emergency", {"sexual_change": True}),
    ("both_legs_affected", "emergency", {"leg_weakness": "both_legs"}),
    ("both_legs_affected", "emergency", {"leg_numbness": "both_legs"}),
    ("new_pain_both_legs", "emergency", {"leg_pain": "both_legs", "duration_weeks": 2}),
    (
        "progressive_weakness",
        "emergency",
        {"weakness_getting_worse": True, "leg_weakness": "one_leg"},
    ),
    ("progressive_weakness", "emergency", {"walking_unsteady": True, "leg_weakness": "one_leg"}),
    ("progressive_weakness", "emergency", {"walking_unsteady": True, "leg_numbness": "one_leg"}),
    ("major_trauma", "emergency", {"trauma": "major"}),
    ("cord_compression", "emergency", {"cancer_history": True, "leg_weakness": "one_leg"}),
    ("cord_compression", "emergency", {"cancer_history": True, "leg_numbness": "one_leg"}),
    ("cord_compression", "emergency", {"cancer_history": True, "walking_unsteady": True}),
    ("spinal_infection", "emergency", {"fever": True, "iv_drug_use": True}),
    ("spinal_infection", "emergency", {"fever": True, "immunosuppressed": True}),
    ("spinal_infection", "emergency", {"fever": True, "recent_infection_or_procedure": True}),
    ("cancer_history", "urgent", {"cancer_history": True}),
    ("fever_or_unwell", "urgent", {"fever": True}),
    ("fever_or_unwell", "urgent", {"feels_unwell": True}),
    ("possible_fracture", "urgent", {"osteoporosis": True, "trauma": "minor"}),
    ("possible_fracture", "urgent", {"long_term_steroids": True, "onset": "sudden"}),
    ("possible_fracture", "urgent", {"age": 70, "onset": "sudden"}),
    ("one_leg_weak", "urgent", {"leg_weakness": "one_leg"}),
    ("weight_loss_red_flag", "urgent", {"unexplained_weight_loss": True, "age": 50}),
    (
        "weight_loss_red_flag",
        "urgent",
        {"unexplained_weight_loss": True, "night_pain": "constant_not_eased"},
    ),
    ("non_mechanical_pain", "urgent", {"pain_constant": True, "night_pain": "constant_not_eased"}),
    ("not_improving", "soon", {"duration_weeks": 6}),
    ("new_pain_over_50", "soon", {"age": 50}),
    ("weight_loss", "soon", {"unexplained_weight_loss": True}),
    ("height_loss_or_curve", "soon", {"height_loss": True}),
    ("height_loss_or_curve", "soon", {"spine_curve": True}),
    ("risk_factor", "soon", {"immunosuppressed": True}),
    ("risk_factor", "soon", {"iv_drug_use": True}),
    ("risk_factor", "soon", {"long_term_steroids": True}),
    ("thoracic_pain", "soon", {"areas": ["upper_back"]}),
    (
        "psychosocial_high",
        "soon",
        {"fear_of_activity": True, "worry": True, "catastrophising": True, "low_mood": True},
    ),
]


@pytest.mark.parametrize(
    ("rule", "expected", "changes"), ALONE, ids=[f"{r}-{'-'.join(c)}" for r, _, c in ALONE]
)
def test_rule_alone(rule, expected, changes):
    result = assess(all_no(**changes))
    assert result.triage.value == expected
    fired = {r.id: r for r in result.reasons}
    assert rule in fired
    assert fired[rule].level.value == expected
    because = set(fired[rule].because)
    assert because & set(changes), "the reason names the answers that triggered it"
    assert because <= set(all_no(**changes)), "the reason names only answered keys"
    assert fired[rule].text


def test_every_emergency_and_urgent_rule_is_covered_by_the_table():
    covered = {rule for rule, _, _ in ALONE}
    assert {r.id for r in RULES if r.level.value in ("emergency", "urgent")} <= covered


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"leg_weakness": "one_leg", "weakness_getting_worse": False}, "urgent"),
        ({"walking_unsteady": True}, "self_care"),  # unsteady alone, no leg signs: not this rule
        ({"weakness_getting_worse": True}, "self_care"),  # "worse" with no weakness is moot
        ({"fever": True, "iv_drug_use": False}, "urgent"),
        ({"osteoporosis": True}, "self_care"),  # no fall, not sudden: no rule (spec section 2)
        ({"osteoporosis": True, "trauma": "minor"}, "urgent"),
        ({"unexplained_weight_loss": True, "age": 49}, "soon"),
        ({"pain_constant": True}, "self_care"),
        ({"night_pain": "constant_not_eased"}, "self_care"),
        ({"leg_pain": "both_legs", "duration_weeks": 6}, "soon"),
    ],
)
def test_combinations_need_both_parts(changes, expected):
    assert level(**changes) == expected


# ---- thresholds of the spec, both sides -------------------------------------

STENOSIS = {
    "leg_pain": "one_leg",
    "leg_pain_worse_than_back": True,
    "worse_with": ["walking"],
    "duration_weeks": 10,
}


@pytest.mark.parametrize(("age", "present"), [(48, False), (49, True)])
def test_stenosis_age_point_above_48(age, present):
    assert ("spinal_stenosis" in pattern_ids(age=age, **STENOSIS)) is present


@pytest.mark.parametrize(("age", "expected"), [(49, "self_care"), (50, "soon")])
def test_new_pain_from_age_50(age, expected):
    assert level(age=age, duration_weeks=1) == expected


def test_new_pain_from_50_not_when_there_were_previous_episodes():
    assert level(age=60, previous_episodes=True) == "self_care"


@pytest.mark.parametrize(("age", "expected"), [(69, "soon"), (70, "urgent")])
def test_fracture_risk_from_age_70(age, expected):
    # 69 and 70 are both over 50 (new pain: soon); only 70 makes a minor fall urgent.
    assert level(age=age, trauma="minor") == expected


@pytest.mark.parametrize(("age", "expected"), [(49, "soon"), (50, "urgent")])
def test_weight_loss_red_flag_from_age_50(age, expected):
    assert level(age=age, unexplained_weight_loss=True, previous_episodes=True) == expected


@pytest.mark.parametrize(("weeks", "expected"), [(5.9, "self_care"), (6, "soon")])
def test_not_improving_from_6_weeks(weeks, expected):
    assert level(duration_weeks=weeks) == expected


@pytest.mark.parametrize(("weeks", "expected"), [(5.9, "emergency"), (6, "soon")])
def test_new_pain_in_both_legs_under_6_weeks(weeks, expected):
    assert level(duration_weeks=weeks, leg_pain="both_legs") == expected


@pytest.mark.parametrize(("weeks", "present"), [(5.9, True), (6, False)])
def test_muscle_strain_under_6_weeks(weeks, present):
    ids = pattern_ids(duration_weeks=weeks, onset="sudden", trauma="minor")
    assert ("muscle_strain" in ids) is present


@pytest.mark.parametrize(
    ("weeks", "category"),
    [
        (0, "acute"),
        (5.9, "acute"),
        (6, "subacute"),
        (12, "subacute"),
        (12.1, "chronic"),
    ],
)
def test_duration_category(weeks, category):
    assert assess(all_no(duration_weeks=weeks)).duration_category == category


INFLAMMATORY = {
    "onset": "gradual",
    "better_with": ["movement"],
    "night_pain": "wakes_eases_on_getting_up",
}


@pytest.mark.parametrize(("weeks", "present"), [(12, False), (12.1, True)])
def test_inflammatory_needs_over_12_weeks(weeks, present):
    ids = pattern_ids(age=25, duration_weeks=weeks, **INFLAMMATORY)
    assert ("inflammatory" in ids) is present


@pytest.mark.parametrize(
    ("age", "weeks", "present"),
    [
        (41, 57.2, True),  # started at 39.9
        (41, 52, False),  # started at 40.0
    ],
)
def test_inflammatory_onset_before_40(age, weeks, present):
    # Three other items score (gradual, movement helps, eases on getting up) but rest
    # also helps, so the onset age decides whether there are 4.
    changes = dict(INFLAMMATORY, better_with=["movement", "rest"])
    ids = pattern_ids(age=age, duration_weeks=weeks, **changes)
    assert ("inflammatory" in ids) is present


def test_inflammatory_rest_item_needs_better_with_answered():
    base = all_no(
        age=25, duration_weeks=20, onset="gradual", night_pain="wakes_eases_on_getting_up"
    )
    # age, gradual, night pain = 3 items; "rest does not help" only counts if answered.
    assert "inflammatory" in [p.id for p in assess(dict(base, better_with=[])).patterns]
    del base["better_with"]
    assert "inflammatory" not in [p.id for p in assess(base).patterns]


SCIATICA = {"leg_pain": "one_leg", "leg_pain_below_knee": True}


@pytest.mark.parametrize(("worst", "expected"), [(7, "self_care"), (8, "soon")])
def test_sciatica_worst_pain_8(worst, expected):
    assert level(pain_week_worst=worst, **SCIATICA) == expected


@pytest.mark.parametrize(("weeks", "reason"), [(5.9, False), (6, True)])
def test_sciatica_for_6_weeks(weeks, reason):
    assert ("sciatica_persistent" in reason_ids(duration_weeks=weeks, **SCIATICA)) is reason


@pytest.mark.parametrize(
    ("pain", "band"),
    [
        (0, "none"),
        (1, "mild"),
        (3, "mild"),
        (4, "moderate"),
        (6, "moderate"),
        (7, "severe"),
        (10, "severe"),
    ],
)
def test_pain_band(pain, band):
    assert assess(all_no(pain_now=pain)).scores.pain_band == band


PSYCHO_ITEMS = ["fear_of_activity", "worry", "catastrophising", "low_mood"]


@pytest.mark.parametrize(
    ("points", "risk", "expected"),
    [
        (0, "low", "self_care"),
        (1, "low", "self_care"),
        (2, "medium", "self_care"),
        (3, "medium", "self_care"),
        (4, "high", "soon"),
        (5, "high", "soon"),
    ],
)
def test_psychosocial_bands(points, risk, expected):
    changes = {k: True for k in PSYCHO_ITEMS[:points]}
    if points == 5:
        changes["bothersomeness"] = "extremely"
    result = assess(all_no(**changes))
    assert result.scores.psychosocial_points == points
    assert result.scores.psychosocial_risk == risk
    assert result.triage.value == expected


@pytest.mark.parametrize(
    ("bother", "point"),
    [
        ("not_at_all", 0),
        ("slightly", 0),
        ("moderately", 0),
        ("very", 1),
        ("extremely", 1),
    ],
)
def test_bothersomeness_point(bother, point):
    assert assess(all_no(bothersomeness=bother)).scores.psychosocial_points == point


@pytest.mark.parametrize(
    ("points", "strength"), [(2, None), (3, "moderate"), (4, "strong"), (5, "strong")]
)
def test_stenosis_strength_by_points(points, strength):
    items = [
        {"leg_pain": "both_legs", "duration_weeks": 10},
        {"leg_pain_worse_than_back": True},
        {"worse_with": ["standing"]},
        {"better_with": ["bending_forward"]},
        {"age": 70},
    ]
    changes = {"leg_numbness": "one_leg", "age": 40}
    for item in items[5 - points :]:
        changes.update(item)
    found = {p.id: p.strength.value for p in assess(all_no(**changes)).patterns}
    assert found.get("spinal_stenosis") == strength
