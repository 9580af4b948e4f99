"""The EFRO report as a Dutch PDF, built offline: fpdf2 with DejaVu Sans, charts drawn by matplotlib (Agg)."""

from __future__ import annotations

import io
import os
from datetime import UTC

import matplotlib

matplotlib.use("Agg")  # no display, no browser: static images only
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from fpdf import FPDF  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from analysis.geography import latest_of_year  # noqa: E402
from analysis.kerncijfers import MEASURE_COLUMNS  # noqa: E402
from dashboard import reference, regions  # noqa: E402
from dashboard.figures.palette import GROUP_COLOURS, OKABE_ITO, group_colour  # noqa: E402
from dashboard.i18n import SUPPRESSED, format_date, format_number, format_pct, format_pp  # noqa: E402
from dashboard.registry import LABELS, blanked, format_value  # noqa: E402
from dashboard.report.content import SAMPLE_MARK, ReportData  # noqa: E402
from dashboard.tables.methodology import SOURCES, definitions  # noqa: E402

FONT_DIR = os.path.join(matplotlib.get_data_path(), "fonts", "ttf")
TITLE = "Ik koop lokaal — EFRO-project KraK West"
DPI = 200


class _Pdf(FPDF):
    is_sample = False

    def header(self):
        if self.is_sample:
            self.set_font("DejaVu", size=9)
            self.set_text_color(180, 0, 0)
            self.cell(0, 6, SAMPLE_MARK, align="C")
            self.set_text_color(0, 0, 0)
            self.ln(8)

    def footer(self):
        self.set_y(-12)
        self.set_font("DejaVu", size=8)
        self.cell(0, 8, f"Kernmonitor · pagina {self.page_no()}", align="C")


