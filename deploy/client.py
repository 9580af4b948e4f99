"""A viewer without a browser: one Streamlit session over its websocket, speaking Streamlit's own
protocol (``BackMsg``/``ForwardMsg`` on ``/_stcore/stream``), light enough to run tens at once.

A page counts as loaded when its ``script_finished`` message arrives: the server has run the page
and sent every element. Drawing them is the browser's work and is not measured.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from urllib.parse import urlsplit

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect

#: Seconds a page may take; longer raises TimeoutError.
PAGE_TIMEOUT = 120.0


@dataclass
class Loaded:
    """One page load: its seconds from request to ``script_finished``, and what went wrong."""

    page: str
    seconds: float
    problems: list[str] = field(default_factory=list)


def tls_context(cafile: str | None) -> ssl.SSLContext | None:
    """Trust ``cafile`` (the proxy's own certificate) for https and wss; None for plain http."""
    return ssl.create_default_context(cafile=cafile) if cafile else None


def _problem(element) -> list[str]:
    """An exception or an error message on the page (a page that failed gracefully did not load)."""
    kind = element.WhichOneof("type")
    if kind == "exception":
        return [element.exception.message or element.exception.type]
    if kind == "alert" and element.alert.format == Alert.ERROR:
        return [element.alert.body]
    return []


class Session:
    """One viewer: the first request for the app (which gives the proxy's route cookie, as for a
    browser), then the websocket on which pages are run.

    Use as ``async with Session(url, cafile=…) as session: await session.load("gemeente")``. A given
    ``cookie`` (a Cookie header) skips the first request: the session then goes where that cookie leads.
    """

    def __init__(self, base_url: str, *, cafile: str | None = None, credentials: tuple[str, str] | None = None,
                 cookie: str | None = None):
        self.base_url = base_url.rstrip("/")
        self._tls = tls_context(cafile)
        self._headers = {}
        if credentials is not None:
            token = base64.b64encode(":".join(credentials).encode()).decode()
            self._headers["Authorization"] = f"Basic {token}"
        self.cookie = cookie
        #: Streamlit's id of this session (known after the first page).
        self.session_id: str | None = None
        self._socket = None

    async def __aenter__(self) -> Session:
        if self.cookie is None:
            self.cookie = await asyncio.to_thread(self._first_request)
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {**self._headers, **({"Cookie": self.cookie} if self.cookie else {})}
        self._socket = await connect(f"{scheme}://{parts.netloc}{parts.path}/_stcore/stream", ssl=self._tls,
                                     origin=f"{parts.scheme}://{parts.netloc}", subprotocols=["streamlit"],
                                     additional_headers=headers, max_size=None, proxy=None, compression=None,
                                     open_timeout=30)
        return self

    async def __aexit__(self, *_) -> None:
        await self._socket.close()

    def _first_request(self) -> str:
        """GET the app's page as a browser does; the cookies it sets, as a Cookie header."""
        jar = CookieJar()
        handlers = [urllib.request.HTTPCookieProcessor(jar), urllib.request.HTTPSHandler(context=self._tls),
                    urllib.request.ProxyHandler({})]
        request = urllib.request.Request(self.base_url + "/", headers=self._headers)
        with urllib.request.build_opener(*handlers).open(request, timeout=30) as response:
            response.read()
        return "; ".join(f"{c.name}={c.value}" for c in jar)

    async def load(self, page: str, query: str = "") -> Loaded:
        """Run ``page`` (its URL path: ``""`` for Overzicht, the default page; ``gemeente``) with the query
        string ``query`` and wait for the end of its run."""
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        message.rerun_script.context_info.timezone = "Europe/Brussels"
        message.rerun_script.context_info.locale = "nl-BE"
        start = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        problems: list[str] = []
        async with asyncio.timeout(PAGE_TIMEOUT):
            while True:
                forward = ForwardMsg()
                forward.ParseFromString(await self._socket.recv())
                kind = forward.WhichOneof("type")
                if kind == "new_session":
                    self.session_id = forward.new_session.initialize.session_id
                elif kind == "delta":
                    problems += _problem(forward.delta.new_element)
                elif kind == "page_not_found":
                    problems.append(f"pagina niet gevonden: {page}")
                elif kind == "script_finished":
                    if forward.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                        problems.append(ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished))
                    return Loaded(page, time.perf_counter() - start, problems)

    async def clear_cache(self) -> None:
        """What the menu's "Clear cache" sends: Streamlit empties its caches for every session."""
        message = BackMsg()
        message.clear_cache = True
        await self._socket.send(message.SerializeToString())
