"""The sample data, measured through the real indicator code against the published figures.

Expected values are the published ones (see data/published_figures.csv for the sources),
written out here so that a change to the generator or the file cannot move both at once.
"""

import numpy as np
import pandas as pd
import pytest

from dashboard import reference
from dashboard.sample import generate_units, places
from dashboard.sample.units import outlet_counts
from dashboard.tables.indicators import vacancy_table

HALF_POINT = 0.005  # ±0.5 percentage point


@pytest.fixture(scope="module")
def units(seeded_store):
    return seeded_store.units()


@pytest.fixture(scope="module")
def province(units):
    return vacancy_table(units, level="province").set_index("year")


@pytest.fixture(scope="module")
def municipal_2018(units):
    return vacancy_table(units, geography="2018", year=2018).set_index("municipality")


@pytest.mark.parametrize(("year", "published"), [(2018, 0.083), (2019, 0.085), (2021, 0.103), (2022, 0.103)])
def test_province_vacancy_matches_locatus(province, year, published):
    assert province.loc[year, "vacancy_rate_units"] == pytest.approx(published, abs=HALF_POINT)


@pytest.mark.parametrize(("municipality", "published"), [
    ("Brugge", 0.057), ("Roeselare", 0.083), ("Oostende", 0.091), ("Kortrijk", 0.125), ("Ieper", 0.07),
])
def test_city_vacancy_2018_matches_the_press(municipal_2018, municipality, published):
    assert municipal_2018.loc[municipality, "vacancy_rate_units"] == pytest.approx(published, abs=HALF_POINT)


def test_ieper_is_just_under_seven_percent(municipal_2018):
    assert 0.065 <= municipal_2018.loc["Ieper", "vacancy_rate_units"] < 0.07  # "iets minder dan 7 procent"


def test_2021_has_locatus_count_of_vacant_outlets(province):
    assert abs(province.loc[2021, "units_vacant"] - 2936) <= 0.03 * 2936
    assert 28_000 <= province.loc[2021, "units_total"] <= 29_000  # about 28,500 outlets


def test_every_municipality_has_ten_yearly_inventories(units):
    inventories = units.groupby("nis_code")["observed_on"].unique()
    assert len(inventories) == 64
    expected = [pd.Timestamp(year, 1, 1) for year in range(2015, 2025)]
    assert all(sorted(days) == expected for days in inventories)


def test_more_outlets_per_inhabitant_in_centrumsteden_and_at_the_coast(units):
    latest = units[(units["observed_on"] == "2018-01-01") & ~units["group_code"].isin(["45", "80"])]
    counts = latest.groupby("nis_code").size()
    places_2018 = reference.municipalities("2018").set_index("nis_code")
    per_1000 = counts / places_2018["population_2018"] * 1000
    assert 20 <= counts.sum() / places_2018["population_2018"].sum() * 1000 <= 28  # about 24
    city = places_2018["is_centrumstad"]
    coast = places_2018["is_coastal"] & ~city
    rural = ~city & ~coast & (places_2018["population_2018"] < 8000)
    assert per_1000[city].mean() > 1.4 * per_1000[rural].mean()
    assert per_1000[coast].mean() > 1.3 * per_1000[rural].mean()


def test_units_look_like_an_inventory(units):
    vacant = units["status"] == "vacant"
    assert units.loc[vacant, "name"].isna().all()
    assert units.loc[vacant, "category"].eq("00-Leegstand").all()
    dated = units[vacant & units["vacant_since"].notna()]
    assert (dated["vacant_since"] <= dated["observed_on"]).all()
    assert 0.85 <= units.loc[vacant, "vacant_since"].notna().mean() <= 0.95  # some durations unknown
    assert 0.9 <= units["floor_area_m2"].notna().mean() <= 0.97
    assert 0.1 <= units.loc[~vacant, "chain"].astype(bool).mean() <= 0.4
    assert units["street"].notna().all() and units["lat"].notna().all()
    centres = reference.municipalities("2018").set_index("nis_code")
    codes = units["nis_code"].astype(str)  # the store keeps codes categorical
    distance_km = np.hypot((units["lat"] - codes.map(centres["lat"])) * 111.3,
                           (units["lon"] - codes.map(centres["lon"])) * 70.0)
    assert distance_km.max() < 6  # clustered around each centre
    assert distance_km.median() < 1.5
    assert units.groupby(["unit_id", "observed_on"]).size().max() == 1


