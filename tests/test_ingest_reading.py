"""Reading files and recognising their headers (dashboard.ingest.reading, .columns, .places)."""

import pandas as pd
import pytest

from dashboard.ingest import FileRejected, prepare
from dashboard.ingest.columns import detect_kind, map_headers
from dashboard.ingest.places import resolve
from dashboard.ingest.reading import read_table, sheet_names, sniff_delimiter
from tests import ingest_files as files


@pytest.mark.parametrize(("text", "delimiter"), [
    ("a;b;c\n1;2,5;3\n", ";"),  # decimal comma inside a ;-file
    ("a,b,c\n1,2,3\n", ","),
    ("a\tb\tc\n1\t2\t3\n", "\t"),
    ("a|b|c\n1|2|3\n", "|"),
    ('naam,adres\n"Bakkerij; Peeters","Markt 1"\n', ","),  # a ; inside quotes does not count
])
def test_sniff_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_rows_are_numbered_as_excel_shows_them():
    raw = b'gemeente;naam\nKortrijk;A\n\nKortrijk;"B\nmet twee regels"\nKortrijk;C\n'
    frame, description = read_table(raw)
    assert description == "CSV, gescheiden door puntkomma"
    assert frame.index.tolist() == [2, 4, 5]  # the blank row 3 is skipped, not renumbered
    assert frame.loc[4, "naam"] == "B\nmet twee regels"


def test_xlsx_first_sheet_by_default_and_another_on_request():
    raw = files.xlsx([["gemeente", "status"], ["Kortrijk", "leeg"]],
                     sheets={"2023": [["gemeente", "status"], ["Brugge", "bezet"], ["Ieper", "leeg"]]})
    assert sheet_names(raw) == ["Inventaris", "2023"]
    assert read_table(raw)[0]["gemeente"].tolist() == ["Kortrijk"]
    other, description = read_table(raw, sheet="2023")
    assert other["gemeente"].tolist() == ["Brugge", "Ieper"]
    assert description == "Excelbestand, werkblad '2023'"
    with pytest.raises(FileRejected, match="Het werkblad '2019' bestaat niet; dit bestand heeft: Inventaris, 2023"):
        read_table(raw, sheet="2019")


def test_headers_match_whatever_their_case_accents_and_punctuation():
    mapping = map_headers(["PAND-ID", "Gemeente", "Straatnaam", "Huisnr.", "Winkelvloeroppervlakte",
                           "Leegstand sinds", "Peildatum", "X_Lambert72", "y", "Filiaal", "Opmerking"], "units")
    assert mapping == {"PAND-ID": "unit_id", "Gemeente": "municipality", "Straatnaam": "street",
                       "Huisnr.": "house_number", "Winkelvloeroppervlakte": "floor_area_m2",
                       "Leegstand sinds": "vacant_since", "Peildatum": "observed_on", "X_Lambert72": "x", "y": "y",
                       "Filiaal": "chain", "Opmerking": None}


@pytest.mark.parametrize(("headers", "kind"), [
    (["GROEP", "HOOFDBRANCHE", "BRANCHE", "NAAM", "PLAATS", "POSTCODE", "WVO"], "units"),  # Locatus export
    (["gemeente", "straat", "status", "jaar"], "units"),
    (["NIS", "Editie", "Deelnemende winkels", "Tassen"], "campaign"),
    (["gemeente", "jaar", "stemmen", "ambassadeurs"], "campaign"),
    (["gemeente", "editie", "winkel", "ondernemingsnummer", "stemmen", "winnaar"], "votes"),
])
def test_kind_is_told_from_the_headers(headers, kind):
    assert detect_kind(headers) == kind


def test_municipalities_resolve_by_code_postcode_then_name():
    nis = pd.Series(["37015", None, None, None, None, "99999"])
    postcode = pd.Series([None, "8760", "8501", None, None, None])
    name = pd.Series([None, None, None, "ieper", "Ypres", None])
    codes, source = resolve(nis, postcode, name)
    # 8760 Meulebeke keeps its 2018 code; 8501 Heule is a part of Kortrijk; names ignore case and language.
    assert codes.tolist() == ["37015", "37007", "34022", "33011", "33011", None]
    assert source.tolist() == ["nis", "postcode", "postcode", "name", "name", None]


def test_the_province_is_a_setting(monkeypatch):
    raw = files.units_csv(["Gent;Veldstraat;1;bezet;80;01/01/2024", "Kortrijk;Markt;1;bezet;80;01/01/2024"])
    monkeypatch.setenv("KERNMONITOR_PROVINCE", "40000")  # Oost-Vlaanderen
    problems = prepare(raw, "x.csv", today=pd.Timestamp("2026-01-01")).problems
    assert problems[["row_number", "value"]].values.tolist() == [[3, "Kortrijk"]]
    assert problems["problem"].iloc[0] == ("Kortrijk ligt niet in Oost-Vlaanderen: dit dashboard aanvaardt alleen "
                                           "gemeenten van de provincie")


