"""``backcare fhir questionnaire`` and ``backcare fhir response FILE``: FHIR R4 JSON.

``questionnaire`` writes the symptom check as a FHIR Questionnaire;
``response`` assesses a JSON answer set and writes a FHIR Bundle with the
QuestionnaireResponse, a RiskAssessment for the triage and Observations for
the pain scores. Both print to standard output unless ``-o FILE`` is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from backcare.cli.common import EXIT_OK, UserError, invalid_answers, read_json
from backcare.engine.answers import ValidationError
from backcare.interop.fhir import questionnaire_json, response_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "fhir",
        help="write the questionnaire, or an answer set and its result, as FHIR R4 JSON",
        description="FHIR R4 exports for a clinical record. Not a diagnosis.",
    )
    kinds = p.add_subparsers(dest="fhir_command", metavar="WHAT", required=True)
    q = kinds.add_parser(
        "questionnaire",
        help="the symptom check as a FHIR Questionnaire",
        description="Write data/questionnaire.yaml as a FHIR R4 Questionnaire (JSON).",
    )
    q.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    q.set_defaults(func=run_questionnaire)
    r = kinds.add_parser(
        "response",
        help="an answer set as a FHIR Bundle with its triage and pain scores",
        description="Assess the answers in FILE and write a FHIR R4 Bundle (collection) with "
        "a QuestionnaireResponse, a RiskAssessment and pain Observations (JSON).",
    )
    r.add_argument("answers", metavar="FILE", help="a JSON answer set, or - for standard input")
    r.add_argument(
        "--authored",
        metavar="WHEN",
        help="when the answers were given, e.g. 2026-06-28T09:00:00+01:00 (default: now)",
    )
    r.add_argument("-o", "--output", metavar="FILE", help="write here instead of standard output")
    r.set_defaults(func=run_response)


def _write(name: str | None, text: str) -> None:
    if name is None:
        sys.stdout.write(text)
        return
    try:
        Path(name).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{name}: cannot write it ({exc.strerror or exc})") from None
    print(f"Wrote {name}.", file=sys.stderr)


def _when(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"--authored: got {text!r}; allowed: a date and time such as 2026-06-28T09:00:00Z"
        ) from None


def run_questionnaire(args: argparse.Namespace) -> int:
    _write(args.output, questionnaire_json())
    return EXIT_OK


def run_response(args: argparse.Namespace) -> int:
    authored = _when(args.authored)
    answers = read_json(args.answers)
    try:
        text = response_json(answers, authored=authored)
    except ValidationError as exc:
        raise invalid_answers(args.answers, exc) from None
    _write(args.output, text)
    return EXIT_OK
