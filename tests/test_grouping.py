"""analysis._grouping on hand-made tables, and against pandas' group-by as a property."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import _grouping as grouping
from analysis._grouping import _factorize_runs, group_ids, sorted_codes

DAY = pd.Timestamp("2024-01-01")
YEAR_LATER = pd.Timestamp("2025-01-01")


def _units() -> pd.DataFrame:
    return pd.DataFrame({
        "nis_code": pd.Categorical(["34022", "31005", "34022", None, "31005"],
                                   categories=["34022", "31005"]),  # categories not in sorted order
        "observed_on": pd.to_datetime([YEAR_LATER, DAY, DAY, DAY, DAY]).astype("datetime64[s]"),
        "area": [100.0, 50.0, np.nan, 20.0, 30.0],
    })


def test_groups_in_sorted_key_order_missing_last():
    groups = group_ids(_units(), ["nis_code", "observed_on"])
    assert groups.keys["nis_code"].tolist()[:3] == ["31005", "34022", "34022"]
    assert pd.isna(groups.keys["nis_code"].iloc[3])  # the missing code: last, as pandas' dropna=False
    assert groups.keys["observed_on"].tolist() == [DAY, DAY, YEAR_LATER, DAY]
    assert groups.ids.tolist() == [2, 0, 1, 3, 0]
    assert groups.count().tolist() == [2, 1, 1, 1]


def test_where_keeps_only_the_selected_rows_and_their_groups():
    where = np.array([True, True, False, False, True])  # drops 34022 on DAY and the missing code
    groups = group_ids(_units(), ["nis_code"], where=where)
    assert groups.keys["nis_code"].tolist() == ["31005", "34022"]
    assert groups.ids.tolist() == [1, 0, 0]  # one id per selected row
    area = _units()["area"].to_numpy()[where]  # 100, 50, 30
    assert groups.sum(area).tolist() == [80.0, 100.0]


def test_sums_medians_and_largest_leave_missing_values_out():
    frame = pd.DataFrame({"area": ["a", "a", "a", "a", "a", "b", "c"]})
    values = np.array([10.0, 40.0, np.nan, 30.0, 20.0, np.nan, 5.0])
    groups = group_ids(frame, ["area"])
    assert groups.sum(values, ~np.isnan(values)).tolist() == [100.0, 0.0, 5.0]
    assert groups.median(values)[[0, 2]].tolist() == [25.0, 5.0]  # (20 + 30) / 2; one value
    assert np.isnan(groups.median(values)[1])  # b has no value
    assert groups.top_sum(values, top=3).tolist() == [90.0, 0.0, 5.0]  # 40 + 30 + 20


def test_cross_counts_and_sums_per_group_and_code():
    frame = pd.DataFrame({"area": ["a", "a", "b", "b", "b"]})
    codes = np.array([0, 1, 1, 1, 2])
    groups = group_ids(frame, ["area"])
    assert groups.cross(codes, 3).tolist() == [[1, 1, 0], [0, 2, 1]]
    values = np.array([1.0, 2.0, 3.0, np.nan, 5.0])
    assert groups.cross_sum(codes, 3, values).tolist() == [[1.0, 2.0, 0.0], [0.0, 3.0, 5.0]]


def test_sum_rows_adds_each_groups_rows():
    groups = group_ids(_units(), ["nis_code"])  # ids [1, 0, 1, 2, 0]: 31005, 34022, missing
    matrix = np.array([[1, 2], [10, 20], [100, 200], [5, 5], [7, 0]])
    assert groups.sum_rows(matrix).tolist() == [[17.0, 20.0], [101.0, 202.0], [5.0, 5.0]]


def test_select_drops_empty_groups_and_subset_keeps_them():
    frame = pd.DataFrame({"area": ["a", "a", "b", "c"], "year": [2023, 2024, 2024, 2024]})
    groups = group_ids(frame, ["area", "year"])  # (a, 2023), (a, 2024), (b, 2024), (c, 2024)
    chosen = groups.select(np.array([False, True, False, True]))  # no row of (a, 2023) or b left
    assert chosen.keys.values.tolist() == [["a", 2024], ["c", 2024]]
    assert chosen.ids.tolist() == [0, 1]
    vacant = groups.subset(np.array([True, False, False, True]))  # every group kept, for counting
    assert vacant.count().tolist() == [1, 0, 0, 1]


def test_group_by_nothing_is_refused():
    with pytest.raises(ValueError, match="minstens één kolom"):
        group_ids(_units(), [])


def test_sorted_codes_of_dates_put_nat_as_missing():
    codes, values = sorted_codes(pd.Series(pd.to_datetime([YEAR_LATER, None, DAY])))
    assert codes.tolist() == [1, -1, 0]
    assert list(values) == [DAY, YEAR_LATER]


def test_no_rows_no_groups():
    groups = group_ids(_units().iloc[:0], ["nis_code", "observed_on"])
    assert len(groups) == 0 and groups.count().tolist() == []


@pytest.mark.parametrize("dense_limit", [grouping._DENSE_LIMIT, 0])  # 0: the sorting path
@settings(max_examples=60, deadline=None, derandomize=True)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", "c", None]), st.integers(0, 3),
                               st.sampled_from([DAY, YEAR_LATER, None])), max_size=40))
def test_same_groups_as_pandas(rows, dense_limit):
    grouping_limit = grouping._DENSE_LIMIT
    grouping._DENSE_LIMIT = dense_limit
    try:
        frame = pd.DataFrame(rows, columns=["text", "number", "day"]).astype({"number": "int64"})
        # Categories in reverse order: groups still come sorted by value.
        frame["text"] = pd.Categorical(frame["text"], categories=["c", "b", "a"])
        frame["day"] = pd.to_datetime(frame["day"])
        by = ["text", "number", "day"]
        groups = group_ids(frame, by)
        plain = frame.astype({"text": object})  # pandas sorts a categorical by its categories
        expected = plain.groupby(by, observed=True, dropna=False, sort=True)
        assert groups.count().tolist() == expected.size().tolist()
        assert groups.ids.tolist() == expected.ngroup().tolist()
        pd.testing.assert_frame_equal(groups.keys.astype(object), expected.size().index.to_frame(index=False)
                                      .astype(object), check_dtype=False)
    finally:
        grouping._DENSE_LIMIT = grouping_limit


@settings(max_examples=40, deadline=None, derandomize=True)
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", None]), st.sampled_from([1.5, 2.0, np.nan]),
                               st.sampled_from([DAY, YEAR_LATER, None])), min_size=1, max_size=12),
       keep=st.integers(0, 6))
def test_keys_in_runs_are_grouped_as_pandas_does(rows, keep):
    # Each row repeated in a run of 1,100: past 1,024 rows in few runs, group_ids groups the runs.
    # A missing float breaks its run into single rows (NaN ≠ NaN), and then the rows are grouped.
    frame = pd.DataFrame(rows, columns=["text", "number", "day"]).loc[lambda f: f.index.repeat(1_100)]
    frame = frame.reset_index(drop=True).astype({"text": "category"})
    frame["day"] = pd.to_datetime(frame["day"])
    where = np.arange(len(frame)) % 7 != keep  # some rows of every run left out (none when keep is 6)
    by = ["text", "number", "day"]
    expected = frame[where].astype({"text": object}).groupby(by, observed=True, dropna=False, sort=True)
    groups = group_ids(frame, by, where=where)
    if not frame["number"].isna().any():  # then the runs are grouped, not the rows
        assert len(grouping._run_starts(frame, by)) <= len(rows)
    assert groups.ids.tolist() == expected.ngroup().tolist()
    assert groups.count().tolist() == expected.size().tolist()
    pd.testing.assert_frame_equal(groups.keys.astype(object), expected.size().index.to_frame(index=False)
                                  .astype(object), check_dtype=False)


@pytest.mark.parametrize("values", [
    [5, 5, 5, 5, 5, 5, 5, 5, 2, 2, 2, 2, 2, 2, 9, 9, 9, 9, 5, 5],  # long runs: the runs are factorised
    [5, 2, 9, 5, 2, 9, 5, 1],  # no runs: every value
    [],
])
def test_factorize_runs_matches_pandas(values):
    values = np.array(values, dtype=np.int64)
    codes, uniques = _factorize_runs(values)
    expected_codes, expected_uniques = pd.factorize(values, sort=True)
    assert codes.tolist() == expected_codes.tolist()
    assert list(uniques) == list(expected_uniques)


@pytest.mark.parametrize("values", [
    [365.0, 10.0, np.nan, 0.0, 731.0, 10.0, 2.0],  # whole days: packed with their group, one sort
    [-0.0, 10.0, np.nan, 0.0, 731.0, 10.0, 2.0],  # a −0.0 keeps its sign: by value
    [365.5, 10.0, np.nan, -1.0, 70_000.0, 10.0, 2.0],  # not whole days, negative, too large: by value
])
def test_median_and_top_sum_in_both_sorts(values):
    frame = pd.DataFrame({"group": ["a", "b", "a", "b", "a", "a", "b"], "value": values})
    groups = group_ids(frame, ["group"])
    array = frame["value"].to_numpy()
    expected = frame.groupby("group")["value"].median()
    assert groups.median(array).tolist() == expected.tolist()
    top = frame.groupby("group")["value"].apply(lambda v: v.nlargest(2).sum())
    assert groups.top_sum(array, top=2).tolist() == top.tolist()
