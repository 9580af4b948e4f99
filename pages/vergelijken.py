"""Vergelijken: chosen municipalities of the region (or a peer group there) side by side in small
multiples and a table."""

import streamlit as st

from dashboard.figures import charts
from dashboard.tables import town
from dashboard.ui import loaders, shell, views

region = shell.region_selector()
st.title("Vergelijken")
geography = shell.geography_selector(region)
names = region.municipalities(geography).set_index("nis_code")["name_nl"].to_dict()
codes = sorted(names, key=names.get)
if st.session_state.get("peers_of") not in names:  # a town of the region chosen before
    st.session_state["peers_of"] = None
peer_of = st.selectbox("Vergelijkbare gemeenten van", [None, *codes], format_func=lambda c: names.get(c, "—"),
                       key="peers_of")
chosen = st.multiselect("Gemeenten", codes, placeholder="Kies gemeenten",
                        default=town.peer_codes(peer_of, geography=geography, region=region)[1]
                        if peer_of else region.largest_towns(geography), format_func=names.get,
                        key=f"compare_{region.nis_code}_{peer_of}")  # a new region or peer group starts a new choice
column = st.selectbox("Indicator", list(views.COMPARE_INDICATORS), format_func=views.COMPARE_INDICATORS.get,
                      key="compare_indicator")
table = loaders.vacancy_indicators(level="municipality", geography=geography, region=region.nis_code)
picked = table[table["nis_code"].isin(chosen)]
if picked.empty:
    st.info("Kies gemeenten met minstens één inventaris.")
    st.stop()
shell.chart(charts.small_multiples(picked, column=column), key="small_multiples")
latest_year = int(picked["year"].max())
shell.table_with_downloads(views.compare_table(picked, latest_year), key="compare_table",
                           file_stem=f"vergelijking_{latest_year}")
