"""Columnar copies of batches (dashboard.store.batch_cache): the same frame from the database and from the copy."""

import errno

import pandas as pd
import pytest

from dashboard import settings
from dashboard.store import batch_cache as columnar
from dashboard.store.database import Batch, Store
from tests.conftest import unit_rows


def _units(*statuses: str, day: str = "2024-01-01") -> pd.DataFrame:
    rows = [{"unit_id": f"U{i}", "status": s, "group_code": "00" if s == "vacant" else "22", "street": "Markt",
             "house_number": str(i), "floor_area_m2": 100.0 + i,
             "vacant_since": "2022-07-01" if s == "vacant" else None,
             "chain": [True, False, None][i % 3], "name": "<b>Zaak 'X'</b>" if i == 0 else None}
            for i, s in enumerate(statuses)]
    return unit_rows(*rows, observed_on=day)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_read_comes_from_the_copy_and_equals_the_database(store_url, cache, monkeypatch):
    store = Store(store_url)
    store.add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), _units("vacant", "occupied", "occupied"))
    first = store.units()
    copies = list(cache.rglob("units-1-*.parquet"))
    assert len(copies) == 1  # one file for the one batch
    from_copy = Store(store_url).units()  # a new process would read the same file
    pd.testing.assert_frame_equal(from_copy, first)
    assert first["status"].dtype == "category" and str(first["chain"].dtype) == "boolean"
    assert first["chain"].tolist()[:2] == [True, False] and pd.isna(first["chain"].iloc[2])  # unknown stays unknown
    assert first.loc[0, "name"] == "<b>Zaak 'X'</b>" and first.loc[0, "vacant_since"] == pd.Timestamp("2022-07-01")
    monkeypatch.setenv(settings.CACHE_ENV, "none")
    pd.testing.assert_frame_equal(Store(store_url).units(), first)  # without copies: the same frame


def test_a_batch_read_slice_by_slice_without_a_copy_gives_the_values_stored(store_url, cache, monkeypatch):
    """The miss path (the driver's own cursor) against hand-written values, and the copy against it.

    Slices of two rows: the first slice has no date and no name at all (a column of nulls), the
    text holds quotes and a semicolon, and a flag may be unknown.
    """
    monkeypatch.setattr(columnar, "_FETCH_ROWS", 2)
    rows = _units("occupied", "occupied", "vacant", "occupied", "vacant")
    rows.loc[0, "name"] = None
    rows.loc[3, "name"] = 'Bakkerij "De Mol"; \'t Hoekje'
    store = Store(store_url)
    store.add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), rows)
    missed = store.units()
    assert missed["unit_id"].tolist() == ["U0", "U1", "U2", "U3", "U4"]
    assert missed["status"].tolist() == ["occupied", "occupied", "vacant", "occupied", "vacant"]
    assert missed["status"].cat.categories.tolist() == ["occupied", "vacant"]  # in order of appearance
    assert missed["vacant_since"].tolist() == [pd.NaT, pd.NaT, pd.Timestamp("2022-07-01"), pd.NaT,
                                               pd.Timestamp("2022-07-01")]
    assert missed["observed_on"].eq(pd.Timestamp("2024-01-01")).all()
    assert missed["chain"].tolist() == [True, False, pd.NA, True, False]
    assert missed["name"].isna().tolist() == [True, True, True, False, True]
    assert missed.loc[3, "name"] == 'Bakkerij "De Mol"; \'t Hoekje'
    assert missed["floor_area_m2"].tolist() == [100.0, 101.0, 102.0, 103.0, 104.0]
    assert missed["lat"].isna().all() and missed["municipality"].isna().all()
    assert len(list(cache.rglob("units-1-*.parquet"))) == 1
    pd.testing.assert_frame_equal(Store(store_url).units(), missed)  # from the copy: the same frame


def test_budgets_read_without_a_copy_have_cents(store_url, cache):
    """SQLite keeps a budget as given; read back it has the column's two decimals, as in PostgreSQL."""
    store = Store(store_url)
    store.add_batch(Batch(kind="campaign", file_name="c.csv", raw=b"c"), pd.DataFrame(
        {"nis_code": ["34022", "34022", "34022"], "edition": [2017, 2018, 2019], "budget_eur": [99.999, 12.5, None]}))
    budgets = store.campaign()["budget_eur"].tolist()
    assert budgets[:2] == [100.0, 12.5] and pd.isna(budgets[2])


def test_rolled_back_batch_leaves_the_frame_though_its_copy_stays(store_url, cache):
    store = Store(store_url)
    store.add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), _units("vacant", "occupied"))
    second = store.add_batch(Batch(kind="units", file_name="b.csv", raw=b"b"), _units("occupied", day="2025-01-01"))
    assert len(store.units()) == 3
    store.rollback_batch(second)
    assert store.units()["observed_on"].dt.year.tolist() == [2024, 2024]
    assert len(list(cache.rglob("units-*.parquet"))) == 2


def test_a_copy_of_an_earlier_format_is_replaced(store_url, cache, monkeypatch):
    store = Store(store_url)
    store.add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), _units("vacant", "occupied"))
    monkeypatch.setattr(columnar, "COPY_FORMAT", columnar.COPY_FORMAT - 1)
    store.units()
    [older] = cache.rglob("units-1-*.parquet")
    monkeypatch.undo()
    monkeypatch.setenv(settings.CACHE_ENV, str(cache))
    frame = Store(store_url).units()  # the current format: another name, so read from the database
    [current] = cache.rglob("units-1-*.parquet")
    assert current != older and not older.exists()  # the old copy is gone, not left to pile up
    assert frame["unit_id"].dtype == "category" and frame["unit_id"].tolist() == ["U0", "U1"]


def test_a_new_store_at_the_same_place_never_reads_old_copies(tmp_path, cache):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), _units("vacant", "vacant"))
    assert Store(url).units()["status"].tolist() == ["vacant", "vacant"]
    for path in tmp_path.glob("k.db*"):
        path.unlink()
    Store(url).add_batch(Batch(kind="units", file_name="a.csv", raw=b"other bytes"), _units("occupied"))
    assert Store(url).units()["status"].tolist() == ["occupied"]  # batch 1 again, but another file and time


def test_default_cache_folders(monkeypatch):
    monkeypatch.delenv(settings.CACHE_ENV, raising=False)
    assert str(settings.cache_dir("sqlite:////srv/k/kernmonitor.db")) == "/srv/k/kernmonitor.db.cache"
    assert settings.cache_dir("sqlite://") is None  # in memory: nothing to keep
    assert settings.cache_dir("postgresql+psycopg://u:secret@db/k").parent == settings.DATA_DIR / "cache"
    assert "secret" not in str(settings.cache_dir("postgresql+psycopg://u:secret@db/k"))


def test_a_copy_that_cannot_be_written_is_skipped_and_the_database_read(tmp_path, cache, monkeypatch):
    store = Store(f"sqlite:///{tmp_path / 'k.db'}")
    store.add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), _units("vacant", "occupied"))

    def full_disk(arrow, path):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(columnar, "_write", full_disk)
    units = store.units()
    assert units["status"].tolist() == ["vacant", "occupied"]  # the page still gets its rows
    assert not list(cache.rglob("*.parquet"))
