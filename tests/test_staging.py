"""dashboard.store.bulk: many rows into SQLite through a staging file, stored exactly as row by row."""

import fcntl
import os
import sqlite3
import time

import pandas as pd
import pytest
from sqlalchemy.exc import IntegrityError

from dashboard.store import bulk as staging
from dashboard.store import schema
from dashboard.store.database import Batch, Store
from tests.conftest import unit_rows


def _frame() -> pd.DataFrame:
    return unit_rows(
        {"unit_id": "A", "street": "Grote Markt", "house_number": "0012", "name": "Café 't Hoekje; <b>",
         "status": "vacant", "group_code": "00", "floor_area_m2": 85.5, "vacant_since": "2016-03-15",
         "lat": 50.8279, "lon": 3.2649, "chain": False, "shopping_area": "centrum"},  # text that looks numeric
        {"unit_id": "B", "group_code": "22", "chain": True, "floor_area_m2": float("nan")},  # NaN: NULL
        {"unit_id": "C", "group_code": None, "chain": None, "municipality": "Ieper", "floor_area_m2": 1e-7},
        observed_on="2024-01-01")


def _stored(path) -> list[tuple]:
    """Every stored unit with the SQLite type of each value (row by row and staged must agree)."""
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(units)")]
        typed = ", ".join(f"{c}, typeof({c})" for c in columns)
        return conn.execute(f"SELECT {typed} FROM units ORDER BY unit_id").fetchall()  # noqa: S608


def _add(path, frame: pd.DataFrame, monkeypatch, *, min_rows: int, refused: bool = False) -> Store:
    """Add ``frame`` as a units batch; with ``min_rows`` 0 it went through a staging file (unless
    the staging file was ``refused``)."""
    monkeypatch.setattr(staging, "MIN_ROWS", min_rows)
    ways = []
    real_insert = staging.insert

    def seen(conn, table, *args, **kwargs):
        ways.append((table.name, real_insert(conn, table, *args, **kwargs)))
        return ways[-1][1]

    monkeypatch.setattr(staging, "insert", seen)
    store = Store(f"sqlite:///{path}")
    store.add_batch(Batch(kind="units", file_name="inventaris.csv", raw=b"x"), frame)
    monkeypatch.setattr(staging, "insert", real_insert)
    assert ("units", not refused) in ways if min_rows == 0 else ways == []
    return store


@pytest.mark.parametrize("table", [*schema.DATA_TABLES.values(), schema.inventories, schema.rejected_rows],
                         ids=lambda table: table.name)
def test_every_column_of_a_batch_table_has_a_staging_type(table):
    # Without one, every batch of the table silently went row by row (SQLAlchemy 2.1's Float is no
    # Numeric: units imports were three times slower).
    assert staging._arrow_schema(table, [c.name for c in table.columns if c.name != "batch_id"]) is not None


def test_staged_rows_are_stored_exactly_as_row_by_row(tmp_path, monkeypatch):
    _add(tmp_path / "row_by_row.db", _frame(), monkeypatch, min_rows=10**9)
    _add(tmp_path / "staged.db", _frame(), monkeypatch, min_rows=0)
    by_row, staged = _stored(tmp_path / "row_by_row.db"), _stored(tmp_path / "staged.db")
    assert staged == by_row
    assert staged[0][:6] == (1, "integer", "A", "text", "34022", "text")  # batch_id, unit_id, nis_code
    assert ("0012", "text") in zip(staged[0][::2], staged[0][1::2], strict=True)  # a house number stays text
    assert list(tmp_path.glob("*.staging-*")) == []  # the staging file is gone


def test_rows_staged_in_slices_are_stored_as_row_by_row(tmp_path, monkeypatch):
    # Slices of two rows: B and C first, whose street, date of vacancy and coordinates are empty,
    # then A, which has them. All three land, through one staging file, typed as row by row.
    monkeypatch.setattr(staging, "SLICE_ROWS", 2)
    frame = _frame().iloc[[1, 2, 0]]
    _add(tmp_path / "row_by_row.db", frame, monkeypatch, min_rows=10**9)
    _add(tmp_path / "staged.db", frame, monkeypatch, min_rows=0)
    staged = _stored(tmp_path / "staged.db")
    assert staged == _stored(tmp_path / "row_by_row.db")
    first = dict(zip(staged[0][::2], staged[0][1::2], strict=True))  # unit A: value → SQLite type
    assert (first["0012"], first["2016-03-15"], first[85.5]) == ("text", "text", "real")
    assert list(tmp_path.glob("*.staging-*")) == []


