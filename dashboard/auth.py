"""Who may change data: coordinator accounts (to be built, issue 8)."""

from __future__ import annotations


def add_commands(commands, *, add_db) -> None:
    """Register the ``user`` command (none yet)."""
