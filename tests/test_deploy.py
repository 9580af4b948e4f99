"""The deployment of deploy/: nginx (Debian's nginx-light) in front of the public instance (two app
processes) and the coordinators' instance (one), all on loopback with a self-signed certificate.

The checks are the proxy's and the app processes' own settings, not the pages' read-only mode.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import os
import re
import ssl
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pytest
from websockets.exceptions import InvalidStatus

from dashboard.store.database import Batch, Store
from deploy import loopback, nginx_config, serve
from deploy.client import Session
from tests.conftest import unit_rows

HEADERS = {"x-content-type-options": "nosniff", "referrer-policy": "same-origin", "x-frame-options": "SAMEORIGIN"}


def test_the_public_instance_runs_read_only_and_refuses_uploads_itself():
    argv, env = serve.command("public", 8501)
    assert argv[argv.index("--server.maxUploadSize") + 1] == "0"
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    assert argv[argv.index("--server.port") + 1] == "8501"
    assert env == {"KERNMONITOR_READ_ONLY": "1", "KERNMONITOR_DISCLOSURE_MIN": "5"}  # small numbers as "x"
    argv, env = serve.command("coordinators", 8511)
    assert "--server.maxUploadSize" not in argv  # .streamlit/config.toml's 200 MB
    assert env == {"KERNMONITOR_READ_ONLY": "0", "KERNMONITOR_DISCLOSURE_MIN": "0"}  # coordinators see all
    with pytest.raises(ValueError, match="onbekende instantie"):
        serve.command("iedereen", 8501)


def test_the_configuration_closes_uploads_on_the_public_server_only():
    site = nginx_config.render(nginx_config.Settings())[nginx_config.SITE]
    assert not re.search(r"@[A-Z_]+@", site)
    public, coordinators = site.split("server_name kernmonitor.example.be;")[1].split("server_name beheer.")
    assert "location /_stcore/upload_file" in public and "return 403" in public
    assert "location /_stcore/upload_file" not in coordinators and "auth_basic_user_file" in coordinators
    assert "server 127.0.0.1:8501;\n    server 127.0.0.1:8502;" in site  # two public app processes


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    if not Path(loopback.NGINX).exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("nginx is missing: .ci/run must install Debian's nginx-light.")
        pytest.skip("nginx is not installed (apt-get install nginx-light); CI installs it")
    folder = tmp_path_factory.mktemp("deploy")
    url = f"sqlite:///{folder / 'kernmonitor.db'}"
    street = {"street": "Lange Steenstraat"}
    units = pd.concat([unit_rows({"status": "vacant", "group_code": "00", **street}, street, street, street,
                                 nis_code="34022"),  # Kortrijk, the Gemeente page's first town
                       unit_rows({}, {}, nis_code="37015")], ignore_index=True)
    units["unit_id"] = units["nis_code"] + "-" + units["unit_id"]
    Store(url).add_batch(Batch(kind="units", file_name="klein.csv", raw=b"x"), units)
    environment = {"KERNMONITOR_CACHE": str(folder / "copies"), "KERNMONITOR_TILES": "none",
                   "KERNMONITOR_SECRETS": str(folder / "geen-accounts.toml")}
    with loopback.running(url, public=2, coordinators=1, environment=environment) as running:
        yield running


def _request(url: str, *, cafile: str | None = None, method: str = "GET", headers: dict | None = None,
             body: bytes | None = None) -> tuple[int, http.client.HTTPMessage]:
    """One request, no redirects followed, no proxy from the environment: its status and headers."""
    parts = urlsplit(url)
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(parts.hostname, parts.port, timeout=30,
                                                 context=ssl.create_default_context(cafile=cafile))
    else:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        connection.request(method, parts.path or "/", body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response.headers
    finally:
        connection.close()


def _basic(credentials: tuple[str, str]) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(":".join(credentials).encode()).decode()}


async def _pages(url: str, cafile: str, credentials=None) -> list:
    async with Session(url, cafile=cafile, credentials=credentials) as session:
        return [await session.load(page) for page in ("", "gemeente")]  # Overzicht, Gemeente


@pytest.mark.slow
def test_pages_load_through_the_proxy_with_its_security_headers(deployment):
    for loaded in asyncio.run(_pages(deployment.public_url, deployment.cafile)):
        assert loaded.problems == [], loaded.page
    for loaded in asyncio.run(_pages(deployment.coordinators_url, deployment.cafile, deployment.credentials)):
        assert loaded.problems == [], loaded.page
    status, headers = _request(deployment.public_url + "/", cafile=deployment.cafile)
    assert status == 200
    for name, value in HEADERS.items():
        assert headers[name] == value
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["strict-transport-security"] == "max-age=31536000"
    assert re.fullmatch(r"kernmonitor_route=[0-9a-f]{32}; Path=/; Secure; HttpOnly; SameSite=Lax",
                        headers["set-cookie"])


def _upload(base_url: str, session: Session, *, cafile: str | None, credentials=None) -> int:
    """Streamlit's file upload as its page makes it (XSRF cookie from /_stcore/health, then a PUT of
    one file to the session), the status it gets."""
    auth = _basic(credentials) if credentials else {}
    cookies = {"Cookie": session.cookie} if session.cookie else {}
    _, headers = _request(base_url + "/_stcore/health", cafile=cafile, headers={**auth, **cookies})
    xsrf = headers["set-cookie"].split(";")[0]
    body = (b'--grens\r\nContent-Disposition: form-data; name="file"; filename="grenzen.geojson"\r\n'
            b"Content-Type: application/json\r\n\r\n" + b"x" * 2048 + b"\r\n--grens--\r\n")
    cookie = "; ".join(filter(None, [session.cookie, xsrf]))
    status, _ = _request(f"{base_url}/_stcore/upload_file/{session.session_id}/{uuid.uuid4()}", cafile=cafile,
                         method="PUT", body=body,
                         headers={**auth, "Cookie": cookie, "X-Xsrftoken": xsrf.split("=", 1)[1],
                                  "Content-Type": "multipart/form-data; boundary=grens"})
    return status


async def _upload_in_session(url: str, cafile: str | None, credentials=None) -> int:
    async with Session(url, cafile=cafile, credentials=credentials) as session:
        await session.load("methodologie")  # any page: the session exists and has its id
        return await asyncio.to_thread(_upload, url, session, cafile=cafile, credentials=credentials)


@pytest.mark.slow
def test_an_anonymous_upload_to_the_public_instance_is_refused(deployment):
    assert asyncio.run(_upload_in_session(deployment.public_url, deployment.cafile)) == 403  # by nginx
    # Behind nginx the public app processes refuse it themselves (server.maxUploadSize 0)…
    direct = f"http://127.0.0.1:{deployment.public_ports[0]}"
    assert asyncio.run(_upload_in_session(direct, None)) == 413
    # …while the coordinators' instance takes the same upload: the refusal is the public instance's.
    assert asyncio.run(_upload_in_session(deployment.coordinators_url, deployment.cafile,
                                          deployment.credentials)) == 204


@pytest.mark.slow
def test_the_coordinators_instance_asks_for_credentials(deployment):
    status, headers = _request(deployment.coordinators_url + "/", cafile=deployment.cafile)
    assert status == 401
    assert headers["www-authenticate"] == 'Basic realm="Kernmonitor coordinatoren"'
    wrong = (deployment.credentials[0], "niet-het-wachtwoord")
    assert _request(deployment.coordinators_url + "/", cafile=deployment.cafile, headers=_basic(wrong))[0] == 401
    assert _request(deployment.coordinators_url + "/", cafile=deployment.cafile,
                    headers=_basic(deployment.credentials))[0] == 200

    async def websocket_without_credentials():
        async with Session(deployment.coordinators_url, cafile=deployment.cafile, cookie=""):
            pass

    with pytest.raises(InvalidStatus, match="401"):
        asyncio.run(websocket_without_credentials())


@pytest.mark.slow
def test_each_browser_stays_with_one_app_process_and_both_get_browsers(deployment):
    routes = []
    for _ in range(20):  # 20 browsers: all on one of two processes would be a chance of 2 in a million
        _, headers = _request(deployment.public_url + "/", cafile=deployment.cafile)
        routes.append(headers["set-cookie"].split(";")[0])
    for route in routes:
        for _ in range(3):
            assert _request(deployment.public_url + "/_stcore/health", cafile=deployment.cafile,
                            headers={"Cookie": route})[0] == 200
    served: dict[str, set[str]] = {}
    for line in deployment.access_log.read_text().splitlines():
        found = re.search(r"upstream=(\S+) route=(\S+)", line)
        if found and f"kernmonitor_route={found[2]}" in routes:
            served.setdefault(found[2], set()).add(found[1])
    assert len(served) == 20
    assert all(len(upstreams) == 1 for upstreams in served.values())  # 4 requests each, one process
    assert set().union(*served.values()) == {f"127.0.0.1:{port}" for port in deployment.public_ports}


@pytest.mark.slow
def test_plain_http_is_sent_to_https(deployment):
    status, headers = _request(deployment.http_url + "/gemeente")
    assert status == 301
    assert headers["location"] == "https://127.0.0.1/gemeente"
