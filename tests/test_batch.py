"""Batch scoring: ``python -m backcare score INPUT.csv -o OUTPUT.csv``."""

from __future__ import annotations

import csv
import io
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare import assess
from backcare.batch import (
    RESULT_COLUMNS,
    csv_rows,
    format_cell,
    parse_cell,
    read_row,
    result_cells,
    score_rows,
)
from backcare.cli.main import main
from backcare.engine.answers import FIELD_BY_KEY, FIELDS, KEYS, Kind, ValidationError
from backcare.safe_io import guard_cell as guard
from tests.helpers import ROOT, load_vignettes

VALID = [v for v in load_vignettes() if "error_keys" not in v["expect"]]


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\n").writerows(rows)
    return path


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _score(tmp_path: Path, rows: list[list[str]], *extra: str) -> tuple[int, Path]:
    src = _write(tmp_path / "in.csv", rows)
    out = tmp_path / "out.csv"
    return main(["score", str(src), "-o", str(out), *extra]), out


def _vignette_row(answers: dict) -> list[str]:
    return [format_cell(answers.get(k)) for k in KEYS]


# --- reading one cell ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("saddle_numbness", "yes", True),
        ("saddle_numbness", "YES", True),
        ("saddle_numbness", " True ", True),
        ("saddle_numbness", "no", False),
        ("saddle_numbness", "False", False),
        ("saddle_numbness", "", None),
        ("saddle_numbness", "   ", None),
        ("age", "42", 42),
        ("age", " 16 ", 16),
        ("age", "42.5", 42.5),  # read as a number; `validate` then rejects it
        ("duration_weeks", "0.5", 0.5),
        ("duration_weeks", "6", 6),
        ("areas", "lower_back", ["lower_back"]),
        ("areas", "lower_back; thigh", ["lower_back", "thigh"]),
        ("areas", ";lower_back;;thigh;", ["lower_back", "thigh"]),
        ("areas", " ; ", None),  # nothing ticked is read as not answered (the safe side)
        ("sex", "female", "female"),
        ("sex", " male ", "male"),
        ("leg_pain", "", None),
    ],
)
def test_parse_cell_by_kind(key: str, text: str, value: object) -> None:
    assert parse_cell(FIELD_BY_KEY[key], text) == value


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("saddle_numbness", "y"),
        ("saddle_numbness", "1"),
        ("saddle_numbness", "maybe"),
        ("age", "forty"),
        ("age", "nan"),
        ("age", "inf"),
        ("duration_weeks", "6 weeks"),
    ],
)
def test_unreadable_cell_names_its_key(key: str, text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_cell(FIELD_BY_KEY[key], text)
    assert caught.value.keys == (key,)
    assert text.strip() in str(caught.value)


def test_empty_cell_is_not_answered_never_no() -> None:
    """A missing answer must never lower urgency: empty is absent, not False."""
    columns = (FIELD_BY_KEY["age"], FIELD_BY_KEY["bladder_change"])
    assert read_row(columns, ["60", ""]) == {"age": 60}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_format_then_parse_round_trips(data: st.DataObject) -> None:
    field = data.draw(st.sampled_from(FIELDS))
    if field.kind is Kind.BOOL:
        value = data.draw(st.booleans())
    elif field.kind is Kind.INTEGER:
        value = data.draw(st.integers(int(field.minimum), int(field.maximum)))
    elif field.kind is Kind.NUMBER:
        value = data.draw(st.floats(field.minimum, field.maximum, allow_nan=False))
    elif field.kind is Kind.CHOICE:
        value = data.draw(st.sampled_from(field.choices))
    else:
        value = data.draw(st.lists(st.sampled_from(field.choices), min_size=1, unique=True))
    assert parse_cell(field, format_cell(value)) == value


# --- one row ---------------------------------------------------------------------------


def test_row_names_every_bad_key_at_once() -> None:
    columns = tuple(FIELD_BY_KEY[k] for k in ("age", "pain_now", "sex", "fever"))
    with pytest.raises(ValidationError) as caught:
        read_row(columns, ["forty", "12", "woman", "yes"])
    assert set(caught.value.keys) == {"age", "pain_now", "sex"}


def test_ragged_row_is_an_error() -> None:
    columns = (FIELD_BY_KEY["age"], FIELD_BY_KEY["fever"])
    with pytest.raises(ValidationError) as caught:
        read_row(columns, ["60"])
    assert "has 1 cells but the header has 2" in str(caught.value)


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-3", "-3"),  # a plain number: a spreadsheet reads it as a number
        ("+5", "+5"),
        ("-0.5", "-0.5"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("42", "42"),
        ("lower_back;thigh", "lower_back;thigh"),
        ("", ""),
    ],
)
def test_guard_stops_formulas(cell: str, out: str) -> None:
    assert guard(cell) == out


