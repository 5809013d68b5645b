"""Storage hygiene: private files, a crash-proof first run, messages that name the cause.

Real SQLite files in ``tmp_path`` through SQLAlchemy. The tests run as root in
CI, where ``chmod`` cannot make anything read-only, so a read-only database is
made with SQLite's own ``mode=ro`` and the rest is simulated at the driver
(``sqlite3.connect``) or the file system (``os.access``, ``Path.mkdir``).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import signal
import sqlite3
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa

from backcare.cli.main import main
from backcare.diary import storage
from backcare.diary.entries import DiaryEntry
from backcare.diary.storage import DamagedDataError, StorageError, open_store
from tests.helpers import kill_when_paused

DAY = dt.date(2025, 3, 1)


def entry(offset: int = 0, notes: str = "") -> DiaryEntry:
    return DiaryEntry(DAY + dt.timedelta(days=offset), 3, 5, 20, notes=notes)


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.fixture
def umask_022():
    """The usual umask (files 0644), so only BackCare's own umask can make them private."""
    before = os.umask(0o022)
    yield
    os.umask(before)


# ------------------------------------------------------------------ permissions


def test_a_new_database_is_private_whatever_the_umask(tmp_path, umask_022):
    folder = tmp_path / "new" / "data"
    store = open_store(f"sqlite:///{folder / 'backcare.db'}")
    store.save_entry(entry())
    assert mode(folder) == 0o700
    assert mode(folder / "backcare.db") == 0o600
    for side in ("backcare.db-wal", "backcare.db-shm"):  # made by the write, still open
        assert (folder / side).exists(), side
        assert mode(folder / side) == 0o600, side
    store.close()
    assert os.umask(0o022) == 0o022  # the umask was given back


@pytest.mark.parametrize(("before", "after"), [(0o644, 0o600), (0o640, 0o600), (0o600, 0o600)])
def test_an_existing_database_is_tightened_on_open(tmp_path, umask_022, before, after):
    path = tmp_path / "backcare.db"
    open_store(f"sqlite:///{path}").close()
    path.chmod(before)
    open_store(f"sqlite:///{path}").close()
    assert mode(path) == after


def test_a_read_only_database_file_is_not_made_writable(tmp_path):
    """Tightening only removes bits: 0444 becomes 0400, never 0600."""
    path = tmp_path / "backcare.db"
    open_store(f"sqlite:///{path}").close()
    path.chmod(0o444)
    open_store(f"sqlite:///{path}").close()
    assert mode(path) == 0o400


def test_side_files_left_readable_by_an_older_run_are_tightened(tmp_path, umask_022):
    path = tmp_path / "backcare.db"
    open_store(f"sqlite:///{path}").close()
    path.chmod(0o644)
    other = sqlite3.connect(path)  # another program writes while the file is 0644
    other.execute("INSERT INTO backcare_plan (saved_at, plan) VALUES ('x', '{}')")
    other.commit()
    sides = [Path(f"{path}-wal"), Path(f"{path}-shm")]
    assert [mode(p) for p in sides] == [0o644, 0o644]
    open_store(f"sqlite:///{path}").close()
    assert [mode(p) for p in [path, *sides]] == [0o600, 0o600, 0o600]
    other.close()


def test_its_own_folder_is_tightened_but_a_shared_folder_is_left_alone(tmp_path):
    own, shared = tmp_path / "own", tmp_path / "shared"
    for folder in (own, shared):
        folder.mkdir()
        open_store(f"sqlite:///{folder / 'backcare.db'}").close()
        folder.chmod(0o755)
    (shared / "someone-elses.txt").write_text("hello")
    for folder in (own, shared):
        open_store(f"sqlite:///{folder / 'backcare.db'}").close()
    assert mode(own) == 0o700
    assert mode(shared) == 0o755  # e.g. /tmp or a home folder: not BackCare's to change
    assert mode(shared / "backcare.db") == 0o600


