"""Derived commercial cores: places where units lie close together, found from their coordinates.

Definitions follow ``DESIGN.md`` ("Derived cores"). Units with coordinates are projected to
Belgian Lambert 72 (EPSG:31370, metres) and buffered by 75 m; a core is a connected part of the
union of those buffers that holds at least 10 units. Two units therefore share a core when a chain
of units less than 2 × 75 = 150 m apart links them. Units without coordinates belong to no core.
Indicators per core are the usual ones grouped by ``core_id`` (see `assign_cores`).
"""

from __future__ import annotations

import geopandas
import numpy as np
import pandas as pd
import shapely

#: Coordinate systems: the units' latitude/longitude and the metric plane the cores are drawn in.
WGS84 = "EPSG:4326"
LAMBERT72 = "EPSG:31370"
#: Buffer radius around each unit (m) and the fewest units a core holds.
BUFFER_M = 75.0
MIN_UNITS = 10
#: Street shown in a core's name when none of its units has a street.
UNKNOWN_STREET = "onbekende straat"

CORE_COLUMNS = ["core_id", "name", "nis_code", "units", "area_m2", "geometry"]


def derived_cores(units: pd.DataFrame, *, buffer_m: float = BUFFER_M,
                  min_units: int = MIN_UNITS) -> geopandas.GeoDataFrame:
    """Commercial cores: connected parts of the union of ``buffer_m`` buffers with ≥ ``min_units`` units.

    Each core belongs to the municipality holding most of its units (ties: the lowest
    ``nis_code``). Within a municipality cores are numbered n = 1, 2, … by descending unit count,
    ties by the x then y of the core's centroid (west before east, south before north), so the
    same units give the same ids in any row order.

    Parameters
    ----------
    units : DataFrame
        Units with ``nis_code``, ``street`` (may be missing) and ``lat``/``lon`` (WGS84 degrees).
        Rows without both coordinates are left out.
    buffer_m : float
        Buffer radius in metres; units closer than 2 × buffer_m touch.
    min_units : int
        Parts with fewer units are no core.

    Returns
    -------
    GeoDataFrame (crs EPSG:31370) with `CORE_COLUMNS`, one row per core, sorted by ``core_id``:
    ``core_id`` = ``{nis_code}-K{n}``; ``name`` = ``Kern {n} — {street}`` with the street holding
    most units of the core (ties: alphabetically first; ``onbekende straat`` when none is known);
    ``units`` (count); ``area_m2`` (area of the core polygon, m²). Empty when there is no core.

    Examples
    --------
    Twelve units about 14 m apart along one street in Roeselare:

    >>> units = pd.DataFrame({"unit_id": range(12), "nis_code": "36015", "lat": 50.9465,
    ...                       "lon": [3.1230 + 0.0002 * i for i in range(12)],
    ...                       "street": ["Ooststraat"] * 7 + ["Noordstraat"] * 5})
    >>> derived_cores(units)[["core_id", "name", "units"]].to_numpy().tolist()
    [['36015-K1', 'Kern 1 — Ooststraat', 12]]
    >>> derived_cores(units, min_units=13).empty
    True
    """
    units = units.reset_index(drop=True)
    points = _projected(units)
    if points.empty:
        return _empty_cores()
    xy = np.unique(shapely.get_coordinates(points.to_numpy()), axis=0)  # sorted: the same union in any row order
    parts = shapely.get_parts(shapely.union_all(shapely.buffer(shapely.points(xy), buffer_m)))
    unit_pos, part = shapely.STRtree(parts).query(points.to_numpy(), predicate="intersects")
    members = units.loc[points.index[unit_pos], ["nis_code", "street"]].assign(part=part)
    counts = members["part"].value_counts()
    counts = counts[counts >= min_units]
    if counts.empty:
        return _empty_cores()
    members = members[members["part"].isin(counts.index)]
    street = members["street"].astype("string").str.strip().replace("", pd.NA)
    cores = geopandas.GeoDataFrame({
        "units": counts.astype(int),
        "nis_code": _most_common(members["part"], members["nis_code"]),
        "street": _most_common(members["part"], street).reindex(counts.index).fillna(UNKNOWN_STREET),
    }, geometry=geopandas.GeoSeries(parts[counts.index], index=counts.index), crs=LAMBERT72)
    centroids = cores.centroid
    cores = cores.assign(_x=centroids.x, _y=centroids.y).sort_values(
        ["nis_code", "units", "_x", "_y"], ascending=[True, False, True, True])
    number = (cores.groupby("nis_code", sort=False).cumcount() + 1).astype(str)
    cores["core_id"] = cores["nis_code"].astype(str) + "-K" + number
    cores["name"] = "Kern " + number + " — " + cores["street"].astype(str)
    cores["area_m2"] = cores.area
    return cores.reset_index(drop=True)[CORE_COLUMNS]


