"""Warming the shared caches once per server process, in the background, so the first visitor after a
start does not wait for every table to be computed on their own request.

What a background thread computes through `dashboard.ui.loaders` is there for every session: in
Streamlit's global caches and beneath them in what the loaders keep in the process
(`dashboard.ui.loaders.kept`), which a viewer's "Clear cache" does not empty. A failure here only
costs the head start: the page computes the same on request and reports a problem itself.
"""

from __future__ import annotations

import logging
import threading

from dashboard.tables.indicators import GEOGRAPHIES
from dashboard.ui import loaders

_LOG = logging.getLogger(__name__)
_lock = threading.Lock()
_thread: threading.Thread | None = None


def start() -> threading.Thread:
    """Start the warm-up once per process (later calls return the same thread)."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=warm, name="kernmonitor-warmup", daemon=True)
            _thread.start()
        return _thread


def warm() -> None:
    """What the Overzicht and Gemeente pages read first, in both geographies."""
    # Streamlit warns for every cached call outside a session; here that is the point.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        for geography in GEOGRAPHIES:
            loaders.vacancy_indicators(level="municipality", geography=geography)
            loaders.vacancy_indicators(level="province", geography=geography)
            loaders.mix_indicators(geography=geography)
    except Exception:  # noqa: BLE001 - the page computes it again and says what went wrong
        _LOG.exception("Kernmonitor: de caches vooraf vullen lukte niet")
    finally:
        quiet.setLevel(level)
