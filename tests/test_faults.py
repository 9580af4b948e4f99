"""Faults give messages, never tracebacks: a full disk (a small tmpfs under an SQLite store), a store kept
busy past the timeout, a PostgreSQL server that stopped (a throwaway cluster of this test's own) and
widget state a client forged, on the command line (exit 1) and in the app (an error, no exception box).
Each message says that nothing was stored and what to do; the store is as it was."""

from __future__ import annotations

import gc
import logging
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from dashboard import ingest
from dashboard.cli.main import main
from dashboard.store import engine as engines
from dashboard.store.database import Store
from dashboard.store.engine import StoreBusy, StoreFull, StoreUnavailable, store_fault
from dashboard.ui import import_views, loaders
from tests import ingest_files as files
from tests.conftest import sign_in, store_state
from tests.reliability_helpers import locatus_csv, write_lock

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "dashboard" / "app.py")
GEGEVENS = str(ROOT / "pages" / "gegevens.py")
GEMEENTE = str(ROOT / "pages" / "gemeente.py")

FULL = ("De schijf van de databank is vol. Er is niets opgeslagen: maak schijfruimte vrij (of vraag het de "
        "beheerder) en probeer het opnieuw.")
#: With the timeout of these tests (300 ms).
BUSY = ("De databank is bezig met een andere import of ongedaanmaking (langer dan 0 seconden). Er is niets opgeslagen: "
        "probeer het over een minuut opnieuw.")
NO_SERVER = ("De databankserver is niet bereikbaar: de verbinding viel weg of de server staat uit. Er is niets "
             "opgeslagen: controleer of de databankserver draait (of vraag het de beheerder) en probeer het opnieuw.")
UNEXPECTED = re.compile(r"Deze pagina liep vast op een onverwachte fout \(foutcode ([0-9a-f]{8})\)\. Er is niets "
                        r"opgeslagen: laad de pagina opnieuw en probeer het nog eens\. Blijft de fout, geef dan de "
                        r"foutcode aan de beheerder\.")


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _needs(condition: bool, what: str) -> None:
    """CI has what these tests need (root, PostgreSQL's programs): there a missing part fails, never skips."""
    if not condition:
        if _in_ci():
            pytest.fail(f"{what}: CI runs as root with PostgreSQL installed (.ci/run).")
        pytest.skip(what)


# --- the store's own errors for driver faults ---------------------------------------------------------------------

def _pg(sqlstate: str | None, message: str = "fout") -> OperationalError:
    """A PostgreSQL error as SQLAlchemy raises it (``sqlstate`` None: psycopg could not connect)."""
    error = psycopg.errors.lookup(sqlstate)(message) if sqlstate else psycopg.OperationalError(message)
    return OperationalError("SELECT 1", {}, error)


@pytest.mark.parametrize(("problem", "kind"), [
    (_pg("53100", "could not extend file: No space left on device"), StoreFull),
    (_pg("55P03"), StoreBusy),  # lock_timeout
    (_pg("40P01"), StoreBusy),  # deadlock
    (_pg("53300"), StoreBusy),  # too many connections
    (_pg("57P01"), StoreUnavailable),  # the server shut down
    (_pg("08006"), StoreUnavailable),  # connection failure
    (_pg("28P01"), StoreUnavailable),  # wrong password
    (_pg(None, "connection failed: Connection refused"), StoreUnavailable),
    (_pg("23505"), None),  # a unique violation is a bug, not a fault of the server
    (OSError(28, "No space left on device"), StoreFull),
    (OSError(13, "Permission denied"), None),
    (ValueError("Onbekende soort gegevens"), None),
])
def test_driver_faults_become_the_stores_dutch_errors(problem, kind):
    fault = store_fault(problem, "postgresql+psycopg://kern@db/kernmonitor")
    assert type(fault) is kind if kind else fault is None
    if kind is StoreFull:
        assert str(fault) == FULL


