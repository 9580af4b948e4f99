"""Shop mix over occupied outlets: shares per Locatus group, diversity, location quotients, chains.

Only occupied outlets with a known group count (a vacant unit has no mix; ATMs and fuel
stations are no outlets); ``units_mix_known`` says how many that were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.grouping import Groups, group_ids, sorted_codes
from analysis.vacancy import RETAIL_GROUP_CODES, is_outlet

DAILY_GROUP_CODES = frozenset({"11"})
HORECA_GROUP_CODES = frozenset({"59"})
SERVICES_GROUP_CODES = frozenset({"65"})
MIX_COLUMNS = ["units_mix_known", "shannon_diversity", "evenness", "retail_share", "daily_share",
               "non_daily_share", "horeca_share", "services_share", "chain_share"]


def _is_mix_unit(units: pd.DataFrame) -> np.ndarray:
    keep = is_outlet(units) & units["status"].eq("occupied") & units["group_code"].notna()
    return keep.to_numpy(dtype=bool, na_value=False)


def _mix_groups(units: pd.DataFrame, by: list[str],
                groups: Groups | None) -> tuple[Groups, np.ndarray, pd.Index, np.ndarray]:
    """The mix units' groups by ``by``, their Locatus group codes (positions in the sorted codes
    returned third) and which rows of ``units`` they are (a missing ``by`` value: none, as in
    pandas' group-by, unless the caller grouped them)."""
    keep = _is_mix_unit(units)
    if groups is None:
        keep = keep & units[by].notna().all(axis=1).to_numpy()
    codes, group_codes = sorted_codes(units["group_code"])
    groups = group_ids(units, by, where=keep) if groups is None else groups.select(keep)
    return groups, codes[keep], group_codes, keep


def group_shares(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on"),
                 groups: Groups | None = None) -> pd.DataFrame:
    """Per ``by`` and Locatus group: ``units``, ``floor_area_m2`` and their shares.

    ``share_units`` = units of the group / mix units; ``share_floor`` = floor area of the group /
    known floor area of the mix units (missing when no area is known). ``groups``: ``units``
    grouped by ``by`` (`analysis.grouping.group_ids`), when the caller has them.

    Examples
    --------
    >>> units = pd.DataFrame({"nis_code": "34022", "observed_on": "2024-01-01", "status": "occupied",
    ...     "group_code": ["11", "11", "22", "59"], "floor_area_m2": [100.0, 300.0, 100.0, None]})
    >>> group_shares(units)[["group_code", "units", "share_units", "share_floor"]].values.tolist()
    [['11', 2, 0.5, 0.8], ['22', 1, 0.25, 0.2], ['59', 1, 0.25, 0.0]]
    """
    by = list(by)
    groups, codes, group_codes, keep = _mix_groups(units, by, groups)
    area = pd.to_numeric(units["floor_area_m2"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[keep]
    counts = groups.cross(codes, len(group_codes))
    areas = groups.cross_sum(codes, len(group_codes), area)
    row, column = np.nonzero(counts)  # only the groups present, in order of the ``by`` keys, then group
    total_area = areas.sum(axis=1)[row]
    shares = groups.keys[by].iloc[row].reset_index(drop=True).assign(
        group_code=group_codes.take(column), units=counts[row, column], floor_area_m2=areas[row, column])
    shares["share_units"] = shares["units"] / counts.sum(axis=1)[row]
    shares["share_floor"] = shares["floor_area_m2"] / np.where(total_area > 0, total_area, np.nan)
    return shares


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


def shop_mix(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on"),
             groups: Groups | None = None) -> pd.DataFrame:
    """Mix measures per ``by``: `MIX_COLUMNS`.

    ``retail_share`` (groups 11–38), ``horeca_share`` (59) and ``services_share`` (65) are
    shares of the mix units; ``daily_share`` = group 11 / retail units and ``non_daily_share``
    its complement; ``chain_share`` = branches of chains / mix units whose chain flag is known.
    ``groups``: as in `group_shares`.
    """
    by = list(by)
    groups, codes, group_codes, keep = _mix_groups(units, by, groups)
    counts = groups.cross(codes, len(group_codes))
    total = counts.sum(axis=1)

    def units_in(codes_of: frozenset[str]) -> np.ndarray:
        return counts[:, group_codes.isin(codes_of)].sum(axis=1)

    retail = units_in(RETAIL_GROUP_CODES)
    chain = (units["chain"] if "chain" in units else pd.Series(pd.NA, index=units.index)).astype("boolean")
    chain_known = chain.notna().to_numpy()[keep]
    is_chain = chain.fillna(False).to_numpy(dtype=bool)[keep]
    p = counts / np.where(total > 0, total, 1)[:, None]
    # shannon_diversity and evenness, for every area at once (0 · ln 0 counts as 0)
    shannon = -(p * np.log(np.where(p > 0, p, 1))).sum(axis=1)
    groups_present = (counts > 0).sum(axis=1)
    result = groups.keys.assign(
        units_mix_known=total,
        shannon_diversity=np.where(total > 0, shannon, np.nan),
        evenness=shannon / np.log(np.where(groups_present >= 2, groups_present, np.nan)),
        retail_share=retail / total,
        daily_share=units_in(DAILY_GROUP_CODES) / np.where(retail > 0, retail, np.nan),
        horeca_share=units_in(HORECA_GROUP_CODES) / total,
        services_share=units_in(SERVICES_GROUP_CODES) / total,
        chain_share=groups.count(is_chain) / np.where(groups.count(chain_known) > 0, groups.count(chain_known), np.nan),
    )
    result["non_daily_share"] = 1 - result["daily_share"]
    return result[[*by, *MIX_COLUMNS]]
