"""Reference data of all of Flanders: 300 municipalities until 2024, 285 from 2025, provinces, boundaries.

The expected figures are Statbel's as the sources give them: population on 1 January 2018 per
municipality in vandenbroucke/belgian_municipalities (summed here per province by hand), and on
1 January 2020 Statbel's province rows in bmesuere/belgium-topojson's bevolking_per_gemeente.csv.
"""

import re

import geopandas as gpd
import pandas as pd
import pytest

from dashboard import reference

ANTWERPEN, VLAAMS_BRABANT, WEST_VLAANDEREN, OOST_VLAANDEREN, LIMBURG = "10000", "20001", "30000", "40000", "70000"

#: Zwijndrecht (11056) on 1 January 2018 and 2020: it leaves Antwerpen for Oost-Vlaanderen in 2025.
ZWIJNDRECHT_2018, ZWIJNDRECHT_2020 = 19_002, 19_154


def _per_province(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.groupby("province_nis_code").agg(
        n=("nis_code", "size"), population_2018=("population_2018", "sum"),
        population_2020=("population_2020", "sum"))


def test_300_municipalities_until_2024_per_province_with_statbel_population():
    frame = reference.flemish_municipalities("2018")
    assert len(frame) == 300 and frame["nis_code"].is_unique
    assert frame["nis_code"].str.fullmatch(r"\d{5}").all()
    assert frame["main_postcode"].str.fullmatch(r"\d{4}").all()
    figures = _per_province(frame)
    assert figures["n"].to_dict() == {ANTWERPEN: 69, VLAAMS_BRABANT: 65, WEST_VLAANDEREN: 64,
                                      OOST_VLAANDEREN: 60, LIMBURG: 42}
    assert figures["population_2018"].to_dict() == {ANTWERPEN: 1_847_486, VLAAMS_BRABANT: 1_138_489,
                                                    WEST_VLAANDEREN: 1_191_059, OOST_VLAANDEREN: 1_505_053,
                                                    LIMBURG: 870_880}
    # Statbel 2020: Vlaams-Brabant = arrondissements Halle-Vilvoorde 643,766 + Leuven 512,077.
    assert figures["population_2020"].to_dict() == {ANTWERPEN: 1_869_730, VLAAMS_BRABANT: 1_155_843,
                                                    WEST_VLAANDEREN: 1_200_945, OOST_VLAANDEREN: 1_525_255,
                                                    LIMBURG: 877_370}
    assert frame["population_2018"].sum() == 6_552_967
    assert frame["population_2020"].sum() == 6_629_143  # Statbel's Vlaams Gewest


def test_285_municipalities_from_2025_with_zwijndrecht_in_oost_vlaanderen():
    frame = reference.flemish_municipalities("2025")
    assert len(frame) == 285 and frame["nis_code"].is_unique
    figures = _per_province(frame)
    assert figures["n"].to_dict() == {ANTWERPEN: 67, VLAAMS_BRABANT: 63, WEST_VLAANDEREN: 62,
                                      OOST_VLAANDEREN: 55, LIMBURG: 38}
    assert figures.loc[ANTWERPEN, "population_2018"] == 1_847_486 - ZWIJNDRECHT_2018 == 1_828_484
    assert figures.loc[OOST_VLAANDEREN, "population_2018"] == 1_505_053 + ZWIJNDRECHT_2018 == 1_524_055
    assert figures.loc[ANTWERPEN, "population_2020"] == 1_869_730 - ZWIJNDRECHT_2020 == 1_850_576
    assert figures.loc[OOST_VLAANDEREN, "population_2020"] == 1_525_255 + ZWIJNDRECHT_2020 == 1_544_409
    assert figures.loc[LIMBURG, "population_2020"] == 877_370
    assert frame["population_2018"].sum() == 6_552_967 and frame["population_2020"].sum() == 6_629_143


def test_pajottegem_and_beveren_kruibeke_zwijndrecht_are_the_sums_of_their_parts():
    new = reference.flemish_municipalities("2025").set_index("nis_code")
    pajottegem = new.loc["23106"]
    assert pajottegem["name_nl"] == "Pajottegem" and pajottegem["province_nis_code"] == VLAAMS_BRABANT
    # Galmaarden 8,725 + Gooik 9,236 + Herne 6,643 (2018); 8,836 + 9,189 + 6,699 (2020)
    assert pajottegem["population_2018"] == 8_725 + 9_236 + 6_643 == 24_604
    assert pajottegem["population_2020"] == 8_836 + 9_189 + 6_699 == 24_724
    assert pajottegem["main_postcode"] == "1755"  # Gooik, the most populous part
    bkz = new.loc["46030"]
    assert bkz["name_nl"] == "Beveren-Kruibeke-Zwijndrecht"
    assert (bkz["province_nis_code"], bkz["arrondissement"]) == (OOST_VLAANDEREN, "Sint-Niklaas")
    # Beveren 48,192 + Kruibeke 16,657 + Zwijndrecht 19,002
    assert bkz["population_2018"] == 48_192 + 16_657 + ZWIJNDRECHT_2018 == 83_851
    assert new.loc["73111", "name_fr"] == "Tongres-Looz"
    assert new.loc["11002", "population_2018"] == 523_248 + 10_685  # Antwerpen + Borsbeek
    assert new.loc["11002", "is_centrumstad"] and new.loc["71072", "is_centrumstad"]  # Antwerpen, Hasselt


def test_every_2025_municipality_is_the_sum_of_its_predecessors():
    old = reference.flemish_municipalities("2018")
    new = reference.flemish_municipalities("2025").set_index("nis_code")
    sums = old.groupby("nis_code_2025")[["population_2018", "population_2020", "area_km2"]].sum()
    assert sorted(sums.index) == sorted(new.index)
    assert (sums["population_2018"] == new.loc[sums.index, "population_2018"]).all()
    assert (sums["population_2020"] == new.loc[sums.index, "population_2020"]).all()
    assert ((sums["area_km2"] - new.loc[sums.index, "area_km2"]).abs() < 0.006).all()
    parts = old.groupby("nis_code_2025").size()
    # 13 mergers: eleven of two or three parts in the list, plus West-Vlaanderen's two.
    assert parts[parts > 1].to_dict() == {
        "11002": 2, "23106": 3, "37021": 2, "37022": 2, "44086": 2, "44087": 2, "44088": 2, "46029": 2,
        "46030": 3, "71071": 2, "71072": 2, "73110": 2, "73111": 2}


def test_west_vlaanderen_agrees_with_the_province_file():
    for geography in ("2018", "2025"):
        province = reference.municipalities(geography).set_index("nis_code")
        flemish = reference.flemish_municipalities(geography).set_index("nis_code")
        flemish = flemish[flemish["province_nis_code"] == WEST_VLAANDEREN]
        assert sorted(flemish.index) == sorted(province.index)
        flemish = flemish.loc[province.index]
        for column in ("name_nl", "name_fr", "arrondissement_nis_code", "arrondissement", "main_postcode",
                       "population_2018", "population_2020", "nis_code_2025", "name_nl_2025", "is_centrumstad"):
            assert flemish[column].tolist() == province[column].tolist(), (geography, column)
        # Both centres come from the same boundaries; these are snapped to a 1e-5° grid (≤ 6 m).
        assert (flemish[["lat", "lon"]] - province[["lat", "lon"]]).abs().max().max() <= 0.0001


def test_the_13_centrumsteden():
    frame = reference.flemish_municipalities("2018")
    assert sorted(frame.loc[frame["is_centrumstad"], "name_nl"]) == [
        "Aalst", "Antwerpen", "Brugge", "Genk", "Gent", "Hasselt", "Kortrijk", "Leuven", "Mechelen",
        "Oostende", "Roeselare", "Sint-Niklaas", "Turnhout"]


def test_codes_follow_refnis_and_postcodes_lead_to_the_2025_municipality():
    frame = reference.flemish_municipalities("2018")
    assert (frame["arrondissement_nis_code"] == frame["nis_code"].str[:2] + "000").all()
    assert (frame["arrondissement_nis_code_2025"] == frame["nis_code_2025"].str[:2] + "000").all()
    zwijndrecht = frame.set_index("nis_code").loc["11056"]
    assert (zwijndrecht["province_nis_code"], zwijndrecht["province_nis_code_2025"]) == (ANTWERPEN, OOST_VLAANDEREN)
    postcodes = reference.postcodes()
    pairs = set(zip(postcodes["postcode"], postcodes["nis_code"], strict=True))
    assert all((p, c) in pairs for p, c in zip(frame["main_postcode"], frame["nis_code_2025"], strict=True))
    named = frame.set_index("name_nl")
    assert named.loc["Nieuwpoort", "main_postcode"] == "8620" and named.loc["Diest", "main_postcode"] == "3290"


def test_provinces_and_the_region():
    table = reference.provinces("2018")
    assert table["nis_code"].tolist() == ["02000", ANTWERPEN, VLAAMS_BRABANT, WEST_VLAANDEREN,
                                          OOST_VLAANDEREN, LIMBURG]
    assert table["name_nl"].tolist() == ["Vlaams Gewest", "Antwerpen", "Vlaams-Brabant", "West-Vlaanderen",
                                         "Oost-Vlaanderen", "Limburg"]
    assert table.loc[table["nis_code"] == "02000", "name_fr"].item() == "Région flamande"
    assert table["municipalities"].tolist() == [300, 69, 65, 64, 60, 42]
    assert table["population_2020"].tolist() == [6_629_143, 1_869_730, 1_155_843, 1_200_945, 1_525_255, 877_370]
    assert reference.provinces("2025")["municipalities"].tolist() == [285, 67, 63, 62, 55, 38]


def test_flemish_crosswalk_maps_both_geographies_to_2025():
    walk = reference.flemish_crosswalk().set_index("nis_code")["nis_code_2025"]
    assert len(walk) == 312  # 300 codes of 2019–2024 + 12 new in 2025
    assert walk["11056"] == "46030" and walk["46030"] == "46030"  # Zwijndrecht; the new code itself
    assert walk["73040"] == "71072"  # Kortessem → Hasselt
    assert walk["11002"] == "11002" and walk["44021"] == "44021"  # Antwerpen keeps its code; Gent


def test_an_unknown_geography_is_refused_in_dutch():
    with pytest.raises(ValueError, match="kies 2018 of 2025"):
        reference.flemish_municipalities("2019")
    with pytest.raises(ValueError, match="kies 2018 of 2025"):
        reference.flemish_boundaries_file("2019")


def test_the_boundaries_are_valid_and_2025_is_the_dissolved_2018():
    old = gpd.read_file(reference.flemish_boundaries_file("2018")).set_index("nis_code")
    new = gpd.read_file(reference.flemish_boundaries_file("2025")).set_index("nis_code")
    assert sorted(old.index) == sorted(reference.flemish_municipalities("2018")["nis_code"])
    assert sorted(new.index) == sorted(reference.flemish_municipalities("2025")["nis_code"])
    for layer in (old, new):
        assert layer.crs.to_epsg() == 4326
        assert layer.geometry.is_valid.all() and set(layer.geom_type) <= {"Polygon", "MultiPolygon"}
        assert all(re.fullmatch(r"\d{5}", code) for code in layer.index)
    assert new.loc["23106", "name_nl"] == "Pajottegem"
    successor = reference.flemish_crosswalk().set_index("nis_code")["nis_code_2025"]
    dissolved = old.assign(nis_code_2025=old.index.map(successor)).dissolve("nis_code_2025").geometry.to_crs(31370)
    shipped = new.geometry.loc[dissolved.index].to_crs(31370)
    # Dissolving adds no area and loses none: under 1 m² of difference per municipality.
    assert (dissolved.symmetric_difference(shipped).area < 1.0).all()
    areas = reference.flemish_municipalities("2025").set_index("nis_code")["area_km2"]
    assert ((shipped.area / 1e6 - areas.loc[shipped.index]).abs() < 0.01).all()
