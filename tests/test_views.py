"""KPI cards and the ranking table, built from small indicator tables."""

import pandas as pd

from dashboard.tables.indicators import vacancy_table
from dashboard.ui.views import province_kpis, ranking_table
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
    # Both have 4 units; Kortrijk knows every area, Tielt only Meulebeke's vacant one (1 of 4).
    assert table["Let op"].tolist() == ["minder dan 20 panden", "minder dan 20 panden; oppervlakte onvolledig"]


def test_map_table_takes_vitality_and_the_latest_edition():
    from dashboard.ui.views import map_table

    municipal = pd.DataFrame({"nis_code": ["34022", "31005"], "year": 2024, "units_total": [20, 10],
                              "observed_on": pd.Timestamp("2024-01-01"), "vacancy_rate_units": [0.2, 0.1]})
    vitality = pd.DataFrame({"nis_code": ["34022"], "vitality_index": [61.5]})
    reach = pd.DataFrame({"nis_code": ["34022", "34022", "34022"], "edition": [2021, 2022, 2025],
                          "participation_rate": [0.1, 0.3, 0.9]})  # 2025 comes after the inventory year
    mix = pd.DataFrame(columns=["nis_code", "year"])
    assert map_table(municipal, mix, 2024, "vitality_index", vitality=vitality)["vitality_index"].tolist()[0] == 61.5
    shown = map_table(municipal, mix, 2024, "participation_rate", reach=reach).set_index("nis_code")
    assert shown.loc["34022", "participation_rate"] == 0.3 and pd.isna(shown.loc["31005", "participation_rate"])


def test_the_impact_is_said_in_words_and_only_claimed_when_the_interval_excludes_zero():
    from types import SimpleNamespace

    from dashboard.ui.views import impact_sentence

    def result(low, estimate, high):
        return SimpleNamespace(ci_low=low, estimate=estimate, ci_high=high, before_year=2021, after_year=2023)

    assert impact_sentence(result(-0.02, 0.005, 0.03)).startswith(
        "Geen meetbaar verschil: van 2021 tot 2023 veranderde de leegstand bij de deelnemende gemeenten niet "
        "aantoonbaar anders dan bij de andere (het interval, -2,0 pp tot +3,0 pp, bevat 0).")
    assert impact_sentence(result(-0.03, -0.02, -0.01)).startswith(
        "De leegstand veranderde van 2021 tot 2023 bij de deelnemende gemeenten gunstiger dan bij de andere: "
        "-2,0 pp (95 %-interval -3,0 pp tot -1,0 pp).")
    assert "ongunstiger" in impact_sentence(result(0.01, 0.02, 0.03))
    assert impact_sentence(result(float("nan"), float("nan"), float("nan"))) == (
        "Er zijn te weinig gemeenten om een effect te schatten.")


def test_a_change_of_nothing_is_neither_good_nor_bad_and_says_against_what():
    province = pd.DataFrame({"year": [2023, 2024], "vacancy_rate_units": [0.1, 0.1], "vacancy_rate_floor": [0.1, 0.12],
                             "floor_area_coverage": [1.0, 1.0], "units_vacant": [10, 10], "units_total": [100, 100],
                             "long_term_vacancy_share": [0.5, 0.4]})
    cards = {kpi.label: kpi for kpi in province_kpis(province, 2024)}
    assert (cards["Leegstand (panden)"].delta, cards["Leegstand (panden)"].delta_color) == ("±0,0 pp", "off")
    assert (cards["Leegstand (oppervlakte)"].delta, cards["Leegstand (oppervlakte)"].delta_color) == ("+2,0 pp",
                                                                                                     "inverse")
    assert cards["Leegstand (oppervlakte)"].delta_description == "sinds 2023"
