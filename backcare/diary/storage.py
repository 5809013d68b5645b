"""Where BackCare keeps the diary, past assessments and the latest exercise plan.

A person's diary is health data that builds up over weeks, so this module's
job is to never lose it and never mix it up with anyone else's:

* The default is an SQLite file in the person's own data folder
  (``~/.backcare/backcare.db``), in WAL mode, written only inside transactions.
  Any SQLAlchemy URL works instead (``BACKCARE_DB_URL``), e.g. PostgreSQL.
* `memory_store` keeps everything in one private in-memory database: the
  shared-hosting mode, one per browser session.
* A file that is not ours (damaged, not SQLite, or someone else's tables) is
  checked through a read-only connection and refused with a `StorageError`
  before anything could write to it.
* A ``backcare_schema`` table records the schema version, so later versions
  can migrate old files instead of guessing.

Pure Python (SQLAlchemy Core); it never imports Streamlit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from backcare.diary.entries import DiaryEntry

#: The schema this code writes. Bump it and add a step to `MIGRATIONS` when a table changes.
SCHEMA_VERSION = 1
#: Environment settings (Streamlit secrets with the same names work in the app).
ENV_DB_URL = "BACKCARE_DB_URL"
ENV_STORAGE = "BACKCARE_STORAGE"
ENV_HOME = "BACKCARE_HOME"
DEFAULT_DIR = Path("~/.backcare")
DEFAULT_FILE = "backcare.db"
#: Only for the crash-safety test: path of a file to create half-way through an
#: import, after which the writer sleeps inside its open transaction.
ENV_TEST_IMPORT_PAUSE = "BACKCARE_TEST_IMPORT_PAUSE"

SQLITE_HEADER = b"SQLite format 3\x00"

metadata = sa.MetaData()

schema_table = sa.Table(
    "backcare_schema",
    metadata,
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

diary_table = sa.Table(
    "backcare_diary",
    metadata,
    sa.Column("date", sa.Date, primary_key=True),
    sa.Column("pain_now", sa.Integer, nullable=False),
    sa.Column("pain_worst", sa.Integer, nullable=False),
    sa.Column("active_minutes", sa.Integer, nullable=False),
    sa.Column("exercises", sa.Text, nullable=False),  # JSON list of exercise ids
    sa.Column("leg_pain", sa.Boolean, nullable=False),
    sa.Column("sleep", sa.String(8), nullable=True),
    sa.Column("notes", sa.Text, nullable=False),
    sa.Column("updated_at", sa.String(40), nullable=False),
)

assessment_table = sa.Table(
    "backcare_assessment",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("taken_at", sa.String(40), nullable=False),
    sa.Column("level", sa.String(16), nullable=False),
    sa.Column("answers", sa.Text, nullable=False),  # JSON
    sa.Column("result", sa.Text, nullable=False),  # JSON: Assessment.to_dict()
    sa.Column("fingerprint", sa.String(64), nullable=False),
)

plan_table = sa.Table(
    "backcare_plan",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("saved_at", sa.String(40), nullable=False),
    sa.Column("plan", sa.Text, nullable=False),  # JSON, `python -m backcare plan` shape
)

OUR_TABLES = frozenset(t.name for t in metadata.sorted_tables)

#: Schema migrations: version N -> N + 1, each run in the same transaction as the
#: version bump. Empty while there is only version 1.
MIGRATIONS: dict[int, Any] = {}


class StorageError(RuntimeError):
    """The database cannot be used safely. The message says why and what to do."""


@dataclass(frozen=True)
class StoredAssessment:
    """One completed assessment as saved: when, the answers and the result."""

    id: int
    taken_at: dt.datetime
    level: str
    answers: dict[str, Any]
    result: dict[str, Any]


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _stamp() -> str:
    return now_utc().isoformat()


def default_url(env: Mapping[str, str] | None = None) -> str:
    """The SQLite file in the person's data folder (``BACKCARE_HOME`` or ``~/.backcare``)."""
    env = os.environ if env is None else env
    folder = Path(env.get(ENV_HOME) or DEFAULT_DIR).expanduser()
    return f"sqlite:///{folder / DEFAULT_FILE}"


