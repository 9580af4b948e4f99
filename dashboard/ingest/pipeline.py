"""From a user's file to rows the store accepts: read → map headers → parse → resolve → validate.

`prepare` never writes: it returns a `Prepared` with the rows, the header mapping it used and
every problem found, so the page can show a preview and the user can decide.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from dashboard import regions, settings
from dashboard.i18n import format_number
from dashboard.ingest import compact, geojson, header_checks, lenient, places, values
from dashboard.ingest.areas import REQUIRED_AREA_FIELDS, build_areas
from dashboard.ingest.columns import (
    CAMPAIGN_FIGURES,
    KIND_LABELS,
    KINDS,
    PLACE_COLUMNS,
    detect_kind,
    map_headers,
    specs,
)
from dashboard.ingest.problems import ERROR, WARNING, Problem, report
from dashboard.ingest.reading import read_file
from dashboard.ingest.schemas import DUPLICATE_MESSAGES, SCHEMAS, failures
from dashboard.ingest.units import areas_not_units, build_units, no_date
from dashboard.store import schema

#: The fields of a unit that can refuse its row; any other value that is wrong becomes unknown.
REQUIRED_UNIT_FIELDS = frozenset({*PLACE_COLUMNS, "status", "observed_on", "unit_id"})
#: Per kind whose optional values become unknown when wrong: the fields that can refuse a row, and
#: what the warning says still counts.
_REQUIRED_FIELDS = {"units": (REQUIRED_UNIT_FIELDS, "het pand telt mee"),
                    "areas": (REQUIRED_AREA_FIELDS, "het gebied telt mee")}
_PARSE_ADVICE = {
    "number": "geen getal: schrijf bv. 1250 of 1.250,5",
    "integer": "geen geheel getal ≥ 0: schrijf bv. 300",
    "date": "geen bestaande datum: schrijf dd/mm/jjjj (bv. 31/12/2018), jjjj-mm-dd of een jaartal",
    "bool": "schrijf ja of nee",
    "status": "onbekende status: schrijf bezet of leeg (of leegstand, in gebruik, actief)",
    "nis_code": "een NIS-code heeft 5 cijfers (bv. 34022)",
    "postcode": "een postcode heeft 4 cijfers (bv. 8500)",
    "kbo_number": "een ondernemingsnummer heeft 10 cijfers (bv. 0123.456.789)",
    "text": "onleesbare tekst",
}


#: Rows of a file kept to show it as read (`Prepared.preview`).
PREVIEW_ROWS = 20


@dataclass
class Prepared:
    """A file read and checked, not yet stored."""

    kind: str
    file_name: str
    raw: bytes
    description: str
    mapping: dict[str, str | None]
    #: The file's first `PREVIEW_ROWS` rows as read (numbered as in the file), its headers the file's:
    #: all of its cells would be held only to show these (0,2 GB at the row limit).
    preview: pd.DataFrame
    rows_read: int
    rows: pd.DataFrame
    problems: pd.DataFrame
    sha256: str = field(init=False)

    def __post_init__(self):
        self.sha256 = hashlib.sha256(self.raw).hexdigest()

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == ERROR]

    @property
    def file_errors(self) -> pd.DataFrame:
        return self.errors[self.errors["row_number"].isna()]

    @property
    def error_rows(self) -> list[int]:
        return sorted(int(n) for n in self.errors["row_number"].dropna().unique())

    @property
    def valid_rows(self) -> pd.DataFrame:
        """Rows without any error, with the store's columns (a frame of their own)."""
        if not self.file_errors.empty:
            return self.rows.iloc[0:0]
        wrong = self.error_rows
        # Copy on write: without errors the rows themselves, changed by no one but the caller.
        return self.rows.drop(index=wrong) if wrong else self.rows.copy(deep=False)


