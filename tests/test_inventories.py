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
    assert placed.latest_rows.tolist() == [False, True, True, True, True]  # unit a is in that inventory
    assert placed.latest_inventories["observed_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-01", "2023-06-01", "2024-06-01"]


def test_latest_units_with_their_year_and_groups():
    latest, groups = place_units(_units(), WALK, "2025").latest()
    assert latest["unit_id"].tolist() == ["b", "c", "d", "e"]
    assert latest["year"].tolist() == [2024, 2023, 2024, 2024]
    assert groups.keys.values.tolist() == [["34022", 2024], ["37022", 2023], ["37022", 2024]]
    assert groups.ids.tolist() == [2, 1, 0, 0]  # one id per latest unit, in the order of `latest`


def test_the_2018_geography_keeps_the_codes():
    placed = place_units(_units(), WALK, "2018")
    assert placed.inventories.keys["nis_code"].tolist() == ["34022", "37007", "37015", "37015"]
    assert placed.is_latest.all()  # each municipality's only inventory of its year
