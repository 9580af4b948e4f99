"""The chart of vacancy per type of shopping area (the Overzicht page), built like those of
`dashboard.figures.charts`: Dutch, percentages as the cards write them, band colours, a line of
what it means, and "Geen gegevens" without data."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.vacancy import vacancy_band
from dashboard.figures.charts import _explain, _figure, _floats, _meaning, _no_data, label
from dashboard.figures.palette import BAND_COLOURS, GREY
from dashboard.registry import LABELS


def type_chart(table: pd.DataFrame | None, *, column: str = "vacancy_rate_units") -> go.Figure:
    """One bar per type of area (in the table's order), coloured by its vacancy band.

    Parameters
    ----------
    table : DataFrame
        `dashboard.tables.areas.type_table` rows of one year: ``area_type`` and ``column``.

    Examples
    --------
    >>> table = pd.DataFrame({"area_type": ["Binnenstad", "buiten winkelgebied"], "vacancy_rate_units": [0.09, 0.15]})
    >>> bars = type_chart(table).data[0]
    >>> list(bars.x), list(bars.y)
    (['Binnenstad', 'buiten winkelgebied'], [9.0, 15.0])
    """
    fig = _figure(f"{label(column)} per type winkelgebied", x_title=LABELS["area_type"], y_title=label(column),
                  percent=True)
    _explain(fig, f"{_meaning(column)} Per type van Locatus over alle winkelgebieden van dat type in het gekozen "
                  "gebied (de laatste inventaris van elke gemeente in het jaar); 'buiten winkelgebied' zijn de "
                  "verkooppunten in geen enkel winkelgebied.")
    if table is None or table.empty or table[column].isna().all():
        return _no_data(fig)
    rates = pd.to_numeric(table[column], errors="coerce")
    colours = [GREY if pd.isna(rate) else BAND_COLOURS[band] for rate, band in zip(rates, vacancy_band(rates),
                                                                                   strict=True)]
    fig.add_trace(go.Bar(x=table["area_type"].astype(str).tolist(), y=_floats(rates, percent=True),
                         name=label(column), marker={"color": colours}, showlegend=False,
                         hovertemplate="%{x}: %{y:.1f} %<extra></extra>"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(rangemode="tozero")
    return fig
