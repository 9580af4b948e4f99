"""What the sample data is calibrated to: published figures, and the assumptions between them.

Published figures come from ``data/published_figures.csv`` (with their sources). Years without
a publication follow the documented assumptions below, so the sample moves plausibly.
"""

from __future__ import annotations

import numpy as np

from dashboard.reference import municipalities, published_figures
from dashboard.settings import PROVINCE_NIS_CODE

#: Province outlets in the 2021 inventory: Locatus counted 2,936 vacant at 10.3 %.
PROVINCE_OUTLETS_2021 = 28_505
#: Assumed province vacancy by units for the unpublished years (Belgium rose steadily from
#: 2008 to 2020, West-Vlaanderen below it).
ASSUMED_PROVINCE_RATES = {2015: 0.077, 2016: 0.079, 2017: 0.081, 2020: 0.094}
#: Years before 2015 (a sample that starts earlier, ``seed --first-year``): the rise of 2015–2017
#: (0.2 pp a year) carried back to 2008, and the 2008 level (6.3 %) before it. No figure of those
#: years is published here; this only keeps a long sample's path plausible.
EARLY_RATE_STEP, EARLY_RATE_FROM = 0.002, 2008


def outlets_2021_elsewhere(population_2018: int) -> int:
    """Outlets in 2021 of a province other than West-Vlaanderen: as many per inhabitant as Locatus
    counted there (`PROVINCE_OUTLETS_2021`); no count of theirs is in the reference data.

    >>> outlets_2021_elsewhere(1_191_059)  # West-Vlaanderen's own population
    28505
    """
    west = int(municipalities("2018")["population_2018"].sum())
    return round(PROVINCE_OUTLETS_2021 * population_2018 / west)


def province_rates(years: range) -> dict[int, float]:
    """Province vacancy by units per inventory year: published where known, else assumed
    (`ASSUMED_PROVINCE_RATES`; before 2015 `early_rate`)."""
    published = _published("vacancy_rate_units")
    rates = {**ASSUMED_PROVINCE_RATES, **published.get(PROVINCE_NIS_CODE, {})}
    return {year: rates[year] if year in rates else early_rate(year) for year in years}


def early_rate(year: int) -> float:
    """The assumed province vacancy by units of a year before 2015 (`EARLY_RATE_STEP`).

    >>> early_rate(2014), early_rate(2008), early_rate(2005)
    (0.075, 0.063, 0.063)
    """
    first = min(ASSUMED_PROVINCE_RATES)
    if year >= first:
        raise ValueError(f"{year}: only years before {first} follow the early path")
    return round(ASSUMED_PROVINCE_RATES[first] - EARLY_RATE_STEP * (first - max(year, EARLY_RATE_FROM)), 3)


def municipal_rates(years: range) -> dict[str, dict[int, float]]:
    """Vacancy paths for the municipalities with published figures.

    Between published years the rate is interpolated; outside them it follows the province's
    movement from the nearest published year.
    """
    province = province_rates(years)
    paths = {}
    for nis_code, points in _published("vacancy_rate_units").items():
        if nis_code == PROVINCE_NIS_CODE:
            continue
        known = sorted(points)
        path = {}
        for year in years:
            if known[0] <= year <= known[-1]:
                path[year] = float(np.interp(year, known, [points[y] for y in known]))
            else:
                anchor = known[0] if year < known[0] else known[-1]
                path[year] = points[anchor] + province[year] - province[anchor]
        paths[nis_code] = path
    return paths


def campaign_totals() -> dict[int, dict[str, int]]:
    """Published province totals per edition: bags, shops, votes, ambassadors."""
    totals: dict[int, dict[str, int]] = {}
    for metric, by_code in _published_all().items():
        if metric.startswith("vacancy") or metric == "units_vacant":
            continue
        for year, value in by_code.get(PROVINCE_NIS_CODE, {}).items():
            totals.setdefault(year, {})[metric] = int(value)
    return totals


def published_campaign_value(nis_code: str, edition: int, metric: str) -> int | None:
    """A published campaign figure for one municipality (e.g. Kortrijk's 10,000 bags)."""
    value = _published(metric).get(nis_code, {}).get(edition)
    return None if value is None else int(value)


def _published(metric: str) -> dict[str, dict[int, float]]:
    return _published_all().get(metric, {})


def _published_all() -> dict[str, dict[str, dict[int, float]]]:
    figures = published_figures()
    result: dict[str, dict[str, dict[int, float]]] = {}
    for row in figures.itertuples(index=False):
        result.setdefault(row.metric, {}).setdefault(row.nis_code, {})[int(row.period)] = float(row.value)
    return result


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split a whole number over weights so the parts are whole and add up exactly.

    >>> largest_remainder(10, np.array([1.0, 1.0, 1.0])).tolist()
    [4, 3, 3]
    """
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    exact = total * weights / weights.sum()
    parts = np.floor(exact).astype(int)
    short = total - parts.sum()
    order = np.argsort(-(exact - parts), kind="stable")
    parts[order[:short]] += 1
    return parts

