"""FHIR R4 exports: the questionnaire, and one answer set with its result.

`questionnaire_resource` turns `data/questionnaire.yaml` into a FHIR
Questionnaire: one group per step, one item per answer key (``linkId`` is the
key), its type from the answers contract (boolean, choice, integer, decimal),
``answerOption`` codes that are the contract's allowed values with the
questionnaire's labels, min and max values, help text, and ``enableWhen`` from
``show_if`` wherever FHIR R4 can say the same thing (see `enable_when`).

`response_bundle` assesses one answer set and returns a Bundle (type
``collection``) with a QuestionnaireResponse, a RiskAssessment for the triage
level (our own code systems for levels and reasons), and Observations for the
pain scores (LOINC 72514-3 for pain now, the standard 0-10 numeric rating;
the week's worst has no standard code, so it uses ours), all about one
anonymous Patient. Nothing identifies the person: no name, no birth date.

Everything is plain dicts, so nothing here needs a FHIR library; the tests
validate every resource with ``fhir.resources`` (its R4B models).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from typing import Any

from backcare.content.questionnaire import Condition, Question, load
from backcare.engine import SPEC_VERSION
from backcare.engine.answers import FIELD_BY_KEY, Kind
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment
from backcare.engine.wording import level_text, load_yaml, triage_text

#: Our canonical base. Not resolvable: it names our code systems, it serves nothing.
BASE = "http://backcare.local/fhir"
QUESTIONNAIRE_URL = f"{BASE}/Questionnaire/backcare-symptom-check"
LEVEL_SYSTEM = f"{BASE}/CodeSystem/triage-level"
REASON_SYSTEM = f"{BASE}/CodeSystem/triage-rule"
OBSERVATION_SYSTEM = f"{BASE}/CodeSystem/observation"
ASSESSMENT_SYSTEM = f"{BASE}/CodeSystem/assessment"
LOINC = "http://loinc.org"
#: LOINC 72514-3: Pain severity - 0-10 verbal numeric rating [Score] - Reported.
PAIN_NOW_LOINC = "72514-3"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
ITEM_CONTROL_SYSTEM = "http://hl7.org/fhir/questionnaire-item-control"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
#: FHIR Patient.gender for our ``sex`` answer.
GENDER = {"female": "female", "male": "male", "other": "other", "prefer_not_to_say": "unknown"}
#: show_if number tests -> FHIR enableWhen operators.
OPERATORS = {"at_most": "<=", "at_least": ">=", "more_than": ">", "less_than": "<"}
ITEM_TYPES = {
    Kind.BOOL: "boolean",
    Kind.CHOICE: "choice",
    Kind.MULTI: "choice",
    Kind.INTEGER: "integer",
    Kind.NUMBER: "decimal",
}
#: A fixed namespace, so the same answers at the same time give the same ids.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, BASE)


def answer_system(key: str) -> str:
    """The code system of one choice question's values (its codes are the values)."""
    return f"{BASE}/CodeSystem/{key}"


def _coding(key: str, value: str, display: str | None = None) -> dict[str, Any]:
    coding = {"system": answer_system(key), "code": value}
    if display is None:
        display = dict(load().questions[key].choices).get(value) if key in FIELD_BY_KEY else None
    return {**coding, "display": display} if display else coding


def _number(kind: Kind, value: float) -> tuple[str, Any]:
    return ("Integer", int(value)) if kind is Kind.INTEGER else ("Decimal", float(value))


# ---------------------------------------------------------------- Questionnaire


def _condition(c: Condition) -> tuple[list[dict[str, Any]], bool] | None:
    """One show_if test as enableWhen entries, and whether they join with "any".

    Our number tests pass while the answer is missing (asking is the safe side);
    FHIR's do not, so an optional key adds "exists = false" as an alternative.
    """
    kind = FIELD_BY_KEY[c.key].kind
    if c.op in ("in", "not"):
        operator = "=" if c.op == "in" else "!="
        if kind is Kind.BOOL:
            return None
        entries = [
            {"question": c.key, "operator": operator, "answerCoding": _coding(c.key, v)}
            for v in c.values
        ]
        return entries, c.op == "in" and len(entries) > 1
    suffix, value = _number(kind, c.limit)
    entry = {"question": c.key, "operator": OPERATORS[c.op], f"answer{suffix}": value}
    if FIELD_BY_KEY[c.key].required:
        return [entry], False
    return [{"question": c.key, "operator": "exists", "answerBoolean": False}, entry], True


def enable_when(question: Question) -> dict[str, Any] | None:
    """``enableWhen`` (and ``enableBehavior``) for a question's show_if, or None.

    R4 joins all of an item's conditions with one behaviour, "all" or "any".
    A show_if is expressible when it is one test (its values joined by "any"),
    or several tests that each need a single entry (joined by "all"). Anything
    else is left out, so the question is always enabled: asking a question that
    may not apply is the safe side, skipping one that does is not.
    """
    parts = [_condition(c) for c in question.show_if]
    if not parts or any(p is None for p in parts):
        return None
    if len(parts) == 1:
        entries, any_ = parts[0]
    elif any(p[1] for p in parts):
        return None
    else:
        entries, any_ = [e for p in parts for e in p[0]], False
    out: dict[str, Any] = {"enableWhen": entries}
    if len(entries) > 1:
        out["enableBehavior"] = "any" if any_ else "all"
    return out


