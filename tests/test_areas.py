"""Declared shopping areas (issue 21, item 5): reading a list, placing units in areas by name, polygon
and nearest point, the tie rules, figures per area and per type, rollback, an earlier store, the command
line and the map. Every expected value is worked out by hand in the comments."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
import shapely
from sqlalchemy import inspect

from analysis.areas import assign_areas
from dashboard import ingest
from dashboard.cli.main import main
from dashboard.figures import maps
from dashboard.store import integrity
from dashboard.store.database import Batch, Store
from dashboard.tables import areas as tables
from tests.conftest import unit_rows

TODAY = pd.Timestamp("2025-06-30")
#: Kortrijk's Grote Markt: a box of 0.002° of longitude (≈ 140 m) by 0.001° of latitude (≈ 111 m).
BOX = "POLYGON ((3.264 50.827, 3.266 50.827, 3.266 50.828, 3.264 50.828, 3.264 50.827))"
#: A point 0.010° of longitude (≈ 700 m) east of the box: an area given only as a point.
STEENWEG = (50.8275, 3.2750)
#: 0.0009°, 0.0018° and 0.0027° of latitude are 100 m, 200 m and 300 m (1° ≈ 111,2 km).
NORTH_100, NORTH_200, NORTH_300 = 0.0009, 0.0018, 0.0027


def _areas_frame(rows: list[dict]) -> pd.DataFrame:
    """Areas as `assign_areas` takes them (``geometry`` a shapely polygon or None)."""
    defaults = {"nis_code": "34022", "lat": None, "lon": None, "geometry": None}
    frame = pd.DataFrame([{**defaults, **row} for row in rows])
    return frame.astype({"lat": float, "lon": float})


def _units_frame(rows: list[dict]) -> pd.DataFrame:
    defaults = {"nis_code": "34022", "shopping_area": None, "lat": None, "lon": None}
    return pd.DataFrame([{**defaults, **row} for row in rows]).astype({"lat": float, "lon": float})


# ---------------------------------------------------------------- placing units in areas


def test_a_unit_is_placed_by_name_then_polygon_then_nearest_point_within_the_distance():
    areas = _areas_frame([
        {"area_id": "KC", "name": "Centrum Kortrijk", "geometry": shapely.from_wkt(BOX), "lat": 50.8275, "lon": 3.265},
        {"area_id": "KS", "name": "Steenweg", "lat": STEENWEG[0], "lon": STEENWEG[1]},
    ])
    units = _units_frame([
        {"lat": 50.8275, "lon": 3.2650},  # in the middle of the box
        {"lat": 50.8275, "lon": 3.2660},  # on its east edge: the edge counts as inside
        {"lat": STEENWEG[0] + NORTH_200, "lon": STEENWEG[1]},  # 200 m from the point: within 250 m
        {"lat": STEENWEG[0] + NORTH_300, "lon": STEENWEG[1]},  # 300 m: too far
        # Named: the name wins over the coordinates, which lie next to the Steenweg's point.
        {"shopping_area": " centrum  KORTRIJK.", "lat": STEENWEG[0], "lon": STEENWEG[1] + 0.0001},
        {"nis_code": "31005", "shopping_area": "Centrum Kortrijk"},  # in Brugge: Kortrijk's name does not count
        {},  # no name, no coordinates
    ])
    placed = assign_areas(units, areas, max_distance_m=250)
    assert placed.values.tolist() == [["KC", "polygon"], ["KC", "polygon"], ["KS", "point"], [None, None],
                                      ["KC", "name"], [None, None], [None, None]]
    # With 150 m the unit 200 m away is outside as well.
    assert assign_areas(units, areas, max_distance_m=150)["area_id"].tolist()[2] is None


def test_ties_go_to_the_smallest_polygon_and_otherwise_the_lowest_id():
    big, small = shapely.box(3.2600, 50.8200, 3.2700, 50.8300), shapely.box(3.2640, 50.8270, 3.2660, 50.8280)
    areas = _areas_frame([
        {"area_id": "A", "name": "Stad", "geometry": big},
        {"area_id": "Z", "name": "Galerij", "geometry": small},  # inside A: smaller, so it wins despite its id
        {"area_id": "P2", "name": "Brugge 1", "nis_code": "31005", "geometry": small},
        {"area_id": "P1", "name": "Brugge 2", "nis_code": "31005", "geometry": small},  # the same polygon: lowest id
        {"area_id": "Q2", "name": "Ieper 1", "nis_code": "33011", "lat": 50.8510, "lon": 2.8850},
        {"area_id": "Q1", "name": "Ieper 2", "nis_code": "33011", "lat": 50.8510, "lon": 2.8850},  # the same point
        {"area_id": "M2", "name": "Markt"}, {"area_id": "M1", "name": "MARKT"},  # one name twice in Kortrijk
    ])
    units = _units_frame([
        {"lat": 50.8275, "lon": 3.2650},  # in A and in Z
        {"lat": 50.8250, "lon": 3.2620},  # in A only
        {"nis_code": "31005", "lat": 50.8275, "lon": 3.2650},  # in P1 and P2 (Brugge's areas, same polygon)
        {"nis_code": "33011", "lat": 50.8510 + NORTH_100, "lon": 2.8850},  # 100 m from Q1 and Q2 alike
        {"shopping_area": "markt"},
    ])
    assert assign_areas(units, areas, max_distance_m=250)["area_id"].tolist() == ["Z", "A", "P1", "Q1", "M1"]


def test_the_distance_is_a_setting(monkeypatch):
    stored = _stored([{"area_id": "KS", "name": "Steenweg", "area_type": "Baanconcentratie",
                       "lat": STEENWEG[0], "lon": STEENWEG[1]}])
    units = unit_rows({"lat": STEENWEG[0] + NORTH_200, "lon": STEENWEG[1]}, observed_on="2024-01-01")
    current = tables.current_areas(stored)
    assert tables.assigned_units(units, current, geography="2025")["area_id"].tolist() == ["34022|KS"]  # 250 m
    monkeypatch.setenv("KERNMONITOR_AREA_POINT_DISTANCE_M", "150")
    assert tables.assigned_units(units, current, geography="2025")["area_id"].isna().tolist() == [True]


# ---------------------------------------------------------------- reading a list of areas

AREAS_FILE = (
    "winkelgebied_id;winkelgebied_naam;gemeente;typering;hoofdtype;rep_point_lat;rep_point_lon;geometrie;area_ha\n"
    # Row 2: good; the type as people type it.
    "KC;Centrum Kortrijk;Kortrijk; KERNVERZORGEND centrum-groot ;Centraal;50,8275;3,2650;;64,37\n"
    # Row 3: a polygon and no point; the main type contradicts the type; the hectares are no number.
    f"KS;Ring;Kortrijk;Baanconcentratie;Overig;;;{BOX};veel\n"
    # Row 4: a type Locatus does not know: an error that lists the types.
    "SJ;Sint-Jan;Kortrijk;Kernwinkelgebied;;50,83;3,26;;\n"
    # Row 5: half a point, so no place: it still counts (by name), with warnings.
    "IM;Markt Ieper;Ieper;Binnenstad;;50,85;;;\n"
    # Row 6: Kortrijk's id KC again: an error naming the duplicate.
    "KC;Dubbel;Kortrijk;Binnenstad;;50,8;3,2;;\n"
    # Row 7: no id (its name is its id); a point in Lambert 72 with its SRID: the Grote Markt of Roeselare.
    ";Centrum Roeselare;Roeselare;Binnenstad;;;;\"SRID=31370;POINT (62500 182579)\";\n"
    # Row 8: a line is no area, and the geometry of row 9 cannot be read.
    "L1;Lijn;Kortrijk;Binnenstad;;50,8275;3,2650;LINESTRING (3.26 50.82, 3.27 50.83);\n"
    "W1;Kapot;Kortrijk;Binnenstad;;;;POLYGON ((3.27 50.82, 3.28;\n"
).encode("cp1252")


def _messages(prepared, row: int) -> list[tuple[str, str]]:
    found = prepared.problems[prepared.problems["row_number"] == row]
    return list(zip(found["severity"], found["problem"], strict=True))


def test_a_list_of_areas_is_read_with_every_problem_named_in_dutch():
    prepared = ingest.prepare(AREAS_FILE, "winkelgebieden.csv", today=TODAY)
    assert prepared.kind == "areas"
    assert _messages(prepared, 2) == []
    row = prepared.rows.loc[2]
    assert (row["area_id"], row["nis_code"], row["area_type"], row["lat"], row["lon"], row["area_ha"]) == (
        "KC", "34022", "Kernverzorgend centrum groot", 50.8275, 3.265, 64.37)
    assert _messages(prepared, 3) == [
        ("waarschuwing", "geen getal: schrijf bv. 1250 of 1.250,5; het veld blijft leeg, het gebied telt mee"),
        ("waarschuwing", "hoofdtype past niet bij het type Baanconcentratie: dat is voor Locatus 'Ondersteunend', "
                         "en zo telt het")]
    ring = prepared.rows.loc[3]
    assert ring["geometry"].startswith("POLYGON ((3.264 50.827") and pd.isna(ring["area_ha"])
    # A point inside the polygon stands for it: inside the box.
    assert 50.827 <= ring["lat"] <= 50.828 and 3.264 <= ring["lon"] <= 3.266
    assert _messages(prepared, 4) == [("fout", "onbekend type winkelgebied: kies een type van Locatus: Binnenstad, "
                                               "Hoofdwinkelgebied groot, Hoofdwinkelgebied klein, Kernverzorgend "
                                               "centrum groot, Kernverzorgend centrum klein, Binnenstedelijke "
                                               "winkelstraat, Wijkcentrum, Buurtcentrum, Kernondersteunend groot, "
                                               "Kernondersteunend middel, Kernondersteunend klein, Supermarktcentrum, "
                                               "Baanconcentratie, Grootschalige concentratie, Shopping center, "
                                               "Speciaal winkelgebied")]
    assert [message for _, message in _messages(prepared, 5)] == [
        "maar één van beide coördinaten ingevuld: het punt blijft leeg, het gebied telt mee",
        "geen ligging (punt of veelhoek): het gebied telt alleen de panden die het bij naam noemen (kolom "
        "winkelgebied van de inventaris) en staat niet op de kaart"]
    assert _messages(prepared, 6) == [("fout", "dit winkelgebied (dezelfde id en gemeente) staat al in een eerdere "
                                               "rij: verwijder de dubbele rij, of geef elk gebied een eigen id")]
    roeselare = prepared.rows.loc[7]
    assert (roeselare["area_id"], round(roeselare["lat"], 3), round(roeselare["lon"], 3)) == (
        "centrum roeselare", 50.947, 3.124)  # as ingest.units' doctest converts that point
    assert [message for _, message in _messages(prepared, 8)] == [
        "een LineString is geen gebied: geef een punt of een veelhoek (POLYGON); de geometrie blijft leeg, het "
        "gebied telt mee"]
    assert [message for _, message in _messages(prepared, 9)][0].startswith("geen geldige geometrie: schrijf WKT")
    assert prepared.error_rows == [4, 6]


def test_a_file_with_errors_lands_not_at_all_and_partially_only_when_asked(store_url):
    store = Store(store_url)
    with pytest.raises(ingest.ImportRejected, match="2 fout"):
        ingest.import_file(store, AREAS_FILE, "winkelgebieden.csv", imported_by="an", today=TODAY)
    assert store.is_empty()
    batch_id = ingest.import_file(store, AREAS_FILE, "winkelgebieden.csv", imported_by="an", partial=True,
                                  today=TODAY)
    # 8 rows, 2 refused: KC, KS, IM, Centrum Roeselare, L1, W1.
    assert sorted(store.areas()["area_id"]) == ["IM", "KC", "KS", "L1", "W1", "centrum roeselare"]
    batch = store.batches().set_index("batch_id").loc[batch_id]
    assert (batch["kind"], batch["rows_imported"], batch["rows_rejected"]) == ("areas", 6, 2)
    assert integrity.check(store.engine) == []


def test_a_geojson_feature_collection_is_a_list_of_areas():
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "KC", "naam": "Centrum", "nis_code": "34022", "type": "Binnenstad"},
         "geometry": json.loads(shapely.to_geojson(shapely.from_wkt(BOX)))},
        {"type": "Feature", "properties": {"id": "KS", "naam": "Steenweg", "nis_code": "34022",
                                           "type": "baanconcentratie"},
         "geometry": {"type": "Point", "coordinates": [STEENWEG[1], STEENWEG[0]]}}]}
    prepared = ingest.prepare(json.dumps(collection).encode(), "gebieden.geojson", today=TODAY)
    assert (prepared.kind, prepared.description) == ("areas", "GeoJSON, 2 object(en); rij = volgnummer")
    assert prepared.problems.empty
    rows = prepared.valid_rows
    assert rows["area_type"].tolist() == ["Binnenstad", "Baanconcentratie"]
    assert rows.loc[1, "geometry"].startswith("POLYGON ((3.264 50.827") and pd.isna(rows.loc[2, "geometry"])
    assert (rows.loc[2, "lat"], rows.loc[2, "lon"]) == STEENWEG


# ---------------------------------------------------------------- figures per area and per type


def _stored(rows: list[dict], batch_id: int = 1) -> pd.DataFrame:
    """Areas as ``Store.areas()`` gives them."""
    defaults = {"batch_id": batch_id, "nis_code": "34022", "municipality": None, "lat": None, "lon": None,
                "geometry": None, "area_ha": None}
    return pd.DataFrame([{**defaults, **row} for row in rows]).astype({"lat": float, "lon": float})


#: Kortrijk's centre (a polygon), its Steenweg (a point) and Brugge's centre (a name only).
STORED = _stored([
    {"area_id": "KC", "name": "Centrum Kortrijk", "area_type": "Binnenstad", "geometry": BOX},
    {"area_id": "KS", "name": "Steenweg", "area_type": "Baanconcentratie", "lat": STEENWEG[0], "lon": STEENWEG[1]},
    {"area_id": "BC", "name": "Centrum Brugge", "area_type": "Binnenstad", "nis_code": "31005"},
])


def _kortrijk(day: str, statuses: dict[str, str], *, areas: dict[str, float] | None = None) -> pd.DataFrame:
    """Kortrijk's units k1…k9 on ``day``: k1–k4 in the box, k9 an ATM in the box, k5 100 m and k6 200 m
    north of the Steenweg's point, k7 and k8 nowhere; every unit 100 m² unless ``areas`` says otherwise."""
    where = {**{f"k{i}": (50.8275, 3.2645 + 0.0002 * i) for i in range(1, 5)}, "k9": (50.8275, 3.2652),
             "k5": (STEENWEG[0] + NORTH_100, STEENWEG[1]), "k6": (STEENWEG[0] + NORTH_200, STEENWEG[1])}
    rows = [{"unit_id": unit, "status": status, "group_code": "00" if status == "vacant" else
             ("80" if unit == "k9" else "11"), "floor_area_m2": (areas or {}).get(unit, 100.0),
             "lat": where.get(unit, (None, None))[0], "lon": where.get(unit, (None, None))[1]}
            for unit, status in statuses.items()]
    return unit_rows(*rows, observed_on=day)


