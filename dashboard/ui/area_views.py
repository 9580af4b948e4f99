"""The declared shopping areas on the pages: a town's areas and derived cores (Gemeente), and vacancy
per type of area across the province (Overzicht). Tables from `dashboard.tables.areas`, cached per
store version like every loader; when no list of areas was imported, the sections say so."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.area_types import OUTSIDE
from analysis.geography import latest_of_year
from dashboard.figures.area_charts import type_chart
from dashboard.i18n import format_number
from dashboard.regions import FLANDERS_NIS_CODE, Region
from dashboard.registry import LABELS
from dashboard.settings import area_point_distance_m
from dashboard.tables.areas import area_table, assigned_units, town_areas, town_core_table, type_table
from dashboard.ui import loaders, shell
from dashboard.ui.markdown import plain

#: The columns each table shows, in order (registry labels on screen).
TOWN_AREA_COLUMNS = ["area_name", "area_type", "location", "units_total", "units_vacant", "vacancy_rate_units",
                     "vacancy_rate_floor", "long_term_vacancy_share", "new_vacancies", "reoccupations",
                     "shannon_diversity", "units_by_name", "units_by_polygon", "units_by_point"]
TOWN_CORE_COLUMNS = ["core_name", "units_total", "units_vacant", "vacancy_rate_units", "units_in_area",
                     "share_in_area", "main_area_name"]
TYPE_COLUMNS = ["area_type", "main_type", "areas", "units_total", "units_vacant", "vacancy_rate_units",
                "vacancy_rate_floor", "long_term_vacancy_share", "new_vacancies", "reoccupations", "openings",
                "closures", "shannon_diversity", "vacancy_band"]
NO_AREAS = ("Er is nog geen lijst van winkelgebieden geïmporteerd. Importeer er een op de pagina Gegevens (soort "
            "'winkelgebieden': id, naam, gemeente, Locatus-type en een punt of veelhoek, zoals Provincies in Cijfers "
            "ze geeft) of met python -m dashboard import FILE --kind areas.")


# The units placed in areas once per store version, for both tables (shared: nothing changes it).
@loaders.from_store(max_entries=2, spinner="Winkelgebieden berekenen…", shared=True)
def _assigned(url: str, version: int, geography: str) -> pd.DataFrame:
    return assigned_units(loaders._units(url, version), loaders._areas(url, version), geography=geography)


@loaders.from_store(max_entries=4)
def _area_table(url: str, version: int, geography: str) -> pd.DataFrame:
    return area_table(loaders._units(url, version), loaders._areas(url, version), geography=geography,
                      placed=_assigned(url, version, geography))


@loaders.from_store(max_entries=4)
def _type_table(url: str, version: int, geography: str, region: str) -> pd.DataFrame:
    return type_table(loaders._units(url, version), loaders._areas(url, version), geography=geography,
                      placed=_assigned(url, version, geography), region=region)


@loaders.from_store(max_entries=4)
def _municipal_types(url: str, version: int, geography: str) -> pd.DataFrame:
    # One town at a time, wherever it lies: the region only limits the region's own rows.
    return type_table(loaders._units(url, version), loaders._areas(url, version), level="municipality",
                      geography=geography, placed=_assigned(url, version, geography), region=FLANDERS_NIS_CODE)


@loaders.from_store(max_entries=16)
def _town_cores(url: str, version: int, nis_code: str, geography: str, year: int) -> pd.DataFrame:
    return town_core_table(loaders._town(url, version, nis_code, geography, year),
                           loaders._cores(url, version, nis_code, geography, year), loaders._areas(url, version),
                           geography=geography)


def shown(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns of a table people read, under the registry's labels."""
    return table[columns].rename(columns=LABELS).reset_index(drop=True)


def town_area_rows(table: pd.DataFrame, types: pd.DataFrame, nis_code: str, year: int) -> pd.DataFrame:
    """A town's areas in its latest inventory of ``year`` (`dashboard.tables.areas.area_table` rows),
    and last its units outside every area (from ``types``: `type_table` per municipality)."""
    own = latest_of_year(table[table["nis_code"] == nis_code], by=["area_id"], year=year)
    outside = types[(types["nis_code"] == nis_code) & (types["area_type"] == OUTSIDE)]
    outside = latest_of_year(outside, year=year).assign(area_name=OUTSIDE, area_type=None)
    return pd.concat([own, outside.reindex(columns=own.columns)], ignore_index=True) if len(outside) else own


def area_section(nis_code: str, *, geography: str, year: int) -> None:
    """The Gemeente page's section: the town's declared areas, and its derived cores beside them."""
    st.header("Winkelgebieden")
    store = loaders.store()
    declared = loaders._areas(store.url, store.version())
    if declared.empty:
        st.caption(NO_AREAS)
        return
    rows = town_area_rows(_area_table(store.url, store.version(), geography),
                          _municipal_types(store.url, store.version(), geography), nis_code, year)
    listed = town_areas(declared, nis_code, geography=geography)
    empty = sorted(set(listed["name"]) - set(rows["area_name"].dropna()))
    st.caption(f"{len(listed)} winkelgebied(en) in de lijst. Een pand ligt in het gebied dat de kolom winkelgebied "
               "van de inventaris noemt, anders in de veelhoek waarin het ligt, anders bij het dichtste punt binnen "
               f"{format_number(area_point_distance_m())} m; nooit in twee."
               + (f" Zonder verkooppunten in deze inventaris: {', '.join(map(plain, empty))}." if empty else ""))
    shell.table_with_downloads(shown(rows, TOWN_AREA_COLUMNS), key="areas",
                               file_stem=f"winkelgebieden_{nis_code}_{year}")
    st.subheader("Afgeleide kernen en winkelgebieden")
    cores = _town_cores(store.url, store.version(), nis_code, geography, year)
    st.caption("Welk deel van elke afgeleide kern (verkooppunten binnen 75 m van elkaar) in een winkelgebied ligt.")
    shell.table_with_downloads(shown(cores, TOWN_CORE_COLUMNS), key="core_areas",
                               file_stem=f"kernen_winkelgebieden_{nis_code}_{year}")


def type_section(*, geography: str, year: int, region: Region) -> None:
    """The Overzicht page's section: vacancy per type of area in the region, chart and table."""
    st.header("Leegstand per type winkelgebied")
    store = loaders.store()
    if loaders._areas(store.url, store.version()).empty:
        st.caption(NO_AREAS)
        return
    table = _type_table(store.url, store.version(), geography, region.nis_code)
    chosen = table[table["year"] == year]
    shell.chart(type_chart(chosen), key="area_type_chart")
    shell.table_with_downloads(shown(chosen, TYPE_COLUMNS), key="area_types",
                               file_stem=f"winkelgebieden_types_{year}")
