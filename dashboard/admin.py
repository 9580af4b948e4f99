"""Store administration: check, backup and restore (to be built, issue 8)."""

from __future__ import annotations


def add_commands(commands, *, add_db) -> None:
    """Register ``check``, ``backup`` and ``restore`` (none yet)."""
