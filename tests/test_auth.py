"""Who may change data: accounts, password checks, the slow-down, the user command, and the pages'
write actions for viewers and signed-in coordinators (AppTest)."""

import io
import stat
from pathlib import Path

import bcrypt
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import settings
from dashboard.auth import accounts as auth
from dashboard.cli.main import main
from dashboard.store.database import Batch, Store
from tests.conftest import COORDINATOR, COORDINATOR_HASH, PASSWORD, sign_in, unit_rows

PAGES = Path(__file__).resolve().parent.parent / "pages"
HASH_A = "$2b$04$" + "a" * 53  # well-formed stand-ins where no check runs
HASH_B = "$2b$04$" + "b" * 53


def _hash(password: str, cost: int = 4) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(cost)).decode()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# Passwords and accounts.


def test_a_hand_made_account_verifies_only_its_own_password():
    hashes = {"an": _hash("juist wachtwoord"), "bob": _hash("x" * 72)}
    assert auth.verify(hashes, "an", "juist wachtwoord")
    assert not auth.verify(hashes, "an", "juist wachtwoorD")
    assert not auth.verify(hashes, "An", "juist wachtwoord")  # names are exact
    assert not auth.verify(hashes, "cor", "juist wachtwoord")
    assert auth.verify(hashes, "bob", "x" * 72)
    assert not auth.verify(hashes, "bob", "x" * 73)  # bcrypt would ignore byte 73; we refuse


def test_an_unknown_name_still_costs_one_check_at_the_accounts_cost(monkeypatch):
    checked = []
    real = bcrypt.checkpw
    monkeypatch.setattr(bcrypt, "checkpw", lambda password, hashed: checked.append(hashed) or real(password, hashed))
    hashes = {"an": _hash("juist wachtwoord", cost=5)}
    assert not auth.verify(hashes, "niemand", "juist wachtwoord")
    assert not auth.verify(hashes, "an", "fout")
    assert len(checked) == 2
    assert checked[0].startswith(b"$2b$05$") and checked[0] != hashes["an"].encode()  # a dummy of the same cost


def test_new_passwords_need_12_characters_and_at_most_72_bytes():
    auth.check_new_password("a" * 12)
    auth.check_new_password("é" * 36)  # 72 bytes in UTF-8
    with pytest.raises(auth.PasswordRejected, match="te kort: minstens 12 tekens \\(nu 11\\)"):
        auth.check_new_password("a" * 11)
    with pytest.raises(auth.PasswordRejected, match="hoogstens 72 bytes \\(nu 74;"):
        auth.check_new_password("é" * 37)


def test_hashes_use_the_configured_cost(monkeypatch):
    assert auth.hash_password("twaalf tekens").startswith("$2b$04$")  # tests set 4
    monkeypatch.delenv(settings.BCRYPT_ROUNDS_ENV)
    assert settings.bcrypt_rounds() == 12


def test_accounts_from_the_environment_replace_the_file(coordinator, monkeypatch):
    assert auth.load_accounts().hashes == {COORDINATOR: COORDINATOR_HASH}
    monkeypatch.setenv(settings.COORDINATORS_ENV, f" bob:{HASH_B} , cor:{HASH_A},")
    accounts = auth.load_accounts()
    assert accounts.hashes == {"bob": HASH_B, "cor": HASH_A}  # the file's "an" is not read
    assert accounts.source == "KERNMONITOR_COORDINATORS"


@pytest.mark.parametrize(("value", "message"), [
    ("bob", "item 1 is geen naam:hash"),
    ("bob:geheim123", "het account bob heeft geen geldige bcrypt-hash"),
    (f"an vermeulen:{HASH_A}", "ongeldige accountnaam 'an vermeulen'"),
])
def test_malformed_accounts_are_refused_without_showing_the_hash(monkeypatch, value, message):
    monkeypatch.setenv(settings.COORDINATORS_ENV, value)
    with pytest.raises(auth.AccountsError, match=message) as refused:
        auth.load_accounts()
    assert "geheim123" not in str(refused.value)


# The slow-down.


