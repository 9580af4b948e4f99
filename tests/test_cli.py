"""The command line, run as a user runs it: ``python -m dashboard``."""

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from dashboard.store.database import Batch, Store
from tests.conftest import unit_rows


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def small_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'small.db'}"
    vacant = {"status": "vacant", "group_code": "00"}
    units = pd.concat([
        unit_rows(vacant, {}, {}, {}, nis_code="34022"),  # Kortrijk 2018: 1 of 4
        unit_rows(vacant, vacant, {}, {}, {}, observed_on="2019-01-01", nis_code="34022"),  # 2019: 2 of 5
        unit_rows(vacant, {}, nis_code="37007"),  # Meulebeke 2018: 1 of 2
        unit_rows({}, {}, {"group_code": "80"}, nis_code="37015"),  # Tielt 2018: 0 of 2 (+ an ATM)
    ], ignore_index=True)
    units["unit_id"] = units["nis_code"] + "-" + units["unit_id"]
    Store(url).add_batch(Batch(kind="units", file_name="klein.csv", raw=b"x"), units)
    return url


def test_municipal_csv_in_2025_geography(small_url):
    done = run("indicators", "--db", small_url, "--topic", "vacancy", "--level", "municipality",
               "--year", "2018", "--format", "csv")
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(io.StringIO(done.stdout), dtype={"nis_code": str})
    assert table[["nis_code", "municipality", "units_total", "units_vacant", "vacancy_rate_units"]].values.tolist() == [
        ["34022", "Kortrijk", 4, 1, 0.25],
        ["37022", "Tielt", 4, 1, 0.25],  # Meulebeke 1 of 2 + Tielt 0 of 2
    ]
    for column in ("observed_on", "year", "floor_area_total_m2", "floor_area_vacant_m2", "vacancy_rate_floor",
                   "long_term_vacancy_share", "vacancy_band"):
        assert column in table.columns
    assert table["observed_on"].tolist() == ["2018-01-01", "2018-01-01"]


def test_municipal_csv_in_2018_geography(small_url):
    done = run("indicators", "--db", small_url, "--year", "2018", "--geography", "2018")
    table = pd.read_csv(io.StringIO(done.stdout), dtype={"nis_code": str})
    assert table.set_index("nis_code")["vacancy_rate_units"].to_dict() == {"34022": 0.25, "37007": 0.5, "37015": 0.0}


def test_province_json(small_url):
    done = run("indicators", "--db", small_url, "--level", "province", "--format", "json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [(r["year"], r["units_total"], r["units_vacant"]) for r in rows] == [(2018, 8, 2), (2019, 5, 2)]
    assert rows[0]["nis_code"] == "30000"
    assert rows[0]["vacancy_rate_units"] == 0.25
    assert rows[0]["vacancy_rate_units_change"] is None
    assert rows[1]["vacancy_rate_units_change"] == pytest.approx(0.15)
    assert rows[1]["vacancy_band"] == "kritiek"


@pytest.mark.parametrize("args", [("indicators", "--topic", "weer"), ("indicators", "--level", "straat"),
                                  ("seed", "--scale", "0"), ("seed", "--first-year", "2016"),
                                  ("seed", "--first-year", "vroeg"), ("verkeerd",), ()])
def test_wrong_usage_exits_2(args):
    assert run(*args).returncode == 2


def test_seed_refuses_a_store_with_imported_data(small_url):
    done = run("seed", "--db", small_url)
    assert done.returncode == 1
    assert "geïmporteerde gegevens" in done.stderr
    assert run("seed", "--db", small_url, "--if-empty").returncode == 0  # nothing to do
    assert len(Store(small_url).batches()) == 1


def test_seed_fills_an_empty_store_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"
    done = run("seed", "--db", url, "--scale", "0.02", "--if-empty")
    assert done.returncode == 0, done.stderr
    store = Store(url)
    assert store.has_sample_data()
    assert sorted(store.batches()["kind"]) == ["areas", "campaign", "units", "votes"]
    version = store.version()
    assert run("seed", "--db", url, "--if-empty").returncode == 0
    assert store.version() == version  # the second run changed nothing


def test_help_works():
    done = run("--help")
    assert done.returncode == 0
    assert "seed" in done.stdout and "indicators" in done.stdout


def _main(capsys, *args: str) -> tuple[int, str, str]:
    from dashboard.cli.main import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_mix_and_scope(small_url, capsys):
    code, out, _ = _main(capsys, "indicators", "--db", small_url, "--topic", "mix", "--year", "2018")
    assert code == 0
    table = pd.read_csv(io.StringIO(out), dtype={"nis_code": str})
    assert table.set_index("nis_code")["units_mix_known"].to_dict() == {"34022": 3, "37022": 3}
    assert {"shannon_diversity", "evenness", "share_units_11", "location_quotient_11"} <= set(table.columns)
    code, out, _ = _main(capsys, "indicators", "--db", small_url, "--scope", "retail", "--year", "2019",
                         "--format", "json")
    assert json.loads(out)[0]["vacancy_rate_units"] == 0.4  # all units are retail (11) or vacant


def test_campaign_topic(small_url, capsys):
    campaign = pd.DataFrame({"nis_code": ["34022", "31005"], "edition": [2019, 2019], "participating_shops": [3, 1],
                             "ambassador_candidates": [12, None], "events": [3, None], "social_reach": [2500, None],
                             "budget_eur": [1250.5, None]})  # Brugge reported only its shops
    Store(small_url).add_batch(Batch(kind="campaign", file_name="c.csv", raw=b"c"), campaign)
    code, out, _ = _main(capsys, "indicators", "--db", small_url, "--topic", "campaign", "--format", "json")
    assert code == 0
    rows = {row["municipality"]: row for row in json.loads(out)}
    row = rows["Kortrijk"]
    # Every campaign figure of the data model comes back out; one not reported stays empty, never 0.
    assert [row[c] for c in ["ambassador_candidates", "events", "social_reach", "budget_eur"]] == [12, 3, 2500, 1250.5]
    assert [rows["Brugge"][c] for c in ["ambassador_candidates", "events", "social_reach", "budget_eur"]] == [None] * 4
    assert (row["municipality"], row["edition"], row["participating_shops"]) == ("Kortrijk", 2019, 3)
    assert row["participation_rate"] == 1.0  # 3 shops of the 3 occupied retail units of 1/1/2019
    assert row["inventory_observed_on"] == "2019-01-01"


@pytest.mark.parametrize("args", [("--topic", "vitality"), ("--topic", "mix", "--level", "core"),
                                  ("--topic", "impact", "--year", "2019", "--level", "province")])
def test_topics_that_need_other_options_exit_2(small_url, capsys, args):
    code, _, err = _main(capsys, "indicators", "--db", small_url, *args)
    assert code == 2
    assert "kies municipality of province" in err or "vraagt --year" in err
