"""Headers as people write them, and the import's command line at par with the page: --map,
--mapping, mappings, --status, --dry-run and --report, on files the tests write."""

from __future__ import annotations

import gc
import hashlib
import sqlite3
from contextlib import closing

import pandas as pd
import pytest

from dashboard import ingest
from dashboard.cli.main import main
from dashboard.ingest.columns import map_headers
from dashboard.ingest.templates import TEMPLATES, template_csv
from dashboard.store.database import Store

#: Ieper's register with headers a town writes: none is the app's own spelling.
REGISTER = ("Gemeentenaam;Adres;Oppervlakte (m²);Leegstaand sinds;Inventarisdatum;Opmerking\n"
            "Ieper;Boterstraat 1;120;01/03/2020;31/12/2023;hoekpand\n"
            "Ieper;Meensestraat 12 bus 2;80;;31/12/2023;\n").encode()


def _import(tmp_path, capsys, url: str, raw: bytes, *options: str, name: str = "register.csv") -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(raw)
    code = main(["import", str(path), "--db", url, "--by", "test", *options])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("header", "column"), [
    ("Winkelvloeroppervlakte (m²)", "floor_area_m2"), ("Oppervlakte (m²)", "floor_area_m2"),
    ("WVO (m²)", "floor_area_m2"), ("Opp.", "floor_area_m2"), ("Leegstaand sinds", "vacant_since"),
    ("Nummer", "house_number"), ("Categorie", "category"), ("Inventarisdatum", "observed_on"),
    ("Gemeentenaam", "municipality"), ("Long", "lon"), ("rue", "street"), ("numéro", "house_number"),
    ("statut", "status"), ("surface", "floor_area_m2"), ("commune", "municipality"), ("Adres", "address"),
])
def test_everyday_headers_are_known(header, column):
    assert map_headers([header], "units")[header] == column


def test_campaign_labels_of_the_app_itself_are_known():
    assert map_headers(["Kandidaat-ambassadeurs", "Budget (EUR)"], "campaign") == {
        "Kandidaat-ambassadeurs": "ambassador_candidates", "Budget (EUR)": "budget_eur"}


@pytest.mark.parametrize("kind", list(TEMPLATES))
def test_every_template_imports_as_it_is(kind):
    prepared = ingest.prepare(template_csv(kind), f"sjabloon_{kind}.csv", kind=kind,
                              today=pd.Timestamp("2026-01-01"))
    assert prepared.errors.empty and len(prepared.valid_rows) == 1
    assert all(prepared.mapping.values())  # every column of the app's own template is used


