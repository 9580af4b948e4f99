"""Campagne: reach per municipality and edition, the ambassador leaderboard, the impact analysis."""

import streamlit as st

from analysis.campaign import leaderboard, unique_enterprises
from dashboard import regions
from dashboard.figures import charts
from dashboard.i18n import format_number
from dashboard.registry import LABELS
from dashboard.ui import loaders, shell, views

region = shell.region_selector()
st.title("Campagne \u201cIk koop lokaal\u201d")
geography = shell.geography_selector(region)
reach = loaders.campaign_indicators(geography=geography, region=region.nis_code)
if reach.empty:
    st.info(f"Er zijn nog geen campagnecijfers van {region.name}. Importeer ze op de pagina Gegevens.")
    st.stop()
editions = sorted(reach["edition"].unique().tolist(), reverse=True)
edition = st.selectbox("Editie", editions, key="edition")
measure = st.selectbox("Maat", ["participation_rate", "bags_per_1000", "votes_per_1000"], key="reach_measure",
                       format_func=views.REACH_HEADERS.get)
shell.chart(charts.reach_chart(reach[reach["edition"] == edition], column=measure), key="reach_chart")
shell.table_with_downloads(views.reach_table(reach, edition), key="reach", file_stem=f"bereik_{edition}")

votes = loaders.votes(region=region.nis_code, geography=geography)
st.header("Ambassadeurs en stemmen")
if votes.empty:
    st.caption("Geen stemmen per winkel geïmporteerd.")
else:
    names = regions.municipality_names(geography)
    board = leaderboard(votes[votes["edition"] == edition], top=3)
    board = board.assign(gemeente=board["nis_code"].map(names)).rename(columns={
        "gemeente": "Gemeente", "rank": LABELS["rank"], "shop_name": "Winkel", "votes": "Stemmen",
        "winner": "Ambassadeur"})
    shell.table_with_downloads(board[["Gemeente", LABELS["rank"], "Winkel", "Stemmen", "Ambassadeur"]],
                               key="leaderboard",
                               file_stem=f"ambassadeurs_{edition}")
    st.metric("Bereikte ondernemingen (EFRO CO01/CO04), alle edities", format_number(unique_enterprises(votes)),
              help="Uniek per ondernemingsnummer, anders per gemeente en genormaliseerde winkelnaam.")

st.header("Impact op de leegstand")
result = loaders.campaign_impact(edition=edition, geography=geography, region=region.nis_code)
for column, kpi in zip(st.columns(3), views.impact_summary(result), strict=True):
    shell.metric(column, kpi)
st.markdown(views.impact_sentence(result))
st.caption(result.caveat)
