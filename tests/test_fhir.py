"""The FHIR R4 exports: the Questionnaire and the answer Bundle validate against
the FHIR models (fhir.resources, R4B), say what our own data says, and the
command line writes them or fails with one clear message."""

from __future__ import annotations

import ast
import datetime as dt
import itertools
import json
import operator
import subprocess
import sys
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError as FhirError

from backcare import assess
from backcare.content.questionnaire import load
from backcare.engine.answers import FIELD_BY_KEY, KEYS, Kind, ValidationError
from backcare.interop import fhir
from tests.helpers import ROOT, load_vignettes
from tests.test_report import DENY_ALL

AUTHORED = dt.datetime(2026, 6, 28, 9, 0, tzinfo=dt.UTC)
VALID = [v for v in load_vignettes() if "triage" in v["expect"]]


def items(questionnaire: dict) -> dict[str, dict]:
    """Question items by linkId (groups and help texts left out)."""
    return {
        i["linkId"]: i
        for group in questionnaire["item"]
        for i in group["item"]
        if i["type"] not in ("group", "display")
    }


def entries(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


# ---------------------------------------------------------------- Questionnaire


def test_the_questionnaire_validates_as_fhir():
    Questionnaire.model_validate(fhir.questionnaire_resource())


def _without(resource: dict, key: str) -> dict:
    return {k: v for k, v in resource.items() if k != key}


@pytest.mark.parametrize(
    "broken",
    [
        lambda q: _without(q, "status"),
        lambda q: {**q, "colour": "red"},
        lambda q: {**q, "item": [{"type": "group", "text": "no linkId"}]},
        lambda q: {**q, "date": "yesterday"},
    ],
    ids=["no status", "unknown field", "item without linkId", "bad date"],
)
def test_the_validator_catches_a_broken_resource(broken):
    """So that the validations here can fail. (fhir.resources does not check
    code bindings such as a status value; the tests check our codes themselves.)"""
    with pytest.raises(FhirError):
        Questionnaire.model_validate(broken(fhir.questionnaire_resource()))


def test_every_answer_key_is_one_item_with_its_type():
    found = items(fhir.questionnaire_resource())
    assert sorted(found) == sorted(KEYS)
    expected = {
        Kind.BOOL: "boolean",
        Kind.CHOICE: "choice",
        Kind.MULTI: "choice",
        Kind.INTEGER: "integer",
        Kind.NUMBER: "decimal",
    }
    for key, item in found.items():
        kind = FIELD_BY_KEY[key].kind
        assert item["type"] == expected[kind], key
        assert item.get("repeats", False) is (kind is Kind.MULTI), key
        assert item["required"] is FIELD_BY_KEY[key].required


def test_answer_options_are_the_allowed_values_with_their_labels():
    questions = load().questions
    for key, item in items(fhir.questionnaire_resource()).items():
        field = FIELD_BY_KEY[key]
        codes = [o["valueCoding"] for o in item.get("answerOption", [])]
        assert [c["code"] for c in codes] == list(field.choices), key
        assert all(c["system"] == fhir.answer_system(key) for c in codes)
        labels = dict(questions[key].choices)
        assert all(c["display"] == labels[c["code"]] for c in codes)


@pytest.mark.parametrize(("key", "low", "high"), [("age", 16, 110), ("pain_now", 0, 10)])
def test_number_items_carry_their_limits(key, low, high):
    ext = {e["url"]: e for e in items(fhir.questionnaire_resource())[key]["extension"]}
    assert ext[fhir.MIN_VALUE]["valueInteger"] == low
    assert ext[fhir.MAX_VALUE]["valueInteger"] == high


def test_help_text_is_a_help_display_item():
    item = items(fhir.questionnaire_resource())["age"]
    help_item = item["item"][0]
    assert help_item["type"] == "display" and help_item["text"] == load().questions["age"].help


# ---- enableWhen, evaluated as FHIR R4 defines its operators

COMPARE = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    "<": operator.lt,
    ">=": operator.ge,
    "<=": operator.le,
}


def _given(answers: dict, key: str) -> list[Any]:
    value = answers.get(key)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _holds(rule: dict, answers: dict) -> bool:
    given = _given(answers, rule["question"])
    if rule["operator"] == "exists":
        return bool(given) is rule["answerBoolean"]
    wanted = next(v for k, v in rule.items() if k.startswith("answer"))
    wanted = wanted["code"] if isinstance(wanted, dict) else wanted
    if rule["operator"] == "!=":  # true if no answer equals it (also when unanswered)
        return all(g != wanted for g in given)
    return any(COMPARE[rule["operator"]](g, wanted) for g in given)


def fhir_enabled(item: dict, answers: dict) -> bool:
    rules = item.get("enableWhen")
    if not rules:
        return True
    hits = [_holds(r, answers) for r in rules]
    return any(hits) if item.get("enableBehavior") == "any" else all(hits)


