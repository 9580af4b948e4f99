"""analysis.impact: the campaign's difference in differences on tiny hand-checked tables."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.impact import CAVEAT, ImpactResult, campaign_impact


def _rates(rows: dict[str, tuple[float | None, float | None]], years: tuple[int, int] = (2017, 2019)) -> pd.DataFrame:
    """One row per municipality per year from {nis_code: (rate before, rate after)}; None leaves the row out."""
    records = [{"nis_code": code, "year": year, "vacancy_rate_units": rate}
               for code, pair in rows.items() for year, rate in zip(years, pair, strict=True) if rate is not None]
    return pd.DataFrame(records)


# Participants A: 0.10 → 0.08 (−0.02), B: 0.12 → 0.11 (−0.01): mean −0.015.
# Others      C: 0.09 → 0.10 (+0.01), D: 0.11 → 0.11 (0.00):  mean +0.005.
# DiD = −0.015 − 0.005 = −0.02.
HAND = _rates({"A": (0.10, 0.08), "B": (0.12, 0.11), "C": (0.09, 0.10), "D": (0.11, 0.11)})


def test_hand_computed_difference_in_differences():
    result = campaign_impact(HAND, ["A", "B"], edition=2018)
    assert result.mean_change_participants == pytest.approx(-0.015)
    assert result.mean_change_others == pytest.approx(0.005)
    assert result.estimate == pytest.approx(-0.02)
    assert (result.before_year, result.after_year, result.edition) == (2017, 2019, 2018)
    assert result.caveat == CAVEAT
    assert "geen bewijs" in result.caveat


def test_interval_contains_the_estimate():
    result = campaign_impact(HAND, ["A", "B"], edition=2018)
    assert result.ci_low <= result.estimate <= result.ci_high
    # Each bootstrap mean lies between its group's extremes: participants −0.02…−0.01, others 0…+0.01.
    assert -0.03 - 1e-12 <= result.ci_low <= result.ci_high <= -0.01 + 1e-12


def test_same_seed_same_interval_other_seed_other_interval():
    vacancy = _rates({code: (0.05 + 0.01 * i, 0.05 + 0.013 * ((i * 7) % 11)) for i, code in enumerate("ABCDEFGHIJ")})
    first = campaign_impact(vacancy, list("ABCDE"), edition=2018, seed=1)
    again = campaign_impact(vacancy, list("ABCDE"), edition=2018, seed=1)
    other = campaign_impact(vacancy, list("ABCDE"), edition=2018, seed=2)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)
    assert first.estimate == other.estimate  # the seed only moves the interval
    assert first.ci_low == pytest.approx(other.ci_low, abs=0.01)


def test_groups_are_counted_and_unknown_participants_ignored():
    vacancy = _rates({"A": (0.1, 0.1), "B": (0.1, 0.1), "C": (0.1, 0.1), "D": (0.1, 0.1), "E": (0.1, 0.1)})
    result = campaign_impact(vacancy, ["A", "B", "Z"], edition=2018)  # Z has no rates
    assert (result.n_participants, result.n_others) == (2, 3)
    assert result.estimate == pytest.approx(0.0)


def test_a_municipality_missing_one_year_is_left_out():
    vacancy = pd.concat([HAND, _rates({"E": (0.50, None), "F": (None, 0.0), "G": (0.2, float("nan"))})],
                        ignore_index=True)
    result = campaign_impact(vacancy, ["A", "B", "E", "F"], edition=2018)
    assert (result.n_participants, result.n_others) == (2, 2)
    assert result.estimate == pytest.approx(-0.02)


def test_other_years_in_the_data_are_ignored_and_years_can_be_chosen():
    vacancy = pd.concat([HAND, _rates({"A": (0.30, 0.30), "B": (0.30, 0.30), "C": (0.10, 0.10), "D": (0.10, 0.10)},
                                      years=(2018, 2020))], ignore_index=True)
    assert campaign_impact(vacancy, ["A", "B"], edition=2018).estimate == pytest.approx(-0.02)
    # 2017 → 2020: A 0.10 → 0.30, B 0.12 → 0.30 vs C 0.09 → 0.10, D 0.11 → 0.10
    # mean(+0.20, +0.18) − mean(+0.01, −0.01) = 0.19 − 0.00 = 0.19
    result = campaign_impact(vacancy, ["A", "B"], edition=2018, after_year=2020)
    assert (result.before_year, result.after_year) == (2017, 2020)
    assert result.estimate == pytest.approx(0.19)


def test_unchanged_when_rows_are_shuffled():
    vacancy = _rates({code: (0.05 + 0.01 * i, 0.04 + 0.017 * ((i * 5) % 9)) for i, code in enumerate("ABCDEFGHI")})
    expected = campaign_impact(vacancy, list("ACEG"), edition=2018, replicates=500)
    shuffled = vacancy.sample(frac=1, random_state=3).reset_index(drop=True)
    assert campaign_impact(shuffled, list("GECA"), edition=2018, replicates=500) == expected


def test_too_few_municipalities_gives_no_estimate():
    result = campaign_impact(HAND, ["A"], edition=2018)
    assert (result.n_participants, result.n_others) == (1, 3)
    assert math.isnan(result.estimate) and math.isnan(result.ci_low) and math.isnan(result.ci_high)
    assert result.mean_change_participants == pytest.approx(-0.02)
    assert "Te weinig gemeenten" in result.caveat
    empty = campaign_impact(HAND, ["A", "B", "C", "D"], edition=2018)
    assert (empty.n_participants, empty.n_others) == (4, 0)
    assert math.isnan(empty.estimate) and math.isnan(empty.mean_change_others)


def test_as_frame_is_one_row_with_every_field():
    frame = campaign_impact(HAND, ["A", "B"], edition=2018).as_frame()
    assert len(frame) == 1
    assert list(frame.columns) == list(ImpactResult.__dataclass_fields__)
    assert frame.loc[0, "estimate"] == pytest.approx(-0.02)


def test_results_are_frozen():
    result = campaign_impact(HAND, ["A", "B"], edition=2018)
    with pytest.raises(AttributeError):
        result.estimate = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("options, message", [
    ({"before_year": 2019, "after_year": 2019}, "vroeger"),
    ({"confidence": 1.0}, "betrouwbaarheidsniveau"),
    ({"replicates": 0}, "bootstrapherhalingen"),
])
def test_invalid_options_raise_in_dutch(options, message):
    with pytest.raises(ValueError, match=message):
        campaign_impact(HAND, ["A", "B"], edition=2018, **options)


def test_duplicate_rows_raise_in_dutch():
    with pytest.raises(ValueError, match="één rij per gemeente per jaar"):
        campaign_impact(pd.concat([HAND, HAND.iloc[:1]]), ["A", "B"], edition=2018)


rates = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=50, deadline=None)
@given(treated=st.lists(st.tuples(rates, rates), min_size=2, max_size=8),
       control=st.lists(st.tuples(rates, rates), min_size=2, max_size=8))
def test_estimate_is_the_difference_of_mean_changes(treated, control):
    rows = {f"P{i}": pair for i, pair in enumerate(treated)} | {f"O{i}": pair for i, pair in enumerate(control)}
    result = campaign_impact(_rates(rows), [f"P{i}" for i in range(len(treated))], edition=2018, replicates=50)
    expected = np.mean([b - a for a, b in treated]) - np.mean([b - a for a, b in control])
    assert result.estimate == pytest.approx(expected, abs=1e-12)
    assert (result.n_participants, result.n_others) == (len(treated), len(control))
    assert result.ci_low <= result.ci_high
