"""Where BackCare keeps the diary, past assessments and the latest exercise plan.

A person's diary is health data that builds up over weeks, so this module's
job is to never lose it, never show it to anyone else, and never mix it up
with anyone else's:

* The default is an SQLite file in the person's own data folder
  (``~/.backcare/backcare.db``), in WAL mode, written only inside transactions.
  Any SQLAlchemy URL works instead (``BACKCARE_DB_URL``), e.g. PostgreSQL.
* Private files: SQLite creates its files under umask 077; on every open the
  database and its ``-wal``/``-shm``/``-journal`` files lose any group or other
  permission bits (0644 becomes 0600), and so does the folder when it is
  BackCare's own (see `_tighten_folder`).
* The schema is created in ONE transaction (SQLite's DDL is transactional once
  the driver stops committing on its own, see `_sqlite_begin`), so a first run
  that is killed leaves either no tables or all of them with a version row.
  A database left by an older, non-transactional first run (BackCare tables,
  all empty, no version row) is finished, not refused.
* `memory_store` keeps everything in one private in-memory database: the
  shared-hosting mode, one per browser session.
* A file that is not ours (damaged, not SQLite, or someone else's tables) is
  checked through a read-only connection and refused with a `StorageError`
  before anything could write to it. A damaged row is reported by row
  (`DamagedDataError`), never as a traceback.
* Every message names the real cause (read-only, disk full, damaged, a
  missing driver) and shows the URL with its password masked.
* A ``backcare_schema`` table records the schema version, so later versions
  can migrate old files instead of guessing.

Pure Python (SQLAlchemy Core); it never imports Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import hashlib
import json
import os
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.pool import StaticPool

from backcare.diary.entries import (
    MINUTES_MAX,
    PAIN_MAX,
    PAIN_MIN,
    SLEEP_CHOICES,
    DiaryEntry,
)
from backcare.safe_io import InputError, loads_strict

#: The schema this code writes. Bump it and add a step to `MIGRATIONS` when a table changes.
SCHEMA_VERSION = 1
#: Environment settings (Streamlit secrets with the same names work in the app).
ENV_DB_URL = "BACKCARE_DB_URL"
ENV_STORAGE = "BACKCARE_STORAGE"
ENV_HOME = "BACKCARE_HOME"
DEFAULT_DIR = Path("~/.backcare")
DEFAULT_FILE = "backcare.db"

SQLITE_HEADER = b"SQLite format 3\x00"
#: Files SQLite keeps beside the database; they hold the same health data.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Owner read/write (and search, for folders) only.
PRIVATE_UMASK = 0o077
_GROUP_OTHER_BITS = 0o077
#: Execution option naming how a transaction begins (DEFERRED for reads, IMMEDIATE
#: for writes, so two writers queue on busy_timeout instead of failing).
BEGIN_OPTION = "backcare_begin"

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

#: Work in progress the app keeps by name (e.g. the symptom check a person has not
#: finished), so a refresh loses nothing. Added to schema 1 without a version bump:
#: a new table that older code ignores, and `prepare` creates it in an older file.
draft_table = sa.Table(
    "backcare_draft",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("saved_at", sa.String(40), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON object
)

OUR_TABLES = frozenset(t.name for t in metadata.sorted_tables)

#: Schema migrations: version N -> N + 1, each run in the same transaction as the
#: version bump. Empty while there is only version 1.
MIGRATIONS: dict[int, Any] = {}


class StorageError(RuntimeError):
    """The database cannot be used safely. The message says why and what to do."""


class DamagedDataError(StorageError):
    """Some stored rows cannot be read. ``usable`` holds what could be read, ``problems``
    one line a damaged row, so a caller can still save the rest of a person's diary."""

    def __init__(self, message: str, usable: list[Any], problems: list[str]):
        super().__init__(message)
        self.usable = usable
        self.problems = tuple(problems)


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


# ---------------------------------------------------------------- messages


