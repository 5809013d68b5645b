"""BackCare: a back-pain self-assessment engine. Pure Python, no Streamlit.

Not a diagnosis. ``assess(answers)`` turns an answer set (spec section 1) into
a triage level with reasons, ranked patterns and scores.
"""

from backcare.engine.answers import FIELDS, KEYS, FieldError, ValidationError, validate
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment, Level, PatternMatch, Reason, Scores, Strength

__all__ = [
    "FIELDS",
    "KEYS",
    "Assessment",
    "FieldError",
    "Level",
    "PatternMatch",
    "Reason",
    "Scores",
    "Strength",
    "ValidationError",
    "assess",
    "validate",
]
