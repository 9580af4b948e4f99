"""Rows of a list of shopping areas (``--kind areas``): id, name, municipality, Locatus type and place.

As Provincies in Cijfers gives Locatus' areas: ``winkelgebied_id``, ``winkelgebied_naam``,
``typering`` (and ``hoofdtype``), ``nis_code_2025``, ``rep_point_lat``/``rep_point_lon`` and
``area_ha``; or a polygon (WKT or GeoJSON, `dashboard.ingest.geometry`). An area needs a name, a
municipality and a type (`analysis.areas.AREA_TYPES`, however spelt); without an id its name is its
id. Its place is optional: an area without one counts only the units that name it, and is not on
the map. A wrong place, half a point or an area in hectares that is no number becomes unknown, with
a warning; the area counts.
"""

from __future__ import annotations

import pandas as pd

from analysis.area_types import AREA_TYPES, area_type, name_key
from dashboard.ingest.places import name_of
from dashboard.ingest.problems import WARNING, Problem
from dashboard.ingest.units import lambert72_to_wgs84

#: The fields of an area that can refuse its row; any other wrong value becomes unknown.
REQUIRED_AREA_FIELDS = frozenset({"nis_code", "postcode", "municipality", "name", "area_type", "area_id"})
TYPE_ADVICE = "kies een type van Locatus: " + ", ".join(AREA_TYPES)


def build_areas(parsed: pd.DataFrame, source: dict[str, str], *, cells: pd.DataFrame,
                **_) -> tuple[pd.DataFrame, list[Problem]]:
    """The store's areas columns from parsed ones, with the problems only areas can have."""
    rows = parsed.copy()
    problems = _missing(rows, source, "name", "geen naam: vul de naam van het winkelgebied in")
    problems += _types(rows, source, cells)
    problems += _main_types(rows, source, cells)
    problems += _places(rows, source, cells)
    derived = rows["area_id"].isna() & rows["name"].notna()
    rows.loc[derived, "area_id"] = rows.loc[derived, "name"].map(name_key)
    problems += _same_names(rows, source)
    rows["area_ha"] = rows["area_ha"].astype("float64")
    return rows, problems


def _missing(rows: pd.DataFrame, source: dict[str, str], column: str, message: str) -> list[Problem]:
    if column not in source:  # a whole missing column is a problem of the header (`header_checks`)
        return []
    return [Problem(int(n), source[column], None, message) for n in rows.index[rows[column].isna()]]


def _types(rows: pd.DataFrame, source: dict[str, str], cells: pd.DataFrame) -> list[Problem]:
    """Each type as Locatus writes it; an unknown one is an error that lists the types."""
    given = rows["area_type"]
    found = given.map(area_type)
    rows["area_type"] = found
    problems = _missing(rows.assign(area_type=given), source, "area_type", f"geen type: {TYPE_ADVICE}")
    unknown = given.notna() & found.isna()
    return problems + [Problem(int(n), source["area_type"], cells.at[n, source["area_type"]],
                               f"onbekend type winkelgebied: {TYPE_ADVICE}") for n in rows.index[unknown]]


def _main_types(rows: pd.DataFrame, source: dict[str, str], cells: pd.DataFrame) -> list[Problem]:
    """A main type (``hoofdtype``) only checks the type: it follows from it."""
    if "main_type" not in source:
        return []
    expected = rows["area_type"].map(AREA_TYPES)
    given = rows["main_type"].map(lambda text: text.strip().lower() if isinstance(text, str) else None)
    wrong = given.notna() & expected.notna() & (given != expected.str.lower())
    return [Problem(int(n), source["main_type"], cells.at[n, source["main_type"]], (
        f"hoofdtype past niet bij het type {rows.at[n, 'area_type']}: dat is voor Locatus "
        f"'{expected[n]}', en zo telt het"), WARNING) for n in rows.index[wrong]]


