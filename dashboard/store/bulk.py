"""A batch's rows into the store: PostgreSQL by COPY, many SQLite rows through a staging file, a
few by one prepared statement (`insert_frame`).

Python's ``sqlite3`` binds every value of an ``executemany`` on its own: about a second per
100,000 units of 18 columns. ADBC's SQLite driver writes an Arrow table to a file in C instead,
and one ``INSERT … SELECT`` from that file, attached to the store's connection inside the import's
own transaction, copies the rows: an import still lands whole or not at all.

The driver brings its own SQLite library. It only ever opens the staging file, and has closed it
before the store's connection attaches it: two SQLite libraries holding one file at the same
time would break its locks, which is also why the store itself is never opened through ADBC.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Connection, Date, Integer, Numeric, String
from sqlalchemy.exc import DBAPIError

#: Below this many rows a staging file costs more than it saves.
MIN_ROWS = 5_000
_ALIAS = "kernmonitor_staged"
#: The lock on each staging file this process is using (path → open descriptor): while an import
#: runs, it holds its files locked, so a file nobody locks was left by an import that was killed.
_HELD: dict[Path, int] = {}
#: A file younger than this may have been created by an import that has not locked it yet.
_GRACE_SECONDS = 10


def insert(conn: Connection, table: str, columns: dict[str, list], *, batch_id: int, text: set[str],
           attached: list[tuple[str, Path]]) -> bool:
    """Insert the rows (one list of values per column, as ``executemany`` would take them) into
    ``table`` on the SQLite connection ``conn``, with ``batch_id``, through a staging file.

    ``text`` names the columns of text type, ``attached`` collects the staging files attached to
    ``conn``: `release` them after the transaction. Returns False, having written nothing, when
    this cannot be done: ADBC's SQLite driver is not installed, or a column's values do not fit one
    Arrow type that SQLite would store as ``executemany`` does (numbers in a text column).
    """
    path = _staged(columns, text=text, beside=conn.engine.url.database)
    if path is None:
        return False
    alias = f"{_ALIAS}_{len(attached)}"
    conn.connection.dbapi_connection.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
    attached.append((alias, path))
    names = ", ".join(columns)
    conn.exec_driver_sql(f"INSERT INTO {table} ({names}, batch_id) SELECT {names}, ? FROM {alias}.rows",  # noqa: S608
                         (batch_id,))  # names from the schema
    return True


def release(conn: Connection, attached: list[tuple[str, Path]]) -> None:
    """After the transaction (committed or not): detach the staging files and remove them."""
    while attached:
        alias, path = attached.pop()
        try:
            if not conn.invalidated:
                conn.connection.dbapi_connection.execute(f"DETACH DATABASE {alias}")
        except sqlite3.Error:  # the pool must not hand out a connection with a file still attached
            conn.invalidate()
        finally:
            path.unlink(missing_ok=True)
            _let_go(path)


def _staged(columns: dict[str, list], *, text: set[str], beside: str | None = None) -> Path | None:
    """The rows as table ``rows`` of a new SQLite file next to the database file ``beside`` (or in
    the temporary folder), or None (see `insert`)."""
    try:
        import adbc_driver_sqlite.dbapi as adbc
    except ImportError:
        return None
    try:
        rows = pa.table({name: pa.array(values) for name, values in columns.items()})
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. numbers and text in one column
        return None
    if any(rows.schema.field(name).type not in (pa.string(), pa.null()) for name in text):
        return None  # 12 and 12.5 become doubles: the text column would read "12.0"
    store = Path(beside) if beside and beside != ":memory:" else Path(tempfile.gettempdir()) / "kernmonitor"
    remove_orphans(store)
    handle, name = tempfile.mkstemp(prefix=f"{store.name}.staging-", suffix=".db", dir=store.parent)
    fcntl.flock(handle, fcntl.LOCK_EX)  # a new file: nobody else can hold it
    path = Path(name)
    _HELD[path] = handle
    try:
        with adbc.connect(name, autocommit=True) as connection, connection.cursor() as cursor:
            for pragma in ("journal_mode=OFF", "synchronous=OFF"):  # a scratch file: no journal, no fsync
                cursor.execute(f"PRAGMA {pragma}")
                cursor.fetchall()
            cursor.adbc_ingest("rows", rows, mode="create")
    except BaseException:
        path.unlink(missing_ok=True)
        _let_go(path)
        raise
    return path


def _let_go(path: Path) -> None:
    handle = _HELD.pop(path, None)
    if handle is not None:
        os.close(handle)  # closing releases the lock


def orphans(store: Path) -> list[Path]:
    """The staging files beside the SQLite file ``store`` that no running import holds: left by
    imports that were killed (the next import removes them, `remove_orphans`)."""
    left, now = [], time.time()
    for candidate in sorted(store.parent.glob(f"{store.name}.staging-*.db")):
        if candidate in _HELD:
            continue
        try:
            if now - candidate.stat().st_mtime < _GRACE_SECONDS:
                continue
            handle = os.open(candidate, os.O_RDONLY)
        except OSError:  # gone meanwhile, or not ours to read
            continue
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            left.append(candidate)
        except BlockingIOError:  # an import in another process is using it
            pass
        finally:
            os.close(handle)
    return left


def remove_orphans(store: Path) -> list[Path]:
    """Remove the staging files of killed imports beside ``store``; return what was removed."""
    removed = []
    for leftover in orphans(store):
        try:
            leftover.unlink()
            removed.append(leftover)
        except OSError:  # gone meanwhile, or another user's file
            pass
    return removed


#: Rows per executemany call on SQLite (few rows, below `MIN_ROWS`).
_INSERT_CHUNK = 20_000


def insert_frame(conn: Connection, table, frame: pd.DataFrame, columns: list[str], batch_id: int, *,
                  staged: list) -> None:
    """Insert a frame's rows on the transaction's own connection; every kind of missing value
    becomes NULL. PostgreSQL takes them by COPY; SQLite many rows through a staging file
    (`insert`), a few by one prepared statement run per row."""
    if frame.empty:
        return
    sqlite = conn.dialect.name == "sqlite"
    cells = {c: _cells(frame[c], table.c[c].type, sqlite=sqlite) for c in columns if c in frame.columns}
    text = {c for c in cells if isinstance(table.c[c].type, String)}
    if sqlite and len(frame) >= MIN_ROWS and insert(conn, table.name, cells, batch_id=batch_id, text=text,
                                                    attached=staged):
        return
    rows = zip(*cells.values(), [batch_id] * len(frame), strict=True)
    names = [*cells, "batch_id"]
    if conn.dialect.name == "postgresql":
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        try:
            with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        except conn.dialect.dbapi.Error as error:  # the same exceptions as a statement through SQLAlchemy
            raise DBAPIError.instance(statement, None, error, conn.dialect.dbapi.Error) from error
        return
    marks = ", ".join("?" if conn.dialect.paramstyle == "qmark" else "%s" for _ in names)
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608 - schema names
    rows = list(rows)
    for start in range(0, len(rows), _INSERT_CHUNK):
        conn.exec_driver_sql(statement, rows[start:start + _INSERT_CHUNK])


def _cells(series: pd.Series, column_type, *, sqlite: bool) -> list:
    """A column as Python values the drivers accept: None for missing, dates as dates and
    decimals as floats (for SQLite ISO text and floats, as SQLAlchemy stores them there)."""
    if isinstance(column_type, Date):
        # A batch holds few distinct dates: each is turned into a value once.
        codes, days = pd.factorize(pd.to_datetime(series))
        days = days.strftime("%Y-%m-%d") if sqlite else [day.date() for day in days]
        return np.append(np.asarray(days, dtype=object), None)[codes].tolist()  # code −1 (missing): None
    if isinstance(column_type, Integer) and not pd.api.types.is_integer_dtype(series):
        series = pd.to_numeric(series).astype("Int64")  # 10000.0 (a column with gaps) is 10000
    elif isinstance(column_type, Numeric) and sqlite:
        series = pd.to_numeric(series, errors="coerce").astype(float)
    # object dtype turns numpy scalars into Python ones, which every driver accepts.
    return series.astype(object).where(series.notna(), None).tolist()
