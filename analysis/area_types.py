"""Locatus' types of shopping area and how names are compared: what reading a list of areas needs,
without the geometry of placing units in them (`analysis.areas`)."""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from analysis.addresses import street_key

#: Locatus' types of shopping area (as Provincies in Cijfers lists them) and the main type each
#: belongs to.
AREA_TYPES = {
    "Binnenstad": "Centraal",
    "Hoofdwinkelgebied groot": "Centraal",
    "Hoofdwinkelgebied klein": "Centraal",
    "Kernverzorgend centrum groot": "Centraal",
    "Kernverzorgend centrum klein": "Centraal",
    "Binnenstedelijke winkelstraat": "Ondersteunend",
    "Wijkcentrum": "Ondersteunend",
    "Buurtcentrum": "Ondersteunend",
    "Kernondersteunend groot": "Ondersteunend",
    "Kernondersteunend middel": "Ondersteunend",
    "Kernondersteunend klein": "Ondersteunend",
    "Supermarktcentrum": "Ondersteunend",
    "Baanconcentratie": "Ondersteunend",
    "Grootschalige concentratie": "Overig",
    "Shopping center": "Overig",
    "Speciaal winkelgebied": "Overig",
}
#: The type of the units outside every declared area, in the tables per type.
OUTSIDE = "buiten winkelgebied"
#: How a unit was placed in its area (`analysis.areas.assign_areas`).
RULES = ("name", "polygon", "point")


def _type_key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]", "", plain)


_TYPE_KEYS = {_type_key(name): name for name in AREA_TYPES} | {"shoppingcentre": "Shopping center"}


def area_type(text) -> str | None:
    """The Locatus type a cell names, however it is spelt (case, spaces, hyphens, accents); None
    for anything else.

    >>> area_type(" kernverzorgend  centrum-KLEIN "), area_type("Shopping centre"), area_type("Kernwinkelgebied")
    ('Kernverzorgend centrum klein', 'Shopping center', None)
    """
    return _TYPE_KEYS.get(_type_key(text)) if isinstance(text, str) else None


def name_key(name) -> str | None:
    """An area's or a unit's ``shopping_area`` name one way (`analysis.addresses.street_key`);
    None when missing.

    >>> name_key("Centrum St.-Joris"), name_key("centrum sint joris "), name_key(None)
    ('centrum sint joris', 'centrum sint joris', None)
    """
    if name is None or (isinstance(name, float) and np.isnan(name)) or name is pd.NA:
        return None
    return street_key(name) or None
