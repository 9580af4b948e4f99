"""Declared shopping areas for the pages, the command line and the maps: the list that counts, each
unit placed in an area (`analysis.areas.assign_areas`), and the figures per area, per type of area
and per derived core (`analysis.area_figures`). Column names follow DESIGN.md; rates are fractions.

An area is known by its municipality in the 2025 geography and the file's id: of the active
batches, the latest one's row counts. Units are placed in areas in the 2025 geography (an area
belongs to one municipality, and so does a unit), so a unit is in the same area whichever
geography the figures are shown in; an area's municipality in the 2018 geography is the one that
holds most of its units.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from analysis.area_figures import AREA_FIGURE_COLUMNS, TYPE_FIGURE_COLUMNS, area_figures, core_shares, type_figures
from analysis.area_types import AREA_TYPES, OUTSIDE
from analysis.areas import assign_areas
from analysis.cores import assign_cores
from analysis.geography import assign_geography
from analysis.vacancy import VACANCY_COLUMNS, vacancy, vacancy_band
from dashboard import regions, settings
from dashboard.regions import Region
from dashboard.store.database import latest_batch_wins
from dashboard.tables.indicators import derived_cores_of, placed_units, region_rows, vacancy_table

AREA_COLUMNS = ["area_id", "area_name", "area_type", "main_type", "location", "area_ha", "nis_code", "municipality"]
AREA_TABLE_COLUMNS = [*AREA_COLUMNS, "observed_on", "year", *AREA_FIGURE_COLUMNS, "vacancy_band"]
TYPE_TABLE_COLUMNS = ["area_type", "main_type", "nis_code", "municipality", "observed_on", "year",
                      *TYPE_FIGURE_COLUMNS, "vacancy_band"]
CORE_AREA_COLUMNS = ["units_in_area", "share_in_area", "main_area_name"]
#: How an area's place is said ("location").
LOCATIONS = {"polygon": "veelhoek", "point": "punt"}
_TYPE_ORDER = {name: rank for rank, name in enumerate([*AREA_TYPES, OUTSIDE])}


def current_areas(stored: pd.DataFrame) -> pd.DataFrame:
    """The areas that count (``Store.areas()``): ``nis_code`` in the 2025 geography, per
    municipality and ``area_id`` the latest batch's row, with ``area_key`` (``<nis>|<id>``, unique),
    ``main_type``, ``location`` and ``shape`` (the polygon as a shapely geometry, or None)."""
    columns = ["area_key", "area_id", "nis_code", "name", "area_type", "main_type", "location", "lat", "lon",
               "area_ha", "geometry", "shape"]
    if stored.empty:
        return pd.DataFrame(columns=columns)
    areas = assign_geography(stored.astype({"nis_code": object, "area_id": object}), regions.crosswalk(), "2025")
    areas = latest_batch_wins(areas, key=["nis_code", "area_id"], within=["nis_code", "area_id"])
    # One file may name an area under a 2018 code and again under its 2025 code: the later row stays.
    areas = areas.assign(area_id=areas["area_id"].astype(str)).drop_duplicates(["nis_code", "area_id"], keep="last")
    geometry = areas["geometry"].astype(object).where(areas["geometry"].notna(), None)
    shapes = [shapely.from_wkt(text) if isinstance(text, str) else None for text in geometry]
    areas = areas.assign(
        area_key=areas["nis_code"].astype(str) + "|" + areas["area_id"].astype(str), geometry=geometry,
        shape=pd.Series(shapes, index=areas.index, dtype=object),
        main_type=areas["area_type"].map(AREA_TYPES),
        location=np.where(geometry.notna(), LOCATIONS["polygon"],
                          np.where(areas["lat"].notna(), LOCATIONS["point"], None)))
    return areas.sort_values("area_key").reset_index(drop=True)[columns]


def assigned_units(units: pd.DataFrame, areas: pd.DataFrame, *, geography: str,
                   max_distance_m: float | None = None) -> pd.DataFrame:
    """The units of complete inventories (registers left out) in ``geography``, each with the
    ``area_key`` of its area (in ``area_id``; None outside every area), ``assigned_by`` and
    ``area_type``. ``areas`` comes from `current_areas`."""
    if "is_register" in units:
        units = units[~units["is_register"].to_numpy(dtype=bool, na_value=False)]
    walk = regions.crosswalk()
    matched = assign_geography(units[["nis_code", "shopping_area", "lat", "lon"]], walk, "2025")
    # The rules know an area by a unique id: its key (two towns may number their areas alike).
    found = assign_areas(matched, areas.assign(area_id=areas["area_key"], geometry=areas["shape"]),
                         max_distance_m=settings.area_point_distance_m() if max_distance_m is None else max_distance_m)
    types = areas.set_index("area_key")["area_type"]
    placed = assign_geography(units, walk, geography)
    # Categoricals: a million units hold a few hundred areas, grouped by their codes.
    return placed.assign(area_id=pd.Categorical(found["area_id"]), assigned_by=pd.Categorical(found["assigned_by"]),
                         area_type=pd.Categorical(found["area_id"].map(types)),
                         observed_on=pd.to_datetime(placed["observed_on"]))


def area_table(units: pd.DataFrame, areas: pd.DataFrame, *, geography: str = "2025", year: int | None = None,
               scope: str = "all", placed: pd.DataFrame | None = None) -> pd.DataFrame:
    """Figures per declared area and inventory (`AREA_TABLE_COLUMNS`): the area as the file gives
    it (its id, name, type; ``area_type`` the Locatus type, ``main_type`` Locatus' main type),
    the units each rule placed there, and vacancy, flows and mix over them. ``areas`` comes from
    `current_areas`; areas that hold no unit have no row. ``placed``: `assigned_units` of
    ``units``, when the caller has them."""
    if units.empty or areas.empty:
        return pd.DataFrame(columns=AREA_TABLE_COLUMNS)
    placed = assigned_units(units, areas, geography=geography) if placed is None else placed
    table = area_figures(placed, scope=scope).rename(columns={"area_id": "area_key"})
    owner = _owners(placed, areas, geography)
    described = areas.set_index("area_key")[["area_id", "name", "area_type", "main_type", "location", "area_ha"]]
    table = table.join(described.rename(columns={"name": "area_name"}), on="area_key").join(owner, on="area_key")
    table["municipality"] = table["nis_code"].map(regions.municipality_names(geography))
    table["year"] = table["observed_on"].dt.year
    table["vacancy_band"] = vacancy_band(table["vacancy_rate_units"])
    if year is not None:
        table = table[table["year"] == year]
    return table.sort_values(["nis_code", "area_name", "observed_on"]).reset_index(drop=True)[AREA_TABLE_COLUMNS]


def _owners(placed: pd.DataFrame, areas: pd.DataFrame, geography: str) -> pd.Series:
    """Each area's municipality in ``geography``: the one holding most of its units (ties: the lowest
    code), else its own code there."""
    own = assign_geography(areas[["area_key", "nis_code"]], regions.crosswalk(), geography)
    owners = own.set_index("area_key")["nis_code"].astype(object)
    inside = placed.loc[placed["area_id"].notna(), ["area_id", "nis_code"]].astype(object)
    counts = inside.value_counts().rename("n").reset_index().sort_values(["area_id", "n", "nis_code"],
                                                                         ascending=[True, False, True])
    most = counts.drop_duplicates("area_id").set_index("area_id")["nis_code"]
    return most.combine_first(owners).rename("nis_code")


def type_table(units: pd.DataFrame, areas: pd.DataFrame, *, level: str = "province", geography: str = "2025",
               year: int | None = None, scope: str = "all", placed: pd.DataFrame | None = None,
               region: Region | str | None = None) -> pd.DataFrame:
    """Figures per type of area (`TYPE_TABLE_COLUMNS`), the units outside every area as the type
    `analysis.areas.OUTSIDE`, over the municipalities of ``region`` (a province or Flanders; None: the
    configured one): for the region per year (each municipality's latest inventory of the year, added
    up, named as `dashboard.tables.indicators.region_rows` names it), or per municipality and
    inventory (``level="municipality"``). ``placed`` as in `area_table`."""
    if level not in ("province", "municipality"):
        raise ValueError("Cijfers per type winkelgebied bestaan voor de provincie of per gemeente.")
    if units.empty:
        return pd.DataFrame(columns=TYPE_TABLE_COLUMNS)
    region = regions.region(region)
    placed = assigned_units(units, areas, geography=geography) if placed is None else placed
    placed = regions.in_region(placed, region, geography)
    table = type_figures(placed, per_municipality=level == "municipality", scope=scope)
    if level == "province":
        counted = pd.DataFrame({"nis_code": placed["nis_code"].astype(str).to_numpy(),
                                "year": placed["observed_on"].dt.year.to_numpy()}).drop_duplicates()
        table = region_rows(table, region, geography, counted).assign(observed_on=pd.NaT)
    else:
        table["year"] = table["observed_on"].dt.year
        table["municipality"] = table["nis_code"].map(regions.municipality_names(geography))
    table["main_type"] = table["area_type"].map(AREA_TYPES)
    table["vacancy_band"] = vacancy_band(table["vacancy_rate_units"])
    if year is not None:
        table = table[table["year"] == year]
    order = table["area_type"].map(_TYPE_ORDER)
    table = table.assign(_order=order).sort_values(["nis_code", "year", "observed_on", "_order"])
    return table.reset_index(drop=True)[TYPE_TABLE_COLUMNS]


def core_table(units: pd.DataFrame, areas: pd.DataFrame, *, geography: str = "2025", year: int | None = None,
               scope: str = "all") -> pd.DataFrame:
    """The derived cores' vacancy table (`dashboard.tables.indicators.vacancy_table`, level core)
    with `CORE_AREA_COLUMNS`: how many of each core's outlets lie in a declared area, the share,
    and the area that holds most of them."""
    table = vacancy_table(units, level="core", geography=geography, year=year, scope=scope)
    if table.empty:
        return table.assign(**{column: pd.Series(dtype=object) for column in CORE_AREA_COLUMNS})
    placed = placed_units(units, geography).units
    cores = derived_cores_of(placed)  # as the vacancy table derives them
    cored = assigned_units(placed.assign(core_id=assign_cores(placed, cores)), areas, geography=geography)
    return table.merge(_shares(cored, areas), on=["core_id", "observed_on"], how="left")


def _shares(cored: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    shares = core_shares(cored)
    names = areas.set_index("area_key")["name"]
    shares["main_area_name"] = shares["main_area_id"].map(names)
    return shares[["core_id", "observed_on", *CORE_AREA_COLUMNS]]


def town_core_table(town: pd.DataFrame, cores, areas: pd.DataFrame, *, geography: str) -> pd.DataFrame:
    """One town's inventory per derived core (``cores`` of its units): ``core_id``, ``core_name``,
    the core's vacancy (`VACANCY_COLUMNS`) and `CORE_AREA_COLUMNS`."""
    columns = ["core_id", "core_name", "observed_on", *VACANCY_COLUMNS, *CORE_AREA_COLUMNS]
    if town.empty or cores is None or cores.empty:
        return pd.DataFrame(columns=columns)
    cored = assigned_units(town.assign(core_id=assign_cores(town, cores)), areas, geography=geography)
    inside = cored[cored["core_id"].notna()]
    table = vacancy(inside, by=["core_id", "observed_on"]).merge(_shares(cored, areas), on=["core_id", "observed_on"])
    table["core_name"] = table["core_id"].map(cores.set_index("core_id")["name"])
    return table[columns]


