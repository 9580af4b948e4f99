"""Figures per declared shopping area and per type of area, and how much of each derived core lies
in a declared area.

Nothing is computed here that the municipal indicators do not compute already: vacancy
(`analysis.vacancy.vacancy`), flows (`analysis.flows.flows`) and the shop mix
(`analysis.mix.shop_mix`) are the same functions grouped by area instead of by municipality.
The units come with the area `analysis.areas.assign_areas` placed them in (``area_id`` unique
in the frame, ``assigned_by``) and its ``area_type``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.area_types import OUTSIDE, RULES
from analysis.flows import flows
from analysis.geography import latest_of_year
from analysis.mix import MIX_COLUMNS, shop_mix
from analysis.vacancy import VACANCY_COLUMNS, is_outlet, vacancy

FLOW_COUNTS = ["new_vacancies", "reoccupations", "openings", "closures"]
#: How many of an area's units each rule placed there (`analysis.areas.RULES`).
ASSIGNED_COLUMNS = [f"units_by_{rule}" for rule in RULES]
AREA_FIGURE_COLUMNS = ASSIGNED_COLUMNS + VACANCY_COLUMNS + FLOW_COUNTS + MIX_COLUMNS
TYPE_FIGURE_COLUMNS = ["areas", *VACANCY_COLUMNS, *FLOW_COUNTS, *MIX_COLUMNS]
CORE_SHARE_COLUMNS = ["units_total", "units_in_area", "share_in_area", "main_area_id"]


def area_figures(units: pd.DataFrame, *, scope: str = "all") -> pd.DataFrame:
    """Per area and inventory: `AREA_FIGURE_COLUMNS`; units outside every area are left out.

    ``units_by_name`` … count every unit the rules placed in the area (outlets or not); the
    vacancy, flow and mix columns are those of the municipal tables over the area's units (flows:
    against the area's inventory before, matched on ``unit_id``, so a unit that left the area
    counts as a closure). ``scope`` as in `analysis.vacancy.vacancy`.

    Examples
    --------
    >>> units = pd.DataFrame({"area_id": ["A", "A", "A", None], "assigned_by": ["name", "name", "point", None],
    ...     "nis_code": "34022", "unit_id": ["1", "2", "3", "4"], "group_code": ["11", "00", "22", "11"],
    ...     "status": ["occupied", "vacant", "occupied", "occupied"], "floor_area_m2": [100.0, 50.0, None, 80.0],
    ...     "vacant_since": pd.NaT, "chain": None, "observed_on": pd.Timestamp("2024-01-01")})
    >>> row = area_figures(units).iloc[0]
    >>> row["area_id"], int(row["units_by_name"]), int(row["units_by_point"]), int(row["units_total"])
    ('A', 2, 1, 3)
    """
    keys = ["area_id", "observed_on"]
    inside = units[units["area_id"].notna()].assign(observed_on=lambda f: pd.to_datetime(f["observed_on"]))
    if inside.empty:
        return pd.DataFrame(columns=[*keys, *AREA_FIGURE_COLUMNS])
    how = pd.crosstab([inside["area_id"], inside["observed_on"]], inside["assigned_by"])
    how = how.reindex(columns=list(RULES), fill_value=0).set_axis(ASSIGNED_COLUMNS, axis=1)
    table = vacancy(inside, by=keys, scope=scope).join(how, on=keys)
    table = _with_flows(table, inside, bucket=inside["area_id"], keys=keys, scope=scope)
    table = table.merge(shop_mix(inside, by=keys), on=keys, how="left")
    return table[[*keys, *AREA_FIGURE_COLUMNS]].sort_values(keys).reset_index(drop=True)


def type_figures(units: pd.DataFrame, *, per_municipality: bool = False, scope: str = "all") -> pd.DataFrame:
    """Per type of area: `TYPE_FIGURE_COLUMNS`, the units outside every area as type
    `analysis.area_types.OUTSIDE`.

    Without ``per_municipality``: per ``area_type`` and ``year``, over each municipality's
    latest inventory of the year (`analysis.geography.latest_of_year`), added up as the province
    is (Locatus' vacancy report per type of area). With it: per ``nis_code``, ``area_type`` and
    inventory (``observed_on``). ``areas`` counts the areas of the type that hold a unit; the
    flows are each area's (and each municipality's outside part) since its inventory before,
    added up.

    Examples
    --------
    >>> units = pd.DataFrame({"area_id": ["A", "B", None], "area_type": ["Binnenstad", "Binnenstad", None],
    ...     "nis_code": "34022", "unit_id": ["1", "2", "3"], "group_code": ["00", "11", "11"],
    ...     "status": ["vacant", "occupied", "occupied"], "floor_area_m2": None, "vacant_since": pd.NaT,
    ...     "chain": None, "observed_on": pd.Timestamp("2024-01-01")})
    >>> type_figures(units)[["area_type", "year", "areas", "units_total", "vacancy_rate_units"]].values.tolist()
    [['Binnenstad', 2024, 2, 2, 0.5], ['buiten winkelgebied', 2024, 0, 1, 0.0]]
    """
    keys = ["nis_code", "area_type", "observed_on"] if per_municipality else ["area_type", "year"]
    outside = units["area_id"].isna()
    typed = units.assign(area_type=units["area_type"].astype(object).where(~outside, OUTSIDE),
                         observed_on=pd.to_datetime(units["observed_on"]))
    if typed.empty:
        return pd.DataFrame(columns=[*keys, *TYPE_FIGURE_COLUMNS])
    # One bucket per area, and one per municipality for its units outside every area.
    nis, _ = pd.factorize(typed["nis_code"])
    area, areas = pd.factorize(typed["area_id"])  # outside: −1
    typed = typed.assign(bucket=nis.astype(np.int64) * (len(areas) + 1) + area + 1)
    chosen = typed if per_municipality else latest_of_year(typed).assign(
        year=lambda f: f["observed_on"].dt.year.astype(int))
    counted = chosen[chosen["area_id"].notna()].groupby(keys, observed=True)["area_id"].nunique().rename("areas")
    table = vacancy(chosen, by=keys, scope=scope).join(counted, on=keys)
    table["areas"] = table["areas"].fillna(0).astype(int)
    table = _with_flows(table, chosen, bucket=chosen["bucket"], keys=keys, scope=scope, history=typed)
    table = table.merge(shop_mix(chosen, by=keys), on=keys, how="left")
    return table[[*keys, *TYPE_FIGURE_COLUMNS]].sort_values(keys).reset_index(drop=True)


def _with_flows(table: pd.DataFrame, chosen: pd.DataFrame, *, bucket: pd.Series, keys: list[str], scope: str,
                history: pd.DataFrame | None = None) -> pd.DataFrame:
    """``table`` with the flow counts of each bucket's chosen inventories (against the bucket's
    inventory before, from ``history``: all inventories), added up per ``keys``. A first
    inventory has no flows (missing, not 0)."""
    history = chosen.assign(bucket=bucket.to_numpy()) if history is None else history
    moves = flows(history, by="bucket", scope=scope)[["bucket", "observed_on", *FLOW_COUNTS]]
    described = chosen.assign(bucket=bucket.to_numpy())[["bucket", "observed_on", *keys]]
    described = described.loc[:, ~described.columns.duplicated()].drop_duplicates(["bucket", "observed_on"])
    moved = moves.merge(described, on=["bucket", "observed_on"])
    summed = moved.groupby(keys, observed=True)[FLOW_COUNTS].sum(min_count=1)
    return table.join(summed, on=keys)


def core_shares(units: pd.DataFrame) -> pd.DataFrame:
    """How much of each derived core lies in a declared area, per core and inventory:
    `CORE_SHARE_COLUMNS` over the core's outlets (`analysis.vacancy.is_outlet`).

    ``units_in_area`` counts the outlets in any declared area, ``share_in_area`` = units_in_area
    / units_total, ``main_area_id`` the area that holds most of them (ties: the lowest id; missing
    when none does).

    Examples
    --------
    >>> units = pd.DataFrame({"core_id": ["K1"] * 4 + [None], "area_id": ["A", "B", "B", None, "A"],
    ...     "group_code": "11", "observed_on": pd.Timestamp("2024-01-01")})
    >>> core_shares(units).values.tolist()
    [['K1', Timestamp('2024-01-01 00:00:00'), 4, 3, 0.75, 'B']]
    """
    keys = ["core_id", "observed_on"]
    cored = units[units["core_id"].notna() & is_outlet(units).to_numpy()]
    if cored.empty:
        return pd.DataFrame(columns=[*keys, *CORE_SHARE_COLUMNS])
    cored = cored[[*keys, "area_id"]].astype({"core_id": object, "area_id": object})
    grouped = cored.groupby(keys)
    table = pd.DataFrame({"units_total": grouped.size(), "units_in_area": grouped["area_id"].count()})
    table["share_in_area"] = table["units_in_area"] / table["units_total"]
    counts = cored.dropna(subset=["area_id"]).value_counts().rename("n").reset_index()
    main = counts.sort_values([*keys, "n", "area_id"], ascending=[True, True, False, True]).drop_duplicates(keys)
    table = table.join(main.set_index(keys)["area_id"].rename("main_area_id"))
    table["main_area_id"] = table["main_area_id"].astype(object).where(table["main_area_id"].notna(), None)
    return table.reset_index()[[*keys, *CORE_SHARE_COLUMNS]].astype({"units_in_area": np.int64})
