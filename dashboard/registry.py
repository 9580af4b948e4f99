"""Every indicator Kernmonitor shows, defined once: its Dutch label and one-line explanation, its unit
and format, which direction is better, its band thresholds, its definition and its source.

Tables (`display`, `styled`), charts, map legends, downloads, the report and the Methodologie page
read labels, formats and definitions from here; no page or builder keeps a label of its own. A column
of a table an indicator builder returns that has no entry here is a bug (``indicator`` raises, and
tests/test_registry.py checks every builder's columns).

Units
-----
``fraction`` 0–1, shown as a percentage (``8,6 %``); ``pp`` a difference of fractions in percentage
points (``+1,7 pp``); ``count``; ``m2``; ``days``; ``years``; ``per_1000`` (per 1.000 inhabitants);
``index`` (0–100); ``ratio`` (a quotient around 1); ``eur``; ``date``; ``year`` (never with a thousands
point); ``flag`` (ja/nee); ``text``.

>>> indicator("vacancy_rate_units").label, format_value("vacancy_rate_units", 0.0862)
('Leegstand (panden)', '8,6 %')
>>> format_value("floor_area_total_m2", 1056), format_value("year", 2024), format_value("median_vacancy_days", None)
('1.056 m²', '2024', '–')
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import replace
from functools import cache

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from analysis import disclosure
from dashboard import settings
from dashboard.i18n import (
    MISSING,
    SUPPRESSED,
    format_area,
    format_date,
    format_number,
    format_pct,
    format_pp,
)
from dashboard.indicator_entries import (  # noqa: F401 - re-exported
    DECIMALS,
    GROUP_NUMERATOR,
    UNIT_LABELS,
    UNITS,
    Indicator,
    entries,
)

_PER_GROUP = re.compile(r"^(location_quotient|share_floor|share_units)_(\d{2})$")
_PER_GROUP_ENTRIES = {
    "share_floor": Indicator("share_floor", "Aandeel oppervlakte", "fraction"),
    "share_units": Indicator("share_units", "Aandeel panden", "fraction"),
}


@cache
def indicators() -> dict[str, Indicator]:
    """Column name → its `Indicator`."""
    return {entry.column: entry for entry in entries()}


#: A component of the vitality index ("score_evenness", "weight_evenness") and how it is labelled.
_COMPONENT = re.compile(r"^(score|weight)_(\w+)$")
#: An indicator at the baseline or in the previous period (`dashboard.report.content`) and how it is labelled.
_AT = re.compile(r"^(\w+)_(baseline|previous)$")
_AT_LABELS = {"baseline": "basislijn", "previous": "vorige periode"}
_COMPONENT_LABELS = {"score": ("Score {label} (0–100)", "index"), "weight": ("Gewicht {label}", "fraction")}


def indicator(column: str) -> Indicator:
    """The entry of an indicator column (a per-group column such as ``location_quotient_11``
    gets its stem's, labelled with the group code; a vitality component's score or weight its
    component's); KeyError when there is none.

    >>> indicator("score_evenness").label, indicator("weight_evenness").unit
    ('Score Gelijkmatigheid (0–100)', 'fraction')
    """
    found = indicators().get(column)
    if found is not None:
        return found
    component = _COMPONENT.match(column)
    if component and component[2] in indicators():
        title, unit = _COMPONENT_LABELS[component[1]]
        return Indicator(column, title.format(label=indicators()[component[2]].label), unit,
                         definition="percentielrang in de provincie, beste = 100" if component[1] == "score" else "")
    per_group = _PER_GROUP.match(column)
    if per_group:
        stem = indicators().get(per_group[1]) or _PER_GROUP_ENTRIES[per_group[1]]
        return Indicator(column, f"{stem.label} groep {per_group[2]}", stem.unit, stem.explanation,
                         stem.definition, stem.better, stem.bands, stem.source, stem.decimals,
                         numerator=(GROUP_NUMERATOR.format(code=per_group[2]),))
    at = _AT.match(column)
    if at and at[1] in indicators():  # the report's "units_vacant_baseline": the stem's, at another date
        stem = indicators()[at[1]]
        at_that_date = tuple(re.sub(r"[a-z_][a-z0-9_]*", lambda name: f"{name[0]}_{at[2]}", expression)
                             for expression in stem.numerator)
        return replace(stem, column=column, label=f"{stem.label} ({_AT_LABELS[at[2]]})", numerator=at_that_date)
    raise KeyError(f"{column!r} staat niet in het register van indicatoren (dashboard/registry.py)")


def label(column: str) -> str:
    """The Dutch label of an indicator column.

    >>> label("vacancy_rate_units"), label("location_quotient_11")
    ('Leegstand (panden)', 'Locatiequotiënt groep 11')
    """
    return indicator(column).label


def axis_title(column: str) -> str:
    """What a chart's axis calls an indicator (its label, or a longer title where it has one);
    the column itself when it is no indicator.

    >>> axis_title("participation_rate"), axis_title("vacancy_rate_units")
    ('Deelname (aandeel van de winkels)', 'Leegstand (panden)')
    """
    try:
        entry = indicator(column)
    except KeyError:
        return column
    return entry.axis_title or entry.label


def is_fraction(column: str) -> bool:
    """Whether a column holds a fraction 0–1 that people read as a percentage.

    >>> is_fraction("vacancy_rate_units"), is_fraction("floor_area_coverage"), is_fraction("bags_per_1000")
    (True, True, False)
    """
    try:
        return indicator(column).unit == "fraction"
    except KeyError:
        return False


#: Column name → Dutch label, for code that renames whole frames (``frame.rename(columns=LABELS)``).
LABELS = {column: entry.label for column, entry in indicators().items()}


@cache
def _by_label() -> dict[str, Indicator]:
    found: dict[str, Indicator] = {}
    for entry in indicators().values():
        found.setdefault(entry.label, entry)
    return found


def by_label(header: str) -> Indicator | None:
    """The entry a table header (a Dutch label, or a column name) stands for; None for another header.

    >>> by_label("Leegstand (panden)").column, by_label("vacancy_rate_floor").label, by_label("Opmerking")
    ('vacancy_rate_units', 'Leegstand (oppervlakte)', None)
    """
    try:
        return _by_label().get(header) or indicator(str(header))
    except KeyError:
        return None


def format_value(column: str, value) -> str:
    """One value as the screen shows it: ``8,6 %``, ``+1,7 pp``, ``1.056 m²``, ``25/06/2009``, ``2024``,
    ``ja``; `MISSING` when unknown; text as it is ("maart 2020")."""
    entry = indicator(column)
    return _formatter(entry.unit, entry.shown_decimals)(value)


def _formatter(unit: str, decimals: int):
    """The function that shows a value of ``unit``; text (already shown, "maart 2020") stays as it is."""
    function = _unit_formatter(unit, decimals)
    return lambda value: value if isinstance(value, str) else function(value)


def _unit_formatter(unit: str, decimals: int):
    def missing_or(function):
        return lambda value: MISSING if _missing(value) else function(value)

    return {
        "fraction": lambda value: format_pct(value, decimals),
        "pp": lambda value: format_pp(value, decimals),
        "m2": format_area,
        "date": format_date,
        "year": missing_or(lambda value: str(int(value))),
        "flag": missing_or(lambda value: "ja" if bool(value) else "nee"),
        "eur": missing_or(lambda value: f"€ {format_number(value, decimals)}"),
        "text": missing_or(str),
    }.get(unit, lambda value: format_number(value, decimals))


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def styled(frame: pd.DataFrame) -> Styler:
    """A table for ``st.dataframe``: each column whose header is an indicator's label (or column name)
    shown in its format, the values left as they are so a click on a header sorts numbers as numbers;
    unknown cells show `MISSING`, cells the small-numbers rule leaves out `SUPPRESSED` (their values
    are taken out, so they never reach the browser)."""
    hidden = suppressed(frame)
    data = blanked(frame, hidden)
    if hidden.to_numpy().any() and not data.index.is_unique:  # a cell is picked out by its row's label
        data, hidden = data.reset_index(drop=True), hidden.reset_index(drop=True)
    formats = {}
    for header in frame.columns:
        entry = by_label(header)
        if entry is not None and entry.unit != "text":
            formats[header] = _formatter(entry.unit, entry.shown_decimals)
    style = data.style.format(formats, na_rep=MISSING)
    for position in np.flatnonzero(hidden.to_numpy().any(axis=0)):
        rows = data.index[hidden.iloc[:, position].to_numpy()]
        style = style.format(lambda _: SUPPRESSED, subset=(rows, [data.columns[position]]), na_rep=SUPPRESSED)
    return style


def display(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as text, as the screen shows it (`styled`): what a test or a PDF reads.

    >>> display(pd.DataFrame({"Leegstand (panden)": [0.0862, None], "Straat": ["Markt", None]})).values.tolist()
    [['8,6 %', 'Markt'], ['–', '–']]
    """
    hidden = suppressed(frame).to_numpy()
    shown = pd.DataFrame(index=frame.index)
    for position, header in enumerate(frame.columns):
        entry = by_label(header)
        values = frame.iloc[:, position]
        function = _formatter(entry.unit, entry.shown_decimals) if entry is not None else _formatter("text", 0)
        shown[header] = [SUPPRESSED if hide else function(value) for value, hide in zip(values, hidden[:, position],
                                                                                        strict=True)]
    return shown


#: In ``DataFrame.attrs``: the table's small numbers were left out already (`marked`), so a table
#: made from some of its columns is not judged again on counts it no longer has.
_MARKED = "kernmonitor_small_numbers_marked"


def suppressed(frame: pd.DataFrame) -> pd.DataFrame:
    """Which cells of a table (headers as labels or column names) the small-numbers rule leaves out:
    `analysis.disclosure.suppressed` with each column's `Indicator.numerator` and the deployment's
    threshold (``KERNMONITOR_DISCLOSURE_MIN``); all False when the rule is off. With 5, a table of
    "Leegstaande panden" 3 and 6 and their "Leegstand (panden)" hides the first row's two values
    (tests/test_disclosure.py).
    """
    threshold = settings.disclosure_min()
    if not threshold:
        return pd.DataFrame(False, index=frame.index, columns=frame.columns)
    entries = [by_label(header) if isinstance(header, str) else None for header in frame.columns]
    names = [entry.column if entry is not None else f"_{position}" for position, entry in enumerate(entries)]
    numerators = [entry.numerator if entry else () for entry in entries]
    found = disclosure.suppressed(frame.set_axis(names, axis=1), numerators, threshold,
                                  checkable_only=bool(frame.attrs.get(_MARKED)))
    return found.set_axis(frame.columns, axis=1)


def marked(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with `SUPPRESSED` ("x") in each cell the rule leaves out: for a table whose columns a
    builder picks after (its counts may be dropped) and for files. The copy remembers it was judged.
    With the threshold 5, ``units_vacant`` 0, 3, 12 becomes 0, "x", 12.
    """
    return _replaced(frame, suppressed(frame), SUPPRESSED)


def blanked(frame: pd.DataFrame, hidden: pd.DataFrame | None = None) -> pd.DataFrame:
    """A copy without the values the rule leaves out (``hidden``: `suppressed`, when known): empty
    cells, numbers as numbers, for charts and maps, which then draw nothing there."""
    return _replaced(frame, suppressed(frame) if hidden is None else hidden, None)


def _replaced(frame: pd.DataFrame, hidden: pd.DataFrame, value) -> pd.DataFrame:
    result = frame.copy()
    for position in np.flatnonzero(hidden.to_numpy().any(axis=0)):
        column = result.iloc[:, position].astype(object).where(~hidden.iloc[:, position], value)
        if value is None:  # numbers again where only numbers are left
            with contextlib.suppress(TypeError, ValueError):
                column = pd.to_numeric(column)
        result.isetitem(position, column)
    if settings.disclosure_min():
        result.attrs[_MARKED] = True
    return result


def suppressed_in(row: pd.Series) -> set[str]:
    """The columns of one table row (with the counts it rests on) that the rule leaves out."""
    found = suppressed(row.to_frame().T).iloc[0]
    return set(found.index[found.to_numpy(dtype=bool)])


def shown(row: pd.Series, column: str) -> str:
    """One value of a row (a table row with the counts it rests on) as the screen shows it: `format_value`,
    or `SUPPRESSED` where the rule leaves it out."""
    return SUPPRESSED if column in suppressed_in(row) else format_value(column, row[column])
