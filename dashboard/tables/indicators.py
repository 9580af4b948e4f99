"""Indicator tables as the command line, the pages and the reports give them.

This joins the pure computations of `analysis` with the reference data: names, geography,
population, the region's row. Column names follow DESIGN.md; rates are fractions 0–1.

Every table is of one region (`dashboard.regions`: a province or all of Flanders; ``region`` is an
`~dashboard.regions.Region`, its code, or None for ``KERNMONITOR_PROVINCE``): units of municipalities
elsewhere are left out, and the region's rows (``level="province"``) carry its own code and name,
with the number of its municipalities they rest on when that is not all of them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cache

import numpy as np
import pandas as pd

from analysis.campaign import OTHER_FIGURES, REACH_COLUMNS, REACH_FIGURES, campaign_reach
from analysis.flows import flows
from analysis.geography import assign_geography, latest_of_year, latest_on_or_before
from analysis.inventories import PlacedUnits, place_units
from analysis.kerncijfers import KERNCIJFER_COLUMNS, added_up, kerncijfers
from analysis.mix import MIX_COLUMNS
from analysis.quality import QUALITY_COLUMNS, quality_flags
from analysis.vacancy import SCOPES, VACANCY_COLUMNS, change_since_previous, vacancy, vacancy_band
from dashboard import regions
from dashboard.regions import Region

LEVELS = ("municipality", "province", "core", "shopping_area")
GEOGRAPHIES = ("2025", "2018")
TOPICS = ("vacancy", "mix", "campaign", "vitality", "impact", "register", "kerncijfers")
ID_COLUMNS = ["nis_code", "municipality", "observed_on", "year"]
FLOW_COUNTS = ["new_vacancies", "reoccupations", "openings", "closures"]
FOLLOW_COUNTS = ["units_followed_by_id", "units_followed_by_address"]
VACANCY_TABLE_COLUMNS = (ID_COLUMNS + VACANCY_COLUMNS + ["vacancy_band", "vacancy_rate_units_change"]
                         + FLOW_COUNTS + FOLLOW_COUNTS + QUALITY_COLUMNS + ["is_register_only"])
AREA_COLUMNS = {"core": ["core_id", "core_name"], "shopping_area": ["shopping_area"]}
CAMPAIGN_TABLE_COLUMNS = ["nis_code", "municipality", *REACH_COLUMNS[1:], *OTHER_FIGURES]
KERNCIJFER_TABLE_COLUMNS = ID_COLUMNS + KERNCIJFER_COLUMNS


def placed_units(units: pd.DataFrame | PlacedUnits, geography: str, region: Region | str | None = None) -> PlacedUnits:
    """The units of ``region`` placed in ``geography`` (`analysis.inventories.place_units`), unless they are already.

    Every table function takes either stored units or these: callers that make several tables
    of one store version place the units once and pass them to each.
    """
    region = regions.region(region)
    if isinstance(units, PlacedUnits):
        if units.geography != geography:
            raise ValueError(f"Deze verkooppunten staan in indeling {units.geography}, niet {geography}.")
        if set(units.inventories.keys["nis_code"].unique()) <= region.all_codes:  # 285 codes, not 5,700 inventories
            return units
        units = units.units  # placed again: a placed code stays what it is
    return place_units(regions.in_region(units, region, geography), regions.crosswalk(), geography)


def region_rows(table: pd.DataFrame, region: Region, geography: str, counted: pd.DataFrame) -> pd.DataFrame:
    """``table`` (one row per ``year``) as the region's rows: its code, and its name with the number of its
    municipalities that ``counted`` (``nis_code``, ``year``: whose inventories were added up) holds
    when that is not all (`dashboard.regions.Region.label`)."""
    covered = counted.groupby("year")["nis_code"].agg(lambda codes: region.covered(set(codes), geography))
    labels = [region.label(int(covered.get(year, 0)), geography) for year in table["year"]]
    return table.assign(nis_code=region.nis_code, municipality=labels)


def _latest_counted(placed: PlacedUnits) -> pd.DataFrame:
    """``nis_code`` and ``year`` of each municipality's latest inventory of a year (what a region's row adds up)."""
    latest = placed.latest_inventories
    return pd.DataFrame({"nis_code": latest["nis_code"].astype(str).to_numpy(),
                         "year": latest["observed_on"].dt.year.to_numpy()})


def _frame(units: pd.DataFrame | PlacedUnits) -> pd.DataFrame:
    """The units frame, placed or not (to see whether there are any)."""
    return units.units if isinstance(units, PlacedUnits) else units


def vacancy_table(units: pd.DataFrame | PlacedUnits, *, level: str = "municipality", geography: str = "2025",
                  year: int | None = None, scope: str = "all",
                  municipal: pd.DataFrame | None = None, region: Region | str | None = None) -> pd.DataFrame:
    """Vacancy indicators per municipality (core, shopping area) and inventory, or for the region per year.

    Parameters
    ----------
    units : DataFrame or PlacedUnits
        Stored units (``Store.units()``), or those placed by `placed_units`.
    level : {"municipality", "province", "core", "shopping_area"}
        "province": the region's rows, which add up each municipality's latest inventory of the
        year (`region_rows` names them). Cores are
        derived from the coordinates of each municipality's latest inventory
        (`analysis.cores`); shopping areas are the ``shopping_area`` of the file.
    geography : {"2025", "2018"}
        Municipal boundaries to report in (see `analysis.geography.assign_geography`).
    year : int, optional
        Keep only inventories of this calendar year (changes and flows are still against the
        inventory before it).
    scope : {"all", "retail"}
        All outlets or retail only (`analysis.vacancy.in_scope`).
    municipal : DataFrame, optional
        For the province: the municipalities' table of all years in the same geography, scope
        and region, when the caller has it already (the province's flows are the sum of theirs).
    region : Region, str or None
        The province or Flanders (see the module's description).

    Returns
    -------
    DataFrame with the level's id columns (`AREA_COLUMNS`) and `VACANCY_TABLE_COLUMNS`.
    ``vacancy_rate_units_change`` is the difference with the previous inventory (0.018 is 1.8
    percentage points); the flow counts are since that inventory.
    """
    if level not in LEVELS:
        raise ValueError(f"Onbekend niveau {level!r}: kies {', '.join(LEVELS)}.")
    if scope not in SCOPES:
        raise ValueError(f"Onbekende afbakening {scope!r}: kies {' of '.join(SCOPES)}.")
    region = regions.region(region)
    ids = AREA_COLUMNS.get(level, [])
    columns = ids + VACANCY_TABLE_COLUMNS
    if _frame(units).empty:
        return pd.DataFrame(columns=columns)
    placed = placed_units(units, geography, region)
    if placed.units.empty:  # none of them in the region
        return pd.DataFrame(columns=columns)
    key = ids[0] if ids else "nis_code"
    if level == "province":
        if municipal is None:
            municipal = vacancy_table(placed, geography=geography, scope=scope, region=region)
        table = _with_changes(_province_vacancy(placed, scope, municipal, region), key)
    else:
        frame = _with_areas(placed.units, level)
        registers = frame["is_register"].to_numpy(dtype=bool)
        # Flows sort every unit in numpy, which lets go of the GIL: on a second core, while the
        # rest of the table is made here. A register's units are no inventory to follow.
        with ThreadPoolExecutor(max_workers=1) as pool:
            whole = level == "municipality" and not registers.any()
            moving = pool.submit(flows, frame[~registers] if registers.any() else frame, by=key, scope=scope,
                                 inventories=placed.inventories if whole else None)
            if level == "municipality":  # whole inventories: from their tallies
                table = placed.vacancy(scope=scope)
            else:
                table = vacancy(frame[~registers], by=[key, "observed_on"], scope=scope).assign(is_register_only=False)
            table = _describe_areas(table, frame, level, geography)
            table["year"] = pd.to_datetime(table["observed_on"]).dt.year
            table = _with_changes(table, key)
            moves = moving.result()
        table = table.merge(moves.drop(columns=["observed_on_before", "units_before", "units_after", "is_balanced"]),
                            on=[key, "observed_on"], how="left")
    if year is not None:
        table = table[table["year"] == year]
    return table.sort_values([key, "observed_on"]).reset_index(drop=True)[columns]


def _with_changes(table: pd.DataFrame, key: str) -> pd.DataFrame:
    """The vacancy band, the change since the previous inventory and the quality flags (a
    register's inventory has none of them: it is compared with nothing)."""
    table["vacancy_band"] = vacancy_band(table["vacancy_rate_units"])
    if not table["is_register_only"].any():
        table = change_since_previous(table, ["vacancy_rate_units"], by=key)
        return table.join(quality_flags(table, by=key))
    whole = table[~table["is_register_only"]]
    whole = change_since_previous(whole, ["vacancy_rate_units"], by=key).join(quality_flags(whole, by=key))
    table = table.join(whole[["vacancy_rate_units_change", *QUALITY_COLUMNS]])
    return table.astype({flag: "boolean" for flag in QUALITY_COLUMNS}).fillna(
        dict.fromkeys(QUALITY_COLUMNS, False)).astype(dict.fromkeys(QUALITY_COLUMNS, bool))


def _province_vacancy(placed: PlacedUnits, scope: str, municipal: pd.DataFrame, region: Region) -> pd.DataFrame:
    """Each municipality's latest inventory of a year together; flows summed over those inventories
    (from ``municipal``: the municipalities' table of all years in the same scope)."""
    table = placed.vacancy(scope=scope, latest_per=["year"])
    counts = [*FLOW_COUNTS, *FOLLOW_COUNTS]
    moves = placed.latest_inventories.merge(municipal[["nis_code", "observed_on", *counts]],
                                            on=["nis_code", "observed_on"], how="left")
    by_year = moves.assign(year=moves["observed_on"].dt.year).groupby("year")
    per_year = by_year[counts].sum(min_count=1)  # a first inventory has no flows
    per_year = per_year.astype({count: int for count in counts if per_year[count].notna().all()})
    per_year["observed_on"] = by_year["observed_on"].max()
    table = table.join(per_year, on="year")
    return region_rows(table, region, placed.geography, _latest_counted(placed))


def _with_areas(placed: pd.DataFrame, level: str) -> pd.DataFrame:
    """Units with the id column of the level (units outside every core or area are left out)."""
    if level == "core":
        from analysis.cores import assign_cores  # geopandas: loaded only for cores (every command imports this module)

        cores = derived_cores_of(placed)
        placed = placed.assign(core_id=assign_cores(placed, cores))
        return placed[placed["core_id"].notna()].merge(cores[["core_id", "name"]].rename(
            columns={"name": "core_name"}), on="core_id")
    if level == "shopping_area":
        return placed[placed["shopping_area"].notna()]
    return placed


def derived_cores_of(units: pd.DataFrame):
    """Cores derived from each municipality's latest inventory (a stable map for every year)."""
    from analysis.cores import derived_cores  # see _with_areas

    return derived_cores(latest_on_or_before(units))


def _describe_areas(table: pd.DataFrame, placed: pd.DataFrame, level: str, geography: str) -> pd.DataFrame:
    names = regions.municipality_names(geography)
    if level != "municipality":
        key = AREA_COLUMNS[level][0]
        extra = AREA_COLUMNS[level][1:]
        owner = placed.groupby(key)["nis_code"].agg(lambda codes: codes.mode().iloc[0]).rename("nis_code")
        table = table.join(owner, on=key)
        if extra:
            table = table.join(placed.drop_duplicates(key).set_index(key)[extra], on=key)
    table["municipality"] = table["nis_code"].map(names)
    return table


def mix_table(units: pd.DataFrame | PlacedUnits, *, level: str = "municipality", geography: str = "2025",
              year: int | None = None, region: Region | str | None = None) -> pd.DataFrame:
    """Shop mix per municipality and inventory (or the region and year): `analysis.mix.MIX_COLUMNS`
    plus, per Locatus group, ``share_units_<code>``, ``share_floor_<code>`` and
    ``location_quotient_<code>`` (against the region in the same year)."""
    if level not in ("municipality", "province"):
        raise ValueError("De winkelmix bestaat per gemeente of voor de provincie.")
    if _frame(units).empty:
        return pd.DataFrame(columns=ID_COLUMNS + MIX_COLUMNS)
    region = regions.region(region)
    placed = placed_units(units, geography, region)
    if placed.units.empty:
        return pd.DataFrame(columns=ID_COLUMNS + MIX_COLUMNS)
    inventories = placed.latest_inventories
    if level == "province":
        table = placed.shop_mix(latest_per=["year"]).assign(nis_code=region.nis_code)
        inventories = inventories.assign(nis_code=region.nis_code)
    else:
        table = placed.shop_mix(latest_per=["nis_code", "year"])
    inventories = inventories.assign(year=inventories["observed_on"].dt.year)
    dates = inventories.groupby(["nis_code", "year"])["observed_on"].max()
    table["observed_on"] = table.set_index(["nis_code", "year"]).index.map(dates)
    if level == "province":
        table = region_rows(table, region, geography, _latest_counted(placed))
    else:
        table["municipality"] = table["nis_code"].map(regions.municipality_names(geography))
    if year is not None:
        table = table[table["year"] == year]
    rest = [c for c in table.columns if c not in ID_COLUMNS + MIX_COLUMNS]
    return table[ID_COLUMNS + MIX_COLUMNS + sorted(rest)].reset_index(drop=True)


def kerncijfers_table(units: pd.DataFrame | PlacedUnits, *, level: str = "municipality", geography: str = "2025",
                      year: int | None = None, nis_code: str | None = None,
                      region: Region | str | None = None) -> pd.DataFrame:
    """The core retail figures (`analysis.kerncijfers`) of each municipality's latest inventory of a
    year, or for the region per year (those inventories added up, over the inhabitants of the
    municipalities with one; `region_rows` names them): `KERNCIJFER_TABLE_COLUMNS`.

    With ``nis_code``, only that municipality (the Gemeente page: no grouping of every other town).
    A register of vacant premises only has no core figures (they need every outlet).
    """
    if level not in ("municipality", "province"):
        raise ValueError("De kerncijfers bestaan per gemeente of voor de provincie.")
    if _frame(units).empty:
        return pd.DataFrame(columns=KERNCIJFER_TABLE_COLUMNS)
    region = regions.region(region)
    chosen, history = _latest_and_history(units, geography, nis_code, region)
    if year is not None:
        chosen = chosen[chosen["observed_on"].dt.year == year]
    if chosen.empty:
        return pd.DataFrame(columns=KERNCIJFER_TABLE_COLUMNS)
    table = kerncijfers(chosen, population(geography, region), history=history)
    if level == "province":
        table = region_rows(added_up(table), region, geography, table[["nis_code", "year"]].astype({"nis_code": str}))
    else:
        table["municipality"] = table["nis_code"].map(regions.municipality_names(geography))
    return table.sort_values(["nis_code", "observed_on"])[KERNCIJFER_TABLE_COLUMNS].reset_index(drop=True)


def _latest_and_history(units: pd.DataFrame | PlacedUnits, geography: str, nis_code: str | None,
                        region: Region) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The units of each municipality's latest inventory of a year, and those of all its inventories
    (to look back in), in ``geography`` and ``region``; registers of vacant premises left out of both."""
    if isinstance(units, PlacedUnits):
        placed = placed_units(units, geography, region)
        history, latest = placed.units, placed.is_latest[placed.inventories.ids]  # a register is never latest
    else:
        history = assign_geography(regions.in_region(units, region, geography), regions.crosswalk(), geography)
        history, latest = history.assign(observed_on=pd.to_datetime(history["observed_on"])), None
    keep = np.ones(len(history), dtype=bool)
    if "is_register" in history:
        keep &= ~history["is_register"].to_numpy(dtype=bool, na_value=False)
    if nis_code is not None:
        keep &= (history["nis_code"] == nis_code).to_numpy(dtype=bool, na_value=False)
    if not keep.all():  # a mask copies every column: only when it leaves rows out
        history, latest = history[keep], None if latest is None else latest[keep]
    if latest is None:
        return latest_of_year(history), history
    return (history if latest.all() else history[latest]), history


def population(geography: str = "2025", region: Region | str | None = None) -> pd.DataFrame:
    """Population on 1 January 2018 and 2020 per municipality of the region: ``nis_code``, ``year``,
    ``population``."""
    region = regions.region(region)
    return _population(geography, region.nis_code).copy()


@cache
def _population(geography: str, region_code: str) -> pd.DataFrame:
    frame = regions.region(region_code).municipalities(geography)
    long = frame.melt(id_vars="nis_code", value_vars=["population_2018", "population_2020"], var_name="year",
                      value_name="population")
    long["year"] = long["year"].str[-4:].astype(int)
    return long


def campaign_table(campaign: pd.DataFrame, units: pd.DataFrame | PlacedUnits, *, level: str = "municipality",
                   geography: str = "2025", edition: int | None = None,
                   region: Region | str | None = None) -> pd.DataFrame:
    """Campaign reach per municipality of the region (or for the region, named by its name: a
    municipality without campaign figures took no part) and edition: `CAMPAIGN_TABLE_COLUMNS`."""
    if level not in ("municipality", "province"):
        raise ValueError("Campagnebereik bestaat per gemeente of voor de provincie.")
    region = regions.region(region)
    campaign = regions.in_region(campaign, region, geography) if len(campaign) else campaign
    if campaign.empty:
        return pd.DataFrame(columns=CAMPAIGN_TABLE_COLUMNS)
    figures = [*REACH_FIGURES, *OTHER_FIGURES]
    placed = assign_geography(campaign.reindex(columns=["nis_code", "edition", *figures]), regions.crosswalk(),
                              geography)
    placed[figures] = placed[figures].apply(pd.to_numeric, errors="coerce")
    people = population(geography, region)
    stored = None if _frame(units).empty else placed_units(units, geography, region)
    stored = None if stored is None or stored.units.empty else stored
    shops = _no_units() if stored is None else stored.occupied_retail_units()
    if level == "province":
        placed = placed.assign(nis_code=region.nis_code)
        people = people.groupby("year", as_index=False)["population"].sum().assign(nis_code=region.nis_code)
        if stored is not None:  # each municipality's latest inventory of a year, together
            per_year = stored.occupied_retail_units(latest_per=["year"])
            shops = pd.DataFrame({"nis_code": region.nis_code, "units": per_year["units"],
                                  "observed_on": pd.to_datetime(per_year["year"].astype(str) + "-01-01")})
    summed = placed.groupby(["nis_code", "edition"], as_index=False)[figures].sum(min_count=1)
    reach = campaign_reach(summed[["nis_code", "edition", *REACH_FIGURES]], shops, people)
    reach = reach.merge(summed[["nis_code", "edition", *OTHER_FIGURES]], on=["nis_code", "edition"], how="left")
    names = {**regions.municipality_names(geography), region.nis_code: region.name}
    reach["municipality"] = reach["nis_code"].map(names)
    if edition is not None:
        reach = reach[reach["edition"] == edition]
    return reach[CAMPAIGN_TABLE_COLUMNS].reset_index(drop=True)


def _no_units() -> pd.DataFrame:
    return pd.DataFrame({"nis_code": pd.Series(dtype=str), "observed_on": pd.Series(dtype="datetime64[ns]"),
                         "units": pd.Series(dtype="int64")})
