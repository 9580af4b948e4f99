"""Columnar reads of the store: Arrow tables straight from the database driver.

Row-wise fetching through SQLAlchemy builds a Python object per cell: 27 million of them for
1.5 million units, about 25 s. ADBC drivers hand over Arrow columns instead (SQLite: about
3 s in two threads; PostgreSQL: binary COPY). Other databases, and in-memory SQLite, fall back
to `pandas.read_sql`. Both paths end in the same dtypes (`typed`).

Only rows of the given batches are read. Batches never change once written, so the rows of
the listed batches are the same whichever moment each reader thread reads them: a reader never
sees half a batch.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from dashboard import schema

#: Text columns of units with few distinct values, kept as pandas categoricals (codes plus one
#: copy of each value): a fraction of the memory, and fast group-bys and filters.
CATEGORICAL_COLUMNS = ("nis_code", "municipality", "postcode", "street", "category", "group_code", "status",
                       "shopping_area")
#: Threads that read one SQLite table in rowid ranges (the machines this runs on have two cores).
SQLITE_READERS = 2


def read_table(engine: Engine, table: str, *, batch_ids: list[int]) -> pd.DataFrame:
    """The rows of ``table`` that belong to ``batch_ids``, typed (see `typed`)."""
    columns = [c.name for c in schema.DATA_TABLES[table].columns]
    ids = ",".join(str(int(b)) for b in batch_ids) or "NULL"
    query = f"SELECT {', '.join(columns)} FROM {table} WHERE batch_id IN ({ids})"  # noqa: S608 - ints only
    arrow = _read_arrow(engine, table, query)
    if arrow is None:
        with engine.connect() as conn:
            arrow = pa.Table.from_pandas(pd.read_sql(text(query), conn), preserve_index=False)
    return typed(arrow, table)


def typed(arrow: pa.Table, table: str) -> pd.DataFrame:
    """A frame with the dtypes the analysis expects, whatever the driver returned.

    Dates become ``datetime64[s]``, booleans the nullable ``boolean``, floats float64, and the
    `CATEGORICAL_COLUMNS` of units categoricals; other text stays ``str``.
    """
    columns = {}
    for column in schema.DATA_TABLES[table].columns:
        values = arrow.column(column.name)
        kind = column.type.python_type
        if table == "units" and column.name in CATEGORICAL_COLUMNS:
            values = pc.cast(values, pa.string()).dictionary_encode()
        elif kind is bool:
            values = pc.cast(values, pa.bool_())
        elif kind in (float, Decimal):
            values = pc.cast(values, pa.float64())
        elif kind.__name__ == "date":
            values = pc.cast(pc.cast(values, pa.string()), pa.date32()) if values.type != pa.date32() else values
        columns[column.name] = values
    frame = pa.table(columns).to_pandas(date_as_object=False)
    for column in schema.DATA_TABLES[table].columns:
        kind = column.type.python_type
        if kind is bool:  # True/False/<NA>: a flag may be unknown
            frame[column.name] = frame[column.name].astype("boolean")
        elif kind.__name__ == "date":
            frame[column.name] = frame[column.name].astype("datetime64[s]")
    return frame


def _read_arrow(engine: Engine, table: str, query: str) -> pa.Table | None:
    url = make_url(engine.url)
    backend = url.get_backend_name()
    try:
        if backend == "sqlite" and url.database and url.database != ":memory:":
            return _read_sqlite(url.database, table, query)
        if backend == "postgresql":
            import adbc_driver_postgresql.dbapi as adbc

            plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
            with adbc.connect(plain) as conn, conn.cursor() as cursor:
                cursor.execute(query)
                return cursor.fetch_arrow_table()
    except ImportError:
        return None
    return None


def _read_sqlite(path: str, table: str, query: str) -> pa.Table:
    import adbc_driver_sqlite.dbapi as adbc

    # SQLite has no column types: the driver guesses each from the values of a result's first
    # 1,024 rows, and fails when those are all NULL and a later value is text. A first row of
    # the right types (dropped after reading) settles every guess.
    typed_row = ", ".join(f"{_SQLITE_EXAMPLE.get(c.type.python_type, repr(''))} AS {c.name}"
                          for c in schema.DATA_TABLES[table].columns)

    def fetch(sql: str) -> pa.Table:
        with adbc.connect(path) as conn, conn.cursor() as cursor:
            # Wait for a writer's or a checkpoint's lock, as the store's own connections do.
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.fetchall()
            cursor.execute(f"SELECT {typed_row} UNION ALL {sql}")
            return cursor.fetch_arrow_table().slice(1)

    with adbc.connect(path) as conn, conn.cursor() as cursor:
        cursor.execute(f"SELECT min(rowid), max(rowid) FROM {table}")  # noqa: S608 - a table of the schema
        low, high = cursor.fetchone()
    if low is None:
        return fetch(query)
    step = (high - low) // SQLITE_READERS + 1
    parts = [f"{query} AND rowid >= {low + i * step} AND rowid < {low + (i + 1) * step}" for i in range(SQLITE_READERS)]
    with ThreadPoolExecutor(SQLITE_READERS) as pool:
        tables = list(pool.map(fetch, parts))
    return pa.concat_tables(tables)


_SQLITE_EXAMPLE = {int: "0", bool: "0", float: "0.5", Decimal: "0.5"}
