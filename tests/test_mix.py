"""analysis.mix on hand-computed examples, and its invariants as properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.mix import (
    evenness,
    group_share_columns,
    group_shares,
    location_quotients,
    mix_counts,
    shannon_diversity,
    shop_mix,
)


def test_shannon_of_six_groups():
    # p = 6/21, 7/21, 2/21, 2/21, 3/21, 1/21; H = −Σ p ln p
    # = 0.3579 + 0.3662 + 0.2239 + 0.2239 + 0.2780 + 0.1450 = 1.5950 (nats)
    assert shannon_diversity(pd.Series([6, 7, 2, 2, 3, 1])) == pytest.approx(1.5950, abs=1e-4)
    assert evenness(pd.Series([6, 7, 2, 2, 3, 1])) == pytest.approx(1.5950 / math.log(6), abs=1e-4)  # 0.8902


def _units(groups: list[str], nis_code: str = "34022", **columns) -> pd.DataFrame:
    return pd.DataFrame({"nis_code": nis_code, "observed_on": pd.Timestamp("2024-01-01"), "status": "occupied",
                         "group_code": groups, "floor_area_m2": 100.0, **columns})


def test_mix_measures_over_occupied_outlets():
    units = pd.concat([
        _units(["11", "11", "22", "35", "59", "59", "65", None],  # the unknown group is left out
               chain=[True, False, True, None, False, False, False, True]),
        _units(["00"], status="vacant"),  # vacant: no part of the mix
        _units(["80"]),  # ATM: no outlet
    ])
    row = shop_mix(units).iloc[0]
    assert row["units_mix_known"] == 7
    assert row["retail_share"] == pytest.approx(4 / 7)  # 11, 11, 22, 35
    assert row["daily_share"] == pytest.approx(2 / 4) and row["non_daily_share"] == pytest.approx(2 / 4)
    assert row["horeca_share"] == pytest.approx(2 / 7)
    assert row["services_share"] == pytest.approx(1 / 7)
    assert row["chain_share"] == pytest.approx(2 / 6)  # chain known for 6 of the 7: 11, 11, 22, 59, 59, 65
    # counts 2, 1, 1, 2, 1: H = −(2·(2/7)ln(2/7) + 3·(1/7)ln(1/7)) = 0.7159 + 0.8340 = 1.5498
    assert row["shannon_diversity"] == pytest.approx(1.5498, abs=1e-4)
    assert row["evenness"] == pytest.approx(1.5498 / math.log(5), abs=1e-4)


def test_location_quotients_against_the_province():
    units = pd.concat([_units(["11", "11", "11", "22"]), _units(["11", "22", "22", "22"], nis_code="31005")])
    shares = group_shares(units)
    shares["lq"] = location_quotients(shares)
    lq = shares.set_index(["nis_code", "group_code"])["lq"]
    # Province: 11 is 4/8 = 0.5. Kortrijk: 3/4 = 0.75 → LQ 1.5; Brugge: 1/4 → 0.5.
    assert lq[("34022", "11")] == pytest.approx(1.5)
    assert lq[("31005", "11")] == pytest.approx(0.5)
    assert lq[("31005", "22")] == pytest.approx(1.5)


mixes = st.lists(st.tuples(st.sampled_from(["34022", "31005", "35013"]),
                           st.sampled_from(["11", "22", "35", "37", "38", "59", "65"]),
                           st.one_of(st.none(), st.floats(0, 5000))), min_size=1, max_size=80)


@settings(max_examples=60, deadline=None)
@given(mixes, st.integers(0, 1000))
def test_shares_sum_to_one_and_the_province_quotient_is_one(rows, seed):
    units = pd.DataFrame(rows, columns=["nis_code", "group_code", "floor_area_m2"]).assign(
        observed_on=pd.Timestamp("2024-01-01"), status="occupied")
    shares = group_shares(units)
    assert np.allclose(shares.groupby("nis_code")["share_units"].sum(), 1.0)
    assert shares["share_units"].between(0, 1).all()
    province = group_shares(units.assign(nis_code="30000"))
    assert np.allclose(location_quotients(province), 1.0)
    measures = shop_mix(units)
    assert measures["evenness"].dropna().between(0, 1 + 1e-9).all()
    shuffled = shop_mix(units.sample(frac=1, random_state=seed))
    pd.testing.assert_frame_equal(shuffled, measures)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.sampled_from(["34022", "31005", "35013"]), st.sampled_from([2023, 2024]),
                          st.sampled_from(["11", "22", "59", "65"]),
                          st.one_of(st.none(), st.floats(0, 5000))), min_size=1, max_size=60))
def test_share_columns_are_the_pivot_of_the_long_shares(rows):
    units = pd.DataFrame(rows, columns=["nis_code", "year", "group_code", "floor_area_m2"]).assign(status="occupied")
    counts = mix_counts(units, by=["nis_code", "year"])
    # The definition: long shares, their quotients against each year's province, pivoted.
    shares = group_shares(counts)
    shares["location_quotient"] = location_quotients(shares)
    expected = shares.pivot_table(index=["nis_code", "year"], columns="group_code",
                                  values=["share_units", "share_floor", "location_quotient"])
    expected.columns = [f"{measure}_{group}" for measure, group in expected.columns]
    result = group_share_columns(counts)
    assert sorted(result.columns) == sorted(expected.columns)
    pd.testing.assert_frame_equal(result[sorted(result.columns)], expected[sorted(expected.columns)],
                                  check_exact=False, rtol=1e-12)