OCCUPIED, VACANT = "occupied", "vacant"
UNITS = pd.concat([
    _kortrijk("2023-01-01", {"k1": OCCUPIED, "k2": OCCUPIED, "k3": OCCUPIED, "k4": OCCUPIED, "k5": VACANT,
                             "k6": OCCUPIED, "k7": OCCUPIED, "k8": OCCUPIED}),
    _kortrijk("2024-01-01", {"k1": VACANT, "k2": OCCUPIED, "k3": OCCUPIED, "k4": OCCUPIED, "k9": OCCUPIED,
                             "k5": OCCUPIED, "k6": VACANT, "k7": OCCUPIED, "k8": OCCUPIED}, areas={"k1": 300.0}),
    unit_rows(*[{"unit_id": f"b{i}", "status": VACANT if i <= 2 else OCCUPIED, "group_code": "00" if i <= 2 else "22",
                 "floor_area_m2": 100.0, "shopping_area": "CENTRUM BRUGGE"} for i in range(1, 6)],
              observed_on="2024-01-01", nis_code="31005"),
], ignore_index=True)


def test_vacancy_per_type_of_area_across_the_province():
    table = tables.type_table(UNITS, tables.current_areas(STORED), year=2024).set_index("area_type")
    assert list(table.index) == ["Binnenstad", "Baanconcentratie", "buiten winkelgebied"]
    # Binnenstad: Kortrijk's box (k1–k4; the ATM k9 is no outlet; k1 vacant) and Brugge's centre by name
    # (b1–b5, b1 and b2 vacant): 9 outlets, 3 vacant. Floor: 300 + 3 × 100 + 5 × 100 = 1.100 m², vacant
    # 300 + 200 = 500 m². Flows: k1 fell empty since 2023; Brugge has no inventory before.
    binnenstad = table.loc["Binnenstad"]
    assert (binnenstad["areas"], binnenstad["units_total"], binnenstad["units_vacant"]) == (2, 9, 3)
    assert binnenstad["vacancy_rate_units"] == pytest.approx(3 / 9)
    assert binnenstad["vacancy_rate_floor"] == pytest.approx(500 / 1100)
    assert (binnenstad["new_vacancies"], binnenstad["reoccupations"], binnenstad["vacancy_band"]) == (1, 0, "kritiek")
    # Baanconcentratie: k5 (100 m away) re-let, k6 (200 m away) fell empty: 2 outlets, 1 vacant.
    baan = table.loc["Baanconcentratie"]
    assert (baan["units_total"], baan["units_vacant"], baan["vacancy_rate_units"]) == (2, 1, 0.5)
    assert (baan["new_vacancies"], baan["reoccupations"], baan["main_type"]) == (1, 1, "Ondersteunend")
    # Outside: k7 and k8, occupied both years.
    outside = table.loc["buiten winkelgebied"]
    assert (outside["areas"], outside["units_total"], outside["units_vacant"], outside["new_vacancies"]) == (0, 2, 0, 0)
    # The region's row rests on Kortrijk and Brugge only, and says so (never a part for the whole).
    assert set(table["municipality"]) == {"West-Vlaanderen (2 van 62 gemeenten)"}
    assert set(table["nis_code"]) == {"30000"}
    # Chosen Antwerpen: none of these units lie there, so there is no type to show.
    assert tables.type_table(UNITS, tables.current_areas(STORED), year=2024, region="10000").empty


