"""Columnar reads of the store: Arrow tables straight from the database driver.

Row-wise fetching through SQLAlchemy builds a Python object per cell: 27 million of them for
1.5 million units, about 25 s. ADBC drivers hand over Arrow columns instead (SQLite: about
2 s in two threads; PostgreSQL: binary COPY). Other databases, and in-memory SQLite, fall back
to `pandas.read_sql`. Every path ends in `typed_units`, so the frame is the same whichever
path read it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from dashboard import schema

#: Text columns with few distinct values, kept as pandas categoricals (codes + one copy of
#: each value): a quarter of the memory and fast group-bys.
CATEGORICAL_COLUMNS = ("nis_code", "municipality", "postcode", "street", "category", "group_code", "status",
                       "shopping_area")
#: Threads that read one SQLite table in rowid ranges (the machines this runs on have two cores).
SQLITE_READERS = 2


def read_table(engine: Engine, table: str, *, batch_ids: list[int]) -> pd.DataFrame:
    """All rows of ``table`` that belong to ``batch_ids``, in batch order."""
    columns = [c.name for c in schema.DATA_TABLES[table].columns]
    ids = ",".join(str(int(b)) for b in batch_ids) or "NULL"
    query = f"SELECT {', '.join(columns)} FROM {table} WHERE batch_id IN ({ids})"  # noqa: S608 - ints only
    arrow = _read_arrow(engine, table, query)
    if arrow is None:
        with engine.connect() as conn:
            return pd.read_sql(text(query), conn)
    return arrow.to_pandas()


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

    def fetch(sql: str) -> pa.Table:
        with adbc.connect(path) as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetch_arrow_table()

    bounds = fetch(f"SELECT min(rowid) AS low, max(rowid) AS high FROM {table}").to_pylist()[0]  # noqa: S608
    if bounds["low"] is None:
        return fetch(query)
    step = (bounds["high"] - bounds["low"]) // SQLITE_READERS + 1
    parts = [f"{query} AND rowid >= {bounds['low'] + i * step} AND rowid < {bounds['low'] + (i + 1) * step}"
             for i in range(SQLITE_READERS)]
    with ThreadPoolExecutor(SQLITE_READERS) as pool:
        tables = list(pool.map(fetch, parts))
    # SQLite has no column types: an all-NULL range reads as a null column; unify before joining.
    return pa.concat_tables(tables, promote_options="permissive")


def typed_units(frame: pd.DataFrame) -> pd.DataFrame:
    """Units with the dtypes the analysis expects, whatever the driver returned.

    Dates become ``datetime64[s]``, ``chain`` True/False/None, low-cardinality text categorical.
    """
    frame = frame.copy()
    for column in ("vacant_since", "observed_on"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[s]")
    missing = frame["chain"].isna()
    frame["chain"] = frame["chain"].fillna(0).astype(bool).astype(object).where(~missing, None)
    for column in CATEGORICAL_COLUMNS:
        frame[column] = frame[column].astype("category")
    for column in ("floor_area_m2", "lat", "lon"):
        frame[column] = frame[column].astype("float64")
    return frame

