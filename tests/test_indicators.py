"""dashboard.tables.indicators and dashboard.tables.composite: the tables the CLI and pages show, on tiny data."""

import pandas as pd
import pytest

from dashboard.tables.composite import impact, vitality_table
from dashboard.tables.indicators import campaign_table, mix_table, placed_units, vacancy_table
from tests.conftest import unit_rows


def _kortrijk(day: str, statuses: list[str], groups: list[str] | None = None, **extra) -> pd.DataFrame:
    rows = [{"unit_id": f"k{i}", "status": s, "group_code": (groups or ["22"] * len(statuses))[i], **extra}
            for i, s in enumerate(statuses)]
    return unit_rows(*rows, observed_on=day, nis_code="34022").assign(unit_id=[r["unit_id"] for r in rows])


UNITS = pd.concat([
    _kortrijk("2023-01-01", ["occupied"] * 20 + ["vacant"] * 5),  # 5 / 25 = 0.2
    _kortrijk("2024-01-01", ["occupied"] * 16 + ["vacant"] * 4),  # 4 / 20: five units closed
], ignore_index=True)


def test_municipal_vacancy_with_flows_and_quality_flags():
    table = vacancy_table(UNITS)
    assert table["vacancy_rate_units"].tolist() == pytest.approx([0.2, 0.2])
    latest = table.iloc[1]
    assert latest["closures"] == 5 and latest["openings"] == 0  # k20…k24 (vacant in 2023) are gone
    assert latest["new_vacancies"] == 4 and latest["reoccupations"] == 0  # k16…k19: occupied → vacant
    assert latest["vacancy_rate_units_change"] == pytest.approx(0.0)
    assert not latest["is_small_sample"]  # 20 units: just enough
    assert not latest["is_possibly_incomplete"]  # 20 ≥ 0.75 × 25
    assert latest["is_low_area_coverage"]  # no floor areas at all


def test_retail_scope_and_the_province():
    units = pd.concat([UNITS, _kortrijk("2024-01-01", ["occupied"] * 5, groups=["59"] * 5).assign(
        unit_id=[f"h{i}" for i in range(5)])])
    retail = vacancy_table(units, year=2024, scope="retail").iloc[0]
    assert retail["units_total"] == 20 and retail["vacancy_rate_units"] == pytest.approx(4 / 20)
    everything = vacancy_table(units, year=2024).iloc[0]
    assert everything["vacancy_rate_units"] == pytest.approx(4 / 25)
    province = vacancy_table(units, level="province", year=2024).iloc[0]
    assert (province["nis_code"], province["units_vacant"], province["closures"]) == ("30000", 4, 5)


def test_shopping_areas():
    units = UNITS.assign(shopping_area=["Kern"] * 10 + [None] * 15 + ["Kern"] * 10 + [None] * 10)
    table = vacancy_table(units, level="shopping_area")
    assert table["shopping_area"].tolist() == ["Kern", "Kern"]
    assert table["units_total"].tolist() == [10, 10]
    assert table["municipality"].tolist() == ["Kortrijk", "Kortrijk"]


def test_mix_table_has_group_shares_and_quotients():
    units = pd.concat([
        _kortrijk("2024-01-01", ["occupied"] * 4, groups=["11", "11", "22", "59"]),
        unit_rows(*[{"group_code": g} for g in ["11", "22", "22", "22"]], observed_on="2024-01-01",
                  nis_code="31005"),
    ])
    table = mix_table(units).set_index("nis_code")
    assert table.loc["34022", "share_units_11"] == pytest.approx(0.5)
    # Province share of 11: 3 / 8. Kortrijk: 2 / 4 → LQ = 0.5 / 0.375 = 1.333
    assert table.loc["34022", "location_quotient_11"] == pytest.approx(0.5 / 0.375)
    assert table.loc["31005", "municipality"] == "Brugge"
    province = mix_table(units, level="province").iloc[0]
    assert province["location_quotient_11"] == pytest.approx(1.0)


CAMPAIGN = pd.DataFrame({"nis_code": ["37007", "37015", "34022"], "edition": [2021, 2021, 2021],
                         "participating_shops": [3, 5, 10], "bags_distributed": [None, None, 1000],
                         "votes_cast": [None, 100, None], "ambassadors": [1, 1, None]})


