"""``backcare score INPUT.csv -o OUTPUT.csv``: score many answer sets at once.

Exit codes: 0 when every row was scored, 1 when any row failed (its ``error``
cell says why), 2 when the file cannot be scored at all. The output is written
to a temporary file beside it and moved into place only when the whole input
was read, so an unusable input never leaves half a file (or clobbers an old
one). Writing the results over the input itself (``score x.csv -o x.csv``, or
through a link) is refused before anything is written. A bad cell (an unknown
choice, a 310-digit number) only fails its own row.

``--engine dask`` scores a glob of CSV or Parquet files into a folder of parts,
on this machine's cores or on a Dask cluster (``--scheduler``), with the same
column interpreter: see `backcare.batch_dask` and docs/batch.md.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from tqdm import tqdm

from backcare import batch_dask
from backcare.batch import (
    DEFAULT_ENGINE,
    ENGINES,
    BatchInputError,
    BatchSummary,
    score_text,
)
from backcare.cli.common import EXIT_FAILED, EXIT_OK, UserError
from backcare.safe_io import TEXT_ENCODING

#: Move the progress bar once every this many rows: cheap, and still smooth.
PROGRESS_EVERY = 500


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "score",
        help="score a CSV file of answer sets, one a row, and write the results as CSV",
        description="Score a CSV file of answer sets (one a row, columns named by answer keys). "
        "The output keeps the input columns and adds triage, top_pattern, patterns, reasons "
        "and error. Exit 0 if every row was scored, 1 if any row failed, 2 if the file "
        "cannot be read. Not a diagnosis.",
    )
    p.add_argument(
        "input",
        metavar="INPUT.csv",
        help="the CSV file, or - for standard input; with --engine dask, a glob of CSV or "
        "Parquet files (quote it: 'forms/*.csv')",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT.csv",
        required=True,
        help="where to write the scored CSV, or - for standard output; with --engine dask, "
        "a new folder for the parts",
    )
    p.add_argument(
        "--keep",
        metavar="COLUMN",
        action="append",
        default=[],
        help="a column that is not an answer (e.g. a record id) to carry through "
        "unscored; repeat for more",
    )
    p.add_argument(
        "--jobs",
        metavar="N",
        type=int,
        default=None,
        help="score in N worker processes (0: one per CPU core); default 1, or one per "
        "CPU core with --engine dask",
    )
    p.add_argument(
        "--engine",
        choices=(*ENGINES, batch_dask.ENGINE),
        default=DEFAULT_ENGINE,
        help="how the rules are run: columns (a block of rows at a time, the default), "
        "rows (one row at a time), or dask (the columns engine on each file of a glob, "
        "over local processes or a Dask cluster; needs requirements-batch.txt); "
        "all give the same output",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="with --engine dask: the Dask scheduler to run on (tcp://host:8786); "
        "default: local worker processes",
    )
    p.add_argument(
        "--output-format",
        choices=batch_dask.FORMATS,
        help="with --engine dask: the parts' format; default: the suffix of OUTPUT "
        "(scored.parquet), else the input's format",
    )
    p.add_argument(
        "--progress",
        choices=("auto", "always", "never"),
        default="auto",
        help="show a progress bar on standard error (auto: only on a terminal)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        summary = _score(args)
    except BatchInputError as exc:
        raise UserError(f"{args.input}: {exc}") from None
    failed = f"; {summary.failed} failed (see the error column)" if summary.failed else ""
    print(
        f"backcare score: scored {summary.scored} of {summary.rows} rows into "
        f"{args.output}{failed}",
        file=sys.stderr,
    )
    return EXIT_FAILED if summary.failed else EXIT_OK


def _score(args: argparse.Namespace) -> BatchSummary:
    if args.engine == batch_dask.ENGINE:
        return _score_dask(args)
    for option, value in (("--scheduler", args.scheduler), ("--output-format", args.output_format)):
        if value is not None:
            raise UserError(f"{option} works only with --engine dask")
    jobs = _jobs(args.jobs)
    if _same_file(args.input, args.output):
        raise UserError(
            f"{args.output}: is the input file itself; write the results to another file "
            "(scoring into the input would replace the answers with the results)"
        )
    with (
        _open_input(args.input) as (text, raw),
        _open_output(args.output) as out,
        _progress(args, raw) as on_row,
    ):
        return score_text(text, out, keep=args.keep, on_row=on_row, jobs=jobs, engine=args.engine)


def _score_dask(args: argparse.Namespace) -> BatchSummary:
    """The dask engine: a glob of files into a folder of parts (`batch_dask.score_files`)."""
    if args.scheduler and args.jobs is not None:
        raise UserError("--jobs is for local workers; the cluster at --scheduler has its own")
    jobs = _jobs(args.jobs) if args.jobs is not None else None
    try:
        return batch_dask.score_files(
            args.input,
            args.output,
            keep=args.keep,
            out_format=args.output_format,
            scheduler=args.scheduler,
            jobs=jobs,
            progress=_show_progress(args),
        )
    except (BatchInputError, batch_dask.DaskError) as exc:
        raise UserError(str(exc)) from None


def _same_file(source: str, target: str) -> bool:
    """True when ``target`` names the file ``source`` (also through a link or ``./``)."""
    if source == "-" or target == "-":
        return False
    try:
        return os.path.samefile(source, target)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return Path(source).resolve() == Path(target).resolve()


def _jobs(asked: int | None) -> int:
    if asked is None:
        return 1
    if asked < 0:
        raise UserError(f"--jobs must be 0 (one per CPU core) or more, not {asked}")
    return asked or os.cpu_count() or 1


@contextlib.contextmanager
def _open_input(name: str) -> Iterator[tuple[IO[str], IO[bytes]]]:
    """The input as text (UTF-8, a byte-order mark dropped as by every entry point) and
    its raw bytes for progress."""
    if name == "-":
        raw: IO[bytes] = sys.stdin.buffer
    else:
        try:
            raw = open(name, "rb")  # noqa: SIM115 - closed below
        except FileNotFoundError:
            raise UserError(f"{name}: no such file") from None
        except OSError as exc:
            raise UserError(f"{name}: cannot read it ({exc.strerror})") from None
    text = io.TextIOWrapper(raw, encoding=TEXT_ENCODING, newline="")
    try:
        yield text, raw
    finally:
        if name != "-":
            text.close()


@contextlib.contextmanager
def _open_output(name: str) -> Iterator[IO[str]]:
    """Write to a temporary file beside ``name``; move it into place only on success."""
    if name == "-":
        yield sys.stdout
        return
    target = Path(name)
    with _cleanup_on_signals():
        try:
            fd, tmp = tempfile.mkstemp(
                prefix=f".{target.name}.",
                suffix=".part",
                dir=target.parent if str(target.parent) else ".",
            )
        except OSError as exc:
            raise UserError(f"{name}: cannot write there ({exc.strerror})") from None
        try:
            with open(fd, "w", encoding="utf-8", newline="") as out:
                yield out
            os.replace(tmp, target)
        except OSError as exc:
            raise UserError(f"{name}: cannot write there ({exc.strerror})") from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # gone already after a successful replace


@contextlib.contextmanager
def _cleanup_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into an exit that runs cleanup (no stray .part file)."""

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    caught = [s for s in (signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None]
    try:
        before = {s: signal.signal(s, stop) for s in caught}
    except ValueError:  # not the main thread: leave signals alone
        before = {}
    try:
        yield
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)


def _show_progress(args: argparse.Namespace) -> bool:
    return args.progress == "always" or (args.progress == "auto" and sys.stderr.isatty())


@contextlib.contextmanager
def _progress(args: argparse.Namespace, raw: IO[bytes]) -> Iterator[Callable[[], Any] | None]:
    """A tqdm bar on standard error, by bytes read, when asked or on a terminal."""
    if not _show_progress(args):
        yield None
        return

    total = os.path.getsize(args.input) if args.input != "-" else None
    bar = tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr, desc="scoring")
    state = {"rows": 0, "at": 0}

    def on_row() -> None:
        state["rows"] += 1
        if state["rows"] % PROGRESS_EVERY == 0:
            with contextlib.suppress(OSError, ValueError):
                at = raw.tell()
                state["at"], step = at, at - state["at"]
                bar.set_postfix_str(f"{state['rows']:,} rows", refresh=False)
                bar.update(step)

    try:
        yield on_row
    finally:
        if total is not None:
            bar.update(total - state["at"])
        bar.close()
