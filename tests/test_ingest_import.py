"""Importing files end to end through the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import ingest
from dashboard.cli.main import main
from dashboard.ingest import prepare
from dashboard.store.database import Store
from dashboard.tables.indicators import vacancy_table
from tests import ingest_files as files


def _import(tmp_path, capsys, url: str, name: str, raw: bytes, *options: str) -> tuple[int, str]:
    path = tmp_path / name
    path.write_bytes(raw)
    code = main(["import", str(path), "--db", url, "--by", "test", *options])
    return code, capsys.readouterr().err


def _rate(url: str, nis_code: str, *, geography: str = "2025", year: int = 2024) -> tuple[int, int, float]:
    table = vacancy_table(Store(url).units(), level="municipality", geography=geography, year=year)
    row = table.set_index("nis_code").loc[nis_code]
    return int(row["units_total"]), int(row["units_vacant"]), float(row["vacancy_rate_units"])


def test_cp1252_semicolons_and_decimal_commas(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "kortrijk.csv", files.KORTRIJK_CP1252)
    assert code == 0, err
    assert "Batch 1: 4 rij(en) geïmporteerd" in err
    units = Store(store_url).units().set_index("house_number")
    assert units.loc["12", "name"] == "Café Zoë"  # Windows-1252 accents kept
    assert units.loc["12", "floor_area_m2"] == 1250.5  # 1.250,5
    assert units.loc["14", "vacant_since"] == pd.Timestamp("2021-03-15")
    assert units["nis_code"].tolist() == ["34022"] * 4  # name, French name and capitals all resolve
    assert units.loc["1", "group_code"] == "80"
    assert _rate(store_url, "34022") == (3, 1, pytest.approx(1 / 3))  # the ATM is no outlet
    table = vacancy_table(Store(store_url).units(), level="municipality", year=2024)
    assert table["vacancy_rate_floor"].iloc[0] == pytest.approx(85.5 / 1456)


def test_utf8_bom_commas_iso_dates_and_a_multiline_name(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "brugge.csv", files.BRUGGE_UTF8_BOM)
    assert code == 0, err
    units = Store(store_url).units().set_index("unit_id")
    assert units.loc["B1", "name"] == 'Mode "Anna" en zonen, bv'  # quotes kept, line break made a space
    assert units.loc["B1", "group_code"] == "22"  # NACE 47.71 clothing → Mode & Luxe
    assert units.loc["B3", "group_code"] == "59"  # NACE 56.10 restaurants → Horeca
    assert units.loc["B2", "status"] == "vacant"  # "leegstaand"
    assert _rate(store_url, "31005") == (4, 2, 0.5)


def test_xlsx_with_lambert72_and_postcodes_only(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "roeselare.xlsx", files.roeselare_lambert_xlsx())
    assert code == 0, err
    assert "Excelbestand, werkblad 'Inventaris'" in err
    units = Store(store_url).units().set_index("house_number")
    assert units["nis_code"].to_dict() == {"10": "36015", "12": "36015", "7": "35013"}  # 8800 Roeselare, 8400 Oostende
    assert units.loc["10", "lat"] == pytest.approx(50.947, abs=0.001)
    assert units.loc["10", "lon"] == pytest.approx(3.124, abs=0.001)
    assert units.loc["12", "observed_on"] == pd.Timestamp("2024-01-01")  # Excel serial 45292
    assert pd.isna(units.loc["7", "lat"])
    assert _rate(store_url, "36015") == (2, 1, 0.5)


def test_locatus_export_with_the_date_given_at_import(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "locatus.csv", files.LOCATUS_EXPORT,
                        "--observed-on", "01/01/2023")
    assert code == 0, err
    units = Store(store_url).units()
    assert units["group_code"].tolist() == ["00", "22", "11"]
    assert units["status"].tolist() == ["vacant", "occupied", "occupied"]  # 00-Leegstand means vacant
    assert units["floor_area_m2"].tolist() == [150.0, 300.0, 1100.0]
    assert _rate(store_url, "36015", year=2023) == (3, 1, pytest.approx(1 / 3))


def test_old_nis_codes_follow_the_2025_mergers(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "tielt.csv", files.OLD_NIS_CODES)
    assert code == 0, err
    assert sorted(Store(store_url).units()["nis_code"].unique()) == ["37007", "37015"]  # kept as given
    assert _rate(store_url, "37022") == (4, 2, 0.5)  # Meulebeke + Tielt → Tielt 37022
    assert _rate(store_url, "37007", geography="2018") == (1, 1, 1.0)
    assert _rate(store_url, "37015", geography="2018") == (3, 1, pytest.approx(1 / 3))


def test_two_inventories_of_one_town(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "oostende.csv", files.OOSTENDE_TWO_YEARS)
    assert code == 0, err
    assert _rate(store_url, "35013", year=2023) == (2, 1, 0.5)
    assert _rate(store_url, "35013", year=2024) == (3, 1, pytest.approx(1 / 3))
    units = Store(store_url).units()
    assert units.groupby("unit_id")["observed_on"].count().to_dict() == {
        "35013|kapellestraat|1": 2, "35013|kapellestraat|2": 2, "35013|kapellestraat|4": 1}  # ids from addresses


def test_the_same_file_twice_is_refused_with_the_batch_number(tmp_path, capsys, store_url):
    assert _import(tmp_path, capsys, store_url, "k.csv", files.KORTRIJK_CP1252)[0] == 0
    code, err = _import(tmp_path, capsys, store_url, "k-kopie.csv", files.KORTRIJK_CP1252)
    assert code == 1
    assert "al geïmporteerd als batch 1" in err
    assert len(Store(store_url).batches()) == 1


def test_batches_lists_who_and_when_and_rollback_restores(tmp_path, capsys, store_url):
    assert _import(tmp_path, capsys, store_url, "brugge.csv", files.BRUGGE_UTF8_BOM)[0] == 0
    before = vacancy_table(Store(store_url).units(), level="municipality")
    assert _import(tmp_path, capsys, store_url, "kortrijk.csv", files.KORTRIJK_CP1252)[0] == 0
    assert main(["batches", "--db", store_url]) == 0
    history = capsys.readouterr().out.splitlines()
    assert history[0] == "batch_id,kind,file_name,rows_imported,rows_rejected,imported_by,imported_at,status,source"
    assert history[1].startswith("2,units,kortrijk.csv,4,0,test,")
    assert history[1].endswith(",active,locatus")  # GROEP and WVO: a Locatus export's headers
    assert main(["rollback", "2", "--db", store_url]) == 0
    after = vacancy_table(Store(store_url).units(), level="municipality")
    pd.testing.assert_frame_equal(after, before)
    assert main(["rollback", "2", "--db", store_url]) == 1  # only an active batch can be rolled back
    assert "Geen actieve batch met nummer 2" in capsys.readouterr().err


def test_partial_import_keeps_the_rejected_row_with_its_reason(tmp_path, capsys, store_url):
    rows = files.good_rows(3) + ["Kortrijk;Doorniksestraat;99;misschien;100;01/01/2024"]  # a status: required
    code, err = _import(tmp_path, capsys, store_url, "deels.csv", files.units_csv(rows), "--partial")
    assert code == 0, err
    store = Store(store_url)
    assert len(store.units()) == 3
    batch = store.batches().iloc[0]
    assert (batch["rows_total"], batch["rows_imported"], batch["rows_rejected"]) == (4, 3, 1)
    kept = store.rejected(int(batch["batch_id"]))
    assert kept[["row_number", "column_name", "value"]].values.tolist() == [[5, "status", "misschien"]]
    assert kept["problem"].iloc[0].startswith("onbekende status")


def test_a_file_with_only_warnings_imports_and_reports_them(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    raw = files.units_csv(["Kortrijk;Markt;1;bezet;Kapperszaak;01/01/2024"],
                          header="gemeente;straat;huisnummer;status;groep;peildatum")
    code, err = _import(tmp_path, capsys, url, "k.csv", raw)
    assert code == 0
    assert "Rij 2, kolom 'groep' (waarde 'Kapperszaak'): onbekende categorie: wordt 'Onbekend'" in err
    assert Store(url).units()["category"].tolist() == ["Onbekend"]


CAMPAIGN = (
    b"Gemeente;Editie;Deelnemende winkels;Tassen;Stemmen;Ambassadeurs;Budget\n"
    b"Kortrijk;2019;120;10.000;5.400;6;1.250,50\n"  # thousands points, cents with a comma
    b"Ieper;2019;45;;;;\n"  # one figure is enough
)

VOTES = (
    b"gemeente,editie,winkel,ondernemingsnummer,stemmen,winnaar\n"
    b"Roeselare,2021,Bakkerij Peeters,BE 0403.170.701,812,ja\n"
    b"Roeselare,2021,Boekhandel Veen,,95,nee\n"
    b"Roeselare,2021,Slagerij Dewitte,0123456749,0,\n"  # no winner flag: not a winner
)


def test_campaign_figures(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "campagne.csv", CAMPAIGN)
    assert code == 0, err
    campaign = Store(store_url).campaign().set_index("nis_code")
    assert Store(store_url).batches()["kind"].tolist() == ["campaign"]  # told from the headers
    assert campaign.loc["34022", ["edition", "participating_shops", "bags_distributed", "votes_cast",
                                  "ambassadors"]].tolist() == [2019, 120, 10000, 5400, 6]
    assert float(campaign.loc["34022", "budget_eur"]) == 1250.5
    assert campaign.loc["33011", "participating_shops"] == 45
    assert pd.isna(campaign.loc["33011", "bags_distributed"])


def test_votes_per_shop(tmp_path, capsys, store_url):
    code, err = _import(tmp_path, capsys, store_url, "stemmen.csv", VOTES)
    assert code == 0, err
    votes = Store(store_url).votes().set_index("shop_name")
    assert votes["votes"].to_dict() == {"Bakkerij Peeters": 812, "Boekhandel Veen": 95, "Slagerij Dewitte": 0}
    assert votes["winner"].tolist() == [True, False, False]
    assert votes.loc["Bakkerij Peeters", "kbo_number"] == "0403170701"
    assert pd.isna(votes.loc["Boekhandel Veen", "kbo_number"])


@pytest.mark.parametrize(("raw", "message"), [
    (b"gemeente;editie;tassen\nKortrijk;2019;-5\n", "Rij 2, kolom 'tassen' (waarde '-5'): geen geheel getal"),
    (b"gemeente;editie;deelnemers\nKortrijk;2019;12,5\n", "Rij 2, kolom 'deelnemers' (waarde '12,5'): geen geheel"),
    (b"gemeente;editie;tassen;stemmen\nKortrijk;2019;;\n", "Rij 2: geen enkel cijfer ingevuld"),
    (b"gemeente;editie;tassen\nKortrijk;1850;5\n", "Rij 2, kolom 'editie' (waarde '1850'): een editie is een jaar"),
    (b"gemeente;editie;tassen\nKortrijk;2019;5\nKortrijk;2019;6\n", "Rij 3, kolom 'gemeente'"),
    (b"gemeente;editie;winkel;stemmen\nKortrijk;2021;Zaak A;veel\n", "Rij 2, kolom 'stemmen' (waarde 'veel')"),
    (b"gemeente;editie;winkel;stemmen\nKortrijk;2021;;3\n", "Rij 2, kolom 'winkel': verplicht veld is leeg"),
])
def test_bad_campaign_and_votes_files(tmp_path, capsys, raw, message):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    code, err = _import(tmp_path, capsys, url, "campagne.csv", raw)
    assert code == 1
    assert message in err
    assert Store(url).is_empty()


def test_an_import_never_replaces_units_of_another_town(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    kortrijk = b"id;gemeente;status;peildatum\n1;Kortrijk;leeg;2024\n2;Kortrijk;leeg;2024\n3;Kortrijk;bezet;2024\n"
    brugge = b"id;gemeente;status;peildatum\n1;Brugge;bezet;2024\n2;Brugge;bezet;2024\n"
    assert _import(tmp_path, capsys, url, "k.csv", kortrijk)[0] == 0
    assert _import(tmp_path, capsys, url, "b.csv", brugge)[0] == 0
    assert _rate(url, "34022") == (3, 2, pytest.approx(2 / 3))
    assert _rate(url, "31005") == (2, 0, 0.0)


def test_files_without_ids_or_addresses_do_not_replace_each_other(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    first = b"gemeente;status;peildatum\nKortrijk;leeg;2024\nKortrijk;bezet;2024\n"
    second = b"gemeente;status;peildatum\nKortrijk;bezet;2024\nKortrijk;bezet;2024\n"
    assert _import(tmp_path, capsys, url, "a.csv", first)[0] == 0
    # None of the 2 stored units can be found in the second file: complete or update is not clear.
    code, err = _import(tmp_path, capsys, url, "b.csv", second)
    assert code == 1 and "telt er 2, waarvan 0 in het bestand" in err and "--inventory update" in err
    code, err = _import(tmp_path, capsys, url, "b.csv", second, "--inventory", "update")
    assert code == 0 and "zonder pand-id, adres of naam" in err
    assert _rate(url, "34022") == (4, 1, 0.25)


def test_a_2018_name_with_its_2025_code_agrees(tmp_path):
    # Meulebeke merged into Tielt (37022) in 2025: its name with the new code is no contradiction;
    # neither is Nieuwpoort with its own postcode (8620).
    raw = (b"gemeente;nis;postcode;straat;huisnummer;status;peildatum\n"
           b"Meulebeke;37022;8760;Markt;1;bezet;01/01/2024\n"
           b"Nieuwpoort;38016;8620;Marktplein;2;leeg;01/01/2024\n")
    prepared = prepare(raw, "samengevoegd.csv")
    assert prepared.errors.empty
    assert prepared.valid_rows["nis_code"].tolist() == ["37022", "38016"]


def _survey(days: list[str], per_day: int, vacant_per_day: int) -> bytes:
    rows = [f"Kortrijk;Veldstraat;{day_number * per_day + n + 1};{'leeg' if n < vacant_per_day else 'bezet'};{day}"
            for day_number, day in enumerate(days) for n in range(per_day)]
    return ("gemeente;straat;huisnummer;status;datum\n" + "\n".join(rows) + "\n").encode()


def test_a_field_survey_over_two_weeks_is_one_inventory(tmp_path, capsys):
    # 20 units a day on six days within two weeks, 2 of them vacant each day: one inventory of
    # 120 units dated at the last day, 12 vacant → 10 %.
    days = ["04/03/2024", "05/03/2024", "06/03/2024", "11/03/2024", "12/03/2024", "15/03/2024"]
    path = tmp_path / "veldopname.csv"
    path.write_bytes(_survey(days, per_day=20, vacant_per_day=2))
    url = f"sqlite:///{tmp_path / 'k.db'}"
    assert main(["import", str(path), "--db", url]) == 0
    err = capsys.readouterr().err
    assert ("veldopname: de rijen van Kortrijk met peildata van 04/03/2024 tot 15/03/2024 (6 datums binnen 92 "
            "dagen) vormen één inventaris op 15/03/2024") in err
    units = Store(url).units()
    assert units["observed_on"].unique().tolist() == [pd.Timestamp("2024-03-15")]
    table = vacancy_table(units)
    assert table[["units_total", "units_vacant"]].values.tolist() == [[120, 12]]
    assert table["vacancy_rate_units"].iloc[0] == pytest.approx(0.10)
    province = vacancy_table(units, level="province")
    assert province["units_total"].tolist() == [120]  # not only the last day's 20


def test_dates_further_apart_than_the_window_stay_inventories_of_their_own():
    # 01/01/2024 and 01/06/2024 are 152 days apart: two inventories; 01/06 and 15/06 are one survey.
    raw = _survey(["01/01/2024", "01/06/2024", "15/06/2024"], per_day=2, vacant_per_day=1)
    prepared = prepare(raw, "twee.csv")
    assert prepared.valid_rows["observed_on"].dt.strftime("%d/%m/%Y").tolist() == [
        "01/01/2024", "01/01/2024", "15/06/2024", "15/06/2024", "15/06/2024", "15/06/2024"]
    assert prepared.problems["problem"].str.startswith("veldopname: de rijen van Kortrijk met peildata van "
                                                       "01/06/2024 tot 15/06/2024").sum() == 1


def _shops(day: str, street: str, number_style: str) -> bytes:
    """30 shops on one street; the house numbers 1A, 2A … written in ``number_style``."""
    rows = [f"Kortrijk;{street};{number_style.format(n=n)};Zaak {n};bezet;{day}" for n in range(1, 31)]
    return ("gemeente;straat;huisnummer;naam;status;datum\n" + "\n".join(rows) + "\n").encode()


def test_the_same_address_written_two_ways_is_the_same_unit(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'k.db'}")
    ingest.import_file(store, _shops("01/01/2023", "Sint-Jansstraat", "{n}A"), "2023.csv", imported_by="t")
    ingest.import_file(store, _shops("01/01/2024", "St.-Jansstraat", "{n} a"), "2024.csv", imported_by="t")
    row = vacancy_table(store.units(), year=2024).iloc[0]
    # 30 unchanged shops: no opening and no closure (were 30 false ones of each), all 30 followed
    # by their address (the files give no ids).
    assert (row["units_total"], row["openings"], row["closures"]) == (30, 0, 0)
    assert (row["units_followed_by_id"], row["units_followed_by_address"]) == (0, 30)


def test_two_trade_names_at_one_address_are_two_units_and_one_name_twice_is_a_duplicate():
    raw = (b"gemeente;straat;huisnummer;naam;status;datum\n"
           b"Kortrijk;Grote Markt;12;Bakkerij Peeters;bezet;01/01/2024\n"
           b"Kortrijk;Grote Markt;12;Kapper Lies;bezet;01/01/2024\n"  # a gallery: a second shop
           b"Kortrijk;Markt;3;Slagerij Jan;bezet;01/01/2024\n"
           b"Kortrijk;Markt;3;Slagerij Jan;leeg;01/01/2024\n")  # the same shop twice
    prepared = prepare(raw, "galerij.csv")
    problems = prepared.problems.set_index("row_number")
    assert problems.loc[2, "severity"] == "waarschuwing"
    assert problems.loc[2, "problem"].startswith("2 zaken op één adres (Bakkerij Peeters, Kapper Lies; rijen 2, 3)")
    assert problems.loc[5, "severity"] == "fout"
    assert problems.loc[5, "problem"].startswith("pand Markt 3 op 01/01/2024 staat al in rij 4")
    assert prepared.valid_rows["unit_id"].tolist() == ["34022|grote markt|12|bakkerij peeters",
                                                       "34022|grote markt|12|kapper lies", "34022|markt|3"]