def _limits(question: Question) -> list[dict[str, Any]]:
    extensions = []
    for url, limit in ((MIN_VALUE, question.minimum), (MAX_VALUE, question.maximum)):
        if limit is not None:
            suffix, value = _number(question.kind, limit)
            extensions.append({"url": url, f"value{suffix}": value})
    return extensions


def _help(question: Question) -> dict[str, Any]:
    control = {"coding": [{"system": ITEM_CONTROL_SYSTEM, "code": "help"}]}
    return {
        "linkId": f"{question.key}.help",
        "type": "display",
        "text": question.help,
        "extension": [{"url": ITEM_CONTROL, "valueCodeableConcept": control}],
    }


def question_item(question: Question) -> dict[str, Any]:
    """One question as a Questionnaire item; ``linkId`` is its answer key."""
    item: dict[str, Any] = {
        "linkId": question.key,
        "text": question.text,
        "type": ITEM_TYPES[question.kind],
        "required": question.required,
    }
    if question.kind is Kind.MULTI:
        item["repeats"] = True
    if question.choices:
        item["answerOption"] = [
            {"valueCoding": _coding(question.key, value, label)}
            for value, label in question.choices
        ]
    if question.kind in (Kind.INTEGER, Kind.NUMBER):
        item["extension"] = _limits(question)
    item |= enable_when(question) or {}
    if question.help:
        item["item"] = [_help(question)]
    return item


def questionnaire_resource() -> dict[str, Any]:
    """`data/questionnaire.yaml` as a FHIR R4 Questionnaire: one group per step."""
    steps = load().steps
    return {
        "resourceType": "Questionnaire",
        "id": "backcare-symptom-check",
        "url": QUESTIONNAIRE_URL,
        "version": SPEC_VERSION,
        "name": "BackCareSymptomCheck",
        "title": "BackCare back pain symptom check",
        "status": "active",
        "subjectType": ["Patient"],
        "description": triage_text().not_a_diagnosis,
        "item": [
            {
                "linkId": step.id,
                "text": step.title,
                "type": "group",
                "item": [question_item(q) for q in step.questions],
            }
            for step in steps
        ],
    }


# ---------------------------------------------------------------- Bundle


def _answers_of(question: Question, value: Any) -> list[dict[str, Any]]:
    if question.kind is Kind.BOOL:
        return [{"valueBoolean": value}]
    if question.kind is Kind.CHOICE:
        return [{"valueCoding": _coding(question.key, value)}]
    if question.kind is Kind.MULTI:
        return [{"valueCoding": _coding(question.key, v)} for v in value]
    suffix, number = _number(question.kind, value)
    return [{f"value{suffix}": number}]


