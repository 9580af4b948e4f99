"""analysis.inventory_changes: the import preview, on tiny inventories checked by hand."""

import pandas as pd
import pytest

from analysis.inventory_changes import inventory_changes


def _units(rows: list[tuple], day: str, nis_code: str = "34022") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["unit_id", "status", "group_code", "floor_area_m2"])
    return frame.assign(nis_code=nis_code, observed_on=pd.Timestamp(day), name=None, vacant_since=pd.NaT)


STORED = pd.concat([
    _units([("a", "vacant", "00", 100.0), ("b", "occupied", "11", 80.0), ("c", "occupied", "22", None),
            ("atm", "occupied", "80", None)], "2023-01-01"),  # 1 vacant of 3 outlets
    _units([("a", "vacant", "00", 100.0)], "2021-01-01"),  # an older inventory is not compared
    _units([("z", "vacant", "00", 50.0)], "2023-01-01", nis_code="31005"),  # another town
])


def test_a_new_year_is_compared_with_the_latest_earlier_inventory():
    incoming = _units([("a", "occupied", "11", 100.0),  # reoccupied: changed
                       ("b", "occupied", "11", 80.0),  # unchanged
                       ("c", "occupied", "22", None),  # unchanged: a missing area equals a missing area
                       ("d", "vacant", "00", 60.0)],  # new; "atm" is gone
                      "2024-01-01")
    row = inventory_changes(STORED, incoming).iloc[0]
    assert row["compared_with"] == pd.Timestamp("2023-01-01")
    assert [row[c] for c in ["units_new", "units_changed", "units_unchanged", "units_gone"]] == [1, 1, 2, 1]
    assert row["vacancy_rate_before"] == pytest.approx(1 / 3)
    assert row["vacancy_rate_after"] == pytest.approx(1 / 4)


def test_a_complete_inventory_of_the_same_date_replaces_it_whole():
    incoming = _units([("b", "vacant", "00", 80.0)], "2023-01-01")  # only b: a, c and the ATM are gone
    row = inventory_changes(STORED, incoming).iloc[0]
    assert [row[c] for c in ["units_new", "units_changed", "units_unchanged", "units_gone"]] == [0, 1, 0, 3]
    assert row["vacancy_rate_after"] == 1.0


def test_a_first_inventory_is_all_new():
    row = inventory_changes(STORED, _units([("x", "vacant", "00", 1.0), ("y", "occupied", "11", 1.0)],
                                           "2024-01-01", nis_code="33011")).iloc[0]
    assert pd.isna(row["compared_with"]) and pd.isna(row["vacancy_rate_before"])
    assert (row["units_new"], row["units_gone"], row["vacancy_rate_after"]) == (2, 0, 0.5)
