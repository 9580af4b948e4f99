"""The store, the same tests on SQLite and on a real PostgreSQL server."""

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from dashboard.store import bulk, schema
from dashboard.store.database import Batch, Store
from tests.conftest import unit_rows


def _units_batch(store: Store, frame: pd.DataFrame, name: str = "inventaris.csv") -> int:
    return store.add_batch(Batch(kind="units", file_name=name, raw=b"bytes of " + name.encode(),
                                 imported_by="coordinator"), frame)


def test_units_round_trip(store_url):
    store = Store(store_url)
    frame = unit_rows(
        {"unit_id": "A", "street": "Grote Markt", "house_number": "12b", "name": "Bakkerij 'Het Hoekje'; <b>",
         "status": "vacant", "group_code": "00", "category": "00-Leegstand", "floor_area_m2": 85.5,
         "vacant_since": "2016-03-15", "lat": 50.8279, "lon": 3.2649, "chain": False, "shopping_area": "centrum"},
        {"unit_id": "B", "status": "occupied", "group_code": "22", "chain": True},
    )
    _units_batch(store, frame)
    stored = store.units().set_index("unit_id")
    assert stored.loc["A", "name"] == "Bakkerij 'Het Hoekje'; <b>"
    assert stored.loc["A", "floor_area_m2"] == 85.5
    assert stored.loc["A", "vacant_since"] == pd.Timestamp("2016-03-15")
    assert stored.loc["A", "observed_on"] == pd.Timestamp("2018-01-01")
    assert stored.loc["A", "lat"] == pytest.approx(50.8279)
    assert bool(stored.loc["B", "chain"]) is True
    assert pd.isna(stored.loc["B", "floor_area_m2"])  # missing stays missing, never 0
    assert pd.isna(stored.loc["B", "vacant_since"])


def test_rows_turned_into_values_a_slice_at_a_time_land_whole(store_url, monkeypatch):
    # Five rows in slices of two: PostgreSQL's COPY and SQLite's prepared statement each take three.
    monkeypatch.setattr(bulk, "SLICE_ROWS", 2)
    monkeypatch.setattr(bulk, "_INSERT_CHUNK", 2)
    store = Store(store_url)
    _units_batch(store, unit_rows(*({"unit_id": unit, "floor_area_m2": 10.0 * n} for n, unit in enumerate("ABCDE"))))
    stored = store.units().sort_values("unit_id")
    assert stored["unit_id"].tolist() == ["A", "B", "C", "D", "E"]
    assert stored["floor_area_m2"].tolist() == [0.0, 10.0, 20.0, 30.0, 40.0]
    assert stored["batch_id"].tolist() == [1] * 5


def test_the_file_is_stored_byte_for_byte_also_when_written_in_slices(store_url, monkeypatch):
    monkeypatch.setattr(bulk, "_BLOB_SLICE", 4)  # on SQLite 10 bytes go in as 4 + 4 + 2
    store = Store(store_url)
    files = {"tien.csv": b"a;b\r\n1;\x002\r\n", "leeg.csv": b"", "geen.csv": None}
    for name, raw in files.items():
        store.add_batch(Batch(kind="units", file_name=name, raw=raw, imported_by="coordinator"),
                        unit_rows({"unit_id": name}))
    batches, kept = schema.batches, schema.batch_files
    with store.engine.connect() as conn:
        stored = dict(conn.execute(select(batches.c.file_name, kept.c.raw).outerjoin(kept)).all())
    assert stored == files


def test_version_changes_with_every_batch_and_rollback(store_url):
    store = Store(store_url)
    versions = [store.version()]
    first = _units_batch(store, unit_rows({"unit_id": "A"}))
    versions.append(store.version())
    _units_batch(store, unit_rows({"unit_id": "B"}))
    versions.append(store.version())
    store.rollback_batch(first)
    versions.append(store.version())
    assert len(set(versions)) == 4
    assert Store(store_url).version() == versions[-1]  # stored, not kept in memory


def test_a_later_complete_inventory_of_the_same_date_replaces_it_whole_and_rollback_restores(store_url):
    store = Store(store_url)
    _units_batch(store, unit_rows({"unit_id": "A", "status": "occupied"}, {"unit_id": "B"}), "januari.csv")
    correction = _units_batch(store, unit_rows({"unit_id": "A", "status": "vacant", "group_code": "00"}),
                              "correctie.csv")
    current = store.units().set_index("unit_id")
    # A complete inventory is the whole municipality on its date: B is not in it (a correction
    # of a few units is an update, stored with the units it carries over).
    assert current.loc["A", "status"] == "vacant"
    assert len(current) == 1
    store.rollback_batch(correction)
    restored = store.units().set_index("unit_id")
    assert restored.loc["A", "status"] == "occupied"
    assert len(restored) == 2
    with pytest.raises(LookupError):
        store.rollback_batch(correction)  # already rolled back


