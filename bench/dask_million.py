"""``python -m bench.dask_million``: a million rows through ``--engine dask``, checked.

Issue 14's proof that the dask engine scales and changes nothing. It generates the
rows once (`bench.gen`, seeded) and writes them twice: as one CSV file, and split into
``--parts`` CSV files. Then it times the real command (a subprocess each, start-up
included):

1. one process: ``python -m backcare score all.csv -o one.csv``;
2. dask on a `distributed.LocalCluster` of 2 worker processes, 1 thread each
   (``--scheduler tcp://...``), CSV parts out;
3. the same cluster, Parquet parts out (``--output-format parquet``);
4. dask without ``--scheduler``: its local process pool (``--jobs 2``).

Every output must be the one-process output, row for row and in order. The check
streams (memory stays flat): a SHA-256 of the one-process file after its header
against a SHA-256 of the parts in name order, each after its header (Parquet rows are
written back as CSV with `csv.writer`, as the command writes them).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from backcare.engine.answers import KEYS
from bench.gen import rows as generated
from bench.stats import ROOT

PYTHON = sys.executable


class _Hash:
    """A text sink that only hashes what is written (for `csv.writer`)."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()

    def write(self, text: str) -> None:
        self.digest.update(text.encode("utf-8"))


def _generate(folder: Path, rows: int, parts: int) -> Path:
    """``all.csv`` and ``parts/part-NN.csv`` with the same rows, in one pass."""
    (folder / "parts").mkdir()
    whole_file = open(folder / "all.csv", "w", encoding="utf-8", newline="")  # noqa: SIM115
    with whole_file:
        whole = csv.writer(whole_file, lineterminator="\n")
        whole.writerow(KEYS)
        source = generated(rows)
        share, extra = divmod(rows, parts)
        for i in range(parts):
            path = folder / "parts" / f"part-{i:02d}.csv"
            with open(path, "w", encoding="utf-8", newline="") as part_file:
                part = csv.writer(part_file, lineterminator="\n")
                part.writerow(KEYS)
                for _ in range(share + (i < extra)):
                    row = next(source)
                    part.writerow(row)
                    whole.writerow(row)
    return folder / "all.csv"


def _run(args: list[str]) -> float:
    """Run ``python -m backcare ARGS``; seconds taken. Exit 1 (some rows bad) is expected."""
    command = [PYTHON, "-m", "backcare", *args, "--progress", "never"]
    print("  $", shlex.join(["python", *command[1:]]), flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()}")
    print("   ", done.stderr.strip(), f"({took:.1f} s)", flush=True)
    return took


def _csv_digest(paths: list[Path]) -> tuple[str, str]:
    """(header, SHA-256 of every file's text after its header line, in order)."""
    digest = hashlib.sha256()
    headers = set()
    for path in paths:
        with open(path, "rb") as f:
            headers.add(f.readline())
            while chunk := f.read(1 << 20):
                digest.update(chunk)
    if len(headers) != 1:
        raise RuntimeError(f"the parts have different headers: {headers}")
    return headers.pop().decode("utf-8"), digest.hexdigest()


def _parquet_digest(paths: list[Path]) -> tuple[str, str]:
    """(header, SHA-256 of the rows written as `backcare score` writes CSV)."""
    import pyarrow.parquet as pq

    sink = _Hash()
    writer = csv.writer(sink, lineterminator="\n")
    headers = set()
    for path in paths:
        source = pq.ParquetFile(path)
        names = source.schema_arrow.names
        headers.add(",".join(names) + "\n")
        for batch in source.iter_batches(batch_size=50_000):
            writer.writerows(zip(*(c.to_pylist() for c in batch.columns), strict=True))
    if len(headers) != 1:
        raise RuntimeError(f"the parts have different headers: {headers}")
    return headers.pop(), sink.digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.dask_million", description=__doc__)
    p.add_argument("--rows", type=int, default=1_000_000, help="rows (default 1000000)")
    p.add_argument("--parts", type=int, default=8, help="input files (default 8)")
    p.add_argument("--dir", type=Path, help="work here instead of a temporary folder")
    args = p.parse_args(argv)
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        whole = _generate(folder, args.rows, args.parts)
        size = whole.stat().st_size / 1e6
        took = time.perf_counter() - started
        print(f"made {args.rows:,} rows, {args.parts} files + one ({size:.0f} MB): {took:.0f} s")
        glob = str(folder / "parts" / "*.csv")
        times = {"one process": _run(["score", str(whole), "-o", str(folder / "one.csv")])}
        want = _csv_digest([folder / "one.csv"])
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster:
            address = cluster.scheduler_address
            dask = ["score", "--engine", "dask", glob, "--scheduler", address, "-o"]
            times["dask, LocalCluster 2 workers, CSV out"] = _run([*dask, str(folder / "c")])
            times["dask, LocalCluster 2 workers, Parquet out"] = _run(
                [*dask, str(folder / "p"), "--output-format", "parquet"]
            )
        local = ["score", "--engine", "dask", glob, "--jobs", "2", "-o", str(folder / "l")]
        times["dask, local process pool (--jobs 2), CSV out"] = _run(local)
        got = {
            "c": _csv_digest(sorted((folder / "c").glob("part-*.csv"))),
            "p": _parquet_digest(sorted((folder / "p").glob("part-*.parquet"))),
            "l": _csv_digest(sorted((folder / "l").glob("part-*.csv"))),
        }
    same = {name: digest == want for name, digest in got.items()}
    print(f"\n{args.rows:,} rows, {args.parts} parts; one-process output sha256 {want[1][:16]}")
    print("\n| run | seconds | rows/s | same output as one process |\n| --- | ---: | ---: | --- |")
    checks = iter([None, same["c"], same["p"], same["l"]])
    for name, took in times.items():
        check = next(checks)
        shown = "(reference)" if check is None else ("yes" if check else "NO")
        print(f"| {name} | {took:.1f} | {args.rows / took:,.0f} | {shown} |")
    return 0 if all(same.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