# --- whole files through the command ---------------------------------------------------


def test_vignettes_score_as_assess_does(tmp_path: Path) -> None:
    """Same rules as the app: every row's result equals `assess` on the same answers."""
    rows = [list(KEYS)] + [_vignette_row(v["answers"]) for v in VALID]
    code, out = _score(tmp_path, rows)
    assert code == 0
    got = _read(out)
    assert len(got) == len(VALID)
    for row, vignette in zip(got, VALID, strict=True):
        want = result_cells(assess(vignette["answers"]))
        assert [row[c] for c in RESULT_COLUMNS] == want, vignette["id"]
        assert row["triage"] == vignette["expect"]["triage"], vignette["id"]
        if "top_pattern" in vignette["expect"]:
            assert row["top_pattern"] == vignette["expect"]["top_pattern"], vignette["id"]


def test_output_keeps_input_columns_and_adds_results(tmp_path: Path) -> None:
    code, out = _score(tmp_path, [["age", "pain_now", "areas"], ["35", "4", "lower_back"]])
    assert code == 0
    with open(out, encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == ["age", "pain_now", "areas", *RESULT_COLUMNS]
    row = _read(out)[0]
    assert (row["age"], row["pain_now"], row["areas"]) == ("35", "4", "lower_back")
    assert row["triage"] in {"self_care", "soon", "urgent", "emergency"}
    assert row["error"] == ""


def test_patterns_column_lists_id_and_strength_in_rank_order(tmp_path: Path) -> None:
    answers = VALID[0]["answers"]
    code, out = _score(tmp_path, [list(KEYS), _vignette_row(answers)])
    assert code == 0
    result = assess(answers)
    cells = _read(out)[0]["patterns"].split(";")
    assert cells == [f"{p.id}:{p.strength.value}" for p in result.patterns]
    assert _read(out)[0]["reasons"].split(";") == [r.id for r in result.reasons]


def test_bad_row_gets_error_and_others_still_scored(tmp_path: Path, capsys) -> None:
    rows = [["age", "pain_now"], ["40", "3"], ["40", "12"], ["abc", "3"], ["70", "2"]]
    code, out = _score(tmp_path, rows)
    assert code == 1
    got = _read(out)
    assert [r["error"] == "" for r in got] == [True, False, False, True]
    assert got[1]["error"].startswith("pain_now:") and got[1]["triage"] == ""
    assert got[2]["error"].startswith("age:") and "'abc'" in got[2]["error"]
    assert got[3]["triage"] != ""
    assert "2 failed" in capsys.readouterr().err


def test_unknown_column_is_unusable_input(tmp_path: Path, capsys) -> None:
    code, out = _score(tmp_path, [["age", "bladder"], ["40", "yes"]])
    assert code == 2
    err = capsys.readouterr().err
    assert "unknown column 'bladder'" in err and "did you mean bladder_change" in err
    assert "Traceback" not in err
    assert not out.exists()


def test_keep_carries_a_column_through_unscored(tmp_path: Path) -> None:
    rows = [["record", "age"], ["A-1", "40"], ["=cmd()", "41"]]
    code, out = _score(tmp_path, rows, "--keep", "record")
    assert code == 0
    assert [r["record"] for r in _read(out)] == ["A-1", "'=cmd()"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["age", "age"], "repeated column(s): age"),
        (["age", "triage"], "column(s) triage would be overwritten"),
        (["age", ""], "a column has no name"),
        (["", ""], "header of answer keys, and it is empty"),
        (["pain_now", "fever"], "no age column; every answer set needs it"),
    ],
)
def test_bad_header_is_unusable_input(tmp_path: Path, capsys, header, message) -> None:
    code, _ = _score(tmp_path, [header, ["40", "1"]])
    assert code == 2
    assert message in capsys.readouterr().err


