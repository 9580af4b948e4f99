"""The benchmark run: build (or reuse) a scaled sample store, measure every case, write the results.

``python -m benchmarks`` builds all of Flanders (the real 300 municipalities, 285 since 2025) over
twenty yearly inventories (2005–2024) at `FLANDERS_SCALE`: about 2.5 million unit rows, shown as the
app shows Flanders (``KERNMONITOR_PROVINCE=02000``). ``--province 30000 --first-year 2015 --scale 5.1``
is the earlier case: West-Vlaanderen's 64 municipalities over ten inventories, about 1.5 million rows.
Results go to ``DIR/results.json`` and ``DIR/results.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import cases, load, memory
from benchmarks.timing import Measure, peak_rss_bytes
from dashboard import regions, settings
from dashboard.cli.arguments import first_year, region_code

DEFAULT_OUT = Path(__file__).resolve().parent / "results"
#: The region the store holds and the run shows: all of Flanders.
REGION = regions.FLANDERS_NIS_CODE
#: Twenty yearly inventories, 2005–2024 (years before 2015 follow the sample's assumed path).
FIRST_YEAR = 2005
#: Scale of the sample of Flanders over twenty inventories that gives about 2.5 million unit rows
#: (2,502,792; scale 0.1: 328,143).
FLANDERS_SCALE = 0.76
MAX_RSS = 2 * 1024**3


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    url, seed_seconds = _store(args)
    measures = [Measure("seed", f"Voorbeeldopslag bouwen ({_what(args)}, apart proces)", [seed_seconds])]
    found, peaks = run_cases(url, runs=args.runs, import_rows=args.import_rows, sessions=args.sessions,
                             load_seconds=args.load_seconds, region=args.province)
    measures += found
    measures += memory.limit_imports(args.out, rows=args.memory_rows) if args.memory_rows else []
    measures.append(Measure("peak_rss", "Piekgeheugen (RSS) van het benchmarkproces", [peak_rss_bytes()],
                            unit="B", max_value=MAX_RSS))
    total = time.perf_counter() - started
    write(measures, args.out, scale=args.scale, total_seconds=total, peaks=peaks, shown=_what(args, scale=False))
    print((args.out / "results.md").read_text(encoding="utf-8"))
    return 0


def run_cases(url: str, *, runs: int, import_rows: int, sessions: int = 10, load_seconds: float = 45.0,
              region: str = REGION) -> tuple[list[Measure], dict[str, int]]:
    """Every case in turn, of ``region``; also the process's peak RSS after each (which case raised it)."""
    from dashboard.store.database import Store

    # The pages, the app servers and the import (in this process and those it starts) show and accept
    # the region, as a deployment set to it would.
    os.environ[settings.PROVINCE_ENV] = region
    store = Store(url)
    measures, units, placed = cases.load(store, runs=runs, region=region)
    peaks = {"load": peak_rss_bytes()}
    campaign = store.campaign()
    largest = str(cases.town_sizes(units).index[0])
    steps = {"indicators": lambda: cases.indicators(units, placed, campaign, runs=runs, region=region),
             "pages": lambda: cases.pages(url, largest, runs=runs),
             "first_page": lambda: cases.first_page(url, runs=runs),
             "unit_map": lambda: cases.unit_map(units, largest),
             "reports": lambda: cases.reports(store, units, runs=1, region=region),
             "import": lambda: cases.import_csv(store, units, rows=import_rows, runs=runs)}
    if sessions:
        steps["load_sessions"] = lambda: load.load(url, sessions=sessions, seconds=load_seconds)
    for name, step in steps.items():
        measures += step()
        peaks[name] = peak_rss_bytes()
    return measures, peaks


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=FLANDERS_SCALE,
                        help=f"schaal van de voorbeelddata (standaard {FLANDERS_SCALE}: met de standaard voor "
                             "--province en --first-year ±2,5 miljoen regels)")
    parser.add_argument("--province", type=region_code, default=REGION, metavar="NIS",
                        help=f"het gebied van de opslag en van de pagina's: een provincie of 02000 (standaard "
                             f"{REGION}, heel Vlaanderen)")
    parser.add_argument("--first-year", type=first_year, default=FIRST_YEAR, metavar="JAAR",
                        help=f"eerste jaarlijkse inventaris van de voorbeelddata (standaard {FIRST_YEAR}: twintig "
                             f"inventarissen tot {settings.SAMPLE_LAST_YEAR})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="map voor results.json en results.md")
    parser.add_argument("--runs", type=int, default=3, help="herhalingen per meting (de mediaan telt)")
    parser.add_argument("--import-rows", type=int, default=100_000, help="rijen van het te importeren CSV-bestand")
    parser.add_argument("--memory-rows", type=int, default=memory.LIMIT_ROWS,
                        help=f"rijen van de bestanden waarvan het piekgeheugen van een import gemeten wordt (standaard "
                             f"{memory.LIMIT_ROWS:_}: de grens; 0: niet meten)".replace("_", "."))
    parser.add_argument("--reuse", action="store_true",
                        help="hergebruik een eerder gebouwde opslag van dit gebied, dit eerste jaar en deze schaal")
    parser.add_argument("--sessions", type=int, default=10,
                        help="gelijktijdige sessies van het belastingsgeval via nginx (0: dat geval overslaan)")
    parser.add_argument("--load-seconds", type=float, default=45.0, help="duur van elke fase van het belastingsgeval")
    return parser


def _store(args: argparse.Namespace) -> tuple[str, float]:
    """The scaled store, built by ``python -m dashboard seed`` in its own process (its memory is
    not the dashboard's)."""
    name = f"store-{args.province}-{args.first_year}-scale-{args.scale:g}.db"
    path = (args.out / name).resolve()  # the same file from any folder
    url = f"sqlite:///{path}"
    if args.reuse and path.exists():
        return url, float("nan")
    remove_store(path)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dashboard", "seed", "--scale", str(args.scale), "--province", args.province,
                    "--first-year", str(args.first_year), "--db", url], check=True)
    return url, time.perf_counter() - start


