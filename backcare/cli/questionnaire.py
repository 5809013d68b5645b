"""``backcare questionnaire``: print the questionnaire as Markdown (for docs/)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backcare.cli.common import EXIT_OK, UserError
from backcare.content.questionnaire_doc import render


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "questionnaire",
        help="print every question, its answers and when it is asked",
        description="Print the questionnaire (from data/questionnaire.yaml) as Markdown.",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE, not standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    text = render()
    if args.output:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot write {args.output}: {exc}") from exc
    else:
        sys.stdout.write(text)
    return EXIT_OK
