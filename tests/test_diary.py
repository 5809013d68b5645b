"""The diary: checks at the limits, all-or-nothing import, safe export, round trips."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.diary import entries as diary
from backcare.diary.entries import DiaryEntry, DiaryError, check_entry, parse_csv, parse_json
from backcare.diary.storage import memory_store, open_store
from tests.helpers import ROOT

TODAY = dt.date(2026, 6, 15)
LIBRARY = sorted(diary.known_exercise_ids())
GOOD = {
    "date": "2026-06-01",
    "pain_now": "4",
    "pain_worst": "6",
    "active_minutes": "30",
    "exercises": f"{LIBRARY[0]};{LIBRARY[1]}",
    "leg_pain": "no",
    "sleep": "fair",
    "notes": "Walked to the shop.",
}


def check(**changes):
    return check_entry({**GOOD, **changes}, row=3, today=TODAY)


def test_a_good_row_becomes_an_entry():
    entry, errors = check()
    assert errors == []
    assert entry == DiaryEntry(
        dt.date(2026, 6, 1),
        4,
        6,
        30,
        (LIBRARY[0], LIBRARY[1]),
        False,
        "fair",
        "Walked to the shop.",
    )


@pytest.mark.parametrize(
    ("field", "value", "ok"),
    [
        ("pain_now", "-1", False),
        ("pain_now", "0", True),
        ("pain_now", "6", True),
        ("pain_worst", "10", True),
        ("pain_worst", "11", False),
        ("pain_worst", "3", False),  # below pain_now 4
        ("pain_now", "4.5", False),
        ("pain_now", "four", False),
        ("pain_now", "", False),
        ("active_minutes", "0", True),
        ("active_minutes", "1440", True),
        ("active_minutes", "1441", False),
        ("notes", "x" * 2000, True),
        ("notes", "x" * 2001, False),
        ("notes", "a\x00b", False),
        ("leg_pain", "YES", True),
        ("leg_pain", "maybe", False),
        ("sleep", "", True),
        ("sleep", "great", False),
        ("date", "2026-06-16", True),  # a day of slack for time zones
        ("date", "2026-06-17", False),  # in the future
        ("date", "1899-12-31", False),
        ("date", "15/06/2026", False),
        ("date", "", False),
        ("exercises", "", True),
        ("exercises", "no_such_exercise", False),
        ("exercises", "Bad Id", False),
    ],
)
def test_each_field_at_its_limits(field, value, ok):
    entry, errors = check(**{field: value})
    assert (entry is not None) is ok
    if not ok:
        assert [e.field for e in errors] == [field]
        assert all(e.row == 3 for e in errors)
        assert errors[0].message().startswith(f"row 3, {field}: ")


@pytest.mark.parametrize(("now", "worst", "ok"), [("6", "6", True), ("7", "6", False)])
def test_worst_pain_is_at_least_the_pain_now(now, worst, ok):
    entry, errors = check(pain_now=now, pain_worst=worst)
    assert (entry is not None) is ok
    assert [e.field for e in errors] == ([] if ok else ["pain_worst"])


def test_unknown_columns_and_missing_values_are_named():
    _, errors = check_entry({"date": "2026-06-01", "mood": "ok"}, today=TODAY)
    fields = {e.field for e in errors}
    assert {"mood", "pain_now", "pain_worst", "active_minutes", "leg_pain"} <= fields


def test_repeated_exercises_are_kept_once_in_order():
    entry, _ = check(exercises=f"{LIBRARY[1]}; {LIBRARY[0]};{LIBRARY[1]}")
    assert entry.exercises == (LIBRARY[1], LIBRARY[0])


# ------------------------------------------------------------------ import: all or nothing


def csv_text(rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=diary.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_a_bad_row_names_its_row_number_and_field_and_nothing_is_returned():
    rows = [dict(GOOD, date=f"2026-06-0{i}") for i in range(1, 6)]
    rows[3]["pain_worst"] = "12"
    with pytest.raises(DiaryError) as caught:
        parse_csv(csv_text(rows), today=TODAY)
    assert [(e.row, e.field) for e in caught.value.errors] == [(4, "pain_worst")]
    assert "row 4, pain_worst" in str(caught.value)


def test_every_problem_is_listed_at_once():
    rows = [dict(GOOD), dict(GOOD, date="2026-06-02", leg_pain="?"), dict(GOOD, sleep="x")]
    with pytest.raises(DiaryError) as caught:
        parse_csv(csv_text(rows), today=TODAY)
    assert [(e.row, e.field) for e in caught.value.errors] == [(2, "leg_pain"), (3, "sleep")]


def test_the_same_date_twice_in_one_file_is_an_error():
    with pytest.raises(DiaryError) as caught:
        parse_csv(csv_text([GOOD, GOOD]), today=TODAY)
    assert caught.value.errors[0].row == 2 and "also on row 1" in caught.value.errors[0].problem


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("", "file"),
        ("date,pain_now\n2026-06-01,3\n", "pain_worst"),
        (",".join(diary.COLUMNS) + ",mood\n", "mood"),
        (",".join(diary.COLUMNS) + "\n2026-06-01,3\n", "row"),
    ],
)
def test_bad_csv_shapes(text, field):
    with pytest.raises(DiaryError) as caught:
        parse_csv(text, today=TODAY)
    assert field in {e.field for e in caught.value.errors}


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{", "not valid JSON"),
        ('{"date": "2026-06-01"}', "JSON list"),
        ("[1]", "must be an object"),
    ],
)
def test_bad_json(text, problem):
    with pytest.raises(DiaryError, match=problem):
        parse_json(text, today=TODAY)


def test_blank_lines_and_a_byte_order_mark_are_fine():
    text = "\ufeff" + csv_text([GOOD]) + ",,,,,,,\r\n\r\n"
    assert len(parse_csv(text, today=TODAY)) == 1


def test_cli_import_with_a_bad_row_writes_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.db'}"
    store = open_store(url)
    kept = DiaryEntry(dt.date(2026, 1, 1), 1, 2, 3)
    store.save_entry(kept)
    store.close()
    rows = [dict(GOOD, date=f"2026-02-{i:02d}") for i in range(1, 11)]
    rows[6]["active_minutes"] = "lots"
    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(rows))
    run = subprocess.run(
        [sys.executable, "-m", "backcare", "diary", "import", str(bad), "--db", url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "row 7, active_minutes" in run.stderr and "nothing was imported" in run.stderr
    assert "Traceback" not in run.stderr
    store = open_store(url)
    assert store.entries() == [kept]
    store.close()


def test_cli_export_then_import_moves_a_diary(tmp_path):
    src, dst = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    entries = parse_csv(csv_text([GOOD, dict(GOOD, date="2026-06-02", notes="=SUM(A1)")]))
    store = open_store(src)
    store.save_entries(entries)
    store.close()
    for fmt in ("csv", "json"):
        out = tmp_path / f"diary.{fmt}"
        cmd = [sys.executable, "-m", "backcare", "diary"]
        subprocess.run([*cmd, "export", "--db", src, "-o", str(out)], cwd=ROOT, check=True)
        subprocess.run([*cmd, "import", str(out), "--db", dst], cwd=ROOT, check=True)
        store = open_store(dst)
        assert store.entries() == entries
        store.close()


# ------------------------------------------------------------------ spreadsheet formula cells


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_cells_are_escaped_on_export(start):
    entry = DiaryEntry(dt.date(2026, 6, 1), 1, 1, 0, notes=f'{start}HYPERLINK("x")')
    row = next(csv.DictReader(io.StringIO(diary.to_csv([entry]), newline="")))
    assert row["notes"] == f'\'{start}HYPERLINK("x")'


@pytest.mark.parametrize("text", ["plain words", "'quoted", "", "a=b", " =x"])
def test_safe_cells_are_left_alone(text):
    assert diary.escape_cell(text) == text


@pytest.mark.parametrize("text", ["=1", "'=1", "''=1", "'", "''", "'x", "-"])
def test_escape_then_unescape_gives_the_text_back(text):
    assert diary.unescape_cell(diary.escape_cell(text)) == text


# ------------------------------------------------------------------ round trips


notes_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=300,
)
entries_strategy = st.lists(
    st.builds(
        DiaryEntry,
        date=st.dates(dt.date(2000, 1, 1), TODAY),
        pain_now=st.integers(0, 5),
        pain_worst=st.integers(5, 10),
        active_minutes=st.integers(0, 1440),
        exercises=st.lists(st.sampled_from(LIBRARY), unique=True, max_size=4).map(tuple),
        leg_pain=st.booleans(),
        sleep=st.sampled_from([None, *diary.SLEEP_CHOICES]),
        notes=notes_text,
    ),
    max_size=12,
    unique_by=lambda e: e.date,
).map(lambda xs: sorted(xs, key=lambda e: e.date))


@settings(max_examples=150, deadline=None)
@given(entries_strategy)
def test_csv_export_then_import_gives_the_same_diary(entries):
    assert parse_csv(diary.to_csv(entries), today=TODAY) == entries


@settings(max_examples=150, deadline=None)
@given(entries_strategy)
def test_json_export_then_import_gives_the_same_diary(entries):
    assert parse_json(diary.to_json(entries), today=TODAY) == entries


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entries_strategy)
def test_store_export_import_round_trip(entries):
    source, target = memory_store(), memory_store()
    source.save_entries(entries)
    target.save_entries(parse_csv(diary.to_csv(source.entries()), today=TODAY))
    assert target.entries() == entries


def test_json_export_is_a_list_with_the_columns():
    entry = DiaryEntry(dt.date(2026, 6, 1), 2, 3, 10, (LIBRARY[0],), True, None, "ok")
    data = json.loads(diary.to_json([entry]))
    assert list(data[0]) == list(diary.COLUMNS)
    assert data[0]["exercises"] == [LIBRARY[0]] and data[0]["leg_pain"] is True


HEADER = "date,pain_now,pain_worst,active_minutes,exercises,leg_pain,sleep,notes\n"


@pytest.mark.parametrize(
    ("name", "text", "entries"),
    [
        ("diary.csv", HEADER, []),  # a header alone: a valid, empty diary
        ("diary.json", "[]", []),
    ],
)
def test_an_empty_diary_file_is_valid_and_empty(name, text, entries):
    assert diary.parse_file(name, text) == entries


@pytest.mark.parametrize("text", ["", "   \n"])
def test_an_empty_file_says_the_columns_are_missing(text):
    with pytest.raises(diary.DiaryError, match="empty"):
        diary.parse_file("diary.csv", text)
