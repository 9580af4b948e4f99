"""Declared shopping areas (Locatus' winkelgebieden; types in `analysis.area_types`): which area each
unit lies in.

A unit is in at most one area of its own municipality, found by three rules in turn:

1. **name**: the unit's ``shopping_area`` names an area of its municipality (`name_key`: case,
   accents, punctuation and Sint/St. do not count);
2. **polygon**: its coordinates lie in an area's polygon (the edge counts as inside; tested in
   WGS84, as both are given, so that a unit on the edge stays on it);
3. **point**: an area given only as a point lies within ``max_distance_m`` of it (metres, in
   Belgian Lambert 72, EPSG:31370).

Ties: two areas of one municipality with the same name key, the lowest ``area_id``; a point in
overlapping polygons, the smallest polygon (the more specific area, such as a shopping centre in
a town centre), then the lowest ``area_id``; two points at the same distance, the lowest
``area_id``. A unit no rule places is outside every area (`analysis.area_types.OUTSIDE`). The areas' and the units'
``nis_code`` must be in one municipal geography (`analysis.geography.assign_geography`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import geopandas
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from analysis.area_types import name_key
from analysis.cores import LAMBERT72, WGS84


def assign_areas(units: pd.DataFrame, areas: pd.DataFrame, *, max_distance_m: float) -> pd.DataFrame:
    """Which declared area each unit lies in, and by which rule (see the module).

    Parameters
    ----------
    units : DataFrame
        ``nis_code``, ``shopping_area`` (text, may be missing), ``lat`` and ``lon`` (WGS84).
    areas : DataFrame
        ``area_id``, ``nis_code``, ``name``, ``lat``/``lon`` (a point, may be missing) and
        ``geometry`` (a shapely polygon in WGS84, or None).
    max_distance_m : float
        How far from an area given only as a point a unit may lie to be in it.

    Returns
    -------
    DataFrame with the index of ``units``: ``area_id`` (None outside every area) and
    ``assigned_by`` (one of `RULES`, None outside).

    Examples
    --------
    Two areas of Kortrijk: a polygon around the Grote Markt and a point 500 m east of it.

    >>> square = shapely.box(3.2640, 50.8270, 3.2660, 50.8280)
    >>> areas = pd.DataFrame({"area_id": ["A", "B"], "nis_code": "34022", "name": ["Centrum", "Ring"],
    ...                       "lat": [50.8275, 50.8275], "lon": [3.2650, 3.2721], "geometry": [square, None]})
    >>> units = pd.DataFrame({"nis_code": "34022", "shopping_area": ["ring", None, None, None],
    ...                       "lat": [None, 50.8275, 50.8275, 50.8400], "lon": [None, 3.2650, 3.2715, 3.2650]})
    >>> assign_areas(units, areas, max_distance_m=250).values.tolist()
    [['B', 'name'], ['A', 'polygon'], ['B', 'point'], [None, None]]
    """
    result = pd.DataFrame({"area_id": pd.Series(None, index=units.index, dtype=object),
                           "assigned_by": pd.Series(None, index=units.index, dtype=object)})
    if units.empty or areas.empty:
        return result
    areas = areas.sort_values("area_id", kind="stable").reset_index(drop=True)
    units = units.reset_index(drop=True)
    found = _by_name(units, areas).to_numpy().copy()
    rule = np.where(pd.notna(found), "name", None).astype(object)
    lat = pd.to_numeric(units["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(units["lon"], errors="coerce").to_numpy(dtype=float)
    nearest = lambda left, areas: _near_point(left, areas, max_distance_m)  # noqa: E731
    for name, place in (("polygon", _in_polygon), ("point", nearest)):
        at = np.flatnonzero(pd.isna(found) & np.isfinite(lat) & np.isfinite(lon))  # the units left, by position
        if not at.size:
            break
        chosen = place(_Left(at, lat[at], lon[at], units["nis_code"].to_numpy()[at]), areas)  # area position or −1
        placed = chosen >= 0
        found[at[placed]], rule[at[placed]] = areas["area_id"].to_numpy()[chosen[placed]], name
    return pd.DataFrame({"area_id": pd.Series(found, index=result.index, dtype=object),
                         "assigned_by": pd.Series(rule, index=result.index, dtype=object)})


@dataclass(frozen=True)
class _Left:
    """The units no rule has placed yet: their positions, coordinates and municipalities."""

    at: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    nis: np.ndarray

    def of_municipality(self) -> dict[str, np.ndarray]:
        """Per municipality the positions (in these arrays) of its units."""
        codes, values = pd.factorize(pd.Series(self.nis).astype(str))
        order = np.argsort(codes, kind="stable")
        starts = np.searchsorted(codes[order], np.arange(len(values) + 1))
        return {str(value): order[starts[i]:starts[i + 1]] for i, value in enumerate(values)}


def _by_name(units: pd.DataFrame, areas: pd.DataFrame) -> pd.Series:
    """The ``area_id`` whose name the unit's ``shopping_area`` gives, in its municipality.

    Each distinct pair of municipality and name is looked up once (a store holds a few thousand
    pairs over a million units).
    """
    names = areas.assign(key=areas["name"].map(name_key), nis=areas["nis_code"].astype(str))
    names = names.dropna(subset=["key"]).drop_duplicates(["nis", "key"])  # sorted by id: the lowest wins
    lookup = dict(zip(zip(names["nis"], names["key"], strict=True), names["area_id"], strict=True))
    nis_codes, nis_values = pd.factorize(units["nis_code"])
    name_codes, name_values = pd.factorize(units["shopping_area"])
    name_keys = [name_key(value) for value in name_values]
    width = len(name_values) + 1
    pairs, inverse = np.unique(nis_codes.astype(np.int64) * width + (name_codes + 1), return_inverse=True)
    found = np.array([None if nis < 0 or name < 0 else lookup.get((str(nis_values[nis]), name_keys[name]))
                      for nis, name in zip(pairs // width, pairs % width - 1, strict=True)], dtype=object)
    return pd.Series(found[inverse.ravel()] if len(found) else np.full(len(units), None, dtype=object),
                     index=units.index, dtype=object)


def _has_polygon(areas: pd.DataFrame) -> np.ndarray:
    return areas["geometry"].map(lambda shape: shape is not None and not shapely.is_empty(shape)).to_numpy(bool)


def _in_polygon(left: _Left, areas: pd.DataFrame) -> np.ndarray:
    """Per unit left the position (in ``areas``) of the smallest polygon of its municipality that holds
    it (sizes compared in EPSG:31370; equal sizes: the lowest id), or −1. The test is made in WGS84,
    on the units within the polygon's bounds."""
    chosen = np.full(len(left.at), -1)
    polygons = areas[_has_polygon(areas)]
    if polygons.empty:
        return chosen
    sizes = geopandas.GeoSeries(list(polygons["geometry"]), index=polygons.index, crs=WGS84).to_crs(LAMBERT72).area
    groups = left.of_municipality()
    for position in sizes.sort_values(kind="stable").index:  # the smallest first: it keeps its units
        shape, members = areas.at[position, "geometry"], groups.get(str(areas.at[position, "nis_code"]))
        if members is None:
            continue
        west, south, east, north = shape.bounds
        near = members[(chosen[members] < 0) & (left.lon[members] >= west) & (left.lon[members] <= east)
                       & (left.lat[members] >= south) & (left.lat[members] <= north)]
        chosen[near[shapely.intersects_xy(shape, left.lon[near], left.lat[near])]] = position
    return chosen


