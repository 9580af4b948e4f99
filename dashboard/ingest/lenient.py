"""Reading leniently what the strict parsers of `dashboard.ingest.values` refuse, where the meaning
is clear ("120 m²", "maart 2020", "31/12/23"), and cells that say a value is not known ("?").

The importer says how each such cell was read, in a warning.
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

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


def read(kind_of_value: str, cell) -> tuple[object, str] | None:
    """A cell the strict reading refused, read where its meaning is clear, with how it was read
    (for a warning); None when it stays unreadable.

    >>> [read("number", c) for c in ["120 m²", "ca. 80", "± 80", "1.250 m2", "veel"]]
    [(120.0, '120'), (80.0, '80'), (80.0, '80'), (1250.0, '1250'), None]
    >>> [read("date", c)[1] for c in ["maart 2020", "03/2020", "sinds 2018", "31/12/23", "12/31/2023"]]
    ['01/03/2020', '01/03/2020', '01/01/2018', '31/12/2023', '31/12/2023']
    >>> read("number", "?"), read("date", "onbekend")
    ((None, 'onbekend'), (None, 'onbekend'))
    """
    text = " ".join(str(cell).strip().lower().split())
    if text in UNKNOWN_WORDS:
        return None, "onbekend"
    try:
        if kind_of_value == "number":
            value = _number(_UNIT.sub("", _APPROXIMATE.sub("", text)))
            return value, f"{value:g}"
        if kind_of_value == "date":
            day = _lenient_date(re.sub(r"^(?:sinds|vanaf|depuis|since)\s+", "", text))
            return (day, f"{day:%d/%m/%Y}") if day is not None else None
    except (ValueError, OverflowError):
        return None
    return None


def _lenient_date(text: str) -> pd.Timestamp | None:
    """A month and year ("maart 2020", "03/2020"), a year, a two-digit year (31/12/23: 2000–2099),
    or a US date whose day is over 12 (12/31/2023)."""
    found = re.fullmatch(r"([a-zéû]+)\.?\s+(\d{4})", text)
    if found and found[1] in _MONTHS:
        return _held(date(int(found[2]), _MONTHS[found[1]], 1))
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{4})", text)
    if found:
        return _held(date(int(found[2]), int(found[1]), 1))
    if re.fullmatch(r"\d{4}", text):
        return _held(date(int(text), 1, 1))
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})", text)
    if found:
        return _held(date(2000 + int(found[3]), int(found[2]), int(found[1])))
    found = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if found and int(found[2]) > 12 >= int(found[1]):
        return _held(date(int(found[3]), int(found[1]), int(found[2])))
    return None
