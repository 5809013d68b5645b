"""The dask engine: ``backcare score --engine dask 'GLOB' -o FOLDER`` (issue 14).

The proof that matters: on a real two-worker cluster (separate processes), a glob of
files scores to exactly what one process gives for the same rows in one file, cell
for cell and in order, for CSV and Parquet in and out. Then the checks that stop a
run before anything is written, and what happens without Dask installed.
"""

from __future__ import annotations

import csv
import io
import math
import os
import subprocess
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path

import distributed
import pandas as pd
import pytest

from backcare import batch_dask
from backcare.batch import RESULT_COLUMNS, BatchInputError, format_cell
from backcare.cli.main import main
from backcare.engine.answers import FIELDS, KEYS, Kind
from tests.helpers import load_vignettes

KEPT = ("record_id", "note")
HEADER = [*KEYS, *KEPT]
#: Kept cells a CSV reader can trip on: quotes, commas, line breaks, a formula.
NOTES = [
    "",
    'said "ouch", twice',
    "line one\nline two",
    "=HYPERLINK(1)",
    " spaced ",
    "ü ß 漢",
    "a\rb",
]


def _rows() -> list[list[str]]:
    """Rows of text cells in `HEADER` order: generated forms, the public vignettes, and
    rows with empty cells, bad cells and every list value."""
    from bench.gen import rows as generated

    answers: list[list[str]] = [list(r) for r in generated(600, seed=14)]
    answers += [[format_cell(v["answers"].get(k)) for k in KEYS] for v in load_vignettes()]
    blank = [""] * len(KEYS)
    for key, bad in [
        ("pain_now", "12"),
        ("saddle_numbness", "maybe"),
        ("sex", "One leg"),
        ("age", "1" * 310),
        ("age", ""),
        ("areas", " ; "),
        ("sex", "=1+1"),
        ("pain_now", " 4 "),
        ("fever", "TRUE"),
    ]:
        row = [*blank]
        row[KEYS.index("age")] = "40"
        row[KEYS.index(key)] = bad
        answers.append(row)
    for field in FIELDS:
        if field.kind is Kind.MULTI:
            row = [*blank]
            row[KEYS.index("age")] = "55"
            row[KEYS.index(field.key)] = ";".join(field.choices)
            answers.append(row)
    # The first file's notes are plain, so `backcare score` reads it on its fast path.
    return [
        [*cells, str(i), NOTES[i % len(NOTES)] if i >= SIZES[0] else f"n{i}"]
        for i, cells in enumerate(answers)
    ]


def _csv_text(rows: list[list[str]]) -> str:
    """CSV as a spreadsheet saves it: Windows line ends, so a carriage return in a cell
    is quoted (`csv.writer` quotes only the characters of its line end)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _split(rows: list[list[str]], sizes: tuple[int, ...]) -> Iterator[list[list[str]]]:
    start = 0
    for size in sizes:
        yield rows[start : start + size]
        start += size
    yield rows[start:]


#: Rows per input file (the last takes the rest); one file holds only its header.
SIZES = (250, 0, 117)
#: CSV only: a short row, a long row and blank lines, scored as one process scores them.
RAGGED = "40,5\n\n" + ",".join(["41"] * (len(HEADER) + 2)) + "\n\n"


def _inputs(folder: Path, fmt: str) -> tuple[str, str]:
    """Input files in ``folder`` (name order = row order), and the same rows as one CSV
    file for the one-process command."""
    folder.mkdir()
    parts = list(_split(_rows(), SIZES))
    whole = _csv_text([HEADER])
    for i, part in enumerate(parts):
        if fmt == "csv":
            body = _csv_text(part) + (RAGGED if i == 1 else "")
            (folder / f"forms-{i:02d}.csv").write_text(_csv_text([HEADER]) + body, "utf-8")
        else:
            frame = pd.DataFrame(part, columns=HEADER, dtype=object)
            if i % 2 == 0:  # an empty cell stored as null reads as empty
                frame = frame.mask(frame == "", None)
            frame.to_parquet(folder / f"forms-{i:02d}.parquet", index=False)
            body = _csv_text(part)
        whole += body
    single = folder.parent / f"whole-{fmt}.csv"
    single.write_text(whole, "utf-8")
    return str(folder / f"*.{fmt}"), str(single)


def _read_csv(path: Path | str) -> pd.DataFrame:
    """A scored CSV file as text. Only ``\n`` ends a row: `backcare score` leaves a bare
    carriage return inside a cell unquoted (see the report of issue 14)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, lineterminator="\n")


