"""Vacancy indicators: how many outlets stand empty, by units and by floor area, and for how long.

Definitions follow ``DESIGN.md`` ("Indicators"). Outlets are all units except ATMs (Locatus
group 80) and transport & fuel (group 45), as in Amsterdam's open Locatus monitor. Rates are
fractions 0–1. A missing floor area or ``vacant_since`` is unknown, never zero: each measure
reports how many units it could use.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Locatus groups that are not outlets: transport & fuel, ATMs.
NON_OUTLET_GROUP_CODES = frozenset({"45", "80"})
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
    "units_vacant_dated",
    "long_term_vacancy_share",
    "structural_vacancy_share",
    "median_vacancy_days",
]


def is_outlet(units: pd.DataFrame) -> pd.Series:
    """Whether each unit counts as an outlet: every unit except groups 45 and 80.

    Vacant units and occupied units of unknown group (``group_code`` missing) are outlets.

    Examples
    --------
    >>> is_outlet(pd.DataFrame({"group_code": ["11", "80", None, "00"]})).tolist()
    [True, False, True, True]
    """
    return ~units["group_code"].isin(NON_OUTLET_GROUP_CODES).fillna(False).astype(bool)


def vacancy_days(units: pd.DataFrame) -> pd.Series:
    """Days a vacant unit has stood empty on its inventory date.

    ``observed_on − vacant_since`` in days; missing for occupied units, for a missing
    ``vacant_since`` and for a ``vacant_since`` after the inventory date (impossible, so unknown).
    """
    observed = pd.to_datetime(units["observed_on"])
    since = pd.to_datetime(units["vacant_since"])
    days = (observed - since).dt.days.astype("Float64")
    return days.where((units["status"] == "vacant") & (days >= 0))


def vacancy(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on"),
            long_term_days: int = LONG_TERM_DAYS, structural_days: int = STRUCTURAL_DAYS) -> pd.DataFrame:
    """Vacancy indicators per group of units (by default per municipality and inventory).

    Parameters
    ----------
    units : DataFrame
        One row per unit per inventory with ``status`` (occupied/vacant), ``group_code``,
        ``floor_area_m2``, ``vacant_since``, ``observed_on`` and the ``by`` columns.
    by : sequence of str
        Columns that define one result row.
    long_term_days, structural_days : int
        Duration thresholds for ``long_term_vacancy_share`` and ``structural_vacancy_share``.

    Returns
    -------
    DataFrame
        One row per group with, over outlets only:

        - ``units_total`` (outlets) and ``units_vacant``;
          ``vacancy_rate_units`` = units_vacant / units_total;
        - ``floor_area_total_m2`` and ``floor_area_vacant_m2`` (m², over outlets with a known
          area); ``vacancy_rate_floor`` = vacant area / known area;
          ``floor_area_coverage`` = outlets with a known area / units_total;
        - ``units_vacant_dated``: vacant outlets with a known duration;
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
    outlets = units.loc[is_outlet(units), by].copy()
    selected = units.loc[outlets.index]
    is_vacant = selected["status"].eq("vacant")
    area = pd.to_numeric(selected["floor_area_m2"], errors="coerce").astype("Float64")
    days = vacancy_days(selected)
    outlets = outlets.assign(
        _vacant=is_vacant.astype(int),
        _area=area,
        _area_vacant=area.where(is_vacant),
        _area_known=area.notna().astype(int),
        _dated=days.notna().astype(int),
        _long=(days >= long_term_days).fillna(False).astype(int),
        _structural=(days >= structural_days).fillna(False).astype(int),
        _days=days,
    )
    grouped = outlets.groupby(by, sort=True, observed=True, dropna=False)
    result = grouped.agg(
        units_total=("_vacant", "size"),
        units_vacant=("_vacant", "sum"),
        floor_area_total_m2=("_area", "sum"),
        floor_area_vacant_m2=("_area_vacant", "sum"),
        _area_known=("_area_known", "sum"),
        units_vacant_dated=("_dated", "sum"),
        _long=("_long", "sum"),
        _structural=("_structural", "sum"),
        median_vacancy_days=("_days", "median"),
    )
    result["vacancy_rate_units"] = _ratio(result["units_vacant"], result["units_total"])
    result["vacancy_rate_floor"] = _ratio(result["floor_area_vacant_m2"], result["floor_area_total_m2"])
    result["floor_area_coverage"] = _ratio(result["_area_known"], result["units_total"])
    result["long_term_vacancy_share"] = _ratio(result["_long"], result["units_vacant_dated"])
    result["structural_vacancy_share"] = _ratio(result["_structural"], result["units_vacant_dated"])
    return result.reset_index()[by + VACANCY_COLUMNS]


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
    ordered = indicators.sort_values([by, order])
    changes = ordered.groupby(by, sort=False)[columns].diff()
    return indicators.join(changes.add_suffix("_change"))


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator as floats, missing where the denominator is 0."""
    denominator = denominator.astype(float)
    return (numerator.astype(float) / denominator.where(denominator > 0)).astype(float)