def sample_answers() -> list[dict]:
    """Answers on both sides of every show_if in the questionnaire, and unanswered."""
    options = {
        "sex": [None, "female", "male", "other"],
        "age": [40, 55, 56],
        "leg_pain": [None, "none", "one_leg", "both_legs"],
        "leg_weakness": [None, "none", "one_leg"],
        "duration_weeks": [None, 12, 12.5],
    }
    keys = list(options)
    return [
        {k: v for k, v in zip(keys, combo, strict=True) if v is not None}
        for combo in itertools.product(*options.values())
    ]


def test_enable_when_agrees_with_show_if_wherever_it_is_given():
    found = items(fhir.questionnaire_resource())
    questions = load().questions
    with_rules = [k for k, item in found.items() if "enableWhen" in item]
    assert {"pregnant", "leg_pain_below_knee", "weakness_getting_worse"} <= set(with_rules)
    for key in with_rules:
        for answers in sample_answers():
            assert fhir_enabled(found[key], answers) == questions[key].applies(answers), (
                key,
                answers,
            )


def test_questions_without_show_if_are_always_enabled():
    found = items(fhir.questionnaire_resource())
    plain = [k for k, q in load().questions.items() if not q.show_if]
    assert all("enableWhen" not in found[k] for k in plain)


# ---------------------------------------------------------------- Bundle


@pytest.mark.parametrize("vignette", VALID, ids=[v["id"] for v in VALID])
def test_each_vignette_bundle_validates_and_carries_its_level(vignette):
    bundle = fhir.response_bundle(vignette["answers"], authored=AUTHORED)
    Bundle.model_validate(bundle)
    risk = entries(bundle)["RiskAssessment"][0]
    level = risk["prediction"][0]["qualitativeRisk"]["coding"][0]
    assert level["system"] == fhir.LEVEL_SYSTEM
    assert level["code"] == vignette["expect"]["triage"]


def test_the_bundle_is_a_collection_of_the_expected_resources():
    bundle = fhir.response_bundle({**DENY_ALL, "pain_now": 3}, authored=AUTHORED)
    assert bundle["type"] == "collection"
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert kinds == [
        "Patient",
        "QuestionnaireResponse",
        "RiskAssessment",
        "Observation",
        "Observation",
    ]
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls) and all(u.startswith("urn:uuid:") for u in urls)


def read_back(response: dict) -> dict[str, Any]:
    """The answers in a QuestionnaireResponse, in our JSON shape."""
    kinds = {k: FIELD_BY_KEY[k].kind for k in KEYS}
    out: dict[str, Any] = {}
    for group in response["item"]:
        for item in group["item"]:
            values = [next(iter(a.values())) for a in item["answer"]]
            values = [v["code"] if isinstance(v, dict) else v for v in values]
            out[item["linkId"]] = values if kinds[item["linkId"]] is Kind.MULTI else values[0]
    return out


@pytest.mark.parametrize("vignette", VALID, ids=[v["id"] for v in VALID])
def test_the_response_holds_every_answer_but_empty_lists(vignette):
    clean = assess(vignette["answers"]).answers
    response = entries(fhir.response_bundle(vignette["answers"], authored=AUTHORED))[
        "QuestionnaireResponse"
    ][0]
    expected = {k: list(v) if isinstance(v, tuple) else v for k, v in clean.items() if v != ()}
    assert read_back(response) == expected
    assert response["questionnaire"] == f"{fhir.QUESTIONNAIRE_URL}|2"


def test_the_risk_assessment_lists_every_reason_with_its_level():
    answers = {**DENY_ALL, "saddle_numbness": True, "duration_weeks": 8}
    result = assess(answers)
    risk = entries(fhir.response_bundle(answers, authored=AUTHORED))["RiskAssessment"][0]
    reasons = [
        (p["outcome"]["coding"][0]["code"], p["qualitativeRisk"]["coding"][0]["code"])
        for p in risk["prediction"][1:]
    ]
    assert reasons == [(r.id, r.level.value) for r in result.reasons]
    assert risk["prediction"][1]["outcome"]["text"] == "Cauda equina warning sign"
    assert all(
        p["outcome"]["coding"][0]["system"] == fhir.REASON_SYSTEM for p in risk["prediction"][1:]
    )


def test_pain_scores_are_observations_pain_now_with_its_loinc_code():
    bundle = fhir.response_bundle(
        {**DENY_ALL, "pain_now": 6, "pain_week_worst": 8}, authored=AUTHORED
    )
    by_code = {o["code"]["coding"][0]["code"]: o for o in entries(bundle)["Observation"]}
    now = by_code["72514-3"]
    assert now["code"]["coding"][0]["system"] == "http://loinc.org"
    assert now["valueInteger"] == 6 and now["effectiveDateTime"] == AUTHORED.isoformat()
    worst = by_code["pain_week_worst"]
    assert worst["valueInteger"] == 8
    assert worst["effectivePeriod"]["start"] == (AUTHORED - dt.timedelta(days=7)).isoformat()


