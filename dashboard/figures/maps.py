"""Folium maps: municipalities as proportional symbols (or a choropleth), units of one town, cores.

Maps work offline: no element loads anything from a CDN (the default JavaScript and CSS lists
are emptied; streamlit-folium brings its own Leaflet, and a standalone export inlines Leaflet
1.9.4 from the installed ``django-js-lib-leaflet`` package). Tiles are a setting
(`dashboard.settings.tiles`); without tiles the maps still read well on a plain background.
Every text from user data is HTML-escaped before it reaches a popup, tooltip or legend.
"""

from __future__ import annotations

import html
import json
import math
from collections import namedtuple
from functools import lru_cache

import folium
import geopandas as gpd
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from analysis.vacancy import vacancy_band
from dashboard import reference, settings
from dashboard.figures import area_layer, leaflet
from dashboard.figures.palette import BAND_COLOURS, GROUP_COLOURS, OKABE_ITO, group_colour
from dashboard.i18n import (
    BAND_LABELS,
    SUPPRESSED,
    format_address,
    format_area,
    format_number,
    format_pct,
    format_since,
)
from dashboard.registry import is_fraction

#: The province's centre and a zoom that shows all of it.
PROVINCE_CENTRE = (51.04, 3.02)
PROVINCE_ZOOM = 9
#: Sequential ramp (light → dark) for indicators that have no bands.
RAMP = ["#DEEBF7", "#9ECAE1", "#4292C6", "#08519C", "#08306B"]
STATUS_LABELS = {"vacant": "leegstaand", "occupied": "in gebruik"}


def base_map(*, centre: tuple[float, float] = PROVINCE_CENTRE, zoom: int = PROVINCE_ZOOM) -> folium.Map:
    """A map with the configured tiles (or none), a metric scale and no CDN links."""
    tiles = settings.tiles()
    fmap = folium.Map(location=list(centre), zoom_start=zoom, tiles=tiles, control_scale=False,
                      attr=None if tiles in (None, "OpenStreetMap", "CartoDB positron") else tiles)
    leaflet.offline(fmap)
    if tiles is None:  # a plain, light background instead of an empty grey
        fmap.get_root().header.add_child(Element("<style>.leaflet-container{background:#f4f4f0}</style>"))
    _MapScript("L.control.scale({imperial: false, position: 'bottomleft'}).addTo(map);").add_to(fmap)
    return fmap


class _MapScript(MacroElement):
    """A line of JavaScript run on the map once it exists (``map`` stands for it)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (map) { {{ this.code }} })({{ this._parent.get_name() }});
        {% endmacro %}
        """)

    def __init__(self, code: str):
        super().__init__()
        self.code = code


def _credit(fmap: folium.Map, text: str) -> None:
    """A line in the map's attribution (bottom right)."""
    _MapScript(f"map.attributionControl.addAttribution({_script_json(text)});").add_to(fmap)


def _fit(fmap: folium.Map, south: float, west: float, north: float, east: float) -> None:
    fmap.fit_bounds([[south, west], [north, east]], padding=(12, 12))