def test_campaign_table_merges_meulebeke_and_tielt_and_sums_the_province():
    municipal = campaign_table(CAMPAIGN, UNITS).set_index("nis_code")
    assert municipal.loc["37022", "participating_shops"] == 8  # Meulebeke 3 + Tielt 5
    assert municipal.loc["37022", "municipality"] == "Tielt"
    assert pd.isna(municipal.loc["34022", "participation_rate"])  # no inventory in or before 2021: unknown
    with_2021 = pd.concat([UNITS, _kortrijk("2021-01-01", ["occupied"] * 40)])
    assert campaign_table(CAMPAIGN, with_2021).set_index("nis_code").loc["34022", "participation_rate"] == 0.25
    province = campaign_table(CAMPAIGN, UNITS, level="province").iloc[0]
    assert province["participating_shops"] == 18
    assert province["votes_cast"] == 100 and province["population_year"] == 2020


def _town(nis_code: str, year: int, vacant: int, total: int = 20) -> pd.DataFrame:
    """``total`` units: ``vacant`` vacant, the others occupied, half daily (11) and half fashion (22)."""
    occupied = total - vacant
    rows = ([{"status": "vacant", "group_code": "00"}] * vacant
            + [{"group_code": "11" if i % 2 else "22"} for i in range(occupied)])
    return unit_rows(*rows, observed_on=f"{year}-01-01", nis_code=nis_code).assign(
        unit_id=lambda f: nis_code + "-" + f["unit_id"])


TOWNS = pd.concat([
    _town("34022", 2021, 2), _town("34022", 2024, 4),  # Kortrijk 0.10 → 0.20
    _town("31005", 2021, 4), _town("31005", 2024, 2),  # Brugge 0.20 → 0.10
    _town("33011", 2021, 6), _town("33011", 2024, 6),  # Ieper 0.30 → 0.30
])


def test_vitality_index_by_hand():
    table = vitality_table(TOWNS, CAMPAIGN.iloc[0:0], year=2024).set_index("municipality")
    # Vacancy 2024 (lower is better): Brugge 0.10 → 100, Kortrijk 0.20 → 50, Ieper 0.30 → 0.
    # Change over 3 years: Brugge −0.10 → 100, Ieper 0 → 50, Kortrijk +0.10 → 0.
    # Evenness is 1 everywhere (as many 11 as 22) → 50 each. Long-term vacancy and participation are
    # unknown, so the weights 0.3, 0.2, 0.2 are rescaled to 3/7, 2/7, 2/7.
    assert table.loc["Brugge", "vitality_index"] == pytest.approx(3 / 7 * 100 + 2 / 7 * 100 + 2 / 7 * 50)  # 85.7
    assert table.loc["Kortrijk", "vitality_index"] == pytest.approx(3 / 7 * 50 + 2 / 7 * 0 + 2 / 7 * 50)  # 35.7
    assert table.loc["Ieper", "vitality_index"] == pytest.approx(3 / 7 * 0 + 2 / 7 * 50 + 2 / 7 * 50)  # 28.6
    assert table.loc["Kortrijk", "weight_vacancy_rate_units"] == pytest.approx(3 / 7)
    assert table["rank_in_province"].to_dict() == {"Brugge": 1, "Kortrijk": 2, "Ieper": 3}
    assert table.loc["Kortrijk", "peer_group"] == "centrumsteden"
    assert table.loc["Kortrijk", "rank_in_peer_group"] == 2  # after Brugge
    assert table.loc["Ieper", "peer_group"] == "grote gemeenten (≥ 30.000)"  # not a Flemish centrumstad
    assert table.loc["Ieper", "rank_in_peer_group"] == 1