def prepare(raw: bytes, file_name: str, *, kind: str | None = None, observed_on=None,
            mapping: dict[str, str | None] | None = None, sheet: str | None = None,
            today: pd.Timestamp | None = None, overrides: dict[str, str | None] | None = None,
            status: str | None = None) -> Prepared:
    """Read, map, parse and validate a file without writing anything.

    Parameters
    ----------
    raw : the file's bytes (CSV in UTF-8 or Windows-1252, XLSX, or a GeoJSON FeatureCollection).
    kind : ``units``, ``campaign``, ``votes`` or ``areas``; told from the headers when None.
    observed_on : the inventory date for rows without one (units).
    mapping : header → canonical column (None: unused); found automatically when None.
    overrides : header → canonical column, over the mapping (the command line's ``--map``).
    status : ``vacant`` or ``occupied`` for every unit of a file without a status column.
    sheet : the XLSX worksheet (the first when None).
    today : the latest acceptable date (tests fix it).

    Raises
    ------
    FileRejected
        When the file is not a table at all (empty, binary, only a header, a damaged workbook) or
        breaks a limit of `dashboard.ingest.limits` (size, rows, columns, zip bomb, DTD).
    ValueError
        When ``overrides`` names a header the file does not have, or a column of another kind.
    dashboard.regions.UnknownRegion
        When ``KERNMONITOR_PROVINCE`` names no region: what a file may hold is unknown (the message says
        what to set).
    """
    regions.configured()
    if kind is not None and kind not in KINDS:
        raise ValueError(f"Onbekende soort {kind!r}: kies {', '.join(KINDS)}.")
    read = geojson.read_geojson(raw) if geojson.is_geojson(raw) else read_file(raw, sheet=sheet)
    cells, description, left_out = read.cells, read.description, read.left_out
    del read  # the cells are made compact once parsed: the file's own objects must not stay behind
    headers = list(cells.columns)
    kind = kind or detect_kind(headers)
    mapping = _overridden(_complete(headers, kind, mapping), overrides or {}, kind)
    today = (today or pd.Timestamp.now()).normalize()
    lengths = {header: _long_cells(cells[header], _GEOMETRY_CHARS if mapping[header] == "geometry" else None)
               for header in headers}
    computed = header_checks.computed_table(headers, mapping)
    problems = (computed or header_checks.header_problems(headers, mapping, kind,
                                                         workbook=description.startswith("Excel"))
                + _long_fields(cells, lengths) + _left_out(left_out))
    readable = not computed and any(mapping.values())
    source = {canonical: header for header, canonical in mapping.items() if canonical}
    # No row can be stored without a date: say so before checking every row, which a file at the row
    # limit would do twice (a minute and 1,8 GB each), once more when the date is given.
    undated = readable and kind == "units" and observed_on is None and "observed_on" not in source
    if undated:
        problems.append(areas_not_units(source, headers, status) or no_date())
    if not readable or undated:  # nothing to read, or nothing to store: the other checks would only add noise
        return Prepared(kind=kind, file_name=file_name, raw=raw, description=description, mapping=mapping,
                        **_shown(cells), rows=pd.DataFrame(columns=schema.DATA_COLUMNS[kind]),
                        problems=report(problems))
    parsed, parse_problems = _parse(cells, mapping, kind, lengths)
    cells = compact.shown_only(cells, mapping, kind)  # from here the cells are only shown, as in reports
    problems += parse_problems
    unreadable = {(p.row_number, mapping[p.column_name]) for p in parse_problems}
    nis_code, place_problems = _resolve_places(parsed, source, unreadable)
    problems += place_problems
    builder = {"units": build_units, "campaign": _campaign, "votes": _votes, "areas": build_areas}[kind]
    extra = {"status": status} if kind == "units" else {}
    rows, row_problems = builder(parsed.assign(nis_code=nis_code), source, observed_on=observed_on,
                                 unreadable=unreadable, cells=cells, file_key=hashlib.sha256(raw).hexdigest()[:8],
                                 **extra)
    del parsed, nis_code  # the columns the rows replaced would only take memory
    problems += row_problems
    rows = rows.reindex(columns=schema.DATA_COLUMNS[kind])
    compact.each_value_once(rows)
    problems += _rule_problems(rows, kind, source, problems, today, cells)
    return Prepared(kind=kind, file_name=file_name, raw=raw, description=description, mapping=mapping,
                    **_shown(cells), rows=rows, problems=report(problems))


def _shown(cells: pd.DataFrame) -> dict:
    """What a checked file keeps of its cells: the first rows (a copy: a slice would keep every
    row's arrays) and how many rows it has."""
    return {"preview": cells.head(PREVIEW_ROWS).copy(deep=True), "rows_read": len(cells)}


