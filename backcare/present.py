"""View models for the pages: an Assessment plus the questionnaire and content,
turned into display-ready text. Pure Python (no Streamlit), so every decision
the pages show can be unit-tested without a browser.

The pages only lay these out. Medical wording comes from `data/` through
`content` and `questionnaire`; thresholds come from `scores`. What lives here
is presentation: which alert style a level gets, how answers are quoted back,
and which questions must still be asked before a result is shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from backcare.content.questionnaire import Question, Questionnaire, Step
from backcare.engine.answers import ValidationError, validate
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment, Level, Strength
from backcare.engine.scores import (
    ACUTE_BELOW_WEEKS,
    CHRONIC_ABOVE_WEEKS,
    PSYCHOSOCIAL_ITEMS,
    PSYCHOSOCIAL_LABEL,
)
from backcare.engine.wording import ContentError, level_text, load_yaml, pattern_text, triage_text

#: Alert style per level. Colour is never the only signal: each banner also
#: carries the level's icon and its title and action in words.
ALERT_KIND: dict[Level, str] = {
    Level.EMERGENCY: "error",
    Level.URGENT: "warning",
    Level.SOON: "info",
    Level.SELF_CARE: "success",
}

STRENGTH_LABEL: dict[Strength, str] = {
    Strength.STRONG: "Strong match",
    Strength.MODERATE: "Some match",
    Strength.WEAK: "Weak match",
}

#: Deep link to a pattern's explainer on the Conditions page.
CONDITIONS_PAGE = "pages/conditions.py"
CONDITION_PARAM = "condition"

#: The most points the psychosocial screen can give (its items plus bothersomeness).
PSYCHOSOCIAL_MAX = len(PSYCHOSOCIAL_ITEMS) + 1


@dataclass(frozen=True)
class Banner:
    """The level in words, icon and alert style: what to do now."""

    level: Level
    kind: str
    icon: str
    title: str
    headline: str
    action: str


@dataclass(frozen=True)
class AnswerQuote:
    """One answer quoted back to the person: the question and what they said."""

    key: str
    question: str
    answer: str

    def line(self) -> str:
        return f"{self.question} — {self.answer}"


@dataclass(frozen=True)
class ReasonView:
    text: str
    level: Level
    because: tuple[AnswerQuote, ...]


@dataclass(frozen=True)
class PatternView:
    id: str
    name: str
    summary: str
    strength: Strength
    strength_label: str
    serious: bool
    because: tuple[AnswerQuote, ...]
    link_params: dict[str, str]


@dataclass(frozen=True)
class ScoreRow:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True)
class ResultView:
    """Everything the Results page shows, in the order it shows it."""

    banner: Banner
    reasons: tuple[ReasonView, ...]
    patterns: tuple[PatternView, ...]
    scores: tuple[ScoreRow, ...]
    safety_net: tuple[str, ...]
    not_a_diagnosis: str
    unanswered: tuple[AnswerQuote, ...]


PAGE_TEXT_SECTIONS = ("home", "check", "results", "conditions")


@cache
def page_text() -> dict[str, dict[str, Any]]:
    """The words around the results (`data/pages.yaml`), by page section."""
    raw = load_yaml("pages.yaml")
    if not isinstance(raw, dict) or any(
        not isinstance(raw.get(s), dict) for s in PAGE_TEXT_SECTIONS
    ):
        raise ContentError(f"data/pages.yaml needs the sections {list(PAGE_TEXT_SECTIONS)}")
    return raw


def banner(level: Level | str) -> Banner:
    """The banner for a level, from `data/triage.yaml`."""
    lv = Level(str(level))
    text = level_text(lv.value)
    return Banner(lv, ALERT_KIND[lv], text.icon, text.title, text.headline, text.action)


def quote(questionnaire: Questionnaire, answers: Mapping[str, Any], key: str) -> AnswerQuote:
    """Quote one answer back with the wording the person saw."""
    question = questionnaire.questions[key]
    return AnswerQuote(key, question.text, question.label(answers.get(key)))


def _quotes(
    questionnaire: Questionnaire, answers: Mapping[str, Any], keys: tuple[str, ...]
) -> tuple[AnswerQuote, ...]:
    seen = dict.fromkeys(k for k in keys if k in questionnaire.questions)
    return tuple(quote(questionnaire, answers, k) for k in seen)


def try_assess(answers: Mapping[str, Any]) -> Assessment | None:
    """Assess partial answers, or None while they cannot be assessed yet (no age)."""
    try:
        return assess(answers)
    except ValidationError:
        return None


def answers_changed(answers: Mapping[str, Any], assessment: Assessment) -> bool:
    """Whether the answers now differ from the ones a shown result was made from.

    The person may go back and change an answer after seeing a result; the old
    result must then not be shown as if it were current.
    """
    try:
        return validate(answers) != assessment.answers
    except ValidationError:
        return True


def live_emergency(answers: Mapping[str, Any]) -> Assessment | None:
    """The assessment of the answers so far when it is already an emergency.

    The symptom check calls this after every answer, so emergency advice shows
    on the very step where an emergency answer is given.
    """
    result = try_assess(answers)
    return result if result is not None and result.triage is Level.EMERGENCY else None


def questions_to_ask_before_result(
    questionnaire: Questionnaire, assessment: Assessment
) -> tuple[Question, ...]:
    """Safety questions still to ask before this result may be shown.

    A self-care result needs every unanswered safety question that applies
    (spec section 2: a missing answer never lowers urgency). Below emergency,
    an unanswered question whose answer could still raise the level is asked
    too. An emergency result is shown at once.
    """
    if assessment.triage is Level.EMERGENCY:
        return ()
    keys = (
        assessment.unanswered_safety_questions
        if assessment.triage is Level.SELF_CARE
        else assessment.open_safety_questions
    )
    questions = questionnaire.questions
    answers = assessment.answers
    return tuple(questions[k] for k in keys if k in questions and questions[k].applies(answers))


def required_missing(step: Step, answers: Mapping[str, Any]) -> tuple[Question, ...]:
    """Required questions of a step that are not answered yet (only age today)."""
    return tuple(q for q in step.questions if q.required and answers.get(q.key) is None)


def progress(index: int, questionnaire: Questionnaire) -> tuple[float, str]:
    """Progress as a fraction and in words, e.g. 'Step 2 of 6: Warning signs'."""
    total = len(questionnaire.steps)
    index = max(0, min(index, total - 1))
    title = questionnaire.steps[index].title
    return (index + 1) / total, f"Step {index + 1} of {total}: {title}"


def _duration_row(assessment: Assessment) -> ScoreRow:
    weeks = assessment.answers.get("duration_weeks")
    category = assessment.duration_category
    if category is None:
        return ScoreRow("How long", "Not answered")
    meaning = {
        "acute": f"under {ACUTE_BELOW_WEEKS} weeks",
        "subacute": f"{ACUTE_BELOW_WEEKS} to {CHRONIC_ABOVE_WEEKS} weeks",
        "chronic": f"over {CHRONIC_ABOVE_WEEKS} weeks",
    }[category]
    return ScoreRow(
        "How long", f"{category.capitalize()} ({meaning})", f"You said {weeks:g} weeks."
    )


def _pain_row(assessment: Assessment) -> ScoreRow:
    band = assessment.scores.pain_band
    if band is None:
        return ScoreRow("Pain now", "Not answered")
    return ScoreRow(
        "Pain now", f"{band.capitalize()}", f"You said {assessment.answers['pain_now']} out of 10."
    )


def _psychosocial_row(assessment: Assessment) -> ScoreRow:
    s = assessment.scores
    points = f"{s.psychosocial_points} of {PSYCHOSOCIAL_MAX} points"
    return ScoreRow(
        "How the pain weighs on you",
        f"{s.psychosocial_risk.capitalize()} ({points})",
        f"Our own short screen: {PSYCHOSOCIAL_LABEL}.",
    )


def score_rows(assessment: Assessment) -> tuple[ScoreRow, ...]:
    return (_pain_row(assessment), _duration_row(assessment), _psychosocial_row(assessment))


def pattern_views(questionnaire: Questionnaire, assessment: Assessment) -> tuple[PatternView, ...]:
    texts = pattern_text()
    return tuple(
        PatternView(
            id=p.id,
            name=texts[p.id].name,
            summary=texts[p.id].summary,
            strength=p.strength,
            strength_label=STRENGTH_LABEL[p.strength],
            serious=p.serious,
            because=_quotes(questionnaire, assessment.answers, p.because),
            link_params={CONDITION_PARAM: p.id},
        )
        for p in assessment.patterns
    )


def result_view(questionnaire: Questionnaire, assessment: Assessment) -> ResultView:
    """The whole Results page as plain data."""
    text = triage_text()
    answers = assessment.answers
    return ResultView(
        banner=banner(assessment.triage),
        reasons=tuple(
            ReasonView(r.text, r.level, _quotes(questionnaire, answers, r.because))
            for r in assessment.reasons
        ),
        patterns=pattern_views(questionnaire, assessment),
        scores=score_rows(assessment),
        safety_net=text.safety_net,
        not_a_diagnosis=text.not_a_diagnosis,
        unanswered=_quotes(
            questionnaire,
            answers,
            tuple(
                k
                for k in assessment.unanswered_safety_questions
                if k in questionnaire.questions and questionnaire.questions[k].applies(answers)
            ),
        ),
    )


__all__ = [
    "ALERT_KIND",
    "CONDITIONS_PAGE",
    "CONDITION_PARAM",
    "AnswerQuote",
    "Banner",
    "PatternView",
    "ReasonView",
    "ResultView",
    "ScoreRow",
    "banner",
    "live_emergency",
    "page_text",
    "pattern_views",
    "progress",
    "questions_to_ask_before_result",
    "quote",
    "required_missing",
    "result_view",
    "score_rows",
    "try_assess",
]
