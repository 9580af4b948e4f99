"""Commands ``user add``, ``user remove`` and ``user list``: the coordinator accounts."""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from dashboard import settings
from dashboard.auth.accounts import (
    HOW_TO_ADD,
    AccountsError,
    PasswordRejected,
    account_name,
    hash_password,
    load_accounts,
    save_account,
)
from dashboard.cli.arguments import system_user
from dashboard.store import audit
from dashboard.store.backup import AdminError, existing_store, shown_url


def add_commands(commands, *, add_db) -> None:
    """Register ``user add NAME``, ``user remove NAME`` and ``user list`` (accounts need no store)."""
    del add_db  # accounts live in the secrets file, not in the store
    user = commands.add_parser("user", help="coördinatoraccounts: toevoegen, verwijderen, tonen")
    actions = user.add_subparsers(dest="action", required=True, metavar="ACTIE")
    add = actions.add_parser("add", help="maak een account of geef het een nieuw wachtwoord")
    add.add_argument("name", metavar="NAAM", type=_name_argument)
    add.add_argument("--password-stdin", action="store_true",
                     help="lees het wachtwoord van de eerste regel van stdin (voor scripts) in plaats van het "
                          "twee keer te vragen")
    add.set_defaults(run=_add_user)
    remove = actions.add_parser("remove", help="verwijder een account")
    remove.add_argument("name", metavar="NAAM", type=_name_argument)
    remove.set_defaults(run=_remove_user)
    listing = actions.add_parser("list", help="toon de namen van de accounts (nooit de hashes)")
    listing.set_defaults(run=_list_users)


def _name_argument(text: str) -> str:
    try:
        return account_name(text)
    except ValueError as problem:
        raise argparse.ArgumentTypeError(str(problem)) from None


def _new_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().removesuffix("\n").removesuffix("\r")
    try:
        first = getpass.getpass("Wachtwoord: ")
        again = getpass.getpass("Nog eens: ")
    except EOFError:
        raise PasswordRejected("geen wachtwoord gelezen.") from None
    if first != again:
        raise PasswordRejected("de twee wachtwoorden verschillen.")
    return first


def _add_user(args: argparse.Namespace) -> int:
    path = settings.secrets_path()
    try:
        hashed = hash_password(_new_password(args.password_stdin))
        existed = save_account(path, args.name, hashed)
    except (PasswordRejected, AccountsError) as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    done = "kreeg een nieuw wachtwoord" if existed else "is toegevoegd"
    print(f"Account {args.name} {done} in {path}.", file=sys.stderr)
    _log("account_saved", args.name)
    _warn_about(path)
    return 0


def _remove_user(args: argparse.Namespace) -> int:
    path = settings.secrets_path()
    try:
        save_account(path, args.name, None)
    except AccountsError as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    print(f"Account {args.name} is verwijderd uit {path}.", file=sys.stderr)
    _log("account_removed", args.name)
    _warn_about(path)
    return 0


def _list_users(args: argparse.Namespace) -> int:
    try:
        accounts = load_accounts()
    except AccountsError as problem:
        print(f"Geweigerd: {problem}", file=sys.stderr)
        return 1
    for name in sorted(accounts.hashes):
        print(name)
    print(f"{len(accounts.hashes)} coördinatoraccount(s) in {accounts.source}."
          + ("" if accounts.hashes else f" Maak er een met {HOW_TO_ADD}."), file=sys.stderr)
    return 0


def _log(action: str, name: str) -> None:
    """Record an account change in the audit log of the configured store, if there is one yet."""
    url = settings.db_url()
    try:
        engine = existing_store(url)
    except AdminError:
        return  # no store yet: the first account usually comes before the first data
    try:
        with engine.begin() as conn:
            audit.record(conn, actor=system_user(), action=action, detail=f"account {name}",
                         client=audit.COMMAND_LINE)
    except SQLAlchemyError as problem:
        print(f"Let op: niet in het auditlog van {shown_url(url)} geschreven ({type(problem).__name__}).",
              file=sys.stderr)
    finally:
        engine.dispose()


def _warn_about(path: Path) -> None:
    if os.environ.get(settings.COORDINATORS_ENV, "").strip():
        print(f"Let op: {settings.COORDINATORS_ENV} is gezet; zolang die gezet is, gebruikt Kernmonitor de "
              f"accounts daarin en niet die van {path}.", file=sys.stderr)
    if path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
        print(f"Let op: {path} is leesbaar voor anderen; maak het privé met chmod 600 {path}.", file=sys.stderr)
