"""The Progress page with Streamlit's AppTest: logging, privacy between sessions, plain notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from backcare import assess
from backcare.diary.entries import DiaryEntry
from backcare.diary.storage import open_store
from backcare.diary.trends import wording
from tests.helpers import ROOT

APP = str(ROOT / "app.py")
PAGE = "pages/progress.py"
WORDS = wording()["page"]
HTML_NOTE = '<script>alert("x")</script><b>bold</b> **stars** [link](http://example.com)'


def progress(at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    monkeypatch.setenv("BACKCARE_DB_URL", url)
    monkeypatch.setenv("BACKCARE_STORAGE", "file")  # AppTest is no local browser: say so
    return url


def log_day(at: AppTest, pain_now: int, pain_worst: int, notes: str = "") -> AppTest:
    at.slider(key="log_pain_now").set_value(pain_now)
    at.slider(key="log_pain_worst").set_value(pain_worst)
    at.number_input(key="log_minutes").set_value(25)
    at.text_area(key="log_notes").input(notes)
    next(b for b in at.button if b.label == WORDS["save"]).click()
    at.run()
    assert not at.exception, at.exception
    return at


def diary_table(at: AppTest):
    return next(d.value for d in at.dataframe if "pain_now" in d.value.columns)


def test_empty_page_invites_the_first_entry(db):
    at = progress()
    assert at.title[0].value == WORDS["title"]
    assert wording()["trend"]["no_data"] in [i.value for i in at.info]
    assert not [d for d in at.dataframe if "pain_now" in d.value.columns]


def test_logging_a_day_saves_it_and_shows_it(db):
    at = log_day(progress(), 5, 7, "Stiff in the morning.")
    today = dt.date.today().isoformat()
    assert WORDS["saved"].format(date=today) in [s.value for s in at.success]
    table = diary_table(at)
    assert table.iloc[0]["date"] == today and table.iloc[0]["pain_now"] == 5
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3  # pain, activity, calendar
    assert wording()["chart"]["pain_title"] in charts[0].proto.spec
    store = open_store(db)
    assert store.entry(dt.date.today()).notes == "Stiff in the morning."
    store.close()


def test_logging_the_same_day_again_edits_it(db):
    at = log_day(progress(), 5, 7, "first")
    at = log_day(progress(), 3, 4, "second")
    table = diary_table(at)
    assert len(table) == 1 and table.iloc[0]["pain_now"] == 3


def test_a_bad_entry_is_explained_and_not_saved(db):
    at = log_day(progress(), 8, 2)
    assert WORDS["not_saved"] in [e.value for e in at.error]
    assert any("pain_worst" in c.value for c in at.code)
    store = open_store(db)
    assert store.entries() == []
    store.close()


def test_notes_with_html_are_shown_as_plain_text(db):
    at = log_day(progress(), 2, 3, HTML_NOTE)
    assert diary_table(at).iloc[0]["notes"] == HTML_NOTE  # in a table cell, as text
    for element in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning]:
        assert "<script>" not in element.value and "**stars**" not in element.value
    at = progress()  # and again after a fresh load from the database
    assert diary_table(at).iloc[0]["notes"] == HTML_NOTE


def test_trend_and_gp_advice_come_from_the_diary(db):
    store = open_store(db)
    today = dt.date.today()
    store.save_entries([DiaryEntry(today - dt.timedelta(days=i), 5, 6, 10) for i in range(50)])
    store.close()
    at = progress()
    assert "less than 2 points" in " ".join(i.value for i in at.info)
    assert any("not better after 7 weeks" in w.value for w in at.warning)


def test_past_assessments_are_listed_with_their_levels(db):
    store = open_store(db)
    result = assess({"age": 40, "pain_now": 3})
    store.add_assessment(result.answers, result.to_dict())
    store.close()
    at = progress()
    history = next(d.value for d in at.dataframe if "level" in d.value.columns)
    assert history.iloc[0]["level"] == "Self-care"


def test_session_mode_keeps_each_session_private(monkeypatch: pytest.MonkeyPatch, tmp_path):
    db_file = tmp_path / "must-not-exist.sqlite"
    monkeypatch.setenv("BACKCARE_STORAGE", "session")
    monkeypatch.setenv("BACKCARE_DB_URL", f"sqlite:///{db_file}")
    first = log_day(progress(), 6, 8, "first person's note")
    assert len(diary_table(first)) == 1
    assert WORDS["session_note"] in [i.value for i in first.info]
    second = progress()
    assert not [d for d in second.dataframe if "pain_now" in d.value.columns]
    log_day(second, 1, 2, "second person's note")
    assert diary_table(second)["notes"].tolist() == ["second person's note"]
    first.run()
    assert diary_table(first)["notes"].tolist() == ["first person's note"]
    assert not db_file.exists()  # nothing was written to a shared file


def _record_twice() -> None:
    import streamlit as st

    from backcare import assess
    from pages.shell import store

    result = assess({"age": 40, "pain_now": 4})
    store.record_assessment(dict(result.answers), result)
    store.record_assessment(dict(result.answers), result)
    st.text(f"saved {len(store.get_store().assessments())}")


def test_record_assessment_saves_once_across_reruns(db):
    at = AppTest.from_function(_record_twice, default_timeout=30)
    at.run()
    at.run()
    assert not at.exception, at.exception
    assert at.text[-1].value == "saved 1"


def test_a_damaged_database_shows_a_message_and_is_kept(tmp_path, monkeypatch):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 50)
    monkeypatch.setenv("BACKCARE_DB_URL", f"sqlite:///{bad}")
    monkeypatch.setenv("BACKCARE_STORAGE", "file")
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    assert any("not an SQLite file" in e.value for e in at.error)
    assert bad.read_bytes() == b"garbage" * 50


def test_report_and_export_buttons_are_offered(db):
    at = progress()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == [
        WORDS["export_csv"],
        WORDS["export_json"],
        WORDS["report_button"],
    ]