def assign_cores(units: pd.DataFrame, cores: geopandas.GeoDataFrame) -> pd.Series:
    """The ``core_id`` of the core each unit lies in; missing outside every core or without coordinates.

    A unit on the shared edge of two cores (which `derived_cores` never produces) gets the first
    of them in ``cores``. Cores in another crs are projected first.

    Returns
    -------
    Series ``core_id`` (object, ``None`` where missing) with the index of ``units``.

    Examples
    --------
    >>> units = pd.DataFrame({"unit_id": range(13), "nis_code": "36015", "street": "Ooststraat",
    ...                       "lat": [50.9465] * 12 + [None], "lon": [3.1230 + 0.0002 * i for i in range(13)]})
    >>> assign_cores(units, derived_cores(units)).tolist()[10:]
    ['36015-K1', '36015-K1', None]
    """
    result = pd.Series([None] * len(units), index=units.index, dtype=object, name="core_id")
    points = _projected(units.reset_index(drop=True))
    if points.empty or cores.empty:
        return result
    shapes = cores.geometry if cores.crs is None else cores.geometry.to_crs(LAMBERT72)
    unit_pos, core_pos = shapely.STRtree(shapes.to_numpy()).query(points.to_numpy(), predicate="intersects")
    order = np.lexsort((core_pos, unit_pos))
    unit_pos, core_pos = unit_pos[order], core_pos[order]
    _, first = np.unique(unit_pos, return_index=True)
    result.iloc[points.index[unit_pos[first]]] = cores["core_id"].to_numpy()[core_pos[first]]
    return result


def _projected(units: pd.DataFrame) -> geopandas.GeoSeries:
    """Points in EPSG:31370 for the units with a finite ``lat`` and ``lon``, indexed like ``units``."""
    lat = pd.to_numeric(units["lat"], errors="coerce").astype(float)
    lon = pd.to_numeric(units["lon"], errors="coerce").astype(float)
    known = np.isfinite(lat) & np.isfinite(lon)
    points = geopandas.points_from_xy(lon[known], lat[known], crs=WGS84)
    return geopandas.GeoSeries(points, index=units.index[known]).to_crs(LAMBERT72)


def _most_common(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per key, the value it occurs with most often (ties: the lowest value); missing values do not count.

    >>> _most_common(pd.Series([1, 1, 1, 2, 2]), pd.Series(["b", "a", "b", "d", "c"])).to_dict()
    {1: 'b', 2: 'c'}
    """
    pairs = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()}).dropna()
    counts = pairs.value_counts().rename("n").reset_index()
    ranked = counts.sort_values(["key", "n", "value"], ascending=[True, False, True])
    return ranked.drop_duplicates("key").set_index("key")["value"].rename(None).rename_axis(None)


def _empty_cores() -> geopandas.GeoDataFrame:
    """No cores: `CORE_COLUMNS` without rows, crs EPSG:31370."""
    empty = {"core_id": pd.Series(dtype="str"), "name": pd.Series(dtype="str"),
             "nis_code": pd.Series(dtype="str"), "units": pd.Series(dtype=int), "area_m2": pd.Series(dtype=float)}
    return geopandas.GeoDataFrame(empty, geometry=geopandas.GeoSeries(crs=LAMBERT72), crs=LAMBERT72)
