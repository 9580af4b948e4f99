"""Who may change data: coordinator accounts, password checks and the slow-down of failed sign-ins.

Viewers need no account. Coordinators sign in to import, roll back and make reports. Accounts are
bcrypt hashes in a TOML file (``settings.secrets_path()``, section ``[coordinators]``, one
``NAME = "<hash>"`` line each) or, when ``KERNMONITOR_COORDINATORS`` is set, in that variable as
``name:hash,name2:hash2`` (then the file is not read for accounts). ``python -m dashboard user
add NAME`` writes the file. No Streamlit here: the sign-in widgets are in ``dashboard.ui.signin``.
"""

from __future__ import annotations

import functools
import math
import os
import re
import secrets
import stat
import tempfile
import threading
import time
import tomllib
from collections import deque
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import bcrypt

from dashboard import settings

SECTION = "coordinators"
MIN_PASSWORD_CHARS = 12
#: bcrypt reads at most 72 bytes of a password; longer ones are refused, not silently cut.
MAX_PASSWORD_BYTES = 72
#: Failed sign-ins allowed before each further attempt must wait.
FREE_FAILURES = 3
MAX_DELAY_S = 60.0
#: An account or client without failures for this long starts afresh.
FORGET_AFTER_S = 15 * 60.0
#: Failures of one account, from all clients together, within ``FORGET_AFTER_S`` after which every
#: client that failed on it waits ``MAX_DELAY_S`` between attempts.
ACCOUNT_CEILING = 10
#: How long a client that signed in to an account is exempt from that account's ceiling.
TRUST_FOR_S = 30 * 24 * 3600.0
#: One message for an unknown name and a wrong password, so it does not tell which names exist.
FAILED = "Naam of wachtwoord klopt niet."
HOW_TO_ADD = "python -m dashboard user add NAAM"

_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
_HASH = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")


class AccountsError(ValueError):
    """The accounts cannot be read or written (the message is Dutch and never holds a hash)."""


class PasswordRejected(ValueError):
    """A new password that does not meet the rules (the message is Dutch)."""


@dataclass(frozen=True)
class Accounts:
    """The coordinator accounts: name → bcrypt hash, and where they were read from."""

    hashes: Mapping[str, str]
    source: str


def load_accounts() -> Accounts:
    """The accounts of ``KERNMONITOR_COORDINATORS`` when it is set, else those of the secrets file.

    Raises
    ------
    AccountsError
        When the variable or the file is malformed, or an entry is not a bcrypt hash.
    """
    text = os.environ.get(settings.COORDINATORS_ENV, "").strip()
    if text:
        return Accounts(_checked(_parse_env(text), settings.COORDINATORS_ENV), settings.COORDINATORS_ENV)
    path = settings.secrets_path()
    return Accounts(_checked(_section(_read_toml(path), path), str(path)), str(path))


def _parse_env(text: str) -> dict[str, str]:
    hashes = {}
    for number, item in enumerate(filter(None, (part.strip() for part in text.split(","))), start=1):
        name, colon, hashed = item.partition(":")
        if not colon:
            raise AccountsError(f"{settings.COORDINATORS_ENV}: item {number} is geen naam:hash.")
        hashes[name.strip()] = hashed.strip()
    return hashes


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as source:
            return tomllib.load(source)
    except FileNotFoundError:
        return {}
    except OSError as problem:
        raise AccountsError(f"{path} kan niet gelezen worden ({problem.strerror}).") from None
    except tomllib.TOMLDecodeError as problem:
        raise AccountsError(f"{path} is geen geldige TOML ({problem}).") from None


def _section(data: dict, path: Path) -> dict:
    section = data.get(SECTION, {})
    if not isinstance(section, dict):
        raise AccountsError(f"[{SECTION}] in {path} is geen tabel met NAAM = \"hash\"-regels.")
    return section


def _checked(hashes: dict, source: object) -> dict[str, str]:
    for name, hashed in hashes.items():
        if not _NAME.fullmatch(name):
            raise AccountsError(f"{source}: ongeldige accountnaam {name[:64]!r}.")
        if not isinstance(hashed, str) or not _HASH.fullmatch(hashed):
            raise AccountsError(f"{source}: het account {name} heeft geen geldige bcrypt-hash.")
    return dict(hashes)


def account_name(text: str) -> str:
    """``text`` when it can name an account (letters a–z, digits, ``-`` and ``_``), else ValueError."""
    if not _NAME.fullmatch(text):
        raise ValueError("een accountnaam bestaat uit letters a-z, cijfers, - en _ (hoogstens 64 tekens)")
    return text


def check_new_password(password: str) -> None:
    """Refuse a new password that is too short or longer than bcrypt can use.

    >>> check_new_password("twaalf tekens")
    >>> check_new_password("kort")
    Traceback (most recent call last):
    ...
    dashboard.auth.accounts.PasswordRejected: het wachtwoord is te kort: minstens 12 tekens (nu 4).
    """
    if len(password) < MIN_PASSWORD_CHARS:
        raise PasswordRejected(f"het wachtwoord is te kort: minstens {MIN_PASSWORD_CHARS} tekens (nu {len(password)}).")
    size = len(password.encode("utf-8"))
    if size > MAX_PASSWORD_BYTES:
        raise PasswordRejected(f"het wachtwoord is te lang: bcrypt gebruikt hoogstens {MAX_PASSWORD_BYTES} bytes "
                               f"(nu {size}; letters met accenten tellen voor 2). Kies een korter wachtwoord.")


