"""The report for a clinician: page 1's words, page 2's diary and chart, the PDF's
structure (title, language, outline, alt text, page size), the plain-text
summary, and the command line."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys

import pypdf
import pytest

from backcare import assess
from backcare.diary.entries import DiaryEntry
from backcare.diary.report import (
    FlagStatus,
    build_report,
    chart_frame,
    clinician_summary,
    count,
    flag_status,
    latin1,
    pattern_rows,
    plan_status,
    red_flag_rows,
    report_chart,
    report_content,
    report_text,
    trend_line,
)
from backcare.diary.storage import open_store
from backcare.engine.answers import FIELDS, KEYS, Kind
from backcare.engine.triage import RULES
from backcare.engine.wording import level_text, pattern_text
from tests.helpers import ROOT

TODAY = dt.date(2026, 6, 30)
TAKEN = dt.datetime(2026, 6, 28, 9, 0)
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
    "profile": {
        "days": ["mon", "wed", "fri"],
        "minutes_per_session": 20,
        "start_date": "2026-06-29",
    },
}

#: Every red flag denied: yes/no answers no, choices their "none", lists empty.
DENY_ALL: dict = {
    **{f.key: False for f in FIELDS if f.kind is Kind.BOOL},
    "age": 45,
    "sex": "female",
    "pain_now": 4,
    "pain_week_worst": 5,
    "duration_weeks": 2,
    "onset": "gradual",
    "trauma": "none",
    "areas": ["lower_back"],
    "pain_character": ["aching"],
    "leg_pain": "none",
    "leg_numbness": "none",
    "leg_weakness": "none",
    "worse_with": ["bending"],
    "better_with": ["movement"],
    "night_pain": "none",
    "bothersomeness": "slightly",
    "urine_symptoms": [],
    "spa_features": [],
}
#: One answer set per level (checked against `assess` in the test that uses it).
BY_LEVEL = {
    "emergency": {"age": 40, "saddle_numbness": True, "pain_now": 7},
    "urgent": {"age": 40, "fever": True},
    "soon": {"age": 40, "duration_weeks": 8},
    "self_care": {**DENY_ALL, "age": 30},
}
#: Patient-directed instructions that must never be on page 1 (said to the clinician).
IMPERATIVES = (
    "book a gp",
    "log a few days",
    "log your first day",
    "go to a&e",
    "call the emergency number",
    "speak to a doctor",
    "keep active",
    "keep moving",
    "look after your back",
    "get help now",
    "take this pdf",
    "do the symptom check",
    "see a gp",
)


def diary(n: int = 35, end: dt.date = TODAY) -> list[DiaryEntry]:
    return [
        DiaryEntry(
            end - dt.timedelta(days=n - 1 - i),
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


def make(answers: dict | None, **kw) -> bytes:
    result = assess(answers) if answers is not None else None
    defaults = {
        "result": result.to_dict() if result else None,
        "answers": result.answers if result else None,
        "entries": diary(),
        "plan": PLAN,
        "taken_at": TAKEN,
        "today": TODAY,
    }
    return build_report(**{**defaults, **kw})


def reader(data: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(data))


def page_text(data: bytes, page: int) -> str:
    return reader(data).pages[page].extract_text()


def flat(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- page 1


@pytest.mark.parametrize("level", list(BY_LEVEL))
def test_the_first_line_states_the_level_with_the_apps_title(level):
    assert assess(BY_LEVEL[level]).triage.value == level
    first = page_text(make(BY_LEVEL[level]), 0).splitlines()[0]
    assert level_text(level).title in first
    if level == "emergency":
        assert "Emergency" in first
    else:
        assert "Emergency" not in first


def test_no_symptom_check_says_so_in_the_first_line():
    data = make(None, entries=[], plan=None)
    first = page_text(data, 0).splitlines()[0]
    assert first.startswith("Triage level: none")
    assert "No diary entries." in page_text(data, 0)


@pytest.mark.parametrize("level", list(BY_LEVEL))
def test_page_one_speaks_to_the_clinician_not_the_patient(level):
    text = flat(page_text(make(BY_LEVEL[level]), 0)).lower()
    found = [p for p in IMPERATIVES if p in text]
    assert found == []
    assert re.search(r"\byou(r|rs)?\b", text) is None


def test_page_one_without_a_check_has_no_imperative_either():
    text = flat(page_text(make(None, entries=diary(1)), 0)).lower()
    assert [p for p in IMPERATIVES if p in text] == []


DENIED_WORDING = (
    "No saddle anaesthesia",
    "No bladder or bowel change",
    "No sexual dysfunction",
    "No bilateral leg symptoms",
    "No progressive weakness or gait disturbance",
    "No fever",
    "Not systemically unwell",
    "No IV drug use",
    "No history of cancer",
    "No unexplained weight loss",
    "No major trauma",
    "No height loss",
    "No known aneurysm",
    "No pulsatile abdominal sensation",
    "Not on an anticoagulant",
    "No urinary symptoms",
    "No colicky pain",
    "No rash",
    "Not pregnant or postpartum",
)


def test_denied_red_flags_are_listed_in_clinical_words():
    text = flat(page_text(make(DENY_ALL), 0))
    missing = [w for w in DENIED_WORDING if w not in text]
    assert missing == []
    assert "POSITIVE" not in text


def test_a_positive_red_flag_is_listed_as_positive_not_denied():
    rows = red_flag_rows({**DENY_ALL, "saddle_numbness": True})
    saddle = [r for r in rows if r.group == "Cauda equina" and "addle" in r.text]
    assert saddle == [saddle[0]] and saddle[0].status is FlagStatus.POSITIVE
    assert saddle[0].text == "Saddle anaesthesia"


def test_a_missing_answer_is_never_listed_as_denied():
    rows = red_flag_rows({"age": 40})
    assert rows and {r.status for r in rows} == {FlagStatus.NOT_ANSWERED}


WHEN = {"bladder_change": True, "bowel_change": True}


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ({"bladder_change": True}, FlagStatus.POSITIVE),
        ({"bladder_change": True, "bowel_change": False}, FlagStatus.POSITIVE),
        ({"bladder_change": False, "bowel_change": True}, FlagStatus.POSITIVE),
        ({"bladder_change": False, "bowel_change": False}, FlagStatus.DENIED),
        ({"bladder_change": False}, FlagStatus.NOT_ANSWERED),
        ({}, FlagStatus.NOT_ANSWERED),
    ],
)
def test_a_two_key_flag_is_positive_on_either_and_denied_only_on_both(answers, status):
    assert flag_status(WHEN, {"age": 40, **answers}) is status


LEGS = {"leg_pain": ["both_legs"], "leg_numbness": ["both_legs"], "leg_weakness": ["both_legs"]}
NO_LEGS = {"leg_pain": "none", "leg_numbness": "none", "leg_weakness": "none"}


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        (NO_LEGS, FlagStatus.DENIED),
        ({**NO_LEGS, "leg_numbness": "one_leg"}, FlagStatus.DENIED),
        ({**NO_LEGS, "leg_numbness": "both_legs"}, FlagStatus.POSITIVE),
        ({"leg_pain": "none", "leg_numbness": "none"}, FlagStatus.NOT_ANSWERED),
    ],
)
def test_bilateral_leg_symptoms_need_both_legs(answers, status):
    assert flag_status(LEGS, {"age": 40, **answers}) is status


PROGRESSIVE = {"weakness_getting_worse": True, "walking_unsteady": True}


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        # "Getting worse" is not asked without weakness: walking alone decides.
        ({"leg_weakness": "none", "walking_unsteady": False}, FlagStatus.DENIED),
        ({"leg_weakness": "one_leg", "walking_unsteady": False}, FlagStatus.NOT_ANSWERED),
        (
            {"leg_weakness": "one_leg", "walking_unsteady": False, "weakness_getting_worse": False},
            FlagStatus.DENIED,
        ),
        ({"leg_weakness": "one_leg", "weakness_getting_worse": True}, FlagStatus.POSITIVE),
    ],
)
def test_a_question_that_was_not_asked_is_left_out_of_its_flag(answers, status):
    assert flag_status(PROGRESSIVE, {"age": 40, **answers}) is status


@pytest.mark.parametrize(
    ("answers", "listed"),
    [
        ({"age": 45, "sex": "female"}, True),
        ({"age": 55, "sex": "female"}, True),
        ({"age": 56, "sex": "female"}, False),
        ({"age": 30, "sex": "male"}, False),
        ({"age": 30}, True),  # sex not given: asked, so listed
    ],
)
def test_pregnancy_is_screened_only_where_the_question_applies(answers, listed):
    rows = red_flag_rows(answers)
    assert any(r.group == "Pregnancy" for r in rows) is listed


def test_reasons_are_in_clinical_words_with_the_answers_behind_them():
    text = flat(page_text(make(BY_LEVEL["emergency"]), 0))
    assert "Cauda equina warning sign (based on: saddle anaesthesia)" in text


def test_lower_level_reasons_follow_on_one_line():
    answers = {"age": 60, "saddle_numbness": True, "duration_weeks": 8, "previous_episodes": True}
    content = report_content(result=assess(answers).to_dict(), answers=answers, today=TODAY)
    assert content.reasons[0].startswith("Cauda equina warning sign")
    assert content.reasons[-1].startswith("Also met: Symptoms for 6 weeks or more [GP soon]")


def test_every_rule_and_answer_key_has_clinical_words_and_no_others():
    text = report_text()
    assert set(text["reasons"]) == {r.id for r in RULES}
    assert set(text["terms"]) == set(KEYS)


@pytest.mark.parametrize(
    ("when", "ok"),
    [
        ({"saddle_numbness": True}, True),
        ({"leg_pain": ["both_legs"]}, True),
        ({"bladder": True}, False),  # not an answer key
        ({"leg_pain": ["three_legs"]}, False),  # not an allowed value
        ({"saddle_numbness": ["yes"]}, False),  # a yes/no key takes true
        ({"leg_pain": True}, False),  # a choice key takes a list of values
    ],
)
def test_a_red_flag_on_an_unknown_key_or_value_is_a_content_error(monkeypatch, when, ok):
    from backcare.diary import report
    from backcare.engine.wording import ContentError

    raw = {"red_flags": [{"group": "G", "items": [{"when": when, "positive": "p", "denied": "d"}]}]}
    monkeypatch.setattr(report, "load_yaml", lambda name: raw)
    report.report_text.cache_clear()
    try:
        if ok:
            assert report.report_text() is raw
        else:
            with pytest.raises(ContentError, match=next(iter(when))):
                report.report_text()
    finally:
        monkeypatch.undo()
        report.report_text.cache_clear()


def test_patterns_use_the_apps_names_one_condition_one_row():
    answers = {"age": 72, "osteoporosis": True, "trauma": "minor", "onset": "sudden"}
    result = assess(answers).to_dict()
    ids = [p["id"] for p in result["patterns"]]
    assert "fracture" in ids and "osteoporotic_fracture" in ids
    rows = pattern_rows(result["patterns"])
    assert len([r for r in rows if "break" in r.lower()]) == 1
    assert rows[0].startswith(pattern_text()["osteoporotic_fracture"].name)
    text = flat(page_text(make(answers), 0))
    assert pattern_text()["osteoporotic_fracture"].name in text
    assert pattern_text()["fracture"].name not in text


def test_psychosocial_screen_is_labelled_and_lists_every_item():
    answers = {
        **DENY_ALL,
        "fear_of_activity": True,
        "worry": True,
        "low_mood": False,
        "bothersomeness": "very",
    }
    answers.pop("catastrophising")
    text = flat(page_text(make(answers), 0))
    assert "Psychosocial screen (adapted, not validated)" in text
    assert "Result: medium (3 of 5 points)" in text
    for item in (
        "Believes activity is unsafe for the back: yes",
        "Frequent worrying thoughts about the back: yes",
        "Feels the pain is terrible and will not improve: not answered",
        "Low mood or loss of interest (last 2 weeks): no",
        "How much the pain bothered them (last 2 weeks): very",
    ):
        assert item in text


def test_medicines_and_conditions_that_matter_are_listed():
    answers = {**DENY_ALL, "anticoagulant": True, "long_term_steroids": True}
    answers.pop("diabetes")
    text = flat(page_text(make(answers), 0))
    for item in (
        "Anticoagulant (blood thinner): yes",
        "Oral steroids for 3 months or more: yes",
        "Osteoporosis: no",
        "Diabetes: not answered",
        "Cancer, now or in the past: no",
        "Immunosuppression: no",
    ):
        assert item in text


def test_pain_scores_duration_and_dates_are_on_page_one():
    answers = {**DENY_ALL, "pain_now": 6, "pain_week_worst": 8, "duration_weeks": 1}
    text = flat(page_text(make(answers), 0))
    assert "now 6/10, worst in past 7 days 8/10" in text
    assert "Duration: 1 week: acute (under 6 weeks)" in text
    assert "Report date: 2026-06-30" in text and "Assessment date: 2026-06-28" in text


def test_name_and_birth_date_are_printed_when_given_and_blank_otherwise():
    given = flat(
        page_text(make(DENY_ALL, patient_name="Sam Sample", date_of_birth="1970-02-03"), 0)
    )
    assert "Name: Sam Sample" in given and "Date of birth: 1970-02-03" in given
    blank = flat(page_text(make(DENY_ALL), 0))
    assert f"Name: {report_text()['who']['blank']}" in blank


# ---------------------------------------------------------------- plurals and trend


@pytest.mark.parametrize(
    ("number", "unit", "shown"),
    [
        (0, "day", "0 days"),
        (1, "day", "1 day"),
        (2, "day", "2 days"),
        (1.0, "week", "1 week"),
        (0.5, "week", "0.5 weeks"),
        (1.5, "week", "1.5 weeks"),
        (1, "point", "1 point"),
        (2.4, "point", "2.4 points"),
    ],
)
def test_one_helper_makes_every_plural(number, unit, shown):
    assert count(number, unit) == shown


@pytest.mark.parametrize(("days", "shown"), [(1, "1 day logged"), (2, "2 days logged")])
def test_diary_day_counts_are_singular_and_plural(days, shown):
    data = make(DENY_ALL, entries=diary(days))
    assert shown in flat(page_text(data, 0))
    assert shown in flat(page_text(data, 1))


def week_of(pains: list[int], start: dt.date) -> list[DiaryEntry]:
    return [DiaryEntry(start + dt.timedelta(days=i), p, p, 10) for i, p in enumerate(pains)]


@pytest.mark.parametrize(
    ("last_week", "starts"),
    [
        ([3] * 7, "Pain now down 2 points"),  # exactly 2 points: a real change
        ([3] * 6 + [4], "Pain now changed by less than 2 points"),  # 1.9: not yet
        ([7] * 7, "Pain now up 2 points"),
        ([6] * 6 + [7], "Pain now changed by less than 2 points"),
    ],
)
def test_trend_uses_the_two_point_rule_in_the_third_person(last_week, starts):
    start = TODAY - dt.timedelta(days=27)
    entries = week_of([5] * 7, start) + week_of(last_week, TODAY - dt.timedelta(days=6))
    line = trend_line(entries, TODAY, None)
    assert line.startswith(starts)
    assert "your" not in line.lower()


# ---------------------------------------------------------------- plan status


@pytest.mark.parametrize(
    ("profile", "says"),
    [
        ({}, "No clinician clearance recorded."),
        ({"cleared": False}, "No clinician clearance recorded."),
        ({"cleared": True}, "cleared them to exercise (date not recorded)"),
        ({"cleared": True, "cleared_on": "2026-06-20"}, "(recorded 2026-06-20)"),
    ],
)
def test_plan_status_says_whether_a_clinician_cleared_it_and_when(profile, says):
    plan = {**PLAN, "profile": {**PLAN["profile"], **profile}}
    assert any(says in line for line in plan_status(plan))


def test_plan_status_says_what_was_left_out_and_why_in_clinical_words():
    from backcare.planner.model import planner_text

    why = planner_text()["left_out"]["bone_loaded_flexion"]
    plan = {**PLAN, "left_out": [{"id": "sit_up", "name": "Sit-up", "why": why}]}
    lines = plan_status(plan)
    assert lines[0] == "Plan of 1 week from 2026-06-29: 3 sessions a week, 20 minutes each."
    assert lines[-1] == "Left out for safety: Sit-up (loaded spinal flexion, with bone fragility)."


@pytest.mark.parametrize(
    ("plan", "says"),
    [
        (None, "No exercise plan on record."),
        ({"refused": "Go to A&E now."}, "No exercise plan: withheld at this triage level."),
    ],
)
def test_no_plan_or_a_withheld_plan_is_said_plainly(plan, says):
    text = flat(page_text(make(BY_LEVEL["emergency"], plan=plan), 0))
    assert says in text and "Go to A&E now." not in text


# ---------------------------------------------------------------- page 2 and chart


def test_page_two_holds_the_diary_table_chart_and_plan():
    data = make(DENY_ALL)
    text = flat(page_text(data, 1))
    assert "2026-06-03 to 2026-06-30: 28 days logged of 28 days." in text
    assert "Week from" in text and "Mean pain now" in text
    assert "Easy walk: 15 minutes" in text
    assert 'walked "a bit"' in text and "<b>not bold</b>" in text


def test_every_chart_line_is_named_in_the_legend_dashed_ones_too():
    words = report_text()["chart"]
    entries = diary(35)
    series = set(chart_frame(entries)["series"])
    assert series == {words[k] for k in ("pain_now", "pain_worst", "average", "target")}
    spec = report_chart(entries).to_dict()
    lines = spec["layer"][0]["encoding"]
    assert lines["color"]["field"] == lines["strokeDash"]["field"] == "series"
    assert lines["strokeDash"]["scale"]["domain"] == lines["color"]["scale"]["domain"]
    assert lines["color"]["legend"]["symbolType"] == "stroke"


def test_no_target_line_when_it_would_fall_below_zero():
    entries = [DiaryEntry(TODAY - dt.timedelta(days=i), 1, 2, 0) for i in range(10)]
    words = report_text()["chart"]
    assert words["target"] not in set(chart_frame(entries)["series"])


def figures(data: bytes) -> list[dict]:
    """Every /Figure of the PDF's structure tree, with its /Alt."""
    root = reader(data).trailer["/Root"]
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, pypdf.generic.DictionaryObject):
            if node.get("/S") == "/Figure":
                found.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids]:
                if kid is not None:
                    walk(kid)

    if "/StructTreeRoot" in root:
        walk(root["/StructTreeRoot"])
    return found