def municipality_map(table: pd.DataFrame, *, value: str, label: str, places: pd.DataFrame,
                     boundaries: gpd.GeoDataFrame | None = None) -> folium.Map:
    """Municipalities coloured by ``value`` (a column of ``table`` with ``nis_code``).

    Rates of vacancy use the bands (gezond / verhoogd / kritiek); other indicators a five-class
    ramp. Symbols sit at the centres in ``places`` (``nis_code``, ``name_nl``, ``lat``, ``lon``)
    sized by √``units_total``; with ``boundaries`` (``nis_code`` + polygons) a choropleth.
    """
    fmap = base_map()
    data = table.merge(places[["nis_code", "name_nl", "lat", "lon"]], on="nis_code", how="left")
    colour = _colour_function(data[value], banded=value.startswith("vacancy_rate"))
    if boundaries is not None:
        every = boundaries[["nis_code", "geometry"]].to_crs("EPSG:4326")
        # Every municipality, also one without data (grey), named on hover.
        shapes = every.merge(places[["nis_code", "name_nl"]], on="nis_code", how="left").merge(
            data.drop(columns=["name_nl"]), on="nis_code", how="left")
        hidden = shapes["is_suppressed"] if "is_suppressed" in shapes else pd.Series(False, index=shapes.index)
        shapes["tooltip"] = [f"{html.escape(str(n))}: {_shown(v, value, h)}"
                             for n, v, h in zip(shapes["name_nl"], shapes[value], hidden, strict=True)]
        shapes["fill"] = shapes[value].map(colour)
        # As GeoJSON already: folium would turn a GeoDataFrame into it by a round trip through text.
        folium.GeoJson(shapes[["tooltip", "fill", "geometry"]].__geo_interface__, name=label,
                       style_function=lambda f: {"fillColor": f["properties"]["fill"], "color": "#555",
                                                 "weight": 1, "fillOpacity": 0.75},
                       tooltip=folium.GeoJsonTooltip(fields=["tooltip"], labels=False)).add_to(fmap)
        outline = gpd.GeoDataFrame(geometry=[every.geometry.union_all()], crs="EPSG:4326")
        folium.GeoJson(outline, name="Grens van het gebied", style_function=lambda f: {
            "color": "#222", "weight": 2.5, "fill": False}, interactive=False).add_to(fmap)
        _fit(fmap, *_south_west_north_east(every.total_bounds))
        _credit(fmap, reference.BOUNDARY_CREDIT)
    else:
        centres = places.dropna(subset=["lat", "lon"])
        if len(centres) > 1:  # the region's centres, whichever province (or all of Flanders) it is
            _fit(fmap, centres["lat"].min(), centres["lon"].min(), centres["lat"].max(), centres["lon"].max())
        largest = max(float(data["units_total"].max()), 1.0) if "units_total" in data else 1.0
        for row in data.dropna(subset=["lat", "lon"]).itertuples():
            size = getattr(row, "units_total", largest)
            shown = _shown(getattr(row, value), value, getattr(row, "is_suppressed", False))
            folium.CircleMarker(
                [row.lat, row.lon], radius=4 + 18 * math.sqrt(max(float(size), 0) / largest),
                color="#333", weight=1, fill=True, fill_color=colour(getattr(row, value)), fill_opacity=0.85,
                tooltip=_template_safe(f"{html.escape(str(row.name_nl))}: {shown}"),
            ).add_to(fmap)
    legend = _band_legend(label) if value.startswith("vacancy_rate") else _ramp_legend(label, data[value], value)
    fmap.get_root().html.add_child(legend)
    return fmap


def _south_west_north_east(bounds) -> tuple[float, float, float, float]:
    west, south, east, north = (float(b) for b in bounds)
    return south, west, north, east


def _template_safe(text: str) -> str:
    """Escaped text that also stays text inside a JavaScript template literal (folium's tooltips)."""
    return text.replace("`", "&#96;").replace("$", "&#36;")


def _fmt(value) -> str:
    return format_number(value, 1)


def _shown(number, column: str, is_suppressed) -> str:
    """A municipality's value in its tooltip; `SUPPRESSED` for a small number left out (`views.map_table`)."""
    if not pd.isna(is_suppressed) and bool(is_suppressed):
        return SUPPRESSED
    return format_pct(number) if is_fraction(column) else _fmt(number)


def _colour_function(values: pd.Series, *, banded: bool):
    if banded:
        # The bands of every value at once (one call per value costs a Series each: 285 in Flanders).
        known = pd.Series(pd.to_numeric(values, errors="coerce").dropna().unique(), dtype=float)
        colours = dict(zip(known, vacancy_band(known).map(BAND_COLOURS), strict=True))

        def band(value):
            if value is None or pd.isna(value):
                return "#DDDDDD"
            found = colours.get(value)
            return found if found is not None else BAND_COLOURS[vacancy_band(pd.Series([value])).iloc[0]]
        return band
    known = values.dropna()
    edges = known.quantile([0.2, 0.4, 0.6, 0.8]).tolist() if len(known) else []

    def ramp(value):
        if value is None or pd.isna(value) or not edges:
            return "#DDDDDD"
        return RAMP[sum(value > edge for edge in edges)]
    return ramp


#: A legend with more items than this starts folded: open, it would cover much of a town's map.
FOLDED_LEGEND_ITEMS = 5


def _legend(title: str, items: list[tuple[str, str]]) -> Element:
    """A legend that can be folded away (a click on its title), bottom right above the attribution:
    clear of the scale (bottom left) and the layer control (top right); a long one starts folded."""
    rows = "".join(f'<div><span style="display:inline-block;width:12px;height:12px;border-radius:6px;'
                   f'background:{colour};margin-right:6px;border:1px solid #555"></span>{html.escape(text)}</div>'
                   for colour, text in items)
    state = "" if len(items) > FOLDED_LEGEND_ITEMS else " open"
    return Element(f'<details{state} class="kernmonitor-legend" style="position:fixed;bottom:26px;right:10px;'
                   f'z-index:9999;max-height:45%;overflow:auto;background:white;padding:6px 10px;'
                   f'border:1px solid #999;border-radius:4px;font:12px sans-serif">'
                   f'<summary style="cursor:pointer;font-weight:bold">{html.escape(title)}</summary>{rows}</details>')


