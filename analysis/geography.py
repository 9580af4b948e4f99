"""Which municipality and which inventory a unit counts in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.grouping import group_ids


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
        moved = np.where(codes.cat.codes.to_numpy() >= 0, positions[codes.cat.codes.to_numpy()], -1)
        return units.assign(nis_code=pd.Categorical.from_codes(moved, categories=categories))
    return units.assign(nis_code=codes.map(mapping).fillna(codes))


def latest_inventory_per_year(units: pd.DataFrame, *, by: str = "nis_code") -> pd.DataFrame:
    """Keep, per ``by`` value and calendar year, only the units of the latest inventory date.

    Province figures add up municipalities whose inventories may fall on different days; each
    municipality then counts once per year, with its most recent inventory of that year.
    Adds a ``year`` column.

    Examples
    --------
    >>> units = pd.DataFrame({"nis_code": ["1", "1", "1", "2"],
    ...     "observed_on": pd.to_datetime(["2018-01-01", "2018-06-01", "2018-06-01", "2018-03-01"])})
    >>> latest_inventory_per_year(units)["observed_on"].dt.strftime("%m-%d").tolist()
    ['06-01', '06-01', '03-01']
    """
    observed = pd.to_datetime(units["observed_on"])
    # Decide per inventory (area and date), of which there are few, then look each row up.
    inventories = group_ids(units.assign(observed_on=observed), [by, "observed_on"])
    year = pd.Series(inventories.keys["observed_on"].dt.year.to_numpy()[inventories.ids], index=units.index,
                     name="year")
    latest = latest_of_year(inventories.keys, by=by)
    if latest.all():  # one inventory a year: nothing to drop, and no copy
        return units.assign(year=year)
    is_latest = latest[inventories.ids]
    return units.loc[is_latest].assign(year=year[is_latest])


def latest_of_year(inventories: pd.DataFrame, *, by: str = "nis_code") -> np.ndarray:
    """Per inventory (``by``, ``observed_on``): whether it is the latest of its ``by`` and year."""
    dates = inventories["observed_on"]
    latest = dates.groupby([inventories[by], dates.dt.year], observed=True).transform("max")  # a missing key: never
    return (dates == latest).to_numpy()