def test_the_chart_has_alt_text_saying_what_it_shows():
    alts = [str(f["/Alt"]) for f in figures(make(DENY_ALL))]
    assert len(alts) == 1
    assert alts[0].startswith("Line chart of daily pain scores from 0 to 10")
    assert "7-day mean" in alts[0] and "dashed line" in alts[0]


def test_no_chart_without_a_diary():
    assert figures(make(DENY_ALL, entries=[])) == []


def test_the_pdf_has_a_title_a_language_and_an_outline():
    pdf = reader(make(DENY_ALL))
    assert pdf.metadata.title == report_text()["title"]
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == report_text()["lang"]
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    titles = [o.title for o in pdf.outline if not isinstance(o, list)]
    assert titles == list(report_text()["outline"].values())
    nested = [o.title for o in pdf.outline[1] if not isinstance(o, list)]
    assert report_text()["headings"]["red_flags"] in nested


@pytest.mark.parametrize(("size", "points"), [("A4", (595, 842)), ("Letter", (612, 792))])
def test_page_size_a4_or_letter(size, points):
    pdf = reader(make(DENY_ALL, page_size=size))
    assert len(pdf.pages) == 2
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == points


def test_an_unknown_page_size_is_refused_by_name():
    with pytest.raises(ValueError, match="page_size"):
        make(DENY_ALL, page_size="A5")


