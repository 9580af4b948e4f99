"""analysis.vitality: percentile ranks, the vitality index, peer groups and ranks, checked by hand."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.vitality import (
    DEFAULT_WEIGHTS,
    HIGHER_IS_BETTER,
    PEER_GROUPS,
    peer_group,
    percentile_rank,
    rank_within,
    vitality_index,
)

COMPONENTS = list(DEFAULT_WEIGHTS)


def test_percentile_ranks_of_five_values_by_hand():
    values = pd.Series([0.05, 0.10, 0.10, 0.20, 0.30])
    # Lower is better: ranks from worst (1) to best (5) are 0.30 → 1, 0.20 → 2, the two 0.10 share
    # (3 + 4) / 2 = 3.5, 0.05 → 5; score = 100 × (r − 1) / (5 − 1).
    # 0.05: 100 × 4 / 4 = 100; 0.10: 100 × 2.5 / 4 = 62.5; 0.20: 100 × 1 / 4 = 25; 0.30: 0.
    assert percentile_rank(values, higher_is_better=False).tolist() == [100.0, 62.5, 62.5, 25.0, 0.0]
    # Higher is better: 0.05 → 1, 0.10 → 2.5, 0.20 → 4, 0.30 → 5: 0, 37.5, 37.5, 75, 100.
    assert percentile_rank(values, higher_is_better=True).tolist() == [0.0, 37.5, 37.5, 75.0, 100.0]


def test_percentile_rank_keeps_missing_values_and_index():
    values = pd.Series([0.2, None, 0.1], index=["x", "y", "z"], name="evenness")
    result = percentile_rank(values, higher_is_better=True)
    assert result.index.tolist() == ["x", "y", "z"]
    assert result.name == "evenness"
    assert result["x"] == 100.0 and result["z"] == 0.0 and math.isnan(result["y"])
    assert percentile_rank(pd.Series([0.4]), higher_is_better=False).tolist() == [50.0]  # a single value
    assert percentile_rank(pd.Series([0.4, 0.4]), higher_is_better=False).tolist() == [50.0, 50.0]  # a tie
    assert percentile_rank(pd.Series([None, None], dtype=float), higher_is_better=False).isna().all()


# Three municipalities; with n = 3 the scores are 0, 50 and 100.
THREE = pd.DataFrame({
    "nis_code": ["A", "B", "C"],
    "vacancy_rate_units": [0.05, 0.10, 0.15],  # lower is better: A 100, B 50, C 0
    "long_term_vacancy_share": [0.40, 0.20, 0.30],  # lower is better: A 0, B 100, C 50
    "evenness": [0.80, 0.90, 0.70],  # higher is better: A 50, B 100, C 0
    "vacancy_rate_change_3y": [-0.01, 0.00, 0.02],  # falling is better: A 100, B 50, C 0
    "participation_rate": [0.10, 0.30, 0.20],  # higher is better: A 0, B 100, C 50
})


def test_index_of_three_municipalities_by_hand():
    result = vitality_index(THREE).set_index("nis_code")
    # A: 0.3 × 100 + 0.2 × 0 + 0.2 × 50 + 0.2 × 100 + 0.1 × 0 = 30 + 0 + 10 + 20 + 0 = 60
    # B: 0.3 × 50 + 0.2 × 100 + 0.2 × 100 + 0.2 × 50 + 0.1 × 100 = 15 + 20 + 20 + 10 + 10 = 75
    # C: 0.3 × 0 + 0.2 × 50 + 0.2 × 0 + 0.2 × 0 + 0.1 × 50 = 0 + 10 + 0 + 0 + 5 = 15
    assert result["vitality_index"].to_dict() == pytest.approx({"A": 60, "B": 75, "C": 15})
    assert result.loc["A", [f"score_{c}" for c in COMPONENTS]].tolist() == [100, 0, 50, 100, 0]
    for component, weight in DEFAULT_WEIGHTS.items():
        assert result[f"weight_{component}"].tolist() == pytest.approx([weight] * 3)


def test_output_columns_and_row_order():
    shuffled_index = THREE.set_axis([10, 30, 20])
    result = vitality_index(shuffled_index)
    assert list(result.columns) == (["nis_code", "vitality_index"] + [f"score_{c}" for c in COMPONENTS]
                                    + [f"weight_{c}" for c in COMPONENTS])
    assert result.index.tolist() == [10, 30, 20]
    assert result["nis_code"].tolist() == ["A", "B", "C"]


def test_weights_are_rescaled_when_a_component_is_missing():
    indicators = THREE.assign(participation_rate=[0.10, 0.30, None])
    result = vitality_index(indicators).set_index("nis_code")
    # participation now ranks A (0) and B (100) only: A and B keep 60 and 75.
    # C keeps 0.3 + 0.2 + 0.2 + 0.2 = 0.9 of the weight: each rescaled by 1 / 0.9.
    # C: (0.3 × 0 + 0.2 × 50 + 0.2 × 0 + 0.2 × 0) / 0.9 = 10 / 0.9 = 11.11
    assert result["vitality_index"].to_dict() == pytest.approx({"A": 60, "B": 75, "C": 10 / 0.9})
    used = result.loc["C", [f"weight_{c}" for c in COMPONENTS]].tolist()
    assert used == pytest.approx([0.3 / 0.9, 0.2 / 0.9, 0.2 / 0.9, 0.2 / 0.9, 0.0])
    assert math.isnan(result.loc["C", "score_participation_rate"])


def test_a_municipality_without_any_component_has_no_index():
    indicators = pd.concat([THREE, pd.DataFrame({"nis_code": ["D"]})], ignore_index=True)
    result = vitality_index(indicators).set_index("nis_code")
    assert math.isnan(result.loc["D", "vitality_index"])
    assert result.loc["D", [f"weight_{c}" for c in COMPONENTS]].isna().all()
    assert result.loc["A", "vitality_index"] == pytest.approx(60)  # D does not change the others' ranks


def test_custom_weights():
    result = vitality_index(THREE[["nis_code", "vacancy_rate_units", "evenness"]],
                            weights={"vacancy_rate_units": 1, "evenness": 1}).set_index("nis_code")
    # Weights 1 and 1 scale to 0.5 each. A: (100 + 50) / 2 = 75; B: (50 + 100) / 2 = 75; C: (0 + 0) / 2 = 0.
    assert result["vitality_index"].to_dict() == pytest.approx({"A": 75, "B": 75, "C": 0})
    assert [c for c in result.columns if c.startswith("weight_")] == ["weight_vacancy_rate_units", "weight_evenness"]
    assert result["weight_evenness"].tolist() == pytest.approx([0.5] * 3)
    # A zero weight keeps the component visible but it does not count.
    zero = vitality_index(THREE, weights={"vacancy_rate_units": 1, "evenness": 0}).set_index("nis_code")
    assert zero["vitality_index"].to_dict() == pytest.approx({"A": 100, "B": 50, "C": 0})
    assert zero["weight_evenness"].tolist() == [0.0] * 3


@pytest.mark.parametrize("weights, message", [
    ({"vacancy_rate_units": 0.5, "footfall": 0.5}, "Onbekende component"),
    ({"vacancy_rate_units": 0.5, "evenness": -0.1}, "≥ 0"),
    ({"vacancy_rate_units": float("nan")}, "≥ 0"),
    ({"vacancy_rate_units": 0, "evenness": 0}, "tellen op tot 0"),
    ({}, "tellen op tot 0"),
])
def test_invalid_weights_raise_in_dutch(weights, message):
    with pytest.raises(ValueError, match=message):
        vitality_index(THREE, weights=weights)


def test_missing_columns_and_duplicates_raise_in_dutch():
    with pytest.raises(ValueError, match="Kolommen ontbreken.*evenness"):
        vitality_index(THREE.drop(columns="evenness"))
    with pytest.raises(ValueError, match="Meer dan één rij per gemeente"):
        vitality_index(pd.concat([THREE, THREE.iloc[:1]]))


def test_peer_groups_at_the_bounds():
    municipalities = pd.DataFrame({
        "is_centrumstad": [True, True, False, False, False, False, False, None],
        "population": [118_000, 10_000, 14_999, 15_000, 29_999, 30_000, None, 20_000],
    })
    assert peer_group(municipalities).tolist() == [
        "centrumsteden", "centrumsteden",  # a centrumstad whatever its size
        "kleine gemeenten (< 15.000)",  # 14,999
        "middelgrote gemeenten (15.000–30.000)",  # 15,000
        "middelgrote gemeenten (15.000–30.000)",  # 29,999
        "grote gemeenten (≥ 30.000)",  # 30,000
        np.nan,  # population unknown
        "middelgrote gemeenten (15.000–30.000)",  # unknown centrumstad flag counts as false
    ]
    assert set(peer_group(municipalities).dropna()) <= set(PEER_GROUPS)


def test_ranks_within_groups():
    scores = pd.Series([60.0, 80.0, 80.0, 40.0, None, 90.0, 10.0], index=list("abcdefg"))
    groups = pd.Series(["x", "x", "x", "x", "x", "y", None], index=list("abcdefg"))
    ranks = rank_within(scores, groups)
    assert str(ranks.dtype) == "Int64"
    # Group x: 80 and 80 share rank 1, 60 is 3rd, 40 is 4th; the missing score has no rank.
    assert ranks.tolist()[:4] == [3, 1, 1, 4]
    assert ranks.isna().tolist() == [False, False, False, False, True, False, True]  # no score, no group
    assert ranks["f"] == 1


def test_ranks_within_follow_the_index_not_the_position():
    scores = pd.Series([10.0, 20.0, 30.0], index=[2, 0, 1])
    groups = pd.Series(["x", "x", "x"], index=[0, 1, 2])
    assert rank_within(scores, groups).to_dict() == {2: 3, 0: 2, 1: 1}


component_value = st.one_of(st.none(), st.floats(min_value=-1, max_value=1, allow_nan=False))
rows = st.lists(st.tuples(*[component_value] * len(COMPONENTS)), min_size=1, max_size=12)
weights = st.fixed_dictionaries({c: st.floats(min_value=0, max_value=10, allow_nan=False) for c in COMPONENTS})


def _frame(values: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(values, columns=COMPONENTS, dtype=float)
    return frame.assign(nis_code=[f"{30000 + i}" for i in range(len(frame))])[["nis_code", *COMPONENTS]]


@settings(max_examples=100, deadline=None)
@given(values=rows, chosen=weights)
def test_index_lies_within_0_and_100_and_used_weights_sum_to_1(values, chosen):
    assume(sum(chosen.values()) > 0)
    result = vitality_index(_frame(values), weights=chosen)
    index = result["vitality_index"]
    assert ((index >= 0) & (index <= 100) | index.isna()).all()
    used = result[[f"weight_{c}" for c in COMPONENTS]]
    defined = index.notna()
    assert used[defined].sum(axis=1).to_numpy() == pytest.approx(np.ones(int(defined.sum())))
    assert used[~defined].isna().all(axis=None)
    assert (used[defined] >= 0).all(axis=None)
    scores = result[[f"score_{c}" for c in COMPONENTS]]
    assert ((scores >= 0) & (scores <= 100) | scores.isna()).all(axis=None)


@settings(max_examples=100, deadline=None)
@given(values=rows, chosen=weights, order=st.randoms(use_true_random=False))
def test_index_is_unchanged_when_rows_are_shuffled(values, chosen, order):
    assume(sum(chosen.values()) > 0)
    frame = _frame(values)
    positions = list(range(len(frame)))
    order.shuffle(positions)
    expected = vitality_index(frame, weights=chosen).set_index("nis_code").sort_index()
    shuffled = vitality_index(frame.iloc[positions], weights=chosen).set_index("nis_code").sort_index()
    pd.testing.assert_frame_equal(shuffled, expected)


def test_direction_table_covers_the_default_weights():
    assert set(DEFAULT_WEIGHTS) == set(HIGHER_IS_BETTER)
    assert sum(DEFAULT_WEIGHTS.values()) == pytest.approx(1)
