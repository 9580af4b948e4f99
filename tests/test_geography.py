"""Geography: 2018 and 2025 municipalities, and which inventory counts for a year."""

import pandas as pd

from analysis.geography import assign_geography, latest_of_year, latest_on_or_before
from analysis.inventories import place_units
from dashboard import reference
from dashboard.tables.indicators import vacancy_table
from tests.conftest import unit_rows


def test_2025_geography_merges_meulebeke_and_tielt():
    units = pd.concat([
        unit_rows({"status": "vacant", "group_code": "00"}, {}, nis_code="37007"),  # Meulebeke: 1 of 2
        unit_rows({}, {}, {}, {}, nis_code="37015"),  # Tielt: 0 of 4
    ], ignore_index=True)
    merged = vacancy_table(units, geography="2025")
    assert merged[["nis_code", "municipality", "units_total", "units_vacant"]].values.tolist() == [
        ["37022", "Tielt", 6, 1]]
    separate = vacancy_table(units, geography="2018")
    assert separate[["nis_code", "municipality", "vacancy_rate_units"]].values.tolist() == [
        ["37007", "Meulebeke", 0.5], ["37015", "Tielt", 0.0]]


def test_2018_geography_keeps_a_2025_code_it_cannot_split():
    units = unit_rows({}, nis_code="37022")
    assert assign_geography(units, reference.crosswalk(), "2018")["nis_code"].tolist() == ["37022"]
    assert vacancy_table(units, geography="2018")["municipality"].tolist() == ["Tielt"]


def test_province_counts_each_municipality_once_a_year_with_its_latest_inventory():
    units = pd.concat([
        unit_rows({"status": "vacant", "group_code": "00"}, {}, observed_on="2018-01-01", nis_code="31005"),
        unit_rows({}, {}, {}, {}, observed_on="2018-09-01", nis_code="31005"),  # later in 2018: this one counts
        unit_rows({"status": "vacant", "group_code": "00"}, {}, {}, {}, observed_on="2018-03-01", nis_code="34022"),
    ], ignore_index=True)
    assert place_units(units, reference.crosswalk(), "2025").latest_tallies(["year"]).units.sum() == 8
    province = vacancy_table(units, level="province")
    row = province.iloc[0]
    # Brugge and Kortrijk only: the province's row says so.
    assert (row["nis_code"], row["municipality"], row["year"]) == (
        "30000", "West-Vlaanderen (2 van 62 gemeenten)", 2018)
    assert (row["units_total"], row["units_vacant"]) == (8, 1)
    assert row["observed_on"] == pd.Timestamp("2018-09-01")


def test_latest_inventories_of_a_table_whose_index_repeats():
    # Municipal and province rows put together (pd.concat) repeat their index labels.
    table = pd.DataFrame({"nis_code": ["34022", "34022", "34022", "30000"], "rate": [0.10, 0.12, 0.14, 0.09],
                          "observed_on": pd.to_datetime(["2023-06-01", "2024-01-01", "2024-06-01", "2024-01-01"])},
                         index=[0, 1, 0, 0])
    assert latest_of_year(table)["rate"].tolist() == [0.10, 0.14, 0.09]
    assert latest_of_year(table, year=2024)["rate"].tolist() == [0.14, 0.09]
    assert latest_on_or_before(table, pd.Timestamp("2024-03-01"))["rate"].tolist() == [0.12, 0.09]
    assert latest_on_or_before(table)["rate"].tolist() == [0.14, 0.09]
    assert latest_on_or_before(table, pd.Timestamp("2020-01-01")).empty
