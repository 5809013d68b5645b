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
from backcare.engine.patterns import display_rows
from backcare.engine.results import Assessment, Level, Strength
from backcare.engine.scores import (
    ACUTE_BELOW_WEEKS,
    CHRONIC_ABOVE_WEEKS,
    PSYCHOSOCIAL_ITEMS,
    PSYCHOSOCIAL_LABEL,
)
from backcare.engine.wording import Texts, level_text, load_texts, pattern_text, triage_text

#: Alert style per level. Colour is never the only signal: each banner also
#: carries the level's icon and its title and action in words.
ALERT_KIND: dict[Level, str] = {
    Level.EMERGENCY: "error",
    Level.URGENT: "warning",
    Level.SOON: "info",
    Level.SELF_CARE: "success",
}

#: Material icons (drawn from Streamlit's own icon font, so they show on a machine
#: with no emoji font; the words of the banner still say the level).
LEVEL_ICON: dict[Level, str] = {
    Level.EMERGENCY: ":material/emergency:",
    Level.URGENT: ":material/warning:",
    Level.SOON: ":material/event:",
    Level.SELF_CARE: ":material/check_circle:",
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
class EmergencyNumber:
    """One emergency number, where it is used, and its tap-to-call link."""

    number: str
    where: str

    @property
    def tel(self) -> str:
        return f"tel:{self.number}"


@dataclass(frozen=True)
class EmergencyCall:
    """The number to call first (from the person's locale) and every number we list."""

    primary: EmergencyNumber
    numbers: tuple[EmergencyNumber, ...]


@dataclass(frozen=True)
class ResultView:
    """Everything the Results page shows, in the order it shows it.

    Spec section 2 (v2): an emergency result shows the instruction, the number
    and only the emergency reasons above the fold; everything else (lower
    reasons, patterns that are not serious, scores) goes under `also_tell`.
    Every result below emergency has `meanwhile` advice.
    """

    banner: Banner
    reasons: tuple[ReasonView, ...]
    patterns: tuple[PatternView, ...]
    scores: tuple[ScoreRow, ...]
    safety_net: tuple[str, ...]
    not_a_diagnosis: str
    unanswered: tuple[AnswerQuote, ...]
    also_tell: tuple[ReasonView, ...] = ()
    also_tell_patterns: tuple[PatternView, ...] = ()
    after_rule_out: tuple[PatternView, ...] = ()
    meanwhile: tuple[str, ...] = ()
    dont_know: tuple[AnswerQuote, ...] = ()

    @property
    def emergency(self) -> bool:
        return self.banner.level is Level.EMERGENCY


PAGE_TEXT_SECTIONS = (
    "home",
    "check",
    "results",
    "conditions",
    "result_levels",
    "emergency",
    "meanwhile",
    "six_weeks",
    "exports",
    "labels",
)


@cache
def page_text() -> Texts:
    """The words around the results (`data/pages.yaml`), by page section."""
    return load_texts("pages.yaml", PAGE_TEXT_SECTIONS)


def banner(level: Level | str) -> Banner:
    """The banner for a level, from `data/triage.yaml`."""
    lv = Level(str(level))
    text = level_text(lv.value)
    return Banner(lv, ALERT_KIND[lv], LEVEL_ICON[lv], text.title, text.headline, text.action)


def emergency_call(locale: str | None) -> EmergencyCall:
    """The emergency number for the person's locale (e.g. ``en-GB`` -> 999), and all of them.

    The region is the part after ``-`` or ``_``; an unknown or missing locale
    gets the default (112, which also works from most mobile phones abroad).
    """
    raw = page_text()
    listed = [
        (EmergencyNumber(str(n["number"]), n["where"]), set(n["regions"]))
        for n in raw["emergency_numbers"]
    ]
    region = (
        (locale or "").replace("_", "-").split("-")[-1].upper()
        if locale and ("-" in locale or "_" in locale)
        else ""
    )
    default = str(raw["default_emergency_number"])
    primary = next((n for n, regions in listed if region in regions), None)
    primary = primary or next(n for n, _ in listed if n.number == default)
    return EmergencyCall(primary, tuple(n for n, _ in listed))


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
    questionnaire: Questionnaire,
    assessment: Assessment,
    dont_know: frozenset[str] = frozenset(),
) -> tuple[Question, ...]:
    """Safety questions still to ask before this result may be shown.

    Spec section 2 (v2): before ANY result below emergency, every open safety
    question (one whose answer could still raise the level) is asked; a
    self-care result also needs every unanswered safety question. An emergency
    result is shown at once. A question the person answered "I don't know"
    (``dont_know``) has been asked: it is not asked again, and the result names it.
    """
    if assessment.triage is Level.EMERGENCY:
        return ()
    keys = tuple(assessment.open_safety_questions)
    if assessment.triage is Level.SELF_CARE:
        keys += tuple(assessment.unanswered_safety_questions)
    questions = questionnaire.questions
    answers = assessment.answers
    wanted = dict.fromkeys(
        k for k in keys if k in questions and k not in dont_know and questions[k].applies(answers)
    )
    return tuple(q for k, q in questions.items() if k in wanted)


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