def test_sqlite_codes_and_free_space_tell_a_full_disk_from_a_locked_or_unreadable_file(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'k.db'}"

    def sqlite_error(code: int) -> OperationalError:
        error = sqlite3.OperationalError("fout")
        error.sqlite_errorcode = code
        return OperationalError("BEGIN", {}, error)

    assert isinstance(store_fault(sqlite_error(13), url), StoreFull)  # SQLITE_FULL
    assert isinstance(store_fault(sqlite_error(5), url), StoreBusy)  # SQLITE_BUSY
    assert isinstance(store_fault(sqlite_error(10), url), StoreUnavailable)  # SQLITE_IOERR, with room on the disk
    monkeypatch.setattr(engines, "NEARLY_FULL_BYTES", shutil.disk_usage(tmp_path).free + 1)
    assert isinstance(store_fault(sqlite_error(4874), url), StoreFull)  # SQLITE_IOERR_SHMSIZE on a full disk


def test_a_connection_lost_while_committing_does_not_claim_that_nothing_was_stored(postgres_url):
    store = Store(postgres_url)
    before = store_state(postgres_url)

    @event.listens_for(store.engine, "commit")
    def _lost(conn):
        raise OperationalError("COMMIT", {}, psycopg.OperationalError("server closed the connection unexpectedly"))

    with pytest.raises(StoreUnavailable, match="of ze opgeslagen is, is niet zeker") as raised:
        ingest.import_file(store, files.KORTRIJK_CP1252, "kortrijk.csv", imported_by="test")
    assert "probeer het opnieuw: een bestand dat toch al opgeslagen is" in str(raised.value)
    assert store_state(postgres_url) == before


# --- the command line --------------------------------------------------------------------------------------------