def _complete(headers: list[str], kind: str, mapping: dict[str, str | None] | None) -> dict[str, str | None]:
    if mapping is None:
        return map_headers(headers, kind)
    known = specs(kind)
    # A column of another kind (a saved mapping made for other files) is left unused.
    return {header: mapping.get(header) if mapping.get(header) in known else None for header in headers}


def _left_out(rows: dict[int, str]) -> list[Problem]:
    """Totals and notes after the data (`dashboard.ingest.layout.rows_after_data`), named."""
    return [Problem(row, None, text, "geen verkooppunt of gegevensrij (een totaal, opmerking of lege rij na de "
                                     "gegevens): niet ingelezen", WARNING) for row, text in rows.items()]


def _overridden(mapping: dict[str, str | None], overrides: dict[str, str | None],
                kind: str) -> dict[str, str | None]:
    """The mapping with the headers of ``overrides`` mapped as they say (a column given to one
    header is taken from any other)."""
    known = specs(kind)
    for header, canonical in overrides.items():
        if header not in mapping:
            raise ValueError(f"--map: de kolom '{header}' staat niet in het bestand; de kolommen zijn: "
                             + ", ".join(mapping) + ".")
        if canonical is not None and canonical not in known:
            raise ValueError(f"--map: '{canonical}' is geen gegeven van {KIND_LABELS[kind]}; kies uit "
                             + ", ".join(known) + ".")
        mapping = {h: (None if c == canonical and h != header else c) for h, c in mapping.items()}
        mapping[header] = canonical
    return mapping


#: A polygon's WKT may hold thousands of points: its cell may be this long.
_GEOMETRY_CHARS = 1_000_000


def _long_cells(column: pd.Series, limit: int | None = None) -> pd.Series:
    """The lengths of a column's cells longer than the limit (`settings.MAX_FIELD_CHARS` unless
    ``limit`` says otherwise), by row number (most columns: none)."""
    lengths = values.text_lengths(column)
    long = np.flatnonzero(lengths > (limit or settings.MAX_FIELD_CHARS))
    return pd.Series(lengths[long], index=column.index[long], dtype="int64")


def _long_fields(cells: pd.DataFrame, lengths: dict[str, pd.Series]) -> list[Problem]:
    """Cells longer than the limit (``lengths``: their characters per column, by row number)."""
    return [Problem(int(row_number), header, cells.at[row_number, header],
                    f"veld van {format_number(length)} tekens; de grens is {format_number(settings.MAX_FIELD_CHARS)}"
                    ": controleer aanhalingstekens en scheidingstekens")
            for header in cells.columns for row_number, length in lengths[header].items()]


def _parse(cells: pd.DataFrame, mapping: dict[str, str | None], kind: str,
           lengths: dict[str, pd.Series]) -> tuple[pd.DataFrame, list[Problem]]:
    """Each mapped column parsed by its type; unreadable cells become problems and missing values
    (a cell over the length limit is reported as such already, see `_long_fields`)."""
    known = specs(kind)
    parsed = pd.DataFrame(index=cells.index)
    problems = []
    for header, canonical in mapping.items():
        if not canonical:
            continue
        spec = known[canonical]
        parser = _parser(spec.name, spec.type)
        result, bad = parser(cells[header])
        advice = _PARSE_ADVICE.get(spec.name) or _PARSE_ADVICE.get(spec.type, _PARSE_ADVICE["text"])
        too_long = bad.index.isin(lengths[header].index)
        optional = kind in _REQUIRED_FIELDS and canonical not in _REQUIRED_FIELDS[kind][0]
        for n in bad.index[bad & ~too_long]:
            cell = cells.at[n, header]
            read = lenient.read(spec.type, cell) if spec.type in ("number", "date") else None
            if read is not None:
                result.at[n] = read[0] if read[0] is not None else None
                problems.append(Problem(int(n), header, cell, (
                    "de waarde is onbekend: het veld blijft leeg" if read[0] is None
                    else f"gelezen als {read[1]}: controleer of dat klopt"), WARNING))
            elif optional:  # an optional value never costs a unit (or an area): it becomes unknown
                problems.append(Problem(int(n), header, cell, f"{advice}; het veld blijft leeg, "
                                                              f"{_REQUIRED_FIELDS[kind][1]}", WARNING))
            else:
                problems.append(Problem(int(n), header, cell, advice))
        parsed[canonical] = result
        if canonical == "vacant_since":  # "maart 2020" stays a month, "2018" a year
            precision = values.map_distinct(cells[header], lenient.precision)
            parsed["vacant_since_precision"] = precision.where(precision != "day", None)
    # The columns the file does not have share one array of None (or NaN): copy on write gives any
    # that is changed later an array of its own.
    empty = {object: np.full(len(cells), None, dtype=object), float: np.full(len(cells), np.nan)}
    for name, spec in known.items():
        if name not in parsed:
            kind_of_column = float if spec.type in ("number", "date") else object
            parsed[name] = pd.Series(empty[kind_of_column], index=cells.index, copy=False)
    return parsed, problems


