"""A Locatus-style export of ``n`` rows, made from a loaded units frame (cp1252, ``;``, 1.100 m²)."""

from __future__ import annotations

import io

import pandas as pd

HEADER = ["VKP_ID", "NAAM", "STRAAT", "HUISNR", "POSTCODE", "PLAATS", "GROEP", "WVO", "LEEGSTAND_SINDS", "LAT", "LON"]


def locatus_xlsx(units: pd.DataFrame, *, rows: int) -> bytes:
    """The same export as `locatus_csv`, as the workbook Excel makes of it (text cells as text)."""
    frame = pd.read_csv(io.BytesIO(locatus_csv(units, rows=rows)), sep=";", encoding="cp1252", dtype=str,
                        keep_default_na=False)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Export")
    return buffer.getvalue()


def locatus_csv(units: pd.DataFrame, *, rows: int) -> bytes:
    """The last inventory's first ``rows`` units as a Locatus export (more inventories if needed).

    Vacant units carry group "00-Leegstand" as Locatus writes them; floor areas use a thousands
    dot; dates are dd/mm/yyyy; the inventory date is not in the file (``--observed-on``).
    """
    chosen = units.sort_values("observed_on", ascending=False, kind="stable").head(rows)
    vacant = chosen["status"].astype(str).eq("vacant")
    area = chosen["floor_area_m2"].round()
    frame = pd.DataFrame({
        "VKP_ID": "VKP" + pd.Series(range(len(chosen)), index=chosen.index).astype(str),
        "NAAM": chosen["name"].astype(str).where(chosen["name"].notna(), ""),
        "STRAAT": chosen["street"].astype(str),
        "HUISNR": chosen["house_number"].astype(str),
        "POSTCODE": chosen["postcode"].astype(str),
        "PLAATS": chosen["municipality"].astype(str),
        "GROEP": chosen["category"].astype(str).where(~vacant, "00-Leegstand"),
        "WVO": area.map(lambda v: "" if pd.isna(v) else f"{int(v):,}".replace(",", ".")),
        "LEEGSTAND_SINDS": pd.to_datetime(chosen["vacant_since"]).dt.strftime("%d/%m/%Y").fillna(""),
        "LAT": chosen["lat"].map(lambda v: f"{v:.6f}".replace(".", ",")),
        "LON": chosen["lon"].map(lambda v: f"{v:.6f}".replace(".", ",")),
    })
    return frame[HEADER].to_csv(sep=";", index=False).encode("cp1252", errors="replace")
