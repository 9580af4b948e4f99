"""Reading leniently what the strict parsers of `dashboard.ingest.values` refuse, where the meaning
is clear ("120 m²", "maart 2020", "31/12/23"), and cells that say a value is not known ("?").

The importer says how each such cell was read, in a warning.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

import pandas as pd

from dashboard.i18n import format_since
from dashboard.ingest.values import _held, _number

#: Cells that say the value is not known: read as unknown, never as wrong.
UNKNOWN_WORDS = frozenset({"?", "??", "-", "onbekend", "n.v.t.", "nvt", "n.v.t", "niet gekend", "ongekend",
                           "inconnu", "n/a", "na", "x?"})
_APPROXIMATE = re.compile(r"^\s*(?:ca\.?|circa|ongeveer|±|\+/-|\+-|~|>|<|>=|<=)\s*", re.IGNORECASE)
_UNIT = re.compile(r"\s*(?:m²|m2|m\^2|vierkante meter|sq\.?\s*m)\s*$", re.IGNORECASE)
_MONTHS = {name: number for number, names in enumerate(
    [("januari", "jan", "janvier"), ("februari", "feb", "fevrier", "février"), ("maart", "mrt", "mars"),
     ("april", "apr", "avril"), ("mei", "mai"), ("juni", "jun", "juin"), ("juli", "jul", "juillet"),
     ("augustus", "aug", "aout", "août"), ("september", "sep", "sept", "septembre"),
     ("oktober", "okt", "oct", "octobre"), ("november", "nov", "novembre"), ("december", "dec", "décembre",
                                                                             "decembre")], start=1)
    for name in names}


class Reading(NamedTuple):
    """A value read leniently: the value (None: unknown), how it was read (for the warning) and, for
    a date, its precision (`PRECISIONS`)."""

    value: object
    shown: str
    precision: str = "day"


#: How precise a date is: a day, or only a month or a year (stored as its first day).
PRECISIONS = ("day", "month", "year")


def read(kind_of_value: str, cell) -> Reading | None:
    """A cell the strict reading refused, read where its meaning is clear; None when it stays
    unreadable. A month or a year becomes its first day, with its precision.

    >>> [read("number", c)[:2] for c in ["120 m²", "ca. 80", "± 80", "1.250 m2"]], read("number", "veel")
    ([(120.0, '120'), (80.0, '80'), (80.0, '80'), (1250.0, '1250')], None)
    >>> [read("date", c).shown for c in ["03/2020", "sinds 2018", "31/12/23", "12/31/2023"]]
    ['maart 2020 (gerekend vanaf 01/03/2020)', '2018 (gerekend vanaf 01/01/2018)', '31/12/2023', '31/12/2023']
    >>> read("date", "maart 2020").precision, read("date", "2018").precision
    ('month', 'year')
    >>> read("number", "?").shown, read("date", "onbekend").value
    ('onbekend', None)
    """
    text = " ".join(str(cell).strip().lower().split())
    if text in UNKNOWN_WORDS:
        return Reading(None, "onbekend")
    try:
        if kind_of_value == "number":
            value = _number(_UNIT.sub("", _APPROXIMATE.sub("", text)))
            return Reading(value, f"{value:g}")
        if kind_of_value == "date":
            found = _lenient_date(re.sub(r"^(?:sinds|vanaf|depuis|since)\s+", "", text))
            if found is None:
                return None
            day, precision = found
            shown = format_since(day, precision)
            if precision != "day":  # durations count from its first day
                shown += f" (gerekend vanaf {format_since(day)})"
            return Reading(day, shown, precision)
    except (ValueError, OverflowError):
        return None
    return None


def precision(cell) -> str:
    """How precise a date cell is (`PRECISIONS`): a year alone ("2018", 2018, "sinds 2018"), a month
    ("maart 2020", "03/2020") or a day (anything else).

    >>> [precision(c) for c in ["2018", 2018, "sinds 2018", "maart 2020", "03/2020", "31/12/2023", None]]
    ['year', 'year', 'year', 'month', 'month', 'day', 'day']
    """
    if isinstance(cell, bool) or cell is None:
        return "day"
    if isinstance(cell, int | float) and not pd.isna(cell):
        return "year" if cell == int(cell) and 1900 <= cell <= 2100 else "day"
    text = re.sub(r"^(?:sinds|vanaf|depuis|since)\s+", "", " ".join(str(cell).strip().lower().split()))
    if re.fullmatch(r"\d{4}", text):
        return "year"
    found = re.fullmatch(r"([a-zéû]+)\.?\s+\d{4}", text)
    if (found and found[1] in _MONTHS) or re.fullmatch(r"\d{1,2}[/.-]\d{4}", text):
        return "month"
    return "day"


def _lenient_date(text: str) -> tuple[pd.Timestamp, str] | None:
    """A month and year ("maart 2020", "03/2020"), a year, a two-digit year (31/12/23: 2000–2099),
    or a US date whose day is over 12 (12/31/2023); with its precision."""
    found = re.fullmatch(r"([a-zéû]+)\.?\s+(\d{4})", text)
    if found and found[1] in _MONTHS:
        return _held(date(int(found[2]), _MONTHS[found[1]], 1)), "month"
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
    if found:
        return _held(date(int(found[2]), int(found[1]), 1)), "month"
    if re.fullmatch(r"\d{4}", text):
        return _held(date(int(text), 1, 1)), "year"
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})", text)
    if found:
        return _held(date(2000 + int(found[3]), int(found[2]), int(found[1]))), "day"
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if found and int(found[2]) > 12 >= int(found[1]):
        return _held(date(int(found[3]), int(found[1]), int(found[2]))), "day"
    return None
