"""Vacancy indicators: how many outlets stand empty, by units and by floor area, and for how long.

Definitions follow ``DESIGN.md`` ("Indicators"). Outlets are all units except ATMs (Locatus
group 80) and transport & fuel (group 45), as in Amsterdam's open Locatus monitor. Rates are
fractions 0–1. A missing floor area or ``vacant_since`` is unknown, never zero: each measure
reports how many units it could use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._grouping import Groups, group_ids, previous_values
from analysis._tallies import Tallies, days_between

#: Locatus groups that are not outlets: transport & fuel, ATMs.
NON_OUTLET_GROUP_CODES = frozenset({"45", "80"})
#: Locatus retail groups: daily, fashion & luxury, leisure, in/around the house, other retail.
RETAIL_GROUP_CODES = frozenset({"11", "22", "35", "37", "38"})
#: Scopes: every outlet (Locatus' default) or retail only (retail groups plus vacant units).
SCOPES = ("all", "retail")
#: Vacant floor area is also reported without this many largest vacant units (Groningen monitor).
LARGEST_VACANT_LEFT_OUT = 3
#: Days after which a vacancy counts as long-term (1 year) and structural (3 years).
LONG_TERM_DAYS = 365
STRUCTURAL_DAYS = 3 * 365
#: Upper bounds of the ``gezond`` and ``verhoogd`` bands; above is ``kritiek``. UNIZO calls
#: 6–8 % a healthy frictional vacancy.
HEALTHY_MAX = 0.08
ELEVATED_MAX = 0.12

VACANCY_COLUMNS = [
    "units_total",
    "units_vacant",
    "vacancy_rate_units",
    "floor_area_total_m2",
    "floor_area_vacant_m2",
    "vacancy_rate_floor",
    "floor_area_coverage",
    "vacancy_rate_floor_excl_largest3",
    "units_vacant_dated",
    "units_vacant_frictional",
    "units_vacant_long_term",
    "units_vacant_structural",
    "long_term_vacancy_share",
    "structural_vacancy_share",
    "median_vacancy_days",
]
#: Measures that need every outlet, not only the vacant ones: a register of vacant premises
#: (`analysis.sources`) leaves them empty.
NEEDS_ALL_OUTLETS = ["units_total", "vacancy_rate_units", "floor_area_total_m2", "vacancy_rate_floor",
                     "floor_area_coverage", "vacancy_rate_floor_excl_largest3"]


def is_outlet(units: pd.DataFrame) -> pd.Series:
    """Whether each unit counts as an outlet: every unit except groups 45 and 80.

    Vacant units and occupied units of unknown group (``group_code`` missing) are outlets.

    Examples
    --------
    >>> is_outlet(pd.DataFrame({"group_code": ["11", "80", None, "00"]})).tolist()
    [True, False, True, True]
    """
    return ~units["group_code"].isin(NON_OUTLET_GROUP_CODES).fillna(False).astype(bool)


def in_scope(units: pd.DataFrame, scope: str = "all") -> pd.Series:
    """Whether each unit counts in a scope: ``all`` outlets, or ``retail`` (groups 11–38 and
    every vacant unit, whatever group it had).

    Examples
    --------
    >>> units = pd.DataFrame({"group_code": ["11", "59", "00", "65", "80"],
    ...                       "status": ["occupied", "occupied", "vacant", "vacant", "occupied"]})
    >>> in_scope(units, "all").tolist(), in_scope(units, "retail").tolist()
    ([True, True, True, True, False], [True, False, True, True, False])
    """
    if scope not in SCOPES:
        raise ValueError(f"Onbekende afbakening {scope!r}: kies {' of '.join(SCOPES)}.")
    outlets = is_outlet(units)
    if scope == "all":
        return outlets
    retail = units["group_code"].isin(RETAIL_GROUP_CODES).fillna(False).astype(bool)
    return outlets & (retail | units["status"].eq("vacant"))


def vacancy_days(units: pd.DataFrame) -> pd.Series:
    """Days a vacant unit has stood empty on its inventory date.

    ``observed_on − vacant_since`` in whole days (rounded down); missing for occupied units, for
    a missing ``vacant_since`` and for a ``vacant_since`` after the inventory date (impossible,
    so unknown).

    >>> vacancy_days(pd.DataFrame({"status": ["vacant", "vacant", "occupied", "vacant"],
    ...     "observed_on": pd.to_datetime(["2024-01-01"] * 4),
    ...     "vacant_since": pd.to_datetime(["2023-01-01", "2024-03-01", "2023-01-01", None])})).tolist()
    [365.0, <NA>, <NA>, <NA>]
    """
    days = days_between(units["vacant_since"], units["observed_on"])
    vacant = units["status"].eq("vacant").to_numpy(dtype=bool, na_value=False)
    return pd.Series(pd.array(np.where(vacant, days, np.nan), dtype="Float64"), index=units.index)


def vacancy(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on"),
            scope: str = "all", long_term_days: int = LONG_TERM_DAYS,
            structural_days: int = STRUCTURAL_DAYS) -> pd.DataFrame:
    """Vacancy indicators per group of units (by default per municipality and inventory).

    Parameters
    ----------
    units : DataFrame
        One row per unit per inventory with ``status`` (occupied/vacant), ``group_code``,
        ``floor_area_m2``, ``vacant_since``, ``observed_on`` and the ``by`` columns.
    by : sequence of str
        Columns that define one result row.
    scope : {"all", "retail"}
        Which units count (see `in_scope`).
    long_term_days, structural_days : int
        Duration thresholds for ``long_term_vacancy_share`` and ``structural_vacancy_share``.

    Returns
    -------
    DataFrame
        One row per group with, over outlets only:

        - ``units_total`` (outlets) and ``units_vacant``;
          ``vacancy_rate_units`` = units_vacant / units_total;
        - ``floor_area_total_m2`` and ``floor_area_vacant_m2`` (m², over outlets with a known
          area); ``vacancy_rate_floor`` = vacant area / known area (missing when there are
          vacant outlets but none with a known area: unknown, not 0);
          ``floor_area_coverage`` = outlets with a known area / units_total;
          ``vacancy_rate_floor_excl_largest3``: the same rate with the three largest vacant
          units left out of both sides (one very large empty building can dominate a town);
        - ``units_vacant_dated``: vacant outlets with a known duration, split into
          ``units_vacant_frictional`` (< 1 year), ``units_vacant_long_term`` (1–3 years) and
          ``units_vacant_structural`` (≥ 3 years);
          ``long_term_vacancy_share`` = vacant ≥ ``long_term_days`` / units_vacant_dated,
          ``structural_vacancy_share`` likewise for ``structural_days``;
          ``median_vacancy_days``.

    Examples
    --------
    >>> units = pd.DataFrame({
    ...     "nis_code": ["34022"] * 4, "observed_on": ["2018-01-01"] * 4,
    ...     "status": ["occupied", "vacant", "occupied", "occupied"],
    ...     "group_code": ["11", "00", "22", "80"],  # the ATM is not an outlet
    ...     "floor_area_m2": [100.0, 50.0, None, 1.0],
    ...     "vacant_since": [None, "2016-01-01", None, None]})
    >>> row = vacancy(units).iloc[0]
    >>> int(row.units_total), int(row.units_vacant), round(float(row.vacancy_rate_units), 4)
    (3, 1, 0.3333)
    >>> round(float(row.vacancy_rate_floor), 4), round(float(row.floor_area_coverage), 4)
    (0.3333, 0.6667)
    """
    by = list(by)
    scoped = in_scope(units, scope).to_numpy()
    groups = group_ids(units, by, where=scoped)
    vacant_row = units["status"].eq("vacant").to_numpy(dtype=bool, na_value=False) & scoped
    is_vacant = vacant_row[scoped]
    area = pd.to_numeric(units["floor_area_m2"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[scoped]
    known = ~np.isnan(area)
    sums = {"units_total": groups.count(), "units_vacant": groups.count(is_vacant),
            "floor_area_total_m2": groups.sum(area, known), "floor_area_vacant_m2": groups.sum(area, known & is_vacant),
            "units_area_known": groups.count(known), "units_vacant_area_known": groups.count(known & is_vacant)}
    # Durations, medians and the largest units concern only the vacant rows (about a tenth).
    days = vacancy_days(units.loc[vacant_row, ["status", "observed_on", "vacant_since"]]).to_numpy(
        dtype=float, na_value=np.nan)
    result = _measures(groups.keys, sums, groups.subset(is_vacant), area[is_vacant], days,
                       long_term_days=long_term_days, structural_days=structural_days)
    return result[by + VACANCY_COLUMNS]


def _vacancy_of_tallies(tallies: Tallies, *, scope: str = "all", long_term_days: int = LONG_TERM_DAYS,
                       structural_days: int = STRUCTURAL_DAYS) -> pd.DataFrame:
    """`vacancy` per key of ``tallies`` (`analysis._tallies.tally`): the same measures from sums
    per cell instead of rows. Keys without a unit in the scope are left out, as in `vacancy`.

    Examples
    --------
    >>> from analysis._tallies import tally
    >>> units = pd.DataFrame({"nis_code": "34022", "observed_on": pd.to_datetime(["2018-01-01"] * 3),
    ...     "status": ["occupied", "vacant", "occupied"], "group_code": ["11", "00", "80"],
    ...     "floor_area_m2": [100.0, 50.0, 1.0], "vacant_since": pd.to_datetime([None, "2016-01-01", None])})
    >>> row = _vacancy_of_tallies(tally(units, group_ids(units, ["nis_code", "observed_on"]))).iloc[0]
    >>> int(row.units_total), float(row.vacancy_rate_floor), float(row.median_vacancy_days)
    (2, 0.3333333333333333, 731.0)
    """
    cells = tallies.cells
    counted = in_scope(cells, scope).to_numpy()
    vacant = counted & cells["status"].eq("vacant").to_numpy(dtype=bool, na_value=False)
    sums = {"units_total": tallies.total("units", counted), "units_vacant": tallies.total("units", vacant),
            "floor_area_total_m2": tallies.total("floor_area_m2", counted),
            "floor_area_vacant_m2": tallies.total("floor_area_m2", vacant),
            "units_area_known": tallies.total("units_area_known", counted),
            "units_vacant_area_known": tallies.total("units_area_known", vacant)}
    groups, rows = tallies.vacant_groups(vacant)
    result = _measures(tallies.keys, sums, groups, tallies.vacant.floor_area_m2[rows],
                       tallies.vacant.vacancy_days[rows], long_term_days=long_term_days,
                       structural_days=structural_days)
    result = result[result["units_total"] > 0].reset_index(drop=True)
    return result[[*tallies.keys.columns, *VACANCY_COLUMNS]]


def _measures(keys: pd.DataFrame, sums: dict[str, np.ndarray], vacant: Groups, vacant_area: np.ndarray,
              days: np.ndarray, *, long_term_days: int, structural_days: int) -> pd.DataFrame:
    """`VACANCY_COLUMNS` per key from the sums per key (units and known floor area in the scope,
    all and vacant) and the vacant units' areas and days (grouped by ``vacant``)."""
    dated = ~np.isnan(days)
    long_term = dated & (days >= long_term_days)
    structural = dated & (days >= structural_days)
    total, vacant_m2 = sums["floor_area_total_m2"], sums["floor_area_vacant_m2"]
    largest = vacant.top_sum(vacant_area, top=LARGEST_VACANT_LEFT_OUT)
    # Differences of sums: rounding leaves crumbs (1e-13 m²) that depend on the order of the rows.
    crumbs = 1e-9 * np.clip(np.abs(total), 1, None)
    rest_vacant, rest_total = vacant_m2 - largest, total - largest
    # Vacant units none of whose areas is known: their share of the floor area is unknown, not 0.
    unknown = (sums["units_vacant"] > 0) & (sums["units_vacant_area_known"] == 0)
    measures = {
        **sums,
        "units_vacant_dated": vacant.count(dated),
        "units_vacant_frictional": vacant.count(dated & ~long_term),
        "units_vacant_long_term": vacant.count(long_term & ~structural),
        "units_vacant_structural": vacant.count(structural),
        "median_vacancy_days": vacant.median(days),
        "vacancy_rate_units": _ratio(sums["units_vacant"], sums["units_total"]),
        "vacancy_rate_floor": np.where(unknown, np.nan, _ratio(vacant_m2, total)),
        "floor_area_coverage": _ratio(sums["units_area_known"], sums["units_total"]),
        "vacancy_rate_floor_excl_largest3": np.where(unknown, np.nan, _ratio(
            np.where(rest_vacant > crumbs, rest_vacant, 0.0), np.where(rest_total > crumbs, rest_total, 0.0))),
    }
    measures["long_term_vacancy_share"] = _ratio(vacant.count(long_term), measures["units_vacant_dated"])
    measures["structural_vacancy_share"] = _ratio(measures["units_vacant_structural"], measures["units_vacant_dated"])
    return pd.DataFrame({**{column: keys[column].array for column in keys}, **measures})


