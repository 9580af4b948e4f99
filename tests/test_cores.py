"""Derived commercial cores on small grids laid out in Lambert-72 metres, so distances check by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Transformer

from analysis.cores import CORE_COLUMNS, assign_cores, derived_cores

TO_WGS84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
X0, Y0 = 70_000, 170_000  # Lambert 72, near Kortrijk


def row(n: int, *, x: float = X0, y: float = Y0, step: float = 20) -> list[tuple[float, float]]:
    """n points ``step`` metres apart eastwards from (x, y)."""
    return [(x + step * i, y) for i in range(n)]


def units_at(points, *, prefix: str = "u", nis_code="34022", street="Markt") -> pd.DataFrame:
    """Units at Lambert-72 points (metres), as lat/lon like the store holds them."""
    x, y = np.asarray(points, dtype=float).T
    lon, lat = TO_WGS84.transform(x, y)
    return pd.DataFrame({"unit_id": [f"{prefix}{i}" for i in range(len(x))], "nis_code": nis_code,
                         "street": street, "lat": lat, "lon": lon})


def by_unit(units: pd.DataFrame, cores) -> dict:
    return dict(zip(units["unit_id"], assign_cores(units, cores), strict=True))


def test_twelve_units_in_a_row_form_one_core():
    cores = derived_cores(units_at(row(12)))  # x = 70,000 … 70,220
    assert list(cores.columns) == CORE_COLUMNS
    assert cores.crs.to_epsg() == 31370
    assert cores[["core_id", "name", "nis_code", "units"]].to_numpy().tolist() == [
        ["34022-K1", "Kern 1 — Markt", "34022", 12]]
    # At most a stadium: a 220 × 150 m rectangle plus a circle of radius 75 m = 50,671 m². Buffers are
    # 64-gons, so the long sides are slightly scalloped between units: 50,341 m², 0.65 % less.
    stadium = 220 * 150 + math.pi * 75**2
    assert stadium * 0.99 < cores["area_m2"].iloc[0] < stadium
    assert cores.geometry.iloc[0].bounds == pytest.approx((X0 - 75, Y0 - 75, X0 + 295, Y0 + 75), abs=0.01)


def test_nine_units_form_no_core():
    cores = derived_cores(units_at(row(9)))
    assert cores.empty
    assert list(cores.columns) == CORE_COLUMNS
    assert cores.crs.to_epsg() == 31370


def test_min_units_and_buffer_are_options():
    assert derived_cores(units_at(row(9)), min_units=9)["units"].tolist() == [9]
    # 10 units 200 m apart: 75 m buffers do not touch, 101 m buffers do (2 × 101 = 202 > 200).
    spread = units_at(row(10, step=200))
    assert derived_cores(spread).empty
    assert derived_cores(spread, buffer_m=101)["units"].tolist() == [10]


@pytest.mark.parametrize("input_", [
    pd.DataFrame(columns=["unit_id", "nis_code", "street", "lat", "lon"]),
    units_at(row(12)).assign(lat=None),
])
def test_no_units_with_coordinates_give_no_core(input_):
    cores = derived_cores(input_)
    assert cores.empty and list(cores.columns) == CORE_COLUMNS and cores.crs.to_epsg() == 31370
    assert assign_cores(input_, cores).isna().all()


def test_two_clusters_500_m_apart_are_numbered_by_size():
    small = units_at(row(11), prefix="s")  # x = 70,000 … 70,200
    large = units_at(row(15, x=X0 + 700), prefix="l", street="Zuidstraat")  # 500 m east of the last small unit
    cores = derived_cores(pd.concat([small, large], ignore_index=True))
    assert cores[["core_id", "name", "units"]].to_numpy().tolist() == [
        ["34022-K1", "Kern 1 — Zuidstraat", 15],
        ["34022-K2", "Kern 2 — Markt", 11]]


@pytest.mark.parametrize("offset", [(500, 0), (0, 500)])
def test_equal_clusters_are_numbered_west_then_south_first(offset):
    first = units_at(row(10), prefix="a", street="Eerste straat")
    dx, dy = offset  # the second cluster lies 500 m east of, or (same x) 500 m north of the first
    second = units_at(row(10, x=X0 + dx, y=Y0 + dy), prefix="b", street="Tweede straat")
    cores = derived_cores(pd.concat([second, first], ignore_index=True))  # second listed first
    assert cores["name"].tolist() == ["Kern 1 — Eerste straat", "Kern 2 — Tweede straat"]


@pytest.mark.parametrize("gap, buffer_m, expected", [
    (140, 75.0, [11]),  # 140 < 75 + 75: the extra unit joins
    (160, 75.0, [10]),  # 160 > 75 + 75: it stays alone and is no core
    (160, 85.0, [11]),  # 160 < 85 + 85
])
def test_a_unit_joins_when_buffers_overlap(gap, buffer_m, expected):
    cluster = row(10)  # last unit at x = 70,180
    units = units_at([*cluster, (X0 + 180 + gap, Y0)])
    cores = derived_cores(units, buffer_m=buffer_m)
    assert cores["units"].tolist() == expected
    assert by_unit(units, cores)["u10"] == ("34022-K1" if expected == [11] else None)


def test_units_without_coordinates_are_ignored():
    units = units_at(row(12))
    units.loc[10, "lat"] = None  # no latitude
    units.loc[11, "lon"] = np.nan  # no longitude
    cores = derived_cores(units)
    assert cores["units"].tolist() == [10]
    assigned = by_unit(units, cores)
    assert assigned["u0"] == assigned["u9"] == "34022-K1"
    assert assigned["u10"] is None and assigned["u11"] is None
    assert derived_cores(units.drop(index=0)).empty  # 9 units with coordinates left


@pytest.mark.parametrize("streets, expected", [
    (["Zuidstraat"] * 5 + ["Markt"] * 7, "Kern 1 — Markt"),
    (["Zuidstraat"] * 6 + ["Markt"] * 6, "Kern 1 — Markt"),  # tie: alphabetically first
    ([None] * 8 + ["Ooststraat"] * 2 + ["", "  "], "Kern 1 — Ooststraat"),  # missing and blank streets do not count
    ([None] * 12, "Kern 1 — onbekende straat"),
])
def test_name_uses_the_street_with_most_units(streets, expected):
    assert derived_cores(units_at(row(12), street=streets))["name"].tolist() == [expected]


@pytest.mark.parametrize("codes, expected", [
    (["34027"] * 5 + ["34022"] * 7, "34022"),
    (["34027"] * 6 + ["34022"] * 6, "34022"),  # tie: lowest code
])
def test_core_spanning_two_municipalities_goes_to_the_majority(codes, expected):
    cores = derived_cores(units_at(row(12), nis_code=codes))
    assert cores[["core_id", "nis_code", "units"]].to_numpy().tolist() == [[f"{expected}-K1", expected, 12]]


def test_cores_are_numbered_within_each_municipality():
    units = pd.concat([
        units_at(row(12), prefix="a", nis_code="34022"),
        units_at(row(11, x=X0 + 1000), prefix="b", nis_code="34022"),
        units_at(row(10, x=X0 + 2000), prefix="c", nis_code="34027"),
    ], ignore_index=True)
    assert derived_cores(units)["core_id"].tolist() == ["34022-K1", "34022-K2", "34027-K1"]


def test_assign_cores_gives_each_unit_its_core():
    units = pd.concat([
        units_at(row(11), prefix="a"),
        units_at(row(15, x=X0 + 700), prefix="b"),
        units_at([(X0 + 5000, Y0)], prefix="alone"),
    ], ignore_index=True)
    units.loc[len(units)] = ["nowhere", "34022", "Markt", None, None]  # no coordinates
    units.index = units.index * 10 + 7  # any index is kept
    cores = derived_cores(units)
    assigned = assign_cores(units, cores)
    assert assigned.index.equals(units.index)
    assert assigned.value_counts().to_dict() == {"34022-K1": 15, "34022-K2": 11}
    mapping = dict(zip(units["unit_id"], assigned, strict=True))
    assert {mapping[f"a{i}"] for i in range(11)} == {"34022-K2"}
    assert {mapping[f"b{i}"] for i in range(15)} == {"34022-K1"}
    assert mapping["alone0"] is None and mapping["nowhere"] is None
    assert assign_cores(units, cores.to_crs("EPSG:4326")).equals(assigned)  # cores in another crs


TWO_CLUSTERS = pd.concat([
    units_at(row(10), prefix="a", street=["Markt", "Zuidstraat"] * 5, nis_code=["34022", "34027"] * 5),
    units_at(row(10, x=X0 + 500), prefix="b", street="Noordstraat", nis_code=["34027"] * 5 + ["34022"] * 5),
    units_at(row(10, x=X0 + 500, y=Y0 + 600), prefix="c", street="Kerkstraat", nis_code="34022"),
    units_at(row(4, x=X0 + 3000), prefix="d"),
], ignore_index=True)  # every cluster ties on size, on municipality and (cluster a) on street


@settings(max_examples=25, deadline=None)
@given(st.permutations(range(len(TWO_CLUSTERS))))
def test_row_order_does_not_change_cores(order):
    expected = derived_cores(TWO_CLUSTERS)
    assert expected[["core_id", "name"]].to_numpy().tolist() == [
        ["34022-K1", "Kern 1 — Markt"], ["34022-K2", "Kern 2 — Noordstraat"], ["34022-K3", "Kern 3 — Kerkstraat"]]
    shuffled = TWO_CLUSTERS.iloc[list(order)]
    cores = derived_cores(shuffled)
    assert cores.drop(columns="geometry").equals(expected.drop(columns="geometry"))
    assert cores.geom_equals_exact(expected, tolerance=1e-6).all()
    assert by_unit(shuffled, cores) == by_unit(TWO_CLUSTERS, expected)


def test_shuffled_with_pandas_sample():
    expected = derived_cores(TWO_CLUSTERS)["core_id"].tolist()
    for seed in (1, 2, 3):
        assert derived_cores(TWO_CLUSTERS.sample(frac=1, random_state=seed))["core_id"].tolist() == expected
