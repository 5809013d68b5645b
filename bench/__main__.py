"""``python -m bench``: BackCare's figures against its budgets.

Prints the machine, the versions and a Markdown table (median and spread over
repeated runs for each figure). Figures are measurements, never test
assertions. A full run takes a few minutes on 2 cores; ``--quick`` does fewer
repeats (for a smoke check, not for docs/performance.md).
"""

from __future__ import annotations

import argparse
import shlex
import sys
import time
from pathlib import Path

from bench import stats

PARTS = ("assess", "batch", "pages", "browser", "paint")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bench",
        description="BackCare's figures against their budgets (see docs/performance.md).",
    )
    p.add_argument("--quick", action="store_true", help="fewer repeats: a quick check")
    p.add_argument(
        "--only",
        choices=PARTS,
        action="append",
        help="run only this part (repeat for more); default: all",
    )
    p.add_argument(
        "--rows",
        type=int,
        default=100_000,
        help="rows in the generated batch file (default 100000)",
    )
    p.add_argument(
        "--raw-apptest",
        action="store_true",
        help="figure 3 with plain AppTest (recompiles every script on every run)",
    )
    p.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="write pyinstrument profiles of assess() and batch scoring to DIR, then stop",
    )
    p.add_argument(
        "--profile-page",
        metavar="PAGE",
        help="profile one page's reruns (e.g. pages/symptom_check.py), then stop; "
        "add --with-result for a session with a finished assessment",
    )
    p.add_argument("--with-result", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--app-dir",
        type=Path,
        metavar="DIR",
        help="paint: measure the app in another copy of the project "
        "(e.g. `git archive HEAD | tar -x -C DIR`) instead of this checkout",
    )
    p.add_argument("--out", type=Path, help="also write the report (Markdown) to this file")
    return p


def _run_part(part: str, args: argparse.Namespace) -> list[stats.Figure]:
    quick = args.quick
    if part == "assess":
        from bench import assess_bench

        return assess_bench.run(repeats=3 if quick else 9)
    if part == "batch":
        from bench import batch_bench

        return batch_bench.run(repeats=1 if quick else 3, rows=args.rows)
    if part == "pages":
        from bench import pages_bench

        return pages_bench.run(repeats=3 if quick else 15, raw=args.raw_apptest)
    if part == "paint":
        from bench import paint_bench

        return paint_bench.run(repeats=3 if quick else 15, app_root=args.app_dir or stats.ROOT)
    from bench import browser_bench

    return browser_bench.run(
        repeats=3 if quick else 15, cold_repeats=1 if quick else 3, rss_repeats=1 if quick else 3
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.profile_page:
        from bench import page_profile

        print(page_profile.profile(args.profile_page, args.with_result))
        return 0
    if args.profile:
        from bench import profiles

        for path in profiles.write(args.profile):
            print(path)
        return 0
    command = "python -m bench " + shlex.join(argv if argv is not None else sys.argv[1:])
    lines = [
        f"# BackCare benchmark ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})",
        "",
        f"Command: `{command.strip()}`",
        "",
    ]
    lines += [f"- {name}: {value}" for name, value in stats.machine()]
    if args.app_dir:
        lines.append(f"- app measured by paint: {args.app_dir.resolve()}")
    print("\n".join(lines), flush=True)
    figures: list[stats.Figure] = []
    failed: list[str] = []
    for part in args.only or PARTS:
        print(f"... {part}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            figures += _run_part(part, args)
        except Exception as exc:  # one broken part must not hide the others' figures
            failed.append(f"{part}: {type(exc).__name__}: {str(exc)[:500]}")
        print(f"    {part} took {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    report = ["", stats.table(figures), ""]
    report += [f"FAILED to measure {f}" for f in failed]
    print("\n".join(report))
    if args.out:
        args.out.write_text("\n".join(lines + report) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
