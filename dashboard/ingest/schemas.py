"""The rules a parsed file must meet, as pandera schemas, each check carrying its Dutch advice.

Values that could not be read at all (``31/02/2019``, ``veel``) are reported by the parsers;
these schemas check what was read: ranges, vocabularies, codes and uniqueness. The message of
every check is what the user sees next to the row number.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa

from dashboard import regions, settings
from dashboard.i18n import format_number
from dashboard.ingest import compact
from dashboard.ingest.columns import CAMPAIGN_FIGURES
from dashboard.store.schema import UNIT_STATUSES

_NIS = pa.Check.str_matches(r"^\d{5}$", error="een NIS-code heeft 5 cijfers")
_FIRST_DAY = pd.Timestamp("1900-01-01")


def _dates(today: pd.Timestamp) -> list[pa.Check]:
    return [
        pa.Check.ge(_FIRST_DAY, error="datum vóór 1900: controleer het jaartal"),
        pa.Check.le(today, error=f"datum in de toekomst (na {today:%d/%m/%Y}): controleer de datum"),
    ]


def _count(error: str = "moet een geheel getal ≥ 0 zijn") -> pa.Column:
    return pa.Column("Int64", pa.Check.ge(0, error=error), nullable=True, required=False)


def _edition(today: pd.Timestamp) -> pa.Column:
    return pa.Column("Int64", pa.Check.in_range(2000, today.year + 1,
                                                error=f"een editie is een jaar tussen 2000 en {today.year + 1}"))


def units_schema(*, today: pd.Timestamp) -> pa.DataFrameSchema:
    """Rules for parsed units (see DESIGN.md, "Units"); coordinates within the bounds of the region imports
    accept (`dashboard.regions.REGION_BOUNDS`)."""
    region = regions.configured()
    west, south, east, north = region.bounds
    where = (f"ligt buiten {region.name} (+5 km): controleer de coördinaten (lat/lon in graden, "
             "x/y in Lambert 72)")
    return pa.DataFrameSchema(
        {
            "unit_id": pa.Column(str, pa.Check.str_length(1, settings.MAX_FIELD_CHARS), nullable=False),
            "nis_code": pa.Column(str, _NIS),
            "status": pa.Column(str, pa.Check.isin(UNIT_STATUSES, error="status moet bezet of leeg zijn")),
            "floor_area_m2": pa.Column(float, pa.Check.in_range(
                0, settings.MAX_FLOOR_AREA_M2,
                error=f"oppervlakte moet tussen 0 en {format_number(settings.MAX_FLOOR_AREA_M2)} m² liggen"),
                nullable=True),
            "observed_on": pa.Column("datetime64[ns]", _dates(today)),
            "vacant_since": pa.Column("datetime64[ns]", _dates(today), nullable=True),
            "lat": pa.Column(float, pa.Check.in_range(south, north, error=where), nullable=True),
            "lon": pa.Column(float, pa.Check.in_range(west, east, error=where), nullable=True),
        },
        unique=["nis_code", "unit_id", "observed_on"],
        report_duplicates="exclude_first",
        coerce=False,
    )


def campaign_schema(*, today: pd.Timestamp) -> pa.DataFrameSchema:
    figures = {name: _count() for name in CAMPAIGN_FIGURES if name != "budget_eur"}
    return pa.DataFrameSchema(
        {
            "nis_code": pa.Column(str, _NIS),
            "edition": _edition(today),
            **figures,
            "budget_eur": pa.Column(float, pa.Check.ge(0, error="een budget kan niet negatief zijn"),
                                    nullable=True, required=False),
        },
        unique=["nis_code", "edition"],
        report_duplicates="exclude_first",
    )


def votes_schema(*, today: pd.Timestamp) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "nis_code": pa.Column(str, _NIS),
            "edition": _edition(today),
            "shop_name": pa.Column(str, pa.Check.str_length(1, settings.MAX_FIELD_CHARS)),
            "votes": _count("stemmen zijn een geheel getal ≥ 0"),
        },
        unique=["nis_code", "edition", "shop_name"],
        report_duplicates="exclude_first",
    )


def areas_schema(*, today: pd.Timestamp) -> pa.DataFrameSchema:
    """Rules for parsed shopping areas (`dashboard.ingest.areas` checks types and places)."""
    return pa.DataFrameSchema(
        {
            "area_id": pa.Column(str, pa.Check.str_length(1, settings.MAX_FIELD_CHARS)),
            "nis_code": pa.Column(str, _NIS),
            "area_ha": pa.Column(float, pa.Check.gt(0, error="een oppervlakte in hectare is groter dan 0"),
                                 nullable=True),
        },
        unique=["nis_code", "area_id"],
        report_duplicates="exclude_first",
    )


SCHEMAS = {"units": units_schema, "campaign": campaign_schema, "votes": votes_schema, "areas": areas_schema}
#: What a uniqueness failure means, per kind.
DUPLICATE_MESSAGES = {
    "units": "dezelfde pand-id en peildatum staan al in een eerdere rij: verwijder de dubbele rij",
    "campaign": "deze gemeente en editie staan al in een eerdere rij: voeg de cijfers samen in één rij",
    "votes": "deze winkel staat voor die gemeente en editie al in een eerdere rij",
    "areas": "dit winkelgebied (dezelfde id en gemeente) staat al in een eerdere rij: verwijder de dubbele rij, of "
             "geef elk gebied een eigen id",
}


#: The columns of `failures`.
_FAILURE_COLUMNS = ["index", "column", "failure_case", "message"]
#: Rows checked at a time against the rules of one row: pandera's temporaries (a copy of the
#: text columns, a mask per check) then grow with this, not with the file.
SLICE_ROWS = 250_000


def failures(frame: pd.DataFrame, kind: str, *, today: pd.Timestamp) -> pd.DataFrame:
    """Every rule a frame breaks: ``index`` (row number), ``column``, ``failure_case``, ``message``.

    Uniqueness is checked once over the key columns (`_repeats`), the other rules a slice of rows
    at a time; the failures come as pandera gives them (uniqueness first).
    """
    schema = SCHEMAS[kind](today=today)
    keys, schema.unique = schema.unique, None
    found = [_repeats(frame, keys, DUPLICATE_MESSAGES[kind])] if keys else []
    found += [_cases(schema, _text_typed(frame.iloc[start:start + SLICE_ROWS], schema))
              for start in range(0, len(frame), SLICE_ROWS)]
    found = [cases for cases in found if not cases.empty]
    if not found:
        return pd.DataFrame(columns=_FAILURE_COLUMNS)
    return pd.concat(found, ignore_index=True)


def _cases(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> pd.DataFrame:
    """The failures of ``frame`` against the rules of one row in ``schema`` (empty: none)."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        cases = cases[cases["index"].notna()].rename(columns={"check": "message"})
        return cases[_FAILURE_COLUMNS]
    return pd.DataFrame(columns=_FAILURE_COLUMNS)


