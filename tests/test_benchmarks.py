"""The benchmark harness: its table and targets on hand-made figures, its Locatus file through the
importer, and one whole run on a small sample."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.locatus import HEADER, locatus_csv
from benchmarks.run import markdown, remove_store
from benchmarks.timing import Measure, timed_alternately
from dashboard import ingest

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def test_baseline_and_case_are_timed_in_turns():
    calls = []
    baseline, seconds = timed_alternately(lambda: calls.append("baseline"), lambda: calls.append("case"), runs=3,
                                          before=lambda: calls.append("before"))
    # before goes untimed ahead of each case run, and the two alternate.
    assert calls == ["baseline", "before", "case"] * 3
    assert len(baseline) == len(seconds) == 3


def test_all_indicators_from_the_analysis_frames_as_from_the_units(seeded_store):
    from benchmarks.cases import all_indicators
    from dashboard.tables.indicators import placed_units

    units, campaign = seeded_store.units(), seeded_store.campaign()
    placed = placed_units(units, "2025")
    twice = [all_indicators(placed, campaign) for _ in range(2)]
    assert placed._latest_tallies == {}  # each run made its own latest tallies, on a copy
    from_units = all_indicators(units, campaign)
    for name in ("vacancy", "vacancy_province", "mix", "campaign", "vitality"):
        pd.testing.assert_frame_equal(twice[0][name], from_units[name])
        pd.testing.assert_frame_equal(twice[1][name], from_units[name])
    assert repr(twice[1]["impact"]) == repr(from_units["impact"])  # every field, NaN included


def test_targets_need_both_the_value_and_the_ratio():
    fast = Measure("x", "x", [1.0, 3.0, 2.0], max_value=2.5, max_ratio=5.0)
    fast.ratio = 4.0
    assert fast.value == 2.0 and fast.meets_target  # the median of 1, 2, 3
    slow_ratio = Measure("x", "x", [2.0], max_value=2.5, max_ratio=5.0)
    slow_ratio.ratio = 6.0  # fast enough, but six times the baseline
    assert not slow_ratio.meets_target
    assert Measure("x", "x", [9.0]).meets_target is None  # no target: neither met nor missed


def test_markdown_table_in_dutch_notation():
    seed = Measure("seed", "Opslag bouwen", [float("nan")])  # not measured: a reused store
    load = Measure("cold_load", "Koud laden", [1.234], max_value=3.0)
    imported = Measure("import_csv", "Import", [9.0], baseline="read_csv", max_value=8.0, max_ratio=10.0)
    imported.ratio = 15.0
    html = Measure("map", "Kaart", [1.5 * MB], unit="B", max_value=2 * MB)
    text = markdown([seed, load, imported, html], {"scale": 5.1, "cpus": 2, "python": "3.11.7",
                                                   "total_seconds": 281.4})
    assert text.splitlines()[0] == "Schaal 5.1, 2 cores, Python 3.11.7; hele run 281 s. Mediaan van de herhalingen."
    facts = {"scale": 0.76, "shown": "Vlaanderen, 2005–2024", "cpus": 2, "python": "3.11.7", "total_seconds": 1.0}
    assert markdown([], facts).splitlines()[0] == ("Schaal 0.76 (Vlaanderen, 2005–2024), 2 cores, Python 3.11.7; "
                                                   "hele run 1 s. Mediaan van de herhalingen.")
    assert "| Opslag bouwen | – |  |  |  |" in text
    assert "| Koud laden | 1,23 s |  | ≤ 3,00 s | ja |" in text
    assert "| Import | 9,00 s | 15.0× | ≤ 8,00 s en ≤ 10× basislijn | **nee** |" in text
    assert "| Kaart | 1,5 MB |  | ≤ 2,0 MB | ja |" in text


def test_locatus_file_is_read_by_the_importer():
    units = pd.DataFrame({
        "observed_on": pd.to_datetime(["2023-01-01", "2024-01-01", "2024-01-01"]),
        "status": ["occupied", "vacant", "occupied"], "name": ["Oud", None, "Bakker Peeters"],
        "street": "Markt", "house_number": ["1", "2", "3"], "postcode": "8500", "municipality": "Kortrijk",
        "category": ["11-Dagelijks", "00-Leegstand", "11-Dagelijks"], "floor_area_m2": [90.0, 1250.0, None],
        "vacant_since": pd.to_datetime([None, "2022-03-15", None]), "lat": 50.8277, "lon": 3.2649})
    raw = locatus_csv(units, rows=2)  # the latest inventory first: the two of 2024
    frame = pd.read_csv(io.BytesIO(raw), sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    assert list(frame.columns) == HEADER
    assert frame["WVO"].tolist() == ["1.250", ""]  # a thousands dot, as Locatus writes areas
    assert frame["LEEGSTAND_SINDS"].tolist() == ["15/03/2022", ""]
    prepared = ingest.prepare(raw, "locatus.csv", observed_on=pd.Timestamp("2024-01-01").date())
    assert prepared.errors.empty
    assert prepared.rows["floor_area_m2"].tolist()[0] == 1250.0
    assert prepared.rows["status"].tolist() == ["vacant", "occupied"]
    assert prepared.rows["nis_code"].tolist() == ["34022", "34022"]  # Kortrijk, from postcode and place


def test_an_earlier_store_goes_with_its_copies(tmp_path):
    (tmp_path / "store-scale-5.1.db").write_bytes(b"db")
    (tmp_path / "store-scale-5.1.db-wal").write_bytes(b"wal")
    (tmp_path / "store-scale-5.1.db.cache").mkdir()
    (tmp_path / "store-scale-5.1.db.cache" / "units-1-ab.parquet").write_bytes(b"copy")
    (tmp_path / "store-scale-0.5.db").write_bytes(b"another scale")
    remove_store(tmp_path / "store-scale-5.1.db")
    assert [p.name for p in tmp_path.iterdir()] == ["store-scale-0.5.db"]


@pytest.mark.slow
def test_a_whole_run_on_a_small_sample(tmp_path):
    # One province, eleven inventories: small and quick (all of Flanders at any scale takes its 300
    # municipalities' time to generate); the run shows the region it was given.
    out = tmp_path / "results"
    subprocess.run([sys.executable, "-m", "benchmarks", "--scale", "0.05", "--province", "30000", "--first-year",
                    "2014", "--runs", "1", "--import-rows", "300", "--load-seconds", "5", "--memory-rows", "300",
                    "--out", str(out)], cwd=ROOT, check=True, capture_output=True, timeout=600)
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["run"]["shown"] == "West-Vlaanderen, 2014–2024"
    assert [p.name for p in out.glob("store-*.db")] == ["store-30000-2014-scale-0.05.db"]
    measured = {row["name"]: row for row in results["measures"]}
    assert set(measured) == {
        "seed", "first_load", "cold_load", "minimal_groupby", "all_indicators", "all_indicators_from_units",
        "page_overzicht_cold",
        "page_overzicht_warm", "page_gemeente_cold", "page_gemeente_warm", "bare_first_page", "first_page",
        "unit_map_build", "unit_map_html",
        "unit_map_5000_html", "folium_markers_html", "report_pdf", "report_xlsx", "read_csv", "import_csv",
        "import_xlsx", "load_capacity_interval", "load_capacity_median", "load_capacity_p95", "load_paced_interval",
        "load_paced_median", "load_paced_p95", "clear_cache_quiet", "clear_cache_overzicht", "memory_cli_csv",
        "memory_app_csv", "memory_cli_excel", "memory_app_excel", "peak_rss"}
    assert all(row["value"] > 0 for row in measured.values())
    assert measured["import_csv"]["label"] == "Import van een Locatus-CSV (300 rijen, 300 opgeslagen)"
    assert measured["seed"]["label"] == "Voorbeeldopslag bouwen (West-Vlaanderen, 2014–2024, schaal 0.05, apart proces)"
    assert measured["all_indicators"]["ratio"] == pytest.approx(
        measured["all_indicators"]["value"] / measured["minimal_groupby"]["value"])
    assert set(results["run"]["peak_rss_after_bytes"]) == {"load", "indicators", "pages", "first_page", "unit_map",
                                                           "reports", "import", "load_sessions"}
    table = (out / "results.md").read_text(encoding="utf-8")
    assert table.count("\n| ") == len(measured) + 1  # the header and one row per measure
