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

import geopandas
import numpy as np
import pandas as pd
import shapely

from analysis.area_types import name_key
from analysis.cores import LAMBERT72, WGS84, _projected


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
    for name, place in (("polygon", lambda left, nis: _in_polygon(_points(left), nis, areas)),
                        ("point", lambda left, nis: _near_point(_projected(left), nis, areas, max_distance_m))):
        left = units.loc[pd.isna(found), ["nis_code", "lat", "lon"]]  # indexed by the units' positions
        left = left[left["lat"].notna() & left["lon"].notna()]
        if left.empty:
            break
        nis = pd.Series(left["nis_code"].astype(str).to_numpy(), index=left.index)
        placed = place(left, nis)
        found[placed.index], rule[placed.index] = placed.to_numpy(), name
    return pd.DataFrame({"area_id": pd.Series(found, index=result.index, dtype=object),
                         "assigned_by": pd.Series(rule, index=result.index, dtype=object)})


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


def _points(units: pd.DataFrame) -> pd.Series:
    """Points in WGS84 for the units with a finite ``lat`` and ``lon``, indexed like ``units``."""
    lat = pd.to_numeric(units["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(units["lon"], errors="coerce").to_numpy(dtype=float)
    known = np.isfinite(lat) & np.isfinite(lon)
    return pd.Series(shapely.points(lon[known], lat[known]), index=units.index[known], dtype=object)


def _in_polygon(points: pd.Series, nis: pd.Series, areas: pd.DataFrame) -> pd.Series:
    """Per point (indexed like ``points``) the ``area_id`` of the smallest polygon of its
    municipality that holds it (sizes compared in EPSG:31370)."""
    known = areas["geometry"].map(lambda shape: shape is not None and not shapely.is_empty(shape))
    shapes = geopandas.GeoSeries(list(areas.loc[known, "geometry"]), index=areas.index[known], crs=WGS84)
    if points.empty or shapes.empty:
        return pd.Series(dtype=object)
    point_at, shape_at = shapely.STRtree(shapes.to_numpy()).query(points.to_numpy(), predicate="intersects")
    pairs = pd.DataFrame({"unit": points.index[point_at], "area": shapes.index[shape_at],
                          "size": shapes.to_crs(LAMBERT72).area.to_numpy()[shape_at]})
    pairs = pairs[nis[pairs["unit"]].to_numpy() == areas["nis_code"].astype(str).to_numpy()[pairs["area"]]]
    first = pairs.sort_values(["unit", "size", "area"], kind="stable").drop_duplicates("unit")
    return pd.Series(areas["area_id"].to_numpy()[first["area"]], index=first["unit"].to_numpy(), dtype=object)


def _near_point(points: geopandas.GeoSeries, nis: pd.Series, areas: pd.DataFrame,
                max_distance_m: float) -> pd.Series:
    """Per point the ``area_id`` of the nearest area of its municipality given only as a point,
    within ``max_distance_m``."""
    alone = areas[areas["geometry"].map(lambda shape: shape is None or shapely.is_empty(shape))]
    alone = alone[alone["lat"].notna() & alone["lon"].notna()]
    if points.empty or alone.empty:
        return pd.Series(dtype=object)
    centres = _projected(alone)
    found = []
    for code, chosen in centres.groupby(alone.loc[centres.index, "nis_code"].astype(str)):
        near = points[(nis[points.index] == code).to_numpy()]
        if near.empty:
            continue
        point_at, centre_at = shapely.STRtree(chosen.to_numpy()).query_nearest(
            near.to_numpy(), max_distance=max_distance_m, all_matches=True)
        # Several at the same distance: all come back; the lowest area_id wins (areas are sorted by it).
        pairs = pd.DataFrame({"unit": near.index[point_at], "area": chosen.index[centre_at]})
        found.append(pairs.sort_values(["unit", "area"]).drop_duplicates("unit"))
    if not found:
        return pd.Series(dtype=object)
    pairs = pd.concat(found)
    return pd.Series(areas["area_id"].to_numpy()[pairs["area"]], index=pairs["unit"].to_numpy(), dtype=object)
