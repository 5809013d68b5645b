"""The exercise library (data/exercises.yaml) and the planner's wording (data/planner.yaml)."""

from __future__ import annotations

import re

import pytest

from backcare.planner import library as lib
from backcare.planner.library import CATEGORIES, EQUIPMENT, MOVEMENTS, TARGETS, Dose
from backcare.planner.model import planner_text
from backcare.planner.safety import (
    ANTICOAGULANT_AVOID,
    BONE_AVOID,
    CAUTION_TAGS,
    PREGNANT_AVOID,
    PREGNANT_SUPINE_AVOID,
    STENOSIS_AVOID,
)

LIBRARY = lib.library()


def test_library_is_sound():
    assert lib.problems() == []


def test_library_is_big_enough_and_covers_every_category():
    assert len(LIBRARY) >= 30
    assert {ex.category for ex in LIBRARY.values()} == set(CATEGORIES)


@pytest.mark.parametrize(
    "needle",
    [
        "walk",
        "swim|water",
        "bike|cycl",
        "hamstring",
        "hip stretch",
        "balance|stand on one leg",
        "breath",
    ],
)
def test_library_covers_the_issue_list(needle):
    """The issue names these kinds of exercise; each must be in the library."""
    names = [f"{ex.name} {ex.id}".lower() for ex in LIBRARY.values()]
    assert any(re.search(needle, n) for n in names), needle


@pytest.mark.parametrize("target", ["core", "back_extensors", "glutes", "hips", "legs"])
def test_strength_work_for_each_body_part(target):
    assert any(ex.category == "strength" and target in ex.targets for ex in LIBRARY.values())


def test_balance_work_for_older_adults_needs_no_kit():
    """Balance work must be possible at home (Otago exercise programme)."""
    assert any(ex.category == "balance" and not ex.needs() for ex in LIBRARY.values())


@pytest.mark.parametrize("ex", LIBRARY.values(), ids=list(LIBRARY))
def test_every_field(ex):
    assert re.fullmatch(r"[a-z][a-z0-9_]*", ex.id)
    assert ex.name.strip()
    assert ex.category in CATEGORIES
    assert ex.targets and set(ex.targets) <= set(TARGETS)
    assert ex.level in (1, 2, 3)
    assert ex.equipment and set(ex.equipment) <= set(EQUIPMENT)
    assert ex.steps and all(s.strip() for s in ex.steps)
    assert set(ex.movement) <= set(MOVEMENTS)
    assert ex.safety and all(s.strip() for s in ex.safety)
    assert ex.source.strip()
    assert ex.dose.estimated_minutes() >= 1


@pytest.mark.parametrize("ex", LIBRARY.values(), ids=list(LIBRARY))
def test_every_variant_reference_resolves(ex):
    for ref, compare in ((ex.easier, int.__le__), (ex.harder, int.__ge__)):
        if ref is not None:
            other = LIBRARY[ref]
            assert other.category == ex.category
            assert compare(other.level, ex.level)
            assert other.id != ex.id


def test_every_safety_rule_has_a_reason_for_each_tag():
    reasons = planner_text()["left_out"]
    wanted = (
        {f"bone_{t}" for t in BONE_AVOID}
        | {f"stenosis_{t}" for t in STENOSIS_AVOID}
        | {f"pregnant_{t}" for t in (*PREGNANT_AVOID, *PREGNANT_SUPINE_AVOID)}
        | {f"anticoagulant_{t}" for t in ANTICOAGULANT_AVOID}
    )
    assert wanted <= set(reasons)
    assert set(reasons) <= wanted, "a reason no rule can give"


def test_v2_tags_are_in_the_vocabulary():
    """Spec section 6 (v2): the pregnancy rule needs these tags on the exercises."""
    assert {"supine", "prone", "heavy_lift", "fall_risk", "contact"} <= set(MOVEMENTS)
    assert {*PREGNANT_AVOID, *PREGNANT_SUPINE_AVOID, *ANTICOAGULANT_AVOID} <= set(MOVEMENTS)


#: Words in the steps that say how the body lies. An exercise done that way must
#: carry the tag, and a tagged one must say so in its steps (tag honestly).
POSITION_WORDS = {
    "supine": re.compile(r"\blie on your back\b", re.I),
    "prone": re.compile(r"\blie (face down|on your tummy|on your front)\b", re.I),
}


