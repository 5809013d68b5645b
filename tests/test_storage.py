"""Storage: the diary file is created safely, never lost, never overwritten when foreign."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from backcare import assess
from backcare.diary import storage
from backcare.diary.entries import DiaryEntry, to_csv
from backcare.diary.storage import StorageError, memory_store, open_store
from tests.helpers import ROOT, kill_when_paused

DAY = dt.date(2025, 1, 1)


def entry(offset: int = 0, pain: int = 4, notes: str = "") -> DiaryEntry:
    return DiaryEntry(
        date=DAY + dt.timedelta(days=offset),
        pain_now=pain,
        pain_worst=min(10, pain + 2),
        active_minutes=(10 * offset) % 600,
        exercises=("walk_easy",) if offset % 2 else (),
        leg_pain=offset % 3 == 0,
        sleep=("good", "fair", "poor", None)[offset % 4],
        notes=notes,
    )


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'backcare.db'}"


def test_new_file_is_created_private_in_wal_mode_with_a_schema_version(db_url, tmp_path):
    store = open_store(db_url)
    store.save_entry(entry())
    store.close()
    path = tmp_path / "data" / "backcare.db"
    assert path.stat().st_mode & 0o777 == 0o600
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("SELECT MAX(version) FROM backcare_schema").fetchone()[0] == (
        storage.SCHEMA_VERSION
    )
    con.close()


def test_entries_survive_reopening_and_a_second_save_that_day_edits_it(db_url):
    store = open_store(db_url)
    store.save_entry(entry(0, pain=6, notes="first"))
    store.save_entry(entry(1))
    store.save_entry(entry(0, pain=3, notes="edited"))
    store.close()
    again = open_store(db_url)
    found = again.entries()
    again.close()
    assert [e.date for e in found] == [DAY, DAY + dt.timedelta(days=1)]
    assert found[0] == entry(0, pain=3, notes="edited")


def test_entries_between_dates_and_delete(db_url):
    store = open_store(db_url)
    store.save_entries([entry(i) for i in range(5)])
    assert [
        e.date.day for e in store.entries(DAY + dt.timedelta(days=1), DAY + dt.timedelta(3))
    ] == [
        2,
        3,
        4,
    ]
    assert store.delete_entry(DAY) is True
    assert store.delete_entry(DAY) is False
    assert store.entry(DAY) is None
    assert store.entry(DAY + dt.timedelta(days=4)) == entry(4)


def test_assessments_and_plans_are_kept(db_url):
    store = open_store(db_url)
    result = assess({"age": 40, "pain_now": 5, "duration_weeks": 2})
    first = store.add_assessment(result.answers, result.to_dict())
    second = store.add_assessment({"age": 70}, assess({"age": 70}).to_dict())
    assert second > first
    saved = store.assessments()
    assert [a.id for a in saved] == [first, second]
    assert saved[0].level == result.triage.value
    assert saved[0].result == result.to_dict()
    assert saved[0].answers["duration_weeks"] == 2
    assert saved[0].taken_at.tzinfo is not None
    assert store.latest_plan() is None
    store.save_plan({"weeks": [], "left_out": []})
    store.save_plan({"weeks": [], "left_out": []})  # same plan: not stored twice
    store.save_plan({"refused": "see a doctor first"})
    assert store.latest_plan() == {"refused": "see a doctor first"}
    with store.engine.connect() as con:
        assert con.exec_driver_sql("SELECT COUNT(*) FROM backcare_plan").scalar() == 2


def test_url_comes_from_the_setting_or_the_home_folder(tmp_path):
    assert storage.resolve_url("sqlite:///x.db", {"BACKCARE_DB_URL": "sqlite:///y.db"}) == (
        "sqlite:///x.db"
    )
    assert storage.resolve_url(None, {"BACKCARE_DB_URL": "postgresql://h/db"}) == (
        "postgresql://h/db"
    )
    assert storage.resolve_url(None, {"BACKCARE_HOME": str(tmp_path)}) == (
        f"sqlite:///{tmp_path / 'backcare.db'}"
    )
    assert storage.resolve_url(None, {}).endswith("/.backcare/backcare.db")


def test_memory_stores_are_private_to_each_session():
    one, two = memory_store(), memory_store()
    one.save_entry(entry())
    assert one.entries() == [entry()]
    assert two.entries() == []


# ------------------------------------------------------------------ damaged or foreign files


def _not_sqlite(path: Path) -> None:
    path.write_text("date,pain\n2026-01-01,3\n" * 20)


def _truncated_sqlite(path: Path) -> None:
    store = open_store(f"sqlite:///{path}")
    store.save_entries([entry(i, notes="x" * 1500) for i in range(40)])
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _corrupt_pages(path: Path) -> None:
    store = open_store(f"sqlite:///{path}")
    store.save_entries([entry(i, notes="y" * 1500) for i in range(40)])
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for start in range(page, len(data) - page, page):
        data[start : start + 64] = b"\xff" * 64  # smash every page header after the first
    path.write_bytes(bytes(data))


def _foreign(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE patients (name TEXT)")
    con.execute("INSERT INTO patients VALUES ('someone else')")
    con.commit()
    con.close()


def _newer_version(path: Path) -> None:
    open_store(f"sqlite:///{path}").close()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO backcare_schema VALUES (99, 'later')")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def _header_only(path: Path) -> None:
    path.write_bytes(storage.SQLITE_HEADER + b"\x00" * 20)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (_not_sqlite, "not an SQLite file"),
        (_header_only, "not an SQLite file"),
        (_truncated_sqlite, "damaged"),
        (_corrupt_pages, "damaged"),
        (_foreign, "holds other data"),
        (_newer_version, "newer BackCare"),
    ],
)
def test_a_damaged_or_foreign_file_is_reported_and_left_untouched(tmp_path, make, says):
    path = tmp_path / "backcare.db"
    make(path)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    before = path.read_bytes()
    with pytest.raises(StorageError) as caught:
        open_store(f"sqlite:///{path}")
    message = str(caught.value)
    assert says in message
    assert str(path) in message and "did not change it" in message
    assert path.read_bytes() == before


def test_cli_export_on_a_damaged_file_exits_2_and_keeps_the_file(tmp_path):
    path = tmp_path / "backcare.db"
    _truncated_sqlite(path)
    before = path.read_bytes()
    run = subprocess.run(
        [sys.executable, "-m", "backcare", "diary", "export", "--db", f"sqlite:///{path}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 2
    assert "damaged" in run.stderr and "Traceback" not in run.stderr
    assert path.read_bytes() == before


def test_empty_file_is_used_as_a_new_database(tmp_path):
    path = tmp_path / "empty.db"
    path.touch()
    store = open_store(f"sqlite:///{path}")
    store.save_entry(entry())
    assert store.entries() == [entry()]
    store.close()


def test_another_database_with_other_tables_is_refused(tmp_path):
    """The generic check (any SQLAlchemy URL) refuses a database with other tables."""
    import sqlalchemy as sa

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    with engine.begin() as con:
        con.exec_driver_sql("CREATE TABLE orders (id INTEGER)")
    with pytest.raises(StorageError, match="other tables"):
        storage.Store(engine).prepare()
    with engine.connect() as con:
        names = sa.inspect(con).get_table_names()
    assert names == ["orders"]


# ------------------------------------------------------------------ a writer killed mid-import

#: Runs in a child process: imports the store, then pauses the writer half-way through
#: its transaction by wrapping SQLAlchemy's cursor execution (no hook in the product).
_PAUSING_IMPORT = textwrap.dedent("""
    import pathlib, sys, time
    import sqlalchemy as sa
    from backcare.diary import storage
    from backcare.diary.entries import parse_csv

    url, csv_path, flag = sys.argv[1:4]
    entries = parse_csv(pathlib.Path(csv_path).read_bytes(), today=storage.now_utc().date())
    store = storage.open_store(url)
    inserts = 0

    def pause(conn, cursor, statement, parameters, context, executemany):
        global inserts
        if statement.lstrip().upper().startswith("INSERT"):
            inserts += 1
            if inserts == len(entries) // 2:
                pathlib.Path(flag).write_text("paused", encoding="utf-8")
                time.sleep(120)

    sa.event.listen(store.engine, "after_cursor_execute", pause)
    store.save_entries(entries)
