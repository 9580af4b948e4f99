"""Where the table is in a file as people make them: the header row under a title or blank rows,
and the totals, notes and blank rows after the data.

"Known" headers are those of `dashboard.ingest.columns` for any kind of file, matched as headers
are (case, accents and punctuation do not count).
"""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from dashboard.ingest.columns import COLUMNS, normalise_header

#: How many rows from the top may stand above the header (a title, a date, blank lines).
HEADER_SEARCH_ROWS = 20
#: A header must name at least this many known columns to be taken for one below the first row.
_MIN_KNOWN = 2
#: First words of a row after the data that is not a unit: totals and notes.
_AFTER_DATA = re.compile(r"^(?:sub)?tota(?:a)?l\b|^som\b|^gemiddelde|^aantal\b|^bron\b|^opmerking|^noot\b|^nota\b"
                         r"|^toelichting|^\*")


@cache
def known_headers() -> frozenset[str]:
    """Every header any kind of file may bring, normalised (`normalise_header`)."""
    return frozenset(normalise_header(name) for specs in COLUMNS.values() for spec in specs
                     for name in (spec.name, spec.label, *spec.headers))


def known_count(cells) -> int:
    """How many of a row's cells are known headers."""
    known = known_headers()
    return sum(1 for cell in cells if isinstance(cell, str) and normalise_header(cell) in known)


def header_index(rows: list[list]) -> int:
    """The position of the header among the first rows: the first of the top `HEADER_SEARCH_ROWS`
    whose cells name the most known columns (at least two); the first row when none does.

    >>> header_index([["Leegstandsregister Ieper 2024"], [], ["Straat", "Nr", "Status", "Sinds"], ["Markt", "1"]])
    2
    >>> header_index([["a", "b"], ["1", "2"]])
    0
    """
    counts = [known_count(row) for row in rows[:HEADER_SEARCH_ROWS]]
    best = max(counts, default=0)
    return counts.index(best) if best >= _MIN_KNOWN else 0


def rows_after_data(cells: pd.DataFrame) -> list[int]:
    """The row numbers (``cells``' index) at the end of the table that are totals or notes, not
    units: a first cell such as "Totaal", "Som", "Bron: …", "Opmerking", "* …" in a row that fills at
    most half its cells (two in a narrow table), or a row that fills only one cell of a table of three columns or more.
    Only rows after the last data row count.

    >>> cells = pd.DataFrame({"straat": ["Markt", "Totaal", "Bron: stad Ieper"], "nr": ["1", None, None],
    ...                       "status": ["leeg", "1", None]}, index=[2, 3, 4])
    >>> rows_after_data(cells)
    [3, 4]
    """
    left_out = []
    width = cells.shape[1]
    for row_number in reversed(cells.index):
        values = [value for value in cells.loc[row_number] if value is not None and not _blank(value)]
        # A total or a note fills few cells: a shop called "Totaal Interieur" fills its row.
        worded = (bool(values) and bool(_AFTER_DATA.search(normalise_text(values[0])))
                  and len(values) <= max(2, width // 2))
        if values and not worded and not (width >= 3 and len(values) == 1):
            break
        left_out.append(int(row_number))
    return sorted(left_out) if len(left_out) < len(cells) else []


def normalise_text(value) -> str:
    return str(value).strip().lower()


def _blank(value) -> bool:
    return isinstance(value, str) and not value.strip() or (isinstance(value, float) and value != value)
