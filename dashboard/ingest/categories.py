"""Categories as files write them: a Locatus group (code, label or name) or a NACE-BEL code."""

from __future__ import annotations

import re
from functools import cache

import pandas as pd

from dashboard import reference
from dashboard.ingest.columns import normalise_header
from dashboard.ingest.values import map_distinct

UNKNOWN = "Onbekend"
VACANT_GROUP = "00"
#: Other names files use for a group: Locatus renamed 59-Leisure to 59-Horeca in 2023.
ALIASES = {"59-Horeca": "59", "Horeca": "59", "Detailhandel overig": "38", "In en om huis": "37",
           "Geldautomaat": "80", "Transport en brandstoffen": "45", "Leegstaand": "00"}


@cache
def _lookup() -> dict[str, str]:
    groups = reference.locatus_groups()
    lookup: dict[str, str] = {}
    for row in groups.itertuples():
        for key in (row.group_code, row.label, row.name_nl, str(int(row.group_code))):
            lookup[normalise_header(key)] = row.group_code
    lookup.update({normalise_header(alias): code for alias, code in ALIASES.items()})
    return lookup


@cache
def _nace() -> dict[str, str]:
    table = reference.nace_to_group()
    return dict(zip(table["nace_code"].str.replace(".", "", regex=False), table["group_code"], strict=True))


def group_code(category: str) -> str | None:
    """The Locatus group of a category text, or None when it is not recognised.

    >>> [group_code(c) for c in ["00-Leegstand", "22", "Mode & Luxe", "59-Horeca", "47.11", "4771", "47.710", "X"]]
    ['00', '22', '22', '59', '11', '22', '22', None]
    """
    text = str(category).strip()
    found = _lookup().get(normalise_header(text))
    if found:
        return found
    digits = re.fullmatch(r"(\d{2})\.?(\d{2})(?:\.?\d{1,2})?", text)
    if digits:
        return _nace().get(digits[1] + digits[2])
    return None


def categorise(category: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """``category`` as stored, ``group_code``, and a mask of unknown categories (which become
    "Onbekend": a warning, not an error)."""
    present = category.notna()
    codes = map_distinct(category, lambda text: None if text is None else group_code(text))
    unknown = present & codes.isna()
    return category.where(~unknown, UNKNOWN), codes, unknown
