"""Interpreting cells as Belgian users write them: decimal commas, Dutch dates, ja/nee, statuses.

Every parser takes a Series of raw cells (text from CSV, or what Excel stored) and returns the
parsed Series with the same index plus a mask of cells that held something unreadable. Empty
cells are missing, never wrong.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Excel counts days from 30 December 1899 (with its 1900 leap-year bug, this matches from March 1900).
EXCEL_EPOCH = pd.Timestamp("1899-12-30")
#: Numbers read as Excel serial dates: 1 January 1900 up to the year 2173.
_EXCEL_SERIALS = (1, 100_000)
#: The days pandas holds in nanoseconds, as the units' date columns do: 22/09/1677 up to 11/04/2262.
_FIRST_DAY, _LAST_DAY = pd.Timestamp.min.ceil("D"), pd.Timestamp.max.floor("D")
#: Whole numbers beyond 2**53 are not exact as floats and fit no count column (int64 ends near 2**63).
_LARGEST_COUNT = 2**53

_NUMBER = re.compile(r"^[+-]?\d[\d.,\s']*$")
_CURRENCY = re.compile(r"€|\beur(?:o)?\b", re.IGNORECASE)
#: A plain decimal coordinate, read in one go by Arrow: ASCII digits, a point or comma, ASCII spaces
#: around it. Anything else (a plus sign, Unicode digits or spaces, a number Excel stored) is read
#: cell by cell, as before.
_PLAIN_COORDINATE = r"^[ \t\r\n\f\v]*-?[0-9]+(?:[.,][0-9]+)?[ \t\r\n\f\v]*$"
_DATE_FORMS = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"), "dmy"),
    (re.compile(r"^(\d{4})[/.-](\d{1,2})[/.-](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
                r"(?:\s*(?:Z|[+-]\d{2}(?::?\d{2})?))?$"), "ymd"),
    (re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})[ T]\d{1,2}:\d{2}(?::\d{2})?$"), "dmy"),
)
TRUE_WORDS = frozenset({"ja", "j", "yes", "y", "1", "true", "waar", "x", "oui", "keten", "filiaal"})
FALSE_WORDS = frozenset({"nee", "neen", "n", "no", "0", "false", "onwaar", "non", "zelfstandig"})
#: The words registers and surveys write for a unit's state (README, "Importing files"). Vacant is
#: every premises without a business in it: to let, for sale, being renovated, closed.
STATUS_WORDS = {
    "occupied": ("occupied", "bezet", "actief", "in gebruik", "open", "ingebruik", "nee", "occupe", "occupé",
                 "en activite", "en activité", "in uitbating", "uitgebaat"),
    "vacant": ("vacant", "leeg", "leegstand", "leegstaand", "leegstaande", "ja", "00-leegstand", "00", "te huur",
               "te koop", "te huur of te koop", "te huur/te koop", "in verbouwing", "gesloten", "vide", "libre",
               "à louer", "a louer", "à vendre", "a vendre", "inoccupé", "inoccupe", "niet in gebruik",
               "buiten gebruik", "ongebruikt", "leeg pand", "leegstaand pand"),
}
_STATUS_LOOKUP = {word: status for status, words in STATUS_WORDS.items() for word in words}


def parse_number(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers written the Belgian or the English way.

    A comma is the decimal mark unless a point follows it; a point followed by exactly three
    digits is a thousands separator (``1.250`` is 1250); spaces and apostrophes group digits.

    >>> values, bad = parse_number(pd.Series(["1.250,5", "1250.5", "85", "1.250", "12,5", "veel", None, 3.5]))
    >>> values.tolist()[:6], bad.tolist()
    ([1250.5, 1250.5, 85.0, 1250.0, 12.5, nan], [False, False, False, False, False, True, False, False])
    """
    values, bad = _parse(series, _number)
    return values.astype("float64"), bad


