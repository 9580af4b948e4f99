"""The core retail figures of Provincies in Cijfers' set (analysis/kerncijfers.py), on tiny towns whose
figures are computed by hand here, through the table the command line and the pages read, and on the
command line."""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest

from analysis.kerncijfers import KERNCIJFER_COLUMNS, added_up, kerncijfers
from dashboard.cli.main import main
from dashboard.ingest.values import STATUS_WORDS
from dashboard.store.database import Batch, Store
from dashboard.tables.indicators import ID_COLUMNS, kerncijfers_table
from tests.conftest import unit_rows

#: A town of exactly 4.000 inhabitants (on 1 January 2020), so that a figure per 1.000 is a quarter.
PEOPLE = pd.DataFrame({"nis_code": ["34022", "31005"], "year": [2020, 2020], "population": [4000, 2000]})


def _one(units: pd.DataFrame, history: pd.DataFrame | None = None) -> pd.Series:
    table = kerncijfers(units, PEOPLE, history=history)
    assert len(table) == 1
    return table.iloc[0]


def test_figures_per_1000_inhabitants_of_a_town_of_known_population():
    units = unit_rows(
        {"group_code": "11", "floor_area_m2": 100.0, "chain": True},
        {"group_code": "22", "floor_area_m2": 300.0, "chain": False},
        {"group_code": "35", "floor_area_m2": 200.0},
        {"group_code": "59", "floor_area_m2": 80.0},
        {"group_code": "59"},  # a café without an area: the horeca area is unknown, not 80 m²
        {"group_code": "58", "floor_area_m2": 500.0},  # culture & leisure since 2023: no horeca
        {"group_code": "65", "floor_area_m2": 50.0},
        {"group_code": "80", "floor_area_m2": 2.0},  # an ATM: no outlet at all
        {"group_code": None},  # an occupied unit of unknown category: an outlet, not a shop
        {"status": "vacant", "group_code": "00", "floor_area_m2": 120.0},  # vacant: no shop, whatever it was
        observed_on="2024-01-01")
    row = _one(units)
    assert (row.population, row.population_year) == (4000, 2020)
    assert (row.units_total, row.outlets_per_1000) == (9, 2.25)  # 9 outlets / 4.000 × 1.000
    assert (row.retail_units_occupied, row.shops_per_1000) == (3, 0.75)
    # 100 + 300 + 200 m², every shop's area known: 600 / 4 = 150 m² per 1.000 inhabitants.
    assert (row.shop_floor_area_m2, row.shops_area_unknown, row.shop_floor_area_per_1000) == (600.0, 0, 150.0)
    assert (row.horeca_units_occupied, row.horeca_per_1000) == (2, 0.5)
    assert (row.horeca_floor_area_m2, row.horeca_area_unknown) == (80.0, 1)
    assert math.isnan(row.horeca_floor_area_per_1000)  # never 80 / 4 = 20: one café's area is unknown
    assert row.vacancy_rate_units == pytest.approx(1 / 9)
    assert row.daily_share == pytest.approx(1 / 3)  # group 11 among the 3 shops


def test_the_population_of_the_nearest_year_and_the_earlier_on_a_tie():
    units = pd.concat([unit_rows({}, {}, observed_on=day) for day in ("2016-05-01", "2019-01-01", "2021-12-31")])
    people = pd.DataFrame({"nis_code": "34022", "year": [2018, 2020], "population": [1000, 2000]})
    table = kerncijfers(units, people)
    # 2016 → 2018 (nearest); 2019 is as near to 2018 as to 2020 → the earlier; 2021 → 2020.
    assert table[["year", "population_year", "population", "outlets_per_1000"]].values.tolist() == [
        [2016, 2018, 1000, 2.0], [2019, 2018, 1000, 2.0], [2021, 2020, 2000, 1.0]]


def _former(unit_id: str, status: str, group: str | None, day: str, nis_code: str = "34022") -> dict:
    return {"unit_id": unit_id, "status": status, "group_code": "00" if status == "vacant" else group,
            "observed_on": day, "nis_code": nis_code}


#: Kortrijk in three inventories, Brugge in one, to follow each unit's former use.
HISTORY = pd.DataFrame([
    _former("F", "occupied", "38", "2022-01-01"),  # a shop in 2022, vacant since: its last occupied inventory
    _former("A", "occupied", "22", "2023-01-01"),  # the shop that closed
    _former("B", "occupied", "59", "2023-01-01"),  # the café that closed: vacant, but no former shop
    _former("C", "vacant", None, "2023-01-01"),  # vacant in both inventories: former use unknown
    _former("E", "occupied", "11", "2023-01-01"),  # stays a shop
    _former("F", "vacant", None, "2023-01-01"),
    _former("G", "occupied", None, "2023-01-01"),  # occupied, but of unknown category: former use unknown
    _former("A", "vacant", None, "2024-01-01"),
    _former("B", "vacant", None, "2024-01-01"),
    _former("C", "vacant", None, "2024-01-01"),
    _former("D", "vacant", None, "2024-01-01"),  # a new unit, vacant: former use unknown
    _former("E", "occupied", "11", "2024-01-01"),
    _former("F", "vacant", None, "2024-01-01"),
    _former("G", "vacant", None, "2024-01-01"),
    _former("C", "occupied", "22", "2023-01-01", nis_code="31005"),  # Brugge's C: another premises
]).assign(observed_on=lambda frame: pd.to_datetime(frame["observed_on"]), floor_area_m2=None, vacant_since=pd.NaT)


