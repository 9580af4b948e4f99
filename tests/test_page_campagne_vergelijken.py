"""The Campagne and Vergelijken pages in AppTest, on a small store with known figures."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.store.database import Batch, Store
from tests.conftest import shown, unit_rows

PAGES = Path(__file__).resolve().parent.parent / "pages"


def _town(nis_code: str, year: int, vacant: int, total: int = 20) -> pd.DataFrame:
    rows = [{"status": "vacant", "group_code": "00"}] * vacant + [{"group_code": "22"}] * (total - vacant)
    units = unit_rows(*rows, observed_on=f"{year}-01-01", nis_code=nis_code)
    return units.assign(unit_id=nis_code + "-" + units["unit_id"])


@pytest.fixture
def url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(url)
    store.add_batch(Batch(kind="units", file_name="u.csv", raw=b"u"), pd.concat([
        _town("34022", 2021, 2), _town("34022", 2023, 4),  # Kortrijk 0.10 → 0.20
        _town("31005", 2021, 4), _town("31005", 2023, 2),  # Brugge 0.20 → 0.10
        _town("33011", 2021, 6), _town("33011", 2023, 6),  # Ieper 0.30 → 0.30
        _town("35013", 2021, 2), _town("35013", 2023, 4),  # Oostende 0.10 → 0.20
    ]))
    store.add_batch(Batch(kind="campaign", file_name="c.csv", raw=b"c"), pd.DataFrame({
        "nis_code": ["34022", "31005"], "edition": [2022, 2022], "participating_shops": [9, 4],
        "bags_distributed": [1000, None]}))
    store.add_batch(Batch(kind="votes", file_name="v.csv", raw=b"v"), pd.DataFrame({
        "nis_code": ["34022", "34022", "31005"], "edition": 2022, "shop_name": ["Bakkerij A", "Boeken B", "Café C"],
        "kbo_number": [None, None, None], "votes": [120, 80, 50], "winner": [True, False, True]}))
    monkeypatch.setenv("KERNMONITOR_DB", url)
    return url


def _table(at: AppTest, column: str) -> pd.DataFrame:
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def test_campaign_reach_leaderboard_and_impact(url):
    at = AppTest.from_file(str(PAGES / "campagne.py"), default_timeout=120).run()
    assert not at.exception
    reach = _table(at, "Deelname").set_index("Gemeente")
    assert reach.loc["Kortrijk", "Deelname"] == pytest.approx(9 / 18)  # 18 occupied retail units in 2021
    assert reach.loc["Brugge", "Deelname"] == pytest.approx(4 / 16)
    seen = next(shown(frame) for frame in at.dataframe if "Deelname" in frame.value.columns).set_index("Gemeente")
    # As shown: 50,0 % and 25,0 %; a figure not reported is "–", never None or 0.
    assert seen.loc["Kortrijk", ["Deelname", "Kandidaat-ambassadeurs", "Budget (EUR)"]].tolist() == [
        "50,0 %", "–", "–"]
    assert seen.loc["Brugge", "Deelname"] == "25,0 %"
    # Every figure of the data model is a column; not reported here, so empty.
    figures = ["Kandidaat-ambassadeurs", "Acties", "Bereik sociale media", "Budget (EUR)"]
    assert reach[figures].isna().all().all()
    board = _table(at, "Winkel")
    assert board[["Gemeente", "Plaats", "Winkel"]].values.tolist() == [
        ["Brugge", 1, "Café C"], ["Kortrijk", 1, "Bakkerij A"], ["Kortrijk", 2, "Boeken B"]]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Bereikte ondernemingen (EFRO CO01/CO04), alle edities"] == "3"
    # Participants Kortrijk (+0.10) and Brugge (−0.10): mean 0; others Ieper 0, Oostende +0.10: mean +0.05.
    assert metrics["Verschil in verschillen"] == "-5,0 pp"
    assert metrics["Gemeenten"] == "2 deelnemers · 2 andere"
    # Resampled, the participants' mean change lies in −0,10…+0,10 and the others' in 0…+0,10: the
    # interval holds 0, and the page says so in words.
    assert any(md.value.startswith("Geen meetbaar verschil: van 2021 tot 2023") for md in at.markdown)
    assert any("geen bewijs" in caption.value for caption in at.caption)


def test_compare_chosen_municipalities(url):
    at = AppTest.from_file(str(PAGES / "vergelijken.py"), default_timeout=120).run()
    assert not at.exception
    table = _table(at, "Gemeente")
    assert table["Gemeente"].tolist() == ["Brugge", "Kortrijk", "Oostende"]  # Roeselare has no inventory
    assert table["Leegstand (panden)"].tolist() == pytest.approx([0.1, 0.2, 0.2])
    seen = next(shown(frame) for frame in at.dataframe if "Gemeente" in frame.value.columns)
    assert seen[["Gemeente", "Verkooppunten", "Leegstand (panden)", "Beoordeling"]].values.tolist() == [
        ["Brugge", "20", "10,0 %", "verhoogd"], ["Kortrijk", "20", "20,0 %", "kritiek"],
        ["Oostende", "20", "20,0 %", "kritiek"]]
    at.selectbox(key="peers_of").set_value("33011").run()  # Ieper: a town of 30,000 or more
    assert "Ieper" in _table(at, "Gemeente")["Gemeente"].tolist()
