"""Commands ``check``, ``backup`` and ``restore``: the store's integrity and its copies."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dashboard.cli import printing
from dashboard.i18n import format_number
from dashboard.settings import db_url
from dashboard.store import audit
from dashboard.store.backup import AdminError, backup, existing_store, restore, shown_url
from dashboard.store.database import Store
from dashboard.store.engine import open_engine as store_engine  # opens a store without creating or repairing it
from dashboard.store.integrity import check, remove_staging_orphans, summary


def add_commands(commands, *, add_db) -> None:
    """Register ``check``, ``backup`` and ``restore`` on the command line's subparsers."""
    checking = commands.add_parser("check", help="controleer de samenhang van de databank")
    checking.add_argument("--repair", action="store_true",
                          help="ruim eerst de tijdelijke bestanden van afgebroken imports op")
    add_db(checking)
    checking.set_defaults(run=_check_command)

    saving = commands.add_parser("backup", help="schrijf een back-up van de databank (SQLite: online back-up; "
                                 "PostgreSQL: pg_dump)")
    saving.add_argument("--out", type=Path, required=True, metavar="FILE", help="het back-upbestand (nieuw)")
    add_db(saving)
    saving.set_defaults(run=_backup_command)

    logged = commands.add_parser("audit", help="het auditlog: aanmeldingen, mislukte aanmeldingen en wijzigingen "
                                 "(wie, wanneer, wat, van waar), nieuwste eerst, als CSV")
    logged.add_argument("--limit", type=int, metavar="N", help="alleen de N nieuwste")
    add_db(logged)
    logged.set_defaults(run=_audit_command)

    restoring = commands.add_parser("restore", help="zet een back-up terug in een lege databank")
    restoring.add_argument("file", metavar="FILE", type=Path)
    add_db(restoring)
    restoring.set_defaults(run=_restore_command)


def _check_command(args: argparse.Namespace) -> int:
    url = args.db or db_url()
    try:
        engine = existing_store(url)
    except AdminError as problem:
        print(problem, file=sys.stderr)
        return 1
    try:
        if args.repair:
            for path in remove_staging_orphans(engine):
                print(f"Verwijderd: {path.name} (tijdelijk bestand van een afgebroken import).", file=sys.stderr)
        problems = check(engine)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(f"{len(problems)} probleem/problemen gevonden in {shown_url(url)}.", file=sys.stderr)
            return 1
        print(f"De databank {shown_url(url)} is in orde: {summary(engine)}.", file=sys.stderr)
        return 0
    finally:
        engine.dispose()


def _audit_command(args: argparse.Namespace) -> int:
    log = Store(args.db).audit_log(limit=args.limit)
    log["at"] = log["at"].dt.tz_convert("Europe/Brussels").dt.strftime("%Y-%m-%d %H:%M:%S")
    log["what"] = log["action"].map(audit.ACTIONS)
    printing.write_csv(log[["event_id", "at", "actor", "action", "what", "detail", "client"]])
    return 0


def _backup_command(args: argparse.Namespace) -> int:
    try:
        problems = backup(args.db or db_url(), args.out)
    except AdminError as problem:
        print(problem, file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    size = format_number(args.out.stat().st_size / 1e6, 1)
    if problems:
        print(f"De back-up is geschreven naar {args.out} ({size} MB), maar de databank heeft de problemen hierboven.",
              file=sys.stderr)
        return 1
    print(f"Back-up geschreven naar {args.out} ({size} MB). Terugzetten in een lege databank: "
          f"python -m dashboard restore {args.out} --db URL", file=sys.stderr)
    return 0


def _restore_command(args: argparse.Namespace) -> int:
    url = args.db or db_url()
    try:
        problems = restore(args.file, url)
    except AdminError as problem:
        print(problem, file=sys.stderr)
        return 1
    for problem in problems:
        print(problem, file=sys.stderr)
    engine = store_engine(url)
    try:
        done = f"{args.file} teruggezet in {shown_url(url)}: {summary(engine)}."
    finally:
        engine.dispose()
    if problems:
        print(f"{done} De controle vond de problemen hierboven.", file=sys.stderr)
        return 1
    print(f"{done} De controle vond geen problemen; wijs KERNMONITOR_DB (of --db) naar deze databank om ze te "
          "gebruiken.", file=sys.stderr)
    return 0