def _read_parts(folder: Path, fmt: str) -> pd.DataFrame:
    """The output parts in name order, as one table of text."""
    parts = sorted(folder.glob(f"part-*.{fmt}"))
    read = _read_csv if fmt == "csv" else pd.read_parquet
    return pd.concat([read(p).astype(object) for p in parts], ignore_index=True)


def _keep() -> list[str]:
    return [arg for name in KEPT for arg in ("--keep", name)]


@pytest.fixture(scope="module", autouse=True)
def plain_main() -> Iterator[None]:
    """An empty ``__main__`` while this file's worker processes start.

    Dask starts workers with "spawn", which runs the parent's ``__main__`` file again
    in each child. Under pytest-xdist a page test (AppTest) run earlier in the same
    worker leaves its page script as ``__main__``, and every child then fails on it.
    `python -m backcare` has a proper ``__main__``, so only the tests need this.
    """
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = saved


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """Two single-threaded worker processes: what a real cluster does, on this machine."""
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=":0",
    ) as local:
        yield local.scheduler_address


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    """Per input format: the glob, and `backcare score` (one process) on the same rows."""
    made = {}
    for fmt in ("csv", "parquet"):
        root = tmp_path_factory.mktemp(f"in-{fmt}")
        pattern, single = _inputs(root / "forms", fmt)
        out = root / "one-process.csv"
        assert main(["score", single, "-o", str(out), *_keep()]) == 1  # some rows are bad
        made[fmt] = (pattern, out)
    return made


@pytest.mark.parametrize(
    ("in_fmt", "out_fmt"),
    [("csv", "csv"), ("csv", "parquet"), ("parquet", "parquet"), ("parquet", "csv")],
)
def test_cluster_output_is_one_process_output(
    cluster: str, one_process: dict, tmp_path: Path, in_fmt: str, out_fmt: str, capsys
) -> None:
    pattern, single = one_process[in_fmt]
    out = tmp_path / f"scored.{out_fmt}"
    args = ["score", "--engine", "dask", pattern, "-o", str(out), "--scheduler", cluster]
    assert main([*args, *_keep(), "--progress", "never"]) == 1
    want = _read_csv(single).astype(object)
    got = _read_parts(out, out_fmt)
    assert list(got.columns) == [*HEADER, *RESULT_COLUMNS]
    pd.testing.assert_frame_equal(got, want)
    parts = [f"part-0000{i}.{out_fmt}" for i in range(len(SIZES) + 1)]
    assert sorted(p.name for p in out.iterdir()) == parts
    failed = int((want["error"] != "").sum())
    assert f"scored {len(want) - failed} of {len(want)} rows" in capsys.readouterr().err
    assert 0 < failed < len(want)
    assert set(want["triage"]) - {""} == {"emergency", "urgent", "soon", "self_care"}


def test_csv_parts_are_the_one_process_file_byte_for_byte(
    cluster: str, one_process: dict, tmp_path: Path
) -> None:
    """Each CSV part is `backcare score` on its file: header, then the same bytes."""
    pattern, single = one_process["csv"]
    out = tmp_path / "scored"
    args = ["score", "--engine", "dask", pattern, "-o", str(out), "--scheduler", cluster]
    assert main([*args, *_keep()]) == 1
    texts = [p.read_bytes() for p in sorted(out.iterdir())]
    heads = {t.split(b"\n", 1)[0] for t in texts}
    bodies = b"".join(t.split(b"\n", 1)[1] for t in texts)
    whole_head, whole_body = single.read_bytes().split(b"\n", 1)
    assert b"\r" in whole_body  # a carriage return in a cell came through
    assert heads == {whole_head}
    assert bodies == whole_body


