"""Store administration on SQLite and PostgreSQL: ``check`` finds each kind of damage and names
the fix; ``backup`` and ``restore`` refuse what they must not do, in Dutch."""

from __future__ import annotations

import os
import shutil
import sqlite3

import pytest
from sqlalchemy import create_engine

from dashboard import ingest
from dashboard.cli.main import main
from dashboard.store import backup as admin
from dashboard.store import integrity
from dashboard.store.database import Store
from dashboard.store.engine import open_engine as store_engine
from tests import ingest_files as files

#: Row 5 has two errors (area and date) and a warning (category); row 6 only a warning.
PROBLEMS = files.units_csv(
    [
        "Kortrijk;Markt;1;bezet;11-Dagelijks;100;01/01/2024",
        "Kortrijk;Markt;2;leeg;00-Leegstand;80;01/01/2024",
        "Kortrijk;Markt;3;bezet;22-Mode & Luxe;120;01/01/2024",
        "Kortrijk;Markt;9;bezet;Kapperszaak;veel;99/99/2024",
        "Kortrijk;Markt;10;bezet;Kapperszaak;100;01/01/2024",
    ], header="gemeente;straat;huisnummer;status;groep;wvo;peildatum")


def require(program: str) -> None:
    """pg_dump and pg_restore: CI must have them (a skip there would hide a missing part)."""
    if shutil.which(program) is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{program} is not on PATH: CI installs PostgreSQL's client programs (.ci/run).")
        pytest.skip(f"{program} is not on PATH")


def fill(url: str, *, replace_sample: bool = False) -> Store:
    """A store with a partial import (errors and warnings kept), campaign figures and a rollback
    (the first import replaces the sample with ``replace_sample``)."""
    store = Store(url)
    ingest.import_file(store, PROBLEMS, "deels.csv", imported_by="test", partial=True, replace_sample=replace_sample)
    ingest.import_file(store, files.BRUGGE_UTF8_BOM, "brugge.csv", imported_by="test")
    undone = ingest.import_file(store, files.OOSTENDE_TWO_YEARS, "oostende.csv", imported_by="test")
    ingest.import_file(store, b"gemeente;editie;deelnemende_winkels\nKortrijk;2019;120\n", "campagne.csv",
                       imported_by="test")
    store.rollback_batch(undone)
    return store


def test_a_healthy_store_passes(store_url, capsys):
    store = fill(store_url)
    batch = store.batches().set_index("batch_id").loc[1]
    assert (batch["rows_total"], batch["rows_imported"], batch["rows_rejected"]) == (5, 4, 1)
    assert len(store.rejected(1)) == 4  # two errors and a warning in row 5, a warning in row 6
    assert integrity.check(store.engine) == []
    assert main(["check", "--db", store_url]) == 0
    err = capsys.readouterr().err
    assert "is in orde: 4 batch(es), waarvan 3 actief; versie 5" in err


def test_an_empty_store_passes(store_url):
    assert integrity.check(Store(store_url).engine) == []