def test_three_failures_are_free_then_the_wait_doubles():
    clock = FakeClock()
    throttle = auth.Throttle(clock)
    assert [throttle.begin("an", "10.0.0.1") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert throttle.begin("an", "10.0.0.1") == 1.0  # 4th: 2^0 s after the 3rd
    clock.now += 0.5
    assert throttle.begin("an", "10.0.0.1") == 0.5
    clock.now += 0.5
    assert throttle.begin("an", "10.0.0.1") == 0.0  # the 4th goes ahead
    assert throttle.begin("an", "10.0.0.1") == 2.0  # 5th: 2^1 s
    assert throttle.begin("bob", "10.0.0.1") == 0.0  # another account from the same client is not slowed
    assert throttle.begin("an", "10.0.0.2") == 0.0  # nor the same account from a client that never failed
    throttle.succeeded("an", "10.0.0.1")
    assert throttle.begin("an", "10.0.0.1") == 0.0


def test_the_wait_stops_at_a_minute_and_is_forgotten_after_15_minutes():
    clock = FakeClock()
    throttle = auth.Throttle(clock)
    waits = []
    for _ in range(10):  # ten failed attempts, each made as soon as it is allowed
        waits.append(throttle.begin("an", "k"))
        clock.now += waits[-1]
        assert waits[-1] == 0 or throttle.begin("an", "k") == 0.0
    assert waits == [0, 0, 0, 1, 2, 4, 8, 16, 32, 60]
    assert throttle.begin("an", "k") == 60.0  # after ten: 2^7 s, capped
    clock.now += 15 * 60
    assert throttle.begin("an", "k") == 0.0


def test_guessing_from_many_clients_hits_the_account_ceiling_but_not_its_owner():
    clock = FakeClock()
    throttle = auth.Throttle(clock)
    assert throttle.begin("an", "eigenaar") == 0.0
    throttle.succeeded("an", "eigenaar")  # the owner signed in from here before
    # Ten addresses guess once each: the account's ceiling of 10 failures is reached.
    assert [throttle.begin("an", f"10.0.0.{n}") for n in range(10)] == [0.0] * 10
    clock.now += 1
    # A second guess from one of them now waits a minute after its first (not 0: two free tries left).
    assert throttle.begin("an", "10.0.0.3") == 59.0
    assert throttle.begin("an", "10.0.0.99") == 0.0  # an address that never failed gets its one try
    assert throttle.begin("an", "eigenaar") == 0.0  # the owner is not held back
    throttle.begin("an", "kantoor")  # the owner mistypes on a new computer: one failure
    assert throttle.begin("an", "kantoor") == 60.0  # held a minute at most, never locked out
    clock.now += 60
    assert throttle.begin("an", "kantoor") == 0.0
    assert throttle.begin("bob", "10.0.0.3") == 0.0  # another account has its own ceiling


def test_sign_in_gives_one_message_and_slows_down_per_name_and_client():
    clock = FakeClock()
    throttle = auth.Throttle(clock)
    accounts = auth.Accounts({COORDINATOR: COORDINATOR_HASH}, "test")
    tries = [auth.sign_in(accounts, name, password, client="10.0.0.1", throttle=throttle)
             for name, password in [("an", "fout"), ("niemand", PASSWORD), ("an", "")]]
    assert {(t.name, t.message) for t in tries} == {(None, auth.FAILED)}  # unknown name = wrong password
    for password in ("fout1", "fout2", "fout3"):
        auth.sign_in(accounts, "an", password, client="10.0.0.6", throttle=throttle)
    # Someone else's failures do not hold back the owner's computer
    assert auth.sign_in(accounts, "an", PASSWORD, client="10.0.0.2", throttle=throttle) == auth.SignIn("an")
    refused = auth.sign_in(accounts, " AN ", PASSWORD, client="10.0.0.6", throttle=throttle)  # same account
    assert refused == auth.SignIn(None, "Te veel mislukte aanmeldingen. Wacht 1 seconde en probeer opnieuw.",
                                  held=True)
    assert auth.sign_in(accounts, "niemand", "x", client="10.0.0.1", throttle=throttle).message == auth.FAILED
    clock.now += 1
    assert auth.sign_in(accounts, "an", PASSWORD, client="10.0.0.6", throttle=throttle) == auth.SignIn("an")


# Editing the accounts file.

SECRETS = """# Kernmonitor: niet in git
[connections.store]
url = "postgresql://kern@db/kern"

[coordinators]
bob = "HB"   # de eerste
# nog een

[other]
n = 1
"""


def test_adding_an_account_changes_only_its_section():
    added = auth.with_account(SECRETS, "an", "HA")
    assert added == SECRETS.replace('# nog een\n', '# nog een\nan = "HA"\n')
    replaced = auth.with_account(added, "bob", "HC")
    assert replaced == added.replace('bob = "HB"   # de eerste', 'bob = "HC"')
    removed = auth.with_account(replaced, "bob", None)
    assert removed == added.replace('bob = "HB"   # de eerste\n', "")


def test_a_file_without_the_section_gets_it_at_the_end():
    assert auth.with_account("", "an", "HA") == '[coordinators]\nan = "HA"\n'
    assert auth.with_account('[x]\ny = 2', "an", "HA") == '[x]\ny = 2\n\n[coordinators]\nan = "HA"\n'


def test_a_section_written_otherwise_is_left_to_a_human():
    with pytest.raises(auth.AccountsError, match="met de hand"):
        auth.with_account('coordinators = { bob = "HB" }\n', "an", "HA")


# The user command.


def _add(monkeypatch, name: str, password: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["user", "add", name, "--password-stdin"])


def test_user_add_creates_a_private_file_with_a_verifiable_hash(tmp_path, monkeypatch, capsys):
    path = tmp_path / ".streamlit" / "secrets.toml"
    monkeypatch.setenv(settings.SECRETS_ENV, str(path))
    assert _add(monkeypatch, "an", "een lang wachtwoord") == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    hashed = auth.load_accounts().hashes["an"]
    assert hashed.startswith("$2b$04$") and bcrypt.checkpw(b"een lang wachtwoord", hashed.encode())
    out = capsys.readouterr()
    assert out.err == f"Account an is toegevoegd in {path}.\n"
    assert "een lang wachtwoord" not in out.out + out.err and hashed not in out.out + out.err


def test_user_add_list_and_remove_keep_the_rest_of_the_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "secrets.toml"
    path.write_text(SECRETS.replace("HB", HASH_B), encoding="utf-8")
    path.chmod(0o640)
    monkeypatch.setenv(settings.SECRETS_ENV, str(path))
    assert _add(monkeypatch, "an", "een lang wachtwoord") == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith(SECRETS.replace("HB", HASH_B).split("\n[other]")[0]) and text.endswith("[other]\nn = 1\n")
    assert "chmod 600" in capsys.readouterr().err  # a group-readable file is kept as it is, with a warning
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert main(["user", "list"]) == 0
    listed = capsys.readouterr()
    assert listed.out == "an\nbob\n" and f"2 coördinatoraccount(s) in {path}." in listed.err
    assert main(["user", "remove", "bob"]) == 0
    assert set(auth.load_accounts().hashes) == {"an"}
    assert main(["user", "remove", "bob"]) == 1
    assert "er is geen account bob" in capsys.readouterr().err
    assert _add(monkeypatch, "an", "nog een lang wachtwoord") == 0
    assert "Account an kreeg een nieuw wachtwoord" in capsys.readouterr().err


def test_user_add_refuses_bad_passwords_and_names(tmp_path, monkeypatch, capsys):
    path = tmp_path / "secrets.toml"
    monkeypatch.setenv(settings.SECRETS_ENV, str(path))
    assert _add(monkeypatch, "an", "kort") == 1
    assert _add(monkeypatch, "an", "é" * 40) == 1
    answers = iter(["een lang wachtwoord", "een lang wachtwoorD"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main(["user", "add", "an"]) == 1
    err = capsys.readouterr().err
    assert "te kort: minstens 12 tekens" in err and "hoogstens 72 bytes (nu 80" in err
    assert "de twee wachtwoorden verschillen" in err
    assert not path.exists()
    with pytest.raises(SystemExit) as usage:
        main(["user", "add", "an vermeulen", "--password-stdin"])
    assert usage.value.code == 2


def test_user_add_says_when_the_environment_takes_precedence(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(settings.SECRETS_ENV, str(tmp_path / "secrets.toml"))
    monkeypatch.setenv(settings.COORDINATORS_ENV, f"bob:{HASH_B}")
    assert _add(monkeypatch, "an", "een lang wachtwoord") == 0
    assert "KERNMONITOR_COORDINATORS is gezet" in capsys.readouterr().err
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out == "bob\n"


# The pages: viewers and coordinators.


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    """A store with one active batch, so the history could offer a rollback."""
    url = f"sqlite:///{tmp_path / 'auth.db'}"
    monkeypatch.setenv("KERNMONITOR_DB", url)
    Store(url).add_batch(Batch(kind="units", file_name="brugge.csv", raw=b"x", imported_by="an"),
                         unit_rows({}, {"status": "vacant", "group_code": "00"}, nis_code="31005"))
    return url


def _page(name: str) -> AppTest:
    return AppTest.from_file(str(PAGES / name), default_timeout=120).run()


def _button_keys(at: AppTest) -> set[str]:
    return {button.key for button in at.button}


def test_without_accounts_the_page_says_how_to_add_one(url):
    at = _page("gegevens.py")
    assert not at.exception
    assert not at.file_uploader and "rollback" not in _button_keys(at)
    assert "`python -m dashboard user add NAAM`" in at.info[0].value
    assert at.sidebar.caption[0].value == "Alleen lezen: er is nog geen coördinatoraccount."
    assert not at.text_input  # no sign-in form to try
    assert at.dataframe[0].value["Bestand"].tolist() == ["brugge.csv"]  # the history stays visible


def test_a_viewer_sees_no_upload_rollback_or_report(url, coordinator):
    at = _page("gegevens.py")
    assert not at.file_uploader and not at.selectbox and "rollback" not in _button_keys(at)
    assert at.info[0].value == "Alleen coördinatoren kunnen bestanden importeren. Meld je aan in de zijbalk."
    assert at.dataframe[0].value["Door"].tolist() == ["coördinator"]  # account names are not for viewers
    report = _page("rapport.py")
    assert not report.exception
    assert "make_report" not in _button_keys(report) and not report.multiselect
    assert report.info[0].value == "Alleen coördinatoren kunnen rapporten maken. Meld je aan in de zijbalk."


def test_a_signed_in_coordinator_may_upload_and_roll_back_until_signing_out(url, coordinator):
    at = sign_in(_page("gegevens.py"))
    assert not at.exception
    assert at.file_uploader(key="upload") and at.selectbox(key="rollback_batch")
    assert at.dataframe[0].value["Door"].tolist() == ["an"]
    assert at.sidebar.caption[0].value == "Aangemeld als **an** (coördinator)"
    at.selectbox(key="rollback_batch").set_value(1).run()
    assert "rollback" in _button_keys(at)
    at.button(key="signout").click().run()
    assert not at.file_uploader and not at.selectbox and "rollback" not in _button_keys(at)
    report = sign_in(_page("rapport.py"))
    assert "make_report" in _button_keys(report)


def test_a_wrong_password_or_name_shows_the_message_and_no_controls(url, coordinator):
    at = sign_in(_page("gegevens.py"), password="bijna-het-wachtwoord")
    assert at.sidebar.error[0].value == auth.FAILED
    assert not at.file_uploader and "rollback" not in _button_keys(at)
    assert at.text_input(key="signin_password").value == ""  # not kept in the session
    at = sign_in(at, name="niemand", password=PASSWORD)
    assert at.sidebar.error[0].value == auth.FAILED


def test_the_page_slows_down_after_three_failures(url, coordinator, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(auth, "THROTTLE", auth.Throttle(clock))
    at = _page("gegevens.py")
    for _ in range(3):
        at = sign_in(at, password="fout-wachtwoord")
    at = sign_in(at)
    assert at.sidebar.error[0].value == "Te veel mislukte aanmeldingen. Wacht 1 seconde en probeer opnieuw."
    assert not at.file_uploader
    clock.now += 1
    assert sign_in(at).file_uploader(key="upload")


def test_a_new_password_or_a_removed_account_signs_out(url, coordinator):
    at = sign_in(_page("gegevens.py"))
    assert at.file_uploader
    coordinator.write_text(f'[coordinators]\nan = "{_hash("een ander wachtwoord")}"\n', encoding="utf-8")
    at.run()
    assert not at.file_uploader and at.text_input(key="signin_name")


def test_an_unreadable_accounts_file_allows_no_writes(url, coordinator):
    coordinator.write_text('[coordinators]\nan = "geheim-en-geen-hash"\n', encoding="utf-8")
    at = _page("gegevens.py")
    error = at.sidebar.error[0].value
    assert "het account an heeft geen geldige bcrypt-hash" in error and "geheim-en-geen-hash" not in error
    assert not at.file_uploader and not at.text_input
