"""analysis.flows on hand-made inventories, and the balance as a property."""

from itertools import pairwise

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.flows import flows
from analysis.inventories import place_units


def _inventory(day: str, statuses: dict[str, str], nis_code: str = "34022", group_code: str = "11") -> pd.DataFrame:
    return pd.DataFrame({"unit_id": list(statuses), "status": list(statuses.values()), "nis_code": nis_code,
                         "group_code": group_code, "observed_on": pd.Timestamp(day)})


UNITS = pd.concat([
    _inventory("2022-01-01", {"a": "occupied", "b": "occupied", "c": "vacant", "d": "vacant"}),
    _inventory("2023-01-01", {"a": "vacant",  # a falls empty
                              "b": "occupied",  # unchanged
                              "c": "occupied",  # c is taken again
                              # d is gone (merged into c, demolished…)
                              "e": "occupied", "f": "vacant"}),  # two new units
    _inventory("2024-01-01", {"a": "vacant", "b": "vacant", "c": "occupied", "e": "occupied", "f": "vacant"}),
    _inventory("2024-01-01", {"x": "vacant"}, nis_code="31005"),  # a single inventory: no flow
])


def test_flows_between_consecutive_inventories():
    result = flows(UNITS)
    assert result["nis_code"].tolist() == ["34022", "34022"]
    first, second = result.iloc[0], result.iloc[1]
    assert (first["observed_on_before"], first["observed_on"]) == (pd.Timestamp("2022-01-01"),
                                                                   pd.Timestamp("2023-01-01"))
    assert [first[c] for c in ["units_before", "units_after", "new_vacancies", "reoccupations", "openings",
                               "closures"]] == [4, 5, 1, 1, 2, 1]  # 5 = 4 + 2 − 1
    assert [second[c] for c in ["new_vacancies", "reoccupations", "openings", "closures"]] == [1, 0, 0, 0]
    assert result["is_balanced"].all()


def test_units_leaving_the_retail_scope_count_as_closures():
    units = pd.concat([_inventory("2023-01-01", {"a": "occupied", "b": "occupied"}),
                       _inventory("2024-01-01", {"a": "occupied"}),
                       _inventory("2024-01-01", {"b": "occupied"}, group_code="59")])  # b became a café
    retail = flows(units, scope="retail").iloc[0]
    assert (retail["openings"], retail["closures"], retail["units_after"]) == (0, 1, 1)
    assert flows(units).iloc[0]["closures"] == 0


inventories = st.lists(
    st.tuples(st.sampled_from(["2022-01-01", "2023-01-01", "2024-01-01"]), st.integers(0, 12),
              st.sampled_from(["occupied", "vacant"]), st.sampled_from(["34022", "31005"])),
    min_size=1, max_size=60,
)


@settings(max_examples=60, deadline=None)
@given(inventories, st.randoms(use_true_random=False))
def test_balance_holds_and_order_does_not_matter(rows, random):
    frame = pd.DataFrame(rows, columns=["observed_on", "unit_id", "status", "nis_code"])
    frame = frame.drop_duplicates(["nis_code", "observed_on", "unit_id"]).assign(
        observed_on=lambda f: pd.to_datetime(f["observed_on"]), unit_id=lambda f: f["unit_id"].astype(str),
        group_code="11")
    result = flows(frame)
    assert result["is_balanced"].all()
    shuffled = frame.sample(frac=1, random_state=random.randint(0, 1000))
    pd.testing.assert_frame_equal(flows(shuffled), result)


def _merged_flows(frame: pd.DataFrame) -> pd.DataFrame:
    """The definition, one outer merge on the unit per pair of consecutive inventories."""
    rows = []
    for nis_code, area in frame.groupby("nis_code"):
        days = sorted(area["observed_on"].unique())
        for before_day, day in pairwise(days):
            before = area[area["observed_on"] == before_day][["unit_id", "status"]]
            after = area[area["observed_on"] == day][["unit_id", "status"]]
            pairs = before.merge(after, on="unit_id", how="outer", suffixes=("_before", "_after"))
            rows.append({"nis_code": nis_code, "observed_on": day,
                         "new_vacancies": int(((pairs["status_before"] == "occupied")
                                               & (pairs["status_after"] == "vacant")).sum()),
                         "reoccupations": int(((pairs["status_before"] == "vacant")
                                               & (pairs["status_after"] == "occupied")).sum()),
                         "openings": int(pairs["status_before"].isna().sum()),
                         "closures": int(pairs["status_after"].isna().sum())})
    return pd.DataFrame(rows, columns=["nis_code", "observed_on", "new_vacancies", "reoccupations", "openings",
                                       "closures"])


@pytest.mark.parametrize("unique_ids", [True, False])
@settings(max_examples=80, deadline=None, derandomize=True)
@given(rows=inventories)
def test_same_counts_as_an_outer_merge_even_with_repeated_ids(rows, unique_ids):
    # Unique ids per inventory (the rule: neighbours after sorting give the flows), and without
    # de-duplication, where an id may repeat within an inventory and every pair counts.
    frame = pd.DataFrame(rows, columns=["observed_on", "unit_id", "status", "nis_code"]).assign(
        observed_on=lambda f: pd.to_datetime(f["observed_on"]), unit_id=lambda f: f["unit_id"].astype(str),
        group_code="11")
    if unique_ids:
        frame = frame.drop_duplicates(["nis_code", "observed_on", "unit_id"])
    columns = ["nis_code", "observed_on", "new_vacancies", "reoccupations", "openings", "closures"]
    expected = _merged_flows(frame)
    result = flows(frame)[columns].astype({"nis_code": str})
    pd.testing.assert_frame_equal(result.reset_index(drop=True), expected.astype(result.dtypes.to_dict()),
                                  check_dtype=False)
    # As the store gives them: codes and ids as categoricals, inventories grouped by the caller.
    stored = frame.astype({"unit_id": "category", "nis_code": "category"})
    placed = place_units(stored, pd.DataFrame({"nis_code": ["34022", "31005"], "nis_code_2025": ["34022", "31005"]}),
                         "2025")
    from_placed = flows(placed.units, inventories=placed.inventories)[columns].astype({"nis_code": str})
    pd.testing.assert_frame_equal(from_placed.reset_index(drop=True), result.reset_index(drop=True))