@pytest.mark.parametrize("size", ["A4", "Letter"])
@pytest.mark.parametrize("level", list(BY_LEVEL))
def test_a_full_report_fits_two_pages(size, level):
    assert len(reader(make(BY_LEVEL[level], page_size=size)).pages) == 2


def test_a_report_from_years_of_diary_still_fits_two_pages():
    assert len(reader(make(DENY_ALL, entries=diary(2000))).pages) == 2


# ---------------------------------------------------------------- clinician summary


def test_the_clinician_summary_is_page_one_as_text():
    answers = {**DENY_ALL, "saddle_numbness": True}
    result = assess(answers)
    text = clinician_summary(
        result=result.to_dict(),
        answers=result.answers,
        entries=diary(),
        plan=PLAN,
        taken_at=TAKEN,
        today=TODAY,
    )
    first = report_content(result=result.to_dict(), answers=result.answers).first_line
    assert text.splitlines()[1] == first
    assert flat(page_text(make(answers), 0)).startswith(first)
    assert "Red flags positive: Saddle anaesthesia" in text
    assert "No bladder or bowel change" in text
    assert "Psychosocial screen (adapted, not validated)" in text
    assert "Anticoagulant (blood thinner): no" in text


def test_the_clinician_summary_without_a_check_still_reads():
    text = clinician_summary(result=None, answers=None, today=TODAY)
    assert text.splitlines()[1].startswith("Triage level: none")
    assert "No exercise plan on record." in text