def test_missing_and_empty_files_are_unusable(tmp_path: Path, capsys) -> None:
    assert main(["score", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    assert main(["score", str(tmp_path / "empty.csv"), "-o", str(tmp_path / "o.csv")]) == 2
    assert "the file is empty" in capsys.readouterr().err


def test_header_only_scores_nothing_and_succeeds(tmp_path: Path) -> None:
    code, out = _score(tmp_path, [["age"]])
    assert code == 0
    assert out.read_text(encoding="utf-8") == "age," + ",".join(RESULT_COLUMNS) + "\n"


def test_ragged_row_keeps_output_rectangular(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text("age,fever\n40\n41,no,extra\n42,no\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out)]) == 1
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert {len(r) for r in rows} == {7}
    assert [r[-1] != "" for r in rows[1:]] == [True, True, False]


def test_bom_blank_lines_and_quoting(tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b'\xef\xbb\xbfage,areas,note\r\n\r\n40,"lower_back;thigh","a, b\nc"\r\n')
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out), "--keep", "note"]) == 0
    (row,) = _read(out)
    assert (row["age"], row["areas"], row["note"]) == ("40", "lower_back;thigh", "a, b\nc")


@pytest.mark.parametrize("engine", ["columns", "rows"])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_lone_carriage_return_in_a_cell_does_not_split_the_row(
    tmp_path: Path, engine: str, jobs: str
) -> None:
    """Python's CSV writer with "\\n" line ends leaves a cell holding "\\r" bare; a reader
    then sees two rows. Our output quotes it, and reads back as the rows went in."""
    src = tmp_path / "in.csv"
    src.write_bytes(b'age,note\n40,"a\rb"\n41,plain\n42,"c\r\nd"\n')
    out = tmp_path / "out.csv"
    args = ["--keep", "note", "--engine", engine, "--jobs", jobs]
    assert main(["score", str(src), "-o", str(out), *args]) == 0
    back = _read(out)
    assert [(r["age"], r["note"]) for r in back] == [
        ("40", "a\rb"),
        ("41", "plain"),
        ("42", "c\r\nd"),
    ]
    assert all(r["triage"] for r in back)


def test_bad_bytes_mid_file_leave_old_output_alone(tmp_path: Path, capsys) -> None:
    src = tmp_path / "in.csv"
    src.write_bytes(b"age\n40\n" * 2000 + b"4\xff\n")
    out = tmp_path / "out.csv"
    out.write_text("old results\n", encoding="utf-8")
    assert main(["score", str(src), "-o", str(out)]) == 2
    assert "not UTF-8" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "old results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]  # no .part left


def test_output_that_is_a_folder_is_unusable(tmp_path: Path, capsys) -> None:
    (tmp_path / "out").mkdir()
    src = _write(tmp_path / "in.csv", [["age"], ["40"]])
    assert main(["score", str(src), "-o", str(tmp_path / "out")]) == 2
    assert "cannot write there" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out"]


def test_terminated_run_leaves_no_partial_file(tmp_path: Path) -> None:
    """A run stopped half-way (SIGTERM) removes its temporary output. The input comes
    through a pipe this test keeps open, so the run is surely still going when stopped."""
    rows = "".join(f"{16 + i % 90}\n" for i in range(25_000))
    proc = subprocess.Popen(
        [sys.executable, "-m", "backcare", "score", "-", "-o", str(tmp_path / "out.csv")],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        proc.stdin.write(f"age\n{rows}".encode())
        proc.stdin.flush()  # not closed: the run waits for more rows
        for _ in range(600):  # until the temporary output exists (at most about 60 s)
            if any(p.suffix == ".part" for p in tmp_path.iterdir()):
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.1)
        else:
            pytest.fail("the temporary output file never appeared")
        proc.terminate()
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        proc.kill()
        proc.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(16, 110), st.integers(0, 10), st.booleans()), min_size=1, max_size=20
    )
)
def test_valid_answers_are_echoed_unchanged(tmp_path_factory, rows) -> None:
    """The formula guard never touches a valid answer."""
    tmp = tmp_path_factory.mktemp("echo")
    body = [[str(a), str(p), format_cell(f)] for a, p, f in rows]
    code, out = _score(tmp, [["age", "pain_now", "fever"], *body])
    assert code == 0
    assert [[r["age"], r["pain_now"], r["fever"]] for r in _read(out)] == body


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backcare", "score", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_stdin_to_stdout_and_quiet_without_terminal() -> None:
    done = _cli("-", "-o", "-", stdin="age,fever\n40,no\n")
    assert done.returncode == 0
    assert done.stdout.splitlines()[0] == "age,fever," + ",".join(RESULT_COLUMNS)
    # stderr is a pipe, not a terminal: only the one summary line, no progress bar.
    assert done.stderr.splitlines() == ["backcare score: scored 1 of 1 rows into -"]


