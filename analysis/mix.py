"""Shop mix over occupied outlets: shares per Locatus group, diversity, location quotients, chains.

Only occupied outlets with a known group count (a vacant unit has no mix; ATMs and fuel
stations are no outlets); ``units_mix_known`` says how many that were.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis._grouping import group_ids, sorted_codes
from analysis._tallies import Tallies
from analysis.vacancy import RETAIL_GROUP_CODES, is_outlet

DAILY_GROUP_CODES = frozenset({"11"})
HORECA_GROUP_CODES = frozenset({"59"})
SERVICES_GROUP_CODES = frozenset({"65"})
MIX_COLUMNS = ["units_mix_known", "shannon_diversity", "evenness", "retail_share", "daily_share",
               "non_daily_share", "horeca_share", "services_share", "units_chain", "chain_share"]


@dataclass(frozen=True)
class MixCounts:
    """Mix units per key (rows) and Locatus group (columns, ``group_codes``), those with a known
    floor area and that area (m²), and per key the branches of chains and the units whose chain
    flag is known."""

    keys: pd.DataFrame
    group_codes: pd.Index
    units: np.ndarray
    units_area_known: np.ndarray
    floor_area_m2: np.ndarray
    units_chain: np.ndarray
    units_chain_known: np.ndarray


def _is_mix_unit(units: pd.DataFrame) -> np.ndarray:
    keep = is_outlet(units) & units["status"].eq("occupied") & units["group_code"].notna()
    return keep.to_numpy(dtype=bool, na_value=False)


def _mix_counts(units: pd.DataFrame, *, by: list[str]) -> MixCounts:
    """The mix units of ``units`` counted per ``by`` (a missing ``by`` value: left out, as in
    pandas' group-by)."""
    keep = _is_mix_unit(units) & units[by].notna().all(axis=1).to_numpy()
    codes, group_codes = sorted_codes(units["group_code"])
    groups = group_ids(units, by, where=keep)
    codes = codes[keep]
    area = pd.to_numeric(units["floor_area_m2"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)[keep]
    chain = (units["chain"] if "chain" in units else pd.Series(pd.NA, index=units.index)).astype("boolean")
    return MixCounts(keys=groups.keys, group_codes=group_codes, units=groups.cross(codes, len(group_codes)),
                     units_area_known=groups.cross_sum(codes, len(group_codes), np.where(np.isnan(area), np.nan, 1.0))
                     .astype(np.int64),
                     floor_area_m2=groups.cross_sum(codes, len(group_codes), area),
                     units_chain=groups.count(chain.fillna(False).to_numpy(dtype=bool)[keep]),
                     units_chain_known=groups.count(chain.notna().to_numpy()[keep]))


def _mix_counts_of_tallies(tallies: Tallies) -> MixCounts:
    """`_mix_counts` per key of ``tallies`` (`analysis._tallies.tally`), from their cells."""
    cells = tallies.cells
    mix = _is_mix_unit(cells)
    units = tallies.per_group("units", mix)
    present = units.sum(axis=1) > 0  # as `_mix_counts`: only keys with mix units
    chain = cells["chain"]
    return MixCounts(keys=tallies.keys[present].reset_index(drop=True), group_codes=tallies.group_codes,
                     units=units[present], units_area_known=tallies.per_group("units_area_known", mix)[present],
                     floor_area_m2=tallies.per_group("floor_area_m2", mix)[present],
                     units_chain=tallies.total("units", mix & chain.fillna(False).to_numpy(dtype=bool))[present],
                     units_chain_known=tallies.total("units", mix & chain.notna().to_numpy())[present])


def group_shares(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on")) -> pd.DataFrame:
    """Per ``by`` and Locatus group: ``units``, ``floor_area_m2`` and their shares.

    ``share_units`` = units of the group / mix units; ``share_floor`` = floor area of the group /
    known floor area of the mix units (missing when no area is known, or none of the group's).

    Examples
    --------
    >>> units = pd.DataFrame({"nis_code": "34022", "observed_on": "2024-01-01", "status": "occupied",
    ...     "group_code": ["11", "11", "22", "59"], "floor_area_m2": [100.0, 300.0, 100.0, None]})
    >>> group_shares(units)[["group_code", "units", "share_units", "share_floor"]].values.tolist()
    [['11', 2, 0.5, 0.8], ['22', 1, 0.25, 0.2], ['59', 1, 0.25, nan]]
    """
    return _group_shares(_mix_counts(units, by=list(by)))


def _group_shares(counts: MixCounts) -> pd.DataFrame:
    row, column = np.nonzero(counts.units)  # only the groups present, in order of the keys, then group
    share_units, share_floor = _share_matrices(counts)
    return counts.keys.iloc[row].reset_index(drop=True).assign(
        group_code=counts.group_codes.take(column), units=counts.units[row, column],
        floor_area_m2=counts.floor_area_m2[row, column], share_units=share_units[row, column],
        share_floor=share_floor[row, column])


def _share_matrices(counts: MixCounts) -> tuple[np.ndarray, np.ndarray]:
    """``share_units`` and ``share_floor`` (see `group_shares`) per key and group of ``counts``."""
    total_area = counts.floor_area_m2.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        share_floor = counts.floor_area_m2 / np.where(total_area > 0, total_area, np.nan)
        # A group none of whose units has a known area has an unknown share, not 0.
        return (counts.units / counts.units.sum(axis=1, keepdims=True),
                np.where(counts.units_area_known > 0, share_floor, np.nan))


def group_share_columns(units: pd.DataFrame, *, by: list[str], area: str = "nis_code") -> pd.DataFrame:
    """`group_shares` side by side, with their `location_quotients`: per ``by`` and per
    Locatus group present in any, ``share_units_<code>``, ``share_floor_<code>`` and
    ``location_quotient_<code>`` (missing where the key has no unit of the group; a column missing
    everywhere is left out, as in a pivot of `group_shares`). The quotient's
    reference is every ``area`` of the same other ``by`` values (the province in the same year).

    Examples
    --------
    >>> units = pd.DataFrame({"nis_code": ["34022"] * 4 + ["31005"] * 4, "status": "occupied",
    ...     "group_code": ["11", "11", "11", "22", "11", "22", "22", "22"], "floor_area_m2": 100.0, "year": 2024})
    >>> columns = group_share_columns(units, by=["nis_code", "year"])
    >>> columns[["share_units_11", "location_quotient_11"]].values.tolist()
    [[0.25, 0.5], [0.75, 1.5]]
    """
    return _group_share_columns(_mix_counts(units, by=by), area=area)


def _group_share_columns(counts: MixCounts, *, area: str = "nis_code") -> pd.DataFrame:
    share_units, share_floor = _share_matrices(counts)
    others = [column for column in counts.keys.columns if column != area]
    if others:  # every area together per value of the other keys
        reference = group_ids(counts.keys, others)
        pooled = reference.sum_rows(counts.units)[reference.ids]
    else:
        pooled = np.broadcast_to(counts.units.sum(axis=0), counts.units.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        quotient = share_units / (pooled / pooled.sum(axis=1, keepdims=True))
    present = counts.units > 0
    columns = {}
    for measure, values in (("location_quotient", quotient), ("share_floor", share_floor),
                            ("share_units", share_units)):
        for position in np.flatnonzero(present.any(axis=0)):
            columns[f"{measure}_{counts.group_codes[position]}"] = np.where(present[:, position],
                                                                            values[:, position], np.nan)
    # As a pivot of `group_shares`: a measure missing everywhere (no floor area known) has no column.
    return pd.DataFrame(columns, index=pd.MultiIndex.from_frame(counts.keys)).dropna(axis=1, how="all")


def shop_mix(units: pd.DataFrame, *, by: list[str] | tuple[str, ...] = ("nis_code", "observed_on")) -> pd.DataFrame:
    """Mix measures per ``by``: `MIX_COLUMNS`.

    ``shannon_diversity`` H = −Σ pᵢ ln pᵢ over the Locatus groups present (pᵢ = the group's mix
    units / all mix units; in nats); ``evenness`` (Pielou) J = H / ln k, k the number of groups
    present (1 when all are equally common; missing with fewer than two groups).

    ``retail_share`` (groups 11–38), ``horeca_share`` (59) and ``services_share`` (65) are
    shares of the mix units; ``daily_share`` = group 11 / retail units and ``non_daily_share``
    its complement; ``units_chain`` counts the branches of chains and ``chain_share`` = branches of
    chains / mix units whose chain flag is known.
    """
    return _shop_mix(_mix_counts(units, by=list(by)))


def _shop_mix(counts: MixCounts) -> pd.DataFrame:
    total = counts.units.sum(axis=1)

    def units_in(codes_of: frozenset[str]) -> np.ndarray:
        return counts.units[:, counts.group_codes.isin(codes_of)].sum(axis=1)

    retail = units_in(RETAIL_GROUP_CODES)
    p = counts.units / np.where(total > 0, total, 1)[:, None]
    # shannon_diversity and evenness, for every area at once (0 · ln 0 counts as 0)
    shannon = -(p * np.log(np.where(p > 0, p, 1))).sum(axis=1)
    groups_present = (counts.units > 0).sum(axis=1)
    known = counts.units_chain_known
    result = counts.keys.assign(
        units_mix_known=total,
        shannon_diversity=np.where(total > 0, shannon, np.nan),
        evenness=shannon / np.log(np.where(groups_present >= 2, groups_present, np.nan)),
        retail_share=retail / total,
        daily_share=units_in(DAILY_GROUP_CODES) / np.where(retail > 0, retail, np.nan),
        horeca_share=units_in(HORECA_GROUP_CODES) / total,
        services_share=units_in(SERVICES_GROUP_CODES) / total,
        units_chain=counts.units_chain,
        chain_share=counts.units_chain / np.where(known > 0, known, np.nan),
    )
    result["non_daily_share"] = 1 - result["daily_share"]
    return result[[*counts.keys.columns, *MIX_COLUMNS]]
