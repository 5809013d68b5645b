"""Batch scoring past one machine: ``backcare score --engine dask INPUT -o OUTPUT``.

One process scores tens of thousands of rows a second (docs/performance.md). A file
of many millions of rows, or many files, goes faster spread over the cores of one
machine or over a cluster. This module runs the SAME column interpreter as
``backcare score`` on each input file, as one task of `dask.dataframe.from_map`:
`batch.score_text` for a CSV file (its fast path and its `csv` path, exactly), and
`batch.ColumnScorer` for a Parquet file. So each row gets the very same output cells
as from the one-process command, header checks and per-row errors included
(tests/test_batch_dask.py checks it cell for cell on a two-worker cluster).

* INPUT is a glob of ``.csv`` or ``.parquet`` files, all with the same columns. The
  files are taken in name order; file i is partition i.
* A file is never split. A quoted CSV cell may hold a line break, and only a reader
  that starts at the top of the file reads it right. More files, more parallel work.
* Partition i is written as ``part-0000i.csv`` or ``.parquet`` in the OUTPUT folder,
  its rows in input order: the parts in name order are the whole input, in order.
* OUTPUT is filled under a hidden temporary name beside it and renamed only when
  every part was written, so a run that stops leaves no half-written folder.
* Every task first checks that its machine runs the same rules as the machine that
  started the run (`rules_fingerprint`), so a worker with an old copy of BackCare
  fails the run instead of scoring with other rules.

Dask is an optional extra (requirements-batch.txt). It is imported only inside the
functions that need it; without it, `DaskError` says how to install it.

May import: `engine`, `content`, `answers_io` and `batch`; only `cli` imports it
(tests/test_layers.py).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import io
import math
import os
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from backcare.batch import (
    COLUMN_BLOCK_SIZE,
    LIST_SEPARATOR,
    RESULT_COLUMNS,
    BatchInputError,
    BatchSummary,
    ColumnScorer,
    CsvOut,
    csv_rows,
    plan_columns,
    score_text,
)
from backcare.safe_io import TEXT_ENCODING, guard_cell

#: The ``--engine`` name of this engine.
ENGINE = "dask"
#: Input formats by file suffix (any case).
SUFFIXES: dict[str, str] = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
FORMATS = ("csv", "parquet")
INSTALL_HINT = "pip install -r requirements-batch.txt"
#: Digits in a part's number (``part-00000``); more when there are more files.
PART_DIGITS = 5
#: How long to wait for a scheduler given with ``--scheduler``.
CONNECT_SECONDS = 10
#: The start of what `distributed` raises when the scheduler cannot unpickle the tasks,
#: most often because BackCare is not installed beside it.
GRAPH_NOT_LOADED = "Error during deserialization of the task graph"

#: The files whose content decides a row's result: the rule data, both readers of
#: it, the cell reader and the formula guard. A worker must hold the same bytes.
RULE_FILES = (
    "backcare/engine/*.py",
    "backcare/batch.py",
    "backcare/batch_dask/*.py",
    "backcare/safe_io.py",
    "data/triage.yaml",
    "data/patterns.yaml",
)
ROOT = Path(__file__).resolve().parents[2]


class DaskError(Exception):
    """The Dask engine cannot run: not installed, no scheduler, or OUTPUT is not usable."""


@dataclass(frozen=True)
class Inputs:
    """The input files (absolute paths, name order), their format and shared header."""

    paths: tuple[str, ...]
    fmt: str
    header: tuple[str, ...]
    keep: tuple[str, ...]

    @property
    def output_header(self) -> list[str]:
        """The output's columns, as `backcare score` writes them."""
        return [guard_cell(h) for h in self.header] + list(RESULT_COLUMNS)


@dataclass(frozen=True)
class _Part:
    """One task: score ``source`` (partition ``index``) into ``target``."""

    index: int
    source: str
    target: str


# ---- Dask, imported only here ----------------------------------------------------------


def dask_dataframe() -> Any:
    """`dask.dataframe`, or a `DaskError` saying how to install it."""
    try:
        import dask.dataframe as dd  # noqa: PLC0415 - an optional extra
    except ImportError:
        raise DaskError(
            f"the dask engine needs Dask, which is not installed: {INSTALL_HINT}"
        ) from None
    return dd


def _connect(address: str) -> Any:
    """A `distributed.Client` on the scheduler at ``address``, or a clear `DaskError`."""
    try:
        from distributed import Client  # noqa: PLC0415 - an optional extra
        from distributed.comm import resolve_address  # noqa: PLC0415
    except ImportError:
        raise DaskError(
            f"--scheduler needs Dask's distributed package, which is not installed: {INSTALL_HINT}"
        ) from None
    try:  # checked first: Client() on a malformed address hangs, then prints a traceback
        resolve_address(address)
    except (ValueError, OSError) as exc:
        raise DaskError(f"--scheduler {address}: not a scheduler address ({exc})") from None
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except OSError as exc:
        raise DaskError(f"--scheduler {address}: cannot reach the scheduler ({exc})") from None


