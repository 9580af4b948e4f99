"""What the benchmark measures, each next to the baseline that makes it a ratio.

Every case takes the store URL and the loaded frames and returns `Measure` objects; targets
(seconds, bytes, ratios) are those of the performance section of the README. The tables are those
of the region the run shows (``region``: a province's code or 02000 for Flanders; None:
``KERNMONITOR_PROVINCE``, which the run sets to the same for the pages).
"""

from __future__ import annotations

import io
import os
import statistics
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from analysis.inventories import PlacedUnits
from benchmarks.locatus import locatus_csv, locatus_xlsx
from benchmarks.timing import Measure, timed, timed_alternately
from dashboard import reference, regions
from dashboard.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
GEOGRAPHY = "2025"
#: Turns of a case and its baseline at least (`timed_alternately`): their medians, and so the
#: ratio, steady on a machine whose speed wanders by a fifth from one second to the next.
MIN_TURNS = {"indicators": 9, "import": 7}


def load(store: Store, *, runs: int, region: str | None = None) -> tuple[list[Measure], pd.DataFrame, PlacedUnits]:
    """The store read into the analysis frames: the units, and those of the region placed in the pages'
    geography with their inventories grouped and tallied (`analysis.inventories.PlacedUnits`, what
    the dashboard keeps per store version). Once the first time after an import (rows from the
    database, columnar copies written; in a process of its own, whose 20 seconds of churn would
    otherwise stay in this one's heap) and cold (nothing in memory, copies on disk)."""
    import shutil
    import subprocess
    import sys

    from dashboard import settings

    copies = settings.cache_dir(store.url)
    if copies is not None:
        shutil.rmtree(copies, ignore_errors=True)
    once = ("import sys, time; from dashboard.store.database import Store; store = Store(sys.argv[1]); "
            "start = time.perf_counter(); store.units(); print(time.perf_counter() - start)")
    first = subprocess.run([sys.executable, "-c", once, store.url], check=True, capture_output=True, text=True,
                           cwd=ROOT).stdout.split()[-1]
    seconds, (units, placed) = timed(lambda: _analysis_frames(Store(store.url), region), runs=runs)
    rows = f"{len(units):,} verkooppuntregels"
    return [Measure("first_load", f"Eerste keer laden na een import ({rows}, kopieën maken; apart proces)",
                    [float(first)]),
            Measure("cold_load", f"Koud laden in analyseframes ({rows}: lezen, indelen, tellen)", seconds,
                    max_value=3.0)], units, placed


def _analysis_frames(store: Store, region: str | None) -> tuple[pd.DataFrame, PlacedUnits]:
    from dashboard.tables.indicators import placed_units

    units = store.units()
    return units, placed_units(units, GEOGRAPHY, region)


def minimal_groupby(units: pd.DataFrame) -> pd.Series:
    """The baseline: only ``vacancy_rate_units`` per municipality and inventory, in plain pandas."""
    return units["status"].eq("vacant").groupby([units["nis_code"], units["observed_on"]], observed=True).mean()


def all_indicators(units: pd.DataFrame | PlacedUnits, campaign: pd.DataFrame,
                   region: str | None = None) -> dict[str, pd.DataFrame]:
    """Every topic of ``python -m dashboard indicators`` for all municipalities of the region and all
    years, from the analysis frames (or from the bare units, placing and tallying them first)."""
    from dashboard.tables.composite import impact, vitality_table
    from dashboard.tables.indicators import campaign_table, mix_table, placed_units, vacancy_table

    # A fresh copy: the latest tallies that tables make and share are part of the work measured.
    units = replace(units) if isinstance(units, PlacedUnits) else placed_units(units, GEOGRAPHY, region)
    last_year = int(units.units["observed_on"].max().year)
    last_edition = int(campaign["edition"].max())
    where = {"geography": GEOGRAPHY, "region": region}
    municipal = vacancy_table(units, **where)
    tables = {"vacancy": municipal,
              "vacancy_province": vacancy_table(units, level="province", municipal=municipal, **where),
              "mix": mix_table(units, **where),
              "campaign": campaign_table(campaign, units, **where)}
    shared = {"vacancy": tables["vacancy"], "reach": tables["campaign"], **where}
    tables["vitality"] = vitality_table(units, campaign, year=last_year, mix=tables["mix"], **shared)
    tables["impact"] = impact(units, campaign, edition=last_edition, **shared)
    return tables


