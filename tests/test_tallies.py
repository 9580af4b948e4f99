"""analysis._tallies: sums per inventory and cell, and the indicators computed from them."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis._grouping import group_ids
from analysis._tallies import tally
from analysis.campaign import _retail_units_of_tallies, occupied_retail_units
from analysis.mix import _group_shares, _mix_counts_of_tallies, _shop_mix, group_shares, shop_mix
from analysis.vacancy import _vacancy_of_tallies, vacancy

KEYS = ["nis_code", "observed_on"]


def _units(rows: list[dict]) -> pd.DataFrame:
    units = pd.DataFrame(rows)
    for column in ("observed_on", "vacant_since"):
        units[column] = pd.to_datetime(units[column])
    return units.astype({"chain": "boolean"})


UNITS = _units([
    # nis_code, observed_on,  status,     group, area,  vacant_since, chain
    dict(nis_code="34022", observed_on="2024-01-01", status="occupied", group_code="11", floor_area_m2=100.0,
         vacant_since=None, chain=True),
    dict(nis_code="34022", observed_on="2024-01-01", status="occupied", group_code="11", floor_area_m2=None,
         vacant_since=None, chain=False),  # unknown area: counted, not in the area sums
    dict(nis_code="34022", observed_on="2024-01-01", status="vacant", group_code=None, floor_area_m2=80.0,
         vacant_since="2023-01-01", chain=None),  # vacant, no group: 365 days
    dict(nis_code="34022", observed_on="2024-01-01", status="occupied", group_code="80", floor_area_m2=2.0,
         vacant_since=None, chain=None),  # an ATM: no outlet
    dict(nis_code="31005", observed_on="2024-01-01", status="vacant", group_code="59", floor_area_m2=50.0,
         vacant_since=None, chain=None),  # vacant, duration unknown
])


def test_cells_sum_units_and_known_floor_area():
    tallies = tally(UNITS, group_ids(UNITS, KEYS))
    assert tallies.keys["nis_code"].tolist() == ["31005", "34022"]
    cells = tallies.cells
    shops = (cells["group_code"] == "11").to_numpy()
    assert tallies.total("units", shops).tolist() == [0, 2]
    assert tallies.total("units_area_known", shops).tolist() == [0, 1]
    assert tallies.total("floor_area_m2", shops).tolist() == [0.0, 100.0]
    chains = shops & cells["chain"].eq(True).fillna(False).to_numpy(dtype=bool)
    assert tallies.total("units", chains).tolist() == [0, 1]
    everything = np.ones(len(cells), bool)
    assert tallies.total("units", everything).tolist() == [1, 4]
    # Per group code (columns "11", "59", "80"): the vacant unit without a group is in none.
    assert tallies.group_codes.tolist() == ["11", "59", "80"]
    assert tallies.per_group("units", everything).tolist() == [[0, 1, 0], [2, 0, 1]]
    # The vacant rows keep their days and areas (Kortrijk's: 365 days, 80 m²).
    assert tallies.vacant.inventory.tolist() == [1, 0]
    assert tallies.vacant.floor_area_m2.tolist() == [80.0, 50.0]
    assert tallies.vacant.vacancy_days[0] == 365 and np.isnan(tallies.vacant.vacancy_days[1])


def test_combine_adds_up_the_chosen_keys():
    tallies = tally(UNITS, group_ids(UNITS, KEYS))
    everything = np.ones(len(tallies.cells), bool)
    province = tallies.combine(pd.DataFrame({"year": [2024, 2024]}))
    assert province.keys["year"].tolist() == [2024]
    assert province.total("units", everything).tolist() == [5]
    assert province.total("floor_area_m2", everything).tolist() == [232.0]
    assert province.vacant.inventory.tolist() == [0, 0]
    only_kortrijk = tallies.combine(pd.DataFrame({"year": [2024, 2024]}), where=np.array([False, True]))
    assert only_kortrijk.total("units", everything).tolist() == [4]
    assert only_kortrijk.vacant.floor_area_m2.tolist() == [80.0]  # Brugge's vacant unit left out


def test_vacancy_from_tallies_by_hand():
    table = _vacancy_of_tallies(tally(UNITS, group_ids(UNITS, KEYS))).set_index("nis_code")
    kortrijk = table.loc["34022"]
    # Outlets: both shops and the vacant unit (the ATM is none); 1 of 3 vacant.
    assert (kortrijk["units_total"], kortrijk["units_vacant"]) == (3, 1)
    assert kortrijk["vacancy_rate_floor"] == pytest.approx(80 / 180)
    assert kortrijk["floor_area_coverage"] == pytest.approx(2 / 3)
    assert kortrijk["median_vacancy_days"] == 365
    assert kortrijk["long_term_vacancy_share"] == 1.0  # 365 days is a year
    brugge = table.loc["31005"]
    assert (brugge["units_total"], brugge["units_vacant_dated"]) == (1, 0)
    assert np.isnan(brugge["median_vacancy_days"])
    # Retail scope: horeca is out, but a vacant unit counts whatever group it had.
    retail = _vacancy_of_tallies(tally(UNITS, group_ids(UNITS, KEYS)), scope="retail").set_index("nis_code")
    assert retail["units_total"].to_dict() == {"31005": 1, "34022": 3}


unit_lists = st.lists(st.fixed_dictionaries({
    "nis_code": st.sampled_from(["34022", "31005"]),
    "observed_on": st.sampled_from(["2023-01-01", "2024-01-01"]),
    "status": st.sampled_from(["occupied", "vacant", None]),  # None: a status the checks would refuse
    "group_code": st.sampled_from(["00", "11", "22", "38", "59", "65", "80", None]),
    "floor_area_m2": st.one_of(st.none(), st.floats(0, 10_000)),
    "vacant_since": st.one_of(st.none(), st.sampled_from(["2010-05-01", "2022-06-30", "2023-12-31", "2030-01-01"])),
    "chain": st.sampled_from([True, False, None]),
}), min_size=1, max_size=60)


@settings(max_examples=80, deadline=None, derandomize=True)
@given(unit_lists, st.sampled_from(["all", "retail"]))
def test_tallies_give_the_same_indicators_as_the_rows(rows, scope):
    units = _units(rows)
    tallies = tally(units, group_ids(units, KEYS))
    # Sums of floats in another order: equal up to rounding.
    pd.testing.assert_frame_equal(_vacancy_of_tallies(tallies, scope=scope), vacancy(units, scope=scope),
                                  check_exact=False, rtol=1e-9, atol=1e-9)
    counts = _mix_counts_of_tallies(tallies)
    pd.testing.assert_frame_equal(_shop_mix(counts), shop_mix(units), check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(_group_shares(counts), group_shares(units), check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(_retail_units_of_tallies(tallies), occupied_retail_units(units))
