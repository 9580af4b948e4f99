"""Vacancy indicators on tiny hand-checked tables."""

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.vacancy import change_since_previous, is_outlet, vacancy, vacancy_band, vacancy_days
from tests.conftest import unit_rows


def test_rates_by_units_and_floor_area():
    units = unit_rows(
        {"status": "occupied", "group_code": "11", "floor_area_m2": 100},
        {"status": "vacant", "group_code": "00", "floor_area_m2": 60},
        {"status": "vacant", "group_code": "00", "floor_area_m2": None},  # area unknown: not 0
        {"status": "occupied", "group_code": "22", "floor_area_m2": 40},
        {"status": "occupied", "group_code": None, "floor_area_m2": 200},  # unknown group: still an outlet
        {"status": "occupied", "group_code": "80", "floor_area_m2": 2},  # ATM: not an outlet
        {"status": "occupied", "group_code": "45", "floor_area_m2": 500},  # fuel station: not an outlet
    )
    row = vacancy(units).iloc[0]
    assert row["units_total"] == 5
    assert row["units_vacant"] == 2
    assert row["vacancy_rate_units"] == pytest.approx(2 / 5)
    assert row["floor_area_total_m2"] == 400  # 100 + 60 + 40 + 200
    assert row["floor_area_vacant_m2"] == 60
    assert row["vacancy_rate_floor"] == pytest.approx(60 / 400)
    assert row["floor_area_coverage"] == pytest.approx(4 / 5)


def test_duration_shares_count_only_dated_vacancies():
    units = unit_rows(
        {"status": "vacant", "group_code": "00", "vacant_since": "2017-06-01"},  # 214 days
        {"status": "vacant", "group_code": "00", "vacant_since": "2017-01-01"},  # 365 days: long-term
        {"status": "vacant", "group_code": "00", "vacant_since": "2014-01-01"},  # 1,461 days: structural
        {"status": "vacant", "group_code": "00", "vacant_since": None},  # unknown duration
        {"status": "vacant", "group_code": "00", "vacant_since": "2019-01-01"},  # after the inventory: unknown
        {"status": "occupied", "group_code": "11"},
    )
    row = vacancy(units).iloc[0]
    assert row["units_vacant"] == 5
    assert row["units_vacant_dated"] == 3
    assert row["long_term_vacancy_share"] == pytest.approx(2 / 3)
    assert row["structural_vacancy_share"] == pytest.approx(1 / 3)
    assert row["median_vacancy_days"] == 365


def test_one_row_per_municipality_and_inventory():
    units = pd.concat([
        unit_rows({"status": "vacant", "group_code": "00"}, {}, {}, {}, nis_code="31005"),
        unit_rows({"status": "vacant", "group_code": "00"}, {}, observed_on="2019-01-01", nis_code="31005"),
        unit_rows({}, {}, nis_code="34022"),
    ], ignore_index=True)
    result = vacancy(units).set_index(["nis_code", "observed_on"])["vacancy_rate_units"]
    assert result.to_dict() == {
        ("31005", pd.Timestamp("2018-01-01")): 0.25,
        ("31005", pd.Timestamp("2019-01-01")): 0.5,
        ("34022", pd.Timestamp("2018-01-01")): 0.0,
    }


def test_no_known_area_gives_no_floor_rate_instead_of_zero():
    row = vacancy(unit_rows({"status": "vacant", "group_code": "00"}, {})).iloc[0]
    assert math.isnan(row["vacancy_rate_floor"])
    assert row["floor_area_coverage"] == 0


def test_is_outlet_and_vacancy_days():
    units = unit_rows({"group_code": "45"}, {"group_code": "00", "status": "vacant", "vacant_since": "2017-12-01"})
    assert is_outlet(units).tolist() == [False, True]
    assert vacancy_days(units).tolist()[1] == 31


@pytest.mark.parametrize(("rate", "band"), [
    (0.0, "gezond"), (0.08, "gezond"), (0.0801, "verhoogd"), (0.12, "verhoogd"), (0.125, "kritiek"),
])
def test_bands_follow_the_unizo_thresholds(rate, band):
    assert vacancy_band(pd.Series([rate])).iloc[0] == band


