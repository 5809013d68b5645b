"""The Progress page with Streamlit's AppTest (issue 11: a diary form per date).

The date is picked first; the form then shows that date's entry or a blank one, with
pain unset, so a quick Save never records "no pain". Widget keys carry the date.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from streamlit.testing.v1 import AppTest

from backcare import assess
from backcare.diary import storage
from backcare.diary.entries import DiaryEntry
from backcare.diary.storage import open_store
from backcare.diary.trends import wording
from pages.shell.state import SessionKey
from pages.shell.store import today_in

PAGE = "pages/progress.py"
WORDS = wording()["page"]
HTML_NOTE = '<script>alert("x")</script><b>bold</b> **stars** [link](http://example.com)'
#: Two exercises of the library, by id.
EXERCISES = ["march_in_place", "walk_easy"]


def utc_today() -> dt.date:
    """The person's today when the browser gives no time zone (the page's fallback)."""
    return dt.datetime.now(dt.UTC).date()


def long_date(day: dt.date) -> str:
    return f"{day:%d %B %Y}"


def progress(open_app, **kwargs: Any) -> AppTest:
    return open_app(PAGE, **kwargs)


def with_entries(*entries: DiaryEntry) -> dict[str, Any]:
    """Session state with a private store that already holds these diary days."""
    store = storage.memory_store()
    store.save_entries(entries)
    return {SessionKey.STORE: store}


def pick(at: AppTest, day: dt.date) -> AppTest:
    at.date_input(key="log_date").set_value(day).run()
    assert not at.exception, at.exception
    return at


def shown_day(at: AppTest) -> dt.date:
    return at.date_input(key="log_date").value


def fill(at: AppTest, **values: Any) -> AppTest:
    """Set the form's widgets for the date shown (keys carry the date); no save."""
    k = shown_day(at).isoformat()
    setters = {
        "pain_now": lambda v: at.segmented_control(key=f"log_pain_now_{k}").set_value(v),
        "pain_worst": lambda v: at.segmented_control(key=f"log_pain_worst_{k}").set_value(v),
        "minutes": lambda v: at.number_input(key=f"log_minutes_{k}").set_value(v),
        "leg_pain": lambda v: at.toggle(key=f"log_leg_pain_{k}").set_value(v),
        "sleep": lambda v: at.segmented_control(key=f"log_sleep_{k}").set_value(v),
        "exercises": lambda v: at.multiselect(key=f"log_exercises_{k}").set_value(v),
        "notes": lambda v: at.text_area(key=f"log_notes_{k}").input(v),
    }
    for name, value in values.items():
        setters[name](value)
    return at


def save(at: AppTest) -> AppTest:
    at.button(key=f"log_save_{shown_day(at).isoformat()}").click().run()
    assert not at.exception, at.exception
    return at


def log_day(at: AppTest, pain_now: int, pain_worst: int, notes: str = "", **more: Any) -> AppTest:
    return save(fill(at, pain_now=pain_now, pain_worst=pain_worst, notes=notes, **more))


def form_values(at: AppTest) -> dict[str, Any]:
    """What the form shows for the date shown."""
    k = shown_day(at).isoformat()
    return {
        "pain_now": at.segmented_control(key=f"log_pain_now_{k}").value,
        "pain_worst": at.segmented_control(key=f"log_pain_worst_{k}").value,
        "minutes": at.number_input(key=f"log_minutes_{k}").value,
        "leg_pain": at.toggle(key=f"log_leg_pain_{k}").value,
        "sleep": at.segmented_control(key=f"log_sleep_{k}").value,
        "exercises": list(at.multiselect(key=f"log_exercises_{k}").value),
        "notes": at.text_area(key=f"log_notes_{k}").value,
    }


BLANK = {
    "pain_now": None,
    "pain_worst": None,
    "minutes": 0,
    "leg_pain": False,
    "sleep": None,
    "exercises": [],
    "notes": "",
}


def diary_table(at: AppTest):
    return next(d.value for d in at.dataframe if "pain_now" in d.value.columns)


def has_diary_table(at: AppTest) -> bool:
    return any("pain_now" in d.value.columns for d in at.dataframe)


def already_captions(at: AppTest) -> list[str]:
    prefix = WORDS["already"].split("{", 1)[0]
    return [c.value for c in at.caption if c.value.startswith(prefix)]


def saved_entries(at: AppTest) -> list[DiaryEntry]:
    """The days in this session's private store."""
    return at.session_state[SessionKey.STORE].entries()


# ------------------------------------------------------------ logging a day


