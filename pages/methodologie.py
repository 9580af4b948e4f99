"""Methodologie: every definition and threshold, the sources and licences, the data coverage."""

import streamlit as st

from dashboard.tables import methodology
from dashboard.ui import loaders, shell

st.title("Methodologie")
st.markdown("Alle cijfers zijn breuken van 0 tot 1 in de gegevens en exports, en Nederlandse percentages op het "
            "scherm. De definities hieronder komen rechtstreeks uit de code van de berekeningen.")
st.subheader("Definities")
shell.table_with_downloads(methodology.definitions(), key="definitions", file_stem="definities")
st.subheader("Bronnen en licenties")
shell.table_with_downloads(methodology.SOURCES, key="sources", file_stem="bronnen")
st.subheader("Dekking van de gegevens")
st.caption("Welk deel van de panden een oppervlakte, coördinaten en (bij leegstand) een datum heeft: elke indicator "
           "gebruikt alleen de panden waarvoor het gegeven bekend is.")
shell.table_with_downloads(methodology.coverage(loaders.units()), key="coverage", file_stem="dekking")
if loaders.shows_sample_data():
    st.info("De getoonde gegevens zijn voorbeelddata (fictief), afgestemd op gepubliceerde cijfers.")