#: Damage, the statements that cause it (per backend where they differ), and what check says.
DAMAGE = {
    "half batch": (["DELETE FROM units WHERE batch_id = 2 AND unit_id IN ('B1', 'B2')"],
                   "Batch 2 (brugge.csv): 4 rij(en) geïmporteerd volgens de batch, maar 2 opgeslagen in tabel units "
                   "(een halve batch). Maak de batch ongedaan (python -m dashboard rollback 2)"),
    "orphans": (["INSERT INTO units (batch_id, unit_id, nis_code, status, observed_on) "
                 "VALUES (99, 'x', '34022', 'vacant', '2024-01-01')"],
                "Tabel units bevat 1 rij(en) van batch 99, die niet bestaat. Ze tellen niet mee; verwijder ze "
                "(DELETE FROM units WHERE batch_id = 99;)"),
    "rejected count": (["UPDATE batches SET rows_rejected = 0, rows_total = 4 WHERE batch_id = 1"],
                       "Batch 1 (deels.csv): 0 rij(en) geweigerd volgens de batch, maar de bewaarde problemen noemen "
                       "1 rij(en) met een fout."),
    "file rows": (["UPDATE batches SET rows_total = 6 WHERE batch_id = 1"],
                  "Batch 1 (deels.csv): het bestand had 6 rij(en), maar 4 geïmporteerd + 1 geweigerd = 5."),
    "version": (["DELETE FROM store_meta"], "Het versienummer van de databank ontbreekt"),
    "status": ({"sqlite": ["UPDATE batches SET status = 'weg' WHERE batch_id = 2"],
                "postgresql": ["ALTER TABLE batches DROP CONSTRAINT batch_status",
                               "UPDATE batches SET status = 'weg' WHERE batch_id = 2"]},
               "Batch 2 (brugge.csv) heeft een onbekende status 'weg' (geldig: active, rolled_back)."),
    "rollback time": (["UPDATE batches SET status = 'rolled_back' WHERE batch_id = 2"],
                      "Batch 2 (brugge.csv) heeft status rolled_back, maar het tijdstip van ongedaan maken ontbreekt."),
    "other table": (["INSERT INTO campaign (batch_id, nis_code, edition) VALUES (2, '31005', 2019)"],
                    "Batch 2 (brugge.csv) is van soort units, maar tabel campaign bevat 1 rij(en) van die batch."),
    "unit status": ({"sqlite": ["UPDATE units SET status = 'weg' WHERE unit_id = 'B1'"],
                     "postgresql": ["ALTER TABLE units DROP CONSTRAINT unit_status",
                                    "UPDATE units SET status = 'weg' WHERE unit_id = 'B1'"]},
                    "Tabel units bevat 1 rij(en) met een onbekende status (geldig: occupied, vacant)."),
}


def damage(url: str, statements: list[str] | dict[str, list[str]]) -> None:
    """Change a store behind the application's back, as another tool (or a crash) could."""
    engine = create_engine(url)  # a plain engine: on SQLite that is one without foreign keys
    backend = engine.dialect.name
    with engine.begin() as conn:
        if backend == "sqlite":
            conn.exec_driver_sql("PRAGMA ignore_check_constraints = ON")
        else:
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")  # no foreign key triggers
        for statement in statements[backend] if isinstance(statements, dict) else statements:
            conn.exec_driver_sql(statement)
    engine.dispose()


@pytest.mark.parametrize("kind", DAMAGE)
def test_check_finds_each_kind_of_damage(store_url, kind):
    statements, expected = DAMAGE[kind]
    fill(store_url)
    damage(store_url, statements)
    engine = store_engine(store_url)
    problems = integrity.check(engine)
    engine.dispose()
    assert problems[0].startswith(expected), problems
    # SQLite's own quick_check also reports a broken CHECK constraint; nothing else may show up.
    assert all("CHECK constraint failed" in problem for problem in problems[1:]), problems


def test_check_on_the_command_line_lists_each_problem_and_exits_1(store_url, capsys):
    fill(store_url)
    damage(store_url, DAMAGE["half batch"][0] + DAMAGE["orphans"][0])
    capsys.readouterr()
    assert main(["check", "--db", store_url]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("Batch 2 (brugge.csv): 4 rij(en) geïmporteerd")
    assert err[1].startswith("Tabel units bevat 1 rij(en) van batch 99")
    assert err[2].startswith("2 probleem/problemen gevonden in ")


def test_check_does_not_create_a_store_that_is_not_there(tmp_path, capsys):
    path = tmp_path / "getypt.db"
    assert main(["check", "--db", f"sqlite:///{path}"]) == 1
    assert f"Geen databank gevonden op {path}: controleer --db of KERNMONITOR_DB." in capsys.readouterr().err
    assert not path.exists()


def test_a_sqlite_backup_is_one_checked_file_and_never_overwrites(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'kernmonitor.db'}"
    fill(url)
    out = tmp_path / "backup.db"
    assert main(["backup", "--out", str(out), "--db", url]) == 0
    assert f"Back-up geschreven naar {out}" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.glob("backup*")) == ["backup.db"]  # no -wal, no partial file
    with sqlite3.connect(out) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM batches").fetchone()[0] == 4
    before = out.read_bytes()
    assert main(["backup", "--out", str(out), "--db", url]) == 1
    assert "bestaat al: kies een nieuwe bestandsnaam" in capsys.readouterr().err
    assert out.read_bytes() == before