def test_flows_between_inventories(units):
    kortrijk = units[units["nis_code"] == "34022"]
    before = kortrijk[kortrijk["observed_on"] == "2018-01-01"].set_index("unit_id")["status"]
    after = kortrijk[kortrijk["observed_on"] == "2019-01-01"].set_index("unit_id")["status"]
    both = before.index.intersection(after.index)
    assert ((before[both] == "occupied") & (after[both] == "vacant")).sum() > 0  # new vacancies
    assert ((before[both] == "vacant") & (after[both] == "occupied")).sum() > 0  # re-lets
    assert len(after.index.difference(before.index)) > 0  # openings
    assert len(before.index.difference(after.index)) > 0  # closures


def test_campaign_counts_are_the_published_ones(seeded_store):
    campaign = seeded_store.campaign()
    totals = campaign.groupby("edition")[["bags_distributed", "participating_shops", "votes_cast",
                                          "ambassadors"]].sum()
    assert totals.loc[2017, "bags_distributed"] == 50_000
    kortrijk_2017 = campaign[(campaign["edition"] == 2017) & (campaign["nis_code"] == "34022")]
    assert kortrijk_2017["bags_distributed"].tolist() == [10_000]
    partners_2017 = set(campaign.loc[campaign["edition"] == 2017, "municipality"])
    assert partners_2017 == {"Brugge", "Oostende", "Roeselare", "Kortrijk", "Ieper", "Koksijde", "Blankenberge",
                             "Izegem", "Menen"}
    for edition, shops, votes, ambassadors in [(2019, 300, 18_000, 47), (2021, 400, 35_000, 52),
                                               (2022, 300, 30_000, 57)]:
        assert totals.loc[edition, "participating_shops"] == shops
        assert totals.loc[edition, "votes_cast"] == votes
        assert totals.loc[edition, "ambassadors"] == ambassadors
    assert totals.loc[2018, "ambassadors"] == 9


def test_votes_per_shop_add_up_to_the_campaign_figures(seeded_store):
    campaign = seeded_store.campaign().set_index(["nis_code", "edition"])
    votes = seeded_store.votes()
    per_municipality = votes.groupby(["nis_code", "edition"]).agg(votes=("votes", "sum"), shops=("votes", "size"),
                                                                   winners=("winner", "sum"))
    joined = per_municipality.join(campaign)
    assert (joined["votes"] == joined["votes_cast"]).all()
    assert (joined["shops"] == joined["participating_shops"]).all()
    assert (joined["winners"] == 1).all()
    kbo = votes["kbo_number"].dropna()
    assert kbo.str.fullmatch(r"[01]\d{9}").all()
    assert (97 - kbo.str[:8].astype(int) % 97 == kbo.str[8:].astype(int)).all()  # KBO check digits


def test_generation_is_deterministic_and_stored_faithfully(units):
    again = generate_units()
    stored = units.drop(columns="batch_id").sort_values(["unit_id", "observed_on"]).reset_index(drop=True)
    fresh = again.sort_values(["unit_id", "observed_on"]).reset_index(drop=True)
    assert len(stored) == len(fresh)
    for column in ("unit_id", "status", "group_code", "name", "street"):
        assert stored[column].fillna("").tolist() == fresh[column].fillna("").tolist(), column
    assert np.allclose(stored["floor_area_m2"].fillna(-1), fresh["floor_area_m2"].fillna(-1))
    assert stored["vacant_since"].equals(fresh["vacant_since"].astype(stored["vacant_since"].dtype))


def test_scale_multiplies_the_outlets():
    years = range(2015, 2025)
    single = outlet_counts(places(), years, np.random.default_rng(1), 1.0)
    double = outlet_counts(places(), years, np.random.default_rng(1), 2.0)
    assert single[2021].sum() == 28_505
    assert double[2021].sum() == 57_010


@pytest.mark.slow
def test_an_earlier_first_year_follows_the_assumed_path_back():
    units = generate_units(scale=0.2, first_year=2011)
    inventories = units.groupby("nis_code")["observed_on"].unique()
    expected = [pd.Timestamp(year, 1, 1) for year in range(2011, 2025)]  # fourteen yearly inventories
    assert len(inventories) == 64 and all(sorted(days) == expected for days in inventories)
    province = vacancy_table(units, level="province").set_index("year")["vacancy_rate_units"]
    # 0.2 pp a year back from 2015's assumed 7.7 %; the published years still hold.
    for year, rate in [(2011, 0.069), (2012, 0.071), (2013, 0.073), (2014, 0.075), (2015, 0.077), (2018, 0.083),
                       (2021, 0.103)]:
        assert province[year] == pytest.approx(rate, abs=0.001), year


def test_a_sample_starts_between_2000_and_2015():
    from dashboard.sample import check_first_year

    assert check_first_year(2000) == 2000 and check_first_year(2015) == 2015
    for year in (1999, 2016):
        with pytest.raises(ValueError, match=f"beginnen in een jaar van 2000 tot 2015, niet in {year}"):
            check_first_year(year)
