"""analysis.mix on hand-computed examples, and its invariants as properties."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.mix import (
    group_share_columns,
    group_shares,
    shop_mix,
)

# Reference implementations, one row at a time: oracles for the vectorised measures.


def shannon_diversity(counts: pd.Series) -> float:
    """Shannon's index H = −Σ pᵢ ln pᵢ over the groups present (pᵢ = countᵢ / Σ counts), in nats.

    >>> round(shannon_diversity(pd.Series([6, 7, 2, 2, 3, 1])), 4)
    1.595
    """
    values = np.asarray(counts, dtype=float)
    p = values[values > 0] / values.sum()
    return float(-(p * np.log(p)).sum()) if len(p) else float("nan")


def evenness(counts: pd.Series) -> float:
    """Pielou's evenness J = H / ln k, k the number of groups present; 1 when all are equally
    common, missing with fewer than two groups.

    >>> round(evenness(pd.Series([5, 5, 5])), 6), evenness(pd.Series([9]))
    (1.0, nan)
    """
    k = int((np.asarray(counts, dtype=float) > 0).sum())
    return float(shannon_diversity(counts) / np.log(k)) if k >= 2 else float("nan")


def location_quotients(shares: pd.DataFrame, *, area: str = "nis_code",
                       reference: pd.DataFrame | None = None) -> pd.Series:
    """LQ of each row of `group_shares`: its ``share_units`` / the group's share in the reference.

    The reference is the whole of ``shares`` per remaining key (the province: every area
    together) unless given. LQ > 1: the group is more common here than in the province.
    """
    keys = [c for c in shares.columns if c not in {area, "group_code", "units", "floor_area_m2", "share_units",
                                                   "share_floor"}]
    base = reference if reference is not None else shares
    pooled = base.groupby([*keys, "group_code"])["units"].sum()
    pooled = pooled / pooled.groupby(level=list(range(len(keys)))).transform("sum") if keys else pooled / pooled.sum()
    index = pd.MultiIndex.from_frame(shares[[*keys, "group_code"]]) if keys else shares["group_code"]
    return pd.Series(shares["share_units"].to_numpy() / pooled.reindex(index).to_numpy(), index=shares.index)


def test_shannon_of_six_groups():
    # p = 6/21, 7/21, 2/21, 2/21, 3/21, 1/21; H = −Σ p ln p
    # = 0.3579 + 0.3662 + 0.2239 + 0.2239 + 0.2780 + 0.1450 = 1.5950 (nats)
    assert shannon_diversity(pd.Series([6, 7, 2, 2, 3, 1])) == pytest.approx(1.5950, abs=1e-4)
    assert evenness(pd.Series([6, 7, 2, 2, 3, 1])) == pytest.approx(1.5950 / math.log(6), abs=1e-4)  # 0.8902
    groups = ["11"] * 6 + ["22"] * 7 + ["35"] * 2 + ["37"] * 2 + ["59"] * 3 + ["65"]
    row = shop_mix(_units(groups)).iloc[0]  # the vectorised measure agrees with the oracle
    assert row["shannon_diversity"] == pytest.approx(1.5950, abs=1e-4)
    assert row["evenness"] == pytest.approx(1.5950 / math.log(6), abs=1e-4)


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
    # The definition: long shares, their quotients against each year's province, pivoted.
    shares = group_shares(units, by=["nis_code", "year"])
    shares["location_quotient"] = location_quotients(shares)
    expected = shares.pivot_table(index=["nis_code", "year"], columns="group_code",
                                  values=["share_units", "share_floor", "location_quotient"])
    expected.columns = [f"{measure}_{group}" for measure, group in expected.columns]
    result = group_share_columns(units, by=["nis_code", "year"])
    assert sorted(result.columns) == sorted(expected.columns)
    pd.testing.assert_frame_equal(result[sorted(result.columns)], expected[sorted(expected.columns)],
                                  check_exact=False, rtol=1e-12)


def test_floor_share_of_a_group_without_any_known_area_is_unknown():
    units = _units(["11", "11", "22", "59"], floor_area_m2=[300.0, None, 100.0, None])  # 59: no area known
    shares = group_shares(units).set_index("group_code")["share_floor"]
    assert shares["11"] == pytest.approx(300 / 400)  # one of its two units known
    assert shares["22"] == pytest.approx(100 / 400)
    assert math.isnan(shares["59"])  # unknown, not 0
    columns = group_share_columns(units, by=["nis_code"]).iloc[0]
    assert "share_floor_59" not in columns  # unknown everywhere: no column, as in a pivot
    assert columns["share_units_59"] == pytest.approx(1 / 4)