def resolve_url(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The database URL: an explicit one, else ``BACKCARE_DB_URL``, else the default file."""
    env = os.environ if env is None else env
    return explicit or env.get(ENV_DB_URL) or default_url(env)


def fingerprint(answers: Mapping[str, Any], result: Mapping[str, Any]) -> str:
    """A stable hash of one assessment, so the app can save it once across reruns."""
    text = json.dumps([answers, result], sort_keys=True, default=list)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- safety checks


def sqlite_file(url: str) -> Path | None:
    """The file behind an SQLite URL, or None for memory or other databases."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    name = parsed.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name).expanduser()


def _refuse(path: Path, why: str) -> StorageError:
    return StorageError(
        f"{path}: {why} BackCare did not change it. Move it somewhere safe, or set "
        f"{ENV_DB_URL} to a new file (for example sqlite:///{path.parent / 'backcare-new.db'})."
    )


def check_sqlite_file(path: Path) -> int | None:
    """Check an existing file read-only and return its schema version (None if empty).

    Raises `StorageError` for anything that is not a healthy BackCare database.
    Nothing here can write: the file is opened with ``mode=ro``.
    """
    if path.is_dir():
        raise _refuse(path, "is a folder, not a database file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise _refuse(path, f"cannot be read ({exc.strerror}).") from exc
    if not header:
        return None  # an empty file is a new database
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise _refuse(path, "is not a BackCare database (it is not an SQLite file).")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA quick_check").fetchone()
            if not ok or ok[0] != "ok":
                raise _refuse(path, "is damaged (SQLite found errors in it).")
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            return _version_from(path, tables, con)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise _refuse(path, f"is damaged or not a database ({exc}).") from exc


def _version_from(path: Path | str, tables: set[str], con: sqlite3.Connection) -> int | None:
    user_tables = {t for t in tables if not t.startswith("sqlite_")}
    if not user_tables:
        return None
    if schema_table.name not in user_tables:
        raise _refuse(Path(str(path)), "holds other data, not a BackCare diary.")
    row = con.execute(f"SELECT MAX(version) FROM {schema_table.name}").fetchone()
    return _checked_version(path, row[0] if row else None)


def _checked_version(where: Path | str, version: Any) -> int:
    if not isinstance(version, int) or version < 1:
        raise _refuse(Path(str(where)), "has a BackCare table without a valid version.")
    if version > SCHEMA_VERSION:
        raise _refuse(
            Path(str(where)),
            f"was made by a newer BackCare (schema {version}; this one knows up to "
            f"{SCHEMA_VERSION}). Update BackCare to open it.",
        )
    return version


# ---------------------------------------------------------------- engines


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    """WAL for crash safety and concurrent readers; FULL sync so a saved day stays saved."""
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        memory = sqlite_file(url) is None
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool if memory else None,
        )
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def open_store(url: str | None = None) -> Store:
    """Open (or create) the database at ``url`` (default: `resolve_url`).

    An existing SQLite file is checked read-only first; a damaged or foreign
    one raises `StorageError` and is never touched.
    """
    url = resolve_url(url)
    try:
        make_url(url)
    except sa.exc.ArgumentError as exc:
        raise StorageError(f"{url!r} is not a database URL ({exc}).") from exc
    path = sqlite_file(url)
    created = False
    if path is not None:
        if path.exists():
            check_sqlite_file(path)
        else:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                raise StorageError(f"cannot make the folder {path.parent}: {exc}") from exc
            created = True
    try:
        engine = _make_engine(url)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StorageError(f"cannot use the database URL {url!r}: {exc}") from exc
    store = Store(engine)
    try:
        store.prepare()
    except BaseException:
        engine.dispose()
        raise
    if created and path is not None and path.exists():
        path.chmod(0o600)  # a health diary: readable by its owner only
    return store


def memory_store() -> Store:
    """A private in-memory database: one per browser session in shared hosting."""
    store = Store(_make_engine("sqlite://"))
    store.prepare()
    return store


# ---------------------------------------------------------------- the store


def _row_entry(row: Any) -> DiaryEntry:
    return DiaryEntry(
        date=row.date,
        pain_now=row.pain_now,
        pain_worst=row.pain_worst,
        active_minutes=row.active_minutes,
        exercises=tuple(json.loads(row.exercises)),
        leg_pain=bool(row.leg_pain),
        sleep=row.sleep,
        notes=row.notes,
    )


def _entry_row(entry: DiaryEntry, stamp: str) -> dict[str, Any]:
    return {
        "date": entry.date,
        "pain_now": entry.pain_now,
        "pain_worst": entry.pain_worst,
        "active_minutes": entry.active_minutes,
        "exercises": json.dumps(list(entry.exercises)),
        "leg_pain": entry.leg_pain,
        "sleep": entry.sleep,
        "notes": entry.notes,
        "updated_at": stamp,
    }


class Store:
    """The diary, assessments and plans in one database. Every write is one transaction."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    # -- schema

    def prepare(self) -> None:
        """Create our tables in a new database, or check and migrate an existing one."""
        try:
            with self.engine.begin() as con:
                tables = set(sa.inspect(con).get_table_names())
                ours = tables & OUR_TABLES
                if tables and schema_table.name not in tables:
                    raise StorageError(
                        f"{self.url}: the database holds other tables "
                        f"({', '.join(sorted(tables))}) "
                        "and no BackCare schema table. BackCare did not change it. "
                        f"Set {ENV_DB_URL} to an empty database."
                    )
                if not ours:
                    metadata.create_all(con)
                    con.execute(
                        sa.insert(schema_table).values(version=SCHEMA_VERSION, updated_at=_stamp())
                    )
                    return
                version = con.execute(sa.select(sa.func.max(schema_table.c.version))).scalar()
                version = _checked_version(self.url, version)
                while version < SCHEMA_VERSION:
                    MIGRATIONS[version](con)
                    version += 1
                    con.execute(
                        sa.insert(schema_table).values(version=version, updated_at=_stamp())
                    )
                metadata.create_all(con)  # checkfirst: adds nothing when complete
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(
                f"{self.url}: cannot open the database ({exc.orig or exc})."
            ) from exc

    def schema_version(self) -> int:
        with self.engine.connect() as con:
            return int(con.execute(sa.select(sa.func.max(schema_table.c.version))).scalar())

    def _write(self, fn: Any) -> Any:
        """Run ``fn(connection)`` in one transaction; roll back and explain on failure."""
        try:
            with self.engine.begin() as con:
                return fn(con)
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(
                f"could not save to {self.url} ({getattr(exc, 'orig', None) or exc}). "
                "Nothing was changed."
            ) from exc

    def _read(self, statement: Any) -> list[Any]:
        try:
            with self.engine.connect() as con:
                return list(con.execute(statement))
        except sa.exc.SQLAlchemyError as exc:
            raise StorageError(
                f"could not read {self.url} ({getattr(exc, 'orig', None) or exc})."
            ) from exc

    # -- diary

    def save_entry(self, entry: DiaryEntry) -> None:
        """Save one day. Saving the same date again replaces that day's entry."""
        self.save_entries([entry])

    def save_entries(self, entries: Iterable[DiaryEntry]) -> int:
        """Save many days in ONE transaction: all of them are saved, or none.

        Callers validate first (`backcare.diary.entries.parse_csv` / `parse_json`), so a
        bad row never reaches this point.
        """
        entries = list(entries)
        stamp = _stamp()
        pause = os.environ.get(ENV_TEST_IMPORT_PAUSE)

        def write(con: Any) -> int:
            for i, entry in enumerate(entries):
                con.execute(sa.delete(diary_table).where(diary_table.c.date == entry.date))
                con.execute(sa.insert(diary_table).values(**_entry_row(entry, stamp)))
                if pause and i == len(entries) // 2:
                    Path(pause).write_text("paused", encoding="utf-8")
                    time.sleep(120)
            return len(entries)

        return self._write(write)

    def delete_entry(self, day: dt.date) -> bool:
        def write(con: Any) -> bool:
            return con.execute(sa.delete(diary_table).where(diary_table.c.date == day)).rowcount > 0

        return self._write(write)

    def entry(self, day: dt.date) -> DiaryEntry | None:
        rows = self._read(sa.select(diary_table).where(diary_table.c.date == day))
        return _row_entry(rows[0]) if rows else None

    def entries(self, start: dt.date | None = None, end: dt.date | None = None) -> list[DiaryEntry]:
        """Diary entries, oldest first, optionally between two dates (inclusive)."""
        query = sa.select(diary_table).order_by(diary_table.c.date)
        if start is not None:
            query = query.where(diary_table.c.date >= start)
        if end is not None:
            query = query.where(diary_table.c.date <= end)
        return [_row_entry(r) for r in self._read(query)]

    # -- assessments

    def add_assessment(
        self,
        answers: Mapping[str, Any],
        result: Mapping[str, Any],
        taken_at: dt.datetime | None = None,
    ) -> int:
        """Save a completed assessment (``result`` is ``Assessment.to_dict()``); returns its id."""
        taken = (taken_at or now_utc()).isoformat()
        values = {
            "taken_at": taken,
            "level": str(result["triage"]),
            "answers": json.dumps(dict(answers), default=list, sort_keys=True),
            "result": json.dumps(dict(result), sort_keys=True),
            "fingerprint": fingerprint(answers, result),
        }

        def write(con: Any) -> int:
            return int(
                con.execute(sa.insert(assessment_table).values(**values)).inserted_primary_key[0]
            )

        return self._write(write)

    def assessments(self) -> list[StoredAssessment]:
        """Every saved assessment, oldest first."""
        rows = self._read(sa.select(assessment_table).order_by(assessment_table.c.id))
        return [
            StoredAssessment(
                id=r.id,
                taken_at=dt.datetime.fromisoformat(r.taken_at),
                level=r.level,
                answers=json.loads(r.answers),
                result=json.loads(r.result),
            )
            for r in rows
        ]

    def latest_assessment(self) -> StoredAssessment | None:
        found = self.assessments()
        return found[-1] if found else None

    # -- plans

    def save_plan(self, plan: Mapping[str, Any]) -> None:
        """Keep the latest exercise plan, so the command-line report can include it."""
        text = json.dumps(dict(plan), sort_keys=True)
        if self.latest_plan() == json.loads(text):
            return
        self._write(
            lambda con: con.execute(sa.insert(plan_table).values(saved_at=_stamp(), plan=text))
        )

    def latest_plan(self) -> dict[str, Any] | None:
        rows = self._read(sa.select(plan_table).order_by(plan_table.c.id.desc()).limit(1))
        return json.loads(rows[0].plan) if rows else None
