"""The store under stress, on SQLite and PostgreSQL: an import killed in the middle of its
transaction, imports and readers at the same moment, a writer that waits too long, and a backup
that restores to the same indicators."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy.engine import make_url

from dashboard import ingest, sample
from dashboard.cli.main import main
from dashboard.store import engine as engines
from dashboard.store import integrity
from dashboard.store.database import Store
from dashboard.tables.indicators import campaign_table, mix_table, vacancy_table
from tests import ingest_files as files
from tests import reliability_helpers as helpers
from tests.conftest import fresh_postgres_database
from tests.test_admin import fill, require

PROJECT_DIR = Path(__file__).resolve().parent.parent
#: Large enough that the killed import spends seconds inside its transaction on either store.
BIG_ROWS = 200_000
#: Processes forked from a clean server process that has imported the helpers (and so pandas and
#: the dashboard) once: they start in a fraction of a second and share no connection with the tests.
PROCESSES = multiprocessing.get_context("forkserver")
PROCESSES.set_forkserver_preload(["tests.reliability_helpers"])


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("groot") / "locatus_groot.csv"
    path.write_bytes(helpers.locatus_csv(BIG_ROWS))
    return path


def _import(url: str, path: Path, raw: bytes, *options: str) -> int:
    path.write_bytes(raw)
    return main(["import", str(path), "--db", url, "--by", "test", *options])


def _check(url: str) -> list[str]:
    engine = engines.open_engine(url)
    try:
        return integrity.check(engine)
    finally:
        engine.dispose()


@pytest.mark.slow
def test_an_import_killed_in_its_transaction_leaves_the_store_as_it_was(store_url, big_file, tmp_path, capsys):
    assert _import(store_url, tmp_path / "oostende.csv", files.OOSTENDE_TWO_YEARS) == 0
    store = Store(store_url)
    batches, version, units = store.batches(), store.version(), len(store.units())
    log = (tmp_path / "import.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "import", str(big_file), "--db", store_url, "--by", "test",
         "--observed-on", helpers.OBSERVED_ON], cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT)
    try:
        helpers.wait_until(helpers.writing_probe(store_url, big_file.stat().st_size), process)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        log.close()
    assert process.returncode == -signal.SIGKILL, (tmp_path / "import.log").read_text()

    capsys.readouterr()
    assert main(["check", "--db", store_url]) == 0, capsys.readouterr().err
    after = Store(store_url)
    pd.testing.assert_frame_equal(after.batches(), batches)
    assert (after.version(), len(after.units())) == (version, units)
    assert after.batch_with_checksum(hashlib.sha256(big_file.read_bytes()).hexdigest()) is None
    # The next import waits for nothing the killed one held, and lands.
    assert _import(store_url, tmp_path / "kortrijk.csv", files.KORTRIJK_CP1252) == 0
    assert len(Store(store_url).units()) == units + 4
    assert _check(store_url) == []


def _run(*processes) -> None:
    """Start processes. multiprocessing runs the parent's ``__main__`` again in each child, and
    after Streamlit's AppTest has run a page in this test process that is the page script; the
    helpers module stands in for it while the children start."""
    main_module = sys.modules["__main__"]
    sys.modules["__main__"] = helpers
    try:
        for process in processes:
            process.start()
    finally:
        sys.modules["__main__"] = main_module


def _collect(results, names: set[str], *, timeout: float = 150) -> dict[str, tuple[str, object]]:
    """Outcomes reported by the processes named, as ``{name: (status, detail)}``."""
    outcomes = {}
    while not names <= outcomes.keys():
        name, status, detail = results.get(timeout=timeout)
        assert status != "error", f"{name}: {detail}"
        outcomes[name] = (status, detail)
    return outcomes


@pytest.mark.slow
def test_two_imports_at_the_same_moment_land_and_readers_see_whole_batches(store_url, tmp_path):
    assert _import(store_url, tmp_path / "oostende.csv", files.OOSTENDE_TWO_YEARS) == 0
    sizes = {"kortrijk.csv": 20_000, "brugge.csv": 12_000}
    (tmp_path / "kortrijk.csv").write_bytes(helpers.locatus_csv(20_000))
    (tmp_path / "brugge.csv").write_bytes(helpers.locatus_csv(12_000, town="Brugge", postcode="8000"))
    barrier, results = PROCESSES.Barrier(3), PROCESSES.Queue()
    reading, stop = PROCESSES.Event(), PROCESSES.Event()
    reader = PROCESSES.Process(target=helpers.read_until_stopped, args=(store_url, reading, stop, results))
    importers = [PROCESSES.Process(target=helpers.import_at_barrier, args=(store_url, str(tmp_path / name), barrier,
                                                                       results)) for name in sizes]
    _run(reader, *importers)
    try:
        assert reading.wait(150), "the reader did not start"
        barrier.wait(timeout=150)  # both files are prepared and the reader is reading: go
        outcomes = _collect(results, set(sizes))
        stop.set()
        seen = _collect(results, {"reader"})["reader"][1]
    finally:
        stop.set()
        for process in (reader, *importers):
            process.join(timeout=60)
    for name, (status, detail) in outcomes.items():  # a refusal must say why, and a retry must land
        if status == "refused":
            assert "De databank is bezig met een andere import" in detail
            ingest.import_file(Store(store_url), (tmp_path / name).read_bytes(), name, imported_by="test",
                               observed_on=pd.Timestamp(helpers.OBSERVED_ON))
    store = Store(store_url)
    assert len(store.units()) == 5 + 20_000 + 12_000
    assert sorted(store.batches()["rows_imported"]) == [5, 12_000, 20_000]
    assert _check(store_url) == []
    whole = {5, 5 + 20_000, 5 + 12_000, 5 + 20_000 + 12_000}
    counts = [count for _, count in seen]
    assert set(counts) <= whole, f"a reader saw part of a batch: {sorted(set(counts) - whole)}"
    assert (counts[0], counts[-1]) == (5, 5 + 20_000 + 12_000)  # it read before and after both imports
    versions = [version for version, _ in seen]
    assert versions == sorted(versions)


@pytest.mark.slow
def test_the_same_file_from_two_processes_at_once_lands_once(store_url, tmp_path):
    raw = helpers.locatus_csv(3_000)
    for name in ("inventaris.csv", "inventaris-kopie.csv"):
        (tmp_path / name).write_bytes(raw)
    barrier, results = PROCESSES.Barrier(2), PROCESSES.Queue()
    importers = [PROCESSES.Process(target=helpers.import_at_barrier, args=(store_url, str(tmp_path / name), barrier,
                                                                       results))
                 for name in ("inventaris.csv", "inventaris-kopie.csv")]
    _run(*importers)
    try:
        outcomes = _collect(results, {"inventaris.csv", "inventaris-kopie.csv"})
    finally:
        for process in importers:
            process.join(timeout=60)
    landed = [detail for status, detail in outcomes.values() if status == "ok"]
    refused = [detail for status, detail in outcomes.values() if status == "refused"]
    assert len(landed) == 1 and len(refused) == 1, outcomes
    assert refused[0].startswith(f"Geweigerd: dit bestand werd al geïmporteerd als batch {landed[0]}. ")
    store = Store(store_url)
    assert len(store.batches()) == 1
    assert len(store.units()) == 3_000
    assert _check(store_url) == []


def test_a_new_sqlite_store_is_in_wal_mode_from_its_first_byte(tmp_path):
    path = tmp_path / "nieuw" / "kernmonitor.db"
    engines.open_engine(f"sqlite:///{path}").dispose()  # no connection made yet: only the file
    assert sorted(p.name for p in path.parent.iterdir()) == ["kernmonitor.db"]  # no temporary file left
    assert path.read_bytes()[18:20] == b"\x02\x02"  # SQLite's header: read and write versions 2 = WAL
    path.write_bytes(b"bestaat al")
    engines.open_engine(f"sqlite:///{path}").dispose()
    assert path.read_bytes() == b"bestaat al"  # an existing file is never replaced


def test_a_writer_that_waits_too_long_is_refused_and_a_retry_lands(store_url, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 300)
    Store(store_url)
    with helpers.write_lock(store_url):
        assert _import(store_url, tmp_path / "kortrijk.csv", files.KORTRIJK_CP1252) == 1
        err = capsys.readouterr().err
        assert "Geweigerd: De databank is bezig met een andere import of ongedaanmaking" in err
        assert "Er is niets opgeslagen: probeer het over een minuut opnieuw." in err
    assert Store(store_url).is_empty()
    assert _import(store_url, tmp_path / "kortrijk.csv", files.KORTRIJK_CP1252) == 0
    with helpers.write_lock(store_url):
        assert main(["rollback", "1", "--db", store_url]) == 1
        assert "Geweigerd: De databank is bezig" in capsys.readouterr().err
    assert main(["rollback", "1", "--db", store_url]) == 0


@contextmanager
def _empty_store_beside(url: str, tmp_path: Path) -> Iterator[str]:
    """An empty store on the same kind of database, for a restore."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'hersteld' / 'kernmonitor.db'}"
        return
    with fresh_postgres_database(parsed, prefix="kernmonitor_hersteld") as empty:
        yield empty


