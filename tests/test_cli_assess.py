"""The ``python -m backcare`` command line: help, input forms and clean failures."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from backcare.cli import MODULES
from backcare.cli.main import main
from tests.answer_sets import all_no
from tests.helpers import ROOT


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )


def test_help():
    done = run("--help")
    assert done.returncode == 0
    assert "Not a diagnosis" in done.stdout
    for name in MODULES:
        assert name in done.stdout
        assert run(name, "--help").returncode == 0


def test_standard_input_gives_the_spec_shape():
    done = run("assess", "-", stdin=json.dumps(all_no(leg_pain="both_legs", duration_weeks=2)))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert set(out) >= {
        "triage",
        "reasons",
        "patterns",
        "unanswered_safety_questions",
        "duration_category",
        "scores",
        "open_safety_questions",
        "spec_version",
    }
    assert out["spec_version"] == "2"
    assert out["open_safety_questions"] == []
    assert out["triage"] == "emergency"
    assert set(out["scores"]) >= {"pain_band", "psychosocial_risk"}
    assert {"id", "level", "because", "text"} <= set(out["reasons"][0])
    assert {"id", "strength", "because"} <= set(out["patterns"][0])


@pytest.mark.parametrize(
    ("stdin", "named"),
    [
        (
            '{"age": 40, "pain_now": 11, "leg_pain": "left", "fevr": true}',
            ["pain_now", "leg_pain", "fevr"],
        ),
        ('{"pain_now": 3}', ["age"]),
        ("[1, 2]", ["answers"]),
        ("{not json", ["not valid JSON", "line 1"]),
        ("", ["empty"]),
    ],
)
def test_bad_input_exits_2_with_a_short_message(stdin, named):
    done = run("assess", "-", stdin=stdin)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert len(done.stderr.splitlines()) <= 6
    for word in named:
        assert word in done.stderr


def test_missing_file(tmp_path):
    done = run("assess", str(tmp_path / "nope.json"))
    assert done.returncode == 2
    assert "no such file" in done.stderr and "Traceback" not in done.stderr


def test_unknown_command_is_a_usage_error():
    assert run("frobnicate").returncode == 2


def test_main_returns_codes_in_process(tmp_path, capsys):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"age": 30}))
    assert main(["assess", str(path)]) == 0
    assert json.loads(capsys.readouterr().out)["triage"] == "self_care"
    path.write_text(json.dumps({"age": 3}))
    assert main(["assess", str(path)]) == 2
