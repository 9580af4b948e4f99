"""Opening a store's database: the engine, SQLite's pragmas and how writers wait for each other."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing, suppress
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

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


def lock_timeout(problem: OperationalError) -> bool:
    """Whether a write gave up waiting for another writer (SQLite busy, PostgreSQL lock_timeout)."""
    return "database is locked" in str(problem.orig) or getattr(problem.orig, "sqlstate", None) == "55P03"