def hash_password(password: str, rounds: int | None = None) -> str:
    """The bcrypt hash of a new password, at ``rounds`` or the configured cost."""
    check_new_password(password)
    salt = bcrypt.gensalt(rounds or settings.bcrypt_rounds())
    return bcrypt.hashpw(password.encode("utf-8"), salt).decode("ascii")


def verify(hashes: Mapping[str, str], name: str, password: str) -> bool:
    """Whether ``password`` is the password of account ``name``.

    An unknown name and a password longer than bcrypt can use still cost one bcrypt check at
    the accounts' cost, so the time taken does not tell which names exist.
    """
    stored = hashes.get(name)
    candidate = password.encode("utf-8")
    dummy = _dummy_hash(_cost(hashes))  # made for known names too: its first making takes time as well
    target = stored or dummy
    matched = bcrypt.checkpw(candidate[:MAX_PASSWORD_BYTES], target.encode("ascii"))
    return matched and stored is not None and len(candidate) <= MAX_PASSWORD_BYTES


def _cost(hashes: Mapping[str, str]) -> int:
    costs = [int(hashed.split("$")[2]) for hashed in hashes.values()]
    return max(costs, default=settings.bcrypt_rounds())


@functools.lru_cache(maxsize=8)
def _dummy_hash(cost: int) -> str:
    return bcrypt.hashpw(secrets.token_hex(32).encode(), bcrypt.gensalt(cost)).decode("ascii")


class Throttle:
    """Failed sign-ins per account and client, and how long a client must wait before its next try.

    Per account and client: after ``FREE_FAILURES`` failures each attempt waits 2^(failures − 3) s
    after the last one, up to ``MAX_DELAY_S``; a client that never failed is never held back by
    another's failures. Per account, a ceiling: once ``ACCOUNT_CEILING`` failures from all clients
    fall within ``FORGET_AFTER_S``, every client that failed on it waits ``MAX_DELAY_S`` between
    attempts, so guessing from many addresses gets one try per address a minute, while the owner
    (whose client never failed, or signed in before) goes ahead. An attempt counts as failed from
    the moment it starts until `succeeded`, so parallel attempts cannot slip through together.

    Parameters
    ----------
    clock
        Seconds as a float; tests pass a fake clock instead of sleeping.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[tuple[str, str], tuple[int, float]] = {}
        self._account_failures: dict[str, deque[float]] = {}
        self._trusted: dict[tuple[str, str], float] = {}
        self._holds_reported: dict[tuple[str, str], float] = {}

    @staticmethod
    def delay(failures: int) -> float:
        """Seconds to wait after ``failures`` failed attempts of one client.

        >>> [Throttle.delay(n) for n in (2, 3, 4, 5, 8, 9)]
        [0.0, 1.0, 2.0, 4.0, 32.0, 60.0]
        """
        return 0.0 if failures < FREE_FAILURES else min(2.0 ** (failures - FREE_FAILURES), MAX_DELAY_S)

    def begin(self, account: str, client: str) -> float:
        """0 when ``client`` may try ``account`` now (the attempt is then counted), else seconds to wait."""
        with self._lock:
            now = self._clock()
            self._forget(now)
            pair = (account, client)
            failures, last = self._failures.get(pair, (0, now))
            delay = self.delay(failures)
            if failures and pair not in self._trusted and self._over_ceiling(account, now):
                delay = MAX_DELAY_S
            wait = last + delay - now
            if wait > 0:
                return wait
            self._failures[pair] = (failures + 1, now)
            self._account_failures.setdefault(account, deque(maxlen=ACCOUNT_CEILING)).append(now)
            return 0.0

    def succeeded(self, account: str, client: str) -> None:
        """Forget the client's failures after a successful sign-in, and trust it for this account."""
        with self._lock:
            self._failures.pop((account, client), None)
            failures = self._account_failures.get(account)
            if failures:
                failures.pop()  # the attempt was counted as failed when it began
            self._trusted[(account, client)] = self._clock()

    def first_hold(self, account: str, client: str) -> bool:
        """Whether a held attempt is the first of ``client`` on ``account`` in a minute: one that
        keeps trying while held is logged once a minute, not at every try (each costs a write)."""
        with self._lock:
            now, pair = self._clock(), (account, client)
            if now - self._holds_reported.get(pair, -math.inf) < MAX_DELAY_S:
                return False
            if len(self._holds_reported) > 10_000:  # many names or addresses: start afresh, not grow
                self._holds_reported.clear()
            self._holds_reported[pair] = now
            return True

    def clear(self) -> None:
        """Forget every failure (tests start afresh)."""
        with self._lock:
            self._failures.clear()
            self._account_failures.clear()
            self._trusted.clear()
            self._holds_reported.clear()

    def _over_ceiling(self, account: str, now: float) -> bool:
        recent = self._account_failures.get(account, ())
        return len(recent) == ACCOUNT_CEILING and now - recent[0] < FORGET_AFTER_S

    def _forget(self, now: float) -> None:
        stale = [pair for pair, (_, last) in self._failures.items() if now - last >= FORGET_AFTER_S]
        for pair in stale:
            del self._failures[pair]
        quiet = [account for account, times in self._account_failures.items()
                 if not times or now - times[-1] >= FORGET_AFTER_S]
        for account in quiet:
            del self._account_failures[account]
        for pair in [p for p, when in self._trusted.items() if now - when >= TRUST_FOR_S]:
            del self._trusted[pair]


