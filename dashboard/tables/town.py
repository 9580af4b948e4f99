"""What the Gemeente page shows besides the charts: one town's units, its streets, the long-vacant
units to act on, and its strengths. Plain functions of DataFrames; Dutch headers for display."""

from __future__ import annotations

import pandas as pd

from analysis.addresses import is_made_up
from analysis.geography import assign_geography, latest_of_year
from analysis.vacancy import LONG_TERM_DAYS, is_outlet, vacancy_days
from analysis.vitality import peer_group
from dashboard import reference, regions
from dashboard.i18n import format_address, format_since
from dashboard.regions import Region
from dashboard.registry import LABELS, blanked

#: A group is a strength when it is this much more common than in the province.
STRENGTH_MIN_QUOTIENT = 1.25


def town_units(units: pd.DataFrame, nis_code: str, *, geography: str, year: int) -> pd.DataFrame:
    """The units of the town's latest inventory in ``year`` (in the chosen geography)."""
    placed = assign_geography(units, regions.crosswalk(), geography)
    return latest_of_year(placed[placed["nis_code"] == nis_code], year=year)


def street_table(units: pd.DataFrame, *, top: int = 10) -> pd.DataFrame:
    """The streets with the most vacant outlets: Straat, Verkooppunten, Leegstaande panden and
    Leegstand (panden) (0–1), under the registry's labels.

    >>> units = pd.DataFrame({"street": ["Markt", "Markt", "Markt", "Dam", None], "group_code": "11",
    ...                       "status": ["vacant", "vacant", "occupied", "vacant", "vacant"]})
    >>> street_table(units).values.tolist()
    [['Markt', 3, 2, 0.6666666666666666], ['Dam', 1, 1, 1.0]]
    >>> no_streets = units.assign(street=None, status=units["status"].astype("category"))
    >>> street_table(no_streets).columns.tolist(), len(street_table(no_streets))
    (['Straat', 'Verkooppunten', 'Leegstaande panden', 'Leegstand (panden)'], 0)
    """
    outlets = units[is_outlet(units) & units["street"].notna()]
    vacant = outlets["status"].astype(str).eq("vacant").astype(int)  # categorical or not, empty or not
    streets = outlets["street"].astype(str)
    table = pd.DataFrame({"units": streets.groupby(streets).size(), "vacant": vacant.groupby(streets).sum()})
    table["rate"] = table["vacant"] / table["units"]
    table = table[table["vacant"] > 0].sort_values(["vacant", "rate"], ascending=False).head(top)
    table = table.rename_axis("street").reset_index()
    return table.rename(columns={"street": LABELS["street"], "units": LABELS["units_total"],
                                 "vacant": LABELS["units_vacant"], "rate": LABELS["vacancy_rate_units"]})


def action_list(current: pd.DataFrame, history: pd.DataFrame, *, geography: str,
                min_days: int = LONG_TERM_DAYS) -> pd.DataFrame:
    """Units vacant for at least ``min_days``, longest first, for the town-centre manager to follow up.

    ``current`` comes from `town_units` (codes in ``geography``); ``history`` is every stored unit,
    put in the same geography so a merged town (Meulebeke + Tielt) finds its units' earlier groups.
    Columns (registry labels): Pand-id (an id the file gave; empty for one made from the address),
    Adres, Handelsnaam voor de leegstand and Laatste groep (in the latest earlier inventory in which
    the unit was occupied, where known), Oppervlakte (m²), Leeg sinds (as precise as it is known:
    "maart 2020"), Jaren leeg.
    """
    days = vacancy_days(current)
    long = current[days >= min_days].assign(_days=days)
    before = _last_occupied(long, assign_geography(history, regions.crosswalk(), geography))
    names = reference.group_names()
    table = pd.DataFrame({
        LABELS["unit_id"]: [None if is_made_up(unit) else unit for unit in long["unit_id"].astype(object)],
        LABELS["address"]: [format_address(s, n) for s, n in zip(long["street"], long["house_number"], strict=True)],
        LABELS["last_occupied_name"]: before["name"],
        LABELS["last_occupied_group"]: [names.get(code, "onbekend") if isinstance(code, str) else "onbekend"
                                        for code in before["group_code"]],
        LABELS["floor_area_m2"]: long["floor_area_m2"].to_numpy(),
        LABELS["vacant_since"]: [format_since(day, precision) for day, precision in zip(
            long["vacant_since"], _precisions(long), strict=True)],
        LABELS["years_vacant"]: (long["_days"].astype(float) / 365.25).round(1).to_numpy(),
    })
    return table.sort_values(LABELS["years_vacant"], ascending=False, kind="stable").reset_index(drop=True)


