"""The questionnaire as data: wording from `data/questionnaire.yaml`, checked
against the answers contract (`answers.FIELDS`).

The pages and the docs render from `load()`; the contract decides what is
valid. `check()` lists every way the file disagrees with the contract, so a
clinician who edits the wording gets a clear message, and the tests fail,
before a person ever sees a broken question.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from backcare.engine.answers import FIELD_BY_KEY, FIELDS, Kind
from backcare.engine.triage import SAFETY_KEYS
from backcare.engine.wording import ContentError, load_yaml

QUESTION_FIELDS = {"text", "help", "choices", "yes", "no", "unit", "show_if"}


@dataclass(frozen=True)
class Question:
    """One question: the contract's field plus our wording for it."""

    key: str
    kind: Kind
    text: str
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    yes: str = "Yes"
    no: str = "No"
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    show_if: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: Used by an emergency or urgent rule (derived from the rules, not the file).
    safety: bool = False
    required: bool = False

    def label(self, value: Any) -> str:
        """The plain label for one answer value (lists joined with commas)."""
        if value is None:
            return "Not answered"
        if self.kind is Kind.BOOL:
            return self.yes if value else self.no
        labels = dict(self.choices)
        if self.kind is Kind.MULTI:
            return ", ".join(labels.get(v, v) for v in value) or "None of these"
        if self.kind is Kind.CHOICE:
            return labels.get(value, str(value))
        return f"{value:g} {self.unit}".strip()

    def applies(self, answers: Mapping[str, Any]) -> bool:
        """Whether to ask this question, given the answers so far."""
        return all(answers.get(key) in values for key, values in self.show_if)


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    steps: tuple[Step, ...]

    @property
    def questions(self) -> dict[str, Question]:
        return {q.key: q for s in self.steps for q in s.questions}

    def step_of(self, key: str) -> Step:
        return next(s for s in self.steps if any(q.key == key for q in s.questions))

    def applicable(self, answers: Mapping[str, Any]) -> tuple[str, ...]:
        """The keys to ask, in order, given the answers so far."""
        return tuple(k for k, q in self.questions.items() if q.applies(answers))

    def prune(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """Drop answers to questions that no longer apply (e.g. leg details after "no leg pain")."""
        questions = self.questions
        return {
            k: v for k, v in answers.items() if k not in questions or questions[k].applies(answers)
        }


def check(raw: Any) -> list[str]:
    """Every disagreement between a questionnaire file and the contract."""
    if not isinstance(raw, dict) or not isinstance(raw.get("steps"), list):
        return ["the file needs 'steps' (a list) and 'questions' (a mapping)"]
    questions = raw.get("questions") or {}
    problems: list[str] = []
    listed = [k for s in raw["steps"] for k in s.get("questions", [])]
    for key in FIELD_BY_KEY:
        if listed.count(key) != 1:
            problems.append(f"{key}: must appear in exactly one step (found {listed.count(key)})")
        if key not in questions:
            problems.append(f"{key}: has no wording in 'questions'")
    for key, spec in questions.items():
        field = FIELD_BY_KEY.get(key)
        if field is None:
            problems.append(f"{key}: is not an answer key of the contract")
            continue
        if not isinstance(spec, dict) or not spec.get("text"):
            problems.append(f"{key}: needs a 'text'")
            continue
        extra = set(spec) - QUESTION_FIELDS
        if extra:
            problems.append(f"{key}: unknown fields {sorted(extra)}")
        if field.kind in (Kind.CHOICE, Kind.MULTI):
            given = tuple((spec.get("choices") or {}).keys())
            if set(given) != set(field.choices):
                problems.append(f"{key}: choices must be exactly {list(field.choices)}")
        elif "choices" in spec:
            problems.append(f"{key}: a {field.kind.value} question takes no choices")
        for dep, values in (spec.get("show_if") or {}).items():
            dep_field = FIELD_BY_KEY.get(dep)
            if dep_field is None or not set(values) <= set(dep_field.choices):
                problems.append(f"{key}: show_if uses unknown key or value {dep}={values}")
            elif key in listed and dep in listed and listed.index(dep) > listed.index(key):
                problems.append(f"{key}: show_if depends on {dep}, which is asked later")
    return problems


def _question(key: str, spec: dict[str, Any]) -> Question:
    field = FIELD_BY_KEY[key]
    labels = spec.get("choices") or {}
    return Question(
        key=key,
        kind=field.kind,
        text=spec["text"].strip(),
        help=(spec.get("help") or "").strip(),
        choices=tuple((c, str(labels[c])) for c in field.choices) if labels else (),
        yes=spec.get("yes", "Yes"),
        no=spec.get("no", "No"),
        unit=spec.get("unit", ""),
        minimum=field.minimum,
        maximum=field.maximum,
        show_if=tuple((k, tuple(v)) for k, v in (spec.get("show_if") or {}).items()),
        safety=key in SAFETY_KEYS,
        required=field.required,
    )


@cache
def load() -> Questionnaire:
    """Load and check `data/questionnaire.yaml`; raise `ContentError` listing every problem."""
    raw = load_yaml("questionnaire.yaml")
    problems = check(raw)
    if problems:
        raise ContentError("data/questionnaire.yaml: " + "; ".join(problems))
    steps = tuple(
        Step(
            id=s["id"],
            title=s["title"],
            intro=(s.get("intro") or "").strip(),
            questions=tuple(_question(k, raw["questions"][k]) for k in s["questions"]),
        )
        for s in raw["steps"]
    )
    return Questionnaire(steps)


__all__ = ["FIELDS", "Question", "Questionnaire", "Step", "check", "load"]