def _what(args: argparse.Namespace, *, scale: bool = True) -> str:
    """The store in words: "Vlaanderen, 2005–2024, schaal 0.76"."""
    what = f"{regions.name_of(args.province)}, {args.first_year}–{settings.SAMPLE_LAST_YEAR}"
    return f"{what}, schaal {args.scale:g}" if scale else what


def remove_store(path: Path) -> None:
    """An earlier store at ``path``: the database, its WAL files and its folder of copies."""
    for old in path.parent.glob(f"{path.name}*"):
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()


def write(measures: list[Measure], out: Path, *, scale: float, total_seconds: float,
          peaks: dict[str, int] | None = None, shown: str = "") -> None:
    """``results.json`` (every run, and the peak RSS after each case) and ``results.md`` (the
    table for the README); ``shown``: the region and years of the store."""
    facts = {"scale": scale, "shown": shown, "total_seconds": round(total_seconds, 1),
             "python": platform.python_version(),
             "machine": platform.machine(), "cpus": _cpus(), "peak_rss_after_bytes": peaks or {}}
    rows = [{"name": m.name, "label": m.label, "unit": m.unit, "value": m.value, "runs": m.runs,
             "baseline": m.baseline, "ratio": m.ratio, "max_value": m.max_value, "max_ratio": m.max_ratio,
             "meets_target": m.meets_target} for m in measures]
    (out / "results.json").write_text(json.dumps({"run": facts, "measures": rows}, indent=2), encoding="utf-8")
    (out / "results.md").write_text(markdown(measures, facts), encoding="utf-8")


def markdown(measures: list[Measure], facts: dict) -> str:
    shown = f" ({facts['shown']})" if facts.get("shown") else ""
    lines = [f"Schaal {facts['scale']:g}{shown}, {facts['cpus']} cores, Python {facts['python']}; "
             f"hele run {facts['total_seconds']:.0f} s. Mediaan van de herhalingen.", "",
             "| Meting | Waarde | Verhouding tot basislijn | Doel | Gehaald |", "|---|---:|---:|---|:-:|"]
    for m in measures:
        ratio = f"{m.ratio:.1f}×" if m.ratio is not None else ""
        lines.append(f"| {m.label} | {_show(m.value, m.unit)} | {ratio} | {_target(m)} | "
                     f"{ {True: 'ja', False: '**nee**', None: ''}[m.meets_target] } |")
    return "\n".join(lines) + "\n"


def _show(value: float, unit: str) -> str:
    if value != value:  # NaN: not measured (a reused store)
        return "–"
    if unit == "B":
        return f"{value / 1024**2:,.1f} MB".replace(",", " ").replace(".", ",")
    return f"{value:.2f} s".replace(".", ",")


def _target(m: Measure) -> str:
    parts = []
    if m.max_value is not None:
        parts.append(f"≤ {_show(m.max_value, m.unit)}")
    if m.max_ratio is not None:
        parts.append(f"≤ {m.max_ratio:g}× basislijn")
    return " en ".join(parts)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))
