"""BackCare: a back-pain self-assessment engine. Pure Python, no Streamlit.

Not a diagnosis. ``assess(answers)`` turns an answer set (spec section 1) into
a triage level with reasons, ranked patterns and scores.

Module map (docs/architecture.md has the full table and the import layers):

* ``engine/``   answers contract, three-valued logic, signs, triage, patterns,
  scores, results, ``assess`` and the wording a result carries.
* ``content/``  the questionnaire and the condition explainers from ``data/``.
* ``planner/``  exercise library, plan model, safety rules, build, adjust, exports.
* ``diary/``    diary entries, trends and charts, storage, the clinician report.
* ``interop/``  exports for clinic systems (FHIR).
* ``cli/``      the ``python -m backcare`` commands.
* ``present``   view models for the pages; ``batch`` scoring many answer sets;
  ``answers_io`` the answers file; ``safe_io`` the strict reader of outside input.
"""

from backcare.engine import SPEC_VERSION
from backcare.engine.answers import FIELDS, KEYS, FieldError, ValidationError, validate
from backcare.engine.evaluate import assess
from backcare.engine.results import Assessment, Level, PatternMatch, Reason, Scores, Strength

__all__ = [
    "FIELDS",
    "KEYS",
    "SPEC_VERSION",
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