# ---- the same rules everywhere ----------------------------------------------------------


@cache
def rules_fingerprint() -> str:
    """A hash of `RULE_FILES` on this machine, worked out once per process."""
    digest = hashlib.sha256()
    for pattern in RULE_FILES:
        for path in sorted(ROOT.glob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _check_rules(expected: str) -> None:
    if expected != rules_fingerprint():
        raise DaskError(
            "a Dask worker has a different copy of BackCare's rules than the machine that "
            "started the run; install the same version on every worker. Nothing was written"
        )


# ---- the inputs --------------------------------------------------------------------------


def find_inputs(pattern: str) -> tuple[tuple[str, ...], str]:
    """The files ``pattern`` matches (absolute, in name order) and their one format."""
    if pattern == "-":
        raise BatchInputError("the dask engine reads files, not standard input; give a glob")
    found = sorted(glob.glob(pattern, recursive=True))
    if not found:
        raise BatchInputError(f"{pattern}: no file matches")
    formats = set()
    for name in found:
        if os.path.isdir(name):
            raise BatchInputError(f"{name}: is a folder; give a glob of files, e.g. {name}/*.csv")
        fmt = SUFFIXES.get(Path(name).suffix.lower())
        if fmt is None:
            raise BatchInputError(f"{name}: not a .csv or .parquet file")
        formats.add(fmt)
    if len(formats) > 1:
        raise BatchInputError(f"{pattern}: matches both CSV and Parquet files; score one kind")
    return tuple(os.path.abspath(name) for name in found), formats.pop()


def read_header(path: str, fmt: str) -> list[str]:
    """The column names of one input file (a CSV file's first row)."""
    try:
        if fmt == "parquet":
            header = _parquet_file(path).schema_arrow.names or None
        else:
            with open(path, encoding=TEXT_ENCODING, newline="") as lines:
                header = next(csv_rows(lines), None)
    except OSError as exc:
        raise BatchInputError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    except BatchInputError as exc:
        raise BatchInputError(_named(path, exc)) from None
    if header is None and fmt == "parquet":
        raise BatchInputError(f"{path}: has no columns")
    if header is None:
        raise BatchInputError(
            f"{path}: the file is empty; the first line must be a header of answer keys"
        )
    return header


def check_inputs(pattern: str, keep: Iterable[str] = ()) -> Inputs:
    """Find the files and check their headers, as `backcare score` checks one file's.

    Every file must have the same columns in the same order: the parts of the output
    are then one table. Raises `BatchInputError` naming the file.
    """
    paths, fmt = find_inputs(pattern)
    keep = tuple(keep)
    header = read_header(paths[0], fmt)
    try:
        plan_columns(header, keep)
    except BatchInputError as exc:
        raise BatchInputError(_named(paths[0], exc)) from None
    for path in paths[1:]:
        other = read_header(path, fmt)
        if other != header:
            raise BatchInputError(
                f"{path}: its columns differ from those of {paths[0]}; every file needs the "
                "same header, in the same order"
            )
    return Inputs(paths, fmt, tuple(header), keep)


def _named(path: str, exc: Exception) -> str:
    return f"{path}: {exc}"


def _parquet_file(path: str) -> Any:
    import pyarrow as pa  # noqa: PLC0415 - only Parquet needs it
    import pyarrow.parquet as pq  # noqa: PLC0415

    try:
        return pq.ParquetFile(path)
    except pa.ArrowException as exc:  # a missing file is an OSError: each caller words it
        raise BatchInputError(f"not a Parquet file ({exc})") from None


def cell_text(value: Any) -> str:
    """A Parquet value as the CSV cell that means the same (`batch.format_cell`'s way).

    Null and NaN are empty (not answered); True/False are yes/no; a list is its items
    joined by ``;``; a whole float is written without ``.0`` (a pandas number column
    with gaps stores 5 as 5.0). Anything else is its ``str``, read as any CSV cell.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(filter(None, map(cell_text, value)))
    return str(value)


def _texts(array: Any) -> list[str]:
    """One Parquet column (an Arrow array) as text cells."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    kind = array.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pc.fill_null(array, "").to_pylist()
    return [cell_text(v) for v in array.to_pylist()]


def _parquet_blocks(path: str, keep: Sequence[str]) -> Iterator[list[list[str]]]:
    """The scored rows of a Parquet file, a block at a time (memory stays flat)."""
    import pyarrow as pa  # noqa: PLC0415

    try:
        source = _parquet_file(path)
    except OSError as exc:
        raise _unreadable(exc) from None
    columns = plan_columns(source.schema_arrow.names, keep)
    scorer = ColumnScorer(columns)
    batches = source.iter_batches(batch_size=COLUMN_BLOCK_SIZE)
    while True:
        try:
            batch = next(batches, None)
            if batch is None:
                return
            cells = [_texts(column) for column in batch.columns]
        except UnicodeDecodeError as exc:
            raise BatchInputError(f"a binary column is not UTF-8 text ({exc.reason})") from None
        except pa.ArrowException as exc:
            raise BatchInputError(f"cannot read it as Parquet ({exc})") from None
        yield scorer.score([list(row) for row in zip(*cells, strict=True)])


# ---- one partition -----------------------------------------------------------------------


def _csv_table(text: str, names: Sequence[str]) -> Any:
    """`backcare score` output (CSV text, header first) as an Arrow table of text.

    A cell holding a line end is quoted (`batch.CsvOut`), so Arrow's reader, told
    values may hold line ends, reads each row whole.
    """
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.csv as pacsv  # noqa: PLC0415

    keys = [str(i) for i in range(len(names))]
    table = pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        read_options=pacsv.ReadOptions(column_names=keys, skip_rows=1, use_threads=False),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(keys, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    return table.rename_columns(list(names))


def _rows_table(rows: list[list[str]], names: Sequence[str]) -> Any:
    import pyarrow as pa  # noqa: PLC0415

    columns = list(zip(*rows, strict=True)) if rows else [()] * len(names)
    return pa.Table.from_arrays([pa.array(c, pa.string()) for c in columns], names=list(names))


def _score_csv(path: str, out: IO[str], keep: Sequence[str]) -> BatchSummary:
    try:
        lines = open(path, encoding=TEXT_ENCODING, newline="")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise _unreadable(exc) from None
    with lines:
        return score_text(lines, out, keep=keep)


def _unreadable(exc: OSError) -> BatchInputError:
    """A worker cannot open an input file: on a cluster, most often not shared."""
    return BatchInputError(
        f"cannot read it ({exc.strerror or exc}); with --scheduler, every worker must see "
        "the files at the same path"
    )


def _part_table(path: str, fmt: str, keep: Sequence[str], names: Sequence[str]) -> Any:
    """The scored rows of one input file as an Arrow table (all text)."""
    import pyarrow as pa  # noqa: PLC0415

    if fmt == "csv":
        out = io.StringIO()
        _score_csv(path, out, keep)
        return _csv_table(out.getvalue(), names)
    tables = [_rows_table(block, names) for block in _parquet_blocks(path, keep)]
    return pa.concat_tables(tables) if tables else _rows_table([], names)


def _write_csv(source: str, fmt: str, target: str, inputs: Inputs) -> BatchSummary:
    with open(target, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":  # exactly `backcare score` on this file, streamed
            return _score_csv(source, out, inputs.keep)
        writer = CsvOut(out)
        writer.writerow(inputs.output_header)
        count = failed = 0
        for block in _parquet_blocks(source, inputs.keep):
            writer.writerows(block)
            count += len(block)
            failed += sum(1 for row in block if row[-1])
        return BatchSummary(count, failed)


def _write_parquet(source: str, fmt: str, target: str, inputs: Inputs) -> BatchSummary:
    import pyarrow.compute as pc  # noqa: PLC0415
    import pyarrow.parquet as pq  # noqa: PLC0415

    table = _part_table(source, fmt, inputs.keep, inputs.output_header)
    pq.write_table(table, target)
    failed = pc.sum(pc.not_equal(table.column("error"), "")).as_py() or 0
    return BatchSummary(table.num_rows, failed)


def write_part(part: _Part, inputs: Inputs, out_fmt: str, rules: str) -> Any:
    """Score one input file into its part of OUTPUT (a Dask task); its counts as a frame."""
    import pandas as pd  # noqa: PLC0415

    _check_rules(rules)
    write = _write_csv if out_fmt == "csv" else _write_parquet
    try:
        summary = write(part.source, inputs.fmt, part.target, inputs)
    except BatchInputError as exc:
        raise BatchInputError(_named(part.source, exc)) from None
    except OSError as exc:  # reading problems are BatchInputError by now
        raise DaskError(f"{part.target}: cannot write it ({exc.strerror or exc})") from None
    return pd.DataFrame({"rows": [summary.rows], "failed": [summary.failed]}, index=[part.index])


def part_frame(path: str, inputs: Inputs, rules: str) -> Any:
    """The scored rows of one input file as a pandas DataFrame of text (a Dask task)."""
    _check_rules(rules)
    try:
        return _part_table(path, inputs.fmt, inputs.keep, inputs.output_header).to_pandas()
    except BatchInputError as exc:
        raise BatchInputError(_named(path, exc)) from None


# ---- the whole run ------------------------------------------------------------------------


def scored_frame(pattern: str, keep: Iterable[str] = ()) -> Any:
    """The scored rows of every file ``pattern`` matches, as a lazy Dask DataFrame.

    One partition per file, in name order; every column is text, as in the CSV output.
    For analysis in Python, e.g. ``scored_frame("forms/*.csv").triage.value_counts()``.
    """
    dd = dask_dataframe()
    inputs = check_inputs(pattern, keep)
    meta = _rows_table([], inputs.output_header).to_pandas()
    return dd.from_map(
        part_frame,
        inputs.paths,
        args=(inputs, rules_fingerprint()),
        meta=meta,
        enforce_metadata=False,
        label="backcare-score",
    )


def output_format(output: str, asked: str | None, input_fmt: str) -> str:
    """``--output-format`` if given, else OUTPUT's suffix (``scored.csv``), else the input's."""
    return asked or SUFFIXES.get(Path(output).suffix.lower()) or input_fmt


def _check_output(output: str) -> Path:
    """OUTPUT as a new (or empty) folder: nothing in it is ever replaced."""
    if output == "-":
        raise DaskError("-o -: the dask engine writes a folder of parts; give a folder name")
    target = Path(output).resolve()
    if target.is_dir() and any(target.iterdir()):
        raise DaskError(f"{output}: is a folder that is not empty; give a new folder")
    if target.exists() and not target.is_dir():
        raise DaskError(f"{output}: is a file; the dask engine writes a folder of parts")
    if not target.parent.is_dir():
        raise DaskError(f"{output}: its parent folder does not exist")
    return target


def _work_folder(target: Path) -> Path:
    """A new hidden folder beside ``target``, made as `mkdir` makes one (the umask decides
    who may write: a worker on another machine may run as another user of a shared disk)."""
    while True:
        work = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
        try:
            work.mkdir()
        except FileExistsError:
            continue
        except OSError as exc:
            raise DaskError(f"{target}: cannot write there ({exc.strerror or exc})") from None
        return work


def _compute(collection: Any, scheduler: str | None, jobs: int | None, progress: bool) -> Any:
    """Run on the cluster at ``scheduler``, or else in ``jobs`` local worker processes."""
    if scheduler:
        with _connect(scheduler) as client:
            try:
                return client.compute(collection).result()
            except (ImportError, RuntimeError) as exc:
                if isinstance(exc, RuntimeError) and GRAPH_NOT_LOADED not in str(exc):
                    raise
                raise DaskError(
                    f"--scheduler {scheduler}: the cluster cannot load BackCare's code; "
                    "install this project and requirements-batch.txt, the same versions, on "
                    f"the scheduler and on every worker ({str(exc).splitlines()[0]})"
                ) from None
    import dask  # noqa: PLC0415
    from dask.diagnostics import ProgressBar  # noqa: PLC0415

    workers = jobs or os.cpu_count() or 1
    with ProgressBar(out=sys.stderr) if progress else contextlib.nullcontext():
        return dask.compute(collection, scheduler="processes", num_workers=workers)[0]


def score_files(
    pattern: str,
    output: str,
    keep: Iterable[str] = (),
    out_format: str | None = None,
    scheduler: str | None = None,
    jobs: int | None = None,
    progress: bool = False,
) -> BatchSummary:
    """Score every file ``pattern`` matches into the folder ``output``: what
    ``backcare score --engine dask`` runs.

    ``scheduler``: a Dask scheduler's address (``tcp://host:8786``); without it, Dask's
    local process pool with ``jobs`` processes (default: one per CPU core). Raises
    `DaskError` or `BatchInputError` before anything is written for a bad input or
    OUTPUT; a problem found while scoring (bad UTF-8 deep in a file) leaves nothing.
    """
    dd = dask_dataframe()
    if out_format is not None and out_format not in FORMATS:
        raise DaskError(f"--output-format {out_format}: use one of {', '.join(FORMATS)}")
    inputs = check_inputs(pattern, keep)
    fmt = output_format(output, out_format, inputs.fmt)
    target = _check_output(output)
    work = _work_folder(target)
    try:
        digits = max(PART_DIGITS, len(str(len(inputs.paths) - 1)))
        parts = [
            _Part(i, path, str(work / f"part-{i:0{digits}d}.{fmt}"))
            for i, path in enumerate(inputs.paths)
        ]
        counts = dd.from_map(
            write_part,
            parts,
            args=(inputs, fmt, rules_fingerprint()),
            meta={"rows": "int64", "failed": "int64"},
            enforce_metadata=False,
            label="backcare-score",
        )
        done = _compute(counts, scheduler, jobs, progress)
        os.replace(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # gone already after a successful replace
    return BatchSummary(int(done["rows"].sum()), int(done["failed"].sum()))