def response_items(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The answered questions, grouped by step as in the Questionnaire.

    An empty list ("none of these") has no value to send in FHIR R4, so it is
    left out like an unanswered question: the receiver sees it as unknown,
    never as "no". The RiskAssessment was made from the full answers.
    """
    groups = []
    for step in load().steps:
        items = []
        for q in step.questions:
            given = _answers_of(q, answers[q.key]) if answers.get(q.key) is not None else []
            if given:
                items.append({"linkId": q.key, "text": q.text, "answer": given})
        if items:
            groups.append({"linkId": step.id, "text": step.title, "item": items})
    return groups


def _ref(full_url: str) -> dict[str, str]:
    return {"reference": full_url}


def _level(level: str) -> dict[str, Any]:
    return {
        "coding": [{"system": LEVEL_SYSTEM, "code": level, "display": level_text(level).title}],
        "text": level_text(level).title,
    }


def _reason_words() -> dict[str, str]:
    """Clinical words per rule id: the same as the report (`data/report.yaml`).

    Read straight from the file, not through `backcare.diary.report`, so this
    export does not load the PDF and chart stack.
    """
    return dict(load_yaml("report.yaml")["reasons"])


def risk_assessment(
    result: Assessment, urls: Mapping[str, str], when: str, basis: list[str]
) -> dict[str, Any]:
    """The triage as a RiskAssessment: the level first, then one prediction per reason."""
    words = _reason_words()
    predictions = [
        {
            "qualitativeRisk": _level(result.triage.value),
            "rationale": level_text(result.triage.value).headline,
        }
    ]
    for reason in result.reasons:
        text = words.get(reason.id, reason.text)
        predictions.append(
            {
                "outcome": {
                    "coding": [{"system": REASON_SYSTEM, "code": reason.id, "display": text}],
                    "text": text,
                },
                "qualitativeRisk": _level(reason.level.value),
                "rationale": f"{text} ({', '.join(reason.because)})",
            }
        )
    return {
        "resourceType": "RiskAssessment",
        "status": "final",
        "code": {
            "coding": [
                {"system": ASSESSMENT_SYSTEM, "code": "triage", "display": "BackCare triage"}
            ]
        },
        "subject": _ref(urls["patient"]),
        "occurrenceDateTime": when,
        "basis": [_ref(u) for u in basis],
        "prediction": predictions,
        "note": [{"text": triage_text().not_a_diagnosis}],
    }


def _pain_observation(
    code: dict[str, Any], value: int, urls: Mapping[str, str], effective: dict[str, Any]
) -> dict[str, Any]:
    category = {"coding": [{"system": OBSERVATION_CATEGORY, "code": "survey"}]}
    return {
        "resourceType": "Observation",
        "status": "final",
        "category": [category],
        "code": code,
        "subject": _ref(urls["patient"]),
        **effective,
        "valueInteger": value,
        "derivedFrom": [_ref(urls["response"])],
    }


def pain_observations(
    answers: Mapping[str, Any], urls: Mapping[str, str], authored: dt.datetime
) -> dict[str, dict[str, Any]]:
    """Observations for the answered pain scores, keyed by answer key."""
    when = authored.isoformat()
    found = {}
    if answers.get("pain_now") is not None:
        code = {
            "coding": [
                {
                    "system": LOINC,
                    "code": PAIN_NOW_LOINC,
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                }
            ],
            "text": load().questions["pain_now"].text,
        }
        found["pain_now"] = _pain_observation(
            code, answers["pain_now"], urls, {"effectiveDateTime": when}
        )
    if answers.get("pain_week_worst") is not None:
        code = {
            "coding": [
                {
                    "system": OBSERVATION_SYSTEM,
                    "code": "pain_week_worst",
                    "display": "Worst pain in the past 7 days, 0-10 numeric rating",
                }
            ],
            "text": load().questions["pain_week_worst"].text,
        }
        week = {"start": (authored - dt.timedelta(days=7)).isoformat(), "end": when}
        found["pain_week_worst"] = _pain_observation(
            code, answers["pain_week_worst"], urls, {"effectivePeriod": week}
        )
    return found


def _urls(answers: Mapping[str, Any], authored: dt.datetime) -> dict[str, str]:
    """``urn:uuid`` full URLs, the same for the same answers at the same time."""
    seed = json.dumps(answers, sort_keys=True, default=list) + authored.isoformat()
    names = ("bundle", "patient", "response", "risk", "pain_now", "pain_week_worst")
    return {n: f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{n}:{seed}')}" for n in names}


def _patient(answers: Mapping[str, Any]) -> dict[str, Any]:
    patient: dict[str, Any] = {"resourceType": "Patient"}
    if answers.get("sex") is not None:
        patient["gender"] = GENDER[answers["sex"]]
    return patient


def response_bundle(
    answers: Mapping[str, Any], *, authored: dt.datetime | None = None
) -> dict[str, Any]:
    """One answer set as a FHIR R4 Bundle (collection) with its triage and pain scores.

    Raises `ValidationError` (a ValueError naming every bad key) for bad answers.
    ``authored`` is when the answers were given (now, in UTC, unless given; a
    naive time is taken as UTC).
    """
    result = assess(answers)
    clean = result.answers
    authored = authored or dt.datetime.now(dt.UTC).replace(microsecond=0)
    if authored.tzinfo is None:
        authored = authored.replace(tzinfo=dt.UTC)
    when = authored.isoformat()
    urls = _urls(clean, authored)
    response = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{QUESTIONNAIRE_URL}|{SPEC_VERSION}",
        "status": "completed",
        "subject": _ref(urls["patient"]),
        "authored": when,
        "item": response_items(clean),
    }
    observations = pain_observations(clean, urls, authored)
    basis = [urls["response"], *(urls[k] for k in observations)]
    resources = {
        "patient": _patient(clean),
        "response": response,
        "risk": risk_assessment(result, urls, when, basis),
        **observations,
    }
    return {
        "resourceType": "Bundle",
        "identifier": {"system": f"{BASE}/bundle", "value": urls["bundle"].split(":")[-1]},
        "type": "collection",
        "timestamp": when,
        "entry": [{"fullUrl": urls[k], "resource": r} for k, r in resources.items()],
    }


def to_json(resource: Mapping[str, Any]) -> str:
    """A resource as pretty JSON text, UTF-8 characters kept."""
    return json.dumps(resource, indent=2, ensure_ascii=False) + "\n"


def questionnaire_json() -> str:
    """The Questionnaire as JSON text: what a page offers as a download."""
    return to_json(questionnaire_resource())


def response_json(answers: Mapping[str, Any], *, authored: dt.datetime | None = None) -> str:
    """The answer Bundle as JSON text (see `response_bundle`): what a page offers as a download."""
    return to_json(response_bundle(answers, authored=authored))