def indicators(units: pd.DataFrame, placed: PlacedUnits, campaign: pd.DataFrame, *, runs: int,
               region: str | None = None) -> list[Measure]:
    """All indicators from the analysis frames against the minimal group-by of the placed units;
    and, for reference, all indicators from the bare units (placing and tallying included)."""
    baseline, seconds = timed_alternately(lambda: minimal_groupby(placed.units),
                                          lambda: all_indicators(placed, campaign, region),
                                          runs=max(runs, MIN_TURNS["indicators"]))
    base_again, from_units = timed_alternately(lambda: minimal_groupby(placed.units),
                                               lambda: all_indicators(units, campaign, region), runs=runs)
    base = Measure("minimal_groupby", "Basislijn: alleen vacancy_rate_units per gemeente en jaar (pandas)", baseline)
    measure = Measure("all_indicators", "Alle indicatoren vanaf de analyseframes (alle onderwerpen, gemeenten, jaren)",
                      seconds, baseline="minimal_groupby", max_value=2.0, max_ratio=5.0)
    measure.ratio = measure.value / base.value
    whole = Measure("all_indicators_from_units", "Alle indicatoren vanaf de verkooppunten (indelen en tellen erbij)",
                    from_units, baseline="minimal_groupby")
    whole.ratio = whole.value / statistics.median(base_again)  # against the baseline timed in turns with it
    return [base, measure, whole]


