"""``backcare assess FILE``: print the assessment of one answer set as JSON."""

from __future__ import annotations

import argparse

from backcare.cli.common import EXIT_OK, assess_file, print_json


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "assess",
        help="assess one answer set (JSON) and print the result as JSON",
        description="Assess one answer set and print the result as JSON (spec section 5). "
        "Not a diagnosis.",
    )
    p.add_argument("file", metavar="FILE", help="a JSON answer set, or - for standard input")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    print_json(assess_file(args.file).to_dict())
    return EXIT_OK