""")


def test_a_writer_killed_during_an_import_leaves_the_database_consistent(tmp_path):
    path = tmp_path / "backcare.db"
    url = f"sqlite:///{path}"
    kept = [entry(i, pain=2) for i in range(3)]
    store = open_store(url)
    store.save_entries(kept)
    store.close()
    big = [entry(i, pain=7, notes=f"import {i}") for i in range(200)]
    csv_file = tmp_path / "big.csv"
    csv_file.write_text(to_csv(big))
    flag = tmp_path / "paused"
    args = [_PAUSING_IMPORT, url, str(csv_file), str(flag)]
    assert kill_when_paused(args, flag) == -signal.SIGKILL
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    assert path.stat().st_mode & 0o777 == 0o600
    reopened = open_store(url)
    assert reopened.entries() == kept  # none of the half-written import is visible
    reopened.save_entry(entry(50))  # and it is still writable
    assert len(reopened.entries()) == 4
    reopened.close()
    for side in ("-wal", "-shm"):
        side_file = Path(f"{path}{side}")
        if side_file.exists():
            assert side_file.stat().st_mode & 0o777 == 0o600, side


def test_the_product_has_no_test_hook():
    """The crash test pauses the writer from outside; the store itself never sleeps."""
    source = Path(storage.__file__).read_text(encoding="utf-8")
    assert "time.sleep" not in source and "import time" not in source
    assert "BACKCARE_TEST" not in source


# ------------------------------------------------------------------ drafts


def test_drafts_are_kept_by_name_replaced_and_cleared(db_url):
    store = open_store(db_url)
    assert store.draft("check") is None
    store.save_draft("check", {"answers": {"age": 40}, "step": 2})
    store.save_draft("other", {"step": 1})
    store.save_draft("check", {"answers": {"age": 41}, "step": 3})
    store.close()
    again = open_store(db_url)
    assert again.draft("check") == {"answers": {"age": 41}, "step": 3}
    assert again.clear_draft("check") is True
    assert again.clear_draft("check") is False
    assert again.draft("check") is None and again.draft("other") == {"step": 1}
    again.close()


def test_a_file_from_before_drafts_gets_the_table_on_open(tmp_path):
    path = tmp_path / "backcare.db"
    open_store(f"sqlite:///{path}").close()
    con = sqlite3.connect(path)
    con.execute("DROP TABLE backcare_draft")
    con.commit()
    con.close()
    store = open_store(f"sqlite:///{path}")
    store.save_draft("check", {"step": 1})
    assert store.draft("check") == {"step": 1}
    assert store.schema_version() == storage.SCHEMA_VERSION
    store.close()


def test_a_damaged_draft_is_named(tmp_path):
    path = tmp_path / "backcare.db"
    store = open_store(f"sqlite:///{path}")
    store.save_draft("check", {"step": 1})
    store.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE backcare_draft SET data = '[1, 2]'")
    con.commit()
    con.close()
    store = open_store(f"sqlite:///{path}")
    with pytest.raises(storage.DamagedDataError, match="draft 'check'"):
        store.draft("check")
    store.close()
