"""Opening a store's database: the engine, SQLite's pragmas, how writers wait for each other, and the
store's own Dutch errors for faults of the database or its disk (`store_fault`)."""

from __future__ import annotations

import errno
import functools
import inspect
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing, suppress
from contextvars import ContextVar
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError, OperationalError

#: Execution option that marks a connection as a writer: it takes the write lock when its
#: transaction begins (see `open_engine` and `dashboard.store.database.Store._write`).
WRITER = "kernmonitor_writer"
#: How long a writer waits for another writer's transaction before it gives up (`StoreBusy`).
BUSY_TIMEOUT_MS = 30_000


def open_engine(url: str) -> Engine:
    """An engine on the store at ``url``: SQLite in WAL mode whose writers take the write lock up
    front (see `Store._write`); any other database as SQLAlchemy opens it."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        _create_in_wal_mode(Path(parsed.database))
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        # SQLAlchemy, not the sqlite3 module, opens transactions (SQLAlchemy's pysqlite recipe
        # "Serializable isolation / Savepoints / Transactional DDL"): see `_begin`.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # A writer takes the write lock up front (waiting up to the busy timeout). With the
        # default deferred BEGIN a transaction that reads first and then writes cannot wait for
        # another writer: SQLite fails it at once with "database is locked". Readers stay
        # deferred, so they never wait for a writer.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITER) else "BEGIN")

    return engine


def _create_in_wal_mode(path: Path) -> None:
    """Make a new SQLite file already in WAL mode, in one step, unless it exists.

    Two processes opening a new store at once would otherwise both switch it from the rollback
    journal to WAL while the other already reads or writes it, and one can wait out the busy
    timeout on the other's locks. The file is made beside its place and linked there, which
    fails if another process was first (then its file is used).
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.new-", dir=path.parent)
    os.close(handle)
    try:
        with closing(sqlite3.connect(name)) as conn:
            conn.execute("PRAGMA journal_mode=WAL")  # kept in the file's header
        with suppress(FileExistsError):
            os.link(name, path)
    finally:
        for leftover in (name, f"{name}-wal", f"{name}-shm"):
            with suppress(FileNotFoundError):
                os.unlink(leftover)


#: Below this much free space (bytes) an SQLite I/O error is taken for a full disk: SQLite then fails
#: to grow its shared-memory or WAL file and says "disk I/O error" rather than "disk is full".
NEARLY_FULL_BYTES = 1 << 20
#: PostgreSQL SQLSTATEs (Appendix A of its manual): a full disk; a wait that gave up (lock_timeout,
#: deadlock, serialisation, too many connections, statement timeout); a server that cannot be reached
#: or refuses the connection (class 08, 28 authorisation, 3D000 no such database, 57P01–03 shut down).
_PG_FULL = {"53100"}
_PG_BUSY = {"55P03", "40P01", "40001", "53300", "57014"}
_PG_UNAVAILABLE_CLASSES = {"08", "28"}
_PG_UNAVAILABLE = {"3D000", "57P01", "57P02", "57P03"}
#: SQLite's primary result codes (sqlite.org/rescode.html).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_IOERR, _SQLITE_FULL, _SQLITE_CANTOPEN = 5, 6, 10, 13, 14
#: Writes committed in this thread (a page's run, a command): `committed_writes`.
_COMMITTED: ContextVar[int] = ContextVar("kernmonitor_committed_writes", default=0)


class StoreFault(RuntimeError):
    """The database or its disk failed, not the input: the operation did not happen. The message is
    Dutch and says what to do; ``detail`` holds the driver's own words (for the log and the command
    line, never for a page: it may name hosts and files)."""

    def __init__(self, message: str, detail: str | None = None):
        super().__init__(message)
        self.detail = detail


class StoreBusy(StoreFault):
    """Another write (an import or a rollback) held the store longer than the busy timeout."""


class StoreFull(StoreFault):
    """The disk of the database (or of its staging and cache files) is full."""


class StoreUnavailable(StoreFault):
    """The database server cannot be reached (stopped, connection lost), or the file cannot be opened."""


