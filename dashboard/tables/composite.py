"""Composite results built on the indicator tables: the vitality index and the campaign impact."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.campaign import latest_edition, takes_part
from analysis.geography import latest_of_year
from analysis.impact import ImpactResult, campaign_impact
from analysis.inventories import PlacedUnits
from analysis.vitality import DEFAULT_WEIGHTS, peer_group, rank_within, vitality_index
from dashboard import regions
from dashboard.regions import Region
from dashboard.tables.indicators import campaign_table, mix_table, vacancy_table


def yearly_vacancy(units: pd.DataFrame | PlacedUnits, *, geography: str = "2025",
                   table: pd.DataFrame | None = None, region: Region | str | None = None) -> pd.DataFrame:
    """``nis_code``, ``year``, ``vacancy_rate_units``, ``long_term_vacancy_share`` and the counts
    they rest on (``units_vacant``, ``units_vacant_long_term``, ``units_vacant_structural``): each
    municipality's latest inventory of each year (from ``table``, the municipalities'
    `vacancy_table` of the region, when already computed)."""
    table = vacancy_table(units, geography=geography, region=region) if table is None else table
    columns = ["nis_code", "year", "vacancy_rate_units", "long_term_vacancy_share", "units_vacant",
               "units_vacant_long_term", "units_vacant_structural"]
    return latest_of_year(table)[columns].sort_values(["nis_code", "year"]).reset_index(drop=True)


def vitality_table(units: pd.DataFrame | PlacedUnits, campaign: pd.DataFrame, *, year: int, geography: str = "2025",
                   weights: Mapping[str, float] = DEFAULT_WEIGHTS, vacancy: pd.DataFrame | None = None,
                   mix: pd.DataFrame | None = None, reach: pd.DataFrame | None = None,
                   region: Region | str | None = None) -> pd.DataFrame:
    """The vitality index of every municipality of the region in ``year``, with its components, the
    weights used, its peer group (within the region) and its rank among its peers and in the region
    (``rank_in_province``: in Flanders when the region is Flanders).

    Components: vacancy and long-term vacancy of the year's latest inventory, the evenness of the
    shop mix, ``vacancy_rate_change_3y`` (rate now − rate three years before) and the
    participation rate of the latest campaign edition up to ``year``.

    ``vacancy``, ``mix`` and ``reach`` are the municipalities' `vacancy_table`, `mix_table` and
    `campaign_table` in the same geography and region, when the caller has them already (they are
    computed from ``units`` and ``campaign`` otherwise).
    """
    region = regions.region(region)
    vacancy = yearly_vacancy(units, geography=geography, table=vacancy, region=region)
    now = vacancy[vacancy["year"] == year].set_index("nis_code")
    before = vacancy[vacancy["year"] == year - 3].set_index("nis_code")
    components = now[["vacancy_rate_units", "long_term_vacancy_share"]].copy()
    components["vacancy_rate_change_3y"] = now["vacancy_rate_units"] - before["vacancy_rate_units"]
    mix = mix_table(units, geography=geography, region=region) if mix is None else mix
    mix = mix[mix["year"] == year].set_index("nis_code")
    components["evenness"] = mix["evenness"]
    # The counts the components rest on: the small-numbers rule judges each rate by them.
    counts = now[["units_vacant", "units_vacant_long_term", "units_vacant_structural"]].assign(
        units_vacant_3y_before=before["units_vacant"], units_mix_known=mix["units_mix_known"])
    reach = campaign_table(campaign, units, geography=geography, region=region) if reach is None else reach
    reach = latest_edition(reach, year)
    components["participation_rate"] = reach.set_index("nis_code")["participation_rate"]
    components = components.reset_index()
    scored = components.merge(vitality_index(components, weights=weights).drop(columns=list(weights), errors="ignore"),
                              on="nis_code").merge(counts.reset_index(), on="nis_code", how="left")
    places = region.municipalities(geography).set_index("nis_code")
    scored["municipality"] = scored["nis_code"].map(places["name_nl"])
    scored["peer_group"] = peer_group(pd.DataFrame({
        "is_centrumstad": scored["nis_code"].map(places["is_centrumstad"]),
        "population": scored["nis_code"].map(places["population_2020"])}))
    scored["rank_in_peer_group"] = rank_within(scored["vitality_index"], scored["peer_group"])
    scored["rank_in_province"] = rank_within(scored["vitality_index"], pd.Series("provincie", index=scored.index))
    scored.insert(1, "year", year)
    first = ["nis_code", "municipality", "year", "vitality_index", "peer_group", "rank_in_peer_group",
             "rank_in_province"]
    return scored[first + [c for c in scored.columns if c not in first]].sort_values(
        "rank_in_province").reset_index(drop=True)


def impact(units: pd.DataFrame | PlacedUnits, campaign: pd.DataFrame, *, edition: int, geography: str = "2025",
           vacancy: pd.DataFrame | None = None, reach: pd.DataFrame | None = None,
           region: Region | str | None = None, **options) -> ImpactResult:
    """`analysis.impact.campaign_impact` with the participants of ``edition``: municipalities with
    any campaign figure above 0 in that edition, against the other municipalities of the region.
    ``vacancy`` and ``reach``: as in `vitality_table`."""
    region = regions.region(region)
    reach = campaign_table(campaign, units, geography=geography, region=region) if reach is None else reach
    reach = reach[reach["edition"] == edition]
    taking_part = takes_part(reach)
    return campaign_impact(yearly_vacancy(units, geography=geography, table=vacancy, region=region),
                           reach.loc[taking_part, "nis_code"], edition=edition, **options)
