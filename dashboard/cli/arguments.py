"""Arguments that several commands share."""

from __future__ import annotations

import argparse
import getpass

import pandas as pd

from dashboard import regions
from dashboard.ingest import values


def add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy-URL van de databank (standaard KERNMONITOR_DB "
                        "of data/kernmonitor.db)")


def add_province(parser: argparse.ArgumentParser, what: str) -> None:
    """``--province CODE``: a Flemish province or 02000 for Flanders (default ``KERNMONITOR_PROVINCE``)."""
    parser.add_argument("--province", type=region_code, metavar="NIS",
                        help=f"{what}: de REFNIS-code van een Vlaamse provincie (10000 Antwerpen, 20001 "
                             "Vlaams-Brabant, 30000 West-Vlaanderen, 40000 Oost-Vlaanderen, 70000 Limburg) of 02000 "
                             "voor heel Vlaanderen (standaard KERNMONITOR_PROVINCE, anders 30000)")


def region_code(text: str) -> str:
    try:
        return regions.region(text).nis_code
    except regions.UnknownRegion as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def first_year(text: str) -> int:
    """The first inventory year of a sample (`dashboard.sample.check_first_year`)."""
    from dashboard import sample  # the store and the generator: only for the commands that seed

    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen jaar: {text!r} (schrijf bv. 2005)") from None
    try:
        return sample.check_first_year(year)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


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
