"""Dutch (nl-BE) labels and number formats for everything a user reads.

Rates are fractions in data and percentages on screen: ``format_pct(0.083) == "8,3 %"``.
"""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
from babel.numbers import format_decimal

from analysis.vacancy import ELEVATED_MAX, HEALTHY_MAX

LOCALE = "nl_BE"
#: Dates as people read them (``31/12/2018``), for ``strftime`` on whole columns.
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
#: Decimal and thousands separators for plotly (d3): ``1.234,5``.
SEPARATORS = ",."

#: Where a units file comes from (`analysis.sources.SOURCES`).
SOURCE_LABELS = {"locatus": "Locatus", "register": "register van de gemeente", "own_survey": "eigen telling",
                 "other": "andere bron"}
#: What a batch holds, short (``schema.BATCH_KINDS``), as the history and the audit log say it.
BATCH_KIND_LABELS = {"units": "verkooppunten", "campaign": "campagne", "votes": "stemmen", "areas": "winkelgebieden"}
#: What a units file is for a municipality (`analysis.sources.INVENTORY_KINDS`).
INVENTORY_KIND_LABELS = {"complete": "volledige inventaris", "update": "aanvulling (wijzigingen)",
                         "register": "register (alleen leegstaande panden)"}
#: How a register's premises compare with the inventory (`analysis.registers.MATCHES`).
MATCH_LABELS = {"both_vacant": "in beide leeg", "occupied_in_inventory": "in de inventaris bezet",
                "register_only": "alleen in het register", "inventory_only": "alleen in de inventaris leeg"}
MISSING = "–"
#: A value left out because it rests on a small number of premises (`analysis.disclosure`); the
#: formatters below pass it on as it is.
SUPPRESSED = "x"


def suppressed_note(threshold: int) -> str:
    """What "x" means, with the deployment's threshold (the wording of Provincies in Cijfers' rule: a
    threshold on counts, 0 shown, a ratio judged by its numerator; see `analysis.disclosure`).

    >>> suppressed_note(5)[:60]
    'x = niet getoond: het cijfer rust op een klein aantal panden'
    """
    few = "1" if threshold == 2 else f"1 tot {threshold - 1}"
    return (f"x = niet getoond: het cijfer rust op een klein aantal panden ({few}). Net als Provincies in Cijfers "
            f"tonen we geen aantallen onder {threshold} (0 wel) en geen percentage, aandeel, cijfer per 1.000 "
            f"inwoners of oppervlakte waarvan de teller onder {threshold} ligt. – = onbekend.")


def _suppressed(value) -> bool:
    return isinstance(value, str) and value == SUPPRESSED


def _missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) \
        or value != value


def format_number(value, decimals: int = 0) -> str:
    """``1234.5`` → ``"1.234,5"`` (with ``decimals=1``); missing → ``"–"``; `SUPPRESSED` as it is."""
    if _missing(value) or _suppressed(value):
        return MISSING if _missing(value) else SUPPRESSED
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(float(value), format=pattern, locale=LOCALE)


def format_pct(fraction, decimals: int = 1) -> str:
    """A fraction as a Dutch percentage: ``0.0834`` → ``"8,3 %"``."""
    if _missing(fraction) or _suppressed(fraction):
        return MISSING if _missing(fraction) else SUPPRESSED
    return f"{format_number(float(fraction) * 100, decimals)} %"


def format_pp(difference, decimals: int = 1) -> str:
    """A difference of fractions in percentage points with its sign: ``0.018`` → ``"+1,8 pp"``."""
    if _missing(difference) or _suppressed(difference):
        return MISSING if _missing(difference) else SUPPRESSED
    points = round(float(difference) * 100, decimals)
    # An ASCII minus: st.metric colours a delta by its leading "-".
    sign = "+" if points > 0 else "-" if points < 0 else "±"
    return f"{sign}{format_number(abs(points), decimals)} pp"


def format_area(m2) -> str:
    """``1234`` → ``"1.234 m²"``."""
    return MISSING if _missing(m2) else SUPPRESSED if _suppressed(m2) else f"{format_number(m2)} m²"


def format_address(street, number, *, missing: str = "adres onbekend") -> str:
    """Street and house number as one line, whichever is known: ``Markt 12``; ``missing`` when neither.

    >>> format_address("Markt", 12.0), format_address("Markt", None), format_address(None, pd.NA)
    ('Markt 12', 'Markt', 'adres onbekend')
    """
    parts = [str(int(part)) if isinstance(part, float) and part == int(part) else str(part)
             for part in (street, number) if not _missing(part)]
    return " ".join(parts) or missing


def format_date(day) -> str:
    """``date(2018, 12, 31)`` → ``"31/12/2018"``."""
    if _missing(day):
        return MISSING
    day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    return day.strftime(DATE_FORMAT)


#: Dutch month names, January first.
MONTH_NAMES = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december")


def format_since(day, precision: str | None = None) -> str:
    """A date as precisely as it is known (``precision`` "day", "month" or "year"; None: a day):
    "01/03/2020", "maart 2020", "2018"; `MISSING` when unknown.

    >>> format_since(date(2020, 3, 1), "month"), format_since(date(2018, 1, 1), "year"), format_since(None)
    ('maart 2020', '2018', '–')
    """
    if _missing(day):
        return MISSING
    day = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
    if precision == "year":
        return f"{day.year}"
    if precision == "month":
        return f"{MONTH_NAMES[day.month - 1]} {day.year}"
    return day.strftime(DATE_FORMAT)


#: Dutch wording of the vacancy bands with their thresholds (the codes are Dutch already):
#: ``gezond (≤ 8 %)``, ``verhoogd (8–12 %)``, ``kritiek (> 12 %)``.
BAND_LABELS = {
    "gezond": f"gezond (≤ {format_pct(HEALTHY_MAX, 0)})",
    "verhoogd": f"verhoogd ({format_number(HEALTHY_MAX * 100)}–{format_pct(ELEVATED_MAX, 0)})",
    "kritiek": f"kritiek (> {format_pct(ELEVATED_MAX, 0)})",
}