def vacancy_band(rate: pd.Series, *, healthy_max: float = HEALTHY_MAX,
                 elevated_max: float = ELEVATED_MAX) -> pd.Series:
    """The band of a vacancy rate: ``gezond`` (≤ healthy_max), ``verhoogd`` (≤ elevated_max)
    or ``kritiek``; missing where the rate is missing.

    Examples
    --------
    >>> vacancy_band(pd.Series([0.08, 0.0801, 0.12, 0.13, None])).tolist()
    ['gezond', 'verhoogd', 'verhoogd', 'kritiek', nan]
    """
    values = pd.to_numeric(rate, errors="coerce").astype(float)
    bands = np.select([values <= healthy_max, values <= elevated_max, values > elevated_max],
                      ["gezond", "verhoogd", "kritiek"], default="")
    return pd.Series(bands, index=rate.index, dtype=object).replace("", np.nan)


def change_since_previous(indicators: pd.DataFrame, columns: list[str], *,
                          by: str = "nis_code", order: str = "observed_on") -> pd.DataFrame:
    """Add ``<column>_change``: the difference with the previous row of the same ``by`` value,
    in the units of the column (a rate difference of 0.018 is 1.8 percentage points).

    The first inventory of each ``by`` value has no change (missing).
    """
    changes = indicators[columns].astype(float) - previous_values(indicators, columns, by=by, order=order)
    return indicators.join(changes.add_suffix("_change"))


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as floats, NaN where the denominator is 0."""
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, np.asarray(numerator, dtype=float) / denominator, np.nan)