def test_local_processes_without_a_scheduler(one_process: dict, tmp_path: Path, capsys) -> None:
    """No --scheduler: Dask's local process pool, same output; its progress on stderr."""
    pattern, single = one_process["csv"]
    out = tmp_path / "scored"
    args = ["score", "--engine", "dask", pattern, "-o", str(out), "--jobs", "2"]
    assert main([*args, *_keep(), "--progress", "always"]) == 1
    pd.testing.assert_frame_equal(_read_parts(out, "csv"), _read_csv(single).astype(object))
    assert "100% Completed" in capsys.readouterr().err


def test_scored_frame_is_a_dask_dataframe_of_the_same_rows(cluster: str, one_process: dict) -> None:
    pattern, single = one_process["parquet"]
    frame = batch_dask.scored_frame(pattern, keep=KEPT)
    assert frame.npartitions == len(SIZES) + 1
    with distributed.Client(cluster, set_as_default=False) as client:
        got = client.compute(frame).result()
    pd.testing.assert_frame_equal(
        got.reset_index(drop=True).astype(object), _read_csv(single).astype(object)
    )


def test_typed_parquet_columns_read_as_their_text(cluster: str, tmp_path: Path) -> None:
    """Numbers, yes/no, lists and gaps in typed columns score as the same text would."""
    typed = pd.DataFrame(
        {
            "age": [35, 70, 52],
            "pain_now": [4.0, math.nan, 9.0],  # a number column with a gap (pandas: float)
            "duration_weeks": [0.5, 2.0, 12.0],
            "saddle_numbness": [False, True, None],
            "areas": [["lower_back", "thigh"], [], None],
        }
    )
    text = [
        ["age", "pain_now", "duration_weeks", "saddle_numbness", "areas"],
        ["35", "4", "0.5", "no", "lower_back;thigh"],
        ["70", "", "2", "yes", ""],
        ["52", "9", "12", "", ""],
    ]
    (tmp_path / "in").mkdir()
    typed.to_parquet(tmp_path / "in" / "typed.parquet", index=False)
    single = tmp_path / "text.csv"
    single.write_text(_csv_text(text), "utf-8")
    assert main(["score", str(single), "-o", str(tmp_path / "want.csv")]) == 0
    out = tmp_path / "got.csv"
    args = ["score", "--engine", "dask", str(tmp_path / "in" / "*.parquet"), "-o", str(out)]
    assert main([*args, "--scheduler", cluster]) == 0
    assert _read_parts(out, "csv").equals(_read_csv(tmp_path / "want.csv").astype(object))


def test_bad_bytes_deep_in_a_file_stop_the_run_and_leave_nothing(
    cluster: str, tmp_path: Path, capsys
) -> None:
    """A problem a worker finds mid-file stops the whole run (exit 2), as with one file."""
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "a.csv").write_text("age,pain_now\n40,3\n", "utf-8")
    (forms / "b.csv").write_bytes(b"age,pain_now\n40,3\n41,\xff\n")
    assert main(["score", str(forms / "b.csv"), "-o", str(tmp_path / "one.csv")]) == 2
    one = capsys.readouterr().err.split(": ", 1)[1]  # backcare score: PATH: problem
    assert "not UTF-8 text" in one
    out = tmp_path / "scored"
    args = ["score", "--engine", "dask", str(forms / "*.csv"), "-o", str(out)]
    assert main([*args, "--scheduler", cluster]) == 2
    err = capsys.readouterr().err
    assert err == f"backcare score: {one}"
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["forms"]  # no output, no .part


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


