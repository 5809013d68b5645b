"""``python -m backcare plan``: JSON out, files written, exit 2 naming bad fields."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from backcare.cli.main import main
from tests.answer_sets import all_no

PROFILE = {"days": ["mon", "wed", "fri"], "minutes_per_session": 30, "start_date": "2026-12-01"}
#: Every safety question answered (spec section 6 v2: no plan while one is open).
CALM = all_no(age=40)
BONES = all_no(age=68, osteoporosis=True, pain_now=3, trauma="none")
EMERGENCY = {"age": 40, "saddle_numbness": True}


def write(tmp_path: Path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["plan", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def calm(tmp_path: Path) -> list[str]:
    return ["--answers", write(tmp_path, "calm.json", CALM)]


def test_without_answers_the_plan_is_refused_until_the_safety_questions_are_answered(
    tmp_path, capsys
):
    code, out, _ = run(capsys, write(tmp_path, "p.json", PROFILE))
    assert code == 0
    assert json.loads(out)["triage"] == "untriaged"


def test_prints_the_plan_as_json(tmp_path, capsys):
    code, out, err = run(capsys, write(tmp_path, "p.json", PROFILE), *calm(tmp_path))
    assert code == 0, err
    data = json.loads(out)
    assert len(data["weeks"]) == 6
    week = data["weeks"][0]
    assert week["week"] == 1
    assert set(week["totals"]) == {
        "aerobic_minutes",
        "strength_days",
        "flexibility_days",
        "balance_days",
    }
    session = week["sessions"][0]
    assert session["date"] == "2026-12-02"
    assert {"id", "name", "category", "movement", "dose", "minutes"} <= set(session["exercises"][0])
    assert data["left_out"] == []


def test_answers_apply_the_safety_rules(tmp_path, capsys):
    code, out, _ = run(
        capsys, write(tmp_path, "p.json", PROFILE), "--answers", write(tmp_path, "a.json", BONES)
    )
    assert code == 0
    data = json.loads(out)
    left = {x["id"]: x["why"] for x in data["left_out"]}
    assert left.get("sit_up")
    movements = {
        t
        for w in data["weeks"]
        for s in w["sessions"]
        for e in s["exercises"]
        for t in e["movement"]
    }
    assert not movements & {"loaded_flexion", "end_range_flexion", "twisting", "floor_lift"}


def test_refuses_when_the_answers_need_a_doctor(tmp_path, capsys):
    ics = tmp_path / "x.ics"
    code, out, err = run(
        capsys,
        write(tmp_path, "p.json", PROFILE),
        "--answers",
        write(tmp_path, "a.json", EMERGENCY),
        "--ics",
        str(ics),
    )
    assert code == 0
    data = json.loads(out)
    assert data["refused"]
    assert "weeks" not in data
    assert not ics.exists()
    assert "no files were written" in err


def test_writes_ics_and_csv(tmp_path, capsys):
    ics, table, page = tmp_path / "plan.ics", tmp_path / "plan.csv", tmp_path / "plan.html"
    code, out, _ = run(
        capsys,
        write(tmp_path, "p.json", PROFILE),
        *calm(tmp_path),
        "--ics",
        str(ics),
        "--csv",
        str(table),
        "--html",
        str(page),
    )
    assert code == 0
    sessions = [s for w in json.loads(out)["weeks"] for s in w["sessions"]]
    events = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
    assert len(events) == len(sessions) == 18
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert {r["date"] for r in rows} == {s["date"] for s in sessions}
    assert page.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_feedback_adjusts_the_plan(tmp_path, capsys):
    feedback = [{"date": "2026-12-02", "pain_before": 2, "pain_after": 5}]
    code, out, _ = run(
        capsys,
        write(tmp_path, "p.json", PROFILE),
        *calm(tmp_path),
        "--feedback",
        write(tmp_path, "f.json", feedback),
    )
    assert code == 0
    assert json.loads(out)["changes"][0]["change"] == "hold"


@pytest.mark.parametrize(
    ("profile", "answers", "feedback", "named"),
    [
        ({**PROFILE, "days": ["funday"]}, None, None, "days"),
        ({**PROFILE, "minutes_per_session": 200}, None, None, "minutes_per_session"),
        ({**PROFILE, "weeks": 20}, None, None, "weeks"),
        ({k: v for k, v in PROFILE.items() if k != "days"}, None, None, "days"),
        (PROFILE, {"age": 40, "pain_now": 12}, None, "pain_now"),
        (PROFILE, {"age": 40, "bladder": True}, None, "bladder"),
        (
            PROFILE,
            CALM,
            [{"date": "2026-12-02", "pain_before": 2, "pain_after": 50}],
            "feedback[0].pain_after",
        ),
        ("{not json", None, None, "not valid JSON"),
    ],
)
def test_bad_input_exits_2_naming_the_field(tmp_path, capsys, profile, answers, feedback, named):
    argv = [write(tmp_path, "p.json", profile)]
    if answers is not None:
        argv += ["--answers", write(tmp_path, "a.json", answers)]
    if feedback is not None:
        argv += ["--feedback", write(tmp_path, "f.json", feedback)]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert named in err
    assert "Traceback" not in err


def test_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run(capsys, str(tmp_path / "nope.json"))
    assert code == 2
    assert "no such file" in err


def test_runs_as_a_module(tmp_path):
    """The real entry point, as a person would type it."""
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "backcare",
            "plan",
            write(tmp_path, "p.json", PROFILE),
            *calm(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["weeks"][0]["week"] == 1
