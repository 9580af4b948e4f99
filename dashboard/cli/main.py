"""The command line: the same operations as the pages, for scripts and checks.

Exit status: 0 done; 1 input rejected or a fault (the reason on stderr, in Dutch); 2 wrong usage.
Each command group lives in its own module and registers its commands here. Faults give a Dutch
message, never a traceback: a busy or full store, a database server that is gone, a file that
cannot be written, or an error nobody foresaw (``python -X dev`` adds the traceback).
"""

from __future__ import annotations

import argparse
import errno
import os
import sys
import traceback

from dashboard import ingest, sample
from dashboard.cli import admin, data, outputs, users
from dashboard.cli.arguments import add_db
from dashboard.store.engine import StoreFault, store_fault

#: Said after every fault: a write is one transaction, so a failed one left nothing behind.
_NOTHING_HALF = "Een import of ongedaanmaking wordt helemaal of helemaal niet opgeslagen, nooit half."


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
    except (ingest.FileRejected, LookupError, StoreFault) as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        _detail(problem)
        return 1
    except BrokenPipeError:  # the reader (e.g. `head`) stopped early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush quiet
        return 0
    except KeyboardInterrupt:
        print(f"Afgebroken. {_NOTHING_HALF}", file=sys.stderr)
        return 130
    except Exception as problem:  # noqa: BLE001 - a fault is a message, never a traceback
        return _fault(problem, args)


def _fault(problem: Exception, args: argparse.Namespace) -> int:
    """Say in Dutch what failed outside the store's own checks (the driver's words on a second line)."""
    # An OSError here is a file of the command's own (--out, --report): the store raises its faults itself.
    fault = None if isinstance(problem, OSError) else store_fault(problem, getattr(args, "db", None))
    if fault is not None:  # a driver fault outside `Store` (backup, check)
        print(f"Geweigerd: {fault}", file=sys.stderr)
        _detail(fault)
    elif isinstance(problem, OSError):
        where = f" ({problem.filename})" if problem.filename else ""
        full = problem.errno in (errno.ENOSPC, errno.EDQUOT)
        reason, remedy = (("de schijf is vol", "maak schijfruimte vrij of kies een andere map") if full
                          else (problem.strerror, "controleer het pad en de rechten"))
        print(f"Mislukt: een bestand kon niet gelezen of geschreven worden{where}: {reason}. In de databank is niets "
              f"gewijzigd: {remedy}, en probeer het opnieuw.", file=sys.stderr)
    else:
        print(f"Mislukt door een onverwachte fout ({type(problem).__name__}: {problem}). {_NOTHING_HALF} Meld de "
              "fout aan de beheerder, met de opdracht die je gaf; python -X dev -m dashboard … toont de details.",
              file=sys.stderr)
    if sys.flags.dev_mode:
        traceback.print_exception(problem, file=sys.stderr)
    return 1


def _detail(problem: BaseException) -> None:
    """The driver's own words under a store fault, for whoever runs the command (a page never shows them)."""
    if detail := getattr(problem, "detail", None):
        print(f"  (databank: {detail})", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Kernmonitor: leegstand en "
                                     "handelskernen in de Vlaamse provincies.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (data, outputs, users, admin):
        group.add_commands(commands, add_db=add_db)
    return parser
