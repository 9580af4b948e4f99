"""Which inventories count: per municipality and year one source of complete inventories, and a
register of vacant premises only where no complete inventory exists.

An inventory is a municipality's units on one date from one batch. Its kind is ``complete``
(every outlet: a Locatus export, a full town survey), ``update`` (changes to the latest state,
stored with the units it carried over: a complete inventory too) or ``register`` (vacant
premises only). Two sources never add up: where two give complete inventories for a municipality
in one year, the figures come from the preferred one alone, and a register never adds its
vacant premises to an inventory's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

INVENTORY_KINDS = ("complete", "update", "register")
SOURCES = ("locatus", "register", "own_survey", "other")
#: The order of preference of sources that give complete inventories (the first wins).
DEFAULT_PREFERENCE = ("locatus", "own_survey", "other")
#: The columns that name one inventory of one batch.
INVENTORY_ID = ["batch_id", "nis_code", "observed_on"]


def counted_inventories(inventories: pd.DataFrame, preference=DEFAULT_PREFERENCE) -> np.ndarray:
    """Per inventory: whether its units count.

    Per municipality (``nis_code`` as stored) and calendar year: the complete and update
    inventories of the most preferred ``source`` among them count (a source not in
    ``preference`` comes after those in it); a register counts only when there is no complete
    inventory at all. Of the inventories that count, one per municipality and date: the latest
    batch's (a complete inventory is the whole municipality on its date, so a later one of the same
    date replaces it whole).

    Parameters
    ----------
    inventories : DataFrame with ``batch_id``, ``nis_code``, ``observed_on``, ``inventory_kind`` and ``source``.
    preference : sequence of sources, most preferred first.

    Examples
    --------
    >>> days = ["2024-01-01", "2024-06-01", "2024-03-01", "2023-01-01", "2024-01-01", "2024-01-01"]
    >>> inventories = pd.DataFrame({"batch_id": [1, 2, 3, 4, 5, 6], "nis_code": ["34022"] * 4 + ["31005"] * 2,
    ...     "observed_on": pd.to_datetime(days),
    ...     "inventory_kind": ["complete", "complete", "register", "register", "complete", "complete"],
    ...     "source": ["own_survey", "locatus", "register", "register", "other", "other"]})
    >>> counted_inventories(inventories).tolist()
    [False, True, False, True, False, True]
    """
    if inventories.empty:
        return np.zeros(0, dtype=bool)
    rank = inventories["source"].map({source: at for at, source in enumerate(preference)})
    is_register = (inventories["inventory_kind"] == "register").to_numpy()
    complete_rank = rank.fillna(len(preference)).where(~is_register)
    year = pd.to_datetime(inventories["observed_on"]).dt.year
    best = complete_rank.groupby([inventories["nis_code"], year]).transform("min")
    counted = pd.Series(np.where(is_register, best.isna(), complete_rank == best), index=inventories.index)
    batch = inventories["batch_id"].where(counted)
    latest = batch.groupby([inventories["nis_code"], inventories["observed_on"]]).transform("max")
    return (counted & (batch == latest)).to_numpy()


def counted_units(units: pd.DataFrame, inventories: pd.DataFrame, preference=DEFAULT_PREFERENCE, *,
                  keep_all: bool = False) -> pd.DataFrame:
    """The units that count (`counted_inventories`; with ``keep_all`` every unit), with
    ``is_register``: whether the unit comes from a register (its inventory holds vacant premises only).

    ``units`` and ``inventories`` share `INVENTORY_ID`; a unit whose inventory is not listed
    counts as part of a complete inventory.

    >>> units = pd.DataFrame({"batch_id": [1, 1, 2, 2], "nis_code": "34022", "unit_id": ["a", "b", "x", "y"],
    ...     "observed_on": pd.to_datetime(["2024-01-01"] * 2 + ["2024-05-01"] * 2)})
    >>> inventories = pd.DataFrame({"batch_id": [1, 2], "nis_code": "34022",
    ...     "observed_on": pd.to_datetime(["2024-01-01", "2024-05-01"]),
    ...     "inventory_kind": ["complete", "register"], "source": ["locatus", "register"]})
    >>> counted_units(units, inventories)["unit_id"].tolist()
    ['a', 'b']
    """
    if inventories.empty:
        return units.assign(is_register=False)
    counted = np.ones(len(inventories), bool) if keep_all else counted_inventories(inventories, preference)
    is_register = (inventories["inventory_kind"] == "register").to_numpy()
    if counted.all() and not is_register.any():  # the usual store: nothing to leave out
        return units.assign(is_register=False)
    flags = inventories[INVENTORY_ID].assign(
        observed_on=pd.to_datetime(inventories["observed_on"]).astype("datetime64[ns]"),
        nis_code=inventories["nis_code"].astype(str), _counted=counted, is_register=is_register)
    keys = units[INVENTORY_ID].assign(observed_on=pd.to_datetime(units["observed_on"]).astype("datetime64[ns]"),
                                      nis_code=units["nis_code"].astype(str))
    found = keys.merge(flags, on=INVENTORY_ID, how="left")
    keep = found["_counted"].fillna(True).to_numpy(dtype=bool)
    is_register = found["is_register"].fillna(False).to_numpy(dtype=bool)
    return units.assign(is_register=is_register)[keep].reset_index(drop=True)
