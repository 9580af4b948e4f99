"""Which municipality and which inventory a unit counts in."""

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


def latest_of_year(inventories: pd.DataFrame, *, by: str = "nis_code") -> np.ndarray:
    """Per inventory (``by``, ``observed_on``): whether it is the latest of its ``by`` and year."""
    dates = inventories["observed_on"]
    latest = dates.groupby([inventories[by], dates.dt.year], observed=True).transform("max")  # a missing key: never
    return (dates == latest).to_numpy()