def test_bands_are_configurable():
    assert vacancy_band(pd.Series([0.07]), healthy_max=0.06, elevated_max=0.10).iloc[0] == "verhoogd"


def test_change_since_previous_inventory():
    table = pd.DataFrame({
        "nis_code": ["1", "1", "1", "2"],
        "observed_on": ["2019-01-01", "2018-01-01", "2020-01-01", "2018-01-01"],
        "vacancy_rate_units": [0.10, 0.08, 0.09, 0.05],
    })
    changes = change_since_previous(table, ["vacancy_rate_units"])["vacancy_rate_units_change"]
    assert changes.iloc[0] == pytest.approx(0.02)  # 2019 against 2018, though listed first
    assert changes.iloc[2] == pytest.approx(-0.01)  # 2020 against 2019
    assert math.isnan(changes.iloc[1]) and math.isnan(changes.iloc[3])  # first inventories


def test_four_vacant_of_twenty_five():
    units = unit_rows(*([{"status": "vacant", "group_code": "00"}] * 4 + [{}] * 21))
    assert vacancy(units).iloc[0]["vacancy_rate_units"] == pytest.approx(0.16)  # 4 / 25


def test_duration_classes():
    units = unit_rows(
        {"status": "vacant", "group_code": "00", "vacant_since": "2017-06-01"},  # 214 days: frictie
        {"status": "vacant", "group_code": "00", "vacant_since": "2017-01-01"},  # 365 days: langdurig
        {"status": "vacant", "group_code": "00", "vacant_since": "2015-01-03"},  # 1,094 days (2016 is a leap year)
        {"status": "vacant", "group_code": "00", "vacant_since": "2015-01-02"},  # 1,095 days = 3 × 365: structureel
        {"status": "vacant", "group_code": "00", "vacant_since": None},  # unknown: in no class
    )
    row = vacancy(units).iloc[0]
    assert (row["units_vacant_frictional"], row["units_vacant_long_term"], row["units_vacant_structural"]) == (1, 2, 1)
    assert row["units_vacant_dated"] == 4  # the classes add up to the dated vacancies
    assert row["long_term_vacancy_share"] == pytest.approx(3 / 4)  # ≥ 1 year includes structural
    assert row["structural_vacancy_share"] == pytest.approx(1 / 4)


def test_retail_scope_leaves_out_horeca_and_services_but_keeps_every_vacancy():
    units = unit_rows(
        {"status": "occupied", "group_code": "11"},
        {"status": "occupied", "group_code": "22"},
        {"status": "occupied", "group_code": "59"},  # horeca: not retail
        {"status": "occupied", "group_code": "65"},  # services: not retail
        {"status": "vacant", "group_code": "00"},
        {"status": "vacant", "group_code": "65"},  # vacant, last used as an office: counts in retail
    )
    assert vacancy(units, scope="all").iloc[0]["vacancy_rate_units"] == pytest.approx(2 / 6)
    assert vacancy(units, scope="retail").iloc[0]["vacancy_rate_units"] == pytest.approx(2 / 4)
    with pytest.raises(ValueError, match="Onbekende afbakening"):
        vacancy(units, scope="winkels")


def test_floor_vacancy_without_the_three_largest_vacant_units():
    units = unit_rows(
        {"status": "vacant", "group_code": "00", "floor_area_m2": 5000},  # a former department store
        {"status": "vacant", "group_code": "00", "floor_area_m2": 800},
        {"status": "vacant", "group_code": "00", "floor_area_m2": 300},
        {"status": "vacant", "group_code": "00", "floor_area_m2": 100},
        {"status": "vacant", "group_code": "00", "floor_area_m2": None},  # unknown area: never among the largest
        {"status": "occupied", "floor_area_m2": 3800},
    )
    row = vacancy(units).iloc[0]
    assert row["vacancy_rate_floor"] == pytest.approx(6200 / 10000)
    # Without 5,000 + 800 + 300: vacant 100 of 10,000 − 6,100 = 3,900.
    assert row["vacancy_rate_floor_excl_largest3"] == pytest.approx(100 / 3900)