def _parser(name: str, kind_of_value: str):
    if name == "edition":
        return values.parse_edition
    if name in ("lat", "lon", "x", "y"):
        return values.parse_coordinate
    if name == "nis_code":
        return lambda s: values.parse_code(s, 5)
    if name == "postcode":
        return lambda s: values.parse_code(s, 4)
    if name == "kbo_number":
        return values.parse_kbo
    return {"number": values.parse_number, "integer": values.parse_integer, "date": values.parse_date,
            "bool": values.parse_bool, "status": values.parse_status}.get(kind_of_value, values.parse_text)


def _resolve_places(parsed: pd.DataFrame, source: dict[str, str],
                    unreadable: set[tuple[int, str]]) -> tuple[pd.Series, list[Problem]]:
    codes, _ = places.resolve(parsed["nis_code"], parsed["postcode"], parsed["municipality"])
    region = regions.configured()  # an invalid setting refuses the file, saying what to set
    accepted = "Vlaamse gemeenten" if region.is_flanders else "gemeenten van de provincie"
    problems = []
    given = parsed[list(PLACE_COLUMNS)].notna()
    for row_number in codes.index[codes.isna()]:
        present = [c for c in PLACE_COLUMNS if given.at[row_number, c]]
        if not present:
            if any(c in source for c in PLACE_COLUMNS) and not any((row_number, c) in unreadable
                                                                   for c in PLACE_COLUMNS):
                problems.append(Problem(int(row_number), source.get("municipality") or source.get("postcode")
                                        or source.get("nis_code"), None,
                                        "geen gemeente: vul de NIS-code, de postcode of de gemeente in"))
            continue
        column = present[0]
        value = parsed.at[row_number, column]
        nearest = places.suggested_name(value) if column == "municipality" else None
        problems.append(Problem(int(row_number), source[column], value, (
            f"onbekende gemeente — bedoel je {nearest}?" if nearest else "onbekende gemeente")
            + ": controleer de schrijfwijze, de postcode of de NIS-code"))
    disagreeing = places.disagreements(parsed["nis_code"], parsed["postcode"], parsed["municipality"]).dropna()
    for row_number, message in disagreeing.items():
        column = "municipality" if given.at[row_number, "municipality"] else "postcode"
        problems.append(Problem(int(row_number), source[column], parsed.at[row_number, column],
                                f"{message}: verbeter de NIS-code, de postcode of de gemeente zodat ze overeenkomen"))
        codes[row_number] = None
    elsewhere = values.map_distinct(codes, lambda code: code is not None and not region.accepts(code))
    for row_number, code in codes[elsewhere.astype(bool)].items():
        column = next(c for c in PLACE_COLUMNS if given.at[row_number, c])
        problems.append(Problem(int(row_number), source[column], parsed.at[row_number, column],
                                f"{places.name_of(code)} ligt niet in {region.name}: "
                                f"dit dashboard aanvaardt alleen {accepted}"))
        codes[row_number] = None
    return codes, problems