# ------------------------------------------------------------------ first run


_PAUSING_FIRST_RUN = textwrap.dedent("""
    import pathlib, sys, time
    import sqlalchemy as sa
    from backcare.diary import storage

    url, flag = sys.argv[1:3]

    def pause(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            pathlib.Path(flag).write_text("paused", encoding="utf-8")
            time.sleep(120)

    sa.event.listen(sa.engine.Engine, "after_cursor_execute", pause)
    storage.open_store(url)
""")


def _tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def test_a_first_run_killed_while_creating_tables_leaves_nothing_half_made(tmp_path):
    path = tmp_path / "fresh" / "backcare.db"
    url = f"sqlite:///{path}"
    flag = tmp_path / "paused"
    code = kill_when_paused([_PAUSING_FIRST_RUN, url, str(flag)], flag, "the first run")
    assert code == -signal.SIGKILL
    assert mode(path) == 0o600 and mode(path.parent) == 0o700
    assert _tables(path) == set()  # the CREATE TABLE that ran was never committed
    store = open_store(url)
    store.save_entry(entry())
    assert store.entries() == [entry()]
    assert store.schema_version() == storage.SCHEMA_VERSION
    store.close()


def _half_made(path: Path, *, with_data: bool) -> None:
    """What an older BackCare could leave: its tables, committed, without a version row."""
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        storage.metadata.create_all(con)
        if with_data:
            con.execute(
                sa.insert(storage.plan_table).values(saved_at="2025-01-01", plan='{"a": 1}')
            )
    engine.dispose()


def test_empty_tables_without_a_version_are_finished_not_refused(tmp_path):
    path = tmp_path / "backcare.db"
    _half_made(path, with_data=False)
    store = open_store(f"sqlite:///{path}")
    assert store.schema_version() == storage.SCHEMA_VERSION
    store.save_entry(entry())
    assert store.entries() == [entry()]
    store.close()


def test_tables_with_data_but_no_version_are_refused_and_kept(tmp_path):
    path = tmp_path / "backcare.db"
    _half_made(path, with_data=True)
    before = path.read_bytes()
    with pytest.raises(StorageError, match="holding data but no schema version"):
        open_store(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_the_schema_is_made_in_one_transaction():
    """Every CREATE TABLE runs between one BEGIN and one COMMIT, with the version row."""
    engine = storage._make_engine("sqlite://")
    seen: list[str] = []
    sa.event.listen(
        engine, "before_cursor_execute", lambda *a: seen.append(a[2].split()[0].upper())
    )
    sa.event.listen(engine, "commit", lambda conn: seen.append("COMMIT"))
    storage.Store(engine).prepare()
    engine.dispose()
    first_create = seen.index("CREATE")
    begin = max(i for i in range(first_create) if seen[i] == "BEGIN")
    setup = seen[begin:]
    assert setup.count("BEGIN") == 1 and setup.count("COMMIT") == 1 and setup[-1] == "COMMIT"
    assert setup.count("CREATE") == len(storage.OUR_TABLES) and "INSERT" in setup


# ------------------------------------------------------------------ messages that name the cause


def test_a_real_read_only_database_reads_and_says_read_only_on_save(tmp_path):
    path = tmp_path / "backcare.db"
    store = open_store(f"sqlite:///{path}")
    store.save_entry(entry())
    store.close()
    read_only = open_store(f"sqlite:///file:{path}?mode=ro&uri=true")
    assert read_only.entries() == [entry()]
    with pytest.raises(StorageError) as caught:
        read_only.save_entry(entry(1))
    read_only.close()
    assert "read-only" in str(caught.value) and "Nothing was changed" in str(caught.value)


def _driver_error(monkeypatch, message: str, *, on: str = "connect") -> None:
    """Make the SQLite driver fail as a full disk or a read-only file system would."""
    real = sqlite3.connect

    class Cursor(sqlite3.Cursor):
        def execute(self, sql, *args):
            if sql.lstrip().upper().startswith(on):
                raise sqlite3.OperationalError(message)
            return super().execute(sql, *args)

    class Connection(sqlite3.Connection):
        def cursor(self, factory=Cursor):
            return super().cursor(factory)

    def connect(*args, **kwargs):
        if on == "connect":
            raise sqlite3.OperationalError(message)
        return real(*args, factory=Connection, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    monkeypatch.setattr(sqlite3.dbapi2, "connect", connect)  # the name SQLAlchemy calls


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("attempt to write a readonly database", "read-only"),
        ("database or disk is full", "disk is full"),
        ("unable to open database file", "cannot open or create the file"),
        ("database is locked", "another program is using the database"),
    ],
)
def test_open_failures_name_the_cause(tmp_path, monkeypatch, message, says):
    _driver_error(monkeypatch, message)
    with pytest.raises(StorageError) as caught:
        open_store(f"sqlite:///{tmp_path / 'backcare.db'}")
    assert says in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("message", "says"),
    [
        ("database or disk is full", "disk is full"),
        ("attempt to write a readonly database", "read-only"),
    ],
)
def test_a_failed_save_names_the_cause_and_changes_nothing(tmp_path, monkeypatch, message, says):
    url = f"sqlite:///{tmp_path / 'backcare.db'}"
    store = open_store(url)
    store.save_entry(entry())
    store.close()
    _driver_error(monkeypatch, message, on="INSERT")
    store = open_store(url)
    with pytest.raises(StorageError) as caught:
        store.save_entries([entry(1), entry(2)])
    assert says in str(caught.value) and "Nothing was changed" in str(caught.value)
    assert store.entries() == [entry()]
    store.close()


