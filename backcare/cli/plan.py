"""``backcare plan PROFILE.json``: print a personal exercise plan as JSON.

Prints ``{"refused": "..."}`` instead when the answers say to get help first.
Bad input (profile, answers or feedback) exits 2 naming the bad field.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backcare.cli.common import ANSWERS_MAX_BYTES, EXIT_OK, UserError, print_json, read_json
from backcare.engine.answers import ValidationError
from backcare.planner import FeedbackError, adjust, plan
from backcare.planner.export import to_csv, to_html, to_ics
from backcare.planner.model import Plan, ProfileError, Refusal


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "plan",
        help="build an exercise plan from a profile (JSON) and print it as JSON",
        description="Build a personal exercise plan and print it as JSON. "
        "With --answers, the plan follows the safety rules for those answers, "
        "or refuses when they need a doctor first. Not a diagnosis.",
    )
    p.add_argument("profile", metavar="PROFILE", help="a JSON profile, or - for standard input")
    p.add_argument("--answers", metavar="FILE", help="a JSON answer set (as for `assess`)")
    p.add_argument(
        "--feedback",
        metavar="FILE",
        help="a JSON list of session feedback; the plan is adjusted to it",
    )
    p.add_argument("--ics", metavar="FILE", help="also write a calendar file")
    p.add_argument("--csv", metavar="FILE", help="also write a CSV file")
    p.add_argument("--html", metavar="FILE", help="also write a printable HTML page")
    p.set_defaults(func=run)


def _write(name: str, data: str | bytes) -> None:
    try:
        path = Path(name)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{name}: cannot write it ({exc})") from exc


def _bad(source: str, errors: dict[str, str]) -> UserError:
    listed = "; ".join(f"{key}: {problem}" for key, problem in errors.items())
    return UserError(f"{source}: invalid: {listed}")


def _build(args: argparse.Namespace) -> Plan | Refusal:
    # Every file named is read (strictly) first, so a bad one is an error even when
    # the plan is refused and the feedback would not be used.
    profile = read_json(args.profile)
    answers = read_json(args.answers, ANSWERS_MAX_BYTES) if args.answers else None
    feedback = read_json(args.feedback) if args.feedback else None
    try:
        result = plan(profile, answers)
    except ProfileError as exc:
        raise _bad(args.profile, exc.errors) from exc
    except ValidationError as exc:
        raise _bad(args.answers, {e.key: e.problem for e in exc.errors}) from exc
    if args.feedback and isinstance(result, Plan):
        try:
            result = adjust(result, feedback)
        except FeedbackError as exc:
            raise _bad(args.feedback, exc.errors) from exc
    return result


def run(args: argparse.Namespace) -> int:
    result = _build(args)
    if isinstance(result, Plan):
        for name, export in ((args.ics, to_ics), (args.csv, to_csv), (args.html, to_html)):
            if name:
                _write(name, export(result))
    elif args.ics or args.csv or args.html:
        print("backcare plan: no plan was made, so no files were written", file=sys.stderr)
    print_json(result.to_dict())
    return EXIT_OK
