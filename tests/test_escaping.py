"""User text shows as text: in maps (popups, tooltips, legend, the standalone HTML), in Streamlit's
markdown and tables, in CSV, Excel and PDF exports, and in SQL (every statement parameterised).

Shop names and streets come from users' files and may hold anything; the payloads below are what
an attacker, or an unlucky copy-paste, would put there.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import json
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader
from shapely.geometry import box
from sqlalchemy import func, inspect, select
from streamlit.testing.v1 import AppTest

from analysis.cores import derived_cores
from dashboard.figures import leaflet, maps
from dashboard.ingest import import_file, prepare
from dashboard.report.content import build_report
from dashboard.report.pdf import report_pdf
from dashboard.report.xlsx import report_xlsx
from dashboard.store import schema
from dashboard.store.database import Batch, Store
from dashboard.tables import exports
from dashboard.ui.markdown import plain
from tests import ingest_files as files
from tests.conftest import sign_in, unit_rows
from tests.test_maps import unit_layers

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(2)>"
ATTRIBUTE = '"><svg onload=alert(3)>'
CLOSE_SCRIPT = "</script><script>alert(4)</script>"  # would end the <script> that holds the map's data
INJECTION = "'; DROP TABLE units; --"
PAYLOADS = [SCRIPT, IMAGE, ATTRIBUTE, CLOSE_SCRIPT]


# --- maps ---------------------------------------------------------------------------------------

def _town() -> pd.DataFrame:
    """Twelve units 7 m apart on a street whose name is a script (one core), a vacant one named
    with an image payload."""
    rows = [{"status": "vacant", "group_code": "00", "street": SCRIPT, "house_number": ATTRIBUTE, "name": IMAGE,
             "floor_area_m2": 120.0, "vacant_since": "2021-01-01"}]
    rows += [{"status": "occupied", "group_code": "22", "street": SCRIPT, "house_number": str(i), "name": CLOSE_SCRIPT}
             for i in range(2, 13)]
    units = unit_rows(*rows, observed_on="2024-01-01", nis_code="34022")
    units["lat"] = [50.8270 + 0.0001 * i for i in range(12)]
    units["lon"] = 3.2650
    return units


def _data_blobs(page: str) -> tuple[list, str]:
    """The JSON data folium puts in the page (GeoJSON layers), and the page without it."""
    decoder, blobs, rest, position = json.JSONDecoder(), [], [], 0
    for found in re.finditer(r"(?:_add|\.addData)\(", page):
        if found.end() < position:
            continue
        try:
            blob, end = decoder.raw_decode(page, found.end())
        except ValueError:  # the function's definition, not a call with data
            continue
        blobs.append(blob)
        rest.append(page[position:found.end()])
        position = end
    rest.append(page[position:])
    return blobs, "".join(rest)


def _scripts(page: str) -> str:
    return "\n".join(re.findall(r"<script[^>]*>(.*?)</script>", page, re.S))


def test_unit_map_shows_names_and_streets_as_text():
    town = _town()
    cores = derived_cores(town)
    assert cores["name"].tolist() == [f"Kern 1 — {SCRIPT}"]
    page = leaflet.standalone_html(maps.unit_map(town, cores=cores, group_names={"00": IMAGE, "22": "Mode & Luxe"}))
    blobs, rest = _data_blobs(page)
    units = [f["properties"] for layer in unit_layers(page) for f in layer["features"]]
    vacant = next(unit for unit in units if "leegstaand" in unit["t"])
    # The texts travel as JSON data (the browser escapes them once before they reach a popup, see
    # tests/browser/test_map_popups.py), so here they are the very text of the file.
    assert vacant["t"].startswith(f"{IMAGE}\n{SCRIPT} {ATTRIBUTE}\n") and vacant["n"] == 1
    assert CLOSE_SCRIPT in next(unit["t"] for unit in units if "in gebruik" in unit["t"])
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(4)" in page  # inside the script only as JSON escapes
    assert "esc(" in page and ".split(" in page  # the popup escapes every line
    labels = [f["properties"]["label"] for blob in blobs for f in blob["features"] if "label" in f["properties"]]
    assert labels == [html.escape(f"Kern 1 — {SCRIPT}")]  # the core's tooltip
    # User text reaches the page only as escaped data: none of it is markup, none of it is script.
    for payload in PAYLOADS:
        assert payload not in page
    code = re.sub(r"\}\)\(feature_group_\w+, \{.*\}, \{.*\}\);", "", rest)  # without the units' data
    assert "alert(" not in _scripts(code)
    assert html.escape(IMAGE) in rest  # the legend names the group as text


def test_municipality_map_tooltips_are_text_in_symbols_and_choropleth():
    table = pd.DataFrame({"nis_code": ["34022"], "vacancy_rate_units": [0.125], "units_total": [2500]})
    places = pd.DataFrame({"nis_code": ["34022"], "name_nl": [SCRIPT + IMAGE], "lat": [50.83], "lon": [3.27]})
    shapes = gpd.GeoDataFrame({"nis_code": ["34022"]}, geometry=[box(3.2, 50.8, 3.3, 50.9)], crs="EPSG:4326")
    shown = html.escape(SCRIPT + IMAGE) + ": 12,5 %"
    symbols, choropleth = (leaflet.standalone_html(maps.municipality_map(
        table, value="vacancy_rate_units", label=ATTRIBUTE, places=places, boundaries=boundaries))
        for boundaries in (None, shapes))
    assert shown in symbols  # a circle's tooltip
    blobs, _ = _data_blobs(choropleth)
    features = [f for blob in blobs for f in blob["features"]]
    assert [f["properties"]["tooltip"] for f in features if "tooltip" in f["properties"]] == [shown]
    assert all(not f["properties"] for f in features if "tooltip" not in f["properties"])  # the outline: no text
    for page in (symbols, choropleth):
        assert html.escape(ATTRIBUTE) in page  # the legend's title
        for payload in (SCRIPT, IMAGE, ATTRIBUTE):
            assert payload not in page


def test_a_circle_tooltip_keeps_backticks_and_dollars_as_text():
    table = pd.DataFrame({"nis_code": ["34022"], "vacancy_rate_units": [0.125], "units_total": [2500]})
    places = pd.DataFrame({"nis_code": ["34022"], "name_nl": ["`${alert(5)}`"], "lat": [50.83], "lon": [3.27]})
    page = leaflet.standalone_html(maps.municipality_map(table, value="vacancy_rate_units", label="x", places=places))
    assert "${alert(5)}" not in _scripts(page)


# --- Streamlit: markdown and tables -------------------------------------------------------------

def test_plain_escapes_markdown_and_html():
    assert plain(SCRIPT) == r"\<script\>alert(1)\</script\>"
    assert plain("[klik](javascript:alert(1))") == r"\[klik\](javascript:alert(1))"
    assert plain("![x](http://x/y.png)") == r"!\[x\](http://x/y.png)"  # no image: the brackets are text
    assert plain("**vet** _schuin_ `code` $x$ # kop | tabel ~doorstreept~") == (
        r"\*\*vet\*\* \_schuin\_ \`code\` \$x\$ \# kop \| tabel \~doorstreept\~")


_SPECIALS = set("\\`*_{}[]<>#+|~$")


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from(sorted(_SPECIALS) + list("ab <>()!:/=")) | st.characters(), max_size=40))
def test_plain_leaves_no_markdown_special_unescaped(text):
    shown = plain(text)
    assert re.sub(r"\\(.)", r"\1", shown, flags=re.S) == text  # nothing lost, nothing added but backslashes
    assert not re.search(r"(?<!\\)(?:\\\\)*[`*_{}\[\]<>#+|~$]", shown)  # every special has its backslash


def test_gegevens_page_shows_uploaded_text_as_text(tmp_path, monkeypatch, coordinator):
    monkeypatch.setenv("KERNMONITOR_DB", f"sqlite:///{tmp_path / 'k.db'}")
    header = f"gemeente;straat;huisnummer;handelsnaam;status;peildatum;{IMAGE}"
    rows = [f'Kortrijk;"{SCRIPT}";1;"{ATTRIBUTE.replace(chr(34), chr(34) * 2)}";bezet;01/01/2024;x',
            f'Kortrijk;"{INJECTION}";2;Bakkerij;misschien;01/01/2024;y']  # an unknown status: a problem with its value
    at = sign_in(AppTest.from_file(str(ROOT / "pages" / "gegevens.py"), default_timeout=60).run())
    at.file_uploader(key="upload").upload(f"{IMAGE}.csv", files.units_csv(rows, header=header), "text/csv")
    at.run()
    assert not at.exception
    preview = next(frame.value for frame in at.dataframe if "handelsnaam" in frame.value.columns)
    assert preview["straat"].tolist() == [SCRIPT, INJECTION]  # the very text: a table cell is never HTML
    assert preview["handelsnaam"].iloc[0] == ATTRIBUTE
    assert IMAGE in preview.columns
    report = next(frame.value for frame in at.dataframe if "probleem" in frame.value.columns)
    # The unused column is named (as text), then the row's problem with its value.
    assert report["kolom"].tolist() == [IMAGE, "status"] and report["waarde"].tolist()[1] == "misschien"
    assert plain(IMAGE) in [box.label for box in at.selectbox]  # the header's mapping box
    shown_markdown = [element.value for kind in ("markdown", "caption", "error", "warning", "info", "success")
                      for element in getattr(at, kind)]
    for text in shown_markdown:
        assert not re.search(r"(?<!\\)<(?:script|img|svg)", text), text


def test_gemeente_tables_show_streets_as_text(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'k.db'}"
    town = _town().assign(unit_id=lambda f: "u" + f.index.astype(str))
    Store(url).add_batch(Batch(kind="units", file_name=f"{IMAGE}.csv", raw=b"x"), town)
    monkeypatch.setenv("KERNMONITOR_DB", url)
    at = AppTest.from_file(str(ROOT / "pages" / "gemeente.py"), default_timeout=120).run()
    assert not at.exception
    streets = next(frame.value for frame in at.dataframe if "Straat" in frame.value.columns)
    assert streets["Straat"].tolist() == [SCRIPT]
    actions = next(frame.value for frame in at.dataframe if "Adres" in frame.value.columns)
    assert actions["Adres"].tolist() == [f"{SCRIPT} {ATTRIBUTE}"]


# --- exports: CSV, Excel, the report ------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://x\",\"klik\")", "+32 56 00 00 00", "-1+1", "@SUM(A1)", "\tverborgen", "\rlijn"]


def _text_columns() -> pd.DataFrame:
    """The same risky texts in every kind of text column, beside numbers that must stay numbers."""
    return pd.DataFrame({
        "object": pd.Series(FORMULAS, dtype=object),
        "str": pd.Series(FORMULAS, dtype="str"),
        "string": pd.Series(FORMULAS, dtype="string"),
        "category": pd.Series(FORMULAS, dtype="category"),  # as the store will return street and category
        "getal": [-1.5, -2.0, 0.0, 3.25, -0.001, 1e6],
        "aantal": pd.array([-3, None, 0, 4, -5, 6], dtype="Int64"),
        "gemengd": pd.Series([-7, "-7", None, 8.5, "=1", "tekst"], dtype=object),  # numbers stay, texts change
    })


def test_every_text_column_is_neutralised_and_numbers_stay_numbers():
    safe = exports.neutralise_formulas(_text_columns())
    for column in ("object", "str", "string", "category"):
        assert safe[column].tolist() == ["'" + text for text in FORMULAS], column
    assert safe["getal"].tolist() == [-1.5, -2.0, 0.0, 3.25, -0.001, 1e6]
    assert safe["aantal"].dtype == "Int64" and safe["aantal"].iloc[0] == -3
    assert safe["gemengd"].tolist()[:2] == [-7, "'-7"] and safe["gemengd"].tolist()[4] == "'=1"


def test_headers_and_repeated_column_names_are_neutralised_too():
    frame = pd.DataFrame([["=a", "=b"]], columns=["=som", "=som"])
    assert exports.neutralise_formulas(frame).values.tolist() == [["'=a", "'=b"]]
    assert list(exports.neutralise_formulas(frame).columns) == ["'=som", "'=som"]


def test_a_category_column_holding_a_text_and_its_neutralised_form():
    # "=x" becomes "'=x", which the column already holds: the categories merge, nothing is lost.
    column = pd.Series(["=x", "'=x", "y"], dtype="category")
    assert exports.neutralise_formulas(pd.DataFrame({"c": column}))["c"].tolist() == ["'=x", "'=x", "y"]


def test_csv_export_has_no_formulas_and_keeps_negative_numbers():
    text = exports.to_csv_bytes(_text_columns()).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), sep=";", decimal=",", dtype=str, keep_default_na=False)
    for column in ("object", "str", "string", "category"):
        assert not back[column].str.match(r"[=+\-@\t\r]").any(), column
    assert back["getal"].tolist() == ["-1,5", "-2,0", "0,0", "3,25", "-0,001", "1000000,0"]  # numbers, comma decimals
    assert back["aantal"].tolist()[:2] == ["-3", ""]


def test_xlsx_export_has_no_formulas_and_keeps_negative_numbers():
    sheet = load_workbook(io.BytesIO(exports.to_xlsx_bytes(_text_columns()))).active
    rows = list(sheet.iter_rows(min_row=2, values_only=False))
    for row in rows:
        for cell in row[:4]:
            assert cell.data_type == "s" and cell.value.startswith("'"), cell.value
    assert [row[4].value for row in rows] == [-1.5, -2.0, 0, 3.25, -0.001, 1e6]
    assert {row[4].data_type for row in rows} == {"n"}
    assert rows[0][5].value == -3 and rows[0][6].value == -7  # a number in a mixed column stays a number


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("=+-@\t\r\n;\"' a1,")) | st.characters(), max_size=12),
                min_size=1, max_size=5))
def test_csv_export_round_trips_and_no_cell_starts_a_formula(texts):
    data = exports.to_csv_bytes(pd.DataFrame({"naam": texts, "n": range(len(texts))})).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(data, newline=""), delimiter=";"))
    assert rows[0] == ["naam", "n"] and len(rows) == len(texts) + 1  # a CR or LF in a cell ends no row
    for number, ((shown, counted), text) in enumerate(zip(rows[1:], texts, strict=True)):
        assert (shown, counted) == (text if not text.startswith(exports.FORMULA_STARTS) else "'" + text, str(number))


def test_a_carriage_return_inside_a_cell_starts_no_row():
    # Found by test_csv_export_has_no_formulas_and_keeps_negative_numbers: pandas quoted a cell with a
    # bare CR only when rows ended in CR, so "Bakkerij\r=HYPERLINK(…)" put a formula at the start of a row.
    data = exports.to_csv_bytes(pd.DataFrame({"naam": ['Bakkerij\r=HYPERLINK("http://x")'], "n": [1]}))
    assert data == b'\xef\xbb\xbfnaam;n\r\n"Bakkerij\r=HYPERLINK(""http://x"")";1\r\n'


def test_control_characters_do_not_break_an_excel_export():
    # Found writing this file: a name with a vertical tab (imported as it is) made openpyxl raise
    # IllegalCharacterError, and the page's Excel download with it.
    frame = pd.DataFrame({"naam": ["Bakkerij\x0bPeeters", "\x1b=1+1"], "n": [-1, 2]})
    sheet = load_workbook(io.BytesIO(exports.to_xlsx_bytes(frame))).active
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [["Bakkerij\ufffdPeeters", -1],
                                                                              ["\ufffd=1+1", 2]]
    street = pd.Series(["Markt\x0c", "=Dam"], dtype="category")
    report = load_workbook(io.BytesIO(exports.to_xlsx_bytes(pd.DataFrame({"straat": street})))).active
    assert [c.value for c in report["A"]] == ["straat", "Markt\ufffd", "'=Dam"]


def _report_store(tmp_path, file_name: str) -> Store:
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    units = unit_rows(*([{"status": "vacant", "group_code": "00", "street": SCRIPT}] * 2
                        + [{"group_code": "22", "street": "=1+1"}] * 8), observed_on="2024-01-01")
    store.add_batch(Batch(kind="units", file_name=file_name, raw=b"u"), units)
    return store


def _report(store: Store, **options):
    units = store.units()
    for column in ("street", "category", "municipality"):  # the store will return these as categories
        units[column] = units[column].astype("category")
    return build_report(units, store.campaign(), store.votes(), store.batches(), start=pd.Timestamp("2024-01-01"),
                        end=pd.Timestamp("2024-04-30"), municipalities=["34022"],
                        created=pd.Timestamp("2026-11-29 10:00"), data_version=store.version(), **options)


def test_report_workbook_neutralises_file_names_and_keeps_numbers(tmp_path):
    name = "=HYPERLINK(\"http://x\",\"inventaris\").csv"
    workbook = load_workbook(io.BytesIO(report_xlsx(_report(_report_store(tmp_path, name)))))
    origin = workbook["Herkomst"]
    assert [c.value for c in origin[1]][:2] == ["Batch", "Bestand"]
    assert origin["B2"].value == "'" + name and origin["B2"].data_type == "s"
    assert origin["A2"].value == 1 and origin["A2"].data_type == "n"
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_report_pdf_prints_file_names_as_they_are(tmp_path):
    name = f"{SCRIPT} **vet** =1+1.csv"
    pdf = report_pdf(_report(_report_store(tmp_path, name)))
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "**vet**" in re.sub(r"\s+", " ", text)  # no markup of any kind: the name as it is
    assert "<script>alert(1)" in re.sub(r"\s+", "", text)


# --- SQL: every statement parameterised ---------------------------------------------------------

QUOTED = "Bakkerij 'O''Brien\" & Zn; DELETE FROM batches; --"


def _table_counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in schema.metadata.sorted_tables}


def test_quotes_and_sql_in_a_file_are_stored_and_read_back_unchanged(store_url):
    store = Store(store_url)
    header = "gemeente;straat;huisnummer;handelsnaam;status;peildatum"
    rows = [f'Kortrijk;"{INJECTION}";1;"{QUOTED.replace(chr(34), chr(34) * 2)}";bezet;01/01/2024',
            f'Kortrijk;Markt;2;"{INJECTION}";leeg;01/01/2024',
            f'Kortrijk;Markt;3;x;"{INJECTION}";01/01/2024']  # an unknown status: kept as a rejected row
    raw = files.units_csv(rows, header=header)
    file_name = f"inventaris{INJECTION}\".csv"
    batch = import_file(store, raw, file_name, imported_by=f"Robert'); {INJECTION}", partial=True)
    units = store.units().sort_values("house_number")
    assert units["street"].tolist() == [INJECTION, "Markt"]
    assert units["name"].tolist() == [QUOTED, INJECTION]
    # Derived ids normalise the address (case and punctuation do not count); the street stays as written.
    assert units["unit_id"].tolist() == ["34022|drop table units|1", "34022|markt|2"]
    history = store.batches().iloc[0]
    assert (history["file_name"], history["imported_by"]) == (file_name, f"Robert'); {INJECTION}")
    assert store.rejected(batch)["value"].tolist() == [INJECTION]
    assert store.batch_with_checksum(prepare(raw, file_name).sha256) == batch
    store.save_mapping(INJECTION, "units", {INJECTION: "street"}, saved_by=QUOTED)
    assert store.mapping(INJECTION) == ("units", {INJECTION: "street"})
    assert set(inspect(store.engine).get_table_names()) >= {t.name for t in schema.metadata.sorted_tables}
    counts = _table_counts(store)
    assert (counts["batches"], counts["units"], counts["rejected_rows"], counts["header_mappings"]) == (1, 2, 1, 1)
    store.rollback_batch(batch)
    assert store.units().empty and _table_counts(store)["units"] == 2  # rolled back, not deleted


#: Files that build SQL text themselves; they put only integers (batch ids) and table and column
#: names from dashboard.store.schema into their statements, values always as parameters (database.py's
#: bulk INSERT with placeholders, and COPY, whose rows the driver sends as data; bulk.py's
#: INSERT … SELECT from a staging file, its path a parameter, its alias a fixed name).
#: integrity.py only names a statement in an advice to the reader (never executed); migration.py adds
#: a column of dashboard.store.schema (ALTER TABLE with the schema's own table, column and type names).
SQL_TEXT_ALLOWED = {"dashboard/store/batch_cache.py", "dashboard/store/integrity.py", "dashboard/store/bulk.py",
                    "dashboard/store/database.py", "dashboard/store/migration.py"}
_SQL_WORDS = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WHERE|VALUES)\b")


def _builds_sql(source: str) -> bool:
    """Whether code formats text that reads like SQL (f-strings, %, + or .format)."""
    for node in ast.walk(ast.parse(source)):
        pieces: list = []
        if isinstance(node, ast.JoinedStr):
            pieces = [v.value for v in node.values if isinstance(v, ast.Constant)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod | ast.Add):
            pieces = [n.value for n in (node.left, node.right) if isinstance(n, ast.Constant)]
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "format":
            pieces = [getattr(node.func.value, "value", None)]
        if _SQL_WORDS.search(" ".join(p for p in pieces if isinstance(p, str))):
            return True
    return False


def test_no_sql_is_built_from_formatted_strings_outside_the_allowed_files():
    assert _builds_sql('query = f"SELECT name FROM units WHERE street = \'{street}\'"')
    assert _builds_sql('query = "DELETE FROM units WHERE id = %s" % unit_id')
    assert not _builds_sql('query = select(units).where(units.c.street == street)')
    paths = (*ROOT.glob("dashboard/**/*.py"), *ROOT.glob("analysis/**/*.py"), *ROOT.glob("pages/*.py"))
    found = {str(path.relative_to(ROOT)) for path in paths if _builds_sql(path.read_text(encoding="utf-8"))}
    assert found <= SQL_TEXT_ALLOWED, found - SQL_TEXT_ALLOWED
