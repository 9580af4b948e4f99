"""Flows between consecutive inventories: units that fall empty, are taken again, open or close."""

from __future__ import annotations

import pandas as pd

from analysis.vacancy import in_scope

FLOW_COLUMNS = ["observed_on_before", "observed_on", "units_before", "units_after", "new_vacancies",
                "reoccupations", "openings", "closures", "is_balanced"]


def flows(units: pd.DataFrame, *, by: str = "nis_code", scope: str = "all") -> pd.DataFrame:
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
    counted = units.loc[in_scope(units, scope), [by, "observed_on", "unit_id", "status"]]
    counted = counted.assign(observed_on=pd.to_datetime(counted["observed_on"]))
    sizes = counted.groupby([by, "observed_on"]).size().rename("units").reset_index().sort_values([by, "observed_on"])
    sizes["observed_on_before"] = sizes.groupby(by)["observed_on"].shift()
    pairs = sizes.dropna(subset=["observed_on_before"])[[by, "observed_on_before", "observed_on"]]
    if pairs.empty:
        return pd.DataFrame(columns=[by, *FLOW_COLUMNS])
    after = counted.merge(pairs, on=[by, "observed_on"])
    before = counted.rename(columns={"observed_on": "observed_on_before"}).merge(pairs, on=[by, "observed_on_before"])
    matched = after.merge(before, on=[by, "observed_on_before", "observed_on", "unit_id"], how="outer",
                          suffixes=("", "_before"), indicator=True)
    both = matched["_merge"] == "both"
    matched = matched.assign(
        new_vacancies=(both & matched["status_before"].eq("occupied") & matched["status"].eq("vacant")).astype(int),
        reoccupations=(both & matched["status_before"].eq("vacant") & matched["status"].eq("occupied")).astype(int),
        openings=(matched["_merge"] == "left_only").astype(int),
        closures=(matched["_merge"] == "right_only").astype(int),
    )
    keys = [by, "observed_on_before", "observed_on"]
    result = matched.groupby(keys)[["new_vacancies", "reoccupations", "openings", "closures"]].sum().reset_index()
    units_count = sizes.set_index([by, "observed_on"])["units"]
    result["units_before"] = units_count.reindex(pd.MultiIndex.from_frame(
        result[[by, "observed_on_before"]])).to_numpy()
    result["units_after"] = units_count.reindex(pd.MultiIndex.from_frame(result[[by, "observed_on"]])).to_numpy()
    result["is_balanced"] = result["units_after"] == result["units_before"] + result["openings"] - result["closures"]
    return result[[by, *FLOW_COLUMNS]].sort_values(keys).reset_index(drop=True)
