"""Bad files: each is refused with a Dutch message naming the row and value, and the store stays as it was."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.cli.main import main
from dashboard.ingest import prepare, schemas
from tests import ingest_files as files
from tests.conftest import store_state

HEADER = "gemeente;straat;huisnummer;status;wvo;peildatum"


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return files.units_csv(list(rows), header=header)


def _five_hundred_with_one_bad() -> bytes:
    rows = files.good_rows(500)
    rows[249] = "Kortrijk;Doorniksestraat;250;misschien;100;01/01/2024"  # file row 251 (header is row 1)
    return _csv(*rows)


# (file bytes, what the message must contain: the row and the offending value where there is one)
BAD_FILES = {
    "empty": (b"", ["Het bestand is leeg"]),
    "header only": (_csv(), ["geen gegevensrijen"]),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", ["geen tekstbestand"]),
    "wrong delimiter": (b"gemeente:straat:status:peildatum\nKortrijk:Markt:leeg:2024\n",
                        ["geen enkele kolom herkend", "gemeente:straat:status:peildatum"]),
    "no status": (_csv("Kortrijk;Markt;1;01/01/2024", header="gemeente;straat;huisnummer;peildatum"),
                  ["geen kolom status"]),
    "unknown municipality": (_csv("Kortrijk;Markt;1;bezet;80;01/01/2024", "Atlantis;Markt;2;bezet;80;01/01/2024"),
                             ["Rij 3, kolom 'gemeente' (waarde 'Atlantis'): onbekende gemeente"]),
    "impossible date": (_csv("Kortrijk;Markt;1;bezet;80;31/02/2023"),
                        ["Rij 2, kolom 'peildatum' (waarde '31/02/2023'): geen bestaande datum"]),
    "future date": (_csv("Kortrijk;Markt;1;bezet;80;01/01/2099"),
                    ["Rij 2, kolom 'peildatum' (waarde '01/01/2099'): datum in de toekomst"]),
    "duplicate rows": (_csv("Kortrijk;Markt;1;bezet;80;01/01/2024", "Kortrijk;Markt;1;bezet;80;01/01/2024"),
                       ["Rij 3", "dezelfde pand-id en peildatum"]),
    "outside the province": (_csv("Gent;Veldstraat;1;bezet;80;01/01/2024"),
                             ["Rij 2, kolom 'gemeente' (waarde 'Gent'): Gent ligt niet in West-Vlaanderen"]),
    "unknown status word": (_csv("Kortrijk;Markt;1;misschien;80;01/01/2024"),
                            ["Rij 2, kolom 'status' (waarde 'misschien'): onbekende status"]),
    "unknown headers only": (b"kleur;smaak\nrood;zoet\n", ["geen enkele kolom herkend", "kleur, smaak"]),
    "a 200,000-character field": (_csv("Kortrijk;Markt;1;bezet;80;01/01/2024",
                                       "Kortrijk;Markt;2;bezet;80;01/01/2024;" + "x" * 200_000,
                                       header=HEADER + ";opmerking"),
                                  ["Rij 3, kolom 'opmerking'", "veld van 200.000 tekens; de grens is 1.000"]),
    "one bad row among 500": (_five_hundred_with_one_bad(),
                              ["1 fout(en) in 1 rij(en)", "Rij 251, kolom 'status' (waarde 'misschien'): onbekende"]),
    "a row with too many fields": (_csv("Kortrijk;Markt;1;bezet;80;01/01/2024", "Kortrijk;Markt;2;bezet;80;1;2;3"),
                                   ["Rij 3 heeft 8 velden, de kopregel 6"]),
    "no date at all": (_csv("Kortrijk;Markt;1;bezet;80", header="gemeente;straat;huisnummer;status;wvo"),
                       ["geen peildatum"]),
    "name and NIS code disagree": (
        _csv("Ieper;Markt;1;bezet;80;01/01/2024;34022", header=HEADER + ";nis"),
        ["Rij 2, kolom 'gemeente' (waarde 'Ieper'): NIS-code 34022 is Kortrijk, maar de gemeente zegt Ieper"]),
    "postcode and name disagree": (
        _csv("Nieuwpoort;Markt;1;bezet;80;01/01/2024;8301", header=HEADER + ";postcode"),
        ["Rij 2, kolom 'gemeente' (waarde 'Nieuwpoort'): postcode 8301 hoort bij Knokke-Heist, maar de gemeente "
         "zegt Nieuwpoort"]),
}


@pytest.fixture
def filled_url(store_url, tmp_path) -> str:
    """A store that already holds one good batch, which a refused file must leave alone."""
    path = tmp_path / "brugge.csv"
    path.write_bytes(files.BRUGGE_UTF8_BOM)
    assert main(["import", str(path), "--db", store_url]) == 0
    return store_url


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_file_is_refused_whole(name, filled_url, tmp_path, capsys):
    raw, expected = BAD_FILES[name]
    capsys.readouterr()
    before = store_state(filled_url)
    path = tmp_path / "slecht.csv"
    path.write_bytes(raw)
    code = main(["import", str(path), "--db", filled_url])
    err = capsys.readouterr().err
    assert code == 1
    for text in expected:
        assert text in err
    assert store_state(filled_url) == before
    assert before[1] == (1, 4, 1, 0, 0, 0)  # the earlier batch (4 units, 1 inventory) is still all there


def test_there_are_at_least_fifteen_kinds_of_bad_file():
    assert len(BAD_FILES) >= 15


def test_a_missing_file_is_wrong_usage(tmp_path, capsys):
    assert main(["import", str(tmp_path / "bestaat-niet.csv"), "--db", f"sqlite:///{tmp_path / 'k.db'}"]) == 2
    assert "Kan" in capsys.readouterr().err


#: Wrong optional values: the unit is kept with the field unknown, and a warning names row, column and value.
OPTIONAL = {
    "negative area": (_csv("Kortrijk;Markt;1;bezet;-5;01/01/2024"), "wvo", "-5",
                      "oppervlakte moet tussen 0 en 100.000 m² liggen; het veld blijft leeg, het pand telt mee"),
    "an area in words": (_csv("Kortrijk;Markt;1;bezet;veel;01/01/2024"), "wvo", "veel",
                         "geen getal: schrijf bv. 1250 of 1.250,5; het veld blijft leeg, het pand telt mee"),
    "coordinates far away": (_csv("Kortrijk;Markt;1;bezet;80;01/01/2024;48.8566;2.3522", header=HEADER + ";lat;lon"),
                             "lat", "48.8566", "ligt buiten West-Vlaanderen"),
    "a vacant date in the future": (
        _csv("Kortrijk;Markt;1;leeg;80;01/01/2024;05/05/2098", header=HEADER + ";leeg sinds"), "leeg sinds",
        "05/05/2098", "datum in de toekomst (na 01/01/2026): controleer de datum; het veld blijft leeg, het pand "
                      "telt mee"),
}


@pytest.mark.parametrize("name", list(OPTIONAL))
def test_a_wrong_optional_value_never_costs_the_unit(name):
    raw, column, value, message = OPTIONAL[name]
    prepared = prepare(raw, "optioneel.csv", today=pd.Timestamp("2026-01-01"))
    assert prepared.errors.empty and len(prepared.valid_rows) == 1
    warning = prepared.problems.iloc[0]
    assert (warning["row_number"], warning["column_name"], warning["value"], warning["severity"]) == (
        2, column, value, "waarschuwing")
    assert message in warning["problem"]
    unit = prepared.valid_rows.iloc[0]
    field = {"wvo": "floor_area_m2", "lat": "lat", "leeg sinds": "vacant_since"}[column]
    assert pd.isna(unit[field]) and (field != "lat" or pd.isna(unit["lon"]))  # a place half known is unknown


def test_rules_checked_a_slice_of_rows_at_a_time_find_what_one_check_finds(monkeypatch):
    monkeypatch.setattr(schemas, "SLICE_ROWS", 2)  # rows 2–3, 4–5 and 6–7
    frame = pd.DataFrame({"nis_code": ["34022", "3402", "34022", "34022", None, None],
                          "edition": pd.array([2020, 2021, 1990, 2020, 2022, 2022], dtype="Int64"),
                          "participating_shops": pd.array([1, 2, 3, -4, 5, 6], dtype="Int64")},
                         index=[2, 3, 4, 5, 6, 7])
    found = schemas.failures(frame, "campaign", today=pd.Timestamp("2025-01-01"))
    again = "deze gemeente en editie staan al in een eerdere rij: voeg de cijfers samen in één rij"
    assert found[["index", "column", "message"]].values.tolist() == [
        [5, "nis_code", again],  # row 5 repeats row 2, in another slice
        [7, "edition", again],  # row 7 repeats row 6: no town in either, so named by its edition
        [3, "nis_code", "een NIS-code heeft 5 cijfers"],
        [4, "edition", "een editie is een jaar tussen 2000 en 2026"],
        [5, "participating_shops", "moet een geheel getal ≥ 0 zijn"],
        [6, "nis_code", "not_nullable"], [7, "nis_code", "not_nullable"]]
    assert found["failure_case"].tolist()[:5] == ["34022", 2022, "3402", 1990, -4]


def test_a_file_without_dates_is_checked_row_by_row_once_the_date_is_given():
    # Two rows, the second with an unknown status. Without a date nothing can be stored: only that
    # is said (the rows are not checked yet: a file at the row limit would be checked twice).
    raw = _csv("Kortrijk;Markt;1;bezet;80", "Kortrijk;Markt;2;misschien;80",
               header="gemeente;straat;huisnummer;status;wvo")
    undated = prepare(raw, "x.csv")
    assert undated.problems["problem"].str.startswith("geen peildatum").tolist() == [True]
    assert undated.rows.empty and undated.rows_read == 2
    dated = prepare(raw, "x.csv", observed_on=pd.Timestamp("2024-01-01"))
    assert dated.problems[["row_number", "column_name", "value"]].values.tolist() == [[3, "status", "misschien"]]
    assert dated.valid_rows["house_number"].tolist() == ["1"]
