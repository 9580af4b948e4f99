"""Overzicht: the chosen region (a province or Flanders) at a glance for one inventory year."""

import streamlit as st
from streamlit_folium import st_folium

from analysis.vacancy import HEALTHY_MAX
from dashboard import registry, settings
from dashboard.figures import charts, maps
from dashboard.i18n import format_date, format_pct
from dashboard.ui import area_views, loaders, shell, views

region = shell.region_selector()
st.title(f"Leegstand in {region.name}")
geography = shell.geography_selector(region)
province = loaders.vacancy_indicators(level="province", geography=geography, region=region.nis_code)
if province.empty:
    st.info(f"Er zijn nog geen inventarissen van {region.name}. Laad voorbeelddata met `python -m dashboard seed` "
            "of importeer een leegstandsbestand.")
    st.stop()

years = sorted(province["year"].unique().tolist(), reverse=True)
filters = views.OverviewFilters(year=st.selectbox("Inventarisjaar", years, key="year"), geography=geography)
current = province[province["year"] == filters.year].iloc[0]
st.caption(f"Peildatum {format_date(current['observed_on'])} · {registry.shown(current, 'floor_area_total_m2')} "
           f"gekende winkelvloeroppervlakte · leegstand ≤ {format_pct(HEALTHY_MAX, 0)} is gezond (UNIZO).")
if note := views.coverage_note(current, region):
    st.info(note, icon=":material/info:")

for column, kpi in zip(st.columns(4), views.province_kpis(province, filters.year), strict=False):
    shell.metric(column, kpi)

municipal = loaders.vacancy_indicators(level="municipality", geography=filters.geography, region=region.nis_code)
st.header("Kaart")
indicator = st.selectbox("Indicator", list(views.MAP_INDICATORS), format_func=views.MAP_INDICATORS.get,
                         key="map_indicator")
extra = {"vitality_index": lambda: {"vitality": loaders.vitality(year=filters.year, geography=filters.geography,
                                                                 region=region.nis_code)},
         "participation_rate": lambda: {"reach": loaders.campaign_indicators(geography=filters.geography,
                                                                             region=region.nis_code)}}
shown = views.map_table(municipal, loaders.mix_indicators(geography=filters.geography, region=region.nis_code),
                        filters.year, indicator, **extra.get(indicator, dict)())
upload = None
if not settings.read_only():  # the public instance accepts no uploads at all
    with st.expander("Andere grenzen gebruiken"):
        upload = st.file_uploader("Grenzen van de gemeenten (GeoJSON of GeoPackage met een kolom NIS-code)",
                                  type=["geojson", "json", "gpkg"], key="boundaries_upload")
boundaries = loaders.boundaries(upload, geography=filters.geography, region=region.nis_code)
st_folium(maps.municipality_map(shown, value=indicator, label=views.MAP_INDICATORS[indicator],
                                places=region.municipalities(filters.geography), boundaries=boundaries),
          key="province_map", returned_objects=[], height=520, use_container_width=True)
trend = views.region_series(province, region)
shell.chart(charts.trend_chart(trend, column="vacancy_rate_units"), key="province_trend")
area_views.type_section(geography=filters.geography, year=filters.year, region=region)

if settings.show_rankings():
    st.header("Rangschikking van de gemeenten")
    ranking = views.ranking_table(municipal, filters.year)
    st.dataframe(registry.styled(ranking), key="ranking", width="stretch", column_config=shell.column_config(ranking))
    shell.small_numbers_note(registry.suppressed(ranking).to_numpy().any())
st.caption(f"Alle indicatoren van {filters.year} per gemeente:")
shell.downloads(views.year_download(municipal, filters.year), key="download_ranking",
                file_stem=f"leegstand_gemeenten_{filters.year}")
