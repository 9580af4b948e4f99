"""The audit log: every sign-in, failed sign-in and write, with who, when, what and from where.

Writes to the store record their event in their own transaction (`record`), so an event is logged
exactly when the change lands. Sign-ins are recorded on their own (`Store.record_event`). The
command line lists the log with ``python -m dashboard audit``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import Connection, insert, select

from dashboard.store import schema

#: What an event is, in Dutch (``action`` → label); the keys are what scripts filter on.
ACTIONS = {
    "sign_in": "aangemeld",
    "sign_in_failed": "aanmelding mislukt",
    "sign_in_held": "aanmelding afgeremd",
    "import": "bestand geïmporteerd",
    "rollback": "batch ongedaan gemaakt",
    "sample_removed": "voorbeelddata weggehaald",
    "mapping_saved": "koppeling bewaard",
    "account_saved": "account gemaakt of gewijzigd",
    "account_removed": "account verwijderd",
}
#: Where a change made on the server's command line comes from.
COMMAND_LINE = "opdrachtregel"
#: The log's columns, as scripts read them.
COLUMNS = ["event_id", "at", "actor", "action", "detail", "client"]


def record(conn: Connection, *, actor: str, action: str, detail: str = "", client: str = "") -> None:
    """Add one event to the log inside the caller's transaction.

    ``actor`` is the account (or the system user on the command line), ``client`` where the
    request came from: an address, or `COMMAND_LINE`.
    """
    if action not in ACTIONS:
        raise ValueError(f"Onbekende gebeurtenis {action!r}.")
    conn.execute(insert(schema.audit_events).values(
        at=datetime.now(UTC), actor=(actor or "onbekend")[:200], action=action, detail=detail[:2000],
        client=(client or "onbekend")[:200]))


def events(conn: Connection, *, limit: int | None = None) -> pd.DataFrame:
    """The log, newest first (``limit``: only the newest so many)."""
    table = schema.audit_events
    query = select(*[table.c[c] for c in COLUMNS]).order_by(table.c.event_id.desc())
    if limit:
        query = query.limit(limit)
    frame = pd.read_sql(query, conn)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame
