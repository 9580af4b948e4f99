"""Shop mix over occupied outlets: shares per Locatus group, diversity, location quotients, chains.

Only occupied outlets with a known group count (a vacant unit has no mix; ATMs and fuel
stations are no outlets); ``units_mix_known`` says how many that were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.vacancy import RETAIL_GROUP_CODES, is_outlet

DAILY_GROUP_CODES = frozenset({"11"})
HORECA_GROUP_CODES = frozenset({"59"})
SERVICES_GROUP_CODES = frozenset({"65"})
MIX_COLUMNS = ["units_mix_known", "shannon_diversity", "evenness", "retail_share", "daily_share",
               "non_daily_share", "horeca_share", "services_share", "chain_share"]


def mix_units(units: pd.DataFrame) -> pd.DataFrame:
    """The units a mix is made of: occupied outlets with a known group."""
    keep = is_outlet(units) & units["status"].eq("occupied") & units["group_code"].notna()
    return units.loc[keep]


def group_shares(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on")) -> pd.DataFrame:
    """Per ``by`` and Locatus group: ``units``, ``floor_area_m2`` and their shares.

    ``share_units`` = units of the group / mix units; ``share_floor`` = floor area of the group /
    known floor area of the mix units (missing when no area is known).

    Examples
    --------
    >>> units = pd.DataFrame({"nis_code": "34022", "observed_on": "2024-01-01", "status": "occupied",
    ...     "group_code": ["11", "11", "22", "59"], "floor_area_m2": [100.0, 300.0, 100.0, None]})
    >>> group_shares(units)[["group_code", "units", "share_units", "share_floor"]].values.tolist()
    [['11', 2, 0.5, 0.8], ['22', 1, 0.25, 0.2], ['59', 1, 0.25, 0.0]]
    """
    by = list(by)
    mix = mix_units(units[[*by, "group_code", "status", "floor_area_m2"]])
    mix = mix.assign(_area=pd.to_numeric(mix["floor_area_m2"], errors="coerce"))
    counts = mix.groupby([*by, "group_code"], observed=True).agg(units=("group_code", "size"),
                                                                 floor_area_m2=("_area", "sum")).reset_index()
    totals = counts.groupby(by)[["units", "floor_area_m2"]].transform("sum")
    counts["share_units"] = counts["units"] / totals["units"]
    counts["share_floor"] = counts["floor_area_m2"] / totals["floor_area_m2"].where(totals["floor_area_m2"] > 0)
    return counts


def shannon_diversity(counts: pd.Series) -> float:
    """Shannon's index H = −Σ pᵢ ln pᵢ over the groups present (pᵢ = countᵢ / Σ counts), in nats.

    >>> round(shannon_diversity(pd.Series([6, 7, 2, 2, 3, 1])), 4)
    1.595
    """
    values = np.asarray(counts, dtype=float)
    p = values[values > 0] / values.sum()
    return float(-(p * np.log(p)).sum()) if len(p) else float("nan")


def evenness(counts: pd.Series) -> float:
    """Pielou's evenness J = H / ln k, k the number of groups present; 1 when all are equally
    common, missing with fewer than two groups.

    >>> round(evenness(pd.Series([5, 5, 5])), 6), evenness(pd.Series([9]))
    (1.0, nan)
    """
    k = int((np.asarray(counts, dtype=float) > 0).sum())
    return float(shannon_diversity(counts) / np.log(k)) if k >= 2 else float("nan")


def location_quotients(shares: pd.DataFrame, *, area: str = "nis_code",
                       reference: pd.DataFrame | None = None) -> pd.Series:
    """LQ of each row of `group_shares`: its ``share_units`` / the group's share in the reference.

    The reference is the whole of ``shares`` per remaining key (the province: every area
    together) unless given. LQ > 1: the group is more common here than in the province.
    """
    keys = [c for c in shares.columns if c not in {area, "group_code", "units", "floor_area_m2", "share_units",
                                                   "share_floor"}]
    base = reference if reference is not None else shares
    pooled = base.groupby([*keys, "group_code"])["units"].sum()
    pooled = pooled / pooled.groupby(level=list(range(len(keys)))).transform("sum") if keys else pooled / pooled.sum()
    index = pd.MultiIndex.from_frame(shares[[*keys, "group_code"]]) if keys else shares["group_code"]
    return pd.Series(shares["share_units"].to_numpy() / pooled.reindex(index).to_numpy(), index=shares.index)


def shop_mix(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on")) -> pd.DataFrame:
    """Mix measures per ``by``: `MIX_COLUMNS`.

    ``retail_share`` (groups 11–38), ``horeca_share`` (59) and ``services_share`` (65) are
    shares of the mix units; ``daily_share`` = group 11 / retail units and ``non_daily_share``
    its complement; ``chain_share`` = branches of chains / mix units whose chain flag is known.
    """
    by = list(by)
    mix = mix_units(units[[*by, "group_code", "status", *(["chain"] if "chain" in units else [])]])
    group = mix["group_code"]
    chain = mix["chain"] if "chain" in mix else pd.Series(pd.NA, index=mix.index)
    flags = mix[by].assign(
        _retail=group.isin(RETAIL_GROUP_CODES).astype(int), _daily=group.isin(DAILY_GROUP_CODES).astype(int),
        _horeca=group.isin(HORECA_GROUP_CODES).astype(int), _services=group.isin(SERVICES_GROUP_CODES).astype(int),
        _chain=chain.astype("boolean").astype("Float64"))
    result = flags.groupby(by).agg(units_mix_known=("_retail", "size"), _retail=("_retail", "sum"),
                                   _daily=("_daily", "sum"), _horeca=("_horeca", "sum"),
                                   _services=("_services", "sum"), chain_share=("_chain", "mean"))
    counts = mix.groupby([*by, "group_code"], observed=True).size()
    counts = counts[counts > 0]
    levels = list(range(len(by)))
    p = counts / counts.groupby(level=levels).transform("sum")
    # shannon_diversity and evenness below, for every area at once
    result["shannon_diversity"] = -(p * np.log(p)).groupby(level=levels).sum()
    groups_present = counts.groupby(level=levels).size()
    result["evenness"] = result["shannon_diversity"] / np.log(groups_present.where(groups_present >= 2))
    total = result["units_mix_known"].astype(float)
    result["retail_share"] = result["_retail"] / total
    result["daily_share"] = result["_daily"] / result["_retail"].where(result["_retail"] > 0)
    result["non_daily_share"] = 1 - result["daily_share"]
    result["horeca_share"] = result["_horeca"] / total
    result["services_share"] = result["_services"] / total
    result["chain_share"] = result["chain_share"].astype(float)
    return result.reset_index()[[*by, *MIX_COLUMNS]]