def test_figures_per_area_say_how_units_were_placed():
    table = tables.area_table(UNITS, tables.current_areas(STORED), year=2024).set_index("area_id")
    # The box holds k1–k4 and the ATM k9 (5 units by polygon; 4 outlets, 1 vacant).
    centre = table.loc["KC"]
    assert (centre["units_by_polygon"], centre["units_by_name"], centre["units_total"], centre["units_vacant"]) == (
        5, 0, 4, 1)
    assert (centre["vacancy_rate_units"], centre["location"], centre["municipality"]) == (0.25, "veelhoek", "Kortrijk")
    assert (table.loc["KS", "units_by_point"], table.loc["KS", "location"]) == (2, "punt")
    assert (table.loc["BC", "units_by_name"], table.loc["BC", "vacancy_rate_units"]) == (5, 0.4)


#: Twelve units 0.0002° (≈ 14 m) apart along one street in Roeselare: one derived core; the first six
#: (longitudes 3.1230–3.1240) lie in the box of the area "Centrum Roeselare".
ROESELARE = unit_rows(*[{"unit_id": f"r{i}", "street": "Ooststraat", "lat": 50.9465, "lon": 3.1230 + 0.0002 * i,
                         "status": VACANT if i == 0 else OCCUPIED, "group_code": "00" if i == 0 else "11"}
                        for i in range(12)], observed_on="2024-01-01", nis_code="36015")