@pytest.mark.parametrize(
    ("files", "extra", "message"),
    [
        ({"a.csv": "age,bladder\n40,no\n"}, [], "unknown column 'bladder' (did you mean "),
        ({"a.csv": "pain_now\n4\n"}, [], "no age column"),
        ({"a.csv": "age,age\n4,4\n"}, [], "repeated column(s): age"),
        ({"a.csv": ""}, [], "a.csv: the file is empty"),
        ({"a.csv": "age\n40\n", "b.csv": "age,sex\n40,male\n"}, [], "b.csv: its columns differ"),
        ({"a.csv": "age\n40\n", "b.parquet": "x"}, [], "matches both CSV and Parquet"),
        ({"a.txt": "age\n40\n"}, [], "a.txt: not a .csv or .parquet file"),
        ({"a.parquet": "not parquet"}, [], "a.parquet: not a Parquet file"),
    ],
)
def test_unusable_input_stops_before_anything_is_written(
    tmp_path: Path, capsys, files: dict[str, str], extra: list[str], message: str
) -> None:
    forms = tmp_path / "forms"
    forms.mkdir()
    for name, text in files.items():
        _csv(forms / name, text)
    out = tmp_path / "scored"
    args = ["score", "--engine", "dask", str(forms / "*"), "-o", str(out), *extra]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["forms"]


def test_parquet_header_is_checked_too(tmp_path: Path, capsys) -> None:
    (tmp_path / "in").mkdir()
    pd.DataFrame({"age": ["40"], "sadle_numbness": ["no"]}).to_parquet(
        tmp_path / "in" / "a.parquet", index=False
    )
    code = main(
        [
            "score",
            "--engine",
            "dask",
            str(tmp_path / "in" / "*.parquet"),
            "-o",
            str(tmp_path / "out"),
        ]
    )
    assert code == 2
    assert "unknown column 'sadle_numbness' (did you mean saddle_numbness?)" in (
        capsys.readouterr().err
    )


@pytest.mark.parametrize(
    ("make", "args", "message"),
    [
        (None, ["-o", "-"], "the dask engine writes a folder of parts"),
        ("full", [], "is a folder that is not empty"),
        ("file", [], "is a file; the dask engine writes a folder of parts"),
        (None, ["--jobs", "2", "--scheduler", "tcp://127.0.0.1:8786"], "--jobs is for local"),
        (None, ["--scheduler", "nonsense"], "--scheduler nonsense: not a scheduler address"),
    ],
)
def test_unusable_output_or_options(tmp_path: Path, capsys, make, args, message) -> None:
    src = _csv(tmp_path / "a.csv", "age\n40\n")
    out = tmp_path / "out"
    if make == "full":
        out.mkdir()
        (out / "old.csv").write_text("keep me", "utf-8")
    elif make == "file":
        out.write_text("keep me", "utf-8")
    default_out = [] if "-o" in args else ["-o", str(out)]
    assert main(["score", "--engine", "dask", str(src), *default_out, *args]) == 2
    assert message in capsys.readouterr().err
    if make == "full":
        assert [p.name for p in out.iterdir()] == ["old.csv"]
    elif make == "file":
        assert out.read_text("utf-8") == "keep me"


def test_an_empty_folder_is_filled(cluster: str, tmp_path: Path) -> None:
    src = _csv(tmp_path / "a.csv", "age\n40\n")
    out = tmp_path / "out"
    out.mkdir()
    args = ["score", "--engine", "dask", str(src), "-o", str(out), "--scheduler", cluster]
    assert main(args) == 0
    assert [p.name for p in out.iterdir()] == ["part-00000.csv"]


