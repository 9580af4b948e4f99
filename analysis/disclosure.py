"""Small numbers: which values of a table a public deployment leaves out, as Provincies in Cijfers does.

Provincies in Cijfers' rule (its manual for editors, provinciesincijfers/JiveDocumentation,
"03. Onderwerpentabel/threshold.md", "Gebruik van de functie threshold"): the threshold is the lowest
value that may be shown, 0 excepted (0 is always shown); most variables use 5; a ratio takes the
threshold of its numerator ("Bij breuken hanteer je een Drempelonderwerp, waarbij we de drempel van
de teller instellen"). A suppressed value is unknown to the reader, not missing: "unknown" (no
value) stays what it was and is never suppressed.

Each value names the count it rests on as an expression of the table's columns: a count rests on
itself (``units_vacant``), a rate on its numerator (``units_vacant``), a share of a count that is no
column on the share times its base (``retail_share * units_mix_known``), a floor area on the units
behind it (``retail_units_occupied - shops_area_unknown``). A value is suppressed where one of its
counts that the table can give lies strictly between 0 and the threshold; where the table can give
none of them, the value is suppressed wherever it is known (the rule cannot be checked, so nothing
is shown). Totals are not suppressed further: a hidden value that a total minus the others gives
back stays recoverable (Provincies in Cijfers does the same; see the README, "Small numbers").

>>> table = pd.DataFrame({"units_vacant": [0, 3, 4, 5, 12], "vacancy_rate_units": [0.0, 0.3, None, 0.5, 0.6]})
>>> suppressed(table, [("units_vacant",), ("units_vacant",)], 5).values.tolist()
[[False, False], [True, True], [True, False], [False, False], [False, False]]
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Sequence
from functools import cache

import numpy as np
import pandas as pd

#: Provincies in Cijfers' usual threshold ("Meest gebruikt is drempelwaarde 5").
PINC_THRESHOLD = 5
_OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}


@cache
def _parsed(expression: str) -> ast.expr:
    """The expression's tree; only column names, numbers, +, − and × (ValueError otherwise)."""
    tree = ast.parse(expression, mode="eval").body
    for node in ast.walk(tree):
        allowed = isinstance(node, (ast.BinOp, ast.Name, ast.Load, *_OPERATORS)) or (
            isinstance(node, ast.Constant) and isinstance(node.value, int | float))
        if not allowed:
            raise ValueError(f"{expression!r}: alleen kolomnamen, getallen, +, − en ×")
    return tree


def count_behind(frame: pd.DataFrame, expression: str) -> pd.Series | None:
    """The count ``expression`` gives per row of ``frame`` (rounded to whole units), or None when it
    names a column the frame does not have. Text in a column (an "x" already there) is unknown.

    >>> frame = pd.DataFrame({"retail_share": [0.1, 0.5], "units_mix_known": [30, 8]})
    >>> count_behind(frame, "retail_share * units_mix_known").tolist(), count_behind(frame, "units_vacant")
    ([3.0, 4.0], None)
    """
    def value(node: ast.expr):
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in frame.columns:
                raise LookupError(node.id)
            column = frame.loc[:, node.id]
            column = column.iloc[:, 0] if isinstance(column, pd.DataFrame) else column  # a name twice: the first
            return pd.to_numeric(column.astype(object), errors="coerce").astype(float)
        return _OPERATORS[type(node.op)](value(node.left), value(node.right))

    try:
        counts = value(_parsed(expression))
    except LookupError:
        return None
    if not isinstance(counts, pd.Series):  # a constant alone
        counts = pd.Series(counts, index=frame.index, dtype=float)
    return counts.round()


def is_small(counts: pd.Series, threshold: int) -> pd.Series:
    """Counts strictly between 0 and ``threshold`` (0 is shown; an unknown count is not small).

    >>> is_small(pd.Series([0, 1, 4, 5, None]), 5).tolist()
    [False, True, True, False, False]
    """
    return (counts > 0) & (counts < threshold)


def suppressed(frame: pd.DataFrame, numerators: Sequence[tuple[str, ...]], threshold: int, *,
               checkable_only: bool = False) -> pd.DataFrame:
    """Which cells of ``frame`` (columns under their canonical names) are left out.

    Parameters
    ----------
    frame : DataFrame
        The table, its columns named as the registry names them.
    numerators : sequence of tuples of str
        Per column of ``frame``, by position: the expressions of the counts its values rest on
        (see `count_behind`); an empty tuple for a column the rule does not cover.
    threshold : int
        The lowest count shown besides 0; 0 or less turns the rule off.
    checkable_only : bool
        Leave a column alone when the frame gives none of its counts (for a table whose values
        were suppressed already, before columns were dropped), instead of suppressing all of it.

    Returns
    -------
    DataFrame of bool, like ``frame``: True where the value is known and suppressed. A value that
    is already the text "x" in a covered column counts as suppressed.
    """
    hidden = np.zeros(frame.shape, dtype=bool)
    if threshold > 0:
        for position, expressions in enumerate(numerators):
            if expressions:
                hidden[:, position] = _column(frame, frame.iloc[:, position], expressions, threshold,
                                              checkable_only=checkable_only)
    return pd.DataFrame(hidden, index=frame.index, columns=frame.columns)


def _column(frame: pd.DataFrame, values: pd.Series, expressions: tuple[str, ...], threshold: int, *,
            checkable_only: bool) -> np.ndarray:
    marked = values.astype(object).map(lambda value: isinstance(value, str) and value == "x").to_numpy(dtype=bool)
    known = values.notna().to_numpy(dtype=bool) & ~marked
    counts = [found for expression in expressions if (found := count_behind(frame, expression)) is not None]
    if not counts:
        return marked | (np.zeros_like(known) if checkable_only else known)
    small = np.logical_or.reduce([is_small(found, threshold).to_numpy(dtype=bool) for found in counts])
    return marked | (known & small)