ROESELARE_AREA = _stored([{"area_id": "R", "name": "Centrum Roeselare", "area_type": "Binnenstad", "nis_code": "36015",
                           "geometry": "POLYGON ((3.1229 50.946, 3.1241 50.946, 3.1241 50.947, 3.1229 50.947, "
                                       "3.1229 50.946))"}])


def test_the_share_of_each_derived_core_inside_a_declared_area():
    from analysis.cores import derived_cores

    current = tables.current_areas(ROESELARE_AREA)
    row = tables.core_table(ROESELARE, current).iloc[0]
    # 12 outlets, 6 in the box: half; 1 vacant of 12.
    assert (row["core_id"], row["units_total"], row["units_in_area"], row["share_in_area"], row["main_area_name"]) == (
        "36015-K1", 12, 6, 0.5, "Centrum Roeselare")
    town = tables.town_core_table(ROESELARE, derived_cores(ROESELARE), current, geography="2025").iloc[0]
    assert (town["core_name"], town["units_total"], town["units_vacant"], town["share_in_area"]) == (
        "Kern 1 — Ooststraat", 12, 1, 0.5)


def test_every_column_of_the_area_tables_has_a_registry_entry():
    from dashboard.registry import indicator

    current = tables.current_areas(STORED)
    columns = {*tables.area_table(UNITS, current).columns, *tables.type_table(UNITS, current).columns,
               *tables.type_table(UNITS, current, level="municipality").columns,
               *tables.core_table(ROESELARE, tables.current_areas(ROESELARE_AREA)).columns}
    missing = []
    for column in sorted(columns):
        try:
            indicator(column)
        except KeyError:
            missing.append(column)
    assert not missing