def test_unreachable_scheduler(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(batch_dask, "CONNECT_SECONDS", 1)
    src = _csv(tmp_path / "a.csv", "age\n40\n")
    out = tmp_path / "out"
    code = main(
        ["score", "--engine", "dask", str(src), "-o", str(out), "--scheduler", "tcp://127.0.0.1:9"]
    )
    assert code == 2
    assert "--scheduler tcp://127.0.0.1:9: cannot reach the scheduler" in capsys.readouterr().err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


@pytest.mark.parametrize(
    "option", [["--scheduler", "tcp://127.0.0.1:8786"], ["--output-format", "csv"]]
)
def test_dask_options_need_the_dask_engine(tmp_path: Path, capsys, option: list[str]) -> None:
    src = _csv(tmp_path / "a.csv", "age\n40\n")
    assert main(["score", str(src), "-o", str(tmp_path / "o.csv"), *option]) == 2
    assert f"{option[0]} works only with --engine dask" in capsys.readouterr().err


def test_without_dask_one_clear_message(tmp_path: Path, capsys, monkeypatch) -> None:
    """Dask not installed (its import fails): the install line, exit 2, no traceback."""
    monkeypatch.setitem(sys.modules, "dask", None)  # `import dask...` now raises ImportError
    src = _csv(tmp_path / "a.csv", "age\n40\n")
    out = tmp_path / "out"
    assert main(["score", "--engine", "dask", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.strip().endswith("pip install -r requirements-batch.txt")
    assert err.count("\n") == 1
    assert not out.exists()


def test_a_worker_with_other_rules_refuses_to_score(tmp_path: Path) -> None:
    src = _csv(tmp_path / "a.csv", "age\n40\n")
    inputs = batch_dask.check_inputs(str(src))
    part = batch_dask._Part(0, str(src), str(tmp_path / "part-00000.csv"))
    with pytest.raises(batch_dask.DaskError, match="different copy of BackCare's rules"):
        batch_dask.write_part(part, inputs, "csv", "0" * 64)
    assert not (tmp_path / "part-00000.csv").exists()
    done = batch_dask.write_part(part, inputs, "csv", batch_dask.rules_fingerprint())
    assert done.to_dict("list") == {"rows": [1], "failed": [0]}


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (math.nan, ""),
        ("", ""),
        (" one_leg ", " one_leg "),
        (True, "yes"),
        (False, "no"),
        (7, "7"),
        (5.0, "5"),
        (0.5, "0.5"),
        (math.inf, "inf"),
        (["lower_back", None, "thigh"], "lower_back;thigh"),
        ([], ""),
        (b"no", "no"),
    ],
)
def test_parquet_value_as_text(value: object, text: str) -> None:
    assert batch_dask.cell_text(value) == text


@pytest.mark.parametrize(
    ("asked", "output", "input_fmt", "want"),
    [
        ("csv", "out.parquet", "parquet", "csv"),
        (None, "out.parquet", "csv", "parquet"),
        (None, "out.CSV", "parquet", "csv"),
        (None, "scored", "parquet", "parquet"),
        (None, "scored", "csv", "csv"),
    ],
)
def test_output_format_option_then_suffix_then_input(asked, output, input_fmt, want) -> None:
    assert batch_dask.output_format(output, asked, input_fmt) == want


def test_no_matching_file_or_a_folder(tmp_path: Path) -> None:
    with pytest.raises(BatchInputError, match="no file matches"):
        batch_dask.find_inputs(str(tmp_path / "*.csv"))
    (tmp_path / "x.csv").mkdir()
    with pytest.raises(BatchInputError, match="is a folder"):
        batch_dask.find_inputs(str(tmp_path / "*"))
    with pytest.raises(BatchInputError, match="not standard input"):
        batch_dask.find_inputs("-")


@pytest.fixture
def bare_scheduler(tmp_path: Path) -> Iterator[str]:
    """A scheduler that cannot import BackCare (started outside the project), no workers."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "distributed.cli.dask_scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
        ],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        address = ""
        deadline = time.monotonic() + 30
        while not address and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if "Scheduler at:" in line:
                address = line.split("Scheduler at:")[1].strip()
        assert address, "the scheduler did not start"
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_cluster_without_backcare_gets_one_clear_message(
    bare_scheduler: str, tmp_path: Path, capsys
) -> None:
    src = _csv(tmp_path / "a.csv", "age\n40\n")
    out = tmp_path / "out"
    args = ["score", "--engine", "dask", str(src), "-o", str(out), "--scheduler", bare_scheduler]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "the cluster cannot load BackCare's code; install this project" in err
    assert "Traceback" not in err
    assert not out.exists()
