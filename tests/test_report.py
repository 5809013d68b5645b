"""The PDF report for a doctor: its text, its length, and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys

import pypdf
import pytest

from backcare import assess
from backcare.diary.entries import DiaryEntry
from backcare.diary.report import build_report, latin1
from backcare.diary.storage import open_store
from backcare.engine.wording import level_text, triage_text
from tests.helpers import ROOT

TODAY = dt.date(2026, 6, 30)
PLAN = {
    "weeks": [
        {
            "week": 1,
            "sessions": [
                {
                    "date": "2026-06-29",
                    "minutes": 20,
                    "exercises": [
                        {
                            "id": "walk_easy",
                            "name": "Easy walk",
                            "category": "aerobic",
                            "movement": [],
                            "dose": "15 minutes",
                            "minutes": 15,
                        },
                    ],
                }
            ],
            "totals": {
                "aerobic_minutes": 90,
                "strength_days": 2,
                "flexibility_days": 3,
                "balance_days": 0,
            },
        }
    ],
    "left_out": [],
}


def diary(n: int = 35) -> list[DiaryEntry]:
    return [
        DiaryEntry(
            TODAY - dt.timedelta(days=n - 1 - i),
            7 - (i // 7) % 5,
            8,
            20,
            (),
            i % 2 == 0,
            "good",
            f"Day {i}: walked “a bit” 🙂 <b>not bold</b>",
        )
        for i in range(n)
    ]


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(p.extract_text() for p in reader.pages), len(reader.pages)


@pytest.mark.parametrize(
    "answers",
    [
        {"age": 45, "pain_now": 6, "duration_weeks": 3, "leg_pain": "one_leg"},
        {"age": 60, "saddle_numbness": True, "pain_now": 8},
        {"age": 30, "duration_weeks": 10, "pain_now": 5},
    ],
)
def test_report_holds_the_level_and_the_dates(answers):
    result = assess(answers)
    data = build_report(
        result=result.to_dict(),
        answers=result.answers,
        entries=diary(),
        plan=PLAN,
        taken_at=dt.datetime(2026, 6, 28, 9, 0),
        today=TODAY,
    )
    text, pages = pdf_text(data)
    assert data.startswith(b"%PDF")
    assert 1 <= pages <= 2
    assert level_text(result.triage.value).title in text
    assert "2026-06-28" in text  # when the check was taken
    assert "2026-06-03 to 2026-06-30" in text  # the last 4 weeks of the diary
    assert TODAY.isoformat() in text
    assert "Easy walk" in text
    assert triage_text().not_a_diagnosis.split(".")[0] in " ".join(text.split())


def test_report_text_keeps_notes_as_words():
    result = assess({"age": 40})
    text, _ = pdf_text(
        build_report(result=result.to_dict(), answers={}, entries=diary(10), today=TODAY)
    )
    assert "<b>not bold</b>" in text and 'walked "a bit"' in text


def test_report_without_diary_plan_or_check_still_works():
    text, pages = pdf_text(build_report(result=None, answers=None, entries=[], today=TODAY))
    assert pages == 1
    assert "No symptom check yet." in text and "No diary entries yet." in text


def test_a_refused_plan_says_why():
    text, _ = pdf_text(
        build_report(
            result=None,
            answers=None,
            entries=[],
            plan={"refused": "See a doctor before you start."},
            today=TODAY,
        )
    )
    assert "See a doctor before you start." in text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("“quoted” – ok…", '"quoted" - ok...'),
        ("🚨 Emergency", " Emergency"),
        ("café", "café"),
        ("ﬁne", "fine"),
        ("a\x07b", "ab"),
    ],
)
def test_latin1_makes_text_the_core_font_can_show(raw, shown):
    assert latin1(raw) == shown
    latin1(raw).encode("latin-1")


def run_cli(*args: str):
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cli_report_uses_the_diary_and_the_saved_plan(tmp_path):
    url = f"sqlite:///{tmp_path / 'b.db'}"
    store = open_store(url)
    recent = [DiaryEntry(dt.date.today() - dt.timedelta(days=i), 3, 5, 10) for i in range(3)]
    store.save_entries(recent)
    store.save_plan(PLAN)
    store.close()
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"age": 52, "duration_weeks": 8, "pain_now": 4}))
    out = tmp_path / "r.pdf"
    run = run_cli("report", "--answers", str(answers), "--db", url, "-o", str(out))
    assert run.returncode == 0, run.stderr
    text, _ = pdf_text(out.read_bytes())
    assert level_text(assess(json.loads(answers.read_text())).triage.value).title in text
    assert recent[-1].date.isoformat() in text and "Easy walk" in text


@pytest.mark.parametrize(
    ("content", "says"),
    [("{", "not valid JSON"), ('{"age": 5}', "age"), ('{"agee": 40}', "agee")],
)
def test_cli_report_bad_answers_exit_2(tmp_path, content, says):
    answers = tmp_path / "a.json"
    answers.write_text(content)
    out = tmp_path / "r.pdf"
    run = run_cli(
        "report",
        "--answers",
        str(answers),
        "--db",
        f"sqlite:///{tmp_path / 'b.db'}",
        "-o",
        str(out),
    )
    assert run.returncode == 2 and says in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()


def test_cli_report_with_a_damaged_database_exits_2_and_keeps_it(tmp_path):
    db = tmp_path / "b.db"
    db.write_bytes(b"not a database at all" * 10)
    answers = tmp_path / "a.json"
    answers.write_text('{"age": 40}')
    run = run_cli(
        "report",
        "--answers",
        str(answers),
        "--db",
        f"sqlite:///{db}",
        "-o",
        str(tmp_path / "r.pdf"),
    )
    assert run.returncode == 2 and "not an SQLite file" in run.stderr
    assert db.read_bytes() == b"not a database at all" * 10


def test_a_report_from_years_of_diary_still_fits_two_pages():
    result = assess({"age": 40, "pain_now": 3})
    data = build_report(
        result=result.to_dict(), answers=result.answers, entries=diary(2000), today=TODAY
    )
    _, pages = pdf_text(data)
    assert 1 <= pages <= 2