def masked(url: str) -> str:
    """The URL with its password replaced by ``***``: safe for any message or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (sa.exc.ArgumentError, ValueError, TypeError):  # not a URL: mask any "user:...@"
        return re.sub(r"(//[^/@]*?:)[^/@]*@", r"\1***@", url)


def _password(url: str) -> str | None:
    try:
        password = make_url(url).password
    except (sa.exc.ArgumentError, ValueError, TypeError):
        return None
    return str(password) if password else None


def _scrubbed(text: Any, secret: str | None) -> str:
    """``text`` on one line, with ``secret`` (a password) masked out of it."""
    line = " ".join(str(text).split())
    return line.replace(secret, "***") if secret else line


def cause(exc: BaseException, secret: str | None = None) -> str:
    """Plain words for why a database step failed: read-only, disk full, damaged, ...

    Looks through SQLAlchemy's wrapper to the driver's error (``exc.orig``) and
    at ``errno`` for file-system errors, so the message names the real cause
    instead of a generic "cannot open".
    """
    orig = getattr(exc, "orig", None) or exc
    code = getattr(orig, "errno", None)
    text = str(orig).lower()
    if code == errno.EROFS or "readonly" in text or "read-only" in text:
        return (
            "it is read-only, so BackCare cannot save to it; make the file and its folder "
            f"writable for you, or set {ENV_DB_URL} to a place you can write"
        )
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text or "disk full" in text:
        return "the disk is full; free some space and try again"
    if code in (errno.EACCES, errno.EPERM) or "permission denied" in text:
        return "permission denied; check who owns the file and its folder"
    if code in (errno.ENOTDIR, errno.EEXIST):
        return "part of its path is a file, not a folder"
    if "malformed" in text or "not a database" in text:
        return "the file is damaged or is not a database"
    if "locked" in text or "busy" in text:
        return "another program is using the database; close it and try again"
    if "unable to open database file" in text:
        return "SQLite cannot open or create the file; check that its folder exists and is writable"
    if isinstance(orig, ImportError):
        return (
            f"the database driver is not installed ({_scrubbed(orig, secret)}); install it, "
            "for example with pip"
        )
    return _scrubbed(orig, secret)


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
    """Check an existing file read-only and return its schema version (None if new).

    Raises `StorageError` for anything that is not a healthy BackCare database.
    Nothing here can write: the file is opened with ``mode=ro``.
    """
    if path.is_dir():
        raise _refuse(path, "is a folder, not a database file.")
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise StorageError(f"{path}: cannot read it: {cause(exc)}.") from None
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
        text = str(exc).lower()
        if "malformed" in text or "not a database" in text or "corrupt" in text:
            raise _refuse(path, f"is damaged or not a database ({exc}).") from None
        raise StorageError(f"{path}: cannot check it: {cause(exc)}.") from None


def _all_empty(con: sqlite3.Connection, tables: Iterable[str]) -> bool:
    """True when none of ``tables`` (BackCare's own names) holds a row."""
    return not any(
        con.execute(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0] for t in tables
    )


def _version_from(path: Path, tables: set[str], con: sqlite3.Connection) -> int | None:
    user_tables = {t for t in tables if not t.startswith("sqlite_")}
    if not user_tables:
        return None
    ours_only = user_tables <= OUR_TABLES
    if ours_only and _all_empty(con, user_tables):
        return None  # an older first run that stopped half-way: `Store.prepare` finishes it
    version = None
    if schema_table.name in user_tables:
        version = con.execute(f"SELECT MAX(version) FROM {schema_table.name}").fetchone()[0]
    if version is None and ours_only:
        raise _refuse(path, "has BackCare tables holding data but no schema version.")
    if version is None:
        raise _refuse(path, "holds other data, not a BackCare diary.")
    return _checked_version(path, version)


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


# ---------------------------------------------------------------- permissions


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Create files 0600 and folders 0700 inside this block, then restore the umask.

    The umask is per process: other threads creating files meanwhile get private
    files too, which errs on the safe side.
    """
    before = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(before)


def _tighten(path: Path) -> None:
    """Drop group and other permission bits from ``path`` if it has any (0644 -> 0600).

    Never adds a bit. Best effort: a file BackCare may not change (not its owner,
    a read-only disk) is left as it is; using it then fails with its own message.
    """
    try:
        mode = path.stat().st_mode & 0o7777
        if mode & _GROUP_OTHER_BITS:
            path.chmod(mode & ~_GROUP_OTHER_BITS)
    except FileNotFoundError:
        pass
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EACCES, errno.EROFS):
            raise


def _own_folder(folder: Path, db: Path) -> bool:
    """True when ``folder`` holds nothing but the database and SQLite's side files.

    Only such a folder is BackCare's own to make private: a database placed in
    a shared folder (``/tmp``, a home folder) must not change that folder.
    """
    mine = {db.name, *(db.name + s for s in SIDE_SUFFIXES)}
    try:
        with os.scandir(folder) as found:
            return all(entry.name in mine for entry in found)
    except OSError:
        return False


def _tighten_folder(folder: Path, db: Path, created: bool) -> None:
    if created or _own_folder(folder, db):
        _tighten(folder)


def _tighten_files(path: Path) -> None:
    """Make the database and its side files owner-only (0600 when they were 0644)."""
    for name in (path, *(Path(f"{path}{s}") for s in SIDE_SUFFIXES)):
        _tighten(name)


# ---------------------------------------------------------------- engines


def _sqlite_connect(dbapi_con: Any, _record: Any) -> None:
    """WAL for crash safety and concurrent readers; FULL sync so a saved day stays saved.

    ``isolation_level = None`` stops Python's sqlite3 from committing on its
    own around DDL; `_sqlite_begin` sends BEGIN instead, so CREATE TABLE runs
    inside the same transaction as the version row.
    """
    dbapi_con.isolation_level = None
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    # A read-only file keeps its journal mode: it can still be read, and a write says why not.
    with contextlib.suppress(sqlite3.OperationalError):
        cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _sqlite_begin(con: Connection) -> None:
    """Begin every SQLAlchemy transaction explicitly (IMMEDIATE for writes)."""
    mode = con.get_execution_options().get(BEGIN_OPTION, "DEFERRED")
    con.exec_driver_sql(f"BEGIN {'IMMEDIATE' if mode == 'IMMEDIATE' else 'DEFERRED'}")


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        memory = sqlite_file(url) is None
        engine = sa.create_engine(
            url,
            connect_args={"check_same_thread": False},
            poolclass=StaticPool if memory else None,
        )
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def _parsed(url: str) -> sa.URL:
    try:
        return make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise StorageError(
            f"{masked(url)!r} is not a database URL ({_scrubbed(exc, _password(url))}); "
            "it should look like sqlite:////path/to/backcare.db"
        ) from None


def _prepare_file(path: Path) -> None:
    """Check an existing file read-only, or make its folder (0700); then make both private."""
    folder_made = not path.parent.exists()
    if path.exists():
        check_sqlite_file(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StorageError(f"cannot make the folder {path.parent}: {cause(exc)}.") from None
        if not os.access(path.parent, os.W_OK | os.X_OK):
            raise StorageError(
                f"{path.parent}: the folder is read-only for you, so BackCare cannot create "
                f"its database there. Set {ENV_DB_URL} to a file in a folder you can write."
            )
    _tighten_folder(path.parent, path, folder_made)
    _tighten_files(path)


def _connect(url: str) -> Store:
    try:
        engine = _make_engine(url)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise StorageError(
            f"cannot use the database {masked(url)}: {cause(exc, _password(url))}."
        ) from None
    store = Store(engine)
    try:
        store.prepare()
    except BaseException:
        engine.dispose()
        raise
    return store


def open_store(url: str | None = None) -> Store:
    """Open (or create) the database at ``url`` (default: `resolve_url`).

    An existing SQLite file is checked read-only first; a damaged or foreign
    one raises `StorageError` and is never touched. Files are made under
    umask 077, and the file, its side files and (when it is BackCare's own)
    its folder lose any group or other permission on every open.
    """
    url = resolve_url(url)
    _parsed(url)
    path = sqlite_file(url)
    with private_umask():
        if path is not None:
            _prepare_file(path)
        store = _connect(url)
        if path is not None:
            _tighten_files(path)  # -wal and -shm made by this open
    return store


def memory_store() -> Store:
    """A private in-memory database: one per browser session in shared hosting."""
    store = Store(_make_engine("sqlite://"))
    store.prepare()
    return store


# ---------------------------------------------------------------- reading rows back


def _raw(table: sa.Table) -> list[Any]:
    """Every column of ``table`` as the driver returns it: no type conversion that could
    raise on a damaged value before `_decoded` can name the row."""
    return [sa.type_coerce(c, sa.types.NullType()).label(c.name) for c in table.c]


def _whole(value: Any, low: int, high: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} holds {_short(value)}, not a whole number {low}-{high}")
    return value


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _stored_json(text: Any, name: str) -> Any:
    if not isinstance(text, str):
        raise ValueError(f"{name} holds {_short(text)}, not JSON text")
    try:
        return loads_strict(text)
    except InputError as exc:
        raise ValueError(f"{name} {exc}") from None


def _stored_date(value: Any) -> dt.date:
    """SQLite gives the ISO text back; other databases give a date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None or len(value) != 10:
        raise ValueError(f"date holds {_short(value)}, not a date written YYYY-MM-DD")
    return day


def _row_entry(row: Any) -> DiaryEntry:
    """One stored diary row back as an entry; `ValueError` names the first damaged field."""
    exercises = _stored_json(row.exercises, "exercises")
    if not isinstance(exercises, list) or not all(isinstance(e, str) for e in exercises):
        raise ValueError(f"exercises holds {_short(row.exercises)}, not a list of ids")
    if row.leg_pain not in (0, 1):
        raise ValueError(f"leg_pain holds {_short(row.leg_pain)}, not yes or no")
    if row.sleep is not None and row.sleep not in SLEEP_CHOICES:
        raise ValueError(f"sleep holds {_short(row.sleep)}, not one of {', '.join(SLEEP_CHOICES)}")
    if not isinstance(row.notes, str):
        raise ValueError(f"notes holds {_short(row.notes)}, not text")
    return DiaryEntry(
        date=_stored_date(row.date),
        pain_now=_whole(row.pain_now, PAIN_MIN, PAIN_MAX, "pain_now"),
        pain_worst=_whole(row.pain_worst, PAIN_MIN, PAIN_MAX, "pain_worst"),
        active_minutes=_whole(row.active_minutes, 0, MINUTES_MAX, "active_minutes"),
        exercises=tuple(exercises),
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


def _decoded(
    rows: Iterable[Any], decode: Callable[[Any], Any], where: Callable[[int, Any], str], url: str
) -> list[Any]:
    """Decode every row; raise one `DamagedDataError` naming each row that cannot be read."""
    good: list[Any] = []
    problems: list[str] = []
    for number, row in enumerate(rows, start=1):
        try:
            good.append(decode(row))
        except ValueError as exc:
            problems.append(f"{where(number, row)}: {exc}")
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise DamagedDataError(
            f"{url}: {len(problems)} stored row{'s are' if len(problems) != 1 else ' is'} "
            f"damaged and cannot be read ({shown}). BackCare did not change them.",
            good,
            problems,
        )
    return good


def _diary_where(number: int, row: Any) -> str:
    """Row ``number`` in date order: the same numbering as a full export."""
    return f"diary row {number} (date {_short(str(row.date))})"


# ---------------------------------------------------------------- the store


class Store:
    """The diary, assessments and plans in one database. Every write is one transaction."""

    def __init__(self, engine: Engine):
        self.engine = engine

    @property
    def url(self) -> str:
        """The database URL with its password masked: the only form any message shows."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def _failed(self, doing: str, exc: BaseException, tail: str = "") -> StorageError:
        secret = self.engine.url.password
        return StorageError(f"{self.url}: {doing}: {cause(exc, secret and str(secret))}.{tail}")

    @contextlib.contextmanager
    def _transaction(self, begin: str) -> Iterator[Connection]:
        with self.engine.connect() as con:
            con.execution_options(**{BEGIN_OPTION: begin})
            with con.begin():
                yield con

    # -- schema

    def prepare(self) -> None:
        """Create our tables in a new database, or check and migrate an existing one.

        All in ONE transaction: killed half-way, a new database has no tables and
        the next open starts again.
        """
        try:
            with self._transaction("DEFERRED") as con:
                if self._ready(con):
                    return  # the usual case, and a read-only database can still be read
            with self._transaction("IMMEDIATE") as con:
                self._prepare(con)
        except sa.exc.SQLAlchemyError as exc:
            raise self._failed("cannot open the database", exc) from None
        except OSError as exc:
            raise self._failed("cannot open the database", exc) from None

    def _ready(self, con: Connection) -> bool:
        """True when every table is there at the current version (nothing to write)."""
        if not set(sa.inspect(con).get_table_names()) >= OUR_TABLES:
            return False
        version = con.execute(sa.select(sa.func.max(schema_table.c.version))).scalar()
        return version is not None and _checked_version(self.url, version) == SCHEMA_VERSION

    def _prepare(self, con: Connection) -> None:
        tables = set(sa.inspect(con).get_table_names())
        version = None
        if schema_table.name in tables:
            version = con.execute(sa.select(sa.func.max(schema_table.c.version))).scalar()
        if version is None:
            if tables and tables <= OUR_TABLES and not self._unfinished_setup(con, tables):
                raise StorageError(
                    f"{self.url}: the database has BackCare tables holding data but no "
                    "schema version; it may be damaged. BackCare did not change it. "
                    f"Set {ENV_DB_URL} to a new, empty database."
                )
            if tables and not self._unfinished_setup(con, tables):
                raise StorageError(
                    f"{self.url}: the database holds other tables "
                    f"({', '.join(sorted(tables))}) "
                    "and no BackCare schema version. BackCare did not change it. "
                    f"Set {ENV_DB_URL} to an empty database."
                )
            metadata.create_all(con)
            con.execute(sa.insert(schema_table).values(version=SCHEMA_VERSION, updated_at=_stamp()))
            return
        version = _checked_version(self.url, version)
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](con)
            version += 1
            con.execute(sa.insert(schema_table).values(version=version, updated_at=_stamp()))
        metadata.create_all(con)  # checkfirst: adds nothing when complete

    @staticmethod
    def _unfinished_setup(con: Connection, tables: set[str]) -> bool:
        """BackCare tables only, every one empty, no version: a first run that stopped.

        Only an older BackCare could leave this (its schema was not made in one
        transaction). Nothing can be lost by finishing the setup, so it is finished.
        """
        if not tables <= OUR_TABLES:
            return False
        return not any(
            con.execute(sa.select(sa.literal(1)).select_from(sa.table(t)).limit(1)).first()
            for t in tables
        )

    def schema_version(self) -> int:
        with self.engine.connect() as con:
            return int(con.execute(sa.select(sa.func.max(schema_table.c.version))).scalar())

    def _write(self, fn: Callable[[Connection], Any]) -> Any:
        """Run ``fn(connection)`` in one transaction; roll back and explain on failure."""
        try:
            with self._transaction("IMMEDIATE") as con:
                return fn(con)
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise self._failed("could not save", exc, " Nothing was changed.") from None

    def _read(self, statement: Any) -> list[Any]:
        try:
            with self.engine.connect() as con:
                return list(con.execute(statement))
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise self._failed("could not read", exc) from None

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

        def write(con: Connection) -> int:
            for entry in entries:
                con.execute(sa.delete(diary_table).where(diary_table.c.date == entry.date))
                con.execute(sa.insert(diary_table).values(**_entry_row(entry, stamp)))
            return len(entries)

        return self._write(write)

    def delete_entry(self, day: dt.date) -> bool:
        def write(con: Connection) -> bool:
            return con.execute(sa.delete(diary_table).where(diary_table.c.date == day)).rowcount > 0

        return self._write(write)

    def _diary_query(self) -> sa.Select:
        return sa.select(*_raw(diary_table)).order_by(diary_table.c.date)

    def entry(self, day: dt.date) -> DiaryEntry | None:
        rows = self._read(self._diary_query().where(diary_table.c.date == day))
        found = _decoded(rows, _row_entry, _diary_where, self.url)
        return found[0] if found else None

    def entries(self, start: dt.date | None = None, end: dt.date | None = None) -> list[DiaryEntry]:
        """Diary entries, oldest first, optionally between two dates (inclusive).

        Raises `DamagedDataError` naming every damaged row; its ``usable`` holds
        the readable entries, so an export can still save them.
        """
        query = self._diary_query()
        if start is not None:
            query = query.where(diary_table.c.date >= start)
        if end is not None:
            query = query.where(diary_table.c.date <= end)
        return _decoded(self._read(query), _row_entry, _diary_where, self.url)

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

        def write(con: Connection) -> int:
            return int(
                con.execute(sa.insert(assessment_table).values(**values)).inserted_primary_key[0]
            )

        return self._write(write)

    def assessments(self) -> list[StoredAssessment]:
        """Every saved assessment, oldest first. A damaged one raises `DamagedDataError`."""
        rows = self._read(sa.select(*_raw(assessment_table)).order_by(assessment_table.c.id))
        return _decoded(rows, _row_assessment, lambda _n, r: f"assessment {r.id}", self.url)

    def latest_assessment(self) -> StoredAssessment | None:
        found = self.assessments()
        return found[-1] if found else None

    # -- plans

    def save_plan(self, plan: Mapping[str, Any]) -> None:
        """Keep the latest exercise plan, so the command-line report can include it.

        A damaged older plan does not stop a new one from being saved.
        """
        text = json.dumps(dict(plan), sort_keys=True)
        try:
            latest = self.latest_plan()
        except DamagedDataError:
            latest = None
        if latest == json.loads(text):
            return
        self._write(
            lambda con: con.execute(sa.insert(plan_table).values(saved_at=_stamp(), plan=text))
        )

    def latest_plan(self) -> dict[str, Any] | None:
        rows = self._read(sa.select(*_raw(plan_table)).order_by(plan_table.c.id.desc()).limit(1))
        found = _decoded(rows, _row_plan, lambda _n, r: f"plan {r.id}", self.url)
        return found[0] if found else None

    # -- drafts

    def save_draft(self, name: str, data: Mapping[str, Any]) -> None:
        """Keep ``data`` (JSON-able) under ``name``, replacing any older draft of that name."""
        text = json.dumps(dict(data), sort_keys=True)

        def write(con: Connection) -> None:
            con.execute(sa.delete(draft_table).where(draft_table.c.name == name))
            con.execute(sa.insert(draft_table).values(name=name, saved_at=_stamp(), data=text))

        self._write(write)

    def draft(self, name: str) -> dict[str, Any] | None:
        """The draft saved under ``name``, or None. A damaged one raises `DamagedDataError`."""
        rows = self._read(sa.select(*_raw(draft_table)).where(draft_table.c.name == name))
        found = _decoded(rows, _row_draft, lambda _n, r: f"draft {r.name!r}", self.url)
        return found[0] if found else None

    def clear_draft(self, name: str) -> bool:
        """Forget the draft saved under ``name``; True if there was one."""

        def write(con: Connection) -> bool:
            return (
                con.execute(sa.delete(draft_table).where(draft_table.c.name == name)).rowcount > 0
            )

        return self._write(write)


def _row_assessment(row: Any) -> StoredAssessment:
    answers = _stored_json(row.answers, "answers")
    result = _stored_json(row.result, "result")
    if not isinstance(answers, dict) or not isinstance(result, dict):
        raise ValueError("answers or result is not a JSON object")
    try:
        taken = dt.datetime.fromisoformat(row.taken_at)
    except (TypeError, ValueError):
        raise ValueError(f"taken_at holds {_short(row.taken_at)}, not a time") from None
    return StoredAssessment(
        id=row.id, taken_at=taken, level=str(row.level), answers=answers, result=result
    )


def _row_draft(row: Any) -> dict[str, Any]:
    data = _stored_json(row.data, "data")
    if not isinstance(data, dict):
        raise ValueError("data is not a JSON object")
    return data


def _row_plan(row: Any) -> dict[str, Any]:
    plan = _stored_json(row.plan, "plan")
    if not isinstance(plan, dict):
        raise ValueError("plan is not a JSON object")
    return plan