# ---------------------------------------------------------------- the store


def test_a_later_list_supersedes_by_id_and_a_rollback_restores_the_earlier(store_url):
    store = Store(store_url)
    first = store.add_batch(Batch(kind="areas", file_name="2024.csv", raw=b"a"), _stored([
        {"area_id": "KC", "name": "Centrum", "area_type": "Binnenstad", "lat": 50.8275, "lon": 3.265}]).drop(
        columns="batch_id"))
    second = store.add_batch(Batch(kind="areas", file_name="2025.csv", raw=b"b"), _stored([
        {"area_id": "KC", "name": "Centrum Kortrijk", "area_type": "Hoofdwinkelgebied groot", "geometry": BOX},
        {"area_id": "KS", "name": "Steenweg", "area_type": "Baanconcentratie", "lat": 50.8275, "lon": 3.275}]).drop(
        columns="batch_id"))
    current = tables.current_areas(store.areas())
    assert current[["area_id", "name", "area_type", "location"]].values.tolist() == [
        ["KC", "Centrum Kortrijk", "Hoofdwinkelgebied groot", "veelhoek"],
        ["KS", "Steenweg", "Baanconcentratie", "punt"]]
    store.rollback_batch(second)
    current = tables.current_areas(store.areas())
    assert current[["area_id", "name", "location"]].values.tolist() == [["KC", "Centrum", "punt"]]
    store.rollback_batch(first)
    assert tables.current_areas(store.areas()).empty
    assert integrity.check(store.engine) == []