def report_pdf(data: ReportData) -> bytes:
    """The report as PDF bytes; the same data gives the same content apart from the creation time."""
    pdf = _Pdf(format="A4")
    pdf.is_sample = data.is_sample
    pdf.set_creation_date(data.created.to_pydatetime().replace(tzinfo=UTC))
    pdf.add_font("DejaVu", "", os.path.join(FONT_DIR, "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", os.path.join(FONT_DIR, "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=15)
    period = f"{format_date(data.start)} – {format_date(data.end)}"
    _cover(pdf, data, period)
    if data.is_empty:
        _heading(pdf, "Geen gegevens")
        _text(pdf, f"Voor de periode {period} zijn er geen inventarissen van de gekozen gemeenten. Importeer ze op "
                   "de pagina Gegevens en maak het rapport opnieuw.")
        return bytes(pdf.output())
    _summary(pdf, data, period)
    _outputs(pdf, data)
    _kerncijfers(pdf, data)
    for nis_code, name in data.municipalities.items():
        _municipality(pdf, data, nis_code, name)
    _methodology(pdf)
    _provenance(pdf, data)
    return bytes(pdf.output())


def _heading(pdf: FPDF, text: str, size: int = 15) -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _text(pdf: FPDF, text: str, size: int = 10) -> None:
    pdf.set_font("DejaVu", size=size)
    pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf: FPDF, rows: list[list[str]], widths: tuple[int, ...] | None = None, size: int = 9,
           width: float | None = None) -> None:
    pdf.set_font("DejaVu", size=size)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5.5, first_row_as_headings=True, width=width,
                   align="LEFT") as table:
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(str(value))
    pdf.ln(3)


def _cover(pdf: FPDF, data: ReportData, period: str) -> None:
    pdf.add_page()
    pdf.ln(50)
    _heading(pdf, "Voortgangsrapport", 24)
    _text(pdf, TITLE, 13)
    _text(pdf, f"Rapportperiode: {period}", 12)
    _text(pdf, f"Basislijn: laatste inventaris op of vóór {format_date(data.baseline)}", 11)
    _text(pdf, f"Gemaakt op {format_date(data.created)} · gegevensversie {data.data_version}", 10)
    _text(pdf, "Gemeenten: " + ", ".join(data.municipalities.values()), 10)


def _summary(pdf: FPDF, data: ReportData, period: str) -> None:
    pdf.add_page()
    _heading(pdf, f"Samenvatting {period}")
    rows = [["Gemeente", "Peildatum", "Leegstand", "Basislijn", "Sinds basislijn", "Sinds vorige periode"]]
    for row in data.vacancy.itertuples():
        previous = format_pp(row.change_since_previous) if row.has_new_inventory else "geen nieuwe inventaris"
        rows.append([row.municipality, format_date(row.observed_on), format_pct(row.vacancy_rate_units),
                     format_pct(row.vacancy_rate_units_baseline), format_pp(row.change_since_baseline), previous])
    _table(pdf, rows, (40, 26, 24, 24, 30, 36))
    for sentence in data.sentences:
        _text(pdf, "• " + sentence)
    if data.small_numbers_note:
        _text(pdf, data.small_numbers_note, 8)


def _outputs(pdf: FPDF, data: ReportData) -> None:
    _heading(pdf, f"EFRO-outputindicatoren (alle edities tot en met {data.end.year})", 13)
    rows = [["Code", "Indicator", "Waarde", "Definitie"]]
    rows += [[r.Code, r.Indicator, format_number(r.Waarde), r.Definitie] for r in data.outputs.itertuples()]
    _table(pdf, rows, (22, 45, 22, 91))




#: Towns per table of core figures, beside the province: a landscape page holds seven columns of figures.
TOWNS_PER_TABLE = 6


def _kerncijfers(pdf: FPDF, data: ReportData) -> None:
    """The core figures on a landscape page: a row per figure, a column for the province and for each
    town (six towns per table)."""
    if data.kerncijfers.empty:
        return
    pdf.add_page(orientation="L")
    _heading(pdf, "Kerncijfers detailhandel (Provincies in Cijfers)", 13)
    is_province = data.kerncijfers["nis_code"] == data.region_code
    province, towns = data.kerncijfers[is_province], data.kerncijfers[~is_province]
    for start in range(0, max(len(towns), 1), TOWNS_PER_TABLE):
        shown = pd.concat([province, towns.iloc[start:start + TOWNS_PER_TABLE]])
        rows = [["Kerncijfer", *shown["municipality"]],
                [LABELS["observed_on"], *(format_date(day) for day in shown["observed_on"])]]
        rows += [[LABELS[column], *(format_value(column, value) for value in shown[column])]
                 for column in MEASURE_COLUMNS]
        _table(pdf, rows, (62, *[30] * len(shown)), size=7, width=62 + 30 * len(shown))
    _text(pdf, "Per 1.000 inwoners op 1 januari van het jaar met bevolkingscijfers (2018 of 2020) dat het dichtst bij "
               "de inventaris ligt. De provincie telt de gemeenten met een inventaris in het laatste jaar samen. "
               "'–' is onbekend: een oppervlakte per 1.000 inwoners bestaat alleen als elke winkel (of horecazaak) "
               "een gekende oppervlakte heeft. De definities staan bij de methodologie.", 8)
    if data.small_numbers_note:
        _text(pdf, data.small_numbers_note, 8)


def _municipality(pdf: FPDF, data: ReportData, nis_code: str, name: str) -> None:
    pdf.add_page()
    _heading(pdf, name)
    row = data.vacancy[data.vacancy["nis_code"] == nis_code]
    if row.empty:
        _text(pdf, "Geen inventaris in of vóór deze periode.")
        return
    row = row.iloc[0]
    _text(pdf, f"Peildatum {format_date(row.observed_on)}: {format_number(row.units_total)} verkooppunten, "
               f"{format_number(row.units_vacant)} leegstaand. Leegstand {format_pct(row.vacancy_rate_units)} "
               f"(oppervlakte {format_pct(row.vacancy_rate_floor)}, "
               f"langdurig {format_pct(row.long_term_vacancy_share)}); "
               f"{format_pp(row.change_since_baseline)} sinds de basislijn.")
    _town_kpis(pdf, data, row)
    # Charts draw no "x" (a small number left out): `blanked` leaves those points empty.
    trend = blanked(data.trends[data.trends["nis_code"] == nis_code])
    pdf.image(_trend_png(trend, name), w=170)
    mix = blanked(data.mix[data.mix["nis_code"] == nis_code])
    units = data.units[data.units["nis_code"] == nis_code] if data.units is not None else pd.DataFrame()
    y = pdf.get_y()
    if not mix.empty:
        pdf.image(_mix_png(mix.iloc[0]), x=pdf.l_margin, y=y, w=85)
    if not units.empty and units["lat"].notna().any():
        pdf.image(_units_png(units), x=pdf.l_margin + 90, y=y, w=80)


def _town_kpis(pdf: FPDF, data: ReportData, row) -> None:
    """The town's vacancy beside the province's and its peers', and what its action list holds."""
    province = data.vacancy[data.vacancy["nis_code"] == data.region_code]
    province_rate = province["vacancy_rate_units"].iloc[0] if len(province) else None
    peers = row.get("vacancy_rate_units_peers")
    region = regions.region(data.region_code)

    def difference(other) -> str:  # a town's rate left out ("x") would follow from its difference
        if row.vacancy_rate_units == SUPPRESSED:
            return SUPPRESSED
        return "–" if other is None or pd.isna(other) else format_pp(row.vacancy_rate_units - other)

    _table(pdf, [["", row.municipality, region.kind, f"Vergelijkbare gemeenten ({row.get('peer_group') or '–'})"],
                 ["Leegstand (panden)", format_pct(row.vacancy_rate_units), format_pct(province_rate),
                  format_pct(peers)],
                 ["Verschil van de gemeente", "", difference(province_rate), difference(peers)]],
           (50, 35, 35, 60), size=9)
    if len(province) and province["municipality"].iloc[0] != region.name:  # never a part for the whole
        _text(pdf, f"{region.kind}: {province['municipality'].iloc[0]}, de gemeenten met een inventaris samen.")
    count = row.get("units_vacant_year_or_more")
    if count is not None and not pd.isna(count):
        _text(pdf, f"Actielijst: {format_number(count)} panden staan minstens een jaar leeg (de lijst met adressen "
                   "staat op de pagina Gemeente).")


def _methodology(pdf: FPDF) -> None:
    pdf.add_page()
    _heading(pdf, "Methodologie")
    shown = definitions()[["Indicator", "Definitie"]]
    _table(pdf, [list(shown.columns), *shown.values.tolist()], (45, 135), size=8)
    _heading(pdf, "Bronnen", 13)
    _table(pdf, [list(SOURCES.columns), *SOURCES.values.tolist()], (70, 70, 40), size=8)


def _provenance(pdf: FPDF, data: ReportData) -> None:
    _heading(pdf, "Herkomst van de gegevens", 13)
    rows = [list(data.provenance.columns), *data.provenance.astype(str).values.tolist()]
    _table(pdf, rows, (15, 80, 28, 22, 35), size=8)


def _png(figure) -> io.BytesIO:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(figure)
    buffer.seek(0)
    return buffer


def _percent_axis(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: format_pct(value, 0)))