unit_lists = st.lists(st.fixed_dictionaries({
    "nis_code": st.sampled_from(["34022", "31005"]),
    "observed_on": st.sampled_from(["2023-01-01", "2024-01-01"]),
    "status": st.sampled_from(["occupied", "vacant"]),
    "group_code": st.sampled_from(["00", "11", "22", "59", "65", "80", None]),
    "floor_area_m2": st.one_of(st.none(), st.floats(0, 10_000)),
    "vacant_since": st.one_of(st.none(), st.sampled_from(["2010-05-01", "2022-06-30", "2023-12-31", "2030-01-01"])),
}), min_size=1, max_size=60)


@settings(max_examples=80, deadline=None)
@given(unit_lists, st.sampled_from(["all", "retail"]), st.integers(0, 10_000))
def test_rates_stay_within_0_and_1_and_ignore_row_order(rows, scope, seed):
    units = pd.DataFrame(rows)
    for column in ("observed_on", "vacant_since"):
        units[column] = pd.to_datetime(units[column])
    table = vacancy(units, scope=scope)
    for column in ("vacancy_rate_units", "vacancy_rate_floor", "vacancy_rate_floor_excl_largest3",
                   "floor_area_coverage", "long_term_vacancy_share", "structural_vacancy_share"):
        assert table[column].dropna().between(0, 1).all(), column
    classes = table[["units_vacant_frictional", "units_vacant_long_term", "units_vacant_structural"]].sum(axis=1)
    assert (classes == table["units_vacant_dated"]).all()
    assert (table["units_vacant"] <= table["units_total"]).all()
    shuffled = vacancy(units.sample(frac=1, random_state=seed), scope=scope)
    pd.testing.assert_frame_equal(shuffled, table)


def test_floor_rate_without_the_three_largest_is_missing_when_nothing_is_left_in_any_row_order():
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 in one order and 0.6 in another: the rest is rounding.
    units = pd.DataFrame({"nis_code": "34022", "observed_on": pd.Timestamp("2024-01-01"), "status": "vacant",
                          "group_code": "00", "floor_area_m2": [0.1, 0.2, 0.3], "vacant_since": pd.NaT})
    for order in ([0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1]):
        rate = vacancy(units.iloc[order])["vacancy_rate_floor_excl_largest3"].iloc[0]
        assert pd.isna(rate), order


def test_vacancy_days_are_whole_days_rounded_down_in_any_unit():
    observed = pd.Series(pd.to_datetime(["2024-01-01"] * 3)).astype("datetime64[ns]")
    since = observed - pd.to_timedelta([1000 * 86_400_000_000_000 - 1, 365 * 86_400_000_000_000, 0], unit="ns")
    units = pd.DataFrame({"status": "vacant", "observed_on": observed, "vacant_since": since})
    # 1 ns short of 1,000 days is 999 days, not 1,000 (no rounding through floats).
    assert vacancy_days(units).tolist() == [999, 365, 0]
    # Dates in different units go through pandas (a date in seconds has lost that nanosecond).
    mixed = units.assign(vacant_since=units["vacant_since"].astype("datetime64[s]"))
    assert vacancy_days(mixed).tolist() == [1000, 365, 0]


def test_floor_rate_is_unknown_when_no_vacant_unit_has_an_area():
    units = unit_rows(
        {"status": "occupied", "group_code": "11", "floor_area_m2": 100},
        {"status": "vacant", "group_code": "00", "floor_area_m2": None},  # vacant, area unknown
        {"status": "vacant", "group_code": "00", "floor_area_m2": None},
    )
    row = vacancy(units).iloc[0]
    assert row["floor_area_vacant_m2"] == 0  # nothing known to add up
    assert math.isnan(row["vacancy_rate_floor"])  # 2 vacant units of unknown size: not 0 %
    assert math.isnan(row["vacancy_rate_floor_excl_largest3"])
    assert row["vacancy_rate_units"] == pytest.approx(2 / 3)
    no_vacancy = vacancy(unit_rows({"status": "occupied", "group_code": "11", "floor_area_m2": 100})).iloc[0]
    assert no_vacancy["vacancy_rate_floor"] == 0  # nothing vacant: 0 % is known
    one_known = vacancy(units.assign(floor_area_m2=[100, 25, None])).iloc[0]
    assert one_known["vacancy_rate_floor"] == pytest.approx(25 / 125)  # over the known areas
