"""Flows between consecutive inventories: units that fall empty, are taken again, open or close."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.grouping import Groups, group_ids
from analysis.vacancy import in_scope

FLOW_COLUMNS = ["observed_on_before", "observed_on", "units_before", "units_after", "new_vacancies",
                "reoccupations", "openings", "closures", "is_balanced"]


def flows(units: pd.DataFrame, *, by: str = "nis_code", scope: str = "all",
          inventories: Groups | None = None) -> pd.DataFrame:
    """Flows per ``by`` value between each inventory and the one before it, matched on ``unit_id``.

    Parameters
    ----------
    units : DataFrame
        Units with ``unit_id``, ``status``, ``group_code``, ``observed_on`` and ``by``.
    by : str
        The area whose inventories follow each other (a municipality, a core).
    scope : {"all", "retail"}
        Which units count (`analysis.vacancy.in_scope`): a unit that enters the scope counts
        as an opening, one that leaves it as a closure.
    inventories : Groups, optional
        ``units`` grouped by ``by`` and ``observed_on`` (a date), when the caller has them.

    Returns
    -------
    DataFrame with ``by`` and `FLOW_COLUMNS`, one row per pair of consecutive inventories:

    - ``new_vacancies``: occupied before, vacant now; ``reoccupations``: vacant before, occupied now;
    - ``openings``: units new in the later inventory; ``closures``: units gone from it;
    - ``is_balanced``: units_after = units_before + openings − closures (true whenever each
      ``unit_id`` appears once per inventory; false flags duplicated ids).

    Examples
    --------
    >>> units = pd.DataFrame({"nis_code": "34022", "group_code": "11", "unit_id": ["a", "b", "c", "a", "b", "d"],
    ...     "observed_on": pd.to_datetime(["2023-01-01"] * 3 + ["2024-01-01"] * 3),
    ...     "status": ["occupied", "vacant", "occupied", "vacant", "occupied", "occupied"]})
    >>> row = flows(units).iloc[0]
    >>> [int(row[c]) for c in ["new_vacancies", "reoccupations", "openings", "closures"]], bool(row["is_balanced"])
    ([1, 1, 1, 1], True)
    """
    counted = in_scope(units, scope).to_numpy()
    if inventories is None:
        observed = pd.to_datetime(units["observed_on"])
        inventories = group_ids(units.assign(observed_on=observed), [by, "observed_on"])
    inventories = inventories.select(counted)
    sizes = inventories.keys.assign(units=inventories.count())
    follows = (sizes[by] == sizes[by].shift()).to_numpy()  # inventory i comes after i - 1 of its area
    if not follows.any():
        return pd.DataFrame(columns=[by, *FLOW_COLUMNS])
    counts = _transitions(units, counted, inventories.ids, by, follows)
    result = pd.DataFrame({
        by: sizes[by].to_numpy(), "observed_on_before": sizes["observed_on"].shift().to_numpy(),
        "observed_on": sizes["observed_on"].to_numpy(), "units_before": sizes["units"].shift().to_numpy(),
        "units_after": sizes["units"].to_numpy(), **counts})[follows]
    result["units_before"] = result["units_before"].astype(int)
    result["is_balanced"] = result["units_after"] == result["units_before"] + result["openings"] - result["closures"]
    return result[[by, *FLOW_COLUMNS]].reset_index(drop=True)


def _transitions(units: pd.DataFrame, counted: np.ndarray, inventory: np.ndarray, by: str,
                 follows: np.ndarray) -> dict[str, np.ndarray]:
    """Flow counts per inventory (indexed like the sorted inventories), from integer codes of
    the ``counted`` units.

    A unit is ``by`` plus ``unit_id``. Sorted by ``unit_id`` and inventory (inventories are
    numbered by area, then date), each run of equal (id, inventory) is one group; a group is
    linked to the next when that is the same id in the following inventory of the same area.
    Counting runs rather than rows keeps the semantics of an outer merge on the unit when an id
    repeats within an inventory (every pair counts). Units come in batch order, mostly sorted
    already, which a stable sort (timsort) exploits.
    """
    unit = pd.factorize(units["unit_id"])[0][counted].astype(np.int64)
    order = np.argsort(unit * len(follows) + inventory, kind="stable")
    unit, inventory = unit[order], inventory[order]
    vacant = units["status"].eq("vacant").to_numpy(dtype=bool, na_value=False)[counted][order].astype(np.int64)
    starts = np.flatnonzero(np.r_[True, (unit[1:] != unit[:-1]) | (inventory[1:] != inventory[:-1])])
    size = np.diff(np.r_[starts, len(unit)])
    n_vacant = np.add.reduceat(vacant, starts)
    n_occupied = size - n_vacant
    unit, inventory = unit[starts], inventory[starts]
    linked = (unit[1:] == unit[:-1]) & (inventory[1:] == inventory[:-1] + 1) & follows[inventory[1:]]
    later = inventory[1:][linked]
    last = np.r_[~follows[1:], True]  # the area's last inventory: nothing can close after it
    opened = ~np.r_[False, linked] & follows[inventory]
    closed = ~np.r_[linked, False] & ~last[inventory]

    def per_inventory(at: np.ndarray, weights: np.ndarray) -> np.ndarray:
        return np.bincount(at, weights=weights, minlength=len(follows)).astype(int)

    return {
        "new_vacancies": per_inventory(later, n_occupied[:-1][linked] * n_vacant[1:][linked]),
        "reoccupations": per_inventory(later, n_vacant[:-1][linked] * n_occupied[1:][linked]),
        "openings": per_inventory(inventory[opened], size[opened]),
        "closures": per_inventory(inventory[closed] + 1, size[closed]),
    }