def _trend_png(trend: pd.DataFrame, name: str) -> io.BytesIO:
    figure, axes = plt.subplots(figsize=(7.5, 2.8))
    yearly = latest_of_year(trend).sort_values("observed_on")
    axes.plot(yearly["year"], yearly["vacancy_rate_units"], marker="o", color=OKABE_ITO["blue"], label="panden")
    axes.plot(yearly["year"], yearly["vacancy_rate_floor"], marker="s", color=OKABE_ITO["orange"],
              label="oppervlakte")
    _percent_axis(axes.yaxis)
    axes.set_title(f"Leegstand in {name}", fontsize=10)
    axes.legend(frameon=False, fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def _mix_png(mix_row: pd.Series) -> io.BytesIO:
    names = reference.group_names()
    codes = [c for c in GROUP_COLOURS if pd.notna(mix_row.get(f"share_units_{c}"))]
    figure, axes = plt.subplots(figsize=(4, 3))
    axes.barh([names.get(c, c)[:22] for c in codes], [mix_row[f"share_units_{c}"] for c in codes],
              color=[group_colour(c) for c in codes])
    _percent_axis(axes.xaxis)
    axes.set_title("Winkelmix (aandeel bezette panden)", fontsize=9)
    axes.tick_params(labelsize=7)
    return _png(figure)


def _units_png(units: pd.DataFrame) -> io.BytesIO:
    placed = units.dropna(subset=["lat", "lon"])
    figure, axes = plt.subplots(figsize=(4, 3.6))
    for status, size in (("occupied", 3), ("vacant", 9)):
        chosen = placed[placed["status"] == status]
        axes.scatter(chosen["lon"], chosen["lat"], s=size, c=[group_colour(g) for g in chosen["group_code"]],
                     label="leegstaand" if status == "vacant" else "in gebruik", linewidths=0)
    axes.set_aspect(1 / 0.63)  # degrees of longitude are shorter at 51° N
    axes.set_axis_off()
    axes.set_title("Verkooppunten (leegstand in rood-oranje)", fontsize=9)
    return _png(figure)
