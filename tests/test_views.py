"""KPI cards and the ranking table, built from small indicator tables."""

import pandas as pd

from dashboard.indicators import vacancy_table
from dashboard.views import province_kpis, ranking_table
from tests.conftest import unit_rows


def _units() -> pd.DataFrame:
    vacant = {"status": "vacant", "group_code": "00", "floor_area_m2": 50}
    shop = {"floor_area_m2": 150}
    return pd.concat([
        unit_rows(vacant, shop, shop, shop, nis_code="34022"),  # Kortrijk 2018: 1 of 4, 50 of 500 m²
        unit_rows(vacant, vacant, shop, shop, shop, observed_on="2019-01-01", nis_code="34022"),  # 2 of 5
        unit_rows(vacant, {}, nis_code="37007"),  # Meulebeke 2018: 1 of 2
        unit_rows({}, {}, nis_code="37015"),  # Tielt 2018: 0 of 2
    ], ignore_index=True)


def test_province_kpis_with_change_against_the_year_before():
    province = vacancy_table(_units(), level="province")
    kpis = {kpi.label: kpi for kpi in province_kpis(province, 2019)}
    # 2019: only Kortrijk was inventoried: 2 of 5 units; 100 of 550 m²
    assert kpis["Leegstand (panden)"].value == "40,0 %"
    # 2018: 2 of 8 outlets vacant (Kortrijk 1, Meulebeke 1) = 25 %, so +15 points
    assert kpis["Leegstand (panden)"].delta == "+15,0 pp"
    assert kpis["Leegstand (oppervlakte)"].value == "18,2 %"
    assert kpis["Leegstaande panden"].value == "2"
    first = {kpi.label: kpi for kpi in province_kpis(province, 2018)}
    assert first["Leegstand (panden)"].value == "25,0 %"
    assert first["Leegstand (panden)"].delta is None  # no inventory before 2018


def test_ranking_from_lowest_vacancy_with_dutch_headers():
    municipal = vacancy_table(_units(), geography="2025")
    table = ranking_table(municipal, 2018)
    # Tielt (2025) = Meulebeke + Tielt: 1 of 4 = 25 %, Kortrijk 1 of 4 = 25 %: tie, by name
    assert table["Gemeente"].tolist() == ["Kortrijk", "Tielt"]
    assert table.index.tolist() == [1, 2]
    assert table.index.name == "Rang"
    assert table["Leegstand (panden)"].tolist() == [0.25, 0.25]
    assert table["Beoordeling"].tolist() == ["kritiek (> 12 %)", "kritiek (> 12 %)"]
