"""analysis.campaign: reach, leaderboard and EFRO outputs on hand-made figures."""

import pandas as pd
import pytest

from analysis.campaign import campaign_reach, leaderboard, occupied_retail_units, unique_enterprises


def _units(nis_code: str, day: str, occupied_retail: int, other: int = 0) -> pd.DataFrame:
    groups = ["22"] * occupied_retail + ["59"] * other  # horeca is no retail
    return pd.DataFrame({"nis_code": nis_code, "observed_on": pd.Timestamp(day), "status": "occupied",
                         "group_code": groups})


UNITS = pd.concat([
    _units("34022", "2018-01-01", 400, other=50),
    _units("34022", "2019-01-01", 380),
    _units("34022", "2023-01-01", 200),  # after the 2021 edition: not used for it
    _units("33011", "2017-01-01", 150),
    pd.DataFrame({"nis_code": "33011", "observed_on": pd.Timestamp("2017-01-01"), "status": "vacant",
                  "group_code": ["00"] * 20}),  # vacant units do not count
])
POPULATION = pd.DataFrame({"nis_code": ["34022", "34022", "33011", "33011"], "year": [2018, 2020, 2018, 2020],
                           "population": [76_265, 77_109, 34_964, 34_979]})
CAMPAIGN = pd.DataFrame({"nis_code": ["34022", "34022", "33011"], "edition": [2019, 2021, 2019],
                         "participating_shops": [38, 57, None], "bags_distributed": [10_000, None, 5_000],
                         "votes_cast": [3_800, 7_711, None], "ambassadors": [6, 7, 5]})


def test_reach_per_edition():
    reach = campaign_reach(CAMPAIGN, occupied_retail_units(UNITS), POPULATION).set_index(["nis_code", "edition"])
    kortrijk_2019 = reach.loc[("34022", 2019)]
    assert kortrijk_2019["inventory_observed_on"] == pd.Timestamp("2019-01-01")  # latest in or before 2019
    assert kortrijk_2019["participation_rate"] == pytest.approx(38 / 380)  # 0.1
    assert kortrijk_2019["population_year"] == 2018  # 2018 and 2020 are as near: the earlier wins
    assert kortrijk_2019["bags_per_1000"] == pytest.approx(10_000 / 76.265)  # 131.12
    assert kortrijk_2019["votes_per_1000"] == pytest.approx(3_800 / 76.265)  # 49.83
    kortrijk_2021 = reach.loc[("34022", 2021)]
    assert kortrijk_2021["retail_units_occupied"] == 380  # the 2023 inventory comes after the edition
    assert kortrijk_2021["population_year"] == 2020
    assert kortrijk_2021["votes_per_1000"] == pytest.approx(7_711 / 77.109)  # 100.0
    assert pd.isna(kortrijk_2021["bags_per_1000"])  # not reported is unknown, not 0
    ieper = reach.loc[("33011", 2019)]
    assert ieper["retail_units_occupied"] == 150 and pd.isna(ieper["participation_rate"])
    assert ieper["ambassadors"] == 5


def test_leaderboard_and_unique_enterprises():
    votes = pd.DataFrame({
        "nis_code": ["36015"] * 4 + ["36015"] * 2,
        "edition": [2021] * 4 + [2022] * 2,
        "shop_name": ["Bakkerij Peeters", "Boekhandel Veen", "Slagerij Dewitte", "Fietsen Vanhee",
                      "Bakkerij Peeters BV",  # the same shop again, with its legal form
                      "Boekhandel Veen Roeselare"],  # renamed, but the KBO number says it is Veen
        "kbo_number": [None, "0403170701", None, None, None, "0403170701"],
        "votes": [812, 95, 95, 10, 700, 40], "winner": [True, False, False, False, True, False]})
    board = leaderboard(votes)
    first = board[board["edition"] == 2021]
    assert first[["rank", "shop_name"]].values.tolist() == [
        [1, "Bakkerij Peeters"], [2, "Boekhandel Veen"], [2, "Slagerij Dewitte"], [4, "Fietsen Vanhee"]]
    assert len(leaderboard(votes, top=1)) == 2  # the winner of each edition
    assert unique_enterprises(votes) == 4  # Peeters, Veen, Dewitte, Vanhee
    per_edition = unique_enterprises(votes, by=["edition"])
    assert per_edition["enterprises_reached"].tolist() == [4, 2]
