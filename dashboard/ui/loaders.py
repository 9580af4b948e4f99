"""Cached reads of the store for the pages, keyed by the store's URL and version.

The version changes with every batch, so a new import shows at once while every other rerun
reads from the cache. Pages call these functions; they never query the store themselves.

Two layers: Streamlit's caches on top (its spinners, and a copy of each table per call), and
beneath them what `kept` holds in the process. Any viewer can empty Streamlit's caches for every
session (the menu's "Clear cache"); what is kept survives that, so a clear costs a copy of the
tables, never their computation.
"""

from __future__ import annotations

import functools
import io
import pickle
import threading
from collections import OrderedDict

import pandas as pd
import streamlit as st

from analysis.cores import derived_cores
from analysis.inventories import PlacedUnits
from dashboard import ingest, reference, regions
from dashboard.figures import leaflet, maps
from dashboard.i18n import format_date
from dashboard.settings import boundaries_path, db_url
from dashboard.store.database import Store
from dashboard.tables import methodology, town
from dashboard.tables.areas import current_areas, town_areas
from dashboard.tables.composite import impact, vitality_table
from dashboard.tables.indicators import campaign_table, mix_table, placed_units, vacancy_table
from dashboard.tables.registers import register_table
from dashboard.ui.markdown import plain

_kept_lock = threading.Lock()
_kept: list[OrderedDict] = []


def kept(max_entries: int):
    """Keep a function's results in this process, the ``max_entries`` most recently used, keyed by
    its positional arguments (the store's URL and version first, so a new version is a new key).

    Streamlit's cache clear does not reach them; `forget` does. Callers of one key at the same
    time wait for the first instead of computing it again.
    """
    def decorate(function):
        values: OrderedDict = OrderedDict()
        computing: dict[tuple, threading.Lock] = {}
        _kept.append(values)

        @functools.wraps(function)
        def wrapper(*args):
            with _kept_lock:
                if args in values:
                    values.move_to_end(args)
                    return values[args]
                key_lock = computing.setdefault(args, threading.Lock())
            with key_lock:
                with _kept_lock:
                    if args in values:
                        return values[args]
                try:
                    value = function(*args)
                except BaseException:
                    with _kept_lock:
                        computing.pop(args, None)
                    raise
                with _kept_lock:  # kept and no longer computing in one step: a caller sees one or the other
                    values[args] = value
                    computing.pop(args, None)
                    while len(values) > max_entries:
                        values.popitem(last=False)
            return value
        return wrapper
    return decorate


def forget() -> None:
    """Drop everything `kept` holds (tests and the benchmark's cold pages; the app never needs it:
    a new store version is a new key)."""
    with _kept_lock:
        for values in _kept:
            values.clear()


def from_store(max_entries: int, *, spinner: str | bool = False, shared: bool = False):
    """A loader keyed by the store's URL and version: `kept` in the process, beneath
    ``st.cache_resource`` when ``shared`` (one object for every session; nothing changes it in
    place) or else ``st.cache_data`` (a copy per call), each holding ``max_entries``."""
    def decorate(function):
        kept_function = kept(max_entries)(function)
        if shared:
            return st.cache_resource(show_spinner=spinner, max_entries=max_entries)(kept_function)

        # On a miss st.cache_data hands its caller the very object it got: a copy, so that a page
        # changing its table never changes what is kept.
        @functools.wraps(function)
        def copied(*args):
            return pickle.loads(pickle.dumps(kept_function(*args), protocol=pickle.HIGHEST_PROTOCOL))
        return st.cache_data(show_spinner=spinner, max_entries=max_entries)(copied)
    return decorate


@kept(max_entries=4)
def _store(url: str) -> Store:
    return Store(url)


def store() -> Store:
    """The store of this deployment (``KERNMONITOR_DB`` or the embedded file), opened once."""
    return _store(db_url())


# A resource, not data: one shared frame instead of a pickled copy per call (1.5 million rows
# are 170 MB). Nothing changes it in place: analysis and pages work on copies.
@from_store(max_entries=2, spinner="Gegevens laden…", shared=True)
def _units(url: str, version: int) -> pd.DataFrame:
    return _store(url).units()


# The units of one region in one geography with their inventories grouped, shared by every indicator table.
@from_store(max_entries=2, shared=True)
def _placed(url: str, version: int, geography: str, region: str) -> PlacedUnits:
    return placed_units(_units(url, version), geography, region)


@from_store(max_entries=16)
def _vacancy(url: str, version: int, level: str, geography: str, region: str) -> pd.DataFrame:
    municipal = _vacancy(url, version, "municipality", geography, region) if level == "province" else None
    return vacancy_table(_placed(url, version, geography, region), level=level, geography=geography,
                         municipal=municipal, region=region)


def _region(region: str | None) -> str:
    """The code of the region shown: the page's choice, else ``KERNMONITOR_PROVINCE``."""
    return region or regions.configured().nis_code


def units() -> pd.DataFrame:
    """All current units (active batches, later batch wins)."""
    current = store()
    return _units(current.url, current.version())