@pytest.mark.parametrize("tag", sorted(POSITION_WORDS))
@pytest.mark.parametrize("ex", LIBRARY.values(), ids=list(LIBRARY))
def test_lying_positions_are_tagged(ex, tag):
    says = bool(POSITION_WORDS[tag].search(" ".join(ex.steps)))
    assert says is (tag in ex.movement), f"{ex.id}: steps and the {tag!r} tag disagree"


@pytest.mark.parametrize(
    ("ex_id", "tags"),
    [
        ("floor_pickup", {"heavy_lift", "floor_lift"}),
        ("one_leg_stand", {"fall_risk"}),
        ("sit_up", {"supine", "loaded_flexion"}),
        ("superman", {"prone", "sustained_extension"}),
        ("knee_to_chest", {"supine", "end_range_flexion"}),
    ],
)
def test_known_exercises_carry_their_tags(ex_id, tags):
    assert tags <= set(LIBRARY[ex_id].movement)


def test_pregnancy_safe_pelvic_floor_and_core_work_needs_no_kit():
    """Spec section 6 (v2): a pregnant plan includes pelvic-floor and gentle core work,
    so both must exist with no kit, lying neither on the back nor the front."""
    avoid = {*PREGNANT_AVOID, *PREGNANT_SUPINE_AVOID, *CAUTION_TAGS}
    for target in ("pelvic_floor", "core"):
        found = [
            ex
            for ex in LIBRARY.values()
            if ex.category == "strength"
            and target in ex.targets
            and ex.level == 1
            and not ex.needs()
            and not set(ex.movement) & avoid
        ]
        assert found, target


def test_pelvic_floor_work_is_only_pelvic_floor():
    """A pelvic-floor move must not stand in for the core move (or the other way)."""
    pelvic = [ex for ex in LIBRARY.values() if "pelvic_floor" in ex.targets]
    assert len(pelvic) >= 2
    assert all(ex.targets == ("pelvic_floor",) for ex in pelvic)


@pytest.mark.parametrize(
    ("dose", "minutes"),
    [
        (Dose(sets=2, reps=10), 2),  # 60 s of work + 30 s rest = 90 s -> 2
        (Dose(sets=1, reps=10), 1),  # 30 s
        (Dose(sets=1, reps=20), 1),  # exactly 60 s
        (Dose(sets=1, reps=21), 2),  # 63 s rounds up
        (Dose(sets=2, reps=10, per_side=True), 3),  # 120 s + 30 s
        (Dose(sets=3, hold_seconds=15), 2),  # 45 s of holds + 20 s rest = 65 s
        (Dose(sets=1, hold_seconds=30, per_side=True), 2),  # 60 s + 10 s
        (Dose(minutes=7), 7),
    ],
)
def test_dose_minutes(dose, minutes):
    assert dose.estimated_minutes() == minutes


def test_bad_library_is_reported():
    good = LIBRARY["walk_easy"]
    broken = {
        "x": lib.Exercise(
            id="x",
            name="X",
            category="yoga",
            targets=("toes",),
            level=4,
            equipment=("rope",),
            steps=(),
            dose=Dose(sets=2),
            easier="missing",
            harder=None,
            movement=("jumping",),
            safety=(),
            source="",
        ),
        good.id: good,
    }
    found = " | ".join(lib.problems(broken))
    for expected in (
        "category",
        "level",
        "target",
        "equipment",
        "movement tag",
        "steps is empty",
        "safety is empty",
        "source is empty",
        "dose",
        "'missing' is not in",
    ):
        assert expected in found


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_has_a_local_drawing(category):
    """Our own simple drawings: titled for screen readers, and loading nothing from outside."""
    ex = next(e for e in LIBRARY.values() if e.category == category)
    svg = lib.illustration(ex)
    assert svg is not None and svg.lstrip().startswith("<svg")
    assert re.search(r"<title>[^<]{5,}</title>", svg)
    for forbidden in ("href", "src=", "url(", "<script", "<image", "@import"):
        assert forbidden not in svg.lower(), forbidden
