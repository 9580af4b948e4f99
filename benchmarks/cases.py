"""What the benchmark measures, each next to the baseline that makes it a ratio.

Every case takes the store URL and the loaded frames and returns `Measure` objects; targets
(seconds, bytes, ratios) are those of the performance section of the README.
"""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path

import pandas as pd

from benchmarks.locatus import locatus_csv
from benchmarks.timing import Measure, timed
from dashboard import reference
from dashboard.store import Store

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
GEOGRAPHY = "2025"


def load(store: Store, *, runs: int) -> tuple[list[Measure], pd.DataFrame]:
    """Cold load: the store read into the analysis frames, nothing cached."""
    seconds, units = timed(store.units, runs=runs)
    return [Measure("cold_load", f"Opslag laden ({len(units):,} verkooppuntregels)", seconds, max_value=3.0)], units


def minimal_groupby(units: pd.DataFrame) -> pd.Series:
    """The baseline: only ``vacancy_rate_units`` per municipality and inventory, in plain pandas."""
    return units["status"].eq("vacant").groupby([units["nis_code"], units["observed_on"]], observed=True).mean()


def all_indicators(units: pd.DataFrame, campaign: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Every topic of ``python -m dashboard indicators`` for all municipalities and years."""
    from dashboard.composite import impact, vitality_table
    from dashboard.indicators import campaign_table, mix_table, vacancy_table

    last_year = int(units["observed_on"].max().year)
    last_edition = int(campaign["edition"].max())
    # Each table once, as the dashboard's cached loaders share them.
    tables = {"vacancy": vacancy_table(units, geography=GEOGRAPHY),
              "vacancy_province": vacancy_table(units, level="province", geography=GEOGRAPHY),
              "mix": mix_table(units, geography=GEOGRAPHY),
              "campaign": campaign_table(campaign, units, geography=GEOGRAPHY)}
    shared = {"vacancy": tables["vacancy"], "reach": tables["campaign"], "geography": GEOGRAPHY}
    tables["vitality"] = vitality_table(units, campaign, year=last_year, mix=tables["mix"], **shared)
    tables["impact"] = impact(units, campaign, edition=last_edition, **shared)
    return tables


def indicators(units: pd.DataFrame, campaign: pd.DataFrame, *, runs: int) -> list[Measure]:
    baseline, _ = timed(lambda: minimal_groupby(units), runs=max(runs, 5))
    seconds, _ = timed(lambda: all_indicators(units, campaign), runs=runs)
    base = Measure("minimal_groupby", "Basislijn: alleen vacancy_rate_units per gemeente en jaar (pandas)", baseline)
    measure = Measure("all_indicators", "Alle indicatoren (alle onderwerpen, gemeenten en jaren)", seconds,
                      baseline="minimal_groupby", max_value=2.0, max_ratio=5.0)
    measure.ratio = measure.value / base.value
    return [base, measure]


def pages(url: str, largest: str, *, runs: int) -> list[Measure]:
    """Overzicht and Gemeente in AppTest: cold (caches emptied) and warm (the same session again)."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    os.environ.update({"KERNMONITOR_DB": url, "KERNMONITOR_TILES": "none"})
    measures = []
    for page, label in (("overzicht", "Overzicht"), ("gemeente", "Gemeente")):
        def fresh(page=page) -> AppTest:
            app = AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=600)
            app.query_params["gemeente"] = largest
            return app

        def cold() -> None:
            st.cache_data.clear()
            fresh().run()

        app = fresh().run()
        if app.exception:
            raise RuntimeError(f"{label}: {app.exception[0].message}")
        warm, _ = timed(app.run, runs=max(runs, 3))
        cold_seconds, _ = timed(cold, runs=runs)
        measures += [Measure(f"page_{page}_cold", f"Pagina {label}, koud (lege cache)", cold_seconds),
                     Measure(f"page_{page}_warm", f"Pagina {label}, warm", warm, max_value=1.0)]
    return measures


