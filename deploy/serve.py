"""``python -m deploy.serve public|coordinators --port N``: one app process of an instance, on loopback
behind nginx (deploy/nginx/), with that instance's settings. systemd's units, the loopback test and
the load benchmark all start app processes through this, so the settings live here only.

The public instance is read-only (``KERNMONITOR_READ_ONLY=1``: no write pages or widgets) and refuses
every upload itself (``server.maxUploadSize`` 0) besides nginx refusing ``/_stcore/upload_file``;
the coordinators' instance keeps the upload limit of ``.streamlit/config.toml``. The public instance
shows small numbers as "x" (``KERNMONITOR_DISCLOSURE_MIN=5``, as Provincies in Cijfers); the
coordinators see every value.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ("public", "coordinators")

#: Every app process: loopback only (nginx is the door), no file watching, no browser.
COMMON = {"server.address": "127.0.0.1", "server.headless": "true", "server.fileWatcherType": "none",
          "server.runOnSave": "false", "browser.gatherUsageStats": "false"}
#: The public instance: no uploads at all, small client messages (a viewer sends only widget
#: values), no error details for strangers.
PUBLIC = {"server.maxUploadSize": "0", "server.maxWidgetStateSize": "1", "client.showErrorDetails": "none"}
#: Said for both, so that neither inherits the other's from a shared environment file.
READ_ONLY = {"public": "1", "coordinators": "0"}
#: The small-numbers threshold (`dashboard.settings.disclosure_min`): Provincies in Cijfers' 5 for
#: strangers; off for the coordinators, who prepare the figures. Said for both, as above.
DISCLOSURE_MIN = {"public": "5", "coordinators": "0"}


def command(instance: str, port: int) -> tuple[list[str], dict[str, str]]:
    """The command line of one app process of ``instance`` on ``port``, and the environment it adds."""
    if instance not in INSTANCES:
        raise ValueError(f"onbekende instantie {instance!r}: kies {' of '.join(INSTANCES)}")
    options = {**COMMON, "server.port": str(port), **(PUBLIC if instance == "public" else {})}
    flags = [part for name, value in options.items() for part in (f"--{name}", value)]
    argv = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), *flags]
    return argv, {"KERNMONITOR_READ_ONLY": READ_ONLY[instance], "KERNMONITOR_DISCLOSURE_MIN": DISCLOSURE_MIN[instance]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m deploy.serve", description=__doc__.splitlines()[0])
    parser.add_argument("instance", choices=INSTANCES)
    parser.add_argument("--port", type=int, required=True, help="poort op 127.0.0.1 (nginx' upstream)")
    args = parser.parse_args(argv)
    program, extra = command(args.instance, args.port)
    os.chdir(ROOT)
    os.execve(program[0], program, {**os.environ, **extra})


if __name__ == "__main__":
    main()