def test_a_read_only_folder_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "locked"
    folder.mkdir()
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, m, **k: False if Path(p) == folder else real_access(p, m, **k)
    )
    with pytest.raises(StorageError, match="folder is read-only"):
        open_store(f"sqlite:///{folder / 'backcare.db'}")
    assert list(folder.iterdir()) == []


def test_a_full_disk_when_making_the_folder_is_named(tmp_path, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "mkdir", full)
    with pytest.raises(StorageError, match="disk is full"):
        open_store(f"sqlite:///{tmp_path / 'new' / 'backcare.db'}")


def test_a_path_under_a_file_is_named(tmp_path):
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(StorageError, match="part of its path is a file"):
        open_store(f"sqlite:///{tmp_path / 'notes.txt' / 'data' / 'backcare.db'}")


# ------------------------------------------------------------------ passwords


SECRET_URL = "postgresql://clinic:S3cretPw@db.example/backcare"


def test_a_missing_driver_message_hides_the_password(monkeypatch, capsys):
    monkeypatch.setenv("BACKCARE_DB_URL", SECRET_URL)
    assert main(["diary", "export"]) == 2
    err = capsys.readouterr().err
    assert "S3cretPw" not in err
    assert "clinic:***@db.example" in err and "driver is not installed" in err


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://clinic:S3cretPw@db.example:notaport/backcare",  # not even a URL
        "postgresql+nosuchdriver://clinic:S3cretPw@db.example/backcare",
    ],
)
def test_a_bad_url_message_hides_the_password(url):
    with pytest.raises(StorageError) as caught:
        open_store(url)
    assert "S3cretPw" not in str(caught.value) and "***" in str(caught.value)


def test_a_driver_message_that_repeats_the_password_is_scrubbed():
    error = sa.exc.OperationalError("connect", {}, Exception("auth failed for S3cretPw\nretry"))
    assert storage.cause(error, "S3cretPw") == "auth failed for *** retry"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (SECRET_URL, "postgresql://clinic:***@db.example/backcare"),
        ("postgresql://clinic:S3cretPw@db.example:notaport/x", "postgresql://clinic:***@"),
        ("sqlite:////tmp/backcare.db", "sqlite:////tmp/backcare.db"),
    ],
)
def test_urls_are_shown_masked(url, shown):
    assert storage.masked(url).startswith(shown) and "S3cretPw" not in storage.masked(url)