def _band_legend(title: str) -> Element:
    return _legend(title, [*((BAND_COLOURS[band], label) for band, label in BAND_LABELS.items()),
                           ("#DDDDDD", "geen gegevens")])


def _ramp_legend(title: str, values: pd.Series, column: str) -> Element:
    known = values.dropna()
    if known.empty:
        return _legend(title, [("#DDDDDD", "geen gegevens")])
    edges = [known.min(), *known.quantile([0.2, 0.4, 0.6, 0.8]).tolist(), known.max()]
    show = format_pct if is_fraction(column) else _fmt
    return _legend(title, [(RAMP[i], f"{show(edges[i])} – {show(edges[i + 1])}") for i in range(5)])


def unit_map(units: pd.DataFrame, *, cores: gpd.GeoDataFrame | None = None,
             group_names: dict[str, str] | None = None, title: str | None = None,
             areas: pd.DataFrame | None = None) -> folium.Map:
    """The units of one inventory: one GeoJSON layer for vacant and one for occupied units
    (coloured by Locatus group), the derived cores as polygons, the declared shopping ``areas``
    (`dashboard.figures.area_layer`), a layer control, a legend and
    ``title`` (town and inventory date) on the map and as the page title of a downloaded file.

    Popups give address, group, floor area and how long a unit has stood empty, escaped. The view
    fits the units; a map without coordinates says so.
    """
    placed = units.dropna(subset=["lat", "lon"])
    centre = (placed["lat"].mean(), placed["lon"].mean()) if len(placed) else PROVINCE_CENTRE
    fmap = base_map(centre=centre, zoom=15 if len(placed) else PROVINCE_ZOOM)
    if len(placed) > 1:
        _fit(fmap, placed["lat"].min(), placed["lon"].min(), placed["lat"].max(), placed["lon"].max())
    if title:
        fmap.get_root().header.add_child(Element(f"<title>{html.escape(title)}</title>"))
        fmap.get_root().html.add_child(_banner(title))
    if len(units) and placed.empty:
        fmap.get_root().html.add_child(_banner("Geen van de panden heeft coördinaten: de kaart kan ze niet tonen. "
                                               "Importeer een inventaris met x/y of lat/lon.", top=48))
    names = group_names or {}
    if cores is not None and len(cores):
        outlines = cores.to_crs("EPSG:4326").assign(label=lambda f: f["name"].map(lambda n: html.escape(str(n))))
        folium.GeoJson(outlines[["label", "geometry"]], name="Kernen",
                       style_function=lambda f: {"color": OKABE_ITO["black"], "weight": 2, "fillOpacity": 0.04,
                                                 "dashArray": "4 4"},
                       tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False)).add_to(fmap)
    area_layer.add_areas(fmap, areas)
    for status, layer_name in (("occupied", "In gebruik"), ("vacant", "Leegstaand")):
        chosen = placed[placed["status"] == status]
        if not chosen.empty:
            UnitLayer(chosen, names=names, status=status, name=f"{layer_name} ({len(chosen)})").add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    shown = [c for c in GROUP_COLOURS if c in set(placed["group_code"].dropna())]
    fmap.get_root().html.add_child(_legend("Groep", [(GROUP_COLOURS[c], names.get(c, c)) for c in shown]))
    return fmap


def _banner(text: str, *, top: int = 10) -> Element:
    """A line of text at the top of the map (a title, or why it is empty)."""
    return Element(f'<div class="kernmonitor-title" style="position:fixed;top:{top}px;left:56px;right:190px;'
                   f'z-index:9999;text-align:center;pointer-events:none"><span style="background:rgba(255,255,255,'
                   f'0.9);padding:3px 8px;border-radius:4px;font:bold 14px sans-serif">{html.escape(text)}'
                   f"</span></div>")


#: Coordinates in the maps are rounded to this many decimals: 1e-5° is about a metre.
COORDINATE_DECIMALS = 5