def _repeats(frame: pd.DataFrame, keys: list[str], message: str) -> pd.DataFrame:
    """The rows whose values in ``keys`` an earlier row has (missing values equal each other), as
    pandera reports them (``report_duplicates="exclude_first"``): the first key with a value.

    `dashboard.ingest.compact.repeats` finds them by a hash of each row's keys; pandera's hash
    tables held every row of every key column (0,2 GB at the row limit).
    """
    cases = []
    for at in compact.repeats(*(frame[key] for key in keys))[0]:
        given = [(key, frame[key].iloc[at]) for key in keys if not pd.isna(frame[key].iloc[at])]
        if given:
            key, value = given[0]
            cases.append((frame.index[at], key, value.item() if isinstance(value, np.generic) else value, message))
    return pd.DataFrame(cases, columns=_FAILURE_COLUMNS)


def _text_typed(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """The frame with its text columns in pandas' text dtype where they hold only text.

    pandera checks the type of a text column of Python objects cell by cell (a third of a second
    for 100,000 rows); a column of the text dtype it checks once. A column that holds anything
    else stays as it is, so pandera still reports that.
    """
    text = {name: column.dtype.type for name, column in schema.columns.items()
            if isinstance(column.dtype.type, pd.StringDtype) and name in frame.columns and frame[name].dtype == object
            and pd.api.types.infer_dtype(frame[name], skipna=True) in ("string", "empty")}
    return frame.astype(text) if text else frame