def test_impact_of_an_edition_by_hand():
    towns = pd.concat([
        _town("34022", 2021, 2), _town("34022", 2023, 4),  # Kortrijk 0.10 → 0.20
        _town("31005", 2021, 4), _town("31005", 2023, 2),  # Brugge 0.20 → 0.10
        _town("33011", 2021, 6), _town("33011", 2023, 6),  # Ieper 0.30 → 0.30
        _town("35013", 2021, 2), _town("35013", 2023, 4),  # Oostende 0.10 → 0.20
    ])
    campaign = pd.DataFrame({"nis_code": ["34022", "31005", "33011"], "edition": 2022,
                             "participating_shops": [10, 5, 0]})  # Ieper registered no shop: not taking part
    result = impact(towns, campaign, edition=2022)
    # Participants: Kortrijk +0.10, Brugge −0.10 → mean 0. Others: Ieper 0, Oostende +0.10 → mean +0.05.
    assert (result.n_participants, result.n_others) == (2, 2)
    assert result.estimate == pytest.approx(0.0 - 0.05)
    assert result.ci_low <= result.estimate <= result.ci_high
    assert "geen bewijs" in result.caveat


def test_vacancy_per_derived_core():
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs("EPSG:31370", "EPSG:4326", always_xy=True)
    # Twelve units 20 m apart on the Lange Steenstraat (3 vacant) and one unit 2 km away (no core).
    xs = [73_000 + 20 * i for i in range(12)] + [75_000]
    lon, lat = to_wgs84.transform(xs, [168_000] * 13)
    rows = [{"status": "vacant" if i < 3 else "occupied", "street": "Lange Steenstraat" if i < 12 else "Veldweg",
             "lat": lat[i], "lon": lon[i]} for i in range(13)]
    units = unit_rows(*rows, observed_on="2024-01-01", nis_code="34022")
    table = vacancy_table(units, level="core")
    assert table[["core_id", "core_name", "municipality", "units_total", "units_vacant"]].values.tolist() == [
        ["34022-K1", "Kern 1 — Lange Steenstraat", "Kortrijk", 12, 3]]
    assert table["vacancy_rate_units"].iloc[0] == pytest.approx(3 / 12)


def _inventory(day: str, ids: list[str], group_code: str, nis_code: str = "34022") -> pd.DataFrame:
    return pd.DataFrame({"unit_id": ids, "nis_code": nis_code, "observed_on": pd.Timestamp(day),
                         "status": "occupied", "group_code": group_code, "floor_area_m2": 10.0,
                         "vacant_since": pd.NaT})


def test_province_flows_come_from_each_municipality_latest_inventory_of_the_year():
    units = pd.concat([_inventory("2023-01-01", ["a", "b"], "11"),
                       _inventory("2024-01-01", ["a", "c"], "11"),  # b closes, c opens
                       _inventory("2024-06-01", ["x"], "59"),  # the latest of 2024: a café only
                       _inventory("2024-03-01", ["k"], "11", nis_code="31005")])  # a first inventory
    every = vacancy_table(units, level="province").set_index("year")
    # 2024-06-01 against 2024-01-01: x opens, a and c close; Kortrijk's 2024-01-01 does not count.
    assert (every.loc[2024, "openings"], every.loc[2024, "closures"]) == (1, 2)
    assert every.loc[2024, "observed_on"] == pd.Timestamp("2024-06-01")
    assert pd.isna(every.loc[2023, "openings"])  # nothing before the first inventory
    retail = vacancy_table(units, level="province", scope="retail").set_index("year")
    # In retail, 2024-06-01 has no units and so no flows, and 2024-01-01 is not the year's latest.
    assert pd.isna(retail.loc[2024, "openings"]) and pd.isna(retail.loc[2024, "closures"])
    assert retail.loc[2024, "observed_on"] == pd.Timestamp("2024-06-01")
    assert retail.loc[2024, "units_total"] == 1  # k; the café is not retail


def test_tables_from_placed_units_equal_those_from_stored_units():
    units = pd.concat([_inventory("2023-01-01", ["a", "b"], "11", nis_code="37007"),  # Meulebeke
                       _inventory("2024-01-01", ["a", "c"], "22", nis_code="37015")])  # Tielt: both Tielt in 2025
    placed = placed_units(units, "2025")
    municipal = vacancy_table(units)
    pd.testing.assert_frame_equal(vacancy_table(placed), municipal)
    pd.testing.assert_frame_equal(vacancy_table(placed, level="province", municipal=municipal),
                                  vacancy_table(units, level="province"))
    pd.testing.assert_frame_equal(mix_table(placed), mix_table(units))
    assert placed_units(placed, "2025") is placed  # placed already: used as it is
    with pytest.raises(ValueError, match="indeling 2025, niet 2018"):
        vacancy_table(placed, geography="2018")