class UnitLayer(folium.FeatureGroup):
    """Units of one status as one GeoJSON layer of circle markers, with compact features.

    Each feature carries only its group code and its popup text (a folium GeoJson with the popup
    as HTML and a style per feature costs about 400 bytes a unit; this about 170), and the browser
    builds markers and popups from them. Texts are JSON inside the script (``<``, ``>`` and ``&``
    as ``\\u`` escapes, so nothing can close it) and are HTML-escaped in the browser before they
    reach a popup.
    """

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.featureGroup({{ this.options|tojavascript }});
        (function (layer, data, look) {
            function esc(text) {
                return String(text).replace(/[&<>"']/g, function (c) {
                    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
                });
            }
            function popup(feature) {
                var lines = feature.properties.t.split("\\n").map(esc);
                if (feature.properties.n) { lines[0] = "<b>" + lines[0] + "</b>"; }
                return lines.join("<br>");
            }
            L.geoJSON(data, {
                pointToLayer: function (feature, latlng) {
                    return L.circleMarker(latlng, {radius: look.radius, weight: 1, color: look.stroke, fillOpacity: 0.9,
                                                   fillColor: look.colours[feature.properties.g] || look.colours[""]});
                },
                onEachFeature: function (feature, marker) { marker.bindPopup(popup.bind(null, feature)); }
            }).addTo(layer);
        })({{ this.get_name() }}, {{ this.data }}, {{ this.look }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """)

    def __init__(self, units: pd.DataFrame, *, names: dict[str, str], status: str, name: str):
        super().__init__(name=name)
        groups = units["group_code"].astype(object).where(units["group_code"].notna(), "").tolist()
        texts = [_popup_lines(row, names) for row in _rows(units)]
        lons = units["lon"].round(COORDINATE_DECIMALS).tolist()
        lats = units["lat"].round(COORDINATE_DECIMALS).tolist()
        features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                     "properties": {"g": group, "n": int(bool(lines[0])),
                                    "t": "\n".join(line for line in lines if line)}}
                    for lon, lat, group, lines in zip(lons, lats, groups, texts, strict=True)]
        self.data = _script_json({"type": "FeatureCollection", "features": features})
        self.look = _script_json({"colours": {**{code: group_colour(code) for code in set(groups)},
                                              "": group_colour(None)},
                                  "radius": 6 if status == "vacant" else 4,
                                  "stroke": "#000" if status == "vacant" else "#444"})


def _script_json(value) -> str:
    """JSON that is safe inside a <script> element: no ``<``, ``>`` or ``&`` as such."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


_POPUP_FIELDS = ["name", "street", "house_number", "group_code", "status", "floor_area_m2", "vacant_since",
                 "vacant_since_precision", "observed_on"]


def _rows(units: pd.DataFrame):
    """The popup fields of every unit as named tuples (column lists: arrow-backed rows are slow)."""
    row = namedtuple("Unit", _POPUP_FIELDS)
    columns = (units[c].tolist() if c in units else [None] * len(units) for c in _POPUP_FIELDS)
    return (row(*values) for values in zip(*columns, strict=True))


@lru_cache(maxsize=8192)
def _area_line(m2: float) -> str:
    return f"oppervlakte {format_area(m2)}"


def _popup_lines(row, names: dict[str, str]) -> list[str]:
    """Name (or ""), address, group and status, floor area, how long empty: plain text."""
    lines = [str(row.name) if row.name is not None and not pd.isna(row.name) else "",
             format_address(row.street, row.house_number),
             f"{names.get(row.group_code, row.group_code or 'groep onbekend')} · "
             f"{STATUS_LABELS.get(row.status, row.status)}",
             _area_line(row.floor_area_m2) if not pd.isna(row.floor_area_m2) else ""]
    if row.status == "vacant" and not pd.isna(row.vacant_since):
        years = (pd.Timestamp(row.observed_on) - pd.Timestamp(row.vacant_since)).days / 365.25
        since = format_since(row.vacant_since, row.vacant_since_precision)
        lines.append(f"leeg sinds {since} ({format_number(years, 1)} jaar)")
    return lines


#: Column names under which boundary files carry the municipality's NIS code.
NIS_COLUMNS = ("nis_code", "niscode", "nis", "refnis", "cd_munty_refnis", "code_ins", "nis_code_2025")


def read_boundaries(source) -> gpd.GeoDataFrame:
    """A boundary file (GeoJSON, GeoPackage or zipped Shapefile, any CRS) with a ``nis_code`` column.

    Raises ValueError (Dutch) when no column holds five-digit NIS codes.
    """
    shapes = gpd.read_file(source)
    for column in shapes.columns:
        if column.lower() in NIS_COLUMNS:
            codes = shapes[column].astype(str).str.zfill(5)
            if codes.str.fullmatch(r"\d{5}").all():
                return shapes.assign(nis_code=codes)[["nis_code", "geometry"]]
    raise ValueError("Het grenzenbestand heeft geen kolom met NIS-codes (bv. nis_code of NISCODE).")
