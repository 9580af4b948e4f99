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
