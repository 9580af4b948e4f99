"""The coordinators' sign-in in the sidebar, and what viewers see instead of the write actions.

The checks themselves are in ``dashboard.auth.accounts`` (no Streamlit there). A page calls `sidebar`
once and shows its write actions only for the name it returns.
"""

from __future__ import annotations

import hashlib
import logging

import streamlit as st

from dashboard import settings
from dashboard.auth import accounts as auth
from dashboard.ui import loaders
from dashboard.ui.markdown import plain

_LOG = logging.getLogger(__name__)
#: The client of a session whose address Streamlit does not know (opened on the server itself).
LOCAL_CLIENT = "lokaal"

SIGNED_IN = "coordinator"
# A digest of the account's hash at sign-in: a new password (or a removed account) signs out
# every session that signed in with the old one.
_TAG = "coordinator_tag"
_MESSAGE = "signin_message"


def sidebar() -> str | None:
    """Sign-in or sign-out in the sidebar; the signed-in coordinator's name, or None for a viewer
    (always on a read-only instance, whatever the session holds)."""
    if settings.read_only():
        st.sidebar.caption("Publieke versie: alleen lezen.")
        return None
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError as problem:  # fail closed: no write actions until an admin fixes it
        st.sidebar.error(f"De coördinatoraccounts kunnen niet gelezen worden: {plain(problem)}")
        return None
    if not accounts.hashes:
        st.sidebar.caption("Alleen lezen: er is nog geen coördinatoraccount.")
        return None
    if name := _signed_in(accounts):
        st.sidebar.caption(f"Aangemeld als **{plain(name)}** (coördinator)")
        st.sidebar.button("Afmelden", key="signout", on_click=_sign_out)
        return name
    with st.sidebar.form("signin_form"):
        st.markdown("**Aanmelden** (coördinatoren)")
        st.text_input("Naam", key="signin_name", autocomplete="username")
        st.text_input("Wachtwoord", type="password", key="signin_password", autocomplete="current-password")
        st.form_submit_button("Aanmelden", key="signin", on_click=_attempt)
    if message := st.session_state.pop(_MESSAGE, None):
        st.sidebar.error(message)
    return None


def viewer_note(action: str) -> None:
    """Say why ``action`` (e.g. "bestanden importeren") is missing, or how to make the first account."""
    if settings.read_only():
        st.info(f"Dit is de publieke versie van Kernmonitor: alleen lezen. Coördinatoren kunnen {action} in hun "
                "eigen versie.", icon=":material/lock:")
        return
    try:
        configured = bool(auth.load_accounts().hashes)
    except auth.AccountsError:
        configured = True  # the sidebar names the problem
    if configured:
        st.info(f"Alleen coördinatoren kunnen {action}. Meld je aan in de zijbalk.", icon=":material/lock:")
        return
    st.info(f"Er is nog geen coördinatoraccount, dus niemand kan hier {action}. Wie de server beheert, maakt er "
            f"een met `{auth.HOW_TO_ADD}` (het wachtwoord wordt twee keer gevraagd, minstens "
            f"{auth.MIN_PASSWORD_CHARS} tekens) en meldt zich daarna aan in de zijbalk. Op de server blijft de "
            "opdrachtregel beschikbaar: `python -m dashboard import BESTAND`, `batches`, `rollback ID` en `report`.",
            icon=":material/lock:")


def _signed_in(accounts: auth.Accounts) -> str | None:
    name = st.session_state.get(SIGNED_IN)
    stored = accounts.hashes.get(name) if name else None
    if stored is None or st.session_state.get(_TAG) != _tag(stored):
        _sign_out()
        return None
    return name


def _attempt() -> None:
    # As text whatever a client sent: a forged value of another type is just a wrong name or password.
    name = str(st.session_state.get("signin_name") or "")
    password = str(st.session_state.get("signin_password") or "")
    st.session_state["signin_password"] = ""  # the password does not stay in the session
    try:
        accounts = auth.load_accounts()
    except auth.AccountsError:
        return  # the sidebar names the problem
    client = client_address()
    result = auth.sign_in(accounts, name, password, client=client)
    action = "sign_in" if result.name else "sign_in_held" if result.held else "sign_in_failed"
    if not result.held or auth.THROTTLE.first_hold(auth.account_key(name), client):
        _record(actor=result.name or name.strip()[:64], action=action, client=client)
    if result.name:
        st.session_state[SIGNED_IN] = result.name
        st.session_state[_TAG] = _tag(accounts.hashes[result.name])
    else:
        st.session_state[_MESSAGE] = result.message


def client_address() -> str:
    """Where this session's requests come from: the browser's address (behind a proxy on this
    machine, the one the proxy passed on in X-Forwarded-For), or `LOCAL_CLIENT`."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else LOCAL_CLIENT  # AppTest gives a mock


def _record(**event) -> None:
    """Log a sign-in event; a store that cannot take it (busy, full) must not stop the sign-in."""
    try:
        loaders.store().record_event(**event)
    except Exception:  # noqa: BLE001 - the audit log is best effort for events that change no data
        _LOG.exception("Aanmeldgebeurtenis niet in het auditlog geschreven: %s", event)


def _sign_out() -> None:
    for key in (SIGNED_IN, _TAG):
        st.session_state.pop(key, None)


def _tag(hashed: str) -> str:
    return hashlib.sha256(hashed.encode("ascii")).hexdigest()[:16]