def unit_map(units: pd.DataFrame, largest: str) -> list[Measure]:
    """The unit map of the largest municipality: seconds, HTML size, and one folium Marker per unit."""
    import folium

    from analysis.cores import derived_cores
    from dashboard import maps
    from dashboard.profile import town_units

    year = int(units["observed_on"].max().year)
    town = town_units(units, largest, geography=GEOGRAPHY, year=year)
    names = reference.locatus_groups().set_index("group_code")["name_nl"].to_dict()
    seconds, fmap = timed(lambda: maps.unit_map(town, cores=derived_cores(town), group_names=names), runs=1)
    size = len(fmap.get_root().render().encode())
    standalone = len(maps.standalone_html(fmap).encode())
    markers = folium.Map(location=[town["lat"].mean(), town["lon"].mean()], zoom_start=15, tiles=None)
    for row in town.dropna(subset=["lat", "lon"]).itertuples():
        folium.Marker([row.lat, row.lon], popup=maps._popup(row, names)).add_to(markers)
    marker_size = len(markers.get_root().render().encode())
    label = f"{reference.municipality_names(GEOGRAPHY)[largest]}, {len(town):,} verkooppunten"
    measure = Measure("unit_map_html", f"Kaart van de verkooppunten ({label}): HTML", [size], unit="B",
                      baseline="folium_markers_html", max_value=2 * MB)
    base = Measure("folium_markers_html", "Basislijn: folium, één Marker per verkooppunt", [marker_size], unit="B")
    measure.ratio = size / marker_size
    return [Measure("unit_map_build", f"Kaart bouwen ({label})", seconds), measure, base,
            Measure("unit_map_standalone_html", "Dezelfde kaart als los HTML-bestand (Leaflet ingebouwd)",
                    [standalone], unit="B")]


def reports(store: Store, units: pd.DataFrame, *, runs: int) -> list[Measure]:
    from dashboard import report_data, report_pdf, report_xlsx

    campaign, votes, batches = store.campaign(), store.votes(), store.batches()

    def build():
        return report_data.build_report(units, campaign, votes, batches, start=pd.Timestamp("2023-09-01"),
                                        end=pd.Timestamp("2024-12-31"), created=pd.Timestamp("2025-01-01"),
                                        geography=GEOGRAPHY)

    pdf, _ = timed(lambda: report_pdf.report_pdf(build()), runs=runs)
    xlsx, _ = timed(lambda: report_xlsx.report_xlsx(build()), runs=runs)
    return [Measure("report_pdf", "EFRO-rapport als PDF (10 partners)", pdf),
            Measure("report_xlsx", "EFRO-rapport als Excel", xlsx)]


def import_csv(store: Store, units: pd.DataFrame, *, rows: int, runs: int) -> list[Measure]:
    """A Locatus-style CSV imported into the full store (rolled back after each run), and
    `pandas.read_csv` of the same bytes."""
    from dashboard import ingest

    raw = locatus_csv(units, rows=rows)
    baseline, _ = timed(lambda: pd.read_csv(io.BytesIO(raw), sep=";", encoding="cp1252", dtype=str),
                        runs=max(runs, 5))
    batch_ids: list[int] = []

    def run() -> None:
        batch_ids.append(ingest.import_file(store, raw, "locatus.csv", imported_by="benchmark", partial=True,
                                            observed_on=date(2025, 1, 1)))

    def undo() -> None:
        while batch_ids:
            store.rollback_batch(batch_ids.pop())

    seconds, _ = timed(run, runs=runs, before=undo)
    imported = int(store.batches().set_index("batch_id").loc[batch_ids[-1], "rows_imported"])
    undo()
    base = Measure("read_csv", f"Basislijn: pandas.read_csv van hetzelfde bestand ({rows:,} rijen)", baseline)
    measure = Measure("import_csv", f"Import van een Locatus-CSV ({rows:,} rijen, {imported:,} opgeslagen)",
                      seconds, baseline="read_csv", max_value=8.0, max_ratio=10.0)
    measure.ratio = measure.value / base.value
    return [base, measure]