def town_areas(areas: pd.DataFrame, nis_code: str, *, geography: str) -> pd.DataFrame:
    """The areas of one town (in the 2018 geography: of the 2025 municipality it belongs to), for
    its map: `current_areas` rows."""
    successor = assign_geography(pd.DataFrame({"nis_code": [nis_code]}), regions.crosswalk(), "2025")
    return areas[areas["nis_code"] == successor["nis_code"].iloc[0]].reset_index(drop=True)


def area_changes(current: pd.DataFrame, incoming: pd.DataFrame) -> pd.DataFrame:
    """What importing a list of areas changes, per municipality (Dutch headers, for the import preview):
    the areas in the file, how many are new and how many replace a stored area with the same id, how
    many are given as a polygon, a point or not placed, and how many stored areas the file leaves out
    (they stay until their batch is rolled back). ``current`` comes from `current_areas`."""
    rows = assign_geography(incoming[["nis_code", "area_id", "geometry", "lat"]].astype({"nis_code": object}),
                            regions.crosswalk(), "2025")
    keys = rows["nis_code"].astype(str) + "|" + rows["area_id"].astype(str)
    rows = rows.assign(is_stored=keys.isin(set(current["area_key"])).to_numpy(),
                       is_polygon=rows["geometry"].notna(), is_point=rows["geometry"].isna() & rows["lat"].notna())
    per = rows.groupby("nis_code").agg(file=("area_id", "size"), stored=("is_stored", "sum"),
                                       polygon=("is_polygon", "sum"), point=("is_point", "sum"))
    kept = current[~current["area_key"].isin(set(keys))].groupby("nis_code").size()
    per["kept"] = kept.reindex(per.index, fill_value=0)
    names = regions.municipality_names("2025")
    return pd.DataFrame({
        "Gemeente": per.index.map(lambda code: names.get(code, code)), "Winkelgebieden in het bestand": per["file"],
        "Nieuw": per["file"] - per["stored"], "Vervangt een opgeslagen gebied (zelfde id)": per["stored"],
        "Met veelhoek": per["polygon"], "Met alleen een punt": per["point"],
        "Zonder ligging": per["file"] - per["polygon"] - per["point"],
        "Opgeslagen, niet in het bestand (blijven)": per["kept"]}).reset_index(drop=True)
