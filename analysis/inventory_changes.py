"""What a new inventory changes against the stored one: units new, changed, unchanged and gone."""

from __future__ import annotations

import pandas as pd

from analysis.vacancy import is_outlet

#: Columns whose difference makes a unit "changed".
COMPARED_COLUMNS = ("status", "group_code", "floor_area_m2", "name", "vacant_since")
CHANGE_COLUMNS = ["nis_code", "observed_on", "compared_with", "units_new", "units_changed", "units_unchanged",
                  "units_gone", "vacancy_rate_before", "vacancy_rate_after"]


def inventory_changes(stored: pd.DataFrame, incoming: pd.DataFrame, *,
                      compared: tuple[str, ...] = COMPARED_COLUMNS) -> pd.DataFrame:
    """Per municipality and incoming inventory date, how the incoming units differ from the stored ones.

    Each incoming inventory is compared, by ``unit_id``, with the municipality's latest stored
    inventory on or before its date. When that is the same date, the incoming rows replace the
    stored ones (a later batch wins) and the rest of the stored inventory stays.

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
        after = new
        if before_day == day:  # the same inventory: incoming rows replace, the others stay
            after = pd.concat([before[~before["unit_id"].isin(new["unit_id"])], new])
            counts["units_gone"] = 0
        rows.append({"nis_code": nis_code, "observed_on": day, "compared_with": before_day, **counts,
                     "vacancy_rate_before": _rate(before), "vacancy_rate_after": _rate(after)})
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