def pages(url: str, largest: str, *, runs: int) -> list[Measure]:
    """Overzicht and Gemeente in AppTest: cold (caches emptied) and warm (the same session again)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from dashboard.ui import loaders

    os.environ.update({"KERNMONITOR_DB": url, "KERNMONITOR_TILES": "none"})
    measures = []
    for page, label in (("overzicht", "Overzicht"), ("gemeente", "Gemeente")):
        def fresh(page=page) -> AppTest:
            app = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
            app.query_params["gemeente"] = largest
            return app

        def cold() -> None:
            st.cache_data.clear()
            loaders.forget()  # the tables the loaders keep beneath Streamlit's cache
            fresh().run()

        app = fresh().run()
        if app.exception:
            raise RuntimeError(f"{label}: {app.exception[0].message}")
        if page == "overzicht" and app.title[0].value != f"Leegstand in {regions.configured().name}":
            raise RuntimeError(f"Overzicht toont {app.title[0].value!r}, niet het gebied van de run")
        warm, _ = timed(app.run, runs=max(runs, 3))
        cold_seconds, _ = timed(cold, runs=runs)
        measures += [Measure(f"page_{page}_cold", f"Pagina {label}, koud (lege cache)", cold_seconds),
                     Measure(f"page_{page}_warm", f"Pagina {label}, warm", warm, max_value=1.0)]
    # The app's caches hold the store's frames a second time beside the benchmark's own (700 MB at
    # 2.5 million rows); a dashboard process holds them once, so they go before the next case.
    st.cache_resource.clear()
    st.cache_data.clear()
    loaders.forget()
    return measures


def town_sizes(units: pd.DataFrame) -> pd.Series:
    """Units per municipality (in the pages' geography) in the latest inventory year, largest first."""
    from analysis.geography import assign_geography

    latest = units[units["observed_on"].dt.year == units["observed_on"].max().year]
    placed = assign_geography(latest, regions.crosswalk(), GEOGRAPHY)
    return placed["nis_code"].astype(str).value_counts()


def unit_map(units: pd.DataFrame, largest: str) -> list[Measure]:
    """Unit maps: the largest municipality (seconds and HTML), and the municipality nearest 5,000
    units (HTML against folium with one Marker per unit)."""
    year = int(units["observed_on"].max().year)
    sizes = town_sizes(units)
    near_5000 = str((sizes - 5_000).abs().idxmin())
    seconds, size, _ = _town_map(units, largest, year)
    _, size_5000, towns = _town_map(units, near_5000, year, with_markers=True)
    town, count, markers = towns
    measure = Measure("unit_map_5000_html", f"Kaart van {town} ({count:,} verkooppunten): HTML", [size_5000],
                      unit="B", baseline="folium_markers_html", max_value=2 * MB)
    measure.ratio = size_5000 / markers
    names = regions.municipality_names(GEOGRAPHY)
    return [Measure("unit_map_build", f"Kaart bouwen ({names[largest]}, {sizes[largest]:,} verkooppunten)", [seconds]),
            Measure("unit_map_html", f"Kaart van {names[largest]}: HTML", [size], unit="B"),
            measure, Measure("folium_markers_html", f"Basislijn: folium, één Marker per verkooppunt ({town})",
                             [markers], unit="B")]


def _town_map(units: pd.DataFrame, nis_code: str, year: int, *, with_markers: bool = False):
    import folium

    from analysis.cores import derived_cores
    from dashboard.figures import maps
    from dashboard.tables.town import town_units

    town = town_units(units, nis_code, geography=GEOGRAPHY, year=year)
    names = reference.group_names()
    seconds, fmap = timed(lambda: maps.unit_map(town, cores=derived_cores(town), group_names=names), runs=1)
    size = len(fmap.get_root().render().encode())
    if not with_markers:
        return seconds[0], size, None
    markers = folium.Map(location=[town["lat"].mean(), town["lon"].mean()], zoom_start=15, tiles=None)
    placed = town.dropna(subset=["lat", "lon"])
    for row, lat, lon in zip(maps._rows(placed), placed["lat"].tolist(), placed["lon"].tolist(), strict=True):
        folium.Marker([lat, lon], popup=_popup(row, names)).add_to(markers)
    marker_size = len(markers.get_root().render().encode())
    return seconds[0], size, (regions.municipality_names(GEOGRAPHY)[nis_code], len(town), marker_size)


def _popup(row, names: dict[str, str]) -> str:
    """The popup of one unit as HTML for the baseline's markers: the unit layer's lines, escaped."""
    import html

    from dashboard.figures import maps

    lines = [html.escape(line) for line in maps._popup_lines(row, names)]
    if lines[0]:
        lines[0] = f"<b>{lines[0]}</b>"
    return "<br>".join(line for line in lines if line)


def reports(store: Store, units: pd.DataFrame, *, runs: int, region: str | None = None) -> list[Measure]:
    from dashboard.report import content
    from dashboard.report.pdf import report_pdf
    from dashboard.report.xlsx import report_xlsx

    campaign, votes, batches = store.campaign(), store.votes(), store.batches()

    def build():
        return content.build_report(units, campaign, votes, batches, start=pd.Timestamp("2023-09-01"),
                                        end=pd.Timestamp("2024-12-31"), created=pd.Timestamp("2025-01-01"),
                                        geography=GEOGRAPHY, region=region)

    pdf, _ = timed(lambda: report_pdf(build()), runs=runs)
    xlsx, _ = timed(lambda: report_xlsx(build()), runs=runs)
    return [Measure("report_pdf", "EFRO-rapport als PDF (10 partners)", pdf),
            Measure("report_xlsx", "EFRO-rapport als Excel", xlsx)]


def import_csv(store: Store, units: pd.DataFrame, *, rows: int, runs: int) -> list[Measure]:
    """A Locatus-style CSV imported into the full store (rolled back after each run), and
    `pandas.read_csv` of the same bytes."""
    from dashboard import ingest

    raw = locatus_csv(units, rows=rows)
    batch_ids: list[int] = []

    def run() -> None:
        # Generated rows beside the generated store: sample data, which real data never joins.
        # A new year's Locatus export: complete inventories, as a script imports them.
        batch_ids.append(ingest.import_file(store, raw, "locatus.csv", imported_by="benchmark", partial=True,
                                            observed_on=date(2025, 1, 1), is_sample=True, inventory="complete"))

    def undo() -> None:
        while batch_ids:
            store.rollback_batch(batch_ids.pop())

    baseline, seconds = timed_alternately(
        lambda: pd.read_csv(io.BytesIO(raw), sep=";", encoding="cp1252", dtype=str), run,
        runs=max(runs, MIN_TURNS["import"]), before=undo)
    imported = int(store.batches().set_index("batch_id").loc[batch_ids[-1], "rows_imported"])
    undo()
    base = Measure("read_csv", f"Basislijn: pandas.read_csv van hetzelfde bestand ({rows:,} rijen)", baseline)
    measure = Measure("import_csv", f"Import van een Locatus-CSV ({rows:,} rijen, {imported:,} opgeslagen)",
                      seconds, baseline="read_csv", max_value=8.0, max_ratio=10.0)
    measure.ratio = measure.value / base.value
    workbook = locatus_xlsx(units, rows=rows)

    def run_xlsx() -> None:
        batch_ids.append(ingest.import_file(store, workbook, "locatus.xlsx", imported_by="benchmark", partial=True,
                                            observed_on=date(2025, 1, 1), is_sample=True, inventory="complete"))

    xlsx_seconds, _ = timed(run_xlsx, runs=max(runs, 3), before=undo)
    undo()
    xlsx = Measure("import_xlsx", f"Import van dezelfde rijen als Excelbestand ({rows:,} rijen)", xlsx_seconds,
                   baseline="import_csv", max_ratio=2.0)
    xlsx.ratio = xlsx.value / measure.value
    return [base, measure, xlsx]


#: The bare Streamlit page the first page after a start is compared with: the server's own start and
#: first render, with nothing of Kernmonitor in it.
_BARE_PAGE = 'import streamlit as st\nst.set_page_config(page_title="leeg")\nst.metric("leeg", "0")\n'


def first_page(url: str, *, runs: int) -> list[Measure]:
    """From ``streamlit run`` to the Overzicht's first figure in headless Chromium (a fresh server
    each time: imports, the store read, the indicators, the page), against a bare page's first
    figure (`_BARE_PAGE`), timed in turns."""
    import tempfile

    from playwright.sync_api import sync_playwright

    bare = Path(tempfile.mkdtemp()) / "leeg.py"
    bare.write_text(_BARE_PAGE, encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), args=["--headless", "--no-sandbox"])
        try:
            baseline, seconds = timed_alternately(lambda: _first_figure(browser, bare, url),
                                                  lambda: _first_figure(browser, ROOT / "dashboard" / "app.py", url),
                                                  runs=max(runs, 3))
        finally:
            browser.close()
    first = Measure("first_page", "Eerste pagina (Overzicht) na de start van de server, in Chromium", seconds,
                    baseline="bare_first_page")
    first.ratio = statistics.median(seconds) / statistics.median(baseline)
    return [Measure("bare_first_page", "Basislijn: eerste pagina van een lege Streamlit-app na de start", baseline),
            first]


def _first_figure(browser, script: Path, url: str) -> None:
    import socket
    import subprocess
    import sys

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "KERNMONITOR_DB": url, "KERNMONITOR_TILES": "none"}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
                               "--server.port", str(port), "--server.address", "127.0.0.1",
                               "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    page = browser.new_page()
    try:
        for _ in range(600):  # the server listens after its own start: part of what is timed
            try:
                page.goto(f"http://127.0.0.1:{port}", timeout=1000)
                break
            except Exception:  # noqa: BLE001 - not listening yet
                page.wait_for_timeout(100)
        page.get_by_test_id("stMetricValue").first.wait_for(timeout=300_000)
    finally:
        page.close()
        server.terminate()
        server.wait(timeout=30)


def _chromium() -> str:
    import shutil

    found = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        raise RuntimeError("Debian's chromium is needed for the first-page case (apt-get install chromium)")
    return found
