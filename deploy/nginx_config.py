"""``python -m deploy.nginx_config``: nginx' configuration for both instances, from the templates in
deploy/nginx/ (``@NAME@`` marks what differs per server; nginx' own ``$variables`` stay as they are).

The defaults are a server with both host names on 443; the loopback test and the load benchmark
render the same templates with their own ports and files.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent / "nginx"
SITE, COMMON = "kernmonitor.conf", "kernmonitor-common.conf"


@dataclass
class Settings:
    """What the templates leave open. Ports are those of the app processes (`deploy.serve`) on 127.0.0.1."""

    public_name: str = "kernmonitor.example.be"
    coordinators_name: str = "beheer.kernmonitor.example.be"
    public_listen: str = "443"
    coordinators_listen: str = "443"
    http_listen: str = "80"
    public_ports: list[int] = field(default_factory=lambda: [8501, 8502])
    coordinators_ports: list[int] = field(default_factory=lambda: [8511])
    certificate: str = "/etc/letsencrypt/live/kernmonitor.example.be/fullchain.pem"
    certificate_key: str = "/etc/letsencrypt/live/kernmonitor.example.be/privkey.pem"
    htpasswd: str = "/etc/nginx/kernmonitor.htpasswd"
    common: str = f"/etc/nginx/snippets/{COMMON}"
    log_dir: str = "/var/log/nginx"


def render(settings: Settings) -> dict[str, str]:
    """The site file and the shared snippet (file name → text), every ``@NAME@`` filled in."""
    values = {name.upper(): str(value) for name, value in asdict(settings).items()}
    for kind in ("public", "coordinators"):
        ports = getattr(settings, f"{kind}_ports")
        if not ports:
            raise ValueError(f"{kind}: minstens één app-proces (poort) nodig")
        values[f"{kind.upper()}_SERVERS"] = "\n".join(f"    server 127.0.0.1:{port};" for port in ports)
    texts = {}
    for name in (SITE, COMMON):
        text = (TEMPLATES / f"{name}.in").read_text(encoding="utf-8")
        text = re.sub(r"@([A-Z_]+)@", lambda match: values[match.group(1)], text)
        texts[name] = text
    return texts


def write(settings: Settings, site: Path) -> None:
    """Write the site file to ``site`` and the snippet to ``settings.common``."""
    texts = render(settings)
    site.write_text(texts[SITE], encoding="utf-8")
    Path(settings.common).write_text(texts[COMMON], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m deploy.nginx_config", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=Path("/etc/nginx/sites-available") / SITE,
                        help="waar het sitebestand komt (standaard %(default)s)")
    for name, value in vars(defaults).items():
        option = "--" + name.replace("_", "-")
        if isinstance(value, list):
            parser.add_argument(option, type=lambda text: [int(port) for port in text.split(",")],
                                default=value, help=f"poorten, met komma's (standaard {','.join(map(str, value))})")
        else:
            parser.add_argument(option, default=value, help=f"standaard {value}")
    args = vars(parser.parse_args(argv))
    site = args.pop("site")
    write(Settings(**args), site)
    print(f"Geschreven: {site} en {args['common']}. Controleer met `nginx -t` en herlaad nginx.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
