"""A whole deployment on this machine's loopback: the app processes of both instances
(`deploy.serve`) behind nginx with the configuration of deploy/nginx/, a self-signed certificate and
a password file made on the spot, every port a free one on 127.0.0.1.

For the CI test and the load benchmark, and to try the configuration out:
``python -m deploy.loopback --db URL`` runs it until Ctrl-C.
"""

from __future__ import annotations

import argparse
import getpass
import os
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from deploy import nginx_config, serve

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Deployment:
    """Where a running loopback deployment answers, and what a client needs to trust and enter it."""

    folder: Path
    public_url: str
    coordinators_url: str
    http_url: str
    cafile: str
    credentials: tuple[str, str]
    public_ports: list[int]
    coordinators_ports: list[int]

    @property
    def access_log(self) -> Path:
        """nginx' access log: every request with the app process that served it (``upstream=``) and the
        browser's route (``route=``)."""
        return self.folder / "kernmonitor-access.log"


@contextmanager
def running(store_url: str, *, public: int = 2, coordinators: int = 1, timeout: float = 180.0,
            environment: dict[str, str] | None = None) -> Iterator[Deployment]:
    """Start ``public`` + ``coordinators`` app processes on ``store_url`` and nginx in front; stop
    every one of them (and remove their folder) on leaving, also after a failure."""
    folder = Path(tempfile.mkdtemp(prefix="kernmonitor-loopback-"))
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, folder, ignore_errors=True)
        ports = free_ports(public + coordinators + 3)
        app_ports = {"public": ports[:public], "coordinators": ports[public:public + coordinators]}
        public_port, coordinators_port, http_port = ports[-3:]
        env = {**os.environ, "KERNMONITOR_DB": store_url, **(environment or {})}
        started = []
        for instance, instance_ports in app_ports.items():
            for port in instance_ports:
                program, extra = serve.command(instance, port)
                started.append(stack.enter_context(_process(program, {**env, **extra},
                                                            folder / f"app-{instance}-{port}.log")))
        cafile, credentials = _certificate(folder), ("coordinator", secrets.token_urlsafe(16))
        _htpasswd(folder / "htpasswd", *credentials)
        settings = nginx_config.Settings(
            public_name="127.0.0.1", coordinators_name="localhost", public_listen=f"127.0.0.1:{public_port}",
            coordinators_listen=f"127.0.0.1:{coordinators_port}", http_listen=f"127.0.0.1:{http_port}",
            public_ports=app_ports["public"], coordinators_ports=app_ports["coordinators"], certificate=cafile,
            certificate_key=str(folder / "key.pem"), htpasswd=str(folder / "htpasswd"),
            common=str(folder / nginx_config.COMMON), log_dir=str(folder))
        nginx_config.write(settings, folder / nginx_config.SITE)
        (folder / "nginx.conf").write_text(_main_config(folder), encoding="utf-8")
        for port in ports[:public + coordinators]:
            _wait(f"http://127.0.0.1:{port}/_stcore/health", None, timeout, folder, started)
        started.append(stack.enter_context(_process([NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"),
                                                     "-e", str(folder / "error.log")], dict(os.environ),
                                                    folder / "nginx.log")))
        _wait(f"https://127.0.0.1:{public_port}/_stcore/health", cafile, timeout, folder, started)
        yield Deployment(folder, f"https://127.0.0.1:{public_port}", f"https://127.0.0.1:{coordinators_port}",
                         f"http://127.0.0.1:{http_port}", cafile, credentials, app_ports["public"],
                         app_ports["coordinators"])


def free_ports(count: int) -> list[int]:
    """``count`` different ports on 127.0.0.1 that were free a moment ago."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


@contextmanager
def _process(argv: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen]:
    """A child process with its output in ``log``; stopped (SIGTERM, then SIGKILL) on leaving."""
    with log.open("wb") as output:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)


def _certificate(folder: Path) -> str:
    """A self-signed certificate for 127.0.0.1 (its key beside it): the proxy's, and what clients trust."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(folder / "key.pem"),
                    "-out", str(folder / "cert.pem")], check=True, capture_output=True)
    return str(folder / "cert.pem")


def _htpasswd(path: Path, name: str, password: str) -> None:
    """nginx' password file with one account (Apache's MD5 scheme, which nginx checks itself)."""
    hashed = subprocess.run(["openssl", "passwd", "-apr1", "-stdin"], input=password, text=True, check=True,
                            capture_output=True).stdout.strip()
    path.write_text(f"{name}:{hashed}\n", encoding="utf-8")


def _main_config(folder: Path) -> str:
    """nginx' own main file around the site: everything inside ``folder``, in the foreground."""
    (folder / "temp").mkdir()
    temp = "\n".join(f"    {kind}_temp_path {folder / 'temp' / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = f"user {getpass.getuser()};\n" if os.geteuid() == 0 else ""  # workers read the password file
    return (f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'};\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n    include /etc/nginx/mime.types;\n{temp}\n"
            f"    include {folder / nginx_config.SITE};\n}}\n")


def _wait(url: str, cafile: str | None, timeout: float, folder: Path, started: list[subprocess.Popen]) -> None:
    """Until ``url`` answers 200; else (or when a process has ended) fail with the end of every log
    in ``folder``."""
    context = ssl.create_default_context(cafile=cafile) if cafile else None
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPSHandler(context=context))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and all(process.poll() is None for process in started):
        try:
            with opener.open(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    logs = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}"
                     for log in sorted(folder.glob("*.log")))
    raise RuntimeError(f"{url} antwoordt niet\n{logs}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m deploy.loopback", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy-URL van de opslag")
    parser.add_argument("--public", type=int, default=2, help="app-processen van de publieke instantie")
    args = parser.parse_args(argv)
    with running(args.db, public=args.public) as deployment:
        print(f"Publiek: {deployment.public_url}\nCoördinatoren: {deployment.coordinators_url} "
              f"(gebruiker {deployment.credentials[0]}, wachtwoord {deployment.credentials[1]})\n"
              f"Certificaat: {deployment.cafile}\nStoppen met Ctrl-C.", flush=True)
        with suppress(KeyboardInterrupt):
            signal.pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())
