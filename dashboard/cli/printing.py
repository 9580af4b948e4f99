"""What the command line writes: tables as CSV that no spreadsheet runs as a formula, and no
control characters from a user's file on a terminal (an escape sequence could move the cursor,
recolour or retitle the window, or hide text).
"""

from __future__ import annotations

import re
import sys
from typing import TextIO

import pandas as pd

from dashboard.tables.exports import neutralise_formulas

#: Control characters a terminal acts on (C0 but tab and newline, DEL, C1) and the bidirectional
#: overrides that show text in another order than it is.
TERMINAL_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class TerminalFilter:
    """A text stream that passes on what is written without `TERMINAL_CONTROLS`.

    >>> import io
    >>> screen = io.StringIO()
    >>> TerminalFilter(screen).write("Markt\\x1b]0;titel\\x07 1\\n")
    18
    >>> screen.getvalue()
    'Markt]0;titel 1\\n'
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(TERMINAL_CONTROLS.sub("", text))
        return len(text)  # as if all was written: what was left out was meant to be

    def __getattr__(self, name: str):  # flush, fileno, isatty, encoding… as the terminal's
        return getattr(self._stream, name)


def guard_terminal() -> None:
    """Filter standard output and error where they are a terminal (files and pipes get every byte)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and stream.isatty() and not isinstance(stream, TerminalFilter):
            setattr(sys, name, TerminalFilter(stream))


def write_csv(frame: pd.DataFrame, stream: TextIO | None = None) -> None:
    """``frame`` as CSV (comma, values as they are) on ``stream`` (standard output), each text cell
    that could start a formula prefixed with ``'`` like the downloads."""
    neutralise_formulas(frame).to_csv(stream or sys.stdout, index=False, lineterminator="\n")