def test_a_register_with_everyday_headers_imports_without_a_mapping(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    # No status column: --status vacant says every premises is vacant.
    code, _, err = _import(tmp_path, capsys, url, REGISTER, "--status", "vacant")
    assert code == 0, err
    assert "Bestand, kolom 'Opmerking': kolom niet gebruikt" in err  # named, not used
    units = Store(url).units().set_index("street")
    assert units.loc["Boterstraat", "house_number"] == "1" and units.loc["Meensestraat", "house_number"] == "12 bus 2"
    assert units["floor_area_m2"].tolist() == [120.0, 80.0]
    assert units.loc["Boterstraat", "vacant_since"] == pd.Timestamp("2020-03-01")
    assert set(units["status"]) == {"vacant"}


def test_map_names_a_column_and_a_wrong_map_is_a_usage_error(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    raw = b"plaats;straat;nr;toestand;m2 winkel;datum\nKortrijk;Markt;1;leeg;95;2024\n"
    code, _, err = _import(tmp_path, capsys, url, raw, "--map", "m2 winkel=floor_area_m2")
    assert code == 0, err
    assert Store(url).units()["floor_area_m2"].tolist() == [95.0]
    code, _, err = _import(tmp_path, capsys, url, raw, "--map", "Oppervlakte=floor_area_m2")
    assert code == 2 and "--map: de kolom 'Oppervlakte' staat niet in het bestand" in err
    code, _, err = _import(tmp_path, capsys, url, raw, "--map", "m2 winkel=edition")
    assert code == 2 and "'edition' is geen gegeven van verkooppunten" in err


def test_a_mapping_saved_on_the_page_is_used_and_listed(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    raw = b"Plaats;Weg;Nr;Toestand;Datum\nKortrijk;Markt;1;leeg;2024\n"
    Store(url).save_mapping("Stad Kortrijk", "units", {"Plaats": "municipality", "Weg": "street", "Nr": "house_number",
                                                      "Toestand": "status", "Datum": "observed_on"}, saved_by="an")
    assert main(["mappings", "--db", url]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "naam,soort,kolom,gegeven" and "Stad Kortrijk,units,Weg,street" in listed
    code, _, err = _import(tmp_path, capsys, url, raw, "--mapping", "Stad Kortrijk")
    assert code == 0, err
    assert Store(url).units()["street"].tolist() == ["Markt"]
    code, _, err = _import(tmp_path, capsys, url, raw, "--mapping", "Stad Brugge")
    assert code == 2 and "Geen bewaarde koppeling 'Stad Brugge'" in err


def _file_digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_dry_run_prints_the_preview_and_leaves_the_store_byte_identical(tmp_path, capsys):
    from tests.test_inventory_kinds import CORRECTION, KORTRIJK

    url = f"sqlite:///{tmp_path / 'k.db'}"
    assert _import(tmp_path, capsys, url, KORTRIJK, name="kortrijk.csv")[0] == 0
    gc.collect()  # the import's own engine, out of use: its connection closes now, not during the dry run
    with closing(sqlite3.connect(tmp_path / "k.db")) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the file itself, nothing left to write
    before = _file_digest(tmp_path / "k.db")
    code, out, err = _import(tmp_path, capsys, url, CORRECTION, "--dry-run", "--inventory", "update",
                             name="correctie.csv")
    assert code == 0, err
    assert "Proef: 3 van 3 rij(en) zouden geïmporteerd worden" in err and "er is niets opgeslagen" in err
    assert "→ aanvulling (wijzigingen); telt mee" in err
    lines = out.splitlines()
    assert lines[0] == "Gemeente,Peildatum,Vergeleken met,Nieuw,Gewijzigd,Ongewijzigd,Verdwenen,Leegstand voor → na"
    assert lines[1] == "Kortrijk,01/06/2024,01/01/2024,1,2,8,0,\"20,0 % → 18,2 %\""
    assert _file_digest(tmp_path / "k.db") == before and len(Store(url).batches()) == 1


def test_report_writes_every_problem_and_a_refusal_points_to_it(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    raw = b"gemeente;straat;nr;status;datum;extra\nKortrijk;Markt;1;leeg;2024;x\nAtlantis;Markt;2;leeg;2024;y\n"
    report = tmp_path / "rapport.csv"
    code, _, err = _import(tmp_path, capsys, url, raw, "--report", str(report))
    assert code == 1
    assert "Het volledige rapport (1 fout(en), 1 waarschuwing(en)) schrijft --report FILE.csv" in err
    written = pd.read_csv(report, dtype=str, sep=";", encoding="utf-8-sig")  # as Excel in nl-BE opens it
    assert written.columns.tolist() == ["rij", "kolom", "waarde", "probleem", "ernst"]
    assert written[["rij", "kolom", "ernst"]].fillna("").values.tolist() == [
        ["", "extra", "waarschuwing"], ["3", "gemeente", "fout"]]


def test_the_same_problem_in_many_rows_is_one_line_and_the_report_has_them_all(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    rows = ["Kortrijk;8500;Markt;1;leeg;2024", "Kortrijk;8500;Markt;2;bezet;2024"]
    rows += [f"Antwerpen;2000;Meir;{n};bezet;2024" for n in range(1, 31)]  # rows 4–33
    raw = ("gemeente;pva_postcode;straat;nr;status;datum\n" + "\n".join(rows) + "\n").encode()
    report = tmp_path / "rapport.csv"
    code, _, err = _import(tmp_path, capsys, url, raw, "--report", str(report))
    assert code == 1
    lines = [line for line in err.splitlines() if "Antwerpen" in line]
    assert lines == ["Rij 4–33 (30 rijen), kolom 'pva_postcode' (waarde '2000'): Antwerpen ligt niet in "
                     "West-Vlaanderen: dit dashboard aanvaardt alleen gemeenten van de provincie"]
    written = pd.read_csv(report, dtype=str, sep=";", encoding="utf-8-sig")
    assert written["rij"].astype(int).tolist() == list(range(4, 34))
