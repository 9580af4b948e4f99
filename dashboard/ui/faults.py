"""Faults on a page: a Dutch message instead of Streamlit's exception box; the traceback goes to the
server's log only.

The app runs each page through a `Guard` (``dashboard/app.py``), so whatever a page raises ends as one
message: a fault of the store (busy, full disk, no server: `dashboard.store.engine.StoreFault`) and the
store's own refusals say what happened and what to do; anything else — a bug, or widget state that a
client forged (a value of a type the page never offered, which Streamlit refuses inside the widget
call) — gets a general message with a code that the log line carries too. Either way the message says
whether anything was stored in that run.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable

import streamlit as st

from dashboard.regions import UnknownRegion
from dashboard.store.database import NoActiveBatch
from dashboard.store.engine import StoreFault, committed_writes
from dashboard.ui.markdown import plain

_LOG = logging.getLogger(__name__)


class Guard:
    """Runs the parts of one run of a page; a fault becomes a Dutch message, each message once per run
    (the data notice and the page meet the same store)."""

    def __init__(self) -> None:
        self._said: set[str] = set()

    def __call__(self, part: Callable[[], object]) -> bool:
        """Run ``part``; return whether it ran without a fault (Streamlit's own stop and rerun pass)."""
        before = committed_writes()
        try:
            part()
        except (StoreFault, NoActiveBatch, UnknownRegion) as problem:  # each says in Dutch what to do
            _LOG.warning("Kernmonitor: %s (databank: %s)", problem, getattr(problem, "detail", None) or "–")
            self._say(str(problem))
        except Exception:  # noqa: BLE001 - a page shows a message, never a traceback
            code = secrets.token_hex(4)
            _LOG.exception("Kernmonitor: onverwachte fout %s op een pagina", code)
            self._say(unexpected(code, stored=committed_writes() != before))
        else:
            return True
        return False

    def _say(self, message: str) -> None:
        if message not in self._said:
            self._said.add(message)
            st.error(plain(message), icon=":material/error:")


def guarded_callback(callback: Callable[..., object]) -> Callable[..., None]:
    """``callback`` (a widget's ``on_change`` or ``on_click``) with its own `Guard`: Streamlit runs
    callbacks before the page, outside the page's guard, and a forged widget value reaches them first."""

    @functools.wraps(callback)
    def guarded(*args, **kwargs) -> None:
        Guard()(lambda: callback(*args, **kwargs))

    return guarded


def unexpected(code: str, *, stored: bool) -> str:
    """The message for a fault nobody foresaw (``code`` is in the server's log beside the traceback);
    ``stored``: a write of the same run had been committed before it."""
    if stored:
        return (f"Je wijziging is opgeslagen, maar daarna liep de pagina vast op een onverwachte fout (foutcode "
                f"{code}). Laad de pagina opnieuw: de geschiedenis op de pagina Gegevens toont wat er opgeslagen is. "
                "Blijft de fout, geef dan de foutcode aan de beheerder.")
    return (f"Deze pagina liep vast op een onverwachte fout (foutcode {code}). Er is niets opgeslagen: laad de pagina "
            "opnieuw en probeer het nog eens. Blijft de fout, geef dan de foutcode aan de beheerder.")