def test_vacant_premises_that_were_a_shop_in_their_last_occupied_inventory():
    kortrijk = HISTORY[HISTORY["nis_code"] == "34022"]
    row = _one(kortrijk[kortrijk["observed_on"].dt.year == 2024], history=HISTORY)
    assert (row.units_total, row.units_vacant) == (7, 6)
    # A (22 in 2023) and F (38 in 2022, vacant in 2023) were shops; B was horeca; C, D and G: unknown.
    assert (row.units_vacant_former_shop, row.units_vacant_former_use_unknown) == (2, 3)
    # The unknown ones leave both sides: 2 / (7 − 3).
    assert row.vacancy_rate_former_shop == 0.5


def test_without_any_known_former_use_the_share_is_unknown_not_0():
    # Kortrijk 2023: C is vacant and never seen occupied before (2022 knows only F).
    row = _one(HISTORY[(HISTORY["nis_code"] == "34022") & (HISTORY["observed_on"].dt.year == 2023)], history=HISTORY)
    assert (row.units_total, row.units_vacant, row.units_vacant_former_use_unknown) == (6, 2, 1)  # A B C E F G
    assert row.vacancy_rate_former_shop == pytest.approx(1 / (6 - 1))  # F: a shop in 2022
    first = _one(HISTORY[HISTORY["observed_on"].dt.year == 2022], history=HISTORY)
    assert (first.units_vacant, first.vacancy_rate_former_shop) == (0, 0.0)  # nothing vacant: known to be 0
    alone = _one(unit_rows({"status": "vacant", "group_code": "00"}, {}))  # a first inventory with one vacancy
    assert math.isnan(alone.vacancy_rate_former_shop)


def test_start_up_and_frictional_vacancy_under_a_year_on_the_inventory_date():
    vacant = {"status": "vacant", "group_code": "00"}
    units = unit_rows(
        {**vacant, "vacant_since": "2023-01-02"},  # 364 days on 1/1/2024 (2023 has 365): under a year
        {**vacant, "vacant_since": "2023-01-01"},  # 365 days: a year, so long-term
        {**vacant, "vacant_since": "2024-01-01"},  # empty since the inventory's own day: start-up vacancy
        {**vacant, "vacant_since": "2024-02-01"},  # after the inventory date: impossible, so unknown
        vacant,  # no date: unknown duration, left out of both sides
        {}, observed_on="2024-01-01")
    row = _one(units)
    assert (row.units_vacant, row.units_vacant_dated, row.units_vacant_frictional) == (5, 3, 2)
    assert row.frictional_vacancy_share == pytest.approx(2 / 3)
    # Renovation has no status of its own: "in verbouwing" is read as vacant and counted as such.
    assert "in verbouwing" in STATUS_WORDS["vacant"]


def test_chain_share_of_shops_leaves_unknown_flags_out():
    units = unit_rows(
        {"group_code": "22", "chain": True}, {"group_code": "37", "chain": True}, {"group_code": "11", "chain": False},
        {"group_code": "22", "chain": None},  # unknown: neither a branch nor independent
        {"group_code": "38", "chain": pd.NA},
        {"group_code": "59", "chain": True},  # a chain's café: no shop
        {"status": "vacant", "group_code": "00", "chain": True})  # a vacant unit is no shop either
    row = _one(units)
    assert (row.retail_units_occupied, row.shops_chain, row.shops_chain_unknown) == (5, 2, 2)
    assert row.shop_chain_share == pytest.approx(2 / 3)
    flagless = _one(unit_rows({"group_code": "22"}, {"group_code": "11"}).drop(columns="chain"))
    assert flagless.shops_chain_unknown == 2 and math.isnan(flagless.shop_chain_share)  # unknown, not 0


def test_a_town_without_shops_has_no_shares_of_shops():
    row = _one(unit_rows({"group_code": "59", "floor_area_m2": 40.0}, {"group_code": "65"}))
    assert (row.shops_per_1000, row.shop_floor_area_per_1000) == (0.0, 0.0)  # none, and so no area: known
    assert math.isnan(row.daily_share) and math.isnan(row.shop_chain_share)
    assert row.horeca_floor_area_per_1000 == 10.0  # 40 m² / 4


