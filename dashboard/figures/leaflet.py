"""Leaflet for the maps, never from a CDN: served by the app from its static folder, or inlined.

Leaflet 1.9.4 comes from the installed ``django-js-lib-leaflet`` package.
"""

from __future__ import annotations

import base64
import importlib.resources
from pathlib import Path

import folium

#: Where Streamlit serves the local Leaflet copy (server.enableStaticServing, dashboard/static/).
STATIC_LEAFLET_URL = "/app/static/leaflet"
STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "leaflet"


def offline(element) -> None:
    """Only Leaflet itself, from the app's own static folder: no CDN, no jQuery or Bootstrap."""
    element.default_js = [("leaflet", f"{STATIC_LEAFLET_URL}/leaflet.js")]
    element.default_css = [("leaflet_css", f"{STATIC_LEAFLET_URL}/leaflet.css")]


def _leaflet_dist():
    return importlib.resources.files("js_lib_leaflet") / "static" / "js_lib_leaflet"


def ensure_static_leaflet(target: Path = STATIC_DIR) -> Path:
    """Copy Leaflet 1.9.4 from the installed ``django-js-lib-leaflet`` package into the folder that
    Streamlit serves (git-ignored; made on the app's first start, never fetched from a CDN)."""
    if (target / "leaflet.js").exists():
        return target
    (target / "images").mkdir(parents=True, exist_ok=True)
    dist = _leaflet_dist()
    for name in ("leaflet.js", "leaflet.css"):
        (target / name).write_bytes((dist / name).read_bytes())
    for image in (dist / "images").iterdir():
        (target / "images" / image.name).write_bytes(image.read_bytes())
    return target


def _inline_leaflet() -> str:
    """Leaflet's CSS (images as data URIs) and JavaScript, to put inside the page."""
    dist = _leaflet_dist()
    css = (dist / "leaflet.css").read_text(encoding="utf-8")
    for image in ("layers.png", "layers-2x.png", "marker-icon.png"):
        data = base64.b64encode((dist / "images" / image).read_bytes()).decode()
        css = css.replace(f"images/{image}", f"data:image/png;base64,{data}")
    return f"<style>{css}</style><script>{(dist / 'leaflet.js').read_text(encoding='utf-8')}</script>"


def standalone_html(fmap: folium.Map) -> str:
    """The map as one HTML file that needs no network (Leaflet inlined, no CDN links)."""
    page = fmap.get_root().render()
    for link in (f'<script src="{STATIC_LEAFLET_URL}/leaflet.js"></script>',
                 f'<link rel="stylesheet" href="{STATIC_LEAFLET_URL}/leaflet.css"/>'):
        page = page.replace(link, "")
    return page.replace("<head>", "<head>" + _inline_leaflet(), 1)
