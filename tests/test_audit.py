"""The audit log, the command line's output to spreadsheets and terminals, staging files of killed
imports in `check`, and the read-only public instance."""

import io
import os
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.auth import accounts as auth
from dashboard.cli.main import main
from dashboard.cli.printing import TerminalFilter, guard_terminal
from dashboard.store.database import Batch, Store
from tests.conftest import PASSWORD, sign_in, unit_rows

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "pages"
HOSTILE = "=HYPERLINK(\"http://x\")\x1b]0;titel\x07"  # a formula and a terminal escape sequence


def _units_file(tmp_path: Path, name: str = "brugge.csv", street: str = "Markt") -> Path:
    path = tmp_path / name
    path.write_text(f"gemeente;straat;huisnummer;status;peildatum\nBrugge;{street};1;leeg;01/01/2024\n"
                    "Brugge;Markt;2;bezet;01/01/2024\n", encoding="utf-8")
    return path


def _audit(capsys, url: str) -> pd.DataFrame:
    assert main(["audit", "--db", url]) == 0
    return pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)


def test_imports_rollbacks_and_sample_removal_are_logged_with_who_and_from_where(tmp_path, capsys, store_url):
    assert main(["import", str(_units_file(tmp_path)), "--db", store_url, "--by", "els"]) == 0
    assert main(["rollback", "1", "--db", store_url]) == 0
    Store(store_url).record_event(actor="an", action="sign_in_failed", client="10.0.0.7")
    log = _audit(capsys, store_url)
    assert log[["event_id", "actor", "action", "what", "detail", "client"]].values.tolist() == [
        ["3", "an", "sign_in_failed", "aanmelding mislukt", "", "10.0.0.7"],
        ["2", log["actor"][1], "rollback", "batch ongedaan gemaakt", "batch 1", "opdrachtregel"],
        ["1", "els", "import", "bestand geïmporteerd", "batch 1: brugge.csv (2 rij(en) verkooppunten)",
         "opdrachtregel"]]
    assert log["actor"][1] not in ("", "onbekend")  # the system user who ran the rollback
    assert pd.to_datetime(log["at"]).notna().all()
    assert main(["audit", "--limit", "1", "--db", store_url]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2  # header and the newest event


def test_a_refused_import_logs_nothing(tmp_path, capsys, store_url):
    bad = tmp_path / "fout.csv"
    bad.write_text("gemeente;status;peildatum\nAtlantis;leeg;01/01/2024\n", encoding="utf-8")  # no such town
    assert main(["import", str(bad), "--db", store_url]) == 1
    assert _audit(capsys, store_url).empty  # the event lands with the batch, or not at all


def test_sign_ins_failures_and_held_attempts_are_logged_in_the_page(tmp_path, monkeypatch, coordinator):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    monkeypatch.setenv("KERNMONITOR_DB", url)
    at = AppTest.from_file(str(PAGES / "gegevens.py"), default_timeout=120).run()
    for _ in range(3):
        at = sign_in(at, password="fout-wachtwoord")
    at = sign_in(at)  # the 4th attempt within a second is held back, not checked
    assert at.sidebar.error[0].value.startswith("Te veel mislukte aanmeldingen")
    at = sign_in(at)  # held again: logged once a minute, not at every try
    auth.THROTTLE.clear()
    at = sign_in(at)
    log = Store(url).audit_log()
    assert log[["actor", "action", "client"]].values.tolist() == [
        ["an", "sign_in", "lokaal"], ["an", "sign_in_held", "lokaal"],
        *[["an", "sign_in_failed", "lokaal"]] * 3]
    assert PASSWORD not in log.to_csv()


def test_user_add_and_remove_are_logged_in_an_existing_store(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    monkeypatch.setenv(settings.SECRETS_ENV, str(tmp_path / "secrets.toml"))
    monkeypatch.setattr("sys.stdin", io.StringIO("een lang wachtwoord\n"))
    assert main(["user", "add", "els", "--password-stdin"]) == 0
    assert main(["user", "remove", "els"]) == 0
    log = _audit(capsys, url)
    assert log[["action", "detail", "client"]].values.tolist() == [
        ["account_removed", "account els", "opdrachtregel"], ["account_saved", "account els", "opdrachtregel"]]


# What the command line writes.


def test_csv_output_neutralises_formulas_from_the_file(tmp_path, capsys, store_url):
    assert main(["import", str(_units_file(tmp_path, "=cmd.csv", street="Markt")), "--db", store_url]) == 0
    assert main(["batches", "--db", store_url]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("1,units,'=cmd.csv,2,0,")
    Store(store_url).save_mapping("+bron", "units", {"-straat": "street"}, saved_by="an")
    assert main(["mappings", "--db", store_url]) == 0
    assert capsys.readouterr().out == "naam,soort,kolom,gegeven\n'+bron,units,'-straat,street\n"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_no_control_characters_but_a_pipe_gets_every_byte(monkeypatch):
    screen = io.StringIO()
    TerminalFilter(screen).write(f"{HOSTILE}\tna\u202eam\n")
    assert screen.getvalue() == "=HYPERLINK(\"http://x\")]0;titel\tnaam\n"
    terminal, pipe = _Terminal(), io.StringIO()
    monkeypatch.setattr("sys.stdout", terminal)
    monkeypatch.setattr("sys.stderr", pipe)
    guard_terminal()
    print(HOSTILE)
    print(HOSTILE, file=sys.stderr)
    assert terminal.getvalue() == "=HYPERLINK(\"http://x\")]0;titel\n"
    assert pipe.getvalue() == HOSTILE + "\n"


# Staging files of killed imports.


def test_check_lists_staging_files_of_killed_imports_and_repair_removes_them(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="a.csv", raw=b"a"), unit_rows({}))
    left = tmp_path / "k.db.staging-abc123.db"  # a killed import's: 2 MiB, unlocked, a minute old
    left.write_bytes(b"\0" * 2 * 1024 * 1024)
    os.utime(left, (time.time() - 60, time.time() - 60))
    assert main(["check", "--db", url]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "1 tijdelijk(e) bestand(en) van afgebroken imports (2,0 MB) naast de databank: k.db.staging-abc123.db. "
        "De databank zelf is in orde; python -m dashboard check --repair (of de volgende import) ruimt ze op.")
    assert main(["check", "--repair", "--db", url]) == 0
    assert capsys.readouterr().err.startswith("Verwijderd: k.db.staging-abc123.db (tijdelijk bestand van een "
                                              "afgebroken import).\nDe databank")
    assert not left.exists()


# The read-only public instance.


def test_a_read_only_instance_offers_no_sign_in_import_rollback_or_report(tmp_path, monkeypatch, coordinator):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="brugge.csv", raw=b"x", imported_by="an"),
                         unit_rows({"status": "vacant", "group_code": "00"}, {}, nis_code="31005"))
    monkeypatch.setenv("KERNMONITOR_DB", url)
    monkeypatch.setenv(settings.READ_ONLY_ENV, "1")
    at = AppTest.from_file(str(PAGES / "gegevens.py"), default_timeout=120).run()
    assert not at.exception
    assert not at.text_input and not at.file_uploader and not at.selectbox  # no sign-in, upload or rollback
    assert at.sidebar.caption[0].value == "Publieke versie: alleen lezen."
    assert at.info[0].value.startswith("Dit is de publieke versie van Kernmonitor: alleen lezen.")
    assert at.dataframe[0].value["Door"].tolist() == ["coördinator"]
    # A session that says it is signed in (state from elsewhere) is still a viewer on the server.
    at.session_state["coordinator"] = "an"
    at.run()
    assert not at.file_uploader and not at.selectbox
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=120).run()
    assert not app.exception
    assert not app.file_uploader  # Overzicht offers no boundary upload either
    app.switch_page(str(PAGES / "gegevens.py")).run()  # the history stays public
    assert app.title[0].value == "Gegevens"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(str(PAGES / "rapport.py"))  # not in this instance's navigation at all

