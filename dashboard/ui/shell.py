"""The page shell: the data notice, the global selectors, quality notes and tables with downloads.

Pages call these themselves, so each page also runs on its own (``AppTest.from_file``).
"""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from dashboard import regions, registry, settings
from dashboard.figures import chart_text
from dashboard.i18n import suppressed_note
from dashboard.regions import Region
from dashboard.sample import LABEL as SAMPLE_LABEL
from dashboard.tables import exports
from dashboard.tables.indicators import GEOGRAPHIES
from dashboard.ui import loaders
from dashboard.ui.markdown import plain
from dashboard.ui.views import QUALITY_SHORT

GEOGRAPHY_LABELS = {"2025": "62 gemeenten (vanaf 2025)", "2018": "64 gemeenten (tot 2024)"}


#: Streamlit's own English where it offers no setting: the uploader's instructions (our label and help
#: say it in Dutch) and its button, and the grid toolbar (each table has its own downloads). What
#: stays English is listed in the README. Captions darker than Streamlit's faded grey, whose contrast
#: on white (2,9 : 1) is under WCAG AA's 4,5 : 1.
_DUTCH_CSS = """<style>
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button { visibility: hidden; position: relative; min-width: 9rem; }
[data-testid="stFileUploaderDropzone"] button::after {
  content: "Bestand kiezen"; visibility: visible; position: absolute; inset: 0; display: flex;
  align-items: center; justify-content: center; font-size: 0.875rem; border-radius: 0.5rem;
  border: 1px solid rgba(49, 51, 63, 0.2); background: #fff; color: rgb(49, 51, 63); }
[data-testid="stElementToolbar"] { display: none; }
[data-testid="stCaptionContainer"] { opacity: 1 !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { color: rgba(49, 51, 63, 0.8); }
</style>"""
#: The page's language for screen readers and spelling (Streamlit writes lang="en").
_LANG_SCRIPT = "<script>window.parent.document.documentElement.lang = 'nl-BE';</script>"


def dutch_chrome() -> None:
    """Dutch where Streamlit's own interface allows it: the page language and the uploader."""
    st.html(_DUTCH_CSS)
    components.html(_LANG_SCRIPT, height=0)


def data_notice() -> None:
    """Say plainly when the dashboard shows generated sample data."""
    if loaders.shows_sample_data():
        st.warning(
            f"Je bekijkt **{SAMPLE_LABEL}**: gegenereerde verkooppunten en campagnecijfers, afgestemd op "
            "gepubliceerde leegstandscijfers van West-Vlaanderen (andere provincies volgen hetzelfde verloop). Het "
            "zijn geen echte panden of handelaars.",
            icon=":material/science:",
        )


def geography_selector(region: Region | None = None) -> str:
    """The municipal geography in the sidebar: 2025 (62 municipalities in West-Vlaanderen) by default,
    or 2018 (64); the labels count the municipalities of ``region`` (default West-Vlaanderen).

    The choice follows the user from page to page (kept outside the widget, which Streamlit forgets
    on a page without it) and stands in the link (``?indeling=2018``), so a shared link shows the same.
    """
    if "chosen_geography" not in st.session_state:
        asked = st.query_params.get("indeling")
        st.session_state["chosen_geography"] = asked if asked in GEOGRAPHIES else GEOGRAPHIES[0]
    st.session_state["geography"] = st.session_state["chosen_geography"]  # the widget starts from the choice
    labels = GEOGRAPHY_LABELS if region is None else geography_labels(region)
    chosen = st.sidebar.radio("Gemeentelijke indeling", GEOGRAPHIES, key="geography",
                              format_func=labels.__getitem__, on_change=_remember_geography)
    st.query_params["indeling"] = chosen
    return chosen


def geography_labels(region: Region) -> dict[str, str]:
    """The geographies as the sidebar names them for ``region`` ("67 gemeenten (vanaf 2025)" in Antwerpen)."""
    return {"2025": f"{len(region.codes('2025'))} gemeenten (vanaf 2025)",
            "2018": f"{len(region.codes('2018'))} gemeenten (tot 2024)"}


def _remember_geography() -> None:
    st.session_state["chosen_geography"] = st.session_state["geography"]


