"""``backcare diary import FILE`` and ``backcare diary export``: move a diary between computers.

Import checks the whole file first and writes nothing unless every row is
valid (one transaction). Export writes CSV (formula cells escaped) or JSON.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backcare.cli.common import EXIT_OK, UserError, read_text
from backcare.diary.entries import DiaryError, parse_file, to_csv, to_json
from backcare.diary.storage import StorageError, Store, open_store

DB_HELP = "database URL (default: BACKCARE_DB_URL, else ~/.backcare/backcare.db)"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diary",
        help="import or export the pain and activity diary (CSV or JSON)",
        description="Import or export the diary. Columns: date, pain_now, pain_worst, "
        "active_minutes, exercises (ids separated by ;), leg_pain, sleep, notes.",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import",
        help="add the days in FILE to the diary (all or nothing)",
        description="Check every row of FILE, then save them all in one go. A day that is "
        "already in the diary is replaced. If any row is bad, nothing is saved.",
    )
    imp.add_argument(
        "file", metavar="FILE", help="a .csv or .json diary file, or - for CSV on stdin"
    )
    imp.add_argument(
        "--format", choices=("csv", "json"), help="file format (default: from the name)"
    )
    imp.add_argument("--db", metavar="URL", help=DB_HELP)
    imp.set_defaults(func=run_import)
    exp = actions.add_parser("export", help="write the whole diary as CSV or JSON")
    exp.add_argument(
        "-o", "--output", metavar="FILE", help="file to write (default: standard output)"
    )
    exp.add_argument(
        "--format",
        choices=("csv", "json"),
        help="file format (default: from the -o name, else csv)",
    )
    exp.add_argument("--db", metavar="URL", help=DB_HELP)
    exp.set_defaults(func=run_export)


def open_db(url: str | None) -> Store:
    try:
        return open_store(url)
    except StorageError as exc:
        raise UserError(str(exc)) from exc


def run_import(args: argparse.Namespace) -> int:
    text = read_text(args.file)
    name = f"x.{args.format}" if args.format else args.file
    try:
        entries = parse_file(name, text)
    except DiaryError as exc:
        lines = "\n  ".join(e.message() for e in exc.errors[:50])
        more = f"\n  ... and {len(exc.errors) - 50} more" if len(exc.errors) > 50 else ""
        raise UserError(f"{args.file}: nothing was imported.\n  {lines}{more}") from exc
    store = open_db(args.db)
    try:
        count = store.save_entries(entries)
    except StorageError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    print(f"Imported {count} diary day{'s' if count != 1 else ''}.", file=sys.stderr)
    return EXIT_OK


def run_export(args: argparse.Namespace) -> int:
    store = open_db(args.db)
    try:
        entries = store.entries()
    except StorageError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    fmt = args.format or ("json" if (args.output or "").lower().endswith(".json") else "csv")
    text = to_json(entries) if fmt == "json" else to_csv(entries)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    try:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write it ({exc.strerror})") from exc
    print(f"Exported {len(entries)} diary days to {args.output}.", file=sys.stderr)
    return EXIT_OK
