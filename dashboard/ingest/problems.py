"""What can be wrong with an uploaded file, collected so the user sees every problem at once."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.i18n import format_number

# The severities are the store's (it keeps rejected rows with theirs); ingest speaks of them as its own.
from dashboard.store.schema import ERROR as ERROR
from dashboard.store.schema import WARNING as WARNING

#: Columns of a problem report, in the order the user sees them (Dutch headers in exports).
REPORT_COLUMNS = ["row_number", "column_name", "value", "problem", "severity"]
REPORT_HEADERS = {"row_number": "rij", "column_name": "kolom", "value": "waarde", "problem": "probleem",
                  "severity": "ernst"}
#: Values are cut to this length in reports, so a huge field does not make a huge report.
_VALUE_SHOWN = 80


@dataclass(frozen=True)
class Problem:
    """One problem: the file row as Excel shows it (header = 1; None for the whole file)."""

    row_number: int | None
    column_name: str | None
    value: object
    problem: str
    severity: str = ERROR

    def describe(self) -> str:
        where = f"Rij {self.row_number}" if self.row_number is not None else "Bestand"
        if self.column_name:
            where += f", kolom '{self.column_name}'"
        value = "" if self.value is None else f" (waarde '{shorten(self.value)}')"
        return f"{where}{value}: {self.problem}"


class FileRejected(ValueError):
    """The file cannot be read as a table at all (empty, binary, unknown layout)."""


class ImportRejected(ValueError):
    """The import is refused; ``problems`` says why, row by row."""

    def __init__(self, summary: str, problems: pd.DataFrame | None = None):
        super().__init__(summary)
        self.summary = summary
        self.problems = problems if problems is not None else report([])

    def describe(self, limit: int = 50) -> str:
        errors = self.problems[self.problems["severity"] == ERROR]
        grouped = grouped_lines(errors)
        lines = [self.summary, *grouped[:limit]]
        if len(grouped) > limit:
            lines.append(f"… en nog {len(grouped) - limit} soorten fouten.")
        warnings = len(self.problems) - len(errors)
        if len(errors) > limit or warnings:
            lines.append(f"Het volledige rapport ({len(errors)} fout(en), {warnings} waarschuwing(en)) schrijft "
                         "--report FILE.csv; op de pagina Gegevens: 'Rapport downloaden'.")
        return "\n".join(lines)


def shorten(value: object) -> str:
    text = str(value).replace("\n", " ")
    return text if len(text) <= _VALUE_SHOWN else text[:_VALUE_SHOWN] + f"… ({format_number(len(text))} tekens)"


def report(problems: list[Problem]) -> pd.DataFrame:
    """Problems as a frame sorted by row, whole-file problems first."""
    frame = pd.DataFrame([p.__dict__ for p in problems], columns=REPORT_COLUMNS)
    frame["row_number"] = frame["row_number"].astype("Int64")
    frame["value"] = frame["value"].map(lambda v: None if _missing(v) else shorten(v)).astype(object)
    return frame.sort_values("row_number", na_position="first", kind="stable").reset_index(drop=True)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value) or value is pd.NA or value is pd.NaT


def describe_row(row) -> str:
    def present(value):
        return None if _missing(value) else value

    row_number = present(row.row_number)
    return Problem(None if row_number is None else int(row_number), present(row.column_name), present(row.value),
                   row.problem, row.severity).describe()


def row_ranges(rows: list[int], *, shown: int = 6) -> str:
    """Row numbers as ranges: ``[2, 3, 4, 7]`` → ``"2–4, 7"`` (the first ``shown`` ranges, then …).

    >>> row_ranges([2, 3, 4, 7, 9, 10]), row_ranges(list(range(2, 1047)))
    ('2–4, 7, 9–10', '2–1046')
    """
    ranges, start = [], None
    for at, row in enumerate(rows):
        if start is None:
            start = row
        if at + 1 == len(rows) or rows[at + 1] != row + 1:
            ranges.append(str(start) if start == row else f"{start}–{row}")
            start = None
    return ", ".join(ranges[:shown]) + (", …" if len(ranges) > shown else "")


#: Columns of the grouped report (`grouped`): one row per kind of problem.
GROUPED_COLUMNS = ["rows", "row_count", "column_name", "value", "problem", "severity"]
GROUPED_HEADERS = {"rows": "rijen", "row_count": "aantal", "column_name": "kolom", "value": "waarde",
                   "problem": "probleem", "severity": "ernst"}


def grouped(problems: pd.DataFrame) -> pd.DataFrame:
    """One row per kind of problem (column, message, severity): the rows as ranges (`row_ranges`),
    how many, and the value when every row has the same one. Whole-file problems first, errors
    before warnings; the full list stays in the report.

    >>> report_ = report([Problem(n, "pva_postcode", "2000", "ligt niet in West-Vlaanderen") for n in range(2, 1047)]
    ...                  + [Problem(7, "wvo", "veel", "geen getal", WARNING)])
    >>> grouped(report_)[["rows", "row_count", "value"]].values.tolist()
    [['2–1046', 1045, '2000'], ['7', 1, 'veel']]
    """
    rows = []
    filled = problems.assign(column_name=problems["column_name"].fillna(""),
                             _order=(problems["severity"] != ERROR) + problems["row_number"].notna() * 2)
    for (column, problem, severity), group in filled.groupby(["column_name", "problem", "severity"], sort=False,
                                                              dropna=False):
        numbers = sorted(int(n) for n in group["row_number"].dropna())
        values = group["value"].dropna().unique()
        rows.append({"severity": severity, "rows": row_ranges(numbers) if numbers else None, "row_count": len(group),
                     "column_name": column or None, "value": values[0] if len(values) == 1 else None,
                     "problem": problem, "_order": group["_order"].min()})
    frame = pd.DataFrame(rows, columns=[*GROUPED_COLUMNS, "_order"])
    return frame.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)


def grouped_lines(problems: pd.DataFrame) -> list[str]:
    """`grouped` as sentences: "Rij 2–1046 (1.045 rijen), kolom 'postcode' (waarde '2000'): …"."""
    lines = []
    for row in grouped(problems).itertuples(index=False):
        where = "Bestand" if row.rows is None else f"Rij {row.rows}"
        if row.rows is not None and row.row_count > 1:
            where += f" ({format_number(row.row_count)} rijen)"
        if row.column_name is not None:
            where += f", kolom '{row.column_name}'"
        if row.value is not None:
            where += f" (waarde '{shorten(row.value)}')"
        lines.append(f"{where}: {row.problem}")
    return lines
