"""Flows between consecutive inventories: units that fall empty, are taken again, open or close."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis._grouping import Groups, group_ids
from analysis.addresses import is_derived
from analysis.vacancy import in_scope

FLOW_COLUMNS = ["observed_on_before", "observed_on", "units_before", "units_after", "new_vacancies",
                "reoccupations", "openings", "closures", "units_followed_by_id", "units_followed_by_address",
                "is_balanced"]


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
    - ``units_followed_by_id``, ``units_followed_by_address``: units in both inventories, matched
      on an id of the file's own or on one the importer made from the address (or, without one,
      the trade name; `analysis.addresses.is_derived`);
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
    counts = _transitions(units, counted, inventories.ids, follows, rows=sizes["units"].to_numpy())
    result = pd.DataFrame({
        by: sizes[by].to_numpy(), "observed_on_before": sizes["observed_on"].shift().to_numpy(),
        "observed_on": sizes["observed_on"].to_numpy(), "units_before": sizes["units"].shift().to_numpy(),
        "units_after": sizes["units"].to_numpy(), **counts})[follows]
    result["units_before"] = result["units_before"].astype(int)
    result["is_balanced"] = result["units_after"] == result["units_before"] + result["openings"] - result["closures"]
    return result[[by, *FLOW_COLUMNS]].reset_index(drop=True)


def _transitions(units: pd.DataFrame, counted: np.ndarray, inventory: np.ndarray, follows: np.ndarray, *,
                 rows: np.ndarray) -> dict[str, np.ndarray]:
    """Flow counts per inventory (indexed like the sorted inventories, with ``rows`` units each)
    of the ``counted`` units.

    Inventories are numbered by area, then date, so each follows its predecessor. Each row
    becomes one integer, unit then inventory then whether it is vacant; sorted, a unit's row
    and its row in the inventory before are neighbours whose (unit, inventory) parts differ by
    exactly 1. When no id repeats within an inventory (the rule), such pairs give every flow:
    a row without one is an opening, a pair whose vacancy differs a new vacancy or a reoccupation.
    """
    codes, derived = _codes(units["unit_id"])
    unit = codes[counted]
    vacant = units["status"].eq("vacant").to_numpy(dtype=bool, na_value=False)[counted]
    size = len(follows)
    # Ids stay below 2**bits − 1, so the last inventory of one unit and the first of the next
    # never differ by 1.
    bits = size.bit_length()
    key = unit.astype(np.int64)
    key <<= bits
    key |= inventory
    key <<= 1
    key |= vacant
    key.sort(kind="stable")  # timsort: a unit's rows mostly come sorted already, inventory by inventory
    unit_inventory = key >> 1
    step = np.diff(unit_inventory)
    if not step.all():  # an id twice in one inventory
        return _transitions_walk(unit, vacant, inventory, follows, derived)
    is_pair = step == 1  # row j + 1 continues row j
    first = np.flatnonzero(np.concatenate([[True], ~is_pair]))  # rows without a row before them
    opened = np.bincount(unit_inventory[first] & ((1 << bits) - 1), minlength=size)
    is_vacant = (key & 1).astype(bool)
    flipped = np.flatnonzero(is_pair & (is_vacant[1:] != is_vacant[:-1])) + 1
    later = unit_inventory[flipped] & ((1 << bits) - 1)
    became_vacant = is_vacant[flipped]
    before = np.concatenate([[0], rows[:-1]])
    kept = rows - opened
    paired = np.flatnonzero(is_pair) + 1
    by_address = derived[key[paired] >> (bits + 1)]
    followed_address = np.bincount(unit_inventory[paired[by_address]] & ((1 << bits) - 1), minlength=size)
    return {"new_vacancies": np.where(follows, np.bincount(later[became_vacant], minlength=size), 0),
            "reoccupations": np.where(follows, np.bincount(later[~became_vacant], minlength=size), 0),
            "openings": np.where(follows, opened, 0), "closures": np.where(follows, before - kept, 0),
            "units_followed_by_id": np.where(follows, kept - followed_address, 0),
            "units_followed_by_address": np.where(follows, followed_address, 0)}


def _transitions_walk(unit: np.ndarray, vacant: np.ndarray, inventory: np.ndarray, follows: np.ndarray,
                      derived: np.ndarray) -> dict[str, np.ndarray]:
    """`_transitions` when an id repeats within an inventory: walking the inventories in order,
    two arrays indexed by unit hold how often each unit was vacant and occupied in the area's
    previous inventory, so that every pair counts, as in an outer merge on the unit."""
    order = np.argsort(inventory, kind="stable")
    bounds = np.searchsorted(inventory[order], np.arange(len(follows) + 1))
    size = int(unit.max(initial=-1)) + 1
    vacant_before, occupied_before = np.zeros(size, np.int64), np.zeros(size, np.int64)
    is_here = np.zeros(size, bool)
    counts = {name: np.zeros(len(follows), np.int64) for name in
              ("new_vacancies", "reoccupations", "openings", "closures", "units_followed_by_id",
               "units_followed_by_address")}
    previous = unit[:0]
    for at in range(len(follows)):
        rows = order[bounds[at]:bounds[at + 1]]
        now, now_vacant = unit[rows], vacant[rows]
        now_occupied = ~now_vacant
        if follows[at]:
            counts["new_vacancies"][at] = occupied_before[now[now_vacant]].sum()
            counts["reoccupations"][at] = vacant_before[now[now_occupied]].sum()
            seen = vacant_before[now] + occupied_before[now] > 0
            counts["openings"][at] = np.count_nonzero(~seen)
            counts["units_followed_by_address"][at] = np.count_nonzero(seen & derived[now])
            counts["units_followed_by_id"][at] = np.count_nonzero(seen & ~derived[now])
            is_here[now] = True
            counts["closures"][at] = np.count_nonzero(~is_here[previous])
            is_here[now] = False
        vacant_before[previous] = occupied_before[previous] = 0
        np.add.at(vacant_before, now[now_vacant], 1)
        np.add.at(occupied_before, now[now_occupied], 1)
        previous = now
    return counts


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """An integer per distinct id, a missing one included (one code for all of them), and per
    code whether the importer made the id from an address or a name (`analysis.addresses.is_derived`)."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # the stored units: codes at hand
        codes = values.cat.codes.to_numpy()
        distinct = values.cat.categories
        if codes.min(initial=0) < 0:
            codes = np.where(codes < 0, len(distinct), codes)
    else:
        codes, distinct = pd.factorize(values, use_na_sentinel=False)
    return codes, _derived(distinct)


_LAST_DERIVED: list = []  # (ids, flags) of the last call: every table of one store shares its ids


def _derived(distinct) -> np.ndarray:
    """Per distinct id whether it was derived from an address or name, and False for a missing id
    (the code after the last)."""
    if _LAST_DERIVED and _LAST_DERIVED[0][0] is distinct:
        return _LAST_DERIVED[0][1]
    flags = np.fromiter((is_derived(unit) for unit in np.asarray(distinct, dtype=object)), bool, len(distinct))
    flags = np.append(flags, False)
    _LAST_DERIVED[:] = [(distinct, flags)]
    return flags