def region_selector() -> Region:
    """The region in the sidebar: Vlaanderen or one of its five provinces, by default the one of
    ``KERNMONITOR_PROVINCE`` (West-Vlaanderen when it is not set).

    Like the geography, the choice follows the user from page to page and stands in the link
    (``?gebied=10000``). An invalid setting or link is said on the page, never a traceback.
    """
    configured = _configured_region()
    if "chosen_region" not in st.session_state:
        asked = st.query_params.get("gebied")
        if asked is not None and asked not in regions.REGION_CODES:
            st.warning(f"De link vraagt gebied '{plain(asked)}': dat is geen Vlaamse provincie en niet Vlaanderen. "
                       f"Je ziet {configured.name}.")
        st.session_state["chosen_region"] = asked if asked in regions.REGION_CODES else configured.nis_code
    st.session_state["shown_region"] = st.session_state["chosen_region"]  # the widget starts from the choice
    chosen = st.sidebar.selectbox("Gebied", regions.REGION_CODES, key="shown_region", format_func=regions.name_of,
                                  on_change=_remember_region, help="Vlaanderen of een provincie: de gemeenten die je "
                                  "ziet, en waarmee een gemeente vergeleken wordt.")
    st.query_params["gebied"] = chosen
    return regions.region(chosen)


def _configured_region() -> Region:
    """``KERNMONITOR_PROVINCE``'s region; for an invalid value a message and West-Vlaanderen."""
    try:
        return regions.configured()
    except regions.UnknownRegion as problem:
        st.error(f"{plain(str(problem))} Tot dan toont Kernmonitor West-Vlaanderen en aanvaardt hij geen imports.",
                 icon=":material/error:")
        return regions.region(settings.PROVINCE_NIS_CODE)


def _remember_region() -> None:
    st.session_state["chosen_region"] = st.session_state["shown_region"]


def town_selector(names: dict[str, str], *, geography: str, region: Region) -> str:
    """The municipality box of the Gemeente page. It starts from a new link (``?gemeente=``, resolved
    by `chosen_municipality`), else from the user's last choice (when it lies in the region), else the
    region's `~dashboard.regions.Region.default_town`, and writes its choice back into the link."""
    asked = st.query_params.get("gemeente")
    if asked is not None and asked != st.session_state.get("town_in_link"):  # a link this session did not write
        st.session_state["chosen_town"] = asked
    last = st.session_state.get("chosen_town")
    if last is not None and last == st.session_state.get("town_in_link") and last not in names:
        last = None  # the user's own choice of another region: this region's own town, without a warning
    wanted = chosen_municipality(last, geography=geography, names=names, region=region,
                                 default=region.default_town(geography))
    st.session_state["gemeente"] = wanted
    codes = sorted(names, key=names.get)
    nis = st.selectbox("Gemeente", codes, format_func=names.get, key="gemeente",
                       on_change=lambda: st.session_state.update(chosen_town=st.session_state["gemeente"]))
    st.query_params["gemeente"] = st.session_state["town_in_link"] = nis
    return nis


def year_selector(years: list[int]) -> int:
    """The inventory year of the Gemeente page: the user's last choice where the town has it, else its
    latest; in the link as ``?jaar=``."""
    asked = st.query_params.get("jaar")
    if asked is not None and asked != st.session_state.get("year_in_link") and asked.isdigit():
        st.session_state["chosen_year"] = int(asked)
    choices = sorted(years, reverse=True)
    st.session_state["town_year"] = st.session_state.get("chosen_year") if st.session_state.get(
        "chosen_year") in choices else choices[0]
    year = st.selectbox("Inventarisjaar", choices, key="town_year",
                        on_change=lambda: st.session_state.update(chosen_year=st.session_state["town_year"]))
    st.query_params["jaar"] = st.session_state["year_in_link"] = str(year)
    return year


