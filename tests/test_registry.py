"""The registry of indicators (dashboard/registry.py): every column a builder returns has an entry, and
tables and downloads show values as a person writes them, computed here by hand."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from dashboard import registry
from dashboard.registry import LABELS, by_label, format_value, indicator
from dashboard.tables import exports, town
from dashboard.tables.composite import vitality_table
from dashboard.tables.indicators import campaign_table, kerncijfers_table, mix_table, vacancy_table
from tests.conftest import unit_rows

#: Kortrijk in two inventories (2023: 4 units, 1 vacant; 2024: 5 units, 2 vacant), a campaign edition.
UNITS = pd.concat([
    unit_rows({"unit_id": "A", "status": "vacant", "group_code": "00", "vacant_since": "2022-01-01"},
              {"unit_id": "B"}, {"unit_id": "C"}, {"unit_id": "D"}, observed_on="2023-01-01"),
    unit_rows({"unit_id": "A", "status": "vacant", "group_code": "00", "vacant_since": "2022-01-01"},
              {"unit_id": "B", "status": "vacant", "group_code": "00"}, {"unit_id": "C"}, {"unit_id": "D"},
              {"unit_id": "E"}, observed_on="2024-01-01"),
], ignore_index=True)
CAMPAIGN = pd.DataFrame({"nis_code": ["34022"], "edition": [2023], "participating_shops": [2],
                         "bags_distributed": [100], "votes_cast": [50], "ambassadors": [1],
                         "ambassador_candidates": [3], "events": [1], "social_reach": [500], "budget_eur": [1500.5]})


def _builder_columns() -> dict[str, list[str]]:
    vacancy = vacancy_table(UNITS)
    return {
        "vacancy": list(vacancy.columns),
        "province": list(vacancy_table(UNITS, level="province", municipal=vacancy).columns),
        "mix": list(mix_table(UNITS).columns),
        "campaign": list(campaign_table(CAMPAIGN, UNITS).columns),
        "vitality": list(vitality_table(UNITS, CAMPAIGN, year=2024).columns),
        "kerncijfers": list(kerncijfers_table(UNITS).columns),
        "kerncijfers_province": list(kerncijfers_table(UNITS, level="province").columns),
    }


@pytest.mark.parametrize("builder", ["vacancy", "province", "mix", "campaign", "vitality", "kerncijfers",
                                     "kerncijfers_province"])
def test_every_column_a_builder_returns_has_an_entry(builder):
    missing = []
    for column in _builder_columns()[builder]:
        try:
            indicator(column)
        except KeyError:
            missing.append(column)
    assert not missing, f"add these to dashboard/registry.py: {missing}"


def test_values_are_shown_as_a_person_writes_them():
    assert [format_value(column, value) for column, value in [
        ("vacancy_rate_units", 0.0862), ("vacancy_rate_units_change", 0.017), ("vacancy_rate_units_change", -0.005),
        ("floor_area_total_m2", 1056.4), ("observed_on", pd.Timestamp("2009-06-25")), ("year", 2024),
        ("years_vacant", 14.5), ("median_vacancy_days", 365.0), ("budget_eur", 2500), ("is_small_sample", True),
        ("location_quotient_11", 1.5779), ("shannon_diversity", 1.23456), ("vacancy_rate_units", None),
        ("vacancy_rate_units", float("nan")), ("population", 76_000),
    ]] == ["8,6 %", "+1,7 pp", "-0,5 pp", "1.056 m²", "25/06/2009", "2024", "14,5", "365", "€ 2.500,00", "ja",
           "1,58", "1,23", "–", "–", "76.000"]


def test_a_label_finds_its_entry_and_per_group_columns_have_their_stem():
    assert by_label("Leegstand (panden)").column == "vacancy_rate_units"
    assert indicator("share_units_22").label == "Aandeel panden groep 22"
    assert LABELS["long_term_vacancy_share"] == "Langdurige leegstand"


def test_display_shows_every_cell_formatted_and_unknown_as_a_dash():
    table = town.street_table(UNITS[UNITS["observed_on"] == pd.Timestamp("2024-01-01")].assign(
        street=["Markt", "Markt", "Dam", "Dam", "Dam"]))
    # Markt: 2 units, both vacant (100 %); Dam: 3 units, none vacant (not listed).
    assert registry.display(table).values.tolist() == [["Markt", "2", "2", "100,0 %"]]
    assert list(table.columns) == ["Straat", "Verkooppunten", "Leegstaande panden", "Leegstand (panden)"]


def _downloaded():
    return pd.DataFrame({"Gemeente": ["Kortrijk", "Ieper"], "Peildatum": pd.to_datetime(["2024-01-01", None]),
                         "Jaar": [2024, 2023], "Leegstand (panden)": [0.0862, None],
                         "Verschil (pp)": [-0.005, 0.0], "Winkelvloeroppervlakte (m²)": [1056.4, None],
                         "Minder dan 20 panden": [True, False], "Opmerking": ["=1+1", None]})


def test_the_csv_for_dutch_excel_holds_what_the_screen_shows():
    text = exports.to_csv_bytes(_downloaded()).decode("utf-8-sig")
    assert text.split("\r\n") == [
        "Gemeente;Peildatum;Jaar;Leegstand (panden) (%);Verschil (pp);Winkelvloeroppervlakte (m²);"
        "Minder dan 20 panden;Opmerking",
        "Kortrijk;01/01/2024;2024;8,6;-0,5;1056;ja;'=1+1",
        "Ieper;;2023;;0,0;;nee;",
        ""]


def test_the_csv_for_scripts_has_the_canonical_names_and_raw_values():
    text = exports.to_script_csv_bytes(_downloaded()).decode()
    assert text.splitlines() == [
        "municipality,observed_on,year,vacancy_rate_units,vacancy_rate_units_change,floor_area_total_m2,"
        "is_small_sample,Opmerking",
        "Kortrijk,2024-01-01,2024,0.0862,-0.005,1056.4,True,'=1+1",
        "Ieper,,2023,,0.0,,False,"]


def test_the_workbook_has_dutch_headers_formats_widths_and_a_frozen_header():
    sheet = load_workbook(io.BytesIO(exports.to_xlsx_bytes(_downloaded()))).active
    assert [cell.value for cell in sheet[1]] == list(_downloaded().columns)
    assert sheet.freeze_panes == "A2"
    row = {header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)}
    assert (row["Peildatum"].number_format, row["Jaar"].number_format) == ("DD/MM/YYYY", "0")
    assert (row["Leegstand (panden)"].value, row["Leegstand (panden)"].number_format) == (0.0862, "0.0%")
    assert (row["Verschil (pp)"].value, row["Verschil (pp)"].number_format) == (-0.5, '+0.0" pp";-0.0" pp";0.0" pp"')
    assert row["Winkelvloeroppervlakte (m²)"].number_format == '#,##0" m²"'
    assert (row["Minder dan 20 panden"].value, row["Opmerking"].value) == ("ja", "'=1+1")
    assert sheet.column_dimensions["D"].width == len("Leegstand (panden)") + 2
