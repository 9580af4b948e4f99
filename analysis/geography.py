"""Which municipality and which inventory a unit counts in.

The latest inventory of a year (`latest_of_year`) and the latest on a day (`latest_on_or_before`)
are defined here once; every table, chart, map and report that picks inventories uses them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def assign_geography(units: pd.DataFrame, crosswalk: pd.DataFrame, geography: str) -> pd.DataFrame:
    """Units with ``nis_code`` expressed in one municipal geography.

    Parameters
    ----------
    units : DataFrame with ``nis_code`` as stored (a 2018 or a 2025 code).
    crosswalk : DataFrame with ``nis_code`` and ``nis_code_2025``.
    geography : {"2025", "2018"}
        "2025" maps merged municipalities onto their successor (Meulebeke 37007 + Tielt 37015 →
        Tielt 37022). "2018" keeps the codes as stored: a unit recorded under a 2025 code
        cannot be split over its predecessors and stays under that code.

    Examples
    --------
    >>> walk = pd.DataFrame({"nis_code": ["37007", "37015", "34022"],
    ...                      "nis_code_2025": ["37022", "37022", "34022"]})
    >>> units = pd.DataFrame({"nis_code": ["37007", "37015", "34022", "99999"]})
    >>> assign_geography(units, walk, "2025")["nis_code"].tolist()
    ['37022', '37022', '34022', '99999']
    """
    if geography == "2018":
        return units
    if geography != "2025":
        raise ValueError(f"Onbekende indeling {geography!r}: kies 2025 of 2018.")
    mapping = crosswalk.set_index("nis_code")["nis_code_2025"]
    codes = units["nis_code"]
    if isinstance(codes.dtype, pd.CategoricalDtype):  # map the few categories, not every row
        old = codes.cat.categories.to_series()
        new = old.map(mapping).fillna(old)
        categories, positions = np.unique(new.to_numpy(dtype=str), return_inverse=True)
        lookup = np.append(positions, -1).astype(np.int32)  # a missing code (−1) picks the −1 at the end
        moved = lookup[codes.cat.codes.to_numpy()]
        return units.assign(nis_code=pd.Categorical.from_codes(moved, categories=categories))
    return units.assign(nis_code=codes.map(mapping).fillna(codes))


def is_latest_of_year(frame: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code",)) -> np.ndarray:
    """Per row: whether its ``observed_on`` is the latest of its ``by`` values in its calendar year.

    The one definition of "the latest inventory of a year" (the province, the mix, the campaign,
    the maps and the comparisons count it). Rows without a date or a ``by`` value are never latest.

    >>> table = pd.DataFrame({"nis_code": ["34022", "34022", "34022", "31005"],
    ...     "observed_on": pd.to_datetime(["2023-06-01", "2024-01-01", "2024-06-01", None])})
    >>> is_latest_of_year(table).tolist()
    [True, False, True, False]
    """
    dates, keys = _dates_and_keys(frame, by)
    latest = dates.groupby([*keys, dates.dt.year], observed=True).transform("max")
    return (dates == latest).to_numpy()


def latest_of_year(frame: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code",),
                   year: int | None = None) -> pd.DataFrame:
    """The rows of each ``by``'s latest inventory of each year (see `is_latest_of_year`), of
    ``year`` only when given. ``frame`` holds units or indicator rows; it must hold the municipal
    codes of the geography it is counted in (`analysis.geography.assign_geography`).

    >>> table = pd.DataFrame({"nis_code": ["34022", "34022", "34022"], "vacancy_rate_units": [0.1, 0.2, 0.3],
    ...     "observed_on": pd.to_datetime(["2023-06-01", "2024-01-01", "2024-06-01"])})
    >>> latest_of_year(table, year=2024)["vacancy_rate_units"].tolist()
    [0.3]
    """
    rows = frame[is_latest_of_year(frame, by=by)]
    return rows if year is None else rows[pd.to_datetime(rows["observed_on"]).dt.year == year]


def latest_on_or_before(frame: pd.DataFrame, day: pd.Timestamp | None = None, *,
                        by: list[str] | tuple[str, ...] = ("nis_code",)) -> pd.DataFrame:
    """The rows of each ``by``'s latest inventory on or before ``day`` (without ``day``: its latest).

    >>> table = pd.DataFrame({"nis_code": ["34022", "34022", "31005"], "units_total": [10, 12, 7],
    ...     "observed_on": pd.to_datetime(["2023-06-01", "2024-06-01", "2024-01-01"])})
    >>> latest_on_or_before(table, pd.Timestamp("2024-03-01"))["units_total"].tolist()
    [10, 7]
    """
    dates, keys = _dates_and_keys(frame, by)
    if day is not None:
        dates = dates.where(dates <= day)  # later inventories do not count (NaT is never latest)
    latest = dates.groupby(keys, observed=True).transform("max") if keys else dates.max()
    return frame[(dates == latest).to_numpy()]


def _dates_and_keys(frame: pd.DataFrame, by) -> tuple[pd.Series, list[pd.Series]]:
    """``observed_on`` as dates and the ``by`` columns, on a fresh index (a frame's own may repeat)."""
    dates = pd.to_datetime(frame["observed_on"]).reset_index(drop=True)
    return dates, [frame[column].reset_index(drop=True) for column in by]