def _near_point(left: _Left, areas: pd.DataFrame, max_distance_m: float) -> np.ndarray:
    """Per unit left the position of the nearest area of its municipality given only as a point, within
    ``max_distance_m`` in EPSG:31370 (equally near: the lowest id), or −1."""
    chosen = np.full(len(left.at), -1)
    alone = areas[~_has_polygon(areas) & areas["lat"].notna().to_numpy() & areas["lon"].notna().to_numpy()]
    if alone.empty:
        return chosen
    x, y = _lambert72(left.lon, left.lat)
    area_x, area_y = _lambert72(alone["lon"].to_numpy(dtype=float), alone["lat"].to_numpy(dtype=float))
    codes = alone["nis_code"].astype(str).to_numpy()
    for code, members in left.of_municipality().items():
        own = np.flatnonzero(codes == code)
        if not own.size:
            continue
        for part in np.array_split(members, max(1, len(members) * len(own) // 2_000_000 + 1)):  # bounded memory
            squared = (x[part, None] - area_x[own]) ** 2 + (y[part, None] - area_y[own]) ** 2
            nearest = np.argmin(squared, axis=1)  # the first of equals: areas are sorted by id
            within = squared[np.arange(len(part)), nearest] <= max_distance_m ** 2
            chosen[part[within]] = alone.index.to_numpy()[own[nearest[within]]]
    return chosen


@cache
def _to_lambert72() -> Transformer:
    return Transformer.from_crs(WGS84, LAMBERT72, always_xy=True)


def _lambert72(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees → Belgian Lambert 72 metres (EPSG:31370)."""
    return _to_lambert72().transform(lon, lat)
