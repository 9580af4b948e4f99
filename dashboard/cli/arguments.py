"""Arguments that several commands share."""

from __future__ import annotations

import argparse
import getpass

import pandas as pd

from dashboard.ingest import values


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy-URL van de databank (standaard KERNMONITOR_DB "
                        "of data/kernmonitor.db)")


def positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("moet groter dan 0 zijn")
    return value


def day(text: str) -> pd.Timestamp:
    parsed, bad = values.parse_date(pd.Series([text]))
    if bad.iloc[0] or pd.isna(parsed.iloc[0]):
        raise argparse.ArgumentTypeError(f"geen datum: {text!r} (schrijf bv. 2024-01-01 of 01/01/2024)")
    return parsed.iloc[0]


def system_user() -> str:
    """Who runs the command: the system account's name (for the batch history and the audit log)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "onbekend"