def _places(rows: pd.DataFrame, source: dict[str, str], cells: pd.DataFrame) -> list[Problem]:
    """Point (lat/lon, x/y or a POINT geometry) and polygon in WGS84; a polygon without a point gets
    a point inside it (for the table and the name on the map)."""
    import shapely  # only for a list of areas: every command imports the importer

    from dashboard.ingest.geometry import parse_shape, to_wkt

    problems = _points(rows, source)
    shapes = []
    for n, text in rows["geometry"].items():
        shape, why = parse_shape(text)
        if why:
            problems.append(Problem(int(n), source["geometry"], cells.at[n, source["geometry"]],
                                    f"{why}; de geometrie blijft leeg, het gebied telt mee", WARNING))
        shapes.append(shape)
    polygons = [shape if shape is not None and shape.geom_type != "Point" else None for shape in shapes]
    points = [None if shape is None else shape if polygon is None else shapely.point_on_surface(polygon)
              for shape, polygon in zip(shapes, polygons, strict=True)]
    rows["geometry"] = pd.Series([to_wkt(p) if p is not None else None for p in polygons], index=rows.index,
                                 dtype=object)
    given = rows["lat"].notna()  # a point the file gives stays
    for column, coordinate in (("lat", lambda p: p.y), ("lon", lambda p: p.x)):
        shown = pd.Series([coordinate(p) if p is not None else None for p in points], index=rows.index, dtype=float)
        rows[column] = rows[column].where(given, shown)
    nowhere = rows["lat"].isna() & rows["geometry"].isna() & rows["name"].notna()
    return problems + [Problem(int(n), None, rows.at[n, "name"], (
        "geen ligging (punt of veelhoek): het gebied telt alleen de panden die het bij naam noemen (kolom "
        "winkelgebied van de inventaris) en staat niet op de kaart"), WARNING) for n in rows.index[nowhere]]


def _points(rows: pd.DataFrame, source: dict[str, str]) -> list[Problem]:
    """lat/lon from the file (or from Lambert 72 x/y); half a point or one outside the province is unknown."""
    from dashboard.ingest.geometry import inside_region  # see `_places`

    if "lat" not in source and "x" in source and "y" in source:
        rows["lat"], rows["lon"] = lambert72_to_wgs84(rows["x"].astype(float), rows["y"].astype(float))
    rows["lat"], rows["lon"] = rows["lat"].astype("float64"), rows["lon"].astype("float64")
    first = source.get("lat") or source.get("y") or source.get("lon") or source.get("x")
    half = rows["lat"].isna() != rows["lon"].isna()
    inside = [inside_region(lon, lat, lon, lat) for lat, lon in zip(rows["lat"], rows["lon"], strict=True)]
    outside = rows["lat"].notna() & rows["lon"].notna() & ~pd.Series(inside, index=rows.index, dtype=bool)
    problems = []
    for n in rows.index[half | outside]:
        message = ("maar één van beide coördinaten ingevuld" if half[n] else
                   "het punt ligt buiten de provincie (+5 km); lat/lon in graden, x/y in Lambert 72")
        problems.append(Problem(int(n), first, None, f"{message}: het punt blijft leeg, het gebied telt mee", WARNING))
        rows.loc[n, ["lat", "lon"]] = None
    return problems


def _same_names(rows: pd.DataFrame, source: dict[str, str]) -> list[Problem]:
    """Two areas of one municipality with the same name (ids differ): a unit that names it goes to
    the lowest id (`analysis.areas`); a warning names both."""
    keyed = rows.assign(key=rows["name"].map(name_key)).dropna(subset=["key", "nis_code", "area_id"])
    keyed = keyed.drop_duplicates(["nis_code", "area_id"])
    problems = []
    for (nis_code, _), group in keyed[keyed.duplicated(["nis_code", "key"], keep=False)].groupby(["nis_code", "key"]):
        lowest = sorted(group["area_id"].astype(str))[0]
        problems.append(Problem(int(group.index[-1]), source.get("name"), group["name"].iloc[-1], (
            f"{len(group)} winkelgebieden van {name_of(nis_code)} heten zo (rijen "
            f"{', '.join(map(str, group.index))}): een pand dat die naam als winkelgebied geeft, komt in het gebied "
            f"met id {lowest}. Geef ze verschillende namen als dat niet klopt."), WARNING))
    return problems
