"""Gemeente: one town's profile — KPIs against the chosen region (its province or Flanders) and its peers
there, the unit map, trends, mix, duration, flows, streets, the long-vacant units to act on and the
town's strengths."""

import streamlit as st

from analysis.geography import latest_of_year
from dashboard import reference, registry
from dashboard.figures import charts
from dashboard.tables import town
from dashboard.tables.indicators import kerncijfers_table
from dashboard.ui import area_views, kerncijfer_views, loaders, register_views, shell, views

region = shell.region_selector()
st.title("Gemeente")
geography = shell.geography_selector(region)
names = region.municipalities(geography).set_index("nis_code")["name_nl"].to_dict()
nis = shell.town_selector(names, geography=geography, region=region)
table = loaders.vacancy_indicators(level="municipality", geography=geography, region=region.nis_code)
own = table[table["nis_code"] == nis]
if own.empty:
    st.info(f"Voor {names[nis]} zijn nog geen inventarissen. Importeer er een op de pagina Gegevens.")
    st.stop()
year = shell.year_selector(own["year"].unique().tolist())
row = latest_of_year(own, year=year).iloc[-1]
province = loaders.vacancy_indicators(level="province", geography=geography, region=region.nis_code)
compared = town.comparison_kpis(table, province, nis, year=year, geography=geography, region=region)

for column, kpi in zip(st.columns(4), views.town_kpis(row, compared, region), strict=True):
    shell.metric(column, kpi)
shell.quality_notes(row)
if row["is_register_only"]:
    st.info(f"Voor {year} is er alleen een register: {registry.shown(row, 'units_vacant')} leegstaande panden. Een "
            "leegstandspercentage vraagt een volledige inventaris (alle verkooppunten, bv. Locatus).")

units = loaders.town_units(nis, geography=geography, year=year)
group_names = reference.group_names()
# The map is built once per town, year and store version; a static frame sends nothing back, so
# panning never reruns the page.
st.iframe(loaders.unit_map_html(nis, geography=geography, year=year), height=480)
st.download_button("Kaart downloaden (HTML)", lambda: loaders.unit_map_file(nis, geography=geography, year=year),
                   file_name=f"kaart_{nis}_{year}.html", mime="text/html", key="download_map")  # made on click

trend, mix, duration, moves = st.tabs(["Trend", "Winkelmix", "Leegstandsduur", "Stromen"])
with trend:
    for column in ("vacancy_rate_units", "vacancy_rate_floor"):
        shell.chart(charts.trend_chart(own, column=column, reference=province,
                                       reference_name=region.series_name(province["municipality"])),
                    key=f"trend_{column}")
with mix:
    mix_rows = loaders.mix_indicators(geography=geography, region=region.nis_code)
    mix_row = mix_rows[(mix_rows["nis_code"] == nis) & (mix_rows["year"] == year)]
    if mix_row.empty:
        st.info("Geen winkelmix voor dit jaar.")
    else:
        shell.chart(charts.mix_chart(mix_row.iloc[0], group_names=group_names), key="mix_chart")
with duration:
    shell.chart(charts.duration_chart(row), key="duration_chart")
with moves:
    shell.chart(charts.flows_chart(own), key="flows_chart")

area_views.area_section(nis, geography=geography, year=year)
# The town alone from the cached units: quick enough uncached (a loader per store version could keep it).
kerncijfer_views.kerncijfer_section(kerncijfers_table(loaders.units(), geography=geography, year=year, nis_code=nis,
                                                      region=region),
                                    file_stem=f"kerncijfers_{nis}_{year}")
register_views.register_section(loaders.register_comparison(nis, geography=geography, year=year),
                                file_stem=f"register_{nis}_{year}")
st.header("Straten met de meeste leegstand")
shell.table_with_downloads(town.street_table(units), key="streets", file_stem=f"straten_{nis}_{year}")
st.header("Actielijst: panden die minstens een jaar leeg staan")
shell.table_with_downloads(loaders.action_list(nis, geography=geography, year=year),
                           key="actions", file_stem=f"actielijst_{nis}_{year}")
st.header("Sterktes")
if not mix_row.empty:
    shell.table_with_downloads(town.strengths(mix_row.iloc[0]), key="strengths", file_stem=f"sterktes_{nis}")
    st.caption(f"Aandeel filialen van ketens: {registry.shown(mix_row.iloc[0], 'chain_share')}.")
shell.table_with_downloads(town.ambassadors(loaders.votes(), nis, geography=geography), key="ambassadors",
                           file_stem=f"ambassadeurs_{nis}")