#: One throttle for the whole server process: a new tab or session does not reset it.
THROTTLE = Throttle()


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the account's name, or None and the Dutch message to show."""

    name: str | None
    message: str = ""
    #: Whether the attempt was held back by the slow-down (not checked at all).
    held: bool = False


def account_key(name: str) -> str:
    """The account a typed name counts against in the slow-down: trimmed, at most 64 characters,
    case-folded (" AN " and "an" are one account).

    >>> account_key(" AN ")
    'an'
    """
    return name.strip()[:64].casefold()


def sign_in(accounts: Accounts, name: str, password: str, *, client: str,
            throttle: Throttle | None = None) -> SignIn:
    """Check a sign-in, slowed down per typed name and client (an address) after repeated failures.

    ``throttle`` defaults to the process-wide `THROTTLE` (looked up at each call, so tests can
    swap in one with a fake clock).
    """
    throttle = throttle or THROTTLE
    name = name.strip()
    account = account_key(name)
    wait = throttle.begin(account, client)
    if wait > 0:
        seconds = math.ceil(wait)
        return SignIn(None, f"Te veel mislukte aanmeldingen. Wacht {seconds} "
                            f"{'seconde' if seconds == 1 else 'seconden'} en probeer opnieuw.", held=True)
    if verify(accounts.hashes, name, password):
        throttle.succeeded(account, client)
        return SignIn(name)
    return SignIn(None, FAILED)


# The accounts file: only the [coordinators] lines change; comments and other sections stay as written.

_HEADER = re.compile(rf"\s*\[\s*{SECTION}\s*\]\s*(#.*)?")
_ANY_HEADER = re.compile(r"\s*\[")


def with_account(text: str, name: str, hashed: str | None) -> str:
    """The TOML ``text`` with account ``name`` set to ``hashed``, or removed when ``hashed`` is None.

    Raises
    ------
    AccountsError
        When the file cannot be edited safely line by line (the result is checked by parsing).
    """
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    entry = [f'{name} = "{hashed}"\n'] if hashed else []
    start = next((i for i, line in enumerate(lines) if _HEADER.fullmatch(line.rstrip("\r\n"))), None)
    if start is None:
        gap = ["\n"] if lines and lines[-1].strip() else []
        lines += [*gap, f"[{SECTION}]\n", *entry] if entry else []
    else:
        end = next((i for i in range(start + 1, len(lines)) if _ANY_HEADER.match(lines[i])), len(lines))
        own = re.compile(rf"\s*([\"']?){re.escape(name)}\1\s*=")
        found = [i for i in range(start + 1, end) if own.match(lines[i])]
        if found:
            lines[found[0]:found[0] + 1] = entry
        else:
            last = max([start, *(i for i in range(start + 1, end) if lines[i].strip())])
            lines[last + 1:last + 1] = entry
    edited = "".join(lines)
    _check_edit(text, edited, name, hashed)
    return edited


def _check_edit(before: str, after: str, name: str, hashed: str | None) -> None:
    try:
        old = tomllib.loads(before)
    except tomllib.TOMLDecodeError as problem:
        raise AccountsError(f"het bestand is geen geldige TOML ({problem}).") from None
    try:
        new = tomllib.loads(after)
    except tomllib.TOMLDecodeError:
        new = None
    expected = {key: value for key, value in old.get(SECTION, {}).items() if key != name}
    if hashed:
        expected[name] = hashed
    if new is None or new.get(SECTION, {}) != expected or _without(old) != _without(new):
        raise AccountsError(f"[{SECTION}] kan niet veilig regel per regel aangepast worden; "
                            "pas het bestand met de hand aan.")


def _without(data: dict) -> dict:
    return {key: value for key, value in data.items() if key != SECTION}


def save_account(path: Path, name: str, hashed: str | None) -> bool:
    """Write (or with None remove) account ``name`` in the TOML file; whether it existed before."""
    path = path.resolve()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as problem:
        raise AccountsError(f"{path} kan niet gelezen worden ({problem}).") from None
    existed = name in _section(_read_toml(path), path)
    if hashed is None and not existed:
        raise AccountsError(f"er is geen account {name} in {path}.")
    write_private(path, with_account(text, name, hashed))
    return existed


def write_private(path: Path, text: str) -> None:
    """Replace ``path`` by ``text`` in one step; a new file is readable by its owner only (0600)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else 0o600
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secrets-", suffix=".tmp")  # created as 0600
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