def chosen_municipality(asked: str | None, *, geography: str, names: dict[str, str], region: Region | None = None,
                        default: str = regions.DEFAULT_TOWN) -> str:
    """The municipality a link asks for (``?gemeente=``) in the shown geography: the code itself, or
    for a municipality of the other geography the one it belongs to now (or belonged to), said in a
    note; ``default`` with a warning for a code that names no municipality of the region (``names``)."""
    region = region or regions.region(settings.PROVINCE_NIS_CODE)
    if asked is None or asked in names:
        return asked or default
    crosswalk = regions.crosswalk()
    old_names = regions.municipality_names("2018")
    successor = crosswalk.loc[crosswalk["nis_code"] == asked, "nis_code_2025"]
    if geography == "2025" and len(successor) and successor.iloc[0] in names:
        successor = successor.iloc[0]
        st.info(f"{old_names.get(asked, asked)} hoort sinds 2025 bij {names[successor]}: je ziet {names[successor]}.")
        return successor
    before = [code for code in crosswalk.loc[crosswalk["nis_code_2025"] == asked, "nis_code"] if code in names]
    if geography == "2018" and before:
        st.info(f"{regions.municipality_names('2025').get(asked, asked)} bestaat sinds 2025; tot 2024 waren het "
                + " en ".join(names[code] for code in before) + f". Je ziet {names[before[0]]}; kies de indeling "
                f"'{len(region.codes('2025'))} gemeenten' om de fusiegemeente te zien.")
        return before[0]
    elsewhere = regions.province_of(asked, geography)
    if elsewhere is not None and not region.accepts(asked):
        st.warning(f"{regions.municipality_names(geography).get(asked, asked)} ligt niet in {region.name} maar in "
                   f"{elsewhere.name}: kies {elsewhere.name} of Vlaanderen bij 'Gebied' in de zijbalk. "
                   f"Je ziet {names[default]}.")
        return default
    st.warning(f"Geen gemeente van {region.name} met NIS-code '{asked}': je ziet {names[default]}.")
    return default


def quality_notes(row) -> None:
    """Say which figures rest on thin data (the quality flags of a vacancy row)."""
    notes = [text for flag, text in QUALITY_SHORT.items() if bool(row.get(flag, False))]
    if notes:
        st.caption("Let op: " + "; ".join(notes) + ".")


def metric(column, kpi) -> None:
    """A KPI card (`dashboard.ui.views.Kpi`) in ``column``, its change said against what."""
    column.metric(kpi.label, kpi.value, kpi.delta, delta_color=kpi.delta_color, help=kpi.help,
                  delta_description=kpi.delta_description, delta_arrow="off" if kpi.delta_color == "off" else "auto")


def chart(figure, *, key: str) -> None:
    """A chart, its one line of what it means, and the numbers it draws as a table (its text
    alternative, for a screen reader and for whoever wants the figures)."""
    st.plotly_chart(figure, key=key)
    if about := chart_text.explanation(figure):
        st.caption(about)
    table = chart_text.chart_table(figure)
    if not table.empty:
        with st.expander("Cijfers van deze grafiek"):
            st.dataframe(table, key=f"{key}_table", hide_index=True)


def table_with_downloads(table, *, key: str, file_stem: str) -> None:
    """A table as the registry formats it (`dashboard.registry.styled`: Dutch headers, 8,6 %, 1.056 m²,
    25/06/2009, "–" for unknown; numbers still sort as numbers), with its downloads, or a short
    note when it is empty."""
    if table.empty:
        st.caption("Niets te tonen.")
        return
    st.dataframe(registry.styled(table), key=key, hide_index=True, column_config=column_config(table))
    small_numbers_note(registry.suppressed(table).to_numpy().any())
    downloads(table, key=key, file_stem=file_stem)


def small_numbers_note(shows_x: bool) -> None:
    """Under a table that shows an "x": what it means (`dashboard.i18n.suppressed_note`)."""
    if shows_x:
        st.caption(suppressed_note(settings.disclosure_min()))


def column_config(table) -> dict:
    """Each indicator column's explanation from the registry, as the tooltip of its header."""
    config = {}
    for header in table.columns:
        entry = registry.by_label(header)
        if entry is not None and entry.explanation:
            config[header] = st.column_config.Column(help=entry.explanation)
    return config


def downloads(table, *, key: str, file_stem: str) -> None:
    """The table as shown, for Dutch Excel (CSV with ``;`` and decimal comma; a formatted workbook),
    and with the canonical column names for scripts."""
    csv_column, xlsx_column, script_column = st.columns(3)
    # Files made on click, not on every rerun: a workbook takes longer than the whole page.
    csv_column.download_button("CSV", lambda: exports.to_csv_bytes(table), file_name=f"{file_stem}.csv",
                               mime="text/csv", key=f"{key}_csv", help="Voor Excel: puntkomma's en decimale komma's.")
    xlsx_column.download_button("Excel", lambda: exports.to_xlsx_bytes(table), file_name=f"{file_stem}.xlsx",
                                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                key=f"{key}_xlsx")
    script_column.download_button("CSV voor scripts", lambda: exports.to_script_csv_bytes(table),
                                  file_name=f"{file_stem}_data.csv", mime="text/csv", key=f"{key}_script",
                                  help="Kolomnamen zoals in de documentatie, decimale punt, datums als JJJJ-MM-DD.")
