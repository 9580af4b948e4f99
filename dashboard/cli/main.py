"""The command line: the same operations as the pages, for scripts and checks.

Exit status: 0 done; 1 input rejected (the reason on stderr, in Dutch); 2 wrong usage. Each
command group lives in its own module and registers its commands here.
"""

from __future__ import annotations

import argparse
import os
import sys

from dashboard import ingest, sample
from dashboard.cli import admin, data, outputs, users
from dashboard.cli.arguments import add_db
from dashboard.settings import PROVINCE_NAME
from dashboard.store.database import StoreBusy


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except sample.RealDataPresent as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    except ingest.ImportRejected as rejected:
        print(rejected.describe(), file=sys.stderr)
        return 1
    except (ingest.FileRejected, LookupError, StoreBusy) as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Kernmonitor: leegstand en "
                                     f"handelskernen in {PROVINCE_NAME}.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (data, outputs, users, admin):
        group.add_commands(commands, add_db=add_db)
    return parser