@from_store(max_entries=8)
def _coverage(url: str, version: int, region: str) -> pd.DataFrame:
    return methodology.coverage(regions.in_region(_units(url, version), regions.region(region), "2025"))


def coverage(*, region: str | None = None) -> pd.DataFrame:
    """`dashboard.tables.methodology.coverage` of the units of the region's municipalities (2025)."""
    current = store()
    return _coverage(current.url, current.version(), _region(region))


def vacancy_indicators(*, level: str, geography: str, region: str | None = None) -> pd.DataFrame:
    """The vacancy table of `dashboard.tables.indicators.vacancy_table` for all inventories of the
    region (a province's code or 02000 for Flanders; None: ``KERNMONITOR_PROVINCE``)."""
    current = store()
    return _vacancy(current.url, current.version(), level, geography, _region(region))


def shows_sample_data() -> bool:
    """Whether the dashboard is showing generated sample data (not cached: one cheap query)."""
    return store().has_sample_data()


def batches() -> pd.DataFrame:
    """The batch history (not cached: small, and must show a rollback at once)."""
    return store().batches()


def inventory_plan(prepared: ingest.Prepared, *, inventory: str | None, source: str | None,
                   replace_sample: bool) -> ingest.inventory_plan.Plan:
    """`dashboard.ingest.storing.plan_for` against the current store, for the preview (not
    cached: it depends on the store and is quick next to checking the file)."""
    current = store()
    stored = (_units(current.url, current.version()), _inventories(current.url, current.version()))
    return ingest.plan_for(current, prepared, inventory=inventory, source=source, replace_sample=replace_sample,
                           strict=False, stored=stored)


@from_store(max_entries=2)
def _inventories(url: str, version: int) -> pd.DataFrame:
    return _store(url).inventories()


def register_comparison(nis_code: str, *, geography: str, year: int) -> pd.DataFrame:
    """`dashboard.tables.registers.register_table` of one town and year."""
    current = store()
    return _register_comparison(current.url, current.version(), nis_code, geography, year)


@from_store(max_entries=16)
def _register_comparison(url: str, version: int, nis_code: str, geography: str, year: int) -> pd.DataFrame:
    # One town: any region that holds it will do, and Flanders holds every town.
    return register_table(_units(url, version), _store(url).registers(), geography=geography, year=year,
                          nis_code=nis_code, region=regions.FLANDERS_NIS_CODE)


def saved_mappings() -> list[str]:
    return list(store().mappings())


def saved_mapping(name: str) -> tuple[str | None, dict[str, str | None]]:
    """A saved mapping's kind and header → column mapping."""
    return store().mapping(name) or (None, {})


@from_store(max_entries=4)
def _campaign(url: str, version: int) -> pd.DataFrame:
    return _store(url).campaign()


@from_store(max_entries=4)
def _votes(url: str, version: int) -> pd.DataFrame:
    return _store(url).votes()


@from_store(max_entries=8)
def _mix(url: str, version: int, geography: str, region: str) -> pd.DataFrame:
    return mix_table(_placed(url, version, geography, region), geography=geography, region=region)


@from_store(max_entries=16)
def _town(url: str, version: int, nis_code: str, geography: str, year: int) -> pd.DataFrame:
    return town.town_units(_units(url, version), nis_code, geography=geography, year=year)


@from_store(max_entries=16, spinner="Kernen afleiden…")
def _cores(url: str, version: int, nis_code: str, geography: str, year: int):
    return derived_cores(_town(url, version, nis_code, geography, year))


@from_store(max_entries=8, spinner="Kaart tekenen…", shared=True)
def _unit_map(url: str, version: int, nis_code: str, geography: str, year: int):
    names = reference.group_names()
    units = _town(url, version, nis_code, geography, year)
    day = format_date(units["observed_on"].max()) if len(units) else str(year)
    title = f"{regions.municipality_names(geography).get(nis_code, nis_code)} · inventaris van {day}"
    return maps.unit_map(units, cores=_cores(url, version, nis_code, geography, year), group_names=names,
                         title=title, areas=town_areas(_areas(url, version), nis_code, geography=geography))


# Shared: the areas' shapes are objects that a copy per call would only repeat.
@from_store(max_entries=2, shared=True)
def _areas(url: str, version: int) -> pd.DataFrame:
    return current_areas(_store(url).areas())


def areas() -> pd.DataFrame:
    """The declared shopping areas that count (`dashboard.tables.areas.current_areas`)."""
    current = store()
    return _areas(current.url, current.version())


@from_store(max_entries=8)
def _unit_map_page(url: str, version: int, nis_code: str, geography: str, year: int) -> str:
    return _unit_map(url, version, nis_code, geography, year).get_root().render()


@from_store(max_entries=4)
def _unit_map_file(url: str, version: int, nis_code: str, geography: str, year: int) -> str:
    return leaflet.standalone_html(_unit_map(url, version, nis_code, geography, year))


@from_store(max_entries=16)
def _actions(url: str, version: int, nis_code: str, geography: str, year: int) -> pd.DataFrame:
    return town.action_list(_town(url, version, nis_code, geography, year), _units(url, version), geography=geography)