def test_a_refused_staged_batch_leaves_nothing_behind(tmp_path, monkeypatch):
    store = _add(tmp_path / "s.db", _frame(), monkeypatch, min_rows=0)
    before = _stored(tmp_path / "s.db")
    wrong = unit_rows({"unit_id": "X", "status": "gesloten"})  # breaks the status check inside INSERT … SELECT
    with pytest.raises(IntegrityError):
        store.add_batch(Batch(kind="units", file_name="fout.csv", raw=b"y"), wrong)
    assert _stored(tmp_path / "s.db") == before
    assert store.batches()["file_name"].tolist() == ["inventaris.csv"]
    assert list(tmp_path.glob("*.staging-*")) == []
    # The pooled connection has nothing attached any more: the next staged batch lands.
    store.add_batch(Batch(kind="units", file_name="goed.csv", raw=b"z"), unit_rows({"unit_id": "Y"}))
    assert sorted(store.units()["unit_id"]) == ["A", "B", "C", "Y"]
    with store.engine.connect() as conn:
        attached = [row[1] for row in conn.exec_driver_sql("PRAGMA database_list")]
    assert "main" in attached and not any(name.startswith("kernmonitor_staged") for name in attached)


def test_an_interrupted_staged_batch_on_a_dropped_connection_leaves_no_file(tmp_path, monkeypatch):
    store = _add(tmp_path / "s.db", _frame(), monkeypatch, min_rows=0)
    real_insert = staging.insert

    def interrupted(conn, *args, **kwargs):
        real_insert(conn, *args, **kwargs)
        conn.invalidate()  # as SQLAlchemy does on Ctrl-C inside a statement: the pool forgets the connection
        raise KeyboardInterrupt

    monkeypatch.setattr(staging, "insert", interrupted)
    with pytest.raises(KeyboardInterrupt):
        store.add_batch(Batch(kind="units", file_name="onderbroken.csv", raw=b"y"), unit_rows({"unit_id": "X"}))
    assert list(tmp_path.glob("*.staging-*")) == []
    assert sorted(store.units()["unit_id"]) == ["A", "B", "C"]


@pytest.mark.parametrize("values", [[12, "12b"], [12, 12.5], [12, 13]])  # mixed; ints and floats; only ints
def test_numbers_in_a_text_column_go_row_by_row(tmp_path, monkeypatch, values):
    frame = unit_rows(*({"unit_id": f"u{i}"} for i in range(len(values))))
    frame["house_number"] = pd.Series(values, dtype=object)  # as a caller may pass them: 12 stays an int
    assert staging._staged(frame[["unit_id", "house_number"]], schema.units, batch_id=1, beside=str(
        tmp_path / "s.db")) is None
    assert list(tmp_path.glob("*.staging-*")) == []
    _add(tmp_path / "row_by_row.db", frame, monkeypatch, min_rows=10**9)
    _add(tmp_path / "staged.db", frame, monkeypatch, min_rows=0, refused=True)
    assert _stored(tmp_path / "staged.db") == _stored(tmp_path / "row_by_row.db")
    assert Store(f"sqlite:///{tmp_path / 'staged.db'}").units()["house_number"].iloc[0] == "12"  # not "12.0"


def test_staging_files_of_killed_imports_are_removed_by_the_next(tmp_path, monkeypatch):
    orphan = tmp_path / "s.db.staging-abc.db"  # left by an import killed a minute ago: nobody locks it
    in_use = tmp_path / "s.db.staging-def.db"  # another import's: it holds the lock
    fresh = tmp_path / "s.db.staging-ghi.db"  # just made by an import that has not locked it yet
    for path in (orphan, in_use, fresh):
        path.write_bytes(b"x")
    a_minute_ago = time.time() - 60
    for path in (orphan, in_use):
        os.utime(path, (a_minute_ago, a_minute_ago))
    holder = os.open(in_use, os.O_RDONLY)
    try:
        fcntl.flock(holder, fcntl.LOCK_EX)
        assert staging.orphans(tmp_path / "s.db") == [orphan]
        _add(tmp_path / "s.db", _frame(), monkeypatch, min_rows=0)
        assert not orphan.exists() and in_use.exists() and fresh.exists()
    finally:
        os.close(holder)
    assert staging.orphans(tmp_path / "s.db") == [in_use]  # its import is gone: now it is an orphan
