"""Vergelijken: chosen municipalities (or a peer group) side by side in small multiples and a table."""

import streamlit as st

from dashboard import reference
from dashboard.figures import charts
from dashboard.tables import town
from dashboard.ui import loaders, shell, views

st.title("Vergelijken")
geography = shell.geography_selector()
names = reference.municipalities(geography).set_index("nis_code")["name_nl"].to_dict()
codes = sorted(names, key=names.get)
peer_of = st.selectbox("Vergelijkbare gemeenten van", [None, *codes], format_func=lambda c: names.get(c, "—"),
                       key="peers_of")
chosen = st.multiselect("Gemeenten", codes, placeholder="Kies gemeenten",
                        default=town.peer_codes(peer_of, geography=geography)[1]
                        if peer_of else ["34022", "31005", "35013", "36015"], format_func=names.get,
                        key=f"compare_{peer_of}")  # a new peer group starts a new choice
column = st.selectbox("Indicator", list(views.COMPARE_INDICATORS), format_func=views.COMPARE_INDICATORS.get,
                      key="compare_indicator")
table = loaders.vacancy_indicators(level="municipality", geography=geography)
picked = table[table["nis_code"].isin(chosen)]
if picked.empty:
    st.info("Kies gemeenten met minstens één inventaris.")
    st.stop()
shell.chart(charts.small_multiples(picked, column=column), key="small_multiples")
latest_year = int(picked["year"].max())
shell.table_with_downloads(views.compare_table(picked, latest_year), key="compare_table",
                           file_stem=f"vergelijking_{latest_year}")
