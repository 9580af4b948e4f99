"""Belgian vocabulary on import: status words, postcodes and municipality cells, NIS codes with a
point, ja/nee/neen, editions over two years, amounts with €, KBO check digits."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import ingest

TODAY = pd.Timestamp("2026-01-01")


@pytest.mark.parametrize(("word", "status"), [
    ("te huur", "vacant"), ("Te koop", "vacant"), ("in verbouwing", "vacant"), ("gesloten", "vacant"),
    ("leegstaand", "vacant"), ("vide", "vacant"), ("libre", "vacant"), ("à louer", "vacant"),
    ("occupé", "occupied"), ("actief", "occupied"), ("bezet", "occupied"),
])
def test_status_words_of_registers_and_surveys(word, status):
    raw = f"gemeente;straat;huisnummer;status;peildatum\nKortrijk;Markt;1;{word};31/12/2023\n".encode()
    prepared = ingest.prepare(raw, "register.csv", today=TODAY)
    assert prepared.errors.empty and prepared.valid_rows["status"].tolist() == [status]


def test_postcodes_municipality_cells_and_nis_codes_as_people_write_them():
    raw = (b"gemeente;postcode;nis;straat;huisnummer;status;peildatum\n"
           b"8500 Kortrijk;B-8500;;Markt;1;bezet;2024\n"
           b"Courtrai (Kortrijk);B8500;;Markt;2;bezet;2024\n"
           b"Ieper / Ypres;;33.011;Markt;3;bezet;2024\n")
    prepared = ingest.prepare(raw, "steden.csv", today=TODAY)
    assert prepared.errors.empty, prepared.errors
    assert prepared.valid_rows["nis_code"].tolist() == ["34022", "34022", "33011"]


def test_a_misspelt_municipality_gets_a_suggestion():
    raw = b"gemeente;straat;huisnummer;status;peildatum\nPoperinghe;Markt;1;bezet;2024\n"
    problem = ingest.prepare(raw, "p.csv", today=TODAY).errors["problem"].iloc[0]
    assert problem.startswith("onbekende gemeente — bedoel je Poperinge?")


def test_campaign_editions_over_two_years_and_amounts_with_a_currency():
    raw = ("gemeente;editie;deelnemende winkels;budget\n"
           "Kortrijk;2019-2020;120;€ 2.500,00\n"
           "Brugge;2021–22;80;1.250 EUR\n").encode()
    rows = ingest.prepare(raw, "campagne.csv", today=TODAY).valid_rows
    assert rows["edition"].tolist() == [2019, 2021]
    assert rows["budget_eur"].tolist() == [2500.0, 1250.0]


def test_winners_neen_and_kbo_numbers_checked_with_their_check_digits():
    raw = (b"gemeente;editie;winkel;ondernemingsnummer;stemmen;winnaar\n"
           b"Kortrijk;2024;Bakkerij A;0123.456.749;10;ja\n"  # 97 − (1234567 mod 97) = 49: right
           b"Kortrijk;2024;Boeken B;0123.456.789;5;neen\n")  # 89 is wrong
    prepared = ingest.prepare(raw, "stemmen.csv", today=TODAY)
    assert prepared.errors.empty
    assert prepared.valid_rows["winner"].tolist() == [True, False]
    # A wrong number is kept out (the shop is then known by its name) and named in a warning.
    assert prepared.valid_rows["kbo_number"].tolist() == ["0123456749", None]
    warning = prepared.problems.set_index("row_number").loc[3]
    assert (warning["severity"], warning["value"]) == ("waarschuwing", "0123.456.789")
    assert warning["problem"].startswith("ondernemingsnummer klopt niet (controlecijfers modulo 97)")


def test_a_list_of_shopping_areas_is_taken_for_one_and_a_units_import_of_it_says_so():
    raw = (b"winkelgebied_id;naam;type_winkelgebied;gemeente;geometry\n"
           b"WG-1;Kortrijk centrum;kernwinkelgebied;Kortrijk;POINT (3.26 50.83)\n")
    prepared = ingest.prepare(raw, "winkelgebieden.csv", today=TODAY)
    assert prepared.kind == "areas"  # told from its headers; "kernwinkelgebied" is no Locatus type
    assert prepared.errors["problem"].tolist()[0].startswith("onbekend type winkelgebied: kies een type van Locatus: "
                                                             "Binnenstad, Hoofdwinkelgebied groot")
    problem = ingest.prepare(raw, "winkelgebieden.csv", kind="units", today=TODAY).file_errors["problem"].tolist()
    assert problem == ["dit lijkt een lijst van winkelgebieden (een naam, een type en een ligging per gebied), geen "
                       "inventaris van verkooppunten: importeer het als winkelgebieden (--kind areas; op de pagina "
                       "Gegevens: soort 'winkelgebieden'). Een inventaris heeft per pand een adres en een status "
                       "(bezet/leeg)."]


def test_optional_values_as_people_write_them_are_read_or_become_unknown_never_costing_a_unit():
    raw = ("gemeente;straat;huisnummer;status;oppervlakte;leeg sinds;peildatum\n"
           "Ieper;Markt;1;leeg;120 m²;maart 2020;31/12/23\n"
           "Ieper;Markt;2;leeg;ca. 80;05/2021;31/12/2023\n"
           "Ieper;Markt;3;leeg;± 80;sinds 2018;31/12/2023\n"
           "Ieper;Markt;4;leeg;?;onbekend;31/12/2023\n"
           "Ieper;Markt;5;leeg;veel;vorig jaar;31/12/2023\n").encode()
    prepared = ingest.prepare(raw, "register.csv", today=TODAY)
    rows = prepared.valid_rows
    assert prepared.errors.empty and len(rows) == 5  # every premises counts
    assert rows["floor_area_m2"].tolist()[:3] == [120.0, 80.0, 80.0] and rows["floor_area_m2"][5:].isna().all()
    assert rows["vacant_since"].dt.strftime("%d/%m/%Y").fillna("").tolist() == [
        "01/03/2020", "01/05/2021", "01/01/2018", "", ""]
    assert rows["observed_on"].dt.strftime("%d/%m/%Y").unique().tolist() == ["31/12/2023"]  # 31/12/23 too
    said = prepared.problems.set_index(["row_number", "column_name"])["problem"]
    assert said[(2, "oppervlakte")] == "gelezen als 120: controleer of dat klopt"
    assert said[(3, "leeg sinds")] == "gelezen als mei 2021 (gerekend vanaf 01/05/2021): controleer of dat klopt"
    # a month or a year keeps its precision: durations say "sinds maart 2020", not "sinds 01/03/2020"
    assert rows["vacant_since_precision"].fillna("day").tolist() == ["month", "month", "year", "day", "day"]
    assert said[(5, "oppervlakte")] == "de waarde is onbekend: het veld blijft leeg"
    assert said[(6, "leeg sinds")].endswith("het veld blijft leeg, het pand telt mee")
    assert set(prepared.problems["severity"]) == {"waarschuwing"}


def test_a_month_or_year_of_vacancy_is_stored_and_shown_as_precise_as_it_was_written(store_url):
    from dashboard.figures.maps import _popup_lines, _rows
    from dashboard.store.database import Store
    from dashboard.tables.town import action_list, town_units

    store = Store(store_url)
    raw = (b"gemeente;straat;huisnummer;status;leeg sinds;peildatum\n"
           b"Ieper;Markt;1;leeg;maart 2020;31/12/2023\n"  # a month: from 1/3/2020, 1.400 days
           b"Ieper;Markt;2;leeg;2018;31/12/2023\n"  # a year: from 1/1/2018, 2.190 days
           b"Ieper;Markt;3;leeg;15/06/2022;31/12/2023\n"  # a day: 564 days
           b"Ieper;Markt;4;bezet;;31/12/2023\n")
    ingest.import_file(store, raw, "ieper.csv", imported_by="test", today=TODAY)
    units = store.units()
    assert units.sort_values("house_number")["vacant_since_precision"].astype(object).fillna("day").tolist() == [
        "month", "year", "day", "day"]
    actions = action_list(town_units(units, "33011", geography="2025", year=2023), units, geography="2025")
    assert actions[["Adres", "Leeg sinds", "Jaren leeg"]].values.tolist() == [
        ["Markt 2", "2018", 6.0], ["Markt 1", "maart 2020", 3.8], ["Markt 3", "15/06/2022", 1.5]]
    popups = {row.house_number: _popup_lines(row, {})[-1] for row in _rows(units) if row.status == "vacant"}
    assert popups == {"1": "leeg sinds maart 2020 (3,8 jaar)", "2": "leeg sinds 2018 (6,0 jaar)",
                      "3": "leeg sinds 15/06/2022 (1,5 jaar)"}


def test_one_enterprise_under_spellings_of_its_number_is_counted_once():
    from analysis.campaign import unique_enterprises

    raw = (b"gemeente;editie;winkel;ondernemingsnummer;stemmen\n"
           b"Kortrijk;2023;Bakkerij Peeters;BE 0123.456.749;10\n"
           b"Kortrijk;2024;Bakkerij Peeters bv;123456749;12\n"  # Excel dropped the leading zero
           b"Ieper;2024;Peeters Ieper;0123456749;3\n"  # a branch in another town: the same enterprise
           b"Ieper;2024;Boeken B;;5\n")  # no number: known by town and name
    prepared = ingest.prepare(raw, "stemmen.csv", today=TODAY)
    assert prepared.errors.empty
    assert prepared.valid_rows["kbo_number"].tolist() == ["0123456749"] * 3 + [None]
    assert unique_enterprises(prepared.valid_rows) == 2  # Peeters (one number) and Boeken B
