"""A v1 answers file (no v2 keys) still loads and gives the v1 result.

`V1_RESULTS` was recorded from the v1 engine (the last commit before v2) on the
public vignettes P01-P14, which only use v1 keys. v2 adds rules, but none of
them may fire, or lower a level, on these answer sets.
"""

from __future__ import annotations

import json

import pytest

from backcare import ValidationError, assess
from backcare.answers_io import load_answers
from tests.helpers import V2_KEYS, load_vignettes

#: id -> (triage, reason ids, pattern ids), or ("error", keys), from the v1 engine.
V1_RESULTS: dict[str, tuple] = {
    "P01": ("emergency", ["cauda_equina_signs"], ["cauda_equina", "sciatica"]),
    "P02": (
        "emergency",
        ["both_legs_affected", "new_pain_over_50"],
        ["cauda_equina", "nonspecific_mechanical"],
    ),
    "P03": ("emergency", ["major_trauma"], ["fracture", "nonspecific_mechanical"]),
    "P04": ("emergency", ["spinal_infection"], ["spinal_infection", "nonspecific_mechanical"]),
    "P05": (
        "urgent",
        ["cancer_history", "new_pain_over_50"],
        ["spinal_malignancy", "nonspecific_mechanical"],
    ),
    "P06": (
        "urgent",
        ["possible_fracture", "new_pain_over_50"],
        ["fracture", "osteoporotic_fracture", "muscle_strain"],
    ),
    "P07": ("soon", ["inflammatory_pattern", "not_improving"], ["inflammatory"]),
    "P08": ("soon", ["stenosis_pattern", "not_improving"], ["spinal_stenosis", "osteoarthritis"]),
    "P09": ("soon", ["sciatica_persistent", "not_improving"], ["sciatica"]),
    "P10": ("self_care", [], ["sciatica"]),
    "P11": ("self_care", [], ["muscle_strain"]),
    "P12": ("soon", ["not_improving"], ["nonspecific_mechanical"]),
    "P13": ("error", ["pain_now"]),
    "P14": ("error", ["bladder"]),
}

V1_VIGNETTES = [v for v in load_vignettes() if v["id"] in V1_RESULTS]


def test_all_v1_vignettes_are_here():
    assert sorted(v["id"] for v in V1_VIGNETTES) == sorted(V1_RESULTS)


@pytest.mark.parametrize("vignette", V1_VIGNETTES, ids=[v["id"] for v in V1_VIGNETTES])
def test_a_v1_answers_file_gives_the_v1_result(vignette):
    answers = vignette["answers"]
    assert not set(V2_KEYS) & set(answers), "a v1 answer set"
    expected = V1_RESULTS[vignette["id"]]
    if expected[0] == "error":
        with pytest.raises(ValidationError) as caught:
            assess(answers)
        assert sorted(caught.value.keys) == expected[1]
        return
    loaded = load_answers(json.dumps(answers).encode("utf-8"))
    for source in (answers, loaded):
        result = assess(source)
        assert result.triage.value == expected[0]
        assert [r.id for r in result.reasons] == expected[1]
        assert [p.id for p in result.patterns] == expected[2]


def test_v1_output_names_are_kept():
    """Spec section 5: v2 adds spec_version and open_safety_questions, renames nothing."""
    out = assess(V1_VIGNETTES[0]["answers"]).to_dict()
    v1_names = {
        "triage",
        "reasons",
        "patterns",
        "unanswered_safety_questions",
        "duration_category",
        "scores",
    }
    assert v1_names <= set(out)
    assert set(out) - v1_names == {"open_safety_questions", "spec_version"}
    assert {"id", "level", "because", "text"} == set(out["reasons"][0])
    assert {"id", "strength", "because"} == set(out["patterns"][0])
    assert {"pain_band", "psychosocial_risk"} <= set(out["scores"])
