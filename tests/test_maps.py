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


@pytest.mark.parametrize(("geography", "count"), [("2025", 62), ("2018", 64)])
def test_the_shipped_boundaries_hold_every_municipality_of_the_province(geography, count):
    from dashboard import reference

    shapes = maps.read_boundaries(str(reference.boundaries_file(geography)))
    assert len(shapes) == count
    assert sorted(shapes["nis_code"]) == sorted(reference.municipalities(geography)["nis_code"])


def test_the_province_map_is_a_choropleth_of_every_municipality_with_the_outline_and_credit():
    from dashboard import reference

    table = pd.DataFrame({"nis_code": ["34022", "31005"], "vacancy_rate_units": [0.125, 0.057],
                          "units_total": [2500, 3900]})
    shapes = maps.read_boundaries(str(reference.boundaries_file("2025")))
    page = maps.municipality_map(table, value="vacancy_rate_units", label="Leegstand (panden)",
                                 places=reference.municipalities("2025"), boundaries=shapes).get_root().render()
    # Every municipality is drawn and named on hover; one without data says so ("–").
    assert "Kortrijk: 12,5 %" in page and "Brugge: 5,7 %" in page and "Ieper: \\u2013" in page  # JSON: –
    assert page.count("Ieper: ") == 1 and "L.circleMarker" not in page
    assert '"weight": 2.5' in page  # the province's outline
    assert "Arne Hoefkens (MIT)" in page and "addAttribution" in page
    assert "imperial: false" in page  # a metric scale only
    assert "fitBounds" in page  # the view fits the province
    assert '<details open class="kernmonitor-legend"' in page and "right:10px" in page  # foldable, clear of the scale


def test_the_unit_map_is_titled_fits_its_units_and_says_when_it_cannot_show_them():
    page = leaflet.standalone_html(maps.unit_map(_town(), title="Kortrijk · inventaris van 01/01/2024"))
    assert "<title>Kortrijk · inventaris van 01/01/2024</title>" in page
    assert page.count("Kortrijk · inventaris van 01/01/2024") == 2  # the page title and the map's own
    assert "fitBounds" in page
    nowhere = _town().assign(lat=None, lon=None)
    assert "Geen van de panden heeft coördinaten" in maps.unit_map(nowhere).get_root().render()


def _lab(colour: str, deficiency: str | None) -> tuple[float, float, float]:
    """CIE L*a*b* of an sRGB colour as seen with a colour-vision deficiency (Machado et al. 2009, severity 1)."""
    import numpy as np

    matrices = {"protan": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                           [-0.003882, -0.048116, 1.051998]],
                "deutan": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                           [-0.011820, 0.042940, 0.968881]]}
    rgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    if deficiency:
        linear = np.clip(np.array(matrices[deficiency]) @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


@pytest.mark.parametrize("deficiency", [None, "protan", "deutan"])
def test_no_group_colour_comes_near_the_vacancy_colour(deficiency):
    import math

    from dashboard.figures.palette import GROUP_COLOURS

    vacancy = _lab(GROUP_COLOURS["00"], deficiency)
    distances = {code: math.dist(vacancy, _lab(colour, deficiency)) for code, colour in GROUP_COLOURS.items()
                 if code != "00"}
    assert min(distances.values()) >= 20, distances  # ΔE*ab ≥ 20: clearly another colour
