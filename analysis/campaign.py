"""Campaign reach per municipality and edition, the ambassador leaderboard and EFRO outputs.

``participation_rate`` = participating shops / occupied retail units (groups 11–38) of the
municipality's latest inventory in or before the edition's year; ``bags_per_1000`` and
``votes_per_1000`` per 1,000 inhabitants of the population year nearest to the edition.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from analysis._grouping import group_ids
from analysis._tallies import Tallies
from analysis.geography import latest_of_year
from analysis.vacancy import RETAIL_GROUP_CODES

#: The campaign figures the reach measures use (a municipality takes part in an edition when any is above 0).
REACH_FIGURES = ["participating_shops", "bags_distributed", "votes_cast", "ambassadors"]
#: The campaign's other figures: carried through every table as reported (summed over merged municipalities).
OTHER_FIGURES = ["ambassador_candidates", "events", "social_reach", "budget_eur"]
REACH_COLUMNS = ["nis_code", "edition", *REACH_FIGURES, "retail_units_occupied", "inventory_observed_on", "population",
                 "population_year", "participation_rate", "bags_per_1000", "votes_per_1000"]
#: Legal forms left out when shop names are compared ("Bakkerij Peeters BV" = "bakkerij peeters").
LEGAL_FORMS = ("bvba", "bv", "nv", "vof", "commv", "cv", "srl", "sprl", "sa", "vzw")


def occupied_retail_units(units: pd.DataFrame) -> pd.DataFrame:
    """Occupied retail units (groups 11–38) per municipality and inventory: ``nis_code``,
    ``observed_on``, ``units`` (inventories without any are left out).

    >>> units = pd.DataFrame({"nis_code": "34022", "observed_on": pd.to_datetime(["2024-01-01"] * 3),
    ...     "status": ["occupied", "vacant", "occupied"], "group_code": ["11", "00", "59"]})
    >>> occupied_retail_units(units)["units"].tolist()
    [1]
    """
    retail = _is_occupied_retail(units)
    keys = ["nis_code", "observed_on"]
    groups = group_ids(units, keys, where=retail & units[keys].notna().all(axis=1).to_numpy())
    return groups.keys.assign(units=groups.count()).astype({"nis_code": str})  # plain codes: campaigns join on them


def _retail_units_of_tallies(tallies: Tallies) -> pd.DataFrame:
    """`occupied_retail_units` per key of ``tallies`` (`analysis._tallies.tally`), from their cells."""
    counts = tallies.keys.assign(units=tallies.total("units", _is_occupied_retail(tallies.cells)))
    counts = counts[counts["units"] > 0].reset_index(drop=True)  # as above: keys with some
    return counts.astype({"nis_code": str}) if "nis_code" in counts else counts


def _is_occupied_retail(units: pd.DataFrame) -> np.ndarray:
    retail = units["status"].eq("occupied") & units["group_code"].isin(RETAIL_GROUP_CODES).fillna(False)
    return retail.to_numpy(dtype=bool, na_value=False)


def campaign_reach(campaign: pd.DataFrame, retail_units: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    """Reach measures per municipality and edition (`REACH_COLUMNS`).

    Parameters
    ----------
    campaign : ``nis_code``, ``edition`` and the figures (``participating_shops``,
        ``bags_distributed``, ``votes_cast``, ``ambassadors``; missing where not reported).
    retail_units : the occupied retail units per municipality and inventory
        (`occupied_retail_units`): ``nis_code``, ``observed_on``, ``units``.
    population : ``nis_code``, ``year``, ``population``.

    Examples
    --------
    >>> campaign = pd.DataFrame({"nis_code": ["34022"], "edition": [2019], "participating_shops": [30],
    ...     "bags_distributed": [7700], "votes_cast": [1540], "ambassadors": [5]})
    >>> units = pd.DataFrame({"nis_code": "34022", "status": "occupied", "group_code": "11",
    ...     "observed_on": pd.to_datetime(["2018-01-01"] * 300 + ["2020-01-01"] * 10)})
    >>> population = pd.DataFrame({"nis_code": ["34022", "34022"], "year": [2018, 2020],
    ...     "population": [76_000, 77_000]})
    >>> row = campaign_reach(campaign, occupied_retail_units(units), population).iloc[0]
    >>> float(row["participation_rate"]), round(float(row["bags_per_1000"]), 2), int(row["population_year"])
    (0.1, 101.32, 2018)
    """
    reach = campaign.copy()
    reach["edition"] = reach["edition"].astype(int)
    inventories = latest_of_year(retail_units).astype({"nis_code": str})  # campaigns join on plain codes
    inventories = inventories.assign(year=pd.to_datetime(inventories["observed_on"]).dt.year.astype(int))
    reach = _latest_at_or_before(reach, inventories.rename(columns={"units": "retail_units_occupied",
                                                                     "observed_on": "inventory_observed_on"}))
    reach = _nearest_year(reach, population)
    for column in REACH_FIGURES:
        reach[column] = pd.to_numeric(reach.get(column), errors="coerce").astype("Float64")
    retail = reach["retail_units_occupied"].astype("Float64")
    reach["participation_rate"] = (reach["participating_shops"] / retail.where(retail > 0)).astype(float)
    per_1000 = reach["population"].astype("Float64") / 1000
    reach["bags_per_1000"] = (reach["bags_distributed"] / per_1000).astype(float)
    reach["votes_per_1000"] = (reach["votes_cast"] / per_1000).astype(float)
    return reach.sort_values(["nis_code", "edition"]).reset_index(drop=True)[REACH_COLUMNS]


def takes_part(reach: pd.DataFrame) -> pd.Series:
    """Whether a municipality took part in an edition: any of `REACH_FIGURES` above 0.

    >>> takes_part(pd.DataFrame({"participating_shops": [0, None, 3], "bags_distributed": [0, 10, None],
    ...     "votes_cast": None, "ambassadors": None})).tolist()
    [False, True, True]
    """
    return reach[REACH_FIGURES].apply(pd.to_numeric, errors="coerce").fillna(0).gt(0).any(axis=1)


def latest_edition(reach: pd.DataFrame, year: int) -> pd.DataFrame:
    """Each municipality's latest campaign edition up to ``year``.

    >>> reach = pd.DataFrame({"nis_code": ["34022", "34022", "34022"], "edition": [2017, 2019, 2021]})
    >>> latest_edition(reach, 2020)["edition"].tolist()
    [2019]
    """
    up_to = reach[reach["edition"] <= year].sort_values("edition", kind="stable")
    return up_to.drop_duplicates("nis_code", keep="last")


def _latest_at_or_before(reach: pd.DataFrame, inventories: pd.DataFrame) -> pd.DataFrame:
    left = reach.sort_values("edition").reset_index(drop=True)
    right = inventories.sort_values("year")[["nis_code", "year", "retail_units_occupied", "inventory_observed_on"]]
    return pd.merge_asof(left, right, left_on="edition", right_on="year", by="nis_code",
                         direction="backward").drop(columns="year")


def _nearest_year(reach: pd.DataFrame, population: pd.DataFrame) -> pd.DataFrame:
    right = population.rename(columns={"year": "population_year"}).sort_values("population_year")
    right = right.assign(population_year=right["population_year"].astype(int))
    # Ties go to the earlier year: merge_asof "nearest" prefers the backward match.
    return pd.merge_asof(reach.sort_values("edition"), right, left_on="edition", right_on="population_year",
                         by="nis_code", direction="nearest")


def leaderboard(votes: pd.DataFrame, *, top: int | None = None) -> pd.DataFrame:
    """Shops ranked by votes within each municipality and edition (1 = most votes; ties share a rank).

    >>> votes = pd.DataFrame({"nis_code": "34022", "edition": 2021, "shop_name": ["A", "B", "C"],
    ...                       "votes": [10, 30, 10], "winner": [False, True, False]})
    >>> leaderboard(votes)[["rank", "shop_name"]].values.tolist()
    [[1, 'B'], [2, 'A'], [2, 'C']]
    """
    board = votes.assign(rank=votes.groupby(["nis_code", "edition"])["votes"].rank(method="min", ascending=False)
                         .astype(int))
    board = board.sort_values(["nis_code", "edition", "rank", "shop_name"]).reset_index(drop=True)
    if top is not None:
        board = board[board["rank"] <= top]
    return board[["nis_code", "edition", "rank", "shop_name", "votes", "winner"]]


def normalise_shop_name(name: pd.Series) -> pd.Series:
    """Shop names as compared: lower case, no accents or punctuation, no legal form.

    >>> normalise_shop_name(pd.Series(["Bakkerij Peeters BV", "bakkerij  peeters", "Café Zoë (bvba)"])).tolist()
    ['bakkerij peeters', 'bakkerij peeters', 'cafe zoe']
    """
    legal = re.compile(rf"\b({'|'.join(LEGAL_FORMS)})\b")

    def one(text) -> str:
        plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
        plain = re.sub(r"comm\.?\s*v\.?", "commv", plain)
        words = re.sub(r"[^a-z0-9]+", " ", plain)
        return " ".join(legal.sub(" ", words).split())

    return name.map(one)


def enterprise_key(votes: pd.DataFrame) -> pd.Series:
    """Who an enterprise is: its KBO number where given, else municipality + normalised shop name."""
    by_name = votes["nis_code"].astype(str) + "|" + normalise_shop_name(votes["shop_name"])
    kbo = votes["kbo_number"] if "kbo_number" in votes else pd.Series(None, index=votes.index, dtype=object)
    return ("kbo|" + kbo.astype(object).where(kbo.notna(), "")).where(kbo.notna(), "naam|" + by_name)


def unique_enterprises(votes: pd.DataFrame, *, by: list[str] | None = None) -> pd.DataFrame | int:
    """The number of unique enterprises reached (EFRO CO01/CO04), in all or per ``by``.

    >>> votes = pd.DataFrame({"nis_code": ["34022"] * 3 + ["31005"], "edition": [2019, 2021, 2021, 2021],
    ...     "shop_name": ["Peeters BV", "peeters", "Veen", "Peeters"], "kbo_number": [None, None, "0403170701", None]})
    >>> unique_enterprises(votes)  # Peeters in Kortrijk twice, Veen, Peeters in Brugge
    3
    """
    keys = votes.assign(_enterprise=enterprise_key(votes))
    if by is None:
        return int(keys["_enterprise"].nunique())
    return keys.groupby(by)["_enterprise"].nunique().rename("enterprises_reached").reset_index()
