"""Answer sets used across tests: an "everything no" baseline and small builders."""

from __future__ import annotations

from typing import Any

from backcare.engine.answers import FIELDS, Kind

#: The most reassuring valid answer for every key: all yes/no questions "no",
#: choices at their calm end, no lists ticked. A 30-year-old with 1 week of mild pain.
BENIGN_CHOICE = {
    "sex": "prefer_not_to_say",
    "onset": "gradual",
    "trauma": "none",
    "leg_pain": "none",
    "leg_numbness": "none",
    "leg_weakness": "none",
    "night_pain": "none",
    "bothersomeness": "slightly",
}
BENIGN_NUMBER = {"age": 30, "pain_now": 2, "pain_week_worst": 3, "duration_weeks": 1}


def all_no(**changes: Any) -> dict[str, Any]:
    """Every key answered in the calmest way, then ``changes`` applied."""
    answers: dict[str, Any] = {}
    for f in FIELDS:
        if f.kind is Kind.BOOL:
            answers[f.key] = False
        elif f.kind is Kind.MULTI:
            answers[f.key] = []
        elif f.kind is Kind.CHOICE:
            answers[f.key] = BENIGN_CHOICE[f.key]
        else:
            answers[f.key] = BENIGN_NUMBER[f.key]
    answers.update(changes)
    return answers