@pytest.mark.parametrize("kind", ["units", "campaign", "votes"])
def test_templates_import_as_they_are(kind):
    from dashboard.ingest.templates import TEMPLATES, template_csv

    prepared = prepare(template_csv(kind), "sjabloon.csv", today=pd.Timestamp("2026-01-01"))
    assert prepared.kind == kind  # told from the Dutch headers
    assert prepared.problems.empty
    assert all(prepared.mapping[header] for header in TEMPLATES[kind][0])  # every header is recognised
    assert prepared.rows["nis_code"].tolist() == ["34022"]


def test_a_hand_made_mapping_is_checked():
    raw = b"Plaats;Adres;Toestand;Datum;Oppervl\nKortrijk;Markt 1;leeg;2024;80\n"
    mapping = {"Plaats": "municipality", "Adres": "street", "Toestand": "status", "Datum": "observed_on",
               "Oppervl": "edition"}  # edition belongs to campaign files: left unused
    prepared = prepare(raw, "x.csv", kind="units", mapping=mapping, today=pd.Timestamp("2026-01-01"))
    assert prepared.mapping["Oppervl"] is None
    # Every column is used or named: the one left unused gets a warning with the nearest column.
    assert prepared.problems[["column_name", "problem", "severity"]].values.tolist() == [
        ["Oppervl", "kolom niet gebruikt — bedoel je winkelvloeroppervlakte (m²) (floor_area_m2)? Koppel ze bij "
                    "'Kolommen koppelen' of met --map \"Oppervl=floor_area_m2\"", "waarschuwing"]]
    twice = prepare(raw, "x.csv", kind="units", mapping={**mapping, "Adres": "municipality"},
                    today=pd.Timestamp("2026-01-01"))
    assert twice.file_errors["value"].tolist() == ["Plaats, Adres"]
    assert twice.file_errors["problem"].iloc[0] == "meer dan één kolom gekoppeld aan 'gemeente': kies er één"


def _problems(raw: bytes, **options) -> list[list]:
    prepared = prepare(raw, "x.csv", today=pd.Timestamp("2026-01-01"), **options)
    table = prepared.problems[["row_number", "column_name", "value", "problem"]].astype(object)
    return table.where(table.notna(), None).values.tolist()


def test_a_row_without_status_or_known_category_is_an_error_not_occupied():
    raw = b"gemeente;straat;status;groep;peildatum\nKortrijk;Markt 1;;;2020\nKortrijk;Markt 2;;Kapper;2020\n"
    problems = _problems(raw)
    assert [p[0] for p in problems if p[3].startswith("geen status")] == [2, 3]


def test_xlsx_with_blank_and_repeated_headers_and_leading_empty_rows():
    raw = files.xlsx([[None], [None], ["gemeente", "status", "peildatum", None, "status"],
                      ["Kortrijk", "leegx", 2020, "opmerking", "leeg"]])
    frame, _ = read_table(raw)
    assert frame.columns.tolist() == ["gemeente", "status", "peildatum", "kolom D", "status (2)"]
    assert frame.index.tolist() == [4]  # two empty rows, then the header in row 3
    assert [4, "status", "leegx"] in [p[:3] for p in _problems(raw)]


def test_xlsx_cells_of_spaces_only_are_empty_as_in_a_csv():
    raw = files.xlsx([["gemeente", "straat", "huisnr", "status"],
                      ["Kortrijk", "   ", 12, "leeg"],  # a street of spaces: empty
                      ["  ", " ", None, "\t"],  # a row of spaces only: no row at all
                      ["Brugge", "Markt", " ", "in gebruik"]])  # spaces beside a number in a column: empty
    frame, _ = read_table(raw)
    assert frame.index.tolist() == [2, 4]
    assert frame.to_dict("list") == {"gemeente": ["Kortrijk", "Brugge"], "straat": [None, "Markt"],
                                     "huisnr": [12, None], "status": ["leeg", "in gebruik"]}


def test_coordinates_with_three_decimals_are_not_thousands():
    raw = b"gemeente;straat;status;peildatum;lat;lon\nKortrijk;Markt 1;leeg;2020;50.827;3.265\n"
    prepared = prepare(raw, "x.csv", today=pd.Timestamp("2026-01-01"))
    assert prepared.problems.empty
    assert prepared.rows[["lat", "lon"]].values.tolist() == [[50.827, 3.265]]


def test_reports_show_the_users_own_cell():
    raw = (b"gemeente;straat;status;groep;wvo;peildatum\n"
           b"Kortrijk;Markt 1;actief;00-Leegstand;10;2020\n"  # status and category disagree
           b"Kortrijk;Markt 2;bezet;11;200.000;2020\n")  # too large an area, as typed
    problems = _problems(raw)
    assert [2, "status", "actief"] in [p[:3] for p in problems]
    assert [3, "wvo", "200.000"] in [p[:3] for p in problems]


def test_unknown_municipalities_are_not_duplicates_of_each_other():
    raw = b"gemeente;status;peildatum\nParijs;leeg;2020\nLonden;leeg;2020\n"
    assert [p[3].split(":")[0] for p in _problems(raw)] == ["onbekende gemeente", "onbekende gemeente"]


def test_the_same_id_in_two_towns_is_two_units():
    raw = b"id;gemeente;status;peildatum\n1;Kortrijk;leeg;2020\n1;Brugge;bezet;2020\n"
    assert _problems(raw) == []
