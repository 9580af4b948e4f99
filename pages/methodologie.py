"""Methodologie: every definition and threshold, the sources and licences, the data coverage."""

import streamlit as st

from dashboard.tables import methodology
from dashboard.ui import loaders, shell

region = shell.region_selector()
st.title("Methodologie")
st.markdown("Hoe Kernmonitor elk cijfer berekent. De drempels en definities komen rechtstreeks uit de berekeningen, "
            "dus ze kunnen er niet van afwijken. Een cijfer dat niet gekend is, telt nooit als 0: het blijft leeg "
            "en de tabel zegt op hoeveel panden een cijfer rust.")
st.header("Definities")
definitions = methodology.definitions()
st.table(definitions.set_index("Indicator"))
shell.downloads(definitions, key="definitions", file_stem="definities")
with st.expander("Kolomnamen voor scripts en de opdrachtregel"):
    st.caption("De 'CSV voor scripts' en `python -m dashboard indicators` gebruiken deze namen; aandelen zijn daar "
               "breuken van 0 tot 1.")
    shell.table_with_downloads(methodology.column_names(), key="column_names", file_stem="kolomnamen")
st.header("Bronnen en licenties")
shell.table_with_downloads(methodology.SOURCES, key="sources", file_stem="bronnen")
st.header("Dekking van de gegevens")
st.caption(f"Welk deel van de panden in {region.name} een oppervlakte, coördinaten en (bij leegstand) een datum "
           "heeft: elke indicator gebruikt alleen de panden waarvoor het gegeven bekend is.")
shell.table_with_downloads(loaders.coverage(region=region.nis_code), key="coverage",
                           file_stem=f"dekking_{region.nis_code}")
if loaders.shows_sample_data():
    st.info("De getoonde gegevens zijn voorbeelddata (fictief), afgestemd op gepubliceerde cijfers.")