# ---------------------------------------------------------------- text and command line


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
    run = run_cli(
        "report", "--answers", str(answers), "--db", url, "-o", str(out), "--page-size", "Letter"
    )
    assert run.returncode == 0, run.stderr
    pdf = reader(out.read_bytes())
    assert round(float(pdf.pages[0].mediabox.height)) == 792
    text = flat(pdf.pages[0].extract_text() + pdf.pages[1].extract_text())
    assert level_text("soon").title in text.splitlines()[0]
    assert "3 days logged" in text and "Easy walk" in text


@pytest.mark.parametrize(
    ("content", "says"),
    [("{", "not valid JSON"), ('{"age": 5}', "age"), ('{"agee": 40}', "agee")],
)
def test_cli_report_bad_answers_exit_2(tmp_path, content, says):
    answers = tmp_path / "a.json"
    answers.write_text(content)
    out = tmp_path / "r.pdf"
    db = f"sqlite:///{tmp_path / 'b.db'}"
    run = run_cli("report", "--answers", str(answers), "--db", db, "-o", str(out))
    assert run.returncode == 2 and says in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()


def test_cli_report_with_a_damaged_database_exits_2_and_keeps_it(tmp_path):
    db = tmp_path / "b.db"
    db.write_bytes(b"not a database at all" * 10)
    answers = tmp_path / "a.json"
    answers.write_text('{"age": 40}')
    out = str(tmp_path / "r.pdf")
    run = run_cli("report", "--answers", str(answers), "--db", f"sqlite:///{db}", "-o", out)
    assert run.returncode == 2 and "not an SQLite file" in run.stderr
    assert db.read_bytes() == b"not a database at all" * 10
