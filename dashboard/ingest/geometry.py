"""Places of shopping areas as files give them: a WKT or GeoJSON geometry in a cell, in WGS84, Lambert 72
or Lambert 2008 (a GeoJSON file is read as a table by `dashboard.ingest.geojson`).

A geometry's coordinate system is told from its numbers: degrees are WGS84 (longitude first, as WKT
and GeoJSON write them); metres are Belgian Lambert 72 (EPSG:31370) or Lambert 2008 (EPSG:3812),
whichever puts the shape in the province. ``SRID=31370;POLYGON (…)`` says it outright.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import shapely
from pyproj import Transformer

from dashboard import regions

#: Coordinate systems tried for a geometry in metres, in order.
METRIC_CRS = (31370, 3812)
_SRID = re.compile(r"^\s*SRID\s*=\s*(\d+)\s*;\s*", re.IGNORECASE)
#: Decimals kept of a degree in the stored WKT: 1e-7° is about a centimetre.
WKT_DECIMALS = 7


@cache
def _to_wgs84(epsg: int) -> Transformer:
    return Transformer.from_crs(f"EPSG:{epsg}", "EPSG:4326", always_xy=True)


def parse_shape(text) -> tuple[shapely.Geometry | None, str | None]:
    """A cell's geometry in WGS84 and, when it cannot be used, why (Dutch): None, None for an empty
    cell. Points, polygons and multipolygons are kept; an invalid polygon is repaired.

    >>> shape, why = parse_shape("POLYGON ((72500 171000, 72600 171000, 72600 171100, 72500 171000))")
    >>> shape.geom_type, [round(v, 3) for v in shape.bounds], why
    ('Polygon', [3.268, 50.844, 3.27, 50.845], None)
    >>> parse_shape('{"type": "Point", "coordinates": [3.2649, 50.8275]}')[0].wkt, parse_shape("POINT (3 40)")[1]
    ('POINT (3.2649 50.8275)', 'ligt buiten West-Vlaanderen (+5 km)')
    """
    if text is None or (isinstance(text, float) and np.isnan(text)) or not str(text).strip():
        return None, None
    text = str(text)
    srid = _SRID.match(text)
    body = text[srid.end():] if srid else text
    try:
        shape = shapely.from_geojson(body) if body.lstrip().startswith("{") else shapely.from_wkt(body)
    except (shapely.errors.ShapelyError, ValueError, TypeError):
        return None, "geen geldige geometrie: schrijf WKT (bv. POLYGON ((3.26 50.82, …))) of GeoJSON"
    if shape is None or shape.is_empty:
        return None, None
    if shape.geom_type not in ("Point", "Polygon", "MultiPolygon"):
        return None, f"een {shape.geom_type} is geen gebied: geef een punt of een veelhoek (POLYGON)"
    if shape.geom_type != "Point" and not shape.is_valid:
        shape = _polygonal(shapely.make_valid(shape))
    placed = _in_region(shape, [int(srid[1])] if srid else None)
    return (placed, None) if placed is not None else (None, f"ligt buiten {regions.configured().name} (+5 km)")


def _polygonal(shape: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a repaired shape (repairing can leave lines and points beside them)."""
    parts = [part for part in shapely.get_parts(shape) if part.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shape


def _in_region(shape: shapely.Geometry, candidates: list[int] | None) -> shapely.Geometry | None:
    """The shape in WGS84 if one of the coordinate systems puts it in the bounds of the region imports accept."""
    west, south, east, north = shape.bounds
    degrees = max(abs(west), abs(east)) <= 180 and max(abs(south), abs(north)) <= 90
    for epsg in candidates or ([4326] if degrees else list(METRIC_CRS)):
        moved = shape if epsg == 4326 else shapely.transform(
            shape, lambda xy, epsg=epsg: np.column_stack(_to_wgs84(epsg).transform(xy[:, 0], xy[:, 1])))
        if inside_region(*moved.bounds):
            return moved
    return None


def inside_region(west: float, south: float, east: float, north: float) -> bool:
    """Whether a box in WGS84 lies inside the bounds of the region imports accept (`dashboard.regions`)."""
    bound_west, bound_south, bound_east, bound_north = regions.configured().bounds
    return bound_west <= west and east <= bound_east and bound_south <= south and north <= bound_north


def to_wkt(shape: shapely.Geometry) -> str:
    return shapely.to_wkt(shape, rounding_precision=WKT_DECIMALS, trim=True)