def town_units(nis_code: str, *, geography: str, year: int) -> pd.DataFrame:
    """`dashboard.tables.town.town_units`: the town's latest inventory of ``year``."""
    current = store()
    return _town(current.url, current.version(), nis_code, geography, year)


def unit_map_html(nis_code: str, *, geography: str, year: int) -> str:
    """The town's unit map (`dashboard.figures.maps.unit_map`) as the page shows it (Leaflet from the app's
    static folder)."""
    current = store()
    return _unit_map_page(current.url, current.version(), nis_code, geography, year)


def unit_map_file(nis_code: str, *, geography: str, year: int) -> str:
    """The same map as one HTML file that needs no network (Leaflet inside), for downloads."""
    current = store()
    return _unit_map_file(current.url, current.version(), nis_code, geography, year)


def action_list(nis_code: str, *, geography: str, year: int) -> pd.DataFrame:
    """`dashboard.tables.town.action_list` for the town's inventory of ``year``."""
    current = store()
    return _actions(current.url, current.version(), nis_code, geography, year)


def campaign() -> pd.DataFrame:
    current = store()
    return _campaign(current.url, current.version())


def votes(*, region: str | None = None, geography: str = "2025") -> pd.DataFrame:
    """The votes per shop: all of them, or those of the region's municipalities (placed in ``geography``)."""
    current = store()
    every = _votes(current.url, current.version())
    return every if region is None or every.empty else regions.in_region(every, regions.region(region), geography)


def mix_indicators(*, geography: str, region: str | None = None) -> pd.DataFrame:
    """`dashboard.tables.indicators.mix_table` per municipality of the region and year (location quotients
    against the region)."""
    current = store()
    return _mix(current.url, current.version(), geography, _region(region))


@st.cache_data(show_spinner=False, max_entries=4)
def _boundaries(source: str | bytes):
    return maps.read_boundaries(io.BytesIO(source) if isinstance(source, bytes) else source)


def boundaries(upload=None, *, geography: str = "2025", region: str | None = None):
    """The boundaries of the region's municipalities: from an uploaded file, else ``KERNMONITOR_BOUNDARIES``,
    else the shipped boundaries of ``geography`` (`dashboard.regions.Region.boundaries_file`).

    A file that cannot be used, or holds none of the region's municipalities, is reported on the page
    and the map falls back to symbols.
    """
    shown = regions.region(_region(region))
    source = upload.getvalue() if upload is not None else (boundaries_path() or shown.boundaries_file(geography))
    try:
        shapes = _boundaries(source if isinstance(source, bytes) else str(source))
    except Exception as problem:  # noqa: BLE001 - any unreadable file: say so and draw symbols
        st.warning(f"Het grenzenbestand is niet bruikbaar ({plain(problem)}); de kaart toont "
                   "symbolen in de centra.")
        return None
    inside = shapes[shapes["nis_code"].isin(shown.all_codes)]
    if inside.empty:
        st.warning(f"Het grenzenbestand bevat geen gemeenten van {shown.name}; de kaart toont symbolen in de centra.")
        return None
    return inside if len(inside) < len(shapes) else shapes


@from_store(max_entries=8)
def _campaign_table(url: str, version: int, geography: str, region: str) -> pd.DataFrame:
    return campaign_table(_campaign(url, version), _placed(url, version, geography, region), geography=geography,
                          region=region)


@from_store(max_entries=16, spinner="Impact berekenen…")
def _impact(url: str, version: int, edition: int, geography: str, region: str):
    return impact(_placed(url, version, geography, region), _campaign(url, version), edition=edition,
                  geography=geography, vacancy=_vacancy(url, version, "municipality", geography, region),
                  reach=_campaign_table(url, version, geography, region), region=region)


def campaign_indicators(*, geography: str, region: str | None = None) -> pd.DataFrame:
    """`dashboard.tables.indicators.campaign_table` per municipality of the region and edition."""
    current = store()
    return _campaign_table(current.url, current.version(), geography, _region(region))


def campaign_impact(*, edition: int, geography: str, region: str | None = None):
    """`dashboard.tables.composite.impact` for one edition, within the region."""
    current = store()
    return _impact(current.url, current.version(), edition, geography, _region(region))


@from_store(max_entries=16, spinner="Vitaliteitsindex berekenen…")
def _vitality(url: str, version: int, year: int, geography: str, region: str) -> pd.DataFrame:
    return vitality_table(_placed(url, version, geography, region), _campaign(url, version), year=year,
                          geography=geography, vacancy=_vacancy(url, version, "municipality", geography, region),
                          mix=_mix(url, version, geography, region),
                          reach=_campaign_table(url, version, geography, region),
                          region=region)


def vitality(*, year: int, geography: str, region: str | None = None) -> pd.DataFrame:
    """`dashboard.tables.composite.vitality_table` for one year, within the region."""
    current = store()
    return _vitality(current.url, current.version(), year, geography, _region(region))