def _narrow_batch_kinds(store: Store) -> None:
    """Make the store as a version before areas left it: no areas table, batch kinds without 'areas'."""
    old = "kind IN ('units', 'campaign', 'votes')"
    with store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE areas")
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"ALTER TABLE batches DROP CONSTRAINT batch_kind, "
                                 f"ADD CONSTRAINT batch_kind CHECK ({old})")
            return
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'batches'").scalar_one()
        version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
        conn.exec_driver_sql("PRAGMA writable_schema = ON")
        conn.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE name = 'batches'",
                             (sql.replace("kind IN ('units', 'campaign', 'votes', 'areas')", old),))
        conn.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def test_a_store_from_before_areas_takes_a_list_once_opened(store_url):
    store = Store(store_url)
    store.add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), unit_rows({}, observed_on="2024-01-01"))
    _narrow_batch_kinds(store)
    store.engine.dispose()
    with Store(store_url).engine.connect() as conn:  # opening it brings it up to date
        kinds = next(c for c in inspect(conn).get_check_constraints("batches") if c["name"] == "batch_kind")
    assert "'areas'" in kinds["sqltext"]
    upgraded = Store(store_url)
    upgraded.add_batch(Batch(kind="areas", file_name="a.csv", raw=b"a"), STORED.drop(columns="batch_id"))
    assert len(upgraded.areas()) == 3 and len(upgraded.units()) == 1  # the earlier batch is untouched
    assert integrity.check(upgraded.engine) == []