def test_a_postgresql_backup_is_a_pg_dump_archive(postgres_url, tmp_path, capsys):
    require("pg_dump")
    fill(postgres_url)
    out = tmp_path / "kernmonitor.dump"
    assert main(["backup", "--out", str(out), "--db", postgres_url]) == 0, capsys.readouterr().err
    assert out.read_bytes()[:5] == admin.PG_DUMP_MAGIC
    assert [p.name for p in tmp_path.iterdir()] == ["kernmonitor.dump"]


def test_without_pg_dump_the_backup_says_which_command_to_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no PostgreSQL client programs
    url = "postgresql+psycopg://kern:geheim@db.example:5432/kernmonitor"
    assert main(["backup", "--out", str(tmp_path / "k.dump"), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "pg_dump staat niet op het PATH van deze computer" in err
    assert (f"  pg_dump --format=custom --file={tmp_path / 'k.dump'} "
            "--dbname=postgresql://kern@db.example:5432/kernmonitor\n") in err
    assert "geheim" not in err  # the password goes in PGPASSWORD or ~/.pgpass, never on screen
    assert not (tmp_path / "k.dump").exists()


def test_restore_refuses_a_store_that_is_not_empty(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'kernmonitor.db'}"
    fill(url)
    out = tmp_path / "backup.db"
    assert main(["backup", "--out", str(out), "--db", url]) == 0
    assert main(["restore", str(out), "--db", url]) == 1
    err = capsys.readouterr().err
    assert "Geweigerd: de doeldatabank sqlite:///" in err
    assert ("is niet leeg (audit_events: 5 rij(en), batch_files: 4 rij(en), batches: 4 rij(en), campaign: 1 "
            "rij(en),") in err
    assert "Er is niets veranderd." in err


def test_restore_refuses_what_is_no_backup_or_the_wrong_kind(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'nieuw.db'}"
    other = tmp_path / "leeg.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    notes = tmp_path / "notities.txt"
    notes.write_text("geen back-up")
    assert main(["restore", str(tmp_path / "weg.db"), "--db", url]) == 1
    assert f"Het back-upbestand {tmp_path / 'weg.db'} bestaat niet." in capsys.readouterr().err
    assert main(["restore", str(notes), "--db", url]) == 1
    assert "is geen back-up van Kernmonitor" in capsys.readouterr().err
    assert main(["restore", str(other), "--db", url]) == 1
    assert "is een SQLite-bestand, maar geen Kernmonitor-databank" in capsys.readouterr().err
    assert main(["restore", str(other), "--db", "postgresql+psycopg://kern@db.example/kernmonitor"]) == 1
    assert ("leeg.db is een back-up van een SQLite-databank en kan alleen in een SQLite-databank teruggezet "
            "worden, maar --db wijst naar PostgreSQL.") in capsys.readouterr().err


def test_restore_into_a_new_sqlite_file(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'kernmonitor.db'}"
    fill(url)
    out = tmp_path / "backup.db"
    assert main(["backup", "--out", str(out), "--db", url]) == 0
    target = tmp_path / "nieuw" / "hersteld.db"
    assert main(["restore", str(out), "--db", f"sqlite:///{target}"]) == 0
    assert "teruggezet in sqlite:///" in capsys.readouterr().err
    restored = Store(f"sqlite:///{target}")
    assert restored.batches().drop(columns="imported_at").equals(Store(url).batches().drop(columns="imported_at"))
    with restored.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"