def test_empty_page_invites_the_first_entry(open_app) -> None:
    at = progress(open_app)
    assert at.title[0].value == WORDS["title"]
    assert wording()["trend"]["no_data"] in [i.value for i in at.info]
    assert not has_diary_table(at)
    assert shown_day(at) == utc_today()
    assert form_values(at) == BLANK, "pain starts unset: a quick Save never means 'no pain'"
    assert not already_captions(at)


def test_logging_a_day_saves_it_and_shows_it(open_app, tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite"
    at = progress(open_app, storage="file", db=db)
    today = shown_day(at)
    log_day(
        at,
        5,
        7,
        "Stiff in the morning.",
        minutes=25,
        leg_pain=True,
        sleep="fair",
        exercises=EXERCISES,
    )
    assert WORDS["saved"].format(date=long_date(today)) in [s.value for s in at.success]
    row = diary_table(at).iloc[0]
    assert (row["date"], row["pain_now"], row["pain_worst"]) == (today.isoformat(), 5, 7)
    assert (row["active_minutes"], row["leg_pain"], row["sleep"]) == (25, "yes", "fair")
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3  # pain, activity, calendar
    assert wording()["chart"]["pain_title"] in charts[0].proto.spec
    store = open_store(f"sqlite:///{db}")
    entry = store.entry(today)
    store.close()
    assert entry is not None and entry.notes == "Stiff in the morning."
    assert list(entry.exercises) == EXERCISES


def test_logging_the_same_day_again_edits_it(open_app) -> None:
    at = log_day(progress(open_app), 5, 7, "first")
    at.run()
    assert form_values(at)["pain_now"] == 5, "the day's entry is shown to edit"
    at = log_day(at, 3, 4, "second")
    table = diary_table(at)
    assert len(table) == 1 and table.iloc[0]["pain_now"] == 3
    assert [e.notes for e in saved_entries(at)] == ["second"]


@pytest.mark.parametrize(
    ("timezone", "offset_hours"),
    [("Pacific/Kiritimati", 14), ("Etc/GMT+12", -12)],
)
def test_today_is_the_persons_day_not_the_servers(open_app, timezone, offset_hours) -> None:
    """26 hours apart: whatever the server's clock says, the two zones see different days."""
    at = progress(open_app, context={"timezone": timezone})
    today = today_in(ZoneInfo(timezone))
    assert shown_day(at) == today
    assert today == (dt.datetime.now(dt.UTC) + dt.timedelta(hours=offset_hours)).date()
    log_day(at, 2, 3)
    assert [e.date for e in saved_entries(at)] == [today]


# ------------------------------------------------------------ one form per date


def test_another_date_shows_its_own_entry_or_a_blank_form(open_app) -> None:
    today = utc_today()
    two_days_ago = today - dt.timedelta(days=2)
    earlier = DiaryEntry(two_days_ago, 3, 6, 40, ("walk_easy",), True, "poor", "Long walk.")
    at = progress(open_app, state=with_entries(earlier))
    fill(at, pain_now=7, pain_worst=9, minutes=15, exercises=EXERCISES, notes="not saved")
    yesterday = pick(at, today - dt.timedelta(days=1))
    assert form_values(yesterday) == BLANK, "nothing carries over from the day shown before"
    assert form_values(pick(at, two_days_ago)) == {
        "pain_now": 3,
        "pain_worst": 6,
        "minutes": 40,
        "leg_pain": True,
        "sleep": "poor",
        "exercises": ["walk_easy"],
        "notes": "Long walk.",
    }
    assert saved_entries(at) == [earlier], "looking at days saves nothing"


def test_a_saved_day_does_not_carry_over_to_the_next_date_picked(open_app) -> None:
    today = utc_today()
    at = log_day(progress(open_app), 6, 8, "today's note", exercises=EXERCISES, leg_pain=True)
    assert form_values(pick(at, today - dt.timedelta(days=1))) == BLANK
    back = form_values(pick(at, today))
    assert (back["pain_now"], back["notes"], back["exercises"]) == (6, "today's note", EXERCISES)


@pytest.mark.parametrize("days_ago", [0, 1, 2])
def test_the_already_logged_caption_names_the_date_shown(open_app, days_ago) -> None:
    today = utc_today()
    logged = [today, today - dt.timedelta(days=2)]  # two logged days: the right one is named
    at = progress(open_app, state=with_entries(*(DiaryEntry(d, 2, 3, 0) for d in logged)))
    day = pick(at, today - dt.timedelta(days=days_ago))
    expected = [WORDS["already"].format(date=long_date(shown_day(day)))]
    assert already_captions(day) == (expected if shown_day(day) in logged else [])


# ------------------------------------------------------------ refusals


@pytest.mark.parametrize(
    ("pain", "saved"),
    [
        ({}, False),
        ({"pain_now": 4}, False),
        ({"pain_worst": 4}, False),
        ({"pain_now": 0, "pain_worst": 0}, True),
    ],
    ids=["no_pain", "only_now", "only_worst", "both_zero"],
)
def test_a_save_without_pain_is_refused(open_app, pain, saved) -> None:
    at = save(fill(progress(open_app), minutes=20, notes="quick save", **pain))
    refused = WORDS["pain_needed"] in [e.value for e in at.error]
    assert refused is not saved
    assert len(saved_entries(at)) == int(saved), "nothing is saved without both pains"
    assert has_diary_table(at) is saved


def test_a_bad_entry_is_explained_and_not_saved(open_app) -> None:
    at = log_day(progress(open_app), 8, 2)
    assert WORDS["not_saved"] in [e.value for e in at.error]
    assert any("pain_worst" in c.value for c in at.code)
    assert saved_entries(at) == []


def test_notes_with_html_are_shown_as_plain_text(open_app, tmp_path: Path) -> None:
    db = tmp_path / "notes.sqlite"
    at = log_day(progress(open_app, storage="file", db=db), 2, 3, HTML_NOTE)
    assert diary_table(at).iloc[0]["notes"] == HTML_NOTE  # in a table cell, as text
    for element in [*at.markdown, *at.caption, *at.info, *at.success, *at.warning, *at.error]:
        assert "<script>" not in element.value and "**stars**" not in element.value
    at = progress(open_app, storage="file", db=db)  # and again after a fresh load from disk
    assert diary_table(at).iloc[0]["notes"] == HTML_NOTE


def test_a_damaged_database_shows_a_message_and_is_kept(open_app, tmp_path: Path) -> None:
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"garbage" * 50)
    at = progress(open_app, storage="file", db=bad)
    assert any("not an SQLite file" in e.value for e in at.error)
    assert not [b for b in at.button if b.key and b.key.startswith("log_save_")]
    assert bad.read_bytes() == b"garbage" * 50


