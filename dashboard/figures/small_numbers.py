"""Charts draw no value that the small-numbers rule leaves out (`dashboard.registry.suppressed`).

`leaves_out_small_numbers` wraps a chart builder: every table or row it is given loses those values
first (`dashboard.registry.blanked`: a line has a gap, a bar is missing, and so does the row in the
chart's text alternative), and where that changed what the chart draws, its one line of what it
means says why.
"""

from __future__ import annotations

import functools

import pandas as pd

from dashboard import registry

#: Added to a chart's explanation when it leaves something out.
NOTE = "Waarden op een klein aantal panden (x) zijn niet getekend."


def leaves_out_small_numbers(builder):
    """``builder`` with each DataFrame or Series argument blanked where the rule leaves a value out."""

    @functools.wraps(builder)
    def build(*args, **kwargs):
        blank_args = [_blanked(value) for value in args]
        blank_kwargs = {name: _blanked(value) for name, value in kwargs.items()}
        figure = builder(*(value for value, _ in blank_args), **{name: value for name, (value, _) in
                                                                 blank_kwargs.items()})
        if not any(changed for _, changed in [*blank_args, *blank_kwargs.values()]):
            return figure
        # Something was left out of the tables; say so only when the chart would have drawn it.
        drawn = builder(*args, **kwargs).to_plotly_json()["data"]
        meta = figure.layout.meta
        if drawn != figure.to_plotly_json()["data"] and isinstance(meta, dict) and meta.get("explanation"):
            figure.update_layout(meta={**meta, "explanation": f"{meta['explanation']} {NOTE}"})
        return figure

    return build


def _blanked(value) -> tuple[object, bool]:
    """``value`` without the values the rule leaves out (a table, or a row of one), and whether it lost any."""
    if isinstance(value, pd.Series):
        frame, changed = _blanked(value.to_frame().T)
        return (frame.iloc[0] if changed else value), changed
    if not isinstance(value, pd.DataFrame):
        return value, False
    hidden = registry.suppressed(value)
    if not hidden.to_numpy().any():
        return value, False
    return registry.blanked(value, hidden), True
