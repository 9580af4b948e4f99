"""Plotly charts for the pages: trends, vacancy duration, flows, shop mix, small multiples, campaign reach.

Plain builders: each takes an indicator table (or one row of it) and returns a ``go.Figure``;
nothing here knows about Streamlit. Every chart is in Dutch with a decimal comma and a
thousands point (``separators=",."``), shows rates as percentages, takes its colours from
`dashboard.figures.palette` and has no plotly template. Input without data gives an empty figure
that says "Geen gegevens" instead of an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from analysis.geography import latest_of_year
from dashboard.figures.palette import BAND_COLOURS, SERIES_COLOURS, group_colour
from dashboard.figures.small_numbers import leaves_out_small_numbers
from dashboard.i18n import SEPARATORS
from dashboard.registry import LABELS, axis_title, indicator, is_fraction
from dashboard.settings import PROVINCE_NAME

NO_DATA = "Geen gegevens"
#: The line colour of the reference series (the province): black.
REFERENCE_COLOUR = SERIES_COLOURS[1]
#: Duration classes of a vacancy row: column, label and colour (healthy → critical).
DURATION_BARS = [
    ("units_vacant_frictional", "frictie (< 1 jaar)", BAND_COLOURS["gezond"]),
    ("units_vacant_long_term", "langdurig (1–3 jaar)", BAND_COLOURS["verhoogd"]),
    ("units_vacant_structural", "structureel (≥ 3 jaar)", BAND_COLOURS["kritiek"]),
]
#: Flow counts: column, trace name and colour (new vacancy in the vacancy colour, vermillion).
FLOW_BARS = [
    ("new_vacancies", "nieuwe leegstand", SERIES_COLOURS[6]),
    ("reoccupations", "heringebruikname", SERIES_COLOURS[3]),
    ("openings", "openingen", SERIES_COLOURS[0]),
    ("closures", "sluitingen", SERIES_COLOURS[2]),
]
#: Rates are drawn in percent (×100) with " %" after the number, as the cards write them ("9,8 %"):
#: plotly's own "%" format has no space. One decimal: rates of a few percent would repeat ticks.
PERCENT_TICKS = ".1f"
PERCENT_SUFFIX = " %"
PERCENT_HOVER = ".1f"
NUMBER_HOVER = ",.2~f"


def label(column: str) -> str:
    """The Dutch label of an indicator column (the column name itself when there is none).

    >>> label("vacancy_rate_units"), label("participation_rate")
    ('Leegstand (panden)', 'Deelname (aandeel van de winkels)')
    """
    return axis_title(column)


@leaves_out_small_numbers
def trend_chart(table: pd.DataFrame | None, *, column: str = "vacancy_rate_units", name_column: str = "municipality",
                reference: pd.DataFrame | None = None, reference_name: str = PROVINCE_NAME) -> go.Figure:
    """One line per area over the years, optionally against a dashed reference line.

    Parameters
    ----------
    table : DataFrame
        ``year``, ``name_column`` and ``column``; with several inventories in a year the latest
        (by ``observed_on`` when present) is drawn.
    column : str
        The indicator on the y axis (rates as percentages).
    name_column : str
        One line per value, in order of first appearance, coloured by `SERIES_COLOURS` in order
        (black is left for the reference when there is one).
    reference : DataFrame, optional
        ``year`` and ``column`` of a reference (the province or Flanders), drawn as a dashed black line.
    reference_name : str
        The legend name of the reference line (default the default province's name; pages pass the
        chosen region's, `dashboard.regions.Region.series_name`).

    Examples
    --------
    >>> table = pd.DataFrame({"municipality": ["Brugge", "Brugge", "Ieper"], "year": [2018, 2024, 2024],
    ...                       "vacancy_rate_units": [0.08, 0.1, 0.12]})
    >>> province = pd.DataFrame({"year": [2018, 2024], "vacancy_rate_units": [0.09, 0.11]})
    >>> [trace.name for trace in trend_chart(table, reference=province).data]
    ['Brugge', 'Ieper', 'West-Vlaanderen']
    """
    title = f"Evolutie van {label(column).lower()}"
    percent = is_fraction(column)
    fig = _figure(title, x_title=LABELS["year"], y_title=label(column), percent=percent)
    _explain(fig, f"{_meaning(column)} Per jaar de laatste inventaris"
                  + (f"; de stippellijn is {reference_name}." if reference is not None else "."))
    hover = _value_hover(percent)
    rows = _latest_per_year(table, [name_column, "year", column], by=[name_column])
    colours = [c for c in SERIES_COLOURS if reference is None or c != REFERENCE_COLOUR]
    for number, (name, lines) in enumerate(rows.groupby(name_column, sort=False)):
        fig.add_trace(go.Scatter(
            x=_ints(lines["year"]), y=_floats(lines[column], percent=percent), name=str(name), mode="lines+markers",
            line={"color": colours[number % len(colours)], "width": 2.5},
            hovertemplate="%{fullData.name}<br>Jaar %{x}: " + hover + "<extra></extra>"))
    references = _latest_per_year(reference, ["year", column], by=[])
    if not references.empty:
        fig.add_trace(go.Scatter(
            x=_ints(references["year"]), y=_floats(references[column], percent=percent), name=reference_name,
            mode="lines+markers",
            line={"color": REFERENCE_COLOUR, "dash": "dash", "width": 2},
            hovertemplate="%{fullData.name}<br>Jaar %{x}: " + hover + "<extra></extra>"))
    if not fig.data:
        return _no_data(fig)
    fig.update_xaxes(tickformat="d", dtick=1)
    if percent:  # a rate starts at 0 %: a flat line never spans −50 % to 150 %
        fig.update_yaxes(rangemode="tozero")
    return fig


@leaves_out_small_numbers
def duration_chart(row: pd.Series | Mapping | None) -> go.Figure:
    """Vacant units by how long they stand empty: frictional, long-term, structural.

    Parameters
    ----------
    row : Series or mapping
        One row of the vacancy table with ``units_vacant_frictional``, ``units_vacant_long_term``
        and ``units_vacant_structural`` (units with a known vacancy duration).

    Examples
    --------
    >>> row = pd.Series({"units_vacant_frictional": 5, "units_vacant_long_term": 3, "units_vacant_structural": 2})
    >>> list(duration_chart(row).data[0].x)
    ['frictie (< 1 jaar)', 'langdurig (1–3 jaar)', 'structureel (≥ 3 jaar)']
    """
    fig = _figure("Leegstaande panden naar duur van de leegstand", x_title="Duur van de leegstand",
                  y_title="Leegstaande panden met gekende duur", percent=False)
    _explain(fig, "Hoe lang de leegstaande panden (met gekende duur) al leeg staan: frictie is gewoon verloop, "
                  "structurele leegstand vraagt een aanpak.")
    values = [_value(row, column) for column, _, _ in DURATION_BARS]
    if all(math.isnan(value) for value in values):
        return _no_data(fig)
    fig.add_trace(go.Bar(
        x=[name for _, name, _ in DURATION_BARS], y=[None if math.isnan(v) else v for v in values],
        name="leegstaande panden",
        marker={"color": [colour for _, _, colour in DURATION_BARS]}, showlegend=False,
        hovertemplate="%{x}: %{y:,.0f} panden<extra></extra>"))
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    return fig


@leaves_out_small_numbers
def flows_chart(table: pd.DataFrame | None) -> go.Figure:
    """New vacancies, reoccupations, openings and closures per year as grouped bars.

    Parameters
    ----------
    table : DataFrame
        ``year`` and the flow counts ``new_vacancies``, ``reoccupations``, ``openings``,
        ``closures`` (since the inventory before). Flows of several inventories in one year are
        added up; years without flows (the first inventory: missing) are left out.

    Examples
    --------
    >>> table = pd.DataFrame({"year": [2018, 2024], "new_vacancies": [None, 4], "reoccupations": [None, 2],
    ...                       "openings": [None, 1], "closures": [None, 3]})
    >>> [(trace.name, list(trace.x)) for trace in flows_chart(table).data][:2]
    [('nieuwe leegstand', [2024]), ('heringebruikname', [2024])]
    """
    fig = _figure("Stromen sinds de vorige inventaris", x_title=LABELS["year"], y_title="Panden", percent=False)
    _explain(fig, "Wat er tussen twee inventarissen gebeurde: panden die leeg kwamen te staan, weer in gebruik "
                  "kwamen, openden of sloten.")
    columns = [column for column, _, _ in FLOW_BARS]
    if table is None or table.empty:
        return _no_data(fig)
    counts = table[["year", *columns]].assign(**{c: pd.to_numeric(table[c], errors="coerce") for c in columns})
    counts = counts.groupby("year", sort=True)[columns].sum(min_count=1).dropna(how="all")
    if counts.empty:
        return _no_data(fig)
    years = _ints(counts.index.to_series())
    for column, name, colour in FLOW_BARS:
        fig.add_trace(go.Bar(x=years, y=_floats(counts[column]), name=name, marker={"color": colour},
                             hovertemplate="%{fullData.name}<br>Jaar %{x}: %{y:,.0f} panden<extra></extra>"))
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero", tickformat=",d")
    return fig


@leaves_out_small_numbers
def mix_chart(mix_row: pd.Series | Mapping | None, *, group_names: Mapping[str, str]) -> go.Figure:
    """Location quotients of the Locatus groups in one mix row, against the province (LQ = 1).

    Parameters
    ----------
    mix_row : Series or mapping
        One row of the mix table with ``location_quotient_<group code>`` (and, for the hover,
        ``share_units_<group code>``). Groups without a quotient are left out.
    group_names : mapping
        Dutch name per group code (``data/locatus_groups.csv``: ``name_nl``).

    Bars are sorted by quotient, the largest on top, each in its group's colour.

    Examples
    --------
    >>> row = pd.Series({"location_quotient_11": 1.2, "location_quotient_22": 0.8, "location_quotient_59": None})
    >>> list(mix_chart(row, group_names={"11": "Dagelijks", "22": "Mode & Luxe"}).data[0].y)
    ['Mode & Luxe', 'Dagelijks']
    """
    fig = _figure("Winkelmix tegenover de provincie", x_title="Locatiequotiënt (1 = provinciegemiddelde)",
                  y_title="", percent=False)
    _explain(fig, _meaning("location_quotient") + " Boven 1 is een groep hier sterker dan in de provincie.")
    prefix = "location_quotient_"
    keys = list(mix_row.keys()) if mix_row is not None else []
    groups = [(str(key)[len(prefix):], _value(mix_row, key)) for key in keys if str(key).startswith(prefix)]
    groups = sorted([(code, lq) for code, lq in groups if not math.isnan(lq)], key=lambda group: group[1])
    if not groups:
        return _no_data(fig)
    codes = [code for code, _ in groups]
    shares = [_value(mix_row, f"share_units_{code}") for code in codes]
    fig.add_trace(go.Bar(
        x=[lq for _, lq in groups], y=[group_names.get(code, code) for code in codes], orientation="h",
        name="locatiequotiënt", marker={"color": [group_colour(code) for code in codes]}, showlegend=False,
        customdata=shares,
        hovertemplate="%{y}<br>Locatiequotiënt: %{x:.2f}<br>Aandeel van de panden: %{customdata:.1%}<extra></extra>"))
    fig.add_vline(x=1, line={"color": REFERENCE_COLOUR, "dash": "dash", "width": 1.5},
                  annotation_text="provinciegemiddelde", annotation_position="top")
    fig.update_xaxes(rangemode="tozero", tickformat=".1f")
    fig.update_yaxes(type="category")
    fig.update_layout(height=max(300, 60 + 36 * len(groups)))
    return fig


@leaves_out_small_numbers
def small_multiples(table: pd.DataFrame | None, *, column: str = "vacancy_rate_units",
                    name_column: str = "municipality", columns: int = 3) -> go.Figure:
    """One small line panel per area (in order of first appearance), all on the same y axis.

    Parameters
    ----------
    table : DataFrame
        ``year``, ``name_column`` and ``column`` (the latest inventory of a year is drawn).
    column : str
        The indicator (rates as percentages).
    name_column : str
        One panel per value, titled by it.
    columns : int
        Panels per row.

    Examples
    --------
    >>> table = pd.DataFrame({"municipality": ["Brugge", "Brugge", "Ieper", "Tielt"],
    ...                       "year": [2018, 2024, 2024, 2024], "vacancy_rate_units": [0.08, 0.1, 0.12, 0.05]})
    >>> fig = small_multiples(table, columns=2)
    >>> [trace.name for trace in fig.data], [a.text for a in fig.layout.annotations]
    (['Brugge', 'Ieper', 'Tielt'], ['Brugge', 'Ieper', 'Tielt'])
    """
    title = f"{label(column)} per gemeente"
    percent = is_fraction(column)
    rows = _latest_per_year(table, [name_column, "year", column], by=[name_column])
    names = list(dict.fromkeys(rows[name_column].astype(str)))
    if not names:
        return _no_data(_figure(title, x_title=LABELS["year"], y_title=label(column), percent=percent))
    columns = max(1, min(int(columns), len(names)))
    count = math.ceil(len(names) / columns)
    fig = make_subplots(rows=count, cols=columns, shared_yaxes="all", subplot_titles=names,
                        horizontal_spacing=0.04, vertical_spacing=min(0.3 / count, 0.12))
    _style(fig, title, x_title="", y_title="", percent=percent)
    _explain(fig, f"{_meaning(column)} Eén paneel per gemeente, allemaal op dezelfde schaal.")
    hover = _value_hover(percent)
    for number, (name, lines) in enumerate(rows.groupby(rows[name_column].astype(str), sort=False)):
        fig.add_trace(go.Scatter(
            x=_ints(lines["year"]), y=_floats(lines[column], percent=percent), name=name, mode="lines+markers",
            showlegend=False,
            line={"color": SERIES_COLOURS[0], "width": 2},
            hovertemplate="%{fullData.name}<br>Jaar %{x}: " + hover + "<extra></extra>"),
            row=number // columns + 1, col=number % columns + 1)
    fig.update_xaxes(tickformat="d", matches="x", showgrid=False)
    fig.update_yaxes(rangemode="tozero")
    fig.update_yaxes(title_text=label(column), col=1)
    fig.update_layout(height=80 + 200 * count)
    return fig


@leaves_out_small_numbers
def reach_chart(campaign: pd.DataFrame | None, *, column: str = "participation_rate") -> go.Figure:
    """Campaign reach per municipality (in the order of the table), one bar per edition.

    Parameters
    ----------
    campaign : DataFrame
        The campaign table: ``municipality``, ``edition`` and ``column``.
    column : {"participation_rate", "bags_per_1000", "votes_per_1000"}
        The measure: a percentage of the shops, or a number per 1,000 inhabitants.

    Examples
    --------
    >>> campaign = pd.DataFrame({"municipality": ["Brugge", "Brugge", "Ieper"], "edition": [2019, 2021, 2021],
    ...                          "participation_rate": [0.1, 0.15, 0.2]})
    >>> [(trace.name, list(trace.x)) for trace in reach_chart(campaign).data]
    [('2019', ['Brugge']), ('2021', ['Brugge', 'Ieper'])]
    """
    title = f"Campagnebereik: {label(column).lower()}"
    percent = is_fraction(column)
    fig = _figure(title, x_title=LABELS["municipality"], y_title=label(column), percent=percent)
    _explain(fig, f"{_meaning(column)} Eén staaf per editie.")
    if campaign is None or campaign.empty:
        return _no_data(fig)
    reach = campaign[["municipality", "edition", column]].assign(value=pd.to_numeric(campaign[column], errors="coerce"))
    reach = reach.dropna(subset=["value", "edition"])
    if reach.empty:
        return _no_data(fig)
    hover = _value_hover(percent)
    for number, (edition, bars) in enumerate(reach.groupby("edition", sort=True)):
        fig.add_trace(go.Bar(
            x=bars["municipality"].astype(str).tolist(), y=_floats(bars["value"], percent=percent),
            name=str(int(edition)),
            marker={"color": SERIES_COLOURS[number % len(SERIES_COLOURS)]},
            hovertemplate="%{x}, editie %{fullData.name}: " + hover + "<extra></extra>"))
    fig.update_layout(barmode="group", legend_title_text="Editie")
    fig.update_xaxes(type="category", categoryorder="array",  # municipalities in the order of the table
                     categoryarray=list(dict.fromkeys(reach["municipality"].astype(str))))
    fig.update_yaxes(rangemode="tozero")
    return fig


def _explain(fig: go.Figure, text: str) -> None:
    """The chart's one line of what it means (`dashboard.figures.chart_text.explanation` reads it)."""
    fig.update_layout(meta={"explanation": text})


def _meaning(column: str) -> str:
    """What an indicator says (the registry's explanation, else its definition)."""
    entry = indicator(column)
    return entry.explanation or f"{entry.label}: {entry.definition}."


def _figure(title: str, *, x_title: str, y_title: str, percent: bool) -> go.Figure:
    fig = go.Figure()
    _style(fig, title, x_title=x_title, y_title=y_title, percent=percent)
    return fig


def _style(fig: go.Figure, title: str, *, x_title: str, y_title: str, percent: bool) -> None:
    """The shared clean layout: no template, Dutch separators, a left-aligned title, legend below."""
    fig.update_layout(
        template="none", separators=SEPARATORS, title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": "sans-serif", "size": 13}, plot_bgcolor="white", paper_bgcolor="white",
        margin={"l": 60, "r": 20, "t": 60, "b": 60}, hovermode="closest",
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "xanchor": "left", "x": 0},
        hoverlabel={"bgcolor": "white"},
    )
    fig.update_xaxes(title_text=x_title or None, automargin=True)
    fig.update_yaxes(title_text=y_title or None, automargin=True, tickformat=PERCENT_TICKS if percent else None,
                     ticksuffix=PERCENT_SUFFIX if percent else None)


