"""The declared shopping areas on a unit map: one GeoJSON layer of polygons and points, named on hover.

Names and types come from users' files: they are HTML-escaped before they reach a tooltip.
"""

from __future__ import annotations

import html

import folium
import geopandas as gpd
import pandas as pd
import shapely

from dashboard.figures.palette import OKABE_ITO

#: The areas' colour: an outline, never a fill that would hide the units.
AREA_COLOUR = OKABE_ITO["orange"]


def area_label(name, area_type, location) -> str:
    """What hovering an area shows: its name, type and how the list gives it, escaped.

    >>> area_label("<b>Markt</b>", "Binnenstad", "punt")
    'Winkelgebied &lt;b&gt;Markt&lt;/b&gt; · Binnenstad · punt'
    """
    return html.escape(f"Winkelgebied {name} · {area_type} · {location}")


def add_areas(fmap: folium.Map, areas: pd.DataFrame | None) -> None:
    """Draw ``areas`` (`dashboard.tables.areas.current_areas` rows: ``shape``, ``lat``/``lon``,
    ``name``, ``area_type``, ``location``) on ``fmap`` as the layer "Winkelgebieden": a polygon
    where the list gives one, else a circle at its point; areas without a place are left out."""
    if areas is None or areas.empty:
        return
    shapes = [shape if shape is not None else (shapely.Point(lon, lat) if pd.notna(lat) and pd.notna(lon) else None)
              for shape, lat, lon in zip(areas["shape"], areas["lat"], areas["lon"], strict=True)]
    placed = [n for n, shape in enumerate(shapes) if shape is not None]
    if not placed:
        return
    chosen = areas.iloc[placed]
    layer = gpd.GeoDataFrame({"label": [area_label(*row) for row in zip(
        chosen["name"], chosen["area_type"], chosen["location"], strict=True)]},
        geometry=[shapes[n] for n in placed], crs="EPSG:4326")
    folium.GeoJson(layer, name=f"Winkelgebieden ({len(layer)})",
                   style_function=lambda feature: {"color": AREA_COLOUR, "weight": 3, "fill": False},
                   marker=folium.CircleMarker(radius=12, color=AREA_COLOUR, weight=3, fill=False),
                   tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False)).add_to(fmap)
