"""What a new inventory changes against the stored one: units new, changed, unchanged and gone."""

from __future__ import annotations

import pandas as pd

from analysis.addresses import address_keys
from analysis.vacancy import is_outlet

#: Columns whose difference makes a unit "changed".
COMPARED_COLUMNS = ("status", "group_code", "floor_area_m2", "name", "vacant_since")
CHANGE_COLUMNS = ["nis_code", "observed_on", "compared_with", "units_new", "units_changed", "units_unchanged",
                  "units_gone", "vacancy_rate_before", "vacancy_rate_after"]


def inventory_changes(stored: pd.DataFrame, incoming: pd.DataFrame, *,
                      compared: tuple[str, ...] = COMPARED_COLUMNS) -> pd.DataFrame:
    """Per municipality and incoming inventory date, how the incoming units differ from the stored ones.

    Each incoming inventory is compared, by ``unit_id``, with the municipality's latest stored
    inventory on or before its date. Each incoming inventory is whole (an update comes with the
    units it carries over, `updated_inventory`): on the same date it replaces the stored one.

    Parameters
    ----------
    stored, incoming : DataFrame
        Units with ``unit_id``, ``nis_code``, ``observed_on``, ``status``, ``group_code`` and the
        ``compared`` columns.

    Returns
    -------
    DataFrame with ``CHANGE_COLUMNS``: counts of units, and ``vacancy_rate_before`` (the compared
    inventory; missing without one) and ``vacancy_rate_after`` (what the store will hold), as
    fractions of outlets.

    Examples
    --------
    >>> day, last_year = pd.Timestamp("2024-01-01"), pd.Timestamp("2023-01-01")
    >>> stored = pd.DataFrame({"unit_id": ["a", "b", "c"], "nis_code": "34022", "observed_on": last_year,
    ...     "status": ["vacant", "occupied", "occupied"], "group_code": ["00", "11", "22"], "floor_area_m2": 100.0,
    ...     "name": None, "vacant_since": pd.NaT})
    >>> incoming = pd.DataFrame({"unit_id": ["a", "b", "d"], "nis_code": "34022", "observed_on": day,
    ...     "status": ["occupied", "occupied", "occupied"], "group_code": ["11", "11", "11"], "floor_area_m2": 100.0,
    ...     "name": None, "vacant_since": pd.NaT})
    >>> row = inventory_changes(stored, incoming).iloc[0]
    >>> [int(row[c]) for c in ["units_new", "units_changed", "units_unchanged", "units_gone"]]
    [1, 1, 1, 1]
    >>> round(float(row["vacancy_rate_before"]), 3), float(row["vacancy_rate_after"])
    (0.333, 0.0)
    """
    rows = []
    stored = stored.assign(observed_on=pd.to_datetime(stored["observed_on"]))
    incoming = incoming.assign(observed_on=pd.to_datetime(incoming["observed_on"]))
    for (nis_code, day), new in incoming.groupby(["nis_code", "observed_on"], sort=True):
        own = stored[(stored["nis_code"] == nis_code) & (stored["observed_on"] <= day)]
        before_day = own["observed_on"].max() if not own.empty else pd.NaT
        before = own[own["observed_on"] == before_day]
        counts = _compare(before.set_index("unit_id"), new.set_index("unit_id"), compared)
        rows.append({"nis_code": nis_code, "observed_on": day, "compared_with": before_day, **counts,
                     "vacancy_rate_before": _rate(before), "vacancy_rate_after": _rate(new)})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def _compare(before: pd.DataFrame, after: pd.DataFrame, compared: tuple[str, ...]) -> dict[str, int]:
    common = before.index.intersection(after.index)
    differs = pd.Series(False, index=common)
    for column in compared:
        old, new = before.loc[common, column], after.loc[common, column]
        differs |= ~((old == new) | (old.isna() & new.isna())).fillna(False).astype(bool)
    return {"units_new": int((~after.index.isin(before.index)).sum()), "units_changed": int(differs.sum()),
            "units_unchanged": int((~differs).sum()), "units_gone": int((~before.index.isin(after.index)).sum())}