def test_progress_bar_when_asked(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.csv", [["age"]] + [["40"]] * 1200)
    done = _cli(str(src), "-o", str(tmp_path / "out.csv"), "--progress", "always")
    assert done.returncode == 0
    assert "scoring" in done.stderr and "100%" in done.stderr


def test_worker_processes_give_the_same_output_in_order(tmp_path: Path) -> None:
    from bench.gen import write_csv

    src = write_csv(tmp_path / "in.csv", 300, seed=11)
    with open(src, "a", encoding="utf-8") as f:
        f.write("40\n\n" + ",".join(["41"] * 42) + "\n")  # a short row, a blank line
    outputs = []
    for jobs in (1, 2):
        out = io.StringIO()
        with open(src, encoding="utf-8", newline="") as f:
            summary = score_rows(csv_rows(f), csv.writer(out), jobs=jobs, block_size=7)
        outputs.append((summary, out.getvalue()))
    assert outputs[0] == outputs[1]
    assert outputs[0][0].rows == 302 and outputs[0][0].failed >= 2


def test_negative_jobs_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _ = _score(tmp_path, [["age"], ["40"]], "--jobs", "-1")
    assert code == 2
    assert "--jobs must be 0" in capsys.readouterr().err


# --- flat memory -----------------------------------------------------------------------

#: A few columns keep the big run short; memory per row does not depend on width.
MEMORY_KEYS = (
    "age",
    "pain_now",
    "duration_weeks",
    "areas",
    "worse_with",
    "saddle_numbness",
    "fever",
    "bothersomeness",
)
#: Peak memory may grow this much from 20,000 to 200,000 rows. Keeping every
#: output row, or every result, would cost tens of MB over 180,000 more rows.
MEMORY_SLACK_KB = 6_000

_PEAK_RSS = textwrap.dedent("""
    import resource, sys
    from backcare.cli.main import main
    code = main(["score", sys.argv[1], "-o", sys.argv[2], "--progress", "never"])
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    sys.exit(code)
""")


def _peak_rss_kb(tmp_path: Path, rows: int) -> int:
    from bench.gen import write_csv

    fields = tuple(FIELD_BY_KEY[k] for k in MEMORY_KEYS)
    src = write_csv(tmp_path / f"in{rows}.csv", rows, fields=fields)
    done = subprocess.run(
        [sys.executable, "-c", _PEAK_RSS, str(src), str(tmp_path / f"out{rows}.csv")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 1, done.stderr  # the generator puts a few bad rows in
    with open(tmp_path / f"out{rows}.csv", encoding="utf-8") as f:
        assert sum(1 for _ in f) == rows + 1
    return int(done.stdout.split()[-1])


def test_memory_stays_flat_as_rows_grow(tmp_path: Path) -> None:
    small = _peak_rss_kb(tmp_path, 20_000)
    large = _peak_rss_kb(tmp_path, 200_000)
    print(f"peak RSS: 20,000 rows {small} kB, 200,000 rows {large} kB")
    assert large - small < MEMORY_SLACK_KB, (small, large)
