"""Load, measured: viewers at once on the public instance through nginx with two app processes
(`deploy.loopback`, loopback only), each a Streamlit session without a browser (`deploy.client`)
loading Overzicht and Gemeente in turn. A page counts from its request to its ``script_finished``.

- capacity: ``sessions`` viewers asking page after page without a pause (the most it gives);
- paced: the same viewers asking ``rate`` pages a second together (each every ``sessions / rate``
  seconds), which the deployment must sustain with a median page of at most 1,5 s;
- clear_cache: one viewer's warm Overzicht, in turns without and with a second viewer on the same
  app process sending Streamlit's ``clear_cache`` twice a second.

``python -m benchmarks.load --db URL`` runs these cases alone; ``python -m benchmarks`` runs them
with the others.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from benchmarks.timing import Measure
from deploy import loopback
from deploy.client import Loaded, Session

#: The pages' URL paths: Overzicht (the default page) and Gemeente (its first town).
PAGES = ("", "gemeente")
NAMES = {"": "Overzicht", "gemeente": "Gemeente"}
#: Bounds: at most this many sessions and seconds per phase, whatever is asked.
MAX_SESSIONS, MAX_SECONDS = 50, 600.0
#: Targets of the issue for this 2-core machine.
TARGET_RATE, TARGET_MEDIAN, TARGET_CLEAR_RATIO = 2.0, 1.5, 1.5


def load(url: str, *, sessions: int = 10, seconds: float = 45.0, rate: float = TARGET_RATE,
         turns: int = 4) -> list[Measure]:
    """Every load case against a loopback deployment on the store at ``url``."""
    sessions, seconds = min(sessions, MAX_SESSIONS), min(seconds, MAX_SECONDS)
    environment = {"KERNMONITOR_TILES": "none"}
    with loopback.running(url, public=2, coordinators=1, environment=environment, timeout=600) as deployment:
        return asyncio.run(_cases(deployment, sessions=sessions, seconds=seconds, rate=rate, turns=turns))


async def _cases(deployment: loopback.Deployment, *, sessions: int, seconds: float, rate: float,
                 turns: int) -> list[Measure]:
    for port in deployment.public_ports:  # each process reads the store once, untimed
        async with Session(f"http://127.0.0.1:{port}") as session:
            for page in PAGES:
                _check(await session.load(page))
    measures = []
    full = await _viewers(deployment, sessions=sessions, seconds=seconds, interval=0.0)
    measures += _summary("load_capacity", f"{sessions} sessies zonder pauze", full)
    paced = await _viewers(deployment, sessions=sessions, seconds=seconds, interval=sessions / rate)
    measures += _summary("load_paced", f"{sessions} sessies, samen {rate:g} pagina's/s gevraagd", paced,
                         targets=True)
    return measures + await _clear_cache(deployment, turns=turns)


async def _viewers(deployment, *, sessions: int, seconds: float, interval: float) -> tuple[list[Loaded], float]:
    """``sessions`` viewers for ``seconds``, each asking a page every ``interval`` seconds (0: at once
    after the last), spread evenly over the first interval. The pages, and the seconds to divide
    them by: until the last one finished; paced, the window they were asked in (a deployment that
    keeps up serves every page asked, one that does not serves fewer)."""
    start = time.perf_counter()
    deadline = start + seconds

    async def viewer(number: int) -> list[Loaded]:
        await asyncio.sleep(number * interval / sessions)
        loaded = []
        async with Session(deployment.public_url, cafile=deployment.cafile) as session:
            turn = 0
            while (due := start + (number / sessions + turn) * interval) < deadline and time.perf_counter() < deadline:
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                loaded.append(await session.load(PAGES[(number + turn) % len(PAGES)]))
                turn += 1
        return loaded

    results = await asyncio.gather(*(viewer(number) for number in range(sessions)))
    return [page for pages in results for page in pages], seconds if interval else time.perf_counter() - start


def _summary(name: str, how: str, run: tuple[list[Loaded], float], *, targets: bool = False) -> list[Measure]:
    """Throughput (as seconds per finished page, so that a target is a maximum), median and 95th
    percentile of the pages that loaded; pages with a problem are counted in the label."""
    pages, elapsed = run
    good = [page.seconds for page in pages if not page.problems]
    failed = len(pages) - len(good)
    if len(good) < 2:
        raise RuntimeError(f"{how}: te weinig pagina's geladen ({len(good)}; {failed} met een fout)")
    throughput = len(good) / elapsed
    tail = statistics.quantiles(good, n=20)[-1]
    shown = f"{throughput:.2f}".replace(".", ",")
    problems = f", {failed} met een fout" if failed else ""
    return [Measure(f"{name}_interval", f"Belasting, {how}: tijd per afgewerkte pagina ({len(good)} pagina's in "
                    f"{elapsed:.0f} s = {shown} pagina's/s{problems})", [1 / throughput],
                    max_value=1 / TARGET_RATE if targets else None),
            Measure(f"{name}_median", f"Belasting, {how}: mediaan van een pagina (Overzicht en Gemeente)", good,
                    max_value=TARGET_MEDIAN if targets else None),
            Measure(f"{name}_p95", f"Belasting, {how}: 95e percentiel van een pagina", [tail])]


async def _clear_cache(deployment, *, turns: int, loads: int = 5) -> list[Measure]:
    """One viewer's warm Overzicht, ``loads`` times without and ``loads`` times with clear_cache
    twice a second from another viewer on the same app process (the same route cookie), in turns."""
    quiet, cleared = [], []
    async with Session(deployment.public_url, cafile=deployment.cafile) as viewer:
        _check(await viewer.load(""))
        for _ in range(turns):
            quiet += [_check(await viewer.load("")) for _ in range(loads)]
            async with Session(deployment.public_url, cafile=deployment.cafile, cookie=viewer.cookie) as other:
                sender = asyncio.create_task(_send_clear_cache(other))
                await asyncio.sleep(0.6)  # the first clear has landed
                cleared += [_check(await viewer.load("")) for _ in range(loads)]
                sender.cancel()
    base = Measure("clear_cache_quiet", "Overzicht warm, één sessie (basislijn voor clear_cache)", quiet)
    measure = Measure("clear_cache_overzicht", "Overzicht warm, terwijl een andere sessie 2× per seconde "
                      "clear_cache stuurt", cleared, baseline="clear_cache_quiet", max_ratio=TARGET_CLEAR_RATIO)
    measure.ratio = measure.value / base.value
    return [base, measure]


async def _send_clear_cache(session: Session) -> None:
    while True:
        await session.clear_cache()
        await asyncio.sleep(0.5)


def _check(page: Loaded) -> float:
    if page.problems:
        raise RuntimeError(f"{NAMES[page.page]}: {page.problems[0]}")
    return page.seconds


def main(argv: list[str] | None = None) -> int:
    from benchmarks.run import markdown

    parser = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="SQLAlchemy-URL van de opslag (bv. die van python -m benchmarks)")
    parser.add_argument("--sessions", type=int, default=10, help=f"gelijktijdige sessies (hoogstens {MAX_SESSIONS})")
    parser.add_argument("--seconds", type=float, default=45.0, help="duur van elke fase in seconden")
    parser.add_argument("--rate", type=float, default=TARGET_RATE, help="gevraagde pagina's per seconde (gedoseerd)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    measures = load(args.db, sessions=args.sessions, seconds=args.seconds, rate=args.rate)
    facts = {"scale": float("nan"), "cpus": len(os.sched_getaffinity(0)), "python": "",
             "total_seconds": time.perf_counter() - started}
    print(f"{facts['cpus']} cores, {facts['total_seconds']:.0f} s.\n")
    print(markdown(measures, facts).split("\n", 2)[2])  # the table without run.py's header
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

