"""``backcare diary import FILE`` and ``backcare diary export``: move a diary between computers.

Import checks the whole file first and writes nothing unless every row is
valid (one transaction); the file is read as every entry point reads it
(`backcare.safe_io`: size limit, UTF-8 with a byte-order mark dropped, strict
JSON). Export writes CSV (formula cells guarded) or JSON. A damaged row in the
database does not stop an export: the readable days are written, each
damaged row is named on standard error, and the exit code is 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backcare.cli.common import EXIT_FAILED, EXIT_OK, UserError, read_bytes
from backcare.diary.entries import (
    MAX_IMPORT_BYTES,
    DiaryEntry,
    DiaryError,
    parse_file,
    to_csv,
    to_json,
)
from backcare.diary.storage import DamagedDataError, StorageError, Store, open_store

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
        raise UserError(str(exc)) from None


def _not_imported(source: str, exc: DiaryError) -> UserError:
    """One line for a problem with the whole file; one line a problem for bad rows."""
    if len(exc.errors) == 1:
        return UserError(f"{source}: nothing was imported: {exc.errors[0].message()}")
    lines = "\n  ".join(e.message() for e in exc.errors[:50])
    more = f"\n  ... and {len(exc.errors) - 50} more" if len(exc.errors) > 50 else ""
    return UserError(f"{source}: nothing was imported.\n  {lines}{more}")


def run_import(args: argparse.Namespace) -> int:
    data = read_bytes(args.file, MAX_IMPORT_BYTES)
    name = f"x.{args.format}" if args.format else args.file
    try:
        entries = parse_file(name, data)
    except DiaryError as exc:
        raise _not_imported(args.file, exc) from None
    store = open_db(args.db)
    try:
        count = store.save_entries(entries)
    except StorageError as exc:
        raise UserError(str(exc)) from None
    finally:
        store.close()
    print(f"Imported {count} diary day{'s' if count != 1 else ''}.", file=sys.stderr)
    return EXIT_OK


def _stored_entries(db: str | None) -> tuple[list[DiaryEntry], tuple[str, ...]]:
    """Every readable diary day, and one line for each damaged row (if any)."""
    store = open_db(db)
    try:
        return store.entries(), ()
    except DamagedDataError as exc:
        return list(exc.usable), exc.problems
    except StorageError as exc:
        raise UserError(str(exc)) from None
    finally:
        store.close()


def run_export(args: argparse.Namespace) -> int:
    entries, damaged = _stored_entries(args.db)
    for problem in damaged:
        print(f"backcare diary: not exported, damaged in the database: {problem}", file=sys.stderr)
    code = EXIT_FAILED if damaged else EXIT_OK
    fmt = args.format or ("json" if (args.output or "").lower().endswith(".json") else "csv")
    text = to_json(entries) if fmt == "json" else to_csv(entries)
    if not args.output or args.output == "-":
        sys.stdout.write(text)
        return code
    try:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write it ({exc.strerror})") from exc
    print(f"Exported {len(entries)} diary days to {args.output}.", file=sys.stderr)
    return code
