"""A batch's rows into the store: PostgreSQL by COPY, many SQLite rows through a staging file, a
few by one prepared statement (`insert_frame`).

Python's ``sqlite3`` binds every value of an ``executemany`` on its own: about a second per
100,000 units of 18 columns. ADBC's SQLite driver writes an Arrow table to a file in C instead,
and one ``INSERT … SELECT`` from that file, attached to the store's connection inside the import's
own transaction, copies the rows: an import still lands whole or not at all.

Every way turns the rows into Python values a slice at a time (`slices`), so a file at the row
limit never has all its cells as Python objects at once.

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
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from sqlalchemy import Boolean, Connection, Date, Float, Integer, Numeric, String, Table, func
from sqlalchemy.exc import DBAPIError

from dashboard.store import schema

#: Below this many rows a staging file costs more than it saves.
MIN_ROWS = 5_000
_ALIAS = "kernmonitor_staged"
#: A fixed type per column (not one inferred per slice): a column empty in the first slice
#: holds text or numbers in the next. Dates go to SQLite as ISO text, decimals as floats. (Float is
#: no Numeric since SQLAlchemy 2.1: without its own entry every units batch went row by row.)
_NUMBERS = (Numeric, Float)
_ARROW_TYPES = ((Boolean, pa.bool_()), (Date, pa.string()), (Integer, pa.int64()), (_NUMBERS, pa.float64()),
                (String, pa.string()))
#: The lock on each staging file this process is using (path → open descriptor): while an import
#: runs, it holds its files locked, so a file nobody locks was left by an import that was killed.
_HELD: dict[Path, int] = {}
#: A file younger than this may have been created by an import that has not locked it yet.
_GRACE_SECONDS = 10


def insert(conn: Connection, table: Table, frame: pd.DataFrame, *, batch_id: int,
           attached: list[tuple[str, Path]]) -> bool:
    """Insert the rows of ``frame`` (whose columns are ``table``'s) into ``table`` on the SQLite
    connection ``conn``, with ``batch_id``, through a staging file.

    ``attached`` collects the staging files attached to ``conn``: `release` them after the
    transaction. Returns False, having written nothing, when this cannot be done: ADBC's SQLite
    driver is not installed, or a column's values do not fit the Arrow type that SQLite would
    store as ``executemany`` does (numbers in a text column).
    """
    path = _staged(frame, table, batch_id=batch_id, beside=conn.engine.url.database)
    if path is None:
        return False
    alias = f"{_ALIAS}_{len(attached)}"
    conn.connection.dbapi_connection.execute(f"ATTACH DATABASE ? AS {alias}", (str(path),))
    attached.append((alias, path))
    names = ", ".join([*frame.columns, "batch_id"])
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({names}) SELECT {names} FROM {alias}.rows")  # noqa: S608 - schema
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


def _staged(frame: pd.DataFrame, table: Table, *, batch_id: int, beside: str | None = None) -> Path | None:
    """The rows as table ``rows`` of a new SQLite file next to the database file ``beside`` (or in
    the temporary folder), or None (see `insert`)."""
    try:
        import adbc_driver_sqlite.dbapi as adbc
    except ImportError:
        return None
    types = _arrow_schema(table, frame.columns)
    if types is None:
        return None
    store = Path(beside) if beside and beside != ":memory:" else Path(tempfile.gettempdir()) / "kernmonitor"
    remove_orphans(store)
    handle, name = tempfile.mkstemp(prefix=f"{store.name}.staging-", suffix=".db", dir=store.parent)
    fcntl.flock(handle, fcntl.LOCK_EX)  # a new file: nobody else can hold it
    path = Path(name)
    _HELD[path] = handle
    written = False
    try:
        with adbc.connect(name, autocommit=True) as connection, connection.cursor() as cursor:
            for pragma in ("journal_mode=OFF", "synchronous=OFF"):  # a scratch file: no journal, no fsync
                cursor.execute(f"PRAGMA {pragma}")
                cursor.fetchall()
            written = _write_slices(cursor, frame, table, types, batch_id=batch_id)
    finally:
        if not written:  # refused, or interrupted: no file is left behind
            path.unlink(missing_ok=True)
            _let_go(path)
    return path if written else None


def _write_slices(cursor, frame: pd.DataFrame, table: Table, types: pa.Schema, *, batch_id: int) -> bool:
    """Append the frame's rows to table ``rows`` of the staging file, `SLICE_ROWS` at a time (one
    slice of Python values and one Arrow table at a time, however many rows the file has).
    False as soon as a slice does not fit ``types``."""
    for number, cells in enumerate(slices(frame, table, batch_id=batch_id, sqlite=True)):
        try:
            rows = pa.table(cells, schema=types)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # e.g. 12 in a text column: SQLite keeps it a number
            return False
        cursor.adbc_ingest("rows", rows, mode="append" if number else "create")
    return True


def _arrow_schema(table: Table, names) -> pa.Schema | None:
    """The Arrow types of the staging table's columns ``names`` and ``batch_id``: those of the
    values `_cells` gives on SQLite (None when a column has a type without one here)."""
    fields = []
    for name in [*names, "batch_id"]:
        kind = type(table.c[name].type)
        arrow = next((arrow for base, arrow in _ARROW_TYPES if issubclass(kind, base)), None)
        if arrow is None:
            return None
        fields.append(pa.field(name, arrow))
    return pa.schema(fields)


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


#: Bytes of a batch's file written at a time (`insert_file`).
_BLOB_SLICE = 16 * 1024 * 1024


def insert_file(conn: Connection, batch_id: int, raw: bytes | None) -> None:
    """The batch's file into ``batch_files`` (nothing for None).

    SQLite gets a blob of zeros of the file's size, which incremental blob I/O then fills a slice
    at a time: bound to the INSERT, the file would be held twice more at once (SQLite's copy of
    the bound value and the row made of it, 0,4 GB for a file at the size limit).
    """
    if raw is None:
        return
    sqlite = conn.dialect.name == "sqlite"
    conn.execute(schema.batch_files.insert().values(batch_id=batch_id, raw=func.zeroblob(len(raw)) if sqlite else raw))
    if not sqlite or not raw:
        return
    view = memoryview(raw)
    with conn.connection.dbapi_connection.blobopen(schema.batch_files.name, "raw", batch_id) as blob:
        for start in range(0, len(view), _BLOB_SLICE):
            blob.write(view[start:start + _BLOB_SLICE])


#: Rows turned into Python values at a time: an import's memory grows with this, not with the
#: file (2.000.000 rows of 18 columns as Python values are some 1,5 GB). At 250.000 the slice and
#: its Arrow table made the write the page's highest point (+0,1 GB at the row limit).
SLICE_ROWS = 50_000
#: Rows per executemany call on SQLite (few rows, below `MIN_ROWS`, or a staging file refused).
_INSERT_CHUNK = 20_000


def insert_frame(conn: Connection, table: Table, frame: pd.DataFrame, columns: list[str], batch_id: int, *,
                 staged: list) -> None:
    """Insert a frame's rows on the transaction's own connection; every kind of missing value
    becomes NULL. PostgreSQL takes them by COPY; SQLite many rows through a staging file
    (`insert`), a few by one prepared statement run per row."""
    if frame.empty:
        return
    frame = frame[[c for c in columns if c in frame.columns]]  # copy on write: no data copied
    if conn.dialect.name == "postgresql":
        _copy(conn, table, frame, batch_id)
        return
    sqlite = conn.dialect.name == "sqlite"
    if sqlite and len(frame) >= MIN_ROWS and insert(conn, table, frame, batch_id=batch_id, attached=staged):
        return
    names = [*frame.columns, "batch_id"]
    marks = ", ".join("?" if conn.dialect.paramstyle == "qmark" else "%s" for _ in names)
    statement = f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})"  # noqa: S608 - schema names
    for cells in slices(frame, table, batch_id=batch_id, sqlite=sqlite, rows=_INSERT_CHUNK):
        conn.exec_driver_sql(statement, list(zip(*cells.values(), strict=True)))


def _copy(conn: Connection, table: Table, frame: pd.DataFrame, batch_id: int) -> None:
    """The rows into PostgreSQL by one COPY, fed a slice at a time."""
    statement = f"COPY {table.name} ({', '.join([*frame.columns, 'batch_id'])}) FROM STDIN"
    try:
        with conn.connection.dbapi_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for cells in slices(frame, table, batch_id=batch_id, sqlite=False):
                for row in zip(*cells.values(), strict=True):
                    copy.write_row(row)
    except conn.dialect.dbapi.Error as error:  # the same exceptions as a statement through SQLAlchemy
        raise DBAPIError.instance(statement, None, error, conn.dialect.dbapi.Error) from error


def slices(frame: pd.DataFrame, table: Table, *, batch_id: int, sqlite: bool,
           rows: int | None = None) -> Iterator[dict[str, list]]:
    """The frame's values as the drivers take them (`_cells`), column by column with ``batch_id``
    last, ``rows`` (`SLICE_ROWS`) rows at a time: only the slice in hand is held as Python values."""
    rows = rows or SLICE_ROWS
    for start in range(0, len(frame), rows):
        part = frame.iloc[start:start + rows]
        cells = {name: _cells(part[name], table.c[name].type, sqlite=sqlite) for name in part.columns}
        yield cells | {"batch_id": [batch_id] * len(part)}


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
    elif isinstance(column_type, _NUMBERS) and sqlite:
        series = pd.to_numeric(series, errors="coerce").astype(float)
    # object dtype turns numpy scalars into Python ones, which every driver accepts.
    return series.astype(object).where(series.notna(), None).tolist()