def store_fault(problem: BaseException, url: str | None = None, *, committing: bool = False) -> StoreFault | None:
    """The store's own error for a fault of the database or its disk, or None for anything else.

    ``url`` tells where an SQLite file lives (to tell a full disk from another I/O error);
    ``committing``: the fault came while the transaction was being committed, so for a lost
    connection it is not certain that nothing was stored.
    """
    if isinstance(problem, StoreFault):
        return problem
    kind = _kind(problem, url)
    detail = " ".join(str(getattr(problem, "orig", None) or problem).split())[:300] or None
    if kind == "busy":
        return StoreBusy(
            f"De databank is bezig met een andere import of ongedaanmaking (langer dan {BUSY_TIMEOUT_MS // 1000} "
            "seconden). Er is niets opgeslagen: probeer het over een minuut opnieuw.", detail)
    if kind == "full":
        return StoreFull("De schijf van de databank is vol. Er is niets opgeslagen: maak schijfruimte vrij (of vraag "
                         "het de beheerder) en probeer het opnieuw.", detail)
    if kind != "unavailable":
        return None
    if url is not None and make_url(url).get_backend_name() == "sqlite":
        return StoreUnavailable("De databank kan niet geopend of gelezen worden. Er is niets opgeslagen: controleer of "
                                "het databankbestand bestaat en leesbaar is (of vraag het de beheerder) en probeer het "
                                "opnieuw.", detail)
    if committing:  # the server may have committed before the connection went: a retry tells
        return StoreUnavailable(
            "De verbinding met de databankserver viel weg terwijl de wijziging bevestigd werd: of ze opgeslagen is, "
            "is niet zeker. Controleer of de databankserver draait (of vraag het de beheerder) en probeer het "
            "opnieuw: een bestand dat toch al opgeslagen is, of een batch die al ongedaan gemaakt is, wordt dan "
            "gemeld.", detail)
    return StoreUnavailable("De databankserver is niet bereikbaar: de verbinding viel weg of de server staat uit. "
                            "Er is niets opgeslagen: controleer of de databankserver draait (of vraag het de "
                            "beheerder) en probeer het opnieuw.", detail)


def _kind(problem: BaseException, url: str | None) -> str | None:
    """"busy", "full", "unavailable" or None, from the driver's error under SQLAlchemy's."""
    error = getattr(problem, "orig", None) or problem
    if isinstance(error, OSError):
        return "full" if error.errno in (errno.ENOSPC, errno.EDQUOT) else None
    if sqlstate := getattr(error, "sqlstate", None):
        return ("full" if sqlstate in _PG_FULL else "busy" if sqlstate in _PG_BUSY
                else "unavailable" if sqlstate in _PG_UNAVAILABLE or sqlstate[:2] in _PG_UNAVAILABLE_CLASSES else None)
    if (code := getattr(error, "sqlite_errorcode", None)) is not None:
        primary = code & 0xFF  # the extended codes keep the primary one in their low byte
        if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN):
            return "full" if _nearly_full(url) else "unavailable"
        return {_SQLITE_FULL: "full", _SQLITE_BUSY: "busy", _SQLITE_LOCKED: "busy"}.get(primary)
    text = str(error)
    if "database or disk is full" in text:  # ADBC's SQLite driver writing a staging file
        return "full"
    if "database is locked" in text:
        return "busy"
    # No SQLSTATE: psycopg could not connect, or the connection broke (SQLAlchemy then invalidates it).
    if getattr(problem, "connection_invalidated", False) or isinstance(problem, (OperationalError, InterfaceError)):
        return "unavailable"
    return None


def _nearly_full(url: str | None) -> bool:
    """Whether the disk that holds an SQLite store has (almost) no room left."""
    database = make_url(url).database if url else None
    if not database or database == ":memory:":
        return False
    try:
        return shutil.disk_usage(Path(database).resolve().parent).free < NEARLY_FULL_BYTES
    except OSError:
        return False


def count_commit() -> None:
    """Count a write transaction that committed (`committed_writes`)."""
    _COMMITTED.set(_COMMITTED.get() + 1)


def committed_writes() -> int:
    """How many writes this thread (a page's run, a command) committed so far: compared before and
    after a fault, it tells whether the fault came after something was stored."""
    return _COMMITTED.get()


def raising_store_faults(cls: type) -> type:
    """Class decorator: every public method (and ``__init__``) raises the store's own errors
    (`store_fault`) for faults of the database or its disk, and anything else as it came."""
    for name, member in list(vars(cls).items()):
        if inspect.isfunction(member) and (name == "__init__" or not name.startswith("_")):
            setattr(cls, name, _raising_store_faults(member))
    return cls


def _raising_store_faults(method):
    @functools.wraps(method)
    def translated(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as problem:
            fault = store_fault(problem, getattr(self, "url", None))
            if fault is None or fault is problem:
                raise
            raise fault from problem

    return translated