# ---------------------------------------------------------------- the command line and the map


def test_import_list_and_roll_back_on_the_command_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    Store(url).add_batch(Batch(kind="units", file_name="k.csv", raw=b"k"), UNITS)
    good = tmp_path / "winkelgebieden.csv"
    good.write_text("id;naam;nis_code;type;breedtegraad;lengtegraad;geometrie\n"
                    f"KC;Centrum Kortrijk;34022;Binnenstad;;;\"{BOX}\"\n"
                    f"KS;Steenweg;34022;Baanconcentratie;{STEENWEG[0]};{STEENWEG[1]};\n"
                    "BC;Centrum Brugge;31005;Binnenstad;;;\n", encoding="utf-8")
    assert main(["import", str(good), "--kind", "areas", "--db", url]) == 0
    err = capsys.readouterr().err
    assert err.startswith("Batch 2: 3 rij(en) geïmporteerd uit winkelgebieden.csv")
    assert main(["indicators", "--topic", "areas", "--level", "shopping_area", "--year", "2024", "--db", url]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype={"nis_code": str})
    assert table[["area_id", "area_type", "units_total", "units_vacant", "vacancy_rate_units"]].values.tolist() == [
        ["BC", "Binnenstad", 5, 2, 0.4], ["KC", "Binnenstad", 4, 1, 0.25], ["KS", "Baanconcentratie", 2, 1, 0.5]]
    assert main(["indicators", "--topic", "areas", "--level", "province", "--year", "2024", "--db", url]) == 0
    types = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert types[["area_type", "units_total", "units_vacant"]].values.tolist() == [
        ["Binnenstad", 9, 3], ["Baanconcentratie", 2, 1], ["buiten winkelgebied", 2, 0]]
    bad = tmp_path / "fout.csv"
    bad.write_text("id;naam;nis_code;type\nX;Markt;34022;Kernwinkelgebied\n", encoding="utf-8")
    assert main(["import", str(bad), "--kind", "areas", "--db", url]) == 1
    assert "Rij 2, kolom 'type' (waarde 'Kernwinkelgebied'): onbekend type winkelgebied" in capsys.readouterr().err
    assert main(["rollback", "2", "--db", url]) == 0
    assert Store(url).areas().empty


def test_the_unit_map_draws_the_areas_with_their_names_escaped():
    stored = _stored([{"area_id": "KC", "name": "<script>alert(1)</script>", "area_type": "Binnenstad",
                       "geometry": BOX},
                      {"area_id": "KS", "name": "Steenweg", "area_type": "Baanconcentratie", "lat": STEENWEG[0],
                       "lon": STEENWEG[1]}])
    current = tables.current_areas(stored)
    town = UNITS[UNITS["nis_code"] == "34022"]
    page = maps.unit_map(town, areas=tables.town_areas(current, "34022", geography="2025")).get_root().render()
    assert "Winkelgebieden (2)" in page
    # The label as the browser reads it from the layer's JSON: escaped HTML (the JSON writes & as \u0026).
    assert r'"label": "Winkelgebied \u0026lt;script\u0026gt;alert(1)\u0026lt;/script\u0026gt; \u00b7 Binnenstad' in page
    assert "<script>alert(1)" not in page