def test_no_observation_for_a_pain_score_not_given():
    answers = {k: v for k, v in DENY_ALL.items() if k not in ("pain_now", "pain_week_worst")}
    assert "Observation" not in entries(fhir.response_bundle(answers, authored=AUTHORED))


def test_nothing_identifies_the_person():
    patient = entries(fhir.response_bundle(DENY_ALL, authored=AUTHORED))["Patient"][0]
    assert set(patient) == {"resourceType", "gender"} and patient["gender"] == "female"


def test_the_same_answers_at_the_same_time_give_the_same_bundle():
    one = fhir.response_bundle(DENY_ALL, authored=AUTHORED)
    assert fhir.response_bundle(DENY_ALL, authored=AUTHORED) == one
    other = fhir.response_bundle({**DENY_ALL, "pain_now": 5}, authored=AUTHORED)
    assert other["entry"][0]["fullUrl"] != one["entry"][0]["fullUrl"]


def test_bad_answers_raise_one_validation_error_naming_the_keys():
    with pytest.raises(ValidationError) as caught:
        fhir.response_bundle({"age": 5, "bladder": True})
    assert set(caught.value.keys) == {"age", "bladder"}


def test_the_export_needs_no_fhir_library_at_run_time():
    tree = ast.parse((ROOT / "backcare" / "interop" / "fhir.py").read_text(encoding="utf-8"))
    imported = [
        n.module if isinstance(n, ast.ImportFrom) else a.name
        for n in ast.walk(tree)
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in getattr(n, "names", [])
    ]
    assert not [m for m in imported if m and m.startswith("fhir")]


# ---------------------------------------------------------------- command line


def run_cli(*args: str, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "backcare", "fhir", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_writes_the_questionnaire():
    run = run_cli("questionnaire")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == fhir.questionnaire_resource()


def test_cli_writes_a_response_bundle_to_a_file(tmp_path):
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({**DENY_ALL, "saddle_numbness": True}))
    out = tmp_path / "bundle.json"
    run = run_cli("response", str(answers), "--authored", "2026-06-28T09:00:00Z", "-o", str(out))
    assert run.returncode == 0, run.stderr
    bundle = json.loads(out.read_text(encoding="utf-8"))
    Bundle.model_validate(bundle)
    assert bundle["timestamp"] == "2026-06-28T09:00:00+00:00"
    assert (
        entries(bundle)["RiskAssessment"][0]["prediction"][0]["qualitativeRisk"]["coding"][0][
            "code"
        ]
        == "emergency"
    )


@pytest.mark.parametrize(
    ("args", "stdin", "says"),
    [
        (("response", "-"), "{", "not valid JSON"),
        (("response", "-"), '{"age": 5}', "age"),
        (("response", "-"), '{"agee": 40}', "agee"),
        (("response", "-"), "[1, 2]", "answers"),
        (("response", "missing.json"), None, "no such file"),
        (("response", "-", "--authored", "yesterday"), '{"age": 40}', "--authored"),
    ],
)
def test_cli_bad_input_exits_2_with_one_message(args, stdin, says):
    run = run_cli(*args, stdin=stdin)
    assert run.returncode == 2
    assert says in run.stderr and "Traceback" not in run.stderr
    assert run.stdout == ""


def test_cli_needs_to_know_what_to_write():
    run = run_cli()
    assert run.returncode == 2 and "WHAT" in run.stderr


def test_status_and_type_codes_are_from_the_r4_value_sets():
    """fhir.resources does not check bindings, so the codes we use are checked here."""
    assert fhir.questionnaire_resource()["status"] in ("draft", "active", "retired", "unknown")
    found = entries(fhir.response_bundle({**DENY_ALL, "pain_now": 2}, authored=AUTHORED))
    assert found["QuestionnaireResponse"][0]["status"] == "completed"
    assert found["RiskAssessment"][0]["status"] == "final"
    assert {o["status"] for o in found["Observation"]} == {"final"}
    operators = {"exists", "=", "!=", ">", "<", ">=", "<="}
    used = {
        rule["operator"]
        for item in items(fhir.questionnaire_resource()).values()
        for rule in item.get("enableWhen", [])
    }
    assert used <= operators


def test_the_json_helpers_for_pages_match_the_resources():
    assert json.loads(fhir.questionnaire_json()) == fhir.questionnaire_resource()
    text = fhir.response_json(DENY_ALL, authored=AUTHORED)
    assert json.loads(text) == fhir.response_bundle(DENY_ALL, authored=AUTHORED)
