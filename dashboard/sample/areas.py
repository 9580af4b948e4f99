"""Sample shopping areas: per municipality the centre the sample units name (a polygon around its
units) and the arterial road (a point), with a Locatus type that fits the town's size.

The sample units carry these areas' names in ``shopping_area``, so every sample unit lies in one of
them by name (`analysis.areas`); the polygon and the point are what the map draws.
"""

from __future__ import annotations

import geopandas
import pandas as pd
import shapely

from dashboard.ingest.geometry import to_wkt

#: Metres around the centre's units that its polygon reaches.
MARGIN_M = 25.0
#: Inhabitants from which a town's centre is a large one (Kernverzorgend centrum groot).
LARGE_TOWN = 20_000


def generate_areas(units: pd.DataFrame, places) -> pd.DataFrame:
    """One centre and one arterial road per municipality, from its first sample inventory: the
    store's areas columns (`dashboard.store.schema.areas`)."""
    first = units[units["observed_on"] == units.groupby("nis_code")["observed_on"].transform("min")]
    by_code = {place.nis_code: place for place in places}
    rows = []
    for (nis_code, name), group in first.groupby(["nis_code", "shopping_area"], sort=True):
        place = by_code[nis_code]
        points = geopandas.GeoSeries(geopandas.points_from_xy(group["lon"], group["lat"]), crs="EPSG:4326")
        centre = name.endswith("centrum")
        if centre:
            hull = points.to_crs("EPSG:31370").union_all().convex_hull.buffer(MARGIN_M)
            shape = geopandas.GeoSeries([hull], crs="EPSG:31370").to_crs("EPSG:4326").iloc[0]
            point, geometry = shapely.point_on_surface(shape), to_wkt(shape)
        else:
            point, geometry = shapely.Point(points.x.mean(), points.y.mean()), None
        rows.append({"area_id": f"{nis_code}-{'C' if centre else 'S'}", "nis_code": nis_code,
                     "municipality": place.name, "name": name, "area_type": _type(place) if centre else
                     "Baanconcentratie", "lat": round(point.y, 6), "lon": round(point.x, 6), "geometry": geometry,
                     "area_ha": None})
    return pd.DataFrame(rows)


def _type(place) -> str:
    if place.is_centrumstad:
        return "Binnenstad"
    return "Kernverzorgend centrum groot" if place.population >= LARGE_TOWN else "Kernverzorgend centrum klein"