def _no_data(fig: go.Figure) -> go.Figure:
    """An empty figure (keeping its title) that says there is nothing to show."""
    fig.data = []
    fig.add_annotation(text=NO_DATA, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
                       font={"size": 16})
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def _value_hover(percent: bool) -> str:
    return "%{y:" + (PERCENT_HOVER + "} %" if percent else NUMBER_HOVER + "}")


def _latest_per_year(table: pd.DataFrame | None, needed: list[str], *, by: list[str]) -> pd.DataFrame:
    """Rows with a value in the last of ``needed``, one per ``by`` and year: of those with a value,
    the latest inventory of the year (`analysis.geography.latest_of_year`; a table without
    dates, such as the province's, has one row per year)."""
    if table is None or table.empty:
        return pd.DataFrame(columns=needed)
    dated = "observed_on" in table.columns
    rows = table[needed + (["observed_on"] if dated else [])]
    rows = rows.assign(**{needed[-1]: pd.to_numeric(rows[needed[-1]], errors="coerce")})
    rows = rows.dropna(subset=["year", needed[-1]])
    rows = latest_of_year(rows, by=by) if dated else rows.drop_duplicates([*by, "year"], keep="last")
    rows = rows.sort_values([c for c in ("year", "observed_on") if c in rows.columns], kind="stable")
    if by:  # keep each area's first appearance in the table as its order
        first = {name: i for i, name in enumerate(dict.fromkeys(table[by[0]]))}
        rows = rows.sort_values(by[0], key=lambda names: names.map(first), kind="stable")
    return rows[needed]


def _value(row, key: str) -> float:
    """A number from a row or mapping; missing (absent, NA, not a number) as NaN."""
    if row is None:
        return float("nan")
    value = row.get(key) if hasattr(row, "get") else None
    try:
        return float("nan") if value is None or pd.isna(value) else float(value)
    except (TypeError, ValueError):
        return float("nan")


def _floats(values: pd.Series, *, percent: bool = False) -> list[float | None]:
    """Plain floats for a trace (missing → None, which plotly draws as a gap); a fraction in percent
    when ``percent``, rounded so 0.098 is 9.8 and not 9.800000000000001."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if percent:
        numbers = np.round(numbers * 100, 10)
    return [None if math.isnan(v) else float(v) for v in numbers]


def _ints(values: pd.Series) -> list[int]:
    return [int(v) for v in values]