def _views(url: str) -> dict[str, pd.DataFrame]:
    store = Store(url)
    units, campaign = store.units(), store.campaign()
    return {
        "vacancy": vacancy_table(units, level="municipality"),
        "province": vacancy_table(units, level="province"),
        "mix": mix_table(units, level="municipality"),
        "campaign": campaign_table(campaign, units, level="municipality"),
        "batches": store.batches(),
        "rejected": pd.concat([store.rejected(batch_id) for batch_id in store.batches()["batch_id"]]),
        "version": pd.DataFrame({"version": [store.version()]}),
    }


#: What stays after the imports replace the sample: Kortrijk 01/01/2024 (deels.csv) and Brugge
#: 01/01/2024 (brugge.csv); Oostende's batch is rolled back.
VACANCY_ROWS = 2


@pytest.fixture(scope="module")
def sample_data() -> sample.SampleData:
    return sample.generate(scale=0.02)  # once: generating takes seconds, storing it does not


@pytest.mark.slow
def test_a_backup_restores_to_the_same_indicators_and_history(store_url, tmp_path, sample_data, monkeypatch,
                                                              capsys):
    if make_url(store_url).get_backend_name() != "sqlite":
        require("pg_dump")
        require("pg_restore")
    monkeypatch.setattr(sample, "generate", lambda **_: sample_data)
    sample.seed_store(Store(store_url), scale=0.02)
    # The imports replace the sample (kept in the history, rolled back): rejected rows, warnings,
    # campaign figures, a rollback.
    fill(store_url, replace_sample=True)
    out = tmp_path / "kernmonitor.backup"
    assert main(["backup", "--out", str(out), "--db", store_url]) == 0, capsys.readouterr().err
    with _empty_store_beside(store_url, tmp_path) as target:
        Store(target)  # an empty store: created, never used
        assert main(["restore", str(out), "--db", target]) == 0, capsys.readouterr().err
        assert "De controle vond geen problemen" in capsys.readouterr().err
        before, after = _views(store_url), _views(target)
        assert len(before["vacancy"]) == VACANCY_ROWS and len(before["batches"]) == 8  # 4 sample, 4 imports
        for name, frame in before.items():
            pd.testing.assert_frame_equal(after[name], frame, obj=name)
        # Batch numbers go on where the backup stopped.
        # Four other Kortrijk units on the same date: which kind of inventory must be said.
        assert _import(target, tmp_path / "kortrijk.csv", files.KORTRIJK_CP1252, "--inventory", "complete") == 0
        assert Store(target).batches()["batch_id"].max() == 9
        assert _check(target) == []
