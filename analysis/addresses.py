"""Addresses one way: the key two inventories, or a register and an inventory, match premises on.

Belgian files write one address many ways ("Sint-Jansstraat 1A", "St.-Jansstraat 1 a"); the
keys here make them equal. Ids the importer derives for units without one are built from these
keys (``<NIS>|<street>|<number>``, ``<NIS>|naam|<name>``, ``<NIS>|rij|<row>``), so
`is_derived` can tell whether a unit is followed by its address.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd


@lru_cache(maxsize=200_000)
def text_key(text) -> str:
    """Lower case without accents, punctuation or double spaces.

    >>> text_key("Café  't Hoekje.")
    'cafe t hoekje'
    """
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^\w]+", " ", plain).split())


_OLV_TAIL = re.compile(r"\bolv(?:rouw)? ?")
#: Street words Belgian files abbreviate, as their normalised key writes them.
_STREET_WORDS = [(re.compile(r"\b(?:sint|st)\b"), "sint"), (re.compile(r"\b(?:sinte|ste)\b"), "sinte"),
                 (re.compile(r"\b(?:onze lieve vrouw|o l v|olv)(?=\w| |$)"), "olv")]


@lru_cache(maxsize=200_000)
def street_key(street) -> str:
    """A street as Belgian files write it, one way: case, accents, punctuation and the usual
    abbreviations (Sint/St., Onze-Lieve-Vrouw/O.-L.-V./OLV) do not matter.

    >>> {street_key(s) for s in ["Sint-Jansstraat", "St.-Jansstraat", "st jansstraat ", "ST. JANSSTRAAT"]}
    {'sint jansstraat'}
    >>> {street_key(s) for s in ["Onze-Lieve-Vrouwestraat", "O.-L.-Vrouwestraat", "OLVrouwestraat"]}
    {'olvestraat'}
    >>> {street_key(s) for s in ["Onze-Lieve-Vrouwplein", "O.L.V.-plein", "OLV plein"]}, street_key("Markt")
    ({'olvplein'}, 'markt')
    """
    key = text_key(street)
    for pattern, word in _STREET_WORDS:
        key = pattern.sub(word, key)
    return _OLV_TAIL.sub("olv", key)  # "O.-L.-Vrouwestraat", "OLV-straat": the rest of the word follows


_NUMBER = re.compile(r"^(?:nr|nummer|no)?\s*(\d+)\s*([a-z]{0,2})\s*(?:(?:bus|bte|b)\s*(\w+))?$")


@lru_cache(maxsize=200_000)
def number_key(number) -> str:
    """A house number one way: ``"1 A"``, ``"1A"`` and ``"1a"`` are ``1a``; ``"12 bus 2"``,
    ``"12 b2"`` and ``"12/2"`` are ``12/2``; ``"nr. 5"`` is ``5``.

    >>> [number_key(n) for n in ["1 A", "1A", "nr. 5", "12 bus 2", "12 b2", "12/2", "12", 7.0, "achter"]]
    ['1a', '1a', '5', '12/2', '12/2', '12/2', '12', '7', 'achter']
    """
    text = str(int(number)) if isinstance(number, float) and number == int(number) else str(number)
    plain = text_key(text.replace("/", " bus "))
    found = _NUMBER.match(plain)
    if not found:
        return plain
    base, letter, box = found.groups()
    return f"{base}{letter}" + (f"/{box}" if box else "")


def is_present(value) -> bool:
    """Whether a cell holds a value (not None, NaN or NA)."""
    return value is not None and value is not pd.NA and not (isinstance(value, float) and np.isnan(value))


def address_keys(units: pd.DataFrame) -> pd.Series:
    """Per unit: ``<NIS>|<street>|<number>`` one way (`street_key`, `number_key`), or missing
    without a street.

    >>> units = pd.DataFrame({"nis_code": ["34022", "34022", "34022"], "street": ["St.-Jansstraat", None, "Markt"],
    ...                       "house_number": ["1 A", "3", None]})
    >>> address_keys(units).tolist()
    ['34022|sint jansstraat|1a', None, '34022|markt|']
    """
    keys = [f"{nis}|{street_key(street)}|{number_key(number) if is_present(number) else ''}"
            if is_present(street) and is_present(nis) else None
            for nis, street, number in zip(units["nis_code"], units["street"], units["house_number"], strict=True)]
    return pd.Series(keys, index=units.index, dtype=object)


def is_derived(unit_id) -> bool:
    """Whether the importer made ``unit_id`` from an address or a trade name, so that the unit is
    followed by its address.

    >>> [is_derived(unit) for unit in ["L-81234", "34022|markt|3", "34022|naam|bakker", "34022|rij|ab|7", None]]
    [False, True, True, False, False]
    """
    return is_made_up(unit_id) and unit_id[6:10] != "rij|"


def is_made_up(unit_id) -> bool:
    """Whether the importer made ``unit_id`` (from an address, a trade name or a row), as opposed
    to an id the file gave.

    >>> [is_made_up(unit) for unit in ["L-81234", "34022|markt|3", "34022|rij|ab|7", None]]
    [False, True, True, False]
    """
    return isinstance(unit_id, str) and unit_id[5:6] == "|" and unit_id[:5].isdigit()
