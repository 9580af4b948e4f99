"""Sample data and imported data never mix: an import into a store with sample data is refused,
or replaces the sample in its own transaction; the sample can be removed on its own. SQLite and
PostgreSQL alike."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import ingest
from dashboard.cli.main import main
from dashboard.store.database import AlreadyImported, Batch, SampleDataPresent, Store
from tests import ingest_files as files
from tests.conftest import unit_rows

KORTRIJK = unit_rows({"unit_id": "k1", "status": "vacant", "group_code": "00"}, {"unit_id": "k2"},
                     observed_on="2023-12-31")  # 2 real units: 1 vacant


def _sample_store(url: str) -> Store:
    """Three sample batches: 4 units of Kortrijk (1 vacant) and two more kinds, as `seed` makes them."""
    store = Store(url)
    sample_units = unit_rows({"unit_id": "s1", "status": "vacant", "group_code": "00"}, {"unit_id": "s2"},
                             {"unit_id": "s3"}, {"unit_id": "s4"}, observed_on="2023-01-01")
    store.add_batch(Batch(kind="units", file_name="voorbeeld", is_sample=True, sha256="s" * 64), sample_units)
    campaign = pd.DataFrame({"nis_code": ["34022"], "edition": [2019], "participating_shops": [12]})
    store.add_batch(Batch(kind="campaign", file_name="voorbeeld", is_sample=True, sha256="t" * 64), campaign)
    return store


def _real(store: Store, **options) -> int:
    return store.add_batch(Batch(kind="units", file_name="kortrijk.csv", raw=b"echte rijen"), KORTRIJK, **options)


def test_a_real_batch_is_refused_beside_the_sample(store_url):
    store = _sample_store(store_url)
    version = store.version()
    with pytest.raises(SampleDataPresent, match="batch 1, 2") as refused:
        _real(store)
    assert refused.value.batch_ids == [1, 2]
    assert "seed --remove" in str(refused.value) and "--replace-sample" in str(refused.value)
    assert store.version() == version and len(store.batches()) == 2  # nothing written
    assert sorted(store.units()["unit_id"]) == ["s1", "s2", "s3", "s4"]


def test_replacing_the_sample_lands_the_batch_and_removes_the_sample_at_once(store_url):
    store = _sample_store(store_url)
    batch_id = _real(store, replace_sample=True)
    assert batch_id == 3
    history = store.batches().set_index("batch_id")["status"].to_dict()
    assert history == {1: "rolled_back", 2: "rolled_back", 3: "active"}  # the sample stays in the history
    assert sorted(store.units()["unit_id"]) == ["k1", "k2"]
    assert store.campaign().empty and not store.has_sample_data()


def test_a_failed_replacing_import_keeps_the_sample(store_url):
    store = _sample_store(store_url)
    store.add_batch(Batch(kind="units", file_name="voorbeeld", is_sample=True, sha256="u" * 64),
                    unit_rows({"unit_id": "s5"}, observed_on="2022-01-01"))
    with pytest.raises(AlreadyImported):  # refused inside the transaction that would remove the sample
        store.add_batch(Batch(kind="units", file_name="dubbel.csv", sha256="u" * 64), KORTRIJK,
                        refuse_duplicate=True, replace_sample=True)
    assert store.has_sample_data() and len(store.units()) == 5


def test_removing_the_sample_leaves_an_empty_store_with_its_history(store_url):
    store = _sample_store(store_url)
    assert store.remove_sample() == [1, 2]
    assert store.units().empty and store.campaign().empty
    assert store.batches()["status"].tolist() == ["rolled_back", "rolled_back"]
    assert store.remove_sample() == []  # nothing left to remove
    assert _real(store) == 3  # now real data may come in


def test_the_command_line_refuses_names_both_ways_and_replaces(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    _sample_store(url)
    path = tmp_path / "kortrijk.csv"
    path.write_bytes(files.KORTRIJK_CP1252)
    assert main(["import", str(path), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "Geweigerd: de databank bevat voorbeelddata (fictief, batch 1, 2)" in err
    assert "python -m dashboard seed --remove" in err and "--replace-sample" in err
    assert main(["import", str(path), "--db", url, "--replace-sample"]) == 0
    assert "Batch 3: 4 rij(en) geïmporteerd" in capsys.readouterr().err
    assert Store(url).batches().set_index("batch_id")["status"].tolist() == ["active", "rolled_back", "rolled_back"]


def test_seed_remove_on_the_command_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    _sample_store(url)
    assert main(["seed", "--remove", "--db", url]) == 0
    assert "Voorbeelddata verwijderd (batch 1, 2 ongedaan gemaakt)." in capsys.readouterr().err
    assert main(["seed", "--remove", "--db", url]) == 0
    assert "Er zijn geen voorbeelddata om te verwijderen." in capsys.readouterr().err
    ingest.import_file(Store(url), files.KORTRIJK_CP1252, "kortrijk.csv", imported_by="test")
    assert len(Store(url).units()) == 4