def _last_occupied(long: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """For each unit of ``long``: its trade name and group in the latest inventory before the unit's
    own in which it was occupied (None where it never was), in ``long``'s order. A later inventory
    never counts: a past year's list must not name an occupant that came after it."""
    keys = ["nis_code", "unit_id"]
    asked = pd.DataFrame({"nis_code": long["nis_code"].astype(object), "unit_id": long["unit_id"].astype(object),
                          "_asked_on": long["observed_on"].to_numpy(), "_order": range(len(long))})
    occupied = history.loc[(history["status"] == "occupied") & history["unit_id"].isin(long["unit_id"]),
                           [*keys, "observed_on", "name", "group_code"]].astype(
        {"nis_code": object, "unit_id": object, "name": object, "group_code": object})
    pairs = asked.merge(occupied, on=keys, how="inner")
    pairs = pairs[pairs["observed_on"] < pairs["_asked_on"]]
    last = pairs.sort_values("observed_on", kind="stable").drop_duplicates("_order", keep="last").set_index("_order")
    found = last[["name", "group_code"]].reindex(range(len(long)))
    return found.where(found.notna(), None).reset_index(drop=True)


def _precisions(units: pd.DataFrame) -> list:
    """Each unit's `vacant_since_precision` (None: a day), also for units stored before it existed."""
    if "vacant_since_precision" not in units:
        return [None] * len(units)
    return units["vacant_since_precision"].astype(object).tolist()


def strengths(mix_row: pd.Series, *, min_quotient: float = STRENGTH_MIN_QUOTIENT) -> pd.DataFrame:
    """Groups over-represented against the province: Groep, Locatiequotiënt (≥ ``min_quotient``). A group
    whose quotient rests on a small number of units (the small-numbers rule) is not listed."""
    names = reference.group_names()
    mix_row = blanked(mix_row.to_frame().T).iloc[0]
    quotients = {column.removeprefix("location_quotient_"): value for column, value in mix_row.items()
                 if str(column).startswith("location_quotient_") and pd.notna(value) and value >= min_quotient}
    table = pd.DataFrame({"Groep": [names.get(code, code) for code in quotients],
                          LABELS["location_quotient"]: list(quotients.values())})
    return table.sort_values(LABELS["location_quotient"], ascending=False).reset_index(drop=True)


def ambassadors(votes: pd.DataFrame, nis_code: str, *, geography: str) -> pd.DataFrame:
    """The town's ambassadors (winners) per edition: Editie, Winkel, Stemmen."""
    if votes.empty:
        return pd.DataFrame(columns=["Editie", "Winkel", "Stemmen"])
    placed = assign_geography(votes, regions.crosswalk(), geography)
    winners = placed[(placed["nis_code"] == nis_code) & placed["winner"].astype(bool)]
    return (winners.sort_values(["edition", "votes"], ascending=[False, False])
            .rename(columns={"edition": "Editie", "shop_name": "Winkel", "votes": "Stemmen"})
            [["Editie", "Winkel", "Stemmen"]].reset_index(drop=True))


def peer_codes(nis_code: str, *, geography: str, region: Region | str | None = None) -> tuple[str, list[str]]:
    """The town's peer group (`analysis.vitality.peer_group`) and the codes of its members in the region
    (the centrumsteden of Antwerpen are Antwerpen, Mechelen and Turnhout; of Flanders, all thirteen)."""
    places = regions.region(region).municipalities(geography)
    groups = peer_group(pd.DataFrame({"is_centrumstad": places["is_centrumstad"],
                                      "population": places["population_2020"]}))
    own = groups[places["nis_code"] == nis_code].iloc[0]
    return own, places.loc[groups == own, "nis_code"].tolist()


def comparison_kpis(table: pd.DataFrame, province: pd.DataFrame, nis_code: str, *, year: int,
                    geography: str, region: Region | str | None = None) -> dict:
    """The town's vacancy by units in ``year`` beside the region's (``province``: its rows of
    `dashboard.tables.indicators.vacancy_table`) and its peer group's in the region (pooled: vacant
    outlets / outlets of all members). ``province_label`` is the name of the region's row of the year
    (it says how many municipalities it rests on when not all)."""
    region = regions.region(region)
    year_rows = latest_of_year(table, year=year)
    group, peers = peer_rate(year_rows, nis_code, geography=geography, region=region)
    own = year_rows[year_rows["nis_code"] == nis_code].iloc[0]
    in_province = province[province["year"] == year]
    return {
        "town": float(own["vacancy_rate_units"]),
        "province": float(in_province["vacancy_rate_units"].iloc[0]) if len(in_province) else float("nan"),
        "province_label": str(in_province["municipality"].iloc[0]) if len(in_province) and "municipality" in
        in_province else region.name,
        "peers": peers,
        "peer_group": group,
    }


def peer_rate(latest: pd.DataFrame, nis_code: str, *, geography: str,
              region: Region | str | None = None) -> tuple[str, float]:
    """The town's peer group and its pooled vacancy by units: vacant outlets / outlets of the members'
    rows in ``latest`` (one vacancy row per municipality); NaN when no member has outlets."""
    group, members = peer_codes(nis_code, geography=geography, region=region)
    # A register knows only vacant premises: it has no outlets to pool.
    peers = latest[latest["nis_code"].isin(members) & ~latest["is_register_only"].astype(bool)]
    outlets = peers["units_total"].sum()
    return group, float(peers["units_vacant"].sum() / outlets) if outlets else float("nan")
