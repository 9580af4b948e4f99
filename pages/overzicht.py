"""Overzicht: the province at a glance for one inventory year."""

import streamlit as st

from dashboard import exports, frame, loaders, views
from dashboard.i18n import format_area, format_date

st.title("Leegstand in West-Vlaanderen")
geography = frame.geography_selector()
province = loaders.vacancy_indicators(level="province", geography=geography)
if province.empty:
    st.info("Er zijn nog geen inventarissen. Laad voorbeelddata met `python -m dashboard seed` "
            "of importeer een leegstandsbestand.")
    st.stop()

years = sorted(province["year"].unique().tolist(), reverse=True)
filters = views.OverviewFilters(year=st.selectbox("Inventarisjaar", years, key="year"), geography=geography)
current = province[province["year"] == filters.year].iloc[0]
st.caption(f"Peildatum {format_date(current['observed_on'])} · {format_area(current['floor_area_total_m2'])} "
           "gekende winkelvloeroppervlakte · leegstand ≤ 8 % is gezond (UNIZO).")

for column, kpi in zip(st.columns(4), views.province_kpis(province, filters.year), strict=False):
    column.metric(kpi.label, kpi.value, kpi.delta, delta_color="inverse", help=kpi.help)

st.subheader("Rangschikking van de gemeenten")
municipal = loaders.vacancy_indicators(level="municipality", geography=filters.geography)
ranking = views.ranking_table(municipal, filters.year)
st.dataframe(views.style_ranking(ranking), key="ranking", width="stretch")
st.download_button(
    "Download als CSV", exports.to_csv_bytes(municipal[municipal["year"] == filters.year]),
    file_name=f"leegstand_gemeenten_{filters.year}.csv", mime="text/csv", key="download_ranking",
)
