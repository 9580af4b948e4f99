"""A chart's text alternative: the line that says what it means, and the numbers it draws as a table.

The builders of `dashboard.figures.charts` put the line in the figure's ``meta``; these read it back,
so a page can show both under any chart without knowing which builder made it.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.figures.charts import PERCENT_SUFFIX


def explanation(fig: go.Figure) -> str | None:
    """The chart's one line of what it means, in Dutch (None for a chart without one).

    >>> from dashboard.figures.charts import flows_chart
    >>> explanation(flows_chart(None)).split(":")[0]
    'Wat er tussen twee inventarissen gebeurde'
    """
    meta = fig.layout.meta
    return meta.get("explanation") if isinstance(meta, dict) else None


def chart_table(fig: go.Figure) -> pd.DataFrame:
    """The numbers a chart draws, one row per point: its series, its x and its y under the axes'
    titles (a rate in percent, as drawn): the chart's text alternative.

    >>> from dashboard.figures.charts import trend_chart
    >>> table = pd.DataFrame({"municipality": ["Brugge", "Brugge"], "year": [2018, 2024],
    ...                       "vacancy_rate_units": [0.08, 0.1]})
    >>> chart_table(trend_chart(table)).values.tolist()
    [['Brugge', 2018, 8.0], ['Brugge', 2024, 10.0]]
    >>> list(chart_table(trend_chart(table)).columns)
    ['Reeks', 'Jaar', 'Leegstand (panden) (%)']
    """
    x_title = fig.layout.xaxis.title.text or "x"
    y_title = (fig.layout.yaxis.title.text or fig.layout.title.text or "waarde") + (
        " (%)" if fig.layout.yaxis.ticksuffix == PERCENT_SUFFIX else "")
    rows = [(trace.name, x, y) for trace in fig.data for x, y in zip(trace.x or (), trace.y or (), strict=False)]
    return pd.DataFrame(rows, columns=["Reeks", x_title, y_title])