def test_added_up_for_the_province():
    units = pd.concat([
        unit_rows({"floor_area_m2": 100.0}, {"floor_area_m2": 100.0}, observed_on="2024-01-01"),  # Kortrijk
        unit_rows({"floor_area_m2": 60.0}, {}, observed_on="2024-03-01", nis_code="31005"),  # Brugge: one area unknown
    ])
    total = added_up(kerncijfers(units, PEOPLE)).iloc[0]
    assert (total.population, total.units_total, total.outlets_per_1000) == (6000, 4, pytest.approx(4 / 6))
    assert total.observed_on == pd.Timestamp("2024-03-01")
    assert (total.shop_floor_area_m2, total.shops_area_unknown) == (260.0, 1)
    assert math.isnan(total.shop_floor_area_per_1000)  # one shop of the province has no area


def test_the_table_counts_the_latest_inventory_of_a_year_with_statbel_population():
    units = pd.concat([
        unit_rows({}, {}, {}, {"status": "vacant", "group_code": "00"}, observed_on="2019-01-01"),
        unit_rows({}, {}, observed_on="2019-06-01"),  # Kortrijk's latest of 2019: 2 shops
        unit_rows({}, {"group_code": "59"}, observed_on="2024-01-01"),
        unit_rows({"status": "vacant", "group_code": "00"}, observed_on="2024-05-01").assign(is_register=True),
        unit_rows({}, observed_on="2018-01-01", nis_code="37007"),  # Meulebeke, in Tielt since 2025
        unit_rows({}, {}, observed_on="2018-01-01", nis_code="37015"),
    ], ignore_index=True)
    units["is_register"] = units["is_register"].fillna(False).astype(bool)  # a register counts no outlets
    table = kerncijfers_table(units)
    assert list(table.columns) == ID_COLUMNS + KERNCIJFER_COLUMNS
    table = table.set_index(["nis_code", "year"])
    kortrijk_2019, kortrijk_2024 = table.loc[("34022", 2019)], table.loc[("34022", 2024)]
    # 2019: 76.265 inhabitants on 1/1/2018 (as near as 2020's: the earlier); 2024: 77.109 on 1/1/2020.
    assert (kortrijk_2019.population, kortrijk_2019.units_total) == (76265, 2)
    assert kortrijk_2019.outlets_per_1000 == pytest.approx(2 / 76.265)
    assert (kortrijk_2024.population, kortrijk_2024.units_total, kortrijk_2024.units_vacant) == (77109, 2, 0)
    assert kortrijk_2024.horeca_per_1000 == pytest.approx(1 / 77.109)
    tielt = table.loc[("37022", 2018)]  # Meulebeke 10.906 + Tielt 20.422 on 1/1/2018
    assert (tielt.municipality, tielt.population, tielt.units_total) == ("Tielt", 31328, 3)
    province = kerncijfers_table(units, level="province", year=2018).iloc[0]
    # Tielt alone in 2018: the province's row says it rests on 1 of its 62 municipalities.
    assert (province.nis_code, province.municipality, province.population) == (
        "30000", "West-Vlaanderen (1 van 62 gemeenten)", 31328)
    assert kerncijfers_table(units, nis_code="34022", year=2024)["observed_on"].tolist() == [
        pd.Timestamp("2024-01-01")]


@pytest.fixture
def small_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'kern.db'}"
    units = pd.concat([
        unit_rows({"group_code": "22", "floor_area_m2": 100.0}, {"group_code": "59", "floor_area_m2": 50.0},
                  observed_on="2023-01-01"),
        unit_rows({"status": "vacant", "group_code": "00"}, {"group_code": "59", "floor_area_m2": 50.0},
                  {"group_code": "11", "floor_area_m2": 200.0, "chain": True}, observed_on="2024-01-01"),
    ], ignore_index=True)
    Store(url).add_batch(Batch(kind="units", file_name="kern.csv", raw=b"k"), units)
    return url


def test_command_line_gives_every_column_by_its_canonical_name(small_url, capsys):
    assert main(["indicators", "--db", small_url, "--topic", "kerncijfers", "--year", "2024"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"nis_code": str})
    assert list(table.columns) == ID_COLUMNS + KERNCIJFER_COLUMNS
    row = table.iloc[0]
    assert (row.nis_code, row.municipality, row.observed_on, row.population) == ("34022", "Kortrijk", "2024-01-01",
                                                                               77109)
    assert row.outlets_per_1000 == pytest.approx(3 / 77.109)
    assert row.shop_floor_area_per_1000 == pytest.approx(200 / 77.109)
    # u0 was the shop of 2023 (group 22): vacant now, a former shop among 3 outlets.
    assert (row.units_vacant_former_shop, row.vacancy_rate_former_shop) == (1, pytest.approx(1 / 3))
    assert (row.shop_chain_share, row.daily_share) == (1.0, 1.0)
    assert pd.isna(row.frictional_vacancy_share)  # no vacancy date known: empty, never 0
    assert main(["indicators", "--db", small_url, "--topic", "kerncijfers", "--level", "province", "--format",
                 "json"]) == 0
    assert '"nis_code": "30000"' in capsys.readouterr().out
