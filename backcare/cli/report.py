"""``backcare report --answers FILE -o REPORT.pdf``: the PDF report for a doctor."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backcare.cli.common import EXIT_OK, UserError, assess_file
from backcare.cli.diary import DB_HELP, open_db
from backcare.diary.storage import StorageError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="make a PDF report for a GP or physiotherapist",
        description="Assess the answers in FILE and write a PDF with the result, the pain "
        "trend and diary of the last 4 weeks, and the latest exercise plan. Not a diagnosis.",
    )
    p.add_argument(
        "--answers",
        metavar="FILE",
        required=True,
        help="a JSON answer set, or - for standard input",
    )
    p.add_argument("-o", "--output", metavar="REPORT.pdf", required=True, help="the PDF to write")
    p.add_argument("--db", metavar="URL", help=DB_HELP)
    p.add_argument("--page-size", choices=("A4", "Letter"), default="A4", help="paper size")
    p.add_argument("--name", help="the patient's name, printed on the report only (never stored)")
    p.add_argument("--dob", metavar="DATE", help="date of birth, printed only (never stored)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    assessment = assess_file(args.answers)
    store = open_db(args.db)
    try:
        entries, plan = store.entries(), store.latest_plan()
    except StorageError as exc:
        raise UserError(str(exc)) from exc
    finally:
        store.close()
    # Imported here: the PDF stack (fpdf2, altair, pandas, vl-convert) takes about
    # 1 s and 160 MB to load, which no other command should pay for.
    from backcare.diary.report import build_report  # noqa: PLC0415 (see above)

    pdf = build_report(
        result=assessment.to_dict(),
        answers=assessment.answers,
        entries=entries,
        plan=plan,
        patient_name=args.name,
        date_of_birth=args.dob,
        page_size=args.page_size,
    )
    try:
        Path(args.output).write_bytes(pdf)
    except OSError as exc:
        raise UserError(f"{args.output}: cannot write it ({exc.strerror})") from exc
    print(f"Wrote {args.output} ({len(pdf) // 1024} KB).", file=sys.stderr)
    return EXIT_OK
