"""Kernmonitor's entry point: page configuration, the shared frame and the navigation.

Run with ``streamlit run dashboard/app.py`` (``make run`` does this).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # streamlit puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

# The favicon from the app itself: an icon name would be fetched from a font server.
st.set_page_config(page_title="Kernmonitor", page_icon=ROOT / "dashboard" / "assets" / "favicon.png", layout="wide")
# Said at once, before the imports and the first tables of a cold start (seconds), removed at the end.
loading = st.empty()
loading.caption("Kernmonitor laadt de gegevens…")

from dashboard import settings  # noqa: E402
from dashboard.figures import leaflet  # noqa: E402
from dashboard.ui import faults, shell, warmup  # noqa: E402

leaflet.ensure_static_leaflet()  # the maps' Leaflet, served by Streamlit from dashboard/static/
warmup.start()  # once per server process: the shared tables, in the background
shell.dutch_chrome()
guard = faults.Guard()  # a fault is a Dutch message, never a traceback (one per run)
guard(shell.data_notice)
pages = [
    st.Page(ROOT / "pages" / "overzicht.py", title="Overzicht", icon=":material/map:", default=True),
    st.Page(ROOT / "pages" / "gemeente.py", title="Gemeente", icon=":material/location_city:"),
    st.Page(ROOT / "pages" / "vergelijken.py", title="Vergelijken", icon=":material/compare_arrows:"),
    st.Page(ROOT / "pages" / "campagne.py", title="Campagne", icon=":material/campaign:"),
    st.Page(ROOT / "pages" / "gegevens.py", title="Gegevens", icon=":material/upload_file:"),
    st.Page(ROOT / "pages" / "rapport.py", title="Rapport", icon=":material/description:"),
    st.Page(ROOT / "pages" / "methodologie.py", title="Methodologie", icon=":material/menu_book:"),
]
if settings.read_only():  # the public instance: reports are made by coordinators, on their own instance
    pages = [page for page in pages if page.title != "Rapport"]
navigation = st.navigation(pages)
try:
    guard(navigation.run)
finally:  # also when a page stops early (st.stop)
    loading.empty()
