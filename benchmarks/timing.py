"""Measuring: the median of several runs, and the process's peak memory."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Measure:
    """One measured quantity: its runs (seconds, or bytes for sizes) and, when it has one, its
    baseline and the targets it must meet."""

    name: str
    label: str
    runs: list[float]
    unit: str = "s"
    baseline: str | None = None
    max_value: float | None = None
    max_ratio: float | None = None
    ratio: float | None = field(default=None)

    @property
    def value(self) -> float:
        return statistics.median(self.runs)

    @property
    def meets_target(self) -> bool | None:
        if self.max_value is None and self.max_ratio is None:
            return None
        value_ok = self.max_value is None or self.value <= self.max_value
        ratio_ok = self.max_ratio is None or (self.ratio is not None and self.ratio <= self.max_ratio)
        return value_ok and ratio_ok


def timed(function: Callable[[], object], *, runs: int,
          before: Callable[[], None] | None = None) -> tuple[list[float], object]:
    """Seconds of each of ``runs`` calls (``before`` runs untimed ahead of each), and the last result.

    Each call's result is let go before the next call: the peak memory is then that of one call
    (two loaded stores side by side are the benchmark's, not the dashboard's)."""
    seconds, result = [], None
    for _ in range(runs):
        result = None
        if before is not None:
            before()
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def timed_alternately(baseline: Callable[[], object], function: Callable[[], object], *, runs: int,
                      before: Callable[[], None] | None = None) -> tuple[list[float], list[float]]:
    """Seconds of ``runs`` calls of ``baseline`` and of ``function`` (``before`` untimed ahead of
    each), taken in turns: a machine that speeds up or slows down during the run then shifts
    both alike, and their ratio holds."""
    base, measured = [], []
    for _ in range(runs):
        base += timed(baseline, runs=1)[0]
        measured += timed(function, runs=1, before=before)[0]
    return base, measured


def peak_rss_bytes() -> int:
    """The largest resident set this process has had (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