def _rate(units: pd.DataFrame) -> float:
    outlets = units[is_outlet(units)]
    return float((outlets["status"] == "vacant").mean()) if len(outlets) else float("nan")


def matched_ids(previous: pd.DataFrame, incoming: pd.DataFrame) -> pd.Series:
    """Per incoming unit (indexed like ``incoming``): the ``unit_id`` of the previous inventory's
    unit it is, or missing for a new one.

    A unit is the same by ``unit_id`` first, then by address (`analysis.addresses.address_keys`):
    a town's correction by street and number meets the Locatus ids of the inventory it corrects.
    An address shared by several units on either side matches none of them.

    >>> previous = pd.DataFrame({"unit_id": ["L1", "L2", "L3"], "nis_code": "34022",
    ...     "street": ["Sint-Jansstraat", "Markt", "Markt"], "house_number": ["1A", "3", "5"]})
    >>> incoming = pd.DataFrame({"unit_id": ["34022|sint jansstraat|1a", "L2", "34022|markt|9"], "nis_code": "34022",
    ...     "street": ["St.-Jansstraat", "Markt", "Markt"], "house_number": ["1 a", "3", "9"]})
    >>> matched_ids(previous, incoming).tolist()
    ['L1', 'L2', None]
    """
    known = set(previous["unit_id"])
    found = incoming["unit_id"].map(lambda unit: unit if unit in known else None).astype(object)
    rest = found.isna() & incoming["street"].notna()
    if rest.any():
        free = previous[~previous["unit_id"].isin(set(found.dropna()))]
        keys = address_keys(free)
        unique = keys[keys.notna() & ~keys.duplicated(keep=False)]
        by_address = pd.Series(free.loc[unique.index, "unit_id"].to_numpy(), index=unique.to_numpy())
        wanted = address_keys(incoming[rest])
        wanted = wanted[~wanted.duplicated(keep=False)]
        found[wanted.index] = wanted.map(by_address).to_numpy()
    return found.where(found.notna(), None)


def updated_inventory(previous: pd.DataFrame, incoming: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """A municipality's inventory on the incoming date after an update: the incoming units replace
    theirs in ``previous`` (`matched_ids`; they take its ``unit_id``, so flows follow them), every
    other previous unit carries over unchanged, dated at the incoming date. Returns the inventory
    and how many units carried over.

    >>> day = pd.Timestamp("2024-06-01")
    >>> previous = pd.DataFrame({"unit_id": ["a", "b", "c"], "nis_code": "34022", "street": None,
    ...     "house_number": None, "status": ["vacant", "occupied", "occupied"],
    ...     "observed_on": pd.Timestamp("2024-01-01")})
    >>> incoming = pd.DataFrame({"unit_id": ["a", "d"], "nis_code": "34022", "street": None, "house_number": None,
    ...     "status": ["occupied", "vacant"], "observed_on": day})
    >>> after, carried = updated_inventory(previous, incoming)
    >>> sorted(zip(after["unit_id"], after["status"])), carried, set(after["observed_on"]) == {day}
    ([('a', 'occupied'), ('b', 'occupied'), ('c', 'occupied'), ('d', 'vacant')], 2, True)
    """
    day = incoming["observed_on"].iloc[0]
    ids = matched_ids(previous, incoming)
    incoming = incoming.assign(unit_id=ids.where(ids.notna(), incoming["unit_id"]))
    carried = previous[~previous["unit_id"].isin(set(incoming["unit_id"]))].assign(observed_on=day)
    carried = carried.reindex(columns=incoming.columns)
    carried = carried.astype({c: object for c in carried.columns if isinstance(carried[c].dtype, pd.CategoricalDtype)})
    merged = pd.concat([incoming, carried], ignore_index=True)
    return merged.assign(observed_on=pd.to_datetime(merged["observed_on"])), len(carried)