# ------------------------------------------------------------------ damaged rows


def _damage(path: Path, sql: str) -> None:
    con = sqlite3.connect(path)
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    ("sql", "says"),
    [
        ("UPDATE backcare_diary SET date = '2025-03-02x' WHERE date = '2025-03-02'", "date holds"),
        ("UPDATE backcare_diary SET exercises = '[[[' WHERE date = '2025-03-02'", "exercises"),
        ("UPDATE backcare_diary SET pain_now = 'lots' WHERE date = '2025-03-02'", "pain_now"),
        ("UPDATE backcare_diary SET pain_now = 11 WHERE date = '2025-03-02'", "pain_now"),
        ("UPDATE backcare_diary SET sleep = 'great' WHERE date = '2025-03-02'", "sleep"),
        ("UPDATE backcare_diary SET leg_pain = 7 WHERE date = '2025-03-02'", "leg_pain"),
        (
            "UPDATE backcare_diary SET exercises = '" + "[" * 5000 + "' WHERE date = '2025-03-02'",
            "too deeply",
        ),
    ],
)
def test_a_damaged_diary_row_is_named_and_the_rest_exported(tmp_path, capsys, sql, says):
    path = tmp_path / "backcare.db"
    store = open_store(f"sqlite:///{path}")
    store.save_entries([entry(0, "first"), entry(1, "damaged"), entry(2, "third")])
    store.close()
    _damage(path, sql)
    store = open_store(f"sqlite:///{path}")
    with pytest.raises(DamagedDataError) as caught:
        store.entries()
    store.close()
    assert [e.notes for e in caught.value.usable] == ["first", "third"]
    assert len(caught.value.problems) == 1 and says in caught.value.problems[0]
    out = tmp_path / "diary.csv"
    code = main(["diary", "export", "--db", f"sqlite:///{path}", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "damaged" in err and "diary row 2" in err and says in err
    assert "Traceback" not in err
    assert [line.split(",")[-1] for line in out.read_text().splitlines()[1:]] == ["first", "third"]


def test_a_damaged_plan_or_assessment_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "backcare.db"
    store = open_store(f"sqlite:///{path}")
    store.save_plan({"weeks": []})
    store.add_assessment({"age": 40}, {"triage": "self_care"})
    store.close()
    _damage(path, "UPDATE backcare_plan SET plan = '{\"a\": NaN}'")
    _damage(path, "UPDATE backcare_assessment SET taken_at = 'yesterday'")
    store = open_store(f"sqlite:///{path}")
    with pytest.raises(DamagedDataError, match="plan 1"):
        store.latest_plan()
    with pytest.raises(DamagedDataError, match="assessment 1: taken_at"):
        store.assessments()
    store.save_plan({"weeks": [1]})  # a damaged old plan does not block a new one
    assert store.latest_plan() == {"weeks": [1]}
    store.close()


def test_report_on_a_damaged_diary_exits_2_naming_the_row(tmp_path, capsys):
    path = tmp_path / "backcare.db"
    store = open_store(f"sqlite:///{path}")
    store.save_entries([entry(0), entry(1)])
    store.close()
    _damage(path, "UPDATE backcare_diary SET pain_worst = 'much' WHERE date = '2025-03-02'")
    answers = tmp_path / "a.json"
    answers.write_text('{"age": 40}')
    code = main(
        [
            "report",
            "--answers",
            str(answers),
            "-o",
            str(tmp_path / "r.pdf"),
            "--db",
            f"sqlite:///{path}",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "diary row 2" in err and "pain_worst holds 'much'" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "r.pdf").exists()
