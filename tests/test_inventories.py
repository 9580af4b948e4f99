"""analysis.inventories: units placed in a geography, their inventories grouped once."""

import pandas as pd

from analysis.inventories import place_units

WALK = pd.DataFrame({"nis_code": ["37007", "37015", "34022"], "nis_code_2025": ["37022", "37022", "34022"]})


def _units() -> pd.DataFrame:
    return pd.DataFrame({
        "unit_id": ["a", "b", "c", "d", "e"],
        "nis_code": ["37007", "37015", "37015", "34022", "34022"],
        "observed_on": pd.to_datetime(["2024-03-01", "2024-06-01", "2023-06-01", "2024-01-01", "2024-01-01"]),
    })


def test_inventories_in_the_2025_geography():
    placed = place_units(_units(), WALK, "2025")
    # Meulebeke (37007) and Tielt (37015) are Tielt (37022) since 2025: three inventories there.
    assert placed.inventories.keys.values.tolist() == [
        ["34022", pd.Timestamp("2024-01-01")], ["37022", pd.Timestamp("2023-06-01")],
        ["37022", pd.Timestamp("2024-03-01")], ["37022", pd.Timestamp("2024-06-01")]]
    assert placed.is_latest.tolist() == [True, True, False, True]  # 2024-03-01 is not Tielt's latest of 2024
    assert placed.latest_inventories["observed_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-01", "2023-06-01", "2024-06-01"]


def test_latest_tallies_count_each_year_s_latest_inventory():
    units = _units().assign(status="occupied", group_code="11", floor_area_m2=[10.0, 20.0, 30.0, 40.0, None],
                            vacant_since=pd.NaT)
    placed = place_units(units, WALK, "2025")
    shops = (placed.tallies.cells["group_code"] == "11").to_numpy()
    per_town = placed.latest_tallies(["nis_code", "year"])
    assert per_town.keys.values.tolist() == [["34022", 2024], ["37022", 2023], ["37022", 2024]]
    # Tielt 2024: only its latest inventory (2024-06-01, unit b); unit a (2024-03-01) is left out.
    assert per_town.total("units", shops).tolist() == [2, 1, 1]
    assert per_town.total("floor_area_m2", shops).tolist() == [40.0, 30.0, 20.0]  # e's area unknown
    per_year = placed.latest_tallies(["year"])
    assert per_year.keys["year"].tolist() == [2023, 2024]
    assert per_year.total("units", shops).tolist() == [1, 3]
    assert per_year.total("units_area_known", shops).tolist() == [1, 2]


def test_the_2018_geography_keeps_the_codes():
    placed = place_units(_units(), WALK, "2018")
    assert placed.inventories.keys["nis_code"].tolist() == ["34022", "37007", "37015", "37015"]
    assert placed.is_latest.all()  # each municipality's only inventory of its year


def test_an_inventory_without_a_date_never_is_a_year_s_latest():
    units = _units().assign(status="occupied", group_code="11", floor_area_m2=1.0, vacant_since=pd.NaT)
    units.loc[0, "observed_on"] = pd.NaT  # unit a: no date (the store refuses it; a frame may have it)
    per_year = place_units(units, WALK, "2025").latest_tallies(["year"])
    assert per_year.keys["year"].tolist() == [2023, 2024]  # whole years, not 2024.0
    assert per_year.units.sum() == 4


def test_the_frames_give_the_tables_of_the_public_measures():
    units = _units().assign(status=["vacant", "occupied", "occupied", "occupied", "vacant"],
                            group_code=["00", "11", "22", "59", "00"], floor_area_m2=[50.0, 100.0, None, 80.0, 20.0],
                            vacant_since=pd.to_datetime(["2023-03-01", None, None, None, "2020-01-01"]))
    placed = place_units(units, WALK, "2025")
    per_inventory = placed.vacancy().set_index(["nis_code", "observed_on"])
    # Kortrijk 2024-01-01: d occupied (80 m²), e vacant (20 m²) → 1 of 2 units, 20 of 100 m².
    kortrijk = per_inventory.loc[("34022", pd.Timestamp("2024-01-01"))]
    assert (kortrijk["units_total"], kortrijk["units_vacant"]) == (2, 1)
    assert kortrijk["vacancy_rate_floor"] == 0.2
    # Tielt 2024-03-01 (unit a, vacant) is not Tielt's latest of 2024 (2024-06-01, unit b, occupied).
    province = placed.vacancy(latest_per=["year"]).set_index("year")
    assert province.loc[2024, "units_total"] == 3 and province.loc[2024, "units_vacant"] == 1  # b, d, e
    assert province.loc[2023, "units_vacant"] == 0  # c
    mix = placed.shop_mix(latest_per=["nis_code", "year"]).set_index(["nis_code", "year"])
    assert mix.loc[("37022", 2024), "retail_share"] == 1.0  # b: group 11
    assert mix.loc[("34022", 2024), "horeca_share"] == 1.0  # d: group 59
    assert mix.loc[("37022", 2024), "share_units_11"] == 1.0
    retail = placed.occupied_retail_units()
    assert retail.values.tolist() == [["37022", pd.Timestamp("2023-06-01"), 1],  # c: group 22
                                      ["37022", pd.Timestamp("2024-06-01"), 1]]  # b: group 11
