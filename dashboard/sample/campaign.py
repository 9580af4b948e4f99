"""Sample campaign figures and per-shop ambassador votes, calibrated to the published totals.

Editions: 2017 (bags, the nine partner cities), 2018 (first ambassador round, same nine),
2019 (the 2019–2020 round, final 23 January 2020), 2021 and 2022. Participating shops are
drawn from the sample's own occupied units, so names match the unit data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.geography import latest_on_or_before
from dashboard.reference import locatus_groups, municipalities
from dashboard.sample import targets
from dashboard.sample.targets import largest_remainder

#: Assumed figures of the 2018 round (not published): registered shops and votes.
ASSUMED_2018 = {"participating_shops": 150, "votes_cast": 9_000}
#: Municipalities named in the press as taking part (winners from Avelgem, Tielt, Wingene,
#: Pittem, Oudenburg, Jabbeke, Torhout, Harelbeke, Waregem); they join right after the partners.
NAMED_PARTICIPANTS = ("34003", "37015", "37018", "37011", "35014", "31012", "31033", "34013", "34040")
EDITIONS = (2017, 2018, 2019, 2021, 2022)
KBO_SHARE = 0.8


def generate_campaign(units: pd.DataFrame, *, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Campaign figures (one row per municipality and edition) and votes (one row per shop)."""
    rng = np.random.default_rng([seed, 2017])
    places = municipalities("2018").set_index("nis_code")
    order = _participation_order(places)
    totals = targets.campaign_totals()
    first_round = list(places.index[places["is_campaign_2018"]])
    rows, votes = [], []
    for edition in EDITIONS:
        inventory = _inventory_before(units, edition)
        retail = _occupied_retail(inventory)
        if edition == 2017:
            rows += _bags_edition(first_round, retail, totals[2017]["bags_distributed"], rng)
            continue
        figures = {**ASSUMED_2018, **totals[edition]} if edition == 2018 else totals[edition]
        taking_part = first_round if edition == 2018 else order[:figures["ambassadors"]]
        edition_rows, edition_votes = _ambassador_edition(
            edition, taking_part, inventory, retail, places, figures, rng)
        rows += edition_rows
        votes.append(edition_votes)
    campaign = pd.DataFrame(rows)
    campaign["municipality"] = campaign["nis_code"].map(places["name_nl"])
    return campaign, pd.concat(votes, ignore_index=True)


def _participation_order(places: pd.DataFrame) -> list[str]:
    """KraK West partners first, then municipalities named in the press, then by population."""
    partners = list(places.index[places["is_krakwest_partner"]])
    rest = places.drop(partners + list(NAMED_PARTICIPANTS)).sort_values("population_2018", ascending=False)
    return partners + list(NAMED_PARTICIPANTS) + list(rest.index)


def _inventory_before(units: pd.DataFrame, edition: int) -> pd.DataFrame:
    """The units of the last inventory on or before 1 January of the edition year."""
    return latest_on_or_before(units, pd.Timestamp(edition, 1, 1), by=[])


def _occupied_retail(inventory: pd.DataFrame) -> pd.Series:
    retail_groups = locatus_groups().query("is_retail")["group_code"]
    occupied = inventory[(inventory["status"] == "occupied") & inventory["group_code"].isin(retail_groups)]
    return occupied.groupby("nis_code").size()


def _bags_edition(taking_part: list[str], retail: pd.Series, total: int, rng) -> list[dict]:
    """Bags in blocks of 500, Kortrijk's published 10,000 first; shops about 15 % of retail."""
    fixed = {code: targets.published_campaign_value(code, 2017, "bags_distributed") for code in taking_part}
    fixed = {code: value for code, value in fixed.items() if value is not None}
    others = [code for code in taking_part if code not in fixed]
    blocks = largest_remainder((total - sum(fixed.values())) // 500, retail.reindex(others).to_numpy())
    bags = {**fixed, **dict(zip(others, blocks * 500, strict=False))}
    return [{"nis_code": code, "edition": 2017, "bags_distributed": int(bags[code]),
             "participating_shops": int(round(0.15 * retail.get(code, 0) * rng.uniform(0.8, 1.2)))}
            for code in taking_part]


def _ambassador_edition(edition, taking_part, inventory, retail, places, figures, rng):
    """Shops, votes and one local ambassador per taking-part municipality."""
    weights = retail.reindex(taking_part).fillna(1).to_numpy() ** 0.7
    shops = 2 + largest_remainder(figures["participating_shops"] - 2 * len(taking_part), weights)
    population = places.loc[taking_part, "population_2018"].to_numpy()
    votes_cast = largest_remainder(figures["votes_cast"], population ** 0.8 * rng.uniform(0.7, 1.3, len(taking_part)))
    rows, shop_rows = [], []
    for code, n_shops, n_votes in zip(taking_part, shops, votes_cast, strict=False):
        candidates = _candidates(inventory, code, int(n_shops), rng)
        split = largest_remainder(int(n_votes), rng.dirichlet(np.full(len(candidates), 0.8)))
        winner = int(np.argmax(split))
        for i, (name, unit_id) in enumerate(candidates):
            shop_rows.append({"nis_code": code, "municipality": places.loc[code, "name_nl"], "edition": edition,
                              "shop_name": name, "kbo_number": _kbo(unit_id, rng), "votes": int(split[i]),
                              "winner": i == winner})
        rows.append({"nis_code": code, "edition": edition, "participating_shops": len(candidates),
                     "ambassador_candidates": len(candidates), "votes_cast": int(split.sum()), "ambassadors": 1})
    return rows, pd.DataFrame(shop_rows)


def _candidates(inventory: pd.DataFrame, nis_code: str, n: int, rng) -> list[tuple[str, str]]:
    """n occupied shops of a municipality with distinct names (name, unit_id)."""
    pool = inventory[(inventory["nis_code"] == nis_code) & (inventory["status"] == "occupied")
                     & inventory["group_code"].isin(["11", "22", "35", "37", "38", "59", "65"])]
    pool = pool.drop_duplicates("name")
    picked = pool.iloc[rng.choice(len(pool), size=min(n, len(pool)), replace=False)]
    return list(zip(picked["name"], picked["unit_id"], strict=False))


def _kbo(unit_id: str, rng) -> str | None:
    """A fictional but well-formed KBO number (mod-97 check digits), fixed per unit."""
    if rng.random() >= KBO_SHARE:
        return None
    base = 2_000_000 + int(unit_id.replace("-", "")) % 7_999_999
    return f"0{base:07d}{97 - base % 97:02d}"