def safety_net(assessment: Assessment) -> tuple[str, ...]:
    """The safety net, its "6 weeks" line fitted to how long the pain has lasted.

    Spec section 2 (v2): at 6 weeks or more the line says the pain has already
    lasted long enough to see a GP. An emergency result leaves the line out.
    """
    words = page_text()["six_weeks"]
    weeks = assessment.answers.get("duration_weeks")
    if weeks is None:
        six = words["unknown"]
    elif weeks >= ACUTE_BELOW_WEEKS:
        six = words["passed"].format(weeks=f"{weeks:g}")
    else:
        six = words["not_yet"]
    lines = [line for line in triage_text().safety_net if line != words["not_yet"]]
    if assessment.triage is not Level.EMERGENCY:
        lines.insert(1, six)
    return tuple(lines)


def meanwhile(assessment: Assessment) -> tuple[str, ...]:
    """What to do until the person sees someone (every level below emergency)."""
    if assessment.triage is Level.EMERGENCY:
        return ()
    words = page_text()["meanwhile"]
    lines = list(words[assessment.triage.value])
    if assessment.scores.psychosocial_risk in ("medium", "high"):
        lines.append(words["worry"])
    if assessment.duration_category in ("subacute", "chronic"):
        lines.append(words["long_lasting"])
    return tuple(lines)


def _reason_views(
    questionnaire: Questionnaire, assessment: Assessment
) -> tuple[tuple[ReasonView, ...], tuple[ReasonView, ...]]:
    """The reasons shown first, and (for an emergency) the rest for "Also tell the doctor"."""
    views = tuple(
        ReasonView(r.text, r.level, _quotes(questionnaire, assessment.answers, r.because))
        for r in assessment.reasons
    )
    if assessment.triage is not Level.EMERGENCY:
        return views, ()
    first = tuple(v for v in views if v.level is Level.EMERGENCY)
    return first, tuple(v for v in views if v.level is not Level.EMERGENCY)


def pattern_rows(
    questionnaire: Questionnaire, assessment: Assessment
) -> tuple[tuple[PatternView, ...], tuple[PatternView, ...]]:
    """One condition, one row (spec section 3 v2): the rows shown, and those held back.

    The engine's `display_rows` decides (the report uses it too): `fracture` and
    `osteoporotic_fracture` are one row, and a pattern that is not serious and
    rests on the same answers as a serious one is held back for "once a doctor
    has ruled out the serious causes".
    """
    texts = pattern_text()
    views = {
        row: PatternView(
            id=row.id,
            name=texts[row.id].name,
            summary=texts[row.id].summary,
            strength=row.strength,
            strength_label=STRENGTH_LABEL[row.strength],
            serious=row.serious,
            because=_quotes(questionnaire, assessment.answers, row.because),
            link_params={CONDITION_PARAM: row.id},
        )
        for row in display_rows(assessment.patterns)
    }
    shown = tuple(v for row, v in views.items() if not row.after_ruling_out)
    return shown, tuple(v for row, v in views.items() if row.after_ruling_out)


def result_view(
    questionnaire: Questionnaire,
    assessment: Assessment,
    dont_know: frozenset[str] = frozenset(),
) -> ResultView:
    """The whole Results page as plain data, laid out for the level (spec section 2 v2)."""
    text = triage_text()
    answers = assessment.answers
    reasons, also_tell = _reason_views(questionnaire, assessment)
    shown, after_rule_out = pattern_rows(questionnaire, assessment)
    emergency = assessment.triage is Level.EMERGENCY
    return ResultView(
        banner=banner(assessment.triage),
        reasons=reasons,
        patterns=tuple(p for p in shown if p.serious) if emergency else shown,
        also_tell=also_tell,
        also_tell_patterns=tuple(p for p in shown if not p.serious) if emergency else (),
        after_rule_out=after_rule_out,
        meanwhile=meanwhile(assessment),
        dont_know=_quotes(
            questionnaire, answers, tuple(k for k in questionnaire.questions if k in dont_know)
        ),
        scores=score_rows(assessment),
        safety_net=safety_net(assessment),
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
    "EmergencyCall",
    "EmergencyNumber",
    "PatternView",
    "ReasonView",
    "ResultView",
    "ScoreRow",
    "banner",
    "emergency_call",
    "live_emergency",
    "meanwhile",
    "page_text",
    "pattern_rows",
    "progress",
    "questions_to_ask_before_result",
    "quote",
    "required_missing",
    "result_view",
    "safety_net",
    "score_rows",
    "try_assess",
]
