"""The command line: the same operations as the pages, for scripts and checks.

Exit status: 0 done; 1 input rejected (the reason on stderr, in Dutch); 2 wrong usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import pandas as pd

from dashboard import sample
from dashboard.indicators import GEOGRAPHIES, LEVELS, vacancy_table
from dashboard.settings import DEFAULT_GEOGRAPHY
from dashboard.store import Store

TOPICS = ("vacancy",)


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except sample.RealDataPresent as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Kernmonitor: leegstand en "
                                     "handelskernen in West-Vlaanderen.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    seed = commands.add_parser("seed", help="vul de databank met voorbeelddata (fictief)")
    _add_db(seed)
    seed.add_argument("--scale", type=_positive_float, default=1.0,
                      help="vermenigvuldig het aantal verkooppunten (voor benchmarks); standaard 1")
    seed.add_argument("--if-empty", action="store_true", help="alleen als de databank nog leeg is")
    seed.set_defaults(run=_seed)

    indicators = commands.add_parser("indicators", help="indicatoren als CSV of JSON")
    _add_db(indicators)
    indicators.add_argument("--topic", choices=TOPICS, default="vacancy")
    indicators.add_argument("--level", choices=LEVELS, default="municipality")
    indicators.add_argument("--year", type=int, help="alleen de inventarissen van dit jaar")
    indicators.add_argument("--geography", choices=GEOGRAPHIES, default=DEFAULT_GEOGRAPHY)
    indicators.add_argument("--format", choices=("csv", "json"), default="csv")
    indicators.set_defaults(run=_indicators)
    return parser


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="SQLAlchemy-URL van de databank (standaard KERNMONITOR_DB "
                        "of data/kernmonitor.db)")


def _positive_float(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("moet groter dan 0 zijn")
    return value


def _seed(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.if_empty and not store.is_empty():
        return 0
    print(f"Voorbeelddata genereren (schaal {args.scale:g})…", file=sys.stderr)
    batch_ids = sample.seed_store(store, scale=args.scale)
    units = store.batches().set_index("batch_id").loc[batch_ids[0], "rows_imported"]
    print(f"Klaar: {units:,} verkooppuntregels in batches {', '.join(map(str, batch_ids))}.".replace(",", "."),
          file=sys.stderr)
    return 0


def _indicators(args: argparse.Namespace) -> int:
    store = Store(args.db)
    table = vacancy_table(store.units(), level=args.level, geography=args.geography, year=args.year)
    table["observed_on"] = pd.to_datetime(table["observed_on"]).dt.strftime("%Y-%m-%d")
    if args.format == "csv":
        table.to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        records = json.loads(table.to_json(orient="records"))
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    return 0