def test_batch_records_file_checksum_who_and_counts(store_url):
    store = Store(store_url)
    rejected = pd.DataFrame([{"row_number": 7, "column_name": "wvo", "value": "-5",
                              "problem": "Oppervlakte mag niet negatief zijn.", "severity": "error"}])
    batch_id = store.add_batch(Batch(kind="units", file_name="leegstand.csv", raw=b"abc", imported_by="an"),
                               unit_rows({"unit_id": "A"}), rejected)
    row = store.batches().set_index("batch_id").loc[batch_id]
    # sha256("abc"), as in FIPS 180-2 appendix B.1
    assert row["sha256"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert (row["rows_total"], row["rows_imported"], row["rows_rejected"]) == (2, 1, 1)
    assert row["imported_by"] == "an"
    assert row["status"] == "active"
    assert not row["is_sample"]
    assert not store.has_sample_data()


def test_failed_batch_leaves_nothing_behind(store_url):
    store = Store(store_url)
    _units_batch(store, unit_rows({"unit_id": "A"}))
    version = store.version()
    bad = unit_rows({"unit_id": "B"}, {"unit_id": "C", "status": "weg"})  # violates the status check
    with pytest.raises(IntegrityError):
        _units_batch(store, bad, "kapot.csv")
    assert store.version() == version
    assert store.batches()["file_name"].tolist() == ["inventaris.csv"]
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.units)).scalar_one() == 1


def test_campaign_and_votes_round_trip(store_url):
    store = Store(store_url)
    store.add_batch(Batch(kind="campaign", file_name="campagne.xlsx"), pd.DataFrame([
        {"nis_code": "34022", "municipality": "Kortrijk", "edition": 2017, "bags_distributed": 10_000},
        {"nis_code": "34022", "municipality": "Kortrijk", "edition": 2021, "votes_cast": 1234, "budget_eur": 99.95},
    ]))
    store.add_batch(Batch(kind="votes", file_name="stemmen.csv"), pd.DataFrame([
        {"nis_code": "34013", "edition": 2022, "shop_name": "Bistro Mathis", "votes": 554, "winner": True},
    ]))
    campaign = store.campaign().set_index("edition")
    assert campaign.loc[2017, "bags_distributed"] == 10_000
    assert pd.isna(campaign.loc[2017, "votes_cast"])
    assert float(campaign.loc[2021, "budget_eur"]) == 99.95
    votes = store.votes()
    assert votes[["shop_name", "votes", "winner"]].values.tolist() == [["Bistro Mathis", 554, True]]


def test_embedded_sqlite_runs_in_wal_mode(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'sub' / 'kernmonitor.db'}")  # creates the folder
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert store.is_empty()
    assert store.version() == 0


def test_named_header_mappings(store_url):
    store = Store(store_url)
    store.save_mapping("Locatus", "units", {"GROEP": "category", "Opmerking": None}, saved_by="an")
    store.save_mapping("Stad Ieper", "campaign", {"Jaar": "edition"}, saved_by="an")
    store.save_mapping("Locatus", "units", {"GROEP": "category", "WVO": "floor_area_m2"}, saved_by="bo")  # replaces
    assert store.mappings("units") == {"Locatus": {"GROEP": "category", "WVO": "floor_area_m2"}}
    assert list(store.mappings()) == ["Locatus", "Stad Ieper"]
    assert store.mapping("Stad Ieper") == ("campaign", {"Jaar": "edition"})
    assert store.mapping("Gent") is None


def test_a_store_of_an_earlier_version_is_brought_up_to_date_when_opened(store_url):
    from dashboard.store import integrity

    store = Store(store_url)
    _units_batch(store, unit_rows({"unit_id": "A", "status": "vacant", "group_code": "00"}, {"unit_id": "B"},
                                  observed_on="2024-01-01"))
    with store.engine.begin() as conn:  # as the version before inventories, sources and batch_files left it
        conn.exec_driver_sql("DROP TABLE inventories")
        conn.exec_driver_sql("ALTER TABLE batches DROP COLUMN source")
        conn.exec_driver_sql("ALTER TABLE units DROP COLUMN vacant_since_precision")
        conn.exec_driver_sql("DROP TABLE batch_files")
        conn.exec_driver_sql(f"ALTER TABLE batches ADD COLUMN raw {'BLOB' if 'sqlite' in store_url else 'BYTEA'}")
        conn.exec_driver_sql("UPDATE batches SET raw = x'6f7564' WHERE batch_id = 1" if "sqlite" in store_url else
                             "UPDATE batches SET raw = '\\x6f7564' WHERE batch_id = 1")  # "oud"
    assert integrity.check(store.engine)[0].startswith("De tabel(len) batch_files, inventories ontbreken: de "
                                                       "databank komt van een eerdere versie van Kernmonitor.")
    store.engine.dispose()
    upgraded = Store(store_url)
    # Its batch holds one complete inventory of source "other": Kortrijk on 1/1/2024, 2 units.
    inventory = upgraded.inventories().iloc[0]
    assert (inventory["batch_id"], inventory["nis_code"], inventory["inventory_kind"], inventory["source"],
            inventory["units_in_file"], inventory["units_carried_over"]) == (1, "34022", "complete", "other", 2, 0)
    assert len(upgraded.units()) == 2 and upgraded.units()["vacant_since_precision"].isna().all()  # days
    assert pd.isna(upgraded.batches().iloc[0]["source"])
    # The earlier batch's file stays where it was; a new batch's goes to batch_files.
    _units_batch(upgraded, unit_rows({"unit_id": "C"}, observed_on="2025-01-01"), "nieuw.csv")
    with upgraded.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT batch_id, raw FROM batches ORDER BY batch_id").all() == [
            (1, b"oud"), (2, None)]
        assert conn.execute(select(schema.batch_files)).all() == [(2, b"bytes of nieuw.csv")]
    assert upgraded.batches()["batch_id"].tolist() == [2, 1]
    assert integrity.check(upgraded.engine) == []
