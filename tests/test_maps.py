"""Map builders (dashboard.figures.maps) and the map command: layers, features, escaping, offline."""

import json
import re

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from dashboard.cli.main import main
from dashboard.figures import leaflet, maps
from dashboard.store.database import Batch, Store
from tests.conftest import unit_rows


@pytest.fixture(autouse=True)
def no_tiles(monkeypatch):
    monkeypatch.setenv("KERNMONITOR_TILES", "none")


def _town() -> pd.DataFrame:
    rows = [{"status": "vacant", "group_code": "00", "street": "Markt<script>alert(1)</script>", "house_number": "1",
             "name": "<img src=x onerror=alert(1)>", "floor_area_m2": 120.0, "vacant_since": "2021-01-01"}]
    rows += [{"status": "occupied", "group_code": "22", "street": "Markt", "house_number": str(i)}
             for i in range(2, 14)]
    rows += [{"status": "occupied", "group_code": "11", "street": "Veldweg", "house_number": "1"}]  # no coordinates
    units = unit_rows(*rows, observed_on="2024-01-01", nis_code="34022")
    units.loc[:12, "lat"] = [50.8270 + 0.0001 * i for i in range(13)]
    units.loc[:12, "lon"] = 3.2650
    return units


def unit_layers(page: str) -> list[dict]:
    """The data of each `maps.UnitLayer` in a rendered map."""
    return [json.loads(found) for found in re.findall(r"\}\)\(feature_group_\w+, (\{.*\}), \{.*\}\);", page)]


def test_unit_map_has_one_layer_per_status_with_every_placed_unit():
    page = leaflet.standalone_html(maps.unit_map(_town(), group_names={"00": "Leegstand", "22": "Mode & Luxe"}))
    layers = unit_layers(page)
    assert sorted(len(layer["features"]) for layer in layers) == [1, 12]  # the unit without coordinates is left out
    vacant = next(layer["features"][0] for layer in layers if len(layer["features"]) == 1)
    assert vacant["properties"] == {"g": "00", "n": 1, "t": "<img src=x onerror=alert(1)>\nMarkt<script>alert(1)"
                                    "</script> 1\nLeegstand · leegstaand\noppervlakte 120 m²\nleeg sinds 01/01/2021 "
                                    "(3,0 jaar)"}
    assert vacant["geometry"] == {"type": "Point", "coordinates": [3.265, 50.827]}
    # In the page the texts are JSON escapes that cannot close the script; the browser escapes them again
    # before they reach a popup (tests/browser/test_map_popups.py).
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    assert "Leegstaand (1)" in page and "In gebruik (12)" in page  # layer control names
    assert "Mode &amp; Luxe" in page  # the legend, escaped


def test_standalone_map_needs_no_network():
    page = leaflet.standalone_html(maps.unit_map(_town()))
    assert not re.findall(r'<(?:script|link)[^>]+(?:src|href)="https?://', page)
    assert "L.map" in page and "Leaflet 1.9.4" in page  # Leaflet itself is inside the file


def test_municipality_map_symbols_and_choropleth():
    table = pd.DataFrame({"nis_code": ["34022", "31005"], "vacancy_rate_units": [0.125, 0.057],
                          "units_total": [2500, 3900]})
    places = pd.DataFrame({"nis_code": ["34022", "31005"], "name_nl": ["Kortrijk", "Brugge"],
                           "lat": [50.82, 51.2], "lon": [3.26, 3.22]})
    page = maps.municipality_map(table, value="vacancy_rate_units", label="Leegstand", places=places) \
        .get_root().render()
    assert page.count("L.circleMarker") == 2
    assert "Kortrijk: 12,5 %" in page and "#D55E00" in page  # kritiek
    assert "Brugge: 5,7 %" in page and "#009E73" in page  # gezond
    shapes = gpd.GeoDataFrame({"nis_code": ["34022", "31005"]},
                              geometry=[box(3.2, 50.8, 3.3, 50.85), box(3.1, 51.1, 3.3, 51.3)], crs="EPSG:4326")
    choropleth = maps.municipality_map(table, value="vacancy_rate_units", label="Leegstand", places=places,
                                       boundaries=shapes).get_root().render()
    assert choropleth.count('"type": "Polygon"') == 2 and "L.circleMarker" not in choropleth


def test_map_command_writes_the_town(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), _town())
    out = tmp_path / "kortrijk.html"
    assert main(["map", "34022", "--out", str(out), "--db", url]) == 0
    assert "Kaart van Kortrijk (14 verkooppunten, 2024)" in capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    cores = [json.loads(found) for found in re.findall(r"geo_json_\w+_add\((\{.*?\})\);", page)]
    assert [len(layer["features"]) for layer in cores] == [1]
    assert sorted(len(layer["features"]) for layer in unit_layers(page)) == [1, 12]  # vacant, occupied
    labels = [f["properties"].get("label") for layer in cores for f in layer["features"]]
    assert "Kern 1 — Markt" in labels  # 13 units within 75 m of each other form a core
    assert main(["map", "99999", "--out", str(out), "--db", url]) == 1
    assert main(["map", "31005", "--out", str(out), "--db", url]) == 1  # no inventory of Brugge
