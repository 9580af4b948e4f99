"""Peak memory of an import at the documented limits (2.000.000 rows, close to 200 MB), as CSV and
as Excel, through the command line and through the app's own page, each in a process of its own.

The files are a Locatus-style export of West-Flemish shops, made here (no store needed) and kept
in the results folder for the next run. The command line imports with ``python -m dashboard
import``; the app's case runs the Gegevens page in Streamlit's AppTest: a coordinator signs in,
uploads the file (the page holds its bytes, as a browser upload does), chooses the inventory date
and confirms. Each goes into an empty SQLite store of its own.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from benchmarks.locatus import HEADER
from benchmarks.timing import Measure

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
#: The target: an import at the limits stays under 2 GB.
MAX_RSS = 2 * 1024**3
#: The rows of the files at the limit (``settings.MAX_ROWS``).
LIMIT_ROWS = 2_000_000
#: Rows generated at a time (the generator's own memory stays small).
_BLOCK = 200_000
#: Columns Excel keeps as text; the others it reads as numbers.
_TEXT = ["VKP_ID", "NAAM", "STRAAT", "PLAATS", "GROEP", "LEEGSTAND_SINDS"]
#: The coordinator the app's import runs as (bcrypt cost 4 in the child process).
_ACCOUNT = ("benchmark", "geheugen-meten-2025")
_STREETS = ["Markt", "Lange Steenstraat", "Doorniksestraat", "Kapellestraat", "Noordzandstraat", "Ooststraat",
            "Grote Markt", "Stationsstraat", "Kerkstraat", "Zuidstraat", "Leiestraat", "Brugsesteenweg"]
_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens"]
_SHOPS = ["Bakkerij", "Slagerij", "Modehuis", "Apotheek", "Frituur", "Boekhandel", "Optiek", "Kapsalon",
          "Bloemen", "Schoenen", "Juwelier", "Café"]


def limit_imports(out: Path, *, rows: int = LIMIT_ROWS) -> list[Measure]:
    """The peak memory of importing ``rows`` rows as CSV and as Excel, by the command line and
    by the app, each against the 2 GB target."""
    out.mkdir(parents=True, exist_ok=True)
    files = {"CSV": limit_csv(out / f"limit-{rows}.csv", rows), "Excel": limit_xlsx(out / f"limit-{rows}.xlsx", rows)}
    measures = []
    for kind, path in files.items():
        size = f"{path.stat().st_size / MB:,.0f} MB".replace(",", ".")
        for way, label in (("cli", "de opdrachtregel"), ("app", "de pagina Gegevens (AppTest)")):
            peak = import_peak(way, path)
            measures.append(Measure(f"memory_{way}_{kind.lower()}", f"Piekgeheugen (RSS) van een import van "
                                    f"{rows:,} rijen als {kind} ({size}) via {label}; apart proces", [peak],
                                    unit="B", max_value=MAX_RSS))
    return measures


def import_peak(way: str, path: Path) -> int:
    """The peak RSS of one import of ``path`` (``cli`` or ``app``) into a fresh SQLite store."""
    import bcrypt

    with tempfile.TemporaryDirectory(prefix="kernmonitor-geheugen-") as folder:
        url = f"sqlite:///{Path(folder) / 'opslag.db'}"
        secret = bcrypt.hashpw(_ACCOUNT[1].encode(), bcrypt.gensalt(4)).decode()
        env = {**os.environ, "KERNMONITOR_DB": url, "KERNMONITOR_TILES": "none", "KERNMONITOR_CACHE": "none",
               "KERNMONITOR_COORDINATORS": f"{_ACCOUNT[0]}:{secret}", "KERNMONITOR_BCRYPT_ROUNDS": "4"}
        command = ([sys.executable, "-m", "dashboard", "import", str(path), "--db", url, "--observed-on",
                    "2025-01-01", "--inventory", "complete"] if way == "cli" else
                   [sys.executable, "-c", "import sys; from benchmarks.memory import app_import; "
                                          "app_import(sys.argv[1])", str(path)])
        return peak_of(command, env)


def limit_frame(rows: int, *, start: int = 0, seed: int = 7) -> pd.DataFrame:
    """``rows`` Locatus-style rows of text (as a CSV holds them), the ``start``-th row on; one in
    ten vacant."""
    from dashboard import reference

    rng = np.random.default_rng(seed + start)
    places = _places()
    groups = reference.locatus_groups()["label"].tolist()
    number = np.arange(start, start + rows)
    place = rng.integers(0, len(places), rows)
    vacant = number % 10 == 0
    group = np.where(vacant, "00-Leegstand", np.array(groups[1:])[rng.integers(0, len(groups) - 1, rows)])
    area = rng.integers(20, 3000, rows)
    since = pd.to_datetime("2015-01-01") + pd.to_timedelta(rng.integers(0, 3500, rows), unit="D")
    return pd.DataFrame({
        "VKP_ID": pd.Series(number).map("VKP{:07d}".format),
        "NAAM": np.where(vacant, "", pd.Series(np.array(_SHOPS)[rng.integers(0, len(_SHOPS), rows)]) + " "
                         + np.array(_NAMES)[rng.integers(0, len(_NAMES), rows)] + " " + (number % 997).astype(str)),
        "STRAAT": np.array(_STREETS)[rng.integers(0, len(_STREETS), rows)],
        "HUISNR": (number // 7 % 300 + 1).astype(str),
        "POSTCODE": places["postcode"].to_numpy()[place],
        "PLAATS": places["name_nl"].to_numpy()[place],
        "GROEP": group,
        "WVO": pd.Series(area).map(lambda v: f"{v:,}".replace(",", ".")),
        "LEEGSTAND_SINDS": np.where(vacant, since.strftime("%d/%m/%Y"), ""),
        "LAT": pd.Series(50.8 + rng.random(rows) * 0.4).map(lambda v: f"{v:.6f}".replace(".", ",")),
        "LON": pd.Series(2.7 + rng.random(rows) * 0.6).map(lambda v: f"{v:.6f}".replace(".", ",")),
    })[HEADER]


def _places() -> pd.DataFrame:
    """West-Flemish postcodes with the name of their municipality, where the two agree."""
    from dashboard import reference
    from dashboard.ingest import places

    found = reference.postcodes().query("province_nis_code == '30000'").reset_index(drop=True)
    wrong = places.disagreements(pd.Series(None, index=found.index, dtype=object), found["postcode"],
                                 found["name_nl"])
    return found[wrong.isna()].reset_index(drop=True)


def limit_csv(path: Path, rows: int) -> Path:
    """A Locatus-style CSV of ``rows`` rows (cp1252, ``;``) at ``path``, unless it is there already."""
    if not path.exists():
        with open(path, "wb") as out:
            out.write((";".join(HEADER) + "\r\n").encode("cp1252"))
            for start in range(0, rows, _BLOCK):
                frame = limit_frame(min(_BLOCK, rows - start), start=start)
                out.write(frame.to_csv(sep=";", index=False, header=False, lineterminator="\r\n")
                          .encode("cp1252"))
    return path


def limit_xlsx(path: Path, rows: int) -> Path:
    """The same rows as the workbook Excel makes of `limit_csv`'s file: text in shared strings,
    house numbers, postcodes, floor areas and coordinates as numbers."""
    if path.exists():
        return path
    strings: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, text in _workbook_parts().items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
                        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(_xml_rows(pd.DataFrame([HEADER], columns=HEADER), 1, strings))
            for start in range(0, rows, _BLOCK):
                frame = limit_frame(min(_BLOCK, rows - start), start=start)
                sheet.write(_xml_rows(frame, start + 2, strings))
            sheet.write(b"</sheetData></worksheet>")
        shared = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        archive.writestr("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                         '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         f'uniqueCount="{len(strings)}">{shared}</sst>')
    return path


def _xml_rows(frame: pd.DataFrame, first: int, strings: dict[str, int]) -> bytes:
    numbers = pd.Series(np.arange(first, first + len(frame))).astype(str)
    row = "<row r=\"" + numbers + "\">"
    for position, column in enumerate(frame.columns):
        letter = chr(65 + position)
        values = frame[column].astype(str)
        if column in _TEXT or first == 1:
            index = values.map(lambda text: strings.setdefault(text, len(strings))).astype(str)
            cell = f"<c r=\"{letter}" + numbers + "\" t=\"s\"><v>" + index + "</v></c>"
        else:
            plain = values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            cell = f"<c r=\"{letter}" + numbers + "\"><v>" + plain + "</v></c>"
        row = row + cell.where(values != "", "")
    return ("".join((row + "</row>").tolist())).encode()


def _workbook_parts() -> dict[str, str]:
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    kinds = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{kinds}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{kinds}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kinds}.sharedStrings+xml"/></Types>'),
        "_rels/.rels": (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}"><Relationship '
                        f'Id="rId1" Type="{relations}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{relations}">'
                            '<sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relations}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{relations}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"),
    }


def peak_of(command: list[str], env: dict[str, str]) -> int:
    """The largest resident set of ``command``, run to its end in a process of its own (bytes)."""
    child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:4])}… failed: {stderr.decode(errors='replace')[-2000:]}")
    return usage.ru_maxrss * 1024


def app_import(path: str) -> None:
    """The Gegevens page in Streamlit's AppTest, as a coordinator uploads ``path`` and imports it
    (``KERNMONITOR_DB`` and ``KERNMONITOR_COORDINATORS`` come from the environment)."""
    from streamlit.testing.v1 import AppTest

    page = AppTest.from_file(str(ROOT / "pages" / "gegevens.py"), default_timeout=3600).run()
    page.text_input(key="signin_name").input(_ACCOUNT[0])
    page.text_input(key="signin_password").input(_ACCOUNT[1])
    page.button(key="signin").click()
    page.run()
    file = Path(path)
    page.file_uploader(key="upload").upload(file.name, file.read_bytes(), "application/octet-stream")
    page.run()  # the file is checked as it comes; its rows have no date, which is chosen next
    page.date_input(key="observed_on").set_value(date(2025, 1, 1))
    page.run()
    page.button(key="confirm_import").click()
    page.run()
    done = [element.value for element in page.success]
    if page.exception or not any(text.startswith("Opgeslagen als batch") for text in done):
        raise RuntimeError(f"not imported: {[e.value for e in page.error]} {page.exception}")