def parse_coordinate(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Coordinates: a single point is always the decimal mark (``50.827`` is not 50827).

    >>> parse_coordinate(pd.Series(["50.827", "50,827", "72500.125", "3.265"]))[0].tolist()
    [50.827, 50.827, 72500.125, 3.265]
    """
    def coordinate(cell) -> float:
        if isinstance(cell, str) and re.fullmatch(r"\s*[+-]?\d+\.\d+\s*", cell):
            return float(cell)
        return _number(cell)

    # Most coordinates are plain decimals, all different: Arrow reads those at once (a hundred
    # thousand in milliseconds), the rest go cell by cell.
    text = pa.array(text_only(series).astype(object), type=pa.string(), from_pandas=True)
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_COORDINATE), False).to_numpy(zero_copy_only=False)
    decimals = pc.replace_substring(pc.utf8_trim(text.filter(plain), " \t\r\n\f\v"), ",", ".")
    values = pd.Series(np.nan, index=series.index, dtype="float64")
    values[plain] = pc.cast(decimals, pa.float64()).to_numpy()
    rest, bad = _parse(series[~plain], coordinate)
    values[~plain] = rest.astype("float64")
    return values, bad.reindex(series.index, fill_value=False)


def _number(cell) -> float:
    if isinstance(cell, bool):
        raise ValueError
    if isinstance(cell, int | float | np.integer | np.floating):
        return float(cell)
    # An amount may carry its currency: "€ 2.500,00", "2500 EUR".
    text = _CURRENCY.sub("", str(cell)).strip().replace("\u00a0", "").replace(" ", "").replace("'", "")
    if not _NUMBER.match(text):
        raise ValueError
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif "," in text:
        text = text.replace(",", "") if text.count(",") > 1 else text.replace(",", ".")
    elif text.count(".") > 1 or re.search(r"\.\d{3}$", text):
        text = text.replace(".", "")
    return float(text)


def parse_integer(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers ≥ 0 (``1.250`` is 1250); fractions, negatives and numbers too large to be a
    count are unreadable here.

    >>> values, bad = parse_integer(pd.Series(["1.250", "2,5", "-3", "99999999999999999999"]))
    >>> values.tolist(), bad.tolist()
    ([1250, <NA>, <NA>, <NA>], [False, True, True, True])
    """
    values, bad = parse_number(series)
    wrong = values.notna() & ((values % 1 != 0) | (values < 0) | (values > _LARGEST_COUNT))
    return values.where(~wrong).astype("Int64"), bad | wrong


def parse_date(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as Belgian files hold them: 31/12/2018, 31-12-2018, 2018-12-31, 2014/10/23 00:00:00+00,
    a year alone (1 January), an Excel serial, or a date Excel stored. Impossible dates are bad.

    >>> values, bad = parse_date(pd.Series(["31/12/2018", "2018", "43466", "2014/10/23 00:00:00+00", "31/02/2019"]))
    >>> [d.date().isoformat() if not pd.isna(d) else None for d in values], bad.tolist()
    (['2018-12-31', '2018-01-01', '2019-01-01', '2014-10-23', None], [False, False, False, False, True])
    """
    values, bad = _parse(series, _date)
    return pd.to_datetime(values), bad


def _date(cell) -> pd.Timestamp:
    if isinstance(cell, datetime | date):  # pd.Timestamp is a datetime too
        return _held(cell)
    if isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
        return _serial_or_year(float(cell))
    text = str(cell).strip()
    for pattern, form in _DATE_FORMS:
        match = pattern.match(text)
        if not match:
            continue
        if form == "year":
            return _held(date(int(match[1]), 1, 1))  # ValueError for the year 0
        day, month, year = (match[1], match[2], match[3]) if form == "dmy" else (match[3], match[2], match[1])
        return _held(date(int(year), int(month), int(day)))  # ValueError for 31/02
    if re.fullmatch(r"\d+(?:[.,]0+)?", text):
        return _serial_or_year(float(text.replace(",", ".")))
    raise ValueError


def _held(moment: date) -> pd.Timestamp:
    """A real day as one pandas holds: a day before 1677 or after 2262 becomes the nearest it holds,
    which the rules then report as before 1900 or in the future (what it is), not as unreadable.

    >>> _held(date(1, 1, 1)), _held(datetime(2018, 12, 31, 15, 30))
    (Timestamp('1677-09-22 00:00:00'), Timestamp('2018-12-31 00:00:00'))
    """
    day = pd.Timestamp(moment)
    day = (day.tz_localize(None) if day.tzinfo else day).normalize()
    return min(max(day, _FIRST_DAY), _LAST_DAY)


def _serial_or_year(number: float) -> pd.Timestamp:
    if number != int(number):
        raise ValueError
    if 1900 <= number <= 2100:
        return pd.Timestamp(int(number), 1, 1)
    if _EXCEL_SERIALS[0] <= number < _EXCEL_SERIALS[1]:
        return EXCEL_EPOCH + pd.Timedelta(days=int(number))
    raise ValueError


def parse_edition(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A campaign edition: a year, or a round over two years written as its first (``2019-2020``,
    ``2019–20`` and ``2019/20`` are 2019).

    >>> parse_edition(pd.Series(["2019-2020", "2019–20", "2021/22", 2022.0, "twintig"]))[0].tolist()
    [2019, 2019, 2021, 2022, <NA>]
    """
    first = text_only(series).str.extract(r"^\s*(\d{4})\s*[-–/]\s*\d{2,4}\s*$")[0]
    values, bad = parse_integer(first.where(first.notna(), series))
    return values, bad


def parse_bool(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ja/nee, yes/no, 1/0, true/false, waar/onwaar, x (ticked).

    >>> values, bad = parse_bool(pd.Series(["Ja", "nee", "1", "misschien", None]))
    >>> values.tolist(), bad.tolist()
    ([True, False, True, None, None], [False, False, False, True, False])
    """
    return _parse(series, _bool)


def _bool(cell) -> bool:
    if isinstance(cell, bool | np.bool_):
        return bool(cell)
    word = _word(cell)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError


def parse_status(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``occupied`` or ``vacant`` from the words users write (bezet, leeg, leegstand, …).

    >>> values, bad = parse_status(pd.Series(["Leegstaand", "in gebruik", "BEZET", "Te huur", "à louer", "misschien"]))
    >>> values.tolist(), bad.tolist()
    (['vacant', 'occupied', 'occupied', 'vacant', 'vacant', None], [False, False, False, False, False, True])
    """
    return _parse(series, lambda cell: _STATUS_LOOKUP[_word(cell)])


def parse_code(series: pd.Series, digits: int) -> tuple[pd.Series, pd.Series]:
    """A numeric code kept as text with its leading zeros (Excel may have stored 8500.0).

    A postcode may carry the country (``B-8500``, ``B8500``), a NIS code a thousands point (``34.022``).

    >>> values, bad = parse_code(pd.Series(["8500", 8400.0, "B-8500", "B8500", "85"]), 4)
    >>> values.tolist(), bad.tolist()
    (['8500', '8400', '8500', '8500', None], [False, False, False, False, True])
    >>> parse_code(pd.Series(["34.022", "34022"]), 5)[0].tolist()
    ['34022', '34022']
    """
    def code(cell) -> str:
        if isinstance(cell, int | float | np.integer | np.floating) and not isinstance(cell, bool):
            if cell != int(cell):
                raise ValueError
            cell = str(int(cell))
        text = str(cell).strip()
        if digits == 4:
            text = re.sub(r"^[Bb]\s*-?\s*(?=\d{4}$)", "", text)  # B-8500: the country
        else:
            text = re.sub(r"^(\d{2})\.(\d{3})$", r"\1\2", text)  # 34.022: a thousands point
        if not re.fullmatch(rf"\d{{{digits}}}", text):
            raise ValueError
        return text

    return _parse(series, code)


def parse_kbo(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """An enterprise number (KBO/BCE) as 10 digits: ``BE 0123.456.789`` → ``0123456789``.

    >>> parse_kbo(pd.Series(["BE 0123.456.789", "123456789", "12"]))[0].tolist()
    ['0123456789', '0123456789', None]
    """
    def kbo(cell) -> str:
        digits = re.sub(r"\D", "", str(int(cell)) if isinstance(cell, float) else str(cell))
        if len(digits) == 9:
            digits = "0" + digits
        if len(digits) != 10:
            raise ValueError
        return digits

    return _parse(series, kbo)


def kbo_checks(number: str) -> bool:
    """Whether an enterprise number's last two digits are 97 − (its first eight mod 97).

    >>> kbo_checks("0123456749"), kbo_checks("0123456789")
    (True, False)
    """
    return 97 - int(number[:8]) % 97 == int(number[8:])


def parse_text(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Free text, trimmed; numbers Excel stored print without a trailing ``.0``.

    >>> parse_text(pd.Series([" Markt ", "Grote\\nMarkt  1", "  ", 12.0, None]))[0].tolist()
    ['Markt', 'Grote Markt 1', None, '12', None]
    """
    def text(cell) -> str:
        if isinstance(cell, float) and cell == int(cell):
            return str(int(cell))
        if isinstance(cell, datetime | date):
            return cell.strftime("%d/%m/%Y")
        return _trimmed(str(cell))

    def texts(cells: list[str]) -> tuple[list[str | None], list[bool]]:
        # Names and ids are mostly all different: one pass without `_parse_one` per cell.
        return [_trimmed(cell) or None for cell in cells], [False] * len(cells)

    return _parse(series, text, texts)


def _trimmed(text: str) -> str:
    """Text without spaces around it; a line break inside becomes one space."""
    return " ".join(text.split()) if "\n" in text else text.strip()


def _word(cell) -> str:
    if isinstance(cell, float) and cell == int(cell):
        cell = int(cell)
    return " ".join(str(cell).strip().lower().replace("_", " ").split())


def text_only(series: pd.Series) -> pd.Series:
    """The text cells of a column, other cells missing: ``.str`` works on it whatever the file held
    (an Excel column of numbers has no text at all)."""
    if pd.api.types.is_string_dtype(series.dtype) and series.dtype != object:
        return series
    if pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty"):  # a CSV column: text or nothing
        return series
    return series.astype(object).where(series.map(lambda cell: isinstance(cell, str)))


def text_lengths(series: pd.Series) -> np.ndarray:
    """How many characters each text cell holds (0 for other and missing cells).

    >>> text_lengths(pd.Series(["Markt", None, 12.5, "é"], dtype=object)).tolist()
    [5, 0, 0, 1]
    """
    text = pa.array(text_only(series).to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return pc.fill_null(pc.utf8_length(text), 0).to_numpy().astype(np.int64)


def map_distinct(series: pd.Series, function) -> pd.Series:
    """``series.map(function)`` (the same values and dtype), with ``function`` called once per
    distinct value: files repeat towns, postcodes and categories a hundred thousand times.

    >>> map_distinct(pd.Series(["a", None, "a", "b"], dtype=object), lambda v: v is not None and v.upper()).tolist()
    ['A', False, 'A', 'B']
    """
    codes, _ = pd.factorize(series, use_na_sentinel=True)
    kinds, first = np.unique(codes, return_index=True)  # -1 (missing) sorts first
    return series.iloc[first].map(function).iloc[np.searchsorted(kinds, codes)].set_axis(series.index)


def _parse(series: pd.Series, parse_one, parse_texts=None) -> tuple[pd.Series, pd.Series]:
    """``parse_one`` on each distinct cell, or ``parse_texts`` on all distinct cells at once when
    they are all text (it returns the values and which were unreadable)."""
    # Files repeat values (dates, statuses, towns): each distinct cell is parsed once.
    codes, distinct = pd.factorize(series.astype(object), use_na_sentinel=True)
    if parse_texts is not None and pd.api.types.infer_dtype(distinct, skipna=False) == "string":
        parsed = list(zip(*parse_texts(list(distinct)), strict=True))
    else:
        parsed = [_parse_one(cell, parse_one) for cell in distinct]
    values = np.empty(len(parsed) + 1, dtype=object)  # the last slot: missing cells (code -1)
    values[:-1] = [value for value, _ in parsed]
    bad = np.array([wrong for _, wrong in parsed] + [False], dtype=bool)
    return pd.Series(values[codes], index=series.index, dtype=object), pd.Series(bad[codes], index=series.index)


def _parse_one(cell, parse_one) -> tuple[object, bool]:
    if cell is None or (isinstance(cell, float) and np.isnan(cell)) or (isinstance(cell, str) and not cell.strip()):
        return None, False
    try:
        return parse_one(cell), False
    except (ValueError, KeyError, TypeError, OverflowError):
        return None, True
