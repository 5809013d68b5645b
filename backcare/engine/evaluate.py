"""`assess`: one answer set in, one explained `Assessment` out."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from backcare.engine.answers import validate
from backcare.engine.patterns import match_all
from backcare.engine.results import Assessment, Reason
from backcare.engine.scores import duration_category, score
from backcare.engine.triage import Context, decide
from backcare.engine.wording import reason_text


def assess(answers: Mapping[str, Any]) -> Assessment:
    """Validate the answers, then triage them, match patterns and score them.

    Raises `ValidationError` (a ValueError) naming every bad key.
    """
    clean = validate(answers)
    patterns = match_all(clean)
    scores = score(clean)
    decision = decide(Context(clean, patterns, scores))
    reasons = tuple(
        Reason(f.rule.id, f.rule.level, f.because, reason_text(f.rule.id)) for f in decision.fired
    )
    return Assessment(
        triage=decision.level,
        reasons=reasons,
        patterns=patterns,
        unanswered_safety_questions=decision.unanswered,
        open_safety_questions=decision.open,
        duration_category=duration_category(clean.get("duration_weeks")),
        scores=scores,
        answers=clean,
    )