def test_an_unforeseen_error_on_the_command_line_is_a_message(tmp_path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(Store, "batches", broken)
    assert main(["batches", "--db", f"sqlite:///{tmp_path / 'k.db'}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Mislukt door een onverwachte fout (RuntimeError: kapot). Een import of ongedaanmaking "
                          "wordt helemaal of helemaal niet opgeslagen, nooit half. Meld de fout aan de beheerder")
    assert "Traceback" not in err


@contextmanager
def _small_disk(path: Path, size: str = "4m") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path`` (unmounted afterwards, also when a connection still holds it)."""
    _needs(os.geteuid() == 0, "mounting a tmpfs needs root")
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        gc.collect()  # closes the connections of stores no longer used
        if subprocess.run(["umount", str(path)], capture_output=True).returncode:
            subprocess.run(["umount", "--lazy", str(path)], check=True)  # the app's cached store keeps one


def _fill(disk: Path, *, leave: int) -> Path:
    """Take all but ``leave`` bytes of the disk's free space."""
    filler = disk / "vulling"
    filler.unlink(missing_ok=True)
    with open(filler, "wb") as handle:
        os.posix_fallocate(handle.fileno(), 0, max(shutil.disk_usage(disk).free - leave, 1))
    return filler


@pytest.mark.slow
def test_a_full_disk_refuses_import_and_rollback_on_the_command_line(tmp_path, capsys):
    with _small_disk(tmp_path / "schijf") as disk:
        url = f"sqlite:///{disk / 'kernmonitor.db'}"
        kortrijk, brugge = tmp_path / "kortrijk.csv", tmp_path / "brugge.csv"
        kortrijk.write_bytes(locatus_csv(3_000))  # 160 kB
        brugge.write_bytes(locatus_csv(3_000, town="Brugge", postcode="8000"))
        options = ["--observed-on", "2024-01-01", "--inventory", "complete", "--db", url, "--by", "test"]
        assert main(["import", str(kortrijk), *options]) == 0
        before = store_state(url)
        capsys.readouterr()
        filler = _fill(disk, leave=64 * 1024)  # room to open the store, not to write a batch
        assert main(["import", str(brugge), *options]) == 1
        assert capsys.readouterr().err == f"Geweigerd: {FULL}\n  (databank: database or disk is full)\n"
        filler.unlink()
        gc.collect()
        # A rollback writes a few small rows, which fit in the room the failed import left in the WAL:
        # a connection held open keeps the WAL, emptied, so the rollback must grow it on a full disk.
        with closing(sqlite3.connect(disk / "kernmonitor.db")) as holder:
            holder.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            filler = _fill(disk, leave=0)
            assert main(["rollback", "1", "--db", url]) == 1
            assert capsys.readouterr().err.startswith(f"Geweigerd: {FULL}\n")
            filler.unlink()
        assert store_state(url) == before
        gc.collect()  # the last connection closes: SQLite removes its shared-memory and WAL files
        filler = _fill(disk, leave=0)  # and has no room to make them again: a "disk I/O error" on opening
        assert main(["batches", "--db", url]) == 1
        assert capsys.readouterr().err.startswith(f"Geweigerd: {FULL}\n")
        elsewhere = f"sqlite:///{tmp_path / 'elders.db'}"  # a store with room, and the report on the full disk
        report = disk / "rapport.csv"
        assert main(["import", str(brugge), "--observed-on", "2024-01-01", "--report", str(report), "--db",
                     elsewhere]) == 1
        assert capsys.readouterr().err == (
            "Mislukt: een bestand kon niet gelezen of geschreven worden: de schijf is vol. In de databank is niets "
            "gewijzigd: maak schijfruimte vrij of kies een andere map, en probeer het opnieuw.\n")
        assert Store(elsewhere).is_empty()
        filler.unlink()
        assert store_state(url) == before
        assert main(["import", str(brugge), *options]) == 0  # with room again the same import lands


# --- the app -----------------------------------------------------------------------------------------------------

def _gegevens(monkeypatch, url: str, *, signed_in: bool = True) -> AppTest:
    """The whole app on the Gegevens page, a coordinator signed in (or not yet)."""
    monkeypatch.setenv("KERNMONITOR_DB", url)
    at = AppTest.from_file(APP, default_timeout=120).run()
    at.switch_page(GEGEVENS).run()
    return sign_in(at) if signed_in else at


def _upload(at: AppTest, name: str, raw: bytes) -> AppTest:
    at.file_uploader(key="upload").upload(name, raw, "text/csv")
    return at.run()


def _choose(at: AppTest, batch_id: int) -> AppTest:
    at.selectbox(key="rollback_batch").set_value(batch_id).run()
    return at.checkbox(key=f"rollback_confirm_{batch_id}").check().run()


def _roll_back(at: AppTest, batch_id: int) -> AppTest:
    return _choose(at, batch_id).button(key="rollback").click().run()


def _errors(at: AppTest) -> list[str]:
    return [error.value.replace("\\", "") for error in at.error]  # without markdown's escapes


@pytest.mark.slow
def test_a_full_disk_in_the_app_is_a_message(tmp_path, monkeypatch, coordinator):
    with _small_disk(tmp_path / "schijf") as disk:
        url = f"sqlite:///{disk / 'kernmonitor.db'}"
        ingest.import_file(Store(url), locatus_csv(30, town="Brugge", postcode="8000"), "brugge.csv",
                           imported_by="test", observed_on="2024-01-01")
        before = store_state(url)
        at = _upload(_gegevens(monkeypatch, url), "kortrijk.csv", files.KORTRIJK_CP1252)
        filler = _fill(disk, leave=0)
        at.button(key="confirm_import").click().run()
        assert not at.exception
        assert FULL in _errors(at)
        at = _roll_back(at, 1)
        assert not at.exception
        assert FULL in _errors(at)
        filler.unlink()
        assert store_state(url) == before


@pytest.mark.slow
def test_a_store_busy_past_the_timeout_is_a_message_in_the_app(store_url, monkeypatch, coordinator):
    monkeypatch.setattr(engines, "BUSY_TIMEOUT_MS", 300)  # before the app opens the store (SQLite's own timeout)
    ingest.import_file(Store(store_url), files.BRUGGE_UTF8_BOM, "brugge.csv", imported_by="test")
    before = store_state(store_url)
    at = _upload(_gegevens(monkeypatch, store_url), "kortrijk.csv", files.KORTRIJK_CP1252)
    with write_lock(store_url):
        at.button(key="confirm_import").click().run()
        assert not at.exception
        assert f"Geweigerd: {BUSY}" in _errors(at)
        at = _roll_back(at, 1)  # the rollback button of pages/gegevens.py: the app's guard says it
        assert not at.exception
        assert BUSY in _errors(at)
    assert store_state(store_url) == before


def _forged(at: AppTest, key: str, **value) -> AppTest:
    """Run the page as after a websocket message in which a client changed the state of widget ``key``.

    AppTest's own setters refuse what a widget never offered, so the message is built as a browser
    sends it: every widget's state, one of them with another value (``int_value=3`` for a widget that
    sends text: a value of the wrong type).
    """
    states = at._tree.get_widget_states()
    widget = next(state for state in states.widgets if state.id.endswith(f"-{key}"))
    (field, forged), = value.items()
    setattr(widget, field, forged)
    return at._run(widget_state=states)


@pytest.mark.slow
def test_forged_widget_state_is_a_message_and_the_traceback_stays_in_the_log(tmp_path, monkeypatch, coordinator,
                                                                            caplog):
    url = f"sqlite:///{tmp_path / 'kernmonitor.db'}"
    ingest.import_file(Store(url), files.BRUGGE_UTF8_BOM, "brugge.csv", imported_by="test")
    before = store_state(url)
    at = _gegevens(monkeypatch, url)
    with caplog.at_level(logging.ERROR, logger="dashboard.ui.faults"):
        at = _forged(at, "rollback_batch", int_value=1)  # the batch to undo, as a number instead of its label
    assert not at.exception
    [message] = _errors(at)
    code = UNEXPECTED.fullmatch(message).group(1)
    [record] = [record for record in caplog.records if record.name == "dashboard.ui.faults"]
    assert record.getMessage() == f"Kernmonitor: onverwachte fout {code} op een pagina" and record.exc_info
    at = _forged(at.run(), "rollback_batch", string_value="999")  # not among the choices: nothing is chosen
    assert not at.exception and not at.error
    assert at.selectbox(key="rollback_batch").value is None and "rollback" not in {b.key for b in at.button}
    at.switch_page(GEMEENTE).run()
    at = _forged(at, "gemeente", double_value=34022.0)  # the town's NIS code as a number: the page says so
    assert not at.exception and not at.error
    assert [warning.value for warning in at.warning] == [
        "Geen gemeente van West-Vlaanderen met NIS-code '34022.0': je ziet Kortrijk."]
    assert store_state(url) == before


@pytest.mark.slow
def test_a_batch_rolled_back_meanwhile_and_a_fault_after_a_write_are_said_as_they_are(tmp_path, monkeypatch,
                                                                                      coordinator):
    url = f"sqlite:///{tmp_path / 'kernmonitor.db'}"
    ingest.import_file(Store(url), files.BRUGGE_UTF8_BOM, "brugge.csv", imported_by="test")
    at = _choose(_gegevens(monkeypatch, url), 1)
    # Another coordinator rolls batch 1 back between this page reading the history and the click.
    stale = Store(url).batches()
    Store(url).rollback_batch(1)
    monkeypatch.setattr(loaders, "batches", lambda: stale)
    before = store_state(url)
    at.button(key="rollback").click().run()
    assert not at.exception
    assert _errors(at) == ["Geen actieve batch met nummer 1: ze bestaat niet of werd al ongedaan gemaakt. Er is "
                           "niets gewijzigd."]
    assert store_state(url) == before

    def broken(*args, **kwargs):
        raise RuntimeError("kapot")

    monkeypatch.setattr(import_views, "stored_message", broken)  # fails after the batch is stored
    at = _upload(at, "kortrijk.csv", files.KORTRIJK_CP1252)
    at.button(key="confirm_import").click().run()
    assert not at.exception
    [message] = _errors(at)
    assert re.fullmatch(r"Je wijziging is opgeslagen, maar daarna liep de pagina vast op een onverwachte fout "
                        r"\(foutcode [0-9a-f]{8}\)\. Laad de pagina opnieuw: de geschiedenis op de pagina Gegevens "
                        r"toont wat er opgeslagen is\. Blijft de fout, geef dan de foutcode aan de beheerder\.",
                        message)
    assert Store(url).batches()["status"].tolist() == ["active", "rolled_back"]


def _page_with_a_failing_callback():
    import streamlit as st

    from dashboard.ui import faults

    def sign_in():
        st.session_state["naam"].strip()  # a forged value of another type: a float has no strip

    st.text_input("Naam", key="naam")
    st.button("Aanmelden", key="aanmelden", on_click=faults.guarded_callback(sign_in))
    st.write("de pagina")


def test_a_callback_that_fails_on_a_forged_value_is_a_message_too():
    at = AppTest.from_function(_page_with_a_failing_callback).run()
    states = at._tree.get_widget_states()
    for state in states.widgets:
        if state.id.endswith("-naam"):
            state.double_value = 1.5
        if state.id.endswith("-aanmelden"):
            state.trigger_value = True
    at._run(widget_state=states)
    assert not at.exception
    assert UNEXPECTED.fullmatch(_errors(at)[0])
    assert at.markdown[-1].value == "de pagina"  # the page itself still runs


# --- a PostgreSQL server that stops ------------------------------------------------------------------------------

class _Cluster:
    """A PostgreSQL cluster of one test (initdb as the postgres user, as .ci/run does), stopped and started at will."""

    def __init__(self, root: Path, bin_dir: Path):
        self.root, self.bin_dir = root, bin_dir
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        as_postgres = [] if os.geteuid() != 0 else ["runuser", "-u", "postgres", "--"]
        subprocess.run([*as_postgres, *command], check=True, capture_output=True, cwd=self.root)

    def start(self) -> None:
        self.run("pg_ctl", "-D", str(self.root / "data"), "-l", str(self.root / "server.log"), "-w", "-o",
                 f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1", "start")

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.root / "data"), "-m", "fast", "-w", "stop")


@contextmanager
def _throwaway_postgres() -> Iterator[_Cluster]:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    _needs(bool(found), "PostgreSQL's server programs are not installed")
    _needs(os.geteuid() == 0 or os.environ.get("USER") == "postgres", "initdb runs as the postgres user")
    root = Path(tempfile.mkdtemp(prefix="kernmonitor-fouten-pg-"))
    shutil.chown(root, "postgres")
    cluster = _Cluster(root, found[-1].parent)
    try:
        cluster.run("initdb", "-D", str(root / "data"), "--auth=trust", "-U", "postgres")
        cluster.start()
        yield cluster
    finally:
        if (root / "data" / "postmaster.pid").exists():
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.slow
def test_a_stopped_postgresql_server_is_a_message_on_the_command_line_and_in_the_app(tmp_path, monkeypatch,
                                                                                       coordinator, capsys):
    with _throwaway_postgres() as server:
        url = server.url
        (tmp_path / "kortrijk.csv").write_bytes(files.KORTRIJK_CP1252)
        (tmp_path / "brugge.csv").write_bytes(files.BRUGGE_UTF8_BOM)
        assert main(["import", str(tmp_path / "brugge.csv"), "--db", url, "--by", "test"]) == 0
        before = store_state(url)
        at = _upload(_gegevens(monkeypatch, url), "kortrijk.csv", files.KORTRIJK_CP1252)
        server.stop()
        at.button(key="confirm_import").click().run()  # the connection the page held is gone
        assert not at.exception
        assert _errors(at) == [NO_SERVER]  # said once, though the data notice and the page both met it
        fresh = AppTest.from_file(APP, default_timeout=120).run()  # a new visitor on the Overzicht page
        assert not fresh.exception
        assert _errors(fresh) == [NO_SERVER]
        capsys.readouterr()
        assert main(["import", str(tmp_path / "kortrijk.csv"), "--db", url, "--by", "test"]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"Geweigerd: {NO_SERVER}\n  (databank: connection failed: ")
        assert "Traceback" not in err
        for command in (["rollback", "1"], ["batches"]):
            assert main([*command, "--db", url]) == 1
            assert capsys.readouterr().err.startswith(f"Geweigerd: {NO_SERVER}\n")
        server.start()
        assert store_state(url) == before
        assert main(["import", str(tmp_path / "kortrijk.csv"), "--db", url, "--by", "test"]) == 0


def test_a_sign_in_with_a_forged_name_of_another_type_is_a_failed_sign_in(tmp_path, monkeypatch, coordinator):
    at = _gegevens(monkeypatch, f"sqlite:///{tmp_path / 'kernmonitor.db'}", signed_in=False)
    states = at._tree.get_widget_states()
    for state in states.widgets:
        if state.id.endswith("-signin_name"):
            state.int_value = 12345  # a number where the form sends text
        if state.id.endswith("-signin"):
            state.trigger_value = True  # the form's button, pressed
    at._run(widget_state=states)
    assert not at.exception
    assert at.sidebar.error[0].value == "Naam of wachtwoord klopt niet."