def _campaign(parsed: pd.DataFrame, source: dict[str, str], **_) -> tuple[pd.DataFrame, list[Problem]]:
    figures = [name for name in CAMPAIGN_FIGURES if name in source]
    problems = []
    if not figures:
        problems.append(Problem(None, None, None, "geen enkele kolom met campagnecijfers (bv. deelnemende_winkels, "
                                                  "tassen, stemmen, ambassadeurs)"))
    else:
        empty = parsed[figures].isna().all(axis=1)
        problems += [Problem(int(n), None, None, "geen enkel cijfer ingevuld in deze rij") for n in empty.index[empty]]
    problems += _missing(parsed, source, ["edition"])
    return parsed, problems


def _votes(parsed: pd.DataFrame, source: dict[str, str], *, cells: pd.DataFrame,
           **_) -> tuple[pd.DataFrame, list[Problem]]:
    wrong = parsed["kbo_number"].map(lambda number: number is not None and not values.kbo_checks(number))
    rows = parsed.assign(winner=parsed["winner"].map(lambda v: bool(v) if v is not None else False),
                         kbo_number=parsed["kbo_number"].where(~wrong.astype(bool), None))
    checks = [Problem(int(n), source["kbo_number"], cells.at[n, source["kbo_number"]],
                      "ondernemingsnummer klopt niet (controlecijfers modulo 97): controleer het in de KBO; de winkel "
                      "telt mee, maar wordt op naam herkend", WARNING) for n in parsed.index[wrong.astype(bool)]]
    return rows, _missing(parsed, source, ["edition", "shop_name", "votes"]) + checks


def _missing(parsed: pd.DataFrame, source: dict[str, str], columns: list[str]) -> list[Problem]:
    """Rows that leave a required cell empty (whole missing columns are file problems)."""
    problems = []
    for column in (c for c in columns if c in source):
        header = source[column]
        # A cell that could not be read is already reported; only truly empty ones here.
        problems += [Problem(int(n), header, None, "verplicht veld is leeg") for n in parsed.index[
            parsed[column].isna()]]
    return problems


def _rule_problems(rows: pd.DataFrame, kind: str, source: dict[str, str], found: list[Problem],
                   today: pd.Timestamp, cells: pd.DataFrame) -> list[Problem]:
    """The schema's rules on every row; a cell already reported is not reported twice.

    Empty required cells are reported where they are found (with advice), so the schema's
    not-null failures are left out here.
    """
    if any(p.row_number is None and p.severity == ERROR for p in found):
        return []
    reported = {(p.row_number, p.column_name) for p in found}
    flagged = {p.row_number for p in found if p.severity == ERROR}
    problems = []
    checked = [name for name in SCHEMAS[kind](today=today).columns if name in rows.columns]
    for case in failures(rows[checked], kind, today=today).itertuples(index=False):
        row_number = int(case.index)
        if case.message == "not_nullable" or (case.message == DUPLICATE_MESSAGES[kind] and row_number in flagged):
            continue  # empty cells are reported where found; rows already wrong are no duplicates
        header = _header_for(case.column, source)
        if (row_number, header) in reported:
            continue
        # The user's own cell where there is one (not the converted or derived value).
        value = cells.at[row_number, header] if header in cells.columns else case.failure_case
        if isinstance(value, pd.Timestamp):
            value = f"{value:%d/%m/%Y}"
        if kind in _REQUIRED_FIELDS and case.column not in _REQUIRED_FIELDS[kind][0] and case.column in rows.columns:
            # A wrong optional value (a negative area, a place abroad) becomes unknown; the unit counts.
            for column in ("lat", "lon") if case.column in ("lat", "lon") else (case.column,):
                rows.loc[row_number, column] = None
            problems.append(Problem(row_number, header, value, f"{case.message}; het veld blijft leeg, "
                                                               f"{_REQUIRED_FIELDS[kind][1]}", WARNING))
            continue
        problems.append(Problem(row_number, header, value, case.message))
    return problems


#: Where a derived column's value came from, for reports in the file's own headers.
_DERIVED_FROM = {"lat": ("y",), "lon": ("x",), "nis_code": ("postcode", "municipality"),
                 "unit_id": ("street", "address", "name"), "street": ("address",), "house_number": ("address",),
                 "area_id": ("name",)}


def _header_for(column: str, source: dict[str, str]) -> str:
    for name in (column, *_DERIVED_FROM.get(column, ())):
        if name in source:
            return source[name]
    return column