# ------------------------------------------------------------ privacy


def test_session_mode_keeps_each_session_private(open_app, tmp_path: Path) -> None:
    db_file = tmp_path / "must-not-exist.sqlite"
    first = log_day(progress(open_app, db=db_file), 6, 8, "first person's note")
    assert len(diary_table(first)) == 1
    assert WORDS["session_note"] in [i.value for i in first.info]
    second = progress(open_app, db=db_file)
    assert not has_diary_table(second)
    assert form_values(second) == BLANK, "the first person's day is not shown"
    log_day(second, 1, 2, "second person's note")
    assert diary_table(second)["notes"].tolist() == ["second person's note"]
    first.run()
    assert diary_table(first)["notes"].tolist() == ["first person's note"]
    assert not db_file.exists()  # nothing was written to a shared file


# ------------------------------------------------------------ trend, history, report


@pytest.mark.parametrize(
    ("days", "advice"),
    [(50, "not better after 7 weeks"), (5, None)],
)
def test_trend_and_gp_advice_come_from_the_diary(open_app, days, advice) -> None:
    today = utc_today()
    diary = [DiaryEntry(today - dt.timedelta(days=i), 5, 6, 10) for i in range(days)]
    at = progress(open_app, state=with_entries(*diary))
    info = " ".join(i.value for i in at.info)
    warnings = " ".join(w.value for w in at.warning)
    if advice:
        assert "less than 2 points" in info
        assert advice in warnings
    else:
        assert wording()["trend"]["too_few"] in info
        assert "Book a GP appointment" not in warnings


def test_past_assessments_are_listed_with_their_levels(open_app) -> None:
    store = storage.memory_store()
    for answers in ({"age": 40, "pain_now": 3}, {"age": 40, "saddle_numbness": True}):
        result = assess(answers)
        store.add_assessment(result.answers, result.to_dict())
    at = progress(open_app, state={SessionKey.STORE: store})
    history = next(d.value for d in at.dataframe if "level" in d.value.columns)
    assert history["level"].tolist() == ["Emergency", "Self-care"], "newest first"
    assert WORDS["no_assessments"] not in [c.value for c in at.caption]


def test_no_past_assessment_says_so(open_app) -> None:
    at = progress(open_app)
    assert WORDS["no_assessments"] in [c.value for c in at.caption]
    assert not [d for d in at.dataframe if "level" in d.value.columns]


def test_report_and_export_buttons_are_offered(open_app, served_bytes) -> None:
    at = log_day(progress(open_app), 4, 5, "export me")
    labels = [b.proto.label for b in at.download_button]
    assert labels == [WORDS["export_csv"], WORDS["export_json"], WORDS["report_button"]]
    csv = served_bytes(at, "export_csv").decode()
    assert csv.splitlines()[1].startswith(f"{utc_today().isoformat()},4,5,")
    assert "export me" in csv
