"""Vitality index 0–100: a weighted mean of percentile ranks, and peer groups to compare within.

Definition follows ``DESIGN.md`` ("Indicators"): the weighted mean of percentile ranks within the
province of low vacancy, low long-term vacancy, evenness of the shop mix, falling vacancy over
three years and campaign participation. Weights are configurable and returned next to the score,
per municipality, because a missing component shifts its weight to the others.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

#: Default weight of each component; they sum to 1.
DEFAULT_WEIGHTS = {
    "vacancy_rate_units": 0.3,
    "long_term_vacancy_share": 0.2,
    "evenness": 0.2,
    "vacancy_rate_change_3y": 0.2,
    "participation_rate": 0.1,
}
#: Whether a higher value of a component is better (scores 100) or worse (scores 0).
HIGHER_IS_BETTER = {
    "vacancy_rate_units": False,
    "long_term_vacancy_share": False,
    "evenness": True,
    "vacancy_rate_change_3y": False,
    "participation_rate": True,
}
#: Peer groups, in order: the centrumsteden, then three population classes.
PEER_GROUPS = (
    "centrumsteden",
    "kleine gemeenten (< 15.000)",
    "middelgrote gemeenten (15.000–30.000)",
    "grote gemeenten (≥ 30.000)",
)
#: Lower population bounds of the middelgrote and grote classes (inhabitants).
MEDIUM_MIN_POPULATION = 15_000
LARGE_MIN_POPULATION = 30_000


def percentile_rank(values: pd.Series, *, higher_is_better: bool) -> pd.Series:
    """Percentile rank 0–100 of each value among the non-missing values, best = 100.

    With n non-missing values and r the average rank (1 = worst, n = best; tied values share
    the mean of their ranks, as ``Series.rank(method="average")``):

        score = 100 × (r − 1) / (n − 1)

    so the worst value scores 0, the best 100 and the scores are evenly spaced in between. A
    single non-missing value scores 50 (neither better nor worse than the others). Missing values
    stay missing and do not count in n.

    Parameters
    ----------
    values : Series
        The indicator, one value per municipality.
    higher_is_better : bool
        Whether the highest value is the best (e.g. evenness) or the lowest (e.g. vacancy).

    Examples
    --------
    >>> rates = pd.Series([0.05, 0.10, 0.10, 0.20, None])
    >>> percentile_rank(rates, higher_is_better=False).tolist()  # ranks 4, 2.5, 2.5, 1 of n = 4
    [100.0, 50.0, 50.0, 0.0, nan]
    >>> percentile_rank(pd.Series([0.3, None]), higher_is_better=True).tolist()
    [50.0, nan]
    >>> evenness = pd.Series([0.9114460275944231, 0.911446027594423, 0.5])  # one value, two roundings
    >>> percentile_rank(evenness, higher_is_better=True).tolist()
    [75.0, 75.0, 0.0]
    """
    # Equal values reached by sums in another order differ in the last bits; they must still tie.
    numbers = pd.to_numeric(values, errors="coerce").astype(float).round(12)
    count = int(numbers.notna().sum())
    ranks = numbers.rank(method="average", ascending=higher_is_better, na_option="keep")
    if count == 1:
        return ranks.where(ranks.isna(), 50.0).rename(values.name)
    return (100 * (ranks - 1) / (count - 1)).rename(values.name)


def vitality_index(indicators: pd.DataFrame, *, weights: Mapping[str, float] = DEFAULT_WEIGHTS) -> pd.DataFrame:
    """The vitality index 0–100 per municipality, with its component scores and the weights used.

    Each component c gets a score sᵢ,c = `percentile_rank` of municipality i among the rows of
    ``indicators`` (pass one province and one year, one row per municipality), with the direction
    of ``HIGHER_IS_BETTER``. The weights wc are scaled to sum to 1. For each municipality the
    weights of its missing components are dropped and the rest rescaled:

        uᵢ,c = wc / Σ wk over the components k known for i     (0 for a missing component)
        vitality_indexᵢ = Σc uᵢ,c × sᵢ,c

    A municipality without any known component of positive weight has no index and no used
    weights (missing).

    Parameters
    ----------
    indicators : DataFrame
        One row per municipality: ``nis_code`` and a column per component in ``weights``:
        ``vacancy_rate_units``, ``long_term_vacancy_share`` (lower is better), ``evenness``
        (higher), ``vacancy_rate_change_3y`` (the rate's change over three years; falling is
        better) and ``participation_rate`` (higher).
    weights : mapping of str to float
        Weight per component; only the components named here count. Non-negative, with a
        positive sum; they need not sum to 1.

    Returns
    -------
    DataFrame
        ``nis_code``, ``vitality_index`` (0–100), ``score_<component>`` (0–100) and
        ``weight_<component>`` (the used weights uᵢ,c, summing to 1 per row), in the row order and
        index of ``indicators``.

    Examples
    --------
    >>> indicators = pd.DataFrame({"nis_code": ["A", "B", "C"],
    ...                            "vacancy_rate_units": [0.05, 0.10, 0.15],
    ...                            "evenness": [0.8, 0.9, None]})
    >>> result = vitality_index(indicators, weights={"vacancy_rate_units": 3, "evenness": 1})
    >>> result["vitality_index"].tolist()  # A: 0.75 × 100 + 0.25 × 0; B: 0.75 × 50 + 0.25 × 100
    [75.0, 62.5, 0.0]
    >>> result.loc[2, ["weight_vacancy_rate_units", "weight_evenness"]].tolist()  # C: no evenness
    [1.0, 0.0]
    """
    components, scaled = _checked_weights(weights)
    missing = [column for column in ["nis_code", *components] if column not in indicators.columns]
    if missing:
        raise ValueError(f"Kolommen ontbreken in de indicatoren: {', '.join(missing)}. "
                         "Geef per gemeente een nis_code en een kolom per component met een gewicht.")
    duplicated = indicators["nis_code"].duplicated(keep=False)
    if duplicated.any():
        codes = ", ".join(sorted(indicators.loc[duplicated, "nis_code"].astype(str).unique())[:5])
        raise ValueError(f"Meer dan één rij per gemeente (bv. {codes}): geef één rij per gemeente, "
                         "voor één jaar.")

    scores = pd.DataFrame({component: percentile_rank(indicators[component],
                                                      higher_is_better=HIGHER_IS_BETTER[component])
                           for component in components}, index=indicators.index)
    known_weights = scores.notna().mul(scaled)
    total = known_weights.sum(axis=1)
    used = known_weights.div(total.where(total > 0), axis=0)
    index = (scores.fillna(0) * used).sum(axis=1, min_count=1).where(total > 0).clip(0, 100)

    result = pd.DataFrame({"nis_code": indicators["nis_code"], "vitality_index": index}, index=indicators.index)
    return pd.concat([result, scores.add_prefix("score_"), used.add_prefix("weight_")], axis=1)


def _checked_weights(weights: Mapping[str, float]) -> tuple[list[str], pd.Series]:
    """The components and their weights scaled to sum 1; a Dutch ValueError for invalid weights."""
    unknown = [str(name) for name in weights if name not in HIGHER_IS_BETTER]
    if unknown:
        raise ValueError(f"Onbekende component(en) {', '.join(unknown)}: kies uit {', '.join(HIGHER_IS_BETTER)}.")
    components = list(weights)
    values = pd.Series([weights[c] for c in components], index=components, dtype=object)
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    invalid = [c for c in components if not np.isfinite(numbers[c]) or numbers[c] < 0]
    if invalid:
        raise ValueError(f"Gewichten moeten getallen ≥ 0 zijn; pas aan: {', '.join(invalid)}.")
    if numbers.sum() <= 0:
        raise ValueError("De gewichten tellen op tot 0: geef minstens één component een gewicht groter dan 0.")
    return components, numbers / numbers.sum()


def peer_group(municipalities: pd.DataFrame) -> pd.Series:
    """The peer group of each municipality, to compare it with similar ones.

    ``centrumsteden`` when ``is_centrumstad`` is true; otherwise by ``population``:
    ``kleine gemeenten (< 15.000)`` below 15,000 inhabitants, ``middelgrote gemeenten
    (15.000–30.000)`` from 15,000 up to but not including 30,000, and ``grote gemeenten
    (≥ 30.000)`` from 30,000. A missing ``is_centrumstad`` counts as false; a missing population
    (of a municipality that is no centrumstad) gives a missing group.

    Examples
    --------
    >>> groups = peer_group(pd.DataFrame({"is_centrumstad": [True, False, False, False, False],
    ...                                   "population": [118_000, 14_999, 15_000, 30_000, None]}))
    >>> groups.tolist()[:3]
    ['centrumsteden', 'kleine gemeenten (< 15.000)', 'middelgrote gemeenten (15.000–30.000)']
    >>> groups.tolist()[3:]
    ['grote gemeenten (≥ 30.000)', nan]
    """
    is_city = municipalities["is_centrumstad"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    population = pd.to_numeric(municipalities["population"], errors="coerce").astype(float).to_numpy()
    groups = np.select(
        [is_city, population < MEDIUM_MIN_POPULATION, population < LARGE_MIN_POPULATION,
         population >= LARGE_MIN_POPULATION],
        list(PEER_GROUPS), default="")
    return pd.Series(groups, index=municipalities.index, dtype=object, name="peer_group").replace("", np.nan)


def rank_within(scores: pd.Series, groups: pd.Series) -> pd.Series:
    """Rank of each score within its group: 1 = the highest score.

    Ties share the best rank of the tie (``method="min"``: 80, 80, 70 rank 1, 1, 3). A missing
    score or group gives a missing rank; ranks are nullable integers (``Int64``).

    Examples
    --------
    >>> scores = pd.Series([70.0, 80.0, 80.0, None, 60.0])
    >>> rank_within(scores, pd.Series(["a", "a", "a", "a", "b"])).tolist()
    [3, 1, 1, <NA>, 1]
    """
    numbers = pd.to_numeric(scores, errors="coerce").astype(float)
    ranks = numbers.groupby(groups, sort=False, observed=True, dropna=True).rank(method="min", ascending=False)
    return ranks.reindex(scores.index).astype("Int64").rename(scores.name)
