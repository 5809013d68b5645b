"""Hardened parsers: one strict reader behind every entry point, one CSV formula guard.

Each hostile payload goes through every command that reads it (in process,
through ``backcare.cli.main.main``) and must give exit 2 and one line on
standard error naming the problem; one subprocess run proves that no
traceback reaches a terminal.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from backcare.answers_io import AnswersFileError, load_answers
from backcare.cli.main import main
from backcare.diary import entries as diary
from backcare.diary.entries import DiaryError
from backcare.safe_io import (
    MAX_DEPTH,
    MAX_NUMBER_CHARS,
    InputError,
    guard_cell,
    loads_strict,
    nesting_depth,
    number_from_text,
    unguard_cell,
)
from tests.helpers import ROOT

BOM = b"\xef\xbb\xbf"
PROFILE = {"days": ["mon", "wed", "fri"], "minutes_per_session": 30, "start_date": "2026-12-01"}

#: (name, file bytes, words the message must hold). Each is refused by every JSON entry point.
HOSTILE: list[tuple[str, bytes, str]] = [
    (
        "repeated key",
        b'{"age": 40, "saddle_numbness": true, "saddle_numbness": false}',
        "'saddle_numbness' twice",
    ),
    ("deep nesting", b"[" * 100_000, "too deeply"),
    ("deep objects", b'{"a":' * 5_000, "too deeply"),
    ("310-digit number", b'{"age": 1' + b"0" * 309 + b"}", "number 310 characters long"),
    ("5000-digit number", b'{"age": ' + b"9" * 5000 + b"}", "number 5,000 characters long"),
    ("huge float", b'{"age": 1e400}', "too big"),
    ("NaN", b'{"age": NaN}', "NaN"),
    ("Infinity", b'{"age": Infinity}', "Infinity"),
    ("minus Infinity", b'{"age": -Infinity}', "-Infinity"),
    ("lone surrogate", b'{"age": 40, "sex": "\\ud800"}', "half of a character pair"),
    ("not UTF-8", b'{"age": 40, "sex": "\xff"}', "not UTF-8"),
    ("syntax error", b'{"age": 40,}', "not valid JSON (line 1, column 12"),
    ("empty", b"", "empty"),
    ("only a BOM", BOM, "empty"),
]


def _files(tmp_path: Path, payload: bytes) -> dict[str, str]:
    bad = tmp_path / "bad.json"
    bad.write_bytes(payload)
    good = tmp_path / "profile.json"
    good.write_text(json.dumps(PROFILE), encoding="utf-8")
    return {"bad": str(bad), "profile": str(good), "db": f"sqlite:///{tmp_path / 'd.db'}"}


#: Every command that reads a JSON file, with the bad file in the place it reads.
COMMANDS = {
    "assess": lambda f: ["assess", f["bad"]],
    "plan profile": lambda f: ["plan", f["bad"]],
    "plan --answers": lambda f: ["plan", f["profile"], "--answers", f["bad"]],
    "plan --feedback": lambda f: ["plan", f["profile"], "--feedback", f["bad"]],
    "report": lambda f: ["report", "--answers", f["bad"], "-o", f["bad"] + ".pdf", "--db", f["db"]],
    "diary import": lambda f: ["diary", "import", f["bad"], "--db", f["db"]],
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("name", "payload", "says"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_every_json_entry_point_refuses_with_one_line(
    tmp_path, capsys, command, name, payload, says
):
    code = main(COMMANDS[command](_files(tmp_path, payload)))
    out, err = capsys.readouterr()
    assert code == 2, (name, err)
    assert len(err.strip().splitlines()) == 1, err
    assert says in err and err.startswith("backcare ")
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(("name", "payload", "says"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_the_app_upload_refuses_the_same(name, payload, says):
    with pytest.raises(AnswersFileError) as caught:
        load_answers(payload)
    assert says in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(DiaryError) as caught_diary:
        diary.parse_file("upload.json", payload)
    assert says in str(caught_diary.value)


def test_a_byte_order_mark_is_fine_everywhere(tmp_path, capsys):
    """assess used to refuse the BOM that the app and score accepted."""
    answers = tmp_path / "a.json"
    answers.write_bytes(BOM + b'{"age": 40, "pain_now": 3}')
    profile = tmp_path / "p.json"
    profile.write_bytes(BOM + json.dumps(PROFILE).encode())
    diary_file = tmp_path / "d.json"
    diary_file.write_bytes(BOM + b"[]")
    scores = tmp_path / "s.csv"
    scores.write_bytes(BOM + b"age\n40\n")
    db = f"sqlite:///{tmp_path / 'd.db'}"
    for argv in (
        ["assess", str(answers)],
        ["plan", str(profile), "--answers", str(answers)],
        ["diary", "import", str(diary_file), "--db", db],
        ["score", str(scores), "-o", str(tmp_path / "out.csv")],
    ):
        assert main(argv) == 0, (argv, capsys.readouterr().err)
    assert load_answers(BOM + b'{"age": 40}') == {"age": 40}
    assert diary.parse_file("x.csv", BOM + b",".join(c.encode() for c in diary.COLUMNS)) == []


def test_no_traceback_reaches_the_terminal():
    done = subprocess.run(
        [sys.executable, "-m", "backcare", "assess", "-"],
        input=b"[" * 100_000,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )
    err = done.stderr.decode()
    assert done.returncode == 2
    assert err == "backcare assess: -: nests [ and { too deeply (100,000 levels; at most 32)\n"


@pytest.mark.parametrize(
    ("command", "limit"),
    [(["assess"], 100_000), (["plan"], 1_000_000), (["diary", "import"], 5_000_000)],
)
@pytest.mark.parametrize("over", [0, 1], ids=["at", "over"])
def test_size_limits_at_the_threshold(tmp_path, capsys, command, limit, over):
    """Answers as in the app (100,000 bytes), other JSON 1 MB, a diary 5 MB."""
    body = b'{"age": 40}' if command != ["diary", "import"] else b"[]"
    big = tmp_path / "big.json"
    big.write_bytes(body + b" " * (limit - len(body) + over))
    code = main(
        [
            *command,
            str(big),
            *(["--db", f"sqlite:///{tmp_path / 'd.db'}"] * (command[0] == "diary")),
        ]
    )
    err = capsys.readouterr().err
    assert ("too big" in err) is bool(over)
    if over:
        assert code == 2 and f"more than {limit:,} bytes" in err


# ------------------------------------------------------------------ the reader itself


@pytest.mark.parametrize(
    ("depth", "ok"), [(MAX_DEPTH, True), (MAX_DEPTH + 1, False)], ids=["at", "over"]
)
def test_depth_limit_at_the_threshold(depth, ok):
    text = "[" * depth + "]" * depth
    if ok:
        assert loads_strict(text) is not None
    else:
        with pytest.raises(InputError, match="too deeply"):
            loads_strict(text)


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert nesting_depth('{"a": "[[[[{{{{", "b": "\\"[["}') == 1
    assert loads_strict('{"notes": "' + "[" * 500 + '"}') == {"notes": "[" * 500}


@pytest.mark.parametrize(
    ("chars", "ok"), [(MAX_NUMBER_CHARS, True), (MAX_NUMBER_CHARS + 1, False)], ids=["at", "over"]
)
def test_number_length_limit_at_the_threshold(chars, ok):
    for literal in ("9" * chars, "-" + "9" * (chars - 1), "0." + "1" * (chars - 2)):
        if ok:
            assert loads_strict(literal) == json.loads(literal)
        else:
            with pytest.raises(InputError, match="number"):
                loads_strict(literal)


def test_repeated_keys_are_refused_at_any_depth_and_distinct_keys_kept():
    with pytest.raises(InputError, match="'date' twice"):
        loads_strict('[{"date": "2026-01-01", "date": "2026-01-02"}]')
    assert loads_strict('{"a": {"x": 1}, "b": {"x": 2}}') == {"a": {"x": 1}, "b": {"x": 2}}


def test_a_valid_surrogate_pair_is_kept():
    assert loads_strict('"\\ud83d\\ude00"') == "\U0001f600"


@pytest.mark.parametrize(
    ("text", "value"),
    [("42", 42), ("-3", -3), ("+5", 5), ("0.5", 0.5), ("-.5", -0.5), ("1e3", 1000.0)],
)
def test_plain_numbers_are_read(text, value):
    assert number_from_text(text) == value


@pytest.mark.parametrize(
    "text", ["nan", "inf", "-Infinity", "1_000", "\u0664\u0662", "1e999", "0x10", "9" * 31]
)
def test_other_number_text_is_refused(text):
    with pytest.raises(InputError):
        number_from_text(text)


# ------------------------------------------------------------------ score


def _score_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        ("1" + "0" * 309, "too long to read (310 characters"),
        ("9" * 5000, "too long to read (5,000 characters"),
        ("1e999", "too big"),
        ("forty", "got 'forty', not a number"),
    ],
)
def test_a_bad_cell_fails_its_row_and_scoring_goes_on(tmp_path, capsys, cell, says):
    src = _score_file(tmp_path, f"age,sex\n40,female\n{cell},female\n50,other_sex\n60,male\n")
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out)]) == 1
    assert "Traceback" not in capsys.readouterr().err
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [bool(r["error"]) for r in rows] == [False, True, True, False]
    assert rows[1]["error"].startswith("age: ") and says in rows[1]["error"]
    assert rows[2]["error"].startswith("sex: ")
    assert rows[3]["triage"] != ""


@pytest.mark.parametrize(
    "target",
    [
        lambda p: str(p),
        lambda p: f"{p.parent}/./{p.name}",
        lambda p: str(p.parent / ".." / p.parent.name / p.name),
        "link",
        "hardlink",
    ],
    ids=["same", "dot", "dotdot", "symlink", "hardlink"],
)
def test_scoring_into_the_input_itself_is_refused_before_writing(tmp_path, capsys, target):
    src = _score_file(tmp_path, "age\n40\n")
    before = src.read_bytes()
    if target == "link":
        (tmp_path / "link.csv").symlink_to(src)
        output = str(tmp_path / "link.csv")
    elif target == "hardlink":
        (tmp_path / "hard.csv").hardlink_to(src)
        output = str(tmp_path / "hard.csv")
    else:
        output = target(src)
    assert main(["score", str(src), "-o", output]) == 2
    err = capsys.readouterr().err
    assert "is the input file itself" in err and len(err.strip().splitlines()) == 1
    assert src.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.suffix == ".part"]


def test_relative_paths_to_the_same_file_are_refused(tmp_path, capsys, monkeypatch):
    _score_file(tmp_path, "age\n40\n")
    monkeypatch.chdir(tmp_path)
    assert main(["score", "in.csv", "-o", f"../{tmp_path.name}/in.csv"]) == 2
    assert "is the input file itself" in capsys.readouterr().err


def test_a_different_output_file_is_still_fine(tmp_path):
    src = _score_file(tmp_path, "age\n40\n")
    assert main(["score", str(src), "-o", str(tmp_path / "out.csv")]) == 0


# ------------------------------------------------------------------ one formula guard


@pytest.mark.parametrize(
    ("cell", "out"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2+3", "'-2+3"),
        ("-", "'-"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),  # full-width equals sign
        ("-3", "-3"),  # a plain number: a spreadsheet reads it as a number
        ("+5", "+5"),
        ("-0.5", "-0.5"),
        ("-1e5", "'-1e5"),  # not a plain decimal: guarded
        ("42", "42"),
        ("a=b", "a=b"),
        (" =x", " =x"),
        ("'quoted", "'quoted"),
        ("'=1", "''=1"),  # one more quote, so unguarding gives the text back
        ("", ""),
    ],
)
def test_the_guard_table(cell, out):
    assert guard_cell(cell) == out
    assert unguard_cell(guard_cell(cell)) == cell


def test_diary_export_and_batch_output_use_the_same_guard(tmp_path):
    from backcare import batch

    assert diary.escape_cell is guard_cell and diary.unescape_cell is unguard_cell
    assert batch.guard_cell is guard_cell
    src = _score_file(tmp_path, "record,age\n-3,40\n-2+3,41\n")
    out = tmp_path / "out.csv"
    assert main(["score", str(src), "-o", str(out), "--keep", "record"]) == 0
    with open(out, encoding="utf-8", newline="") as f:
        assert [r["record"] for r in csv.DictReader(f)] == ["-3", "'-2+3"]
