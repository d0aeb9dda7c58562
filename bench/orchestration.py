"""Orchestration overhead of the monitor flow.

1. `idle`: a pass over 20 sources with nothing new against a running `prefect server`;
   `embedded`: the same against Prefect's embedded (temporary) server.
2. `articles`: a pass that stores 1,000 new articles: the monitor flow's wall time against the
   same work done by the library functions without Prefect; the difference is Prefect's share,
   taken pair by pair (order alternating, the server quiet before each run) and of the medians.
3. `fanout`: the monitor as a deployment on the running server, one `ingest-source` run per
   source on two process workers: a pass storing the new articles, then a pass finding nothing
   new, each timed from the trigger to the end of the last child run.

    .venv/bin/python bench/orchestration.py [--articles 1000] [--sources 20] [--repeat 3]
        [--measure idle,embedded,articles,fanout] [--prefect-database sqlite|postgres]
        [--prefect-defaults] [--hosts distinct|one]
        [--workers 2] [--worker-poll SECONDS] [--worker-limit N]

Everything is served on 127.0.0.1 from generated pages; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("the council said the convoy reached the valley after the bridge was repaired and "
         "officials promised that the schools would reopen once the roads were cleared of "
         "debris while farmers counted the losses of a season spent in shelters").split()


def article_page(number: int, kilobytes: int) -> str:
    """An article of 8 paragraphs inside `kilobytes` of page furniture, as news sites serve them."""
    paragraphs = []
    for p in range(8):
        words = [WORDS[(number * 7 + p * 13 + i) % len(WORDS)] for i in range(70)]
        paragraphs.append(f"<p>Report {number}, part {p}: {' '.join(words).capitalize()}.</p>")
    menu = "".join(f"<li><a href='/section/{i}'>Section {i}</a></li>" for i in range(40))
    teaser = ("<div class='teaser'><a href='/other/{n}'>Other story {n}</a>"
              "<p>A short summary of another story that sits beside the article.</p></div>")
    furniture = ""
    while len(furniture) < kilobytes * 1024:
        furniture += teaser.format(n=len(furniture))
    return (f"<html lang='en'><head><title>Regional report {number}</title>"
            f"<meta property='article:published_time' content='2024-01-{1 + number % 28:02d}T08:00:00+00:00'>"
            f"</head><body><nav><ul>{menu}</ul></nav><article><h1>Regional report {number}</h1>"
            f"{''.join(paragraphs)}</article><aside>{furniture}</aside></body></html>")


def write_site(folder: Path, sources: int, per_source: int, kilobytes: int) -> None:
    """`sources` RSS outlets of `per_source` articles each, under {{BASE}}/sN/."""
    for s in range(sources):
        outlet = folder / f"s{s}"
        (outlet / "a").mkdir(parents=True)
        items = []
        for a in range(per_source):
            number = s * per_source + a
            (outlet / "a" / f"{number}.html").write_text(article_page(number, kilobytes), encoding="utf-8")
            items.append(f"<item><title>Report {number}</title>"
                         f"<link>{{{{BASE}}}}/s{s}/a/{number}.html</link></item>")
        (outlet / "feed.xml").write_text(
            "<?xml version='1.0'?><rss version='2.0'><channel><title>s</title>"
            + "".join(items) + "</channel></rss>", encoding="utf-8")


def write_config(folder: Path, bases: list[str], sources: int, database_url: str,
                 name: str) -> Path:
    """Source sN at bases[N]: one host per outlet, as on the web, or all on one."""
    raw = {"database_url": database_url,
           "sources": [{"id": f"s{s}", "kind": "rss", "url": f"{bases[s]}/s{s}/feed.xml",
                        "language": "en", "crawl_delay": 0, "concurrency": 4}
                       for s in range(sources)],
           "watchlist": [{"id": "iskander", "kind": "weapon", "name": "Iskander",
                          "aliases": ["Iskander"]}],
           "alerts": {"recipients": []}}
    path = folder / f"claimwatch-{name}.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def start_server(home: Path, database_url: str | None = None,
                 prefect_defaults: bool = False) -> tuple[subprocess.Popen, str]:
    """`prefect server start` on 127.0.0.1: its own SQLite file, or the PostgreSQL database given;
    set up as docs/operations.md recommends, or with Prefect's defaults."""
    from claimwatch.sample_site import free_port
    from flows.server_settings import SERVER_ENV

    port = free_port()
    # No schedule may start a run of its own while the fan-out deployments are timed.
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
           **({} if prefect_defaults else SERVER_ENV)}
    if database_url:
        env["PREFECT_API_DATABASE_CONNECTION_URL"] = database_url.replace(
            "postgresql+psycopg://", "postgresql+asyncpg://")
    home.mkdir(parents=True, exist_ok=True)
    log = home / "server.log"
    process = subprocess.Popen([str(Path(sys.executable).parent / "prefect"), "server", "start",
                                "--host", "127.0.0.1", "--port", str(port)], env=env,
                               stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    api = f"http://127.0.0.1:{port}/api"
    # A fresh PostgreSQL database takes Prefect's migrations first: minutes on a busy machine.
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{api}/health", timeout=2).status_code == 200:
                return process, api
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    os.killpg(process.pid, 9)
    raise RuntimeError(f"prefect server did not start: {log.read_text(errors='replace')[-3000:]}")


def timed_monitor(config: Path, api_url: str | None) -> float:
    """Wall seconds of one `monitor` flow run in a fresh interpreter, made as `claimwatch run`
    makes it (`run_pass`: the extraction fork server started, then the flow called)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
    if api_url:
        env["PREFECT_API_URL"] = api_url
    code = ("import sys, time; import flows.monitor as m; "
            "t = time.perf_counter(); m.run_pass(config_path=sys.argv[1]); "
            "print(time.perf_counter() - t)")
    done = subprocess.run([sys.executable, "-c", code, str(config)], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


# Not claimwatch.pipeline.run_once: that ingests the sources one after the other, while the
# flow gathers them on one event loop; the comparison is of the same work.
PLAIN_PASS = """
import asyncio, sys, time
from pathlib import Path
from alerts import deliver_due
from claimwatch import processes
from claimwatch.analysis import analyse_all_pending
from claimwatch.config import load_config
from claimwatch.ingest import ingest_source
from storage.db import engine_for

async def all_sources(config, engine):
    return await asyncio.gather(*(ingest_source(s, engine) for s in config.sources))

start = time.perf_counter()
processes.warm_up()  # as run_pass and pipeline.run_once do
config = load_config(Path(sys.argv[1]))
engine = engine_for(config.database_url)
asyncio.run(all_sources(config, engine))
analyse_all_pending(config, engine)
deliver_due(config, engine)
print(time.perf_counter() - start)
"""


def timed_plain(config_path: Path) -> float:
    """The same pass with the library functions only, in a fresh interpreter like the flow's
    (imports done before the clock starts, the worker pool started inside it, as in the flow):
    what the work costs without Prefect."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    done = subprocess.run([sys.executable, "-c", PLAIN_PASS, str(config_path)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the plain pass failed: {done.stderr[-2000:]}")
    return float(done.stdout.strip().splitlines()[-1])


def served_bases(stack: ExitStack, root: Path, sources: int, hosts: str) -> list[str]:
    """The base URL of each source: 127.0.0.2, .3, ... (one host per outlet, so each has its
    own politeness slot and its own `host:` tag, as outlets on the web do), or all on 127.0.0.1."""
    from claimwatch.sample_site import SampleSite

    if hosts == "one":
        return [stack.enter_context(SampleSite(root=root, port=0)).base] * sources
    return [stack.enter_context(SampleSite(root=root, port=0, host=f"127.0.0.{2 + s}")).base
            for s in range(sources)]


def _runs(walls: list[float]) -> str:
    return f"median {statistics.median(walls):.2f} s (runs: {', '.join(f'{x:.2f}' for x in walls)})"


def group_cpu_seconds(group: int) -> float | None:
    """CPU seconds used so far by the live processes of a process group, or None without /proc."""
    from bench.procfs import processes

    seen = processes()
    return sum(p.cpu for p in seen.values() if p.group == group) if seen else None


def wait_until_quiet(group: int, busy_below: float = 0.05, longest: float = 20.0) -> None:
    """Until the server uses under `busy_below` of a core over half a second: the previous
    run's events recorded, so that no run is timed against the server's work for another."""
    deadline = time.monotonic() + longest
    while time.monotonic() < deadline:
        before = group_cpu_seconds(group)
        time.sleep(0.5)
        after = group_cpu_seconds(group)
        if before is None or after is None or after - before < busy_below * 0.5:
            return


def compare_with_plain(config, api: str, server_group: int, repeat: int) -> str:
    """Flow against plain pass, `repeat` pairs, each on fresh databases.

    The order alternates within pairs and each run starts with the server quiet: the machine's
    speed drifts over minutes, so a pair's two runs are close in time and the share is taken
    pair by pair (its median), beside the share of the two medians."""
    flows, plains, shares, server_flow, server_plain = [], [], [], [], []
    for n in range(repeat):
        flow_config, plain_config = config(f"flow{n}"), config(f"plain{n}")
        walls = {}
        for kind in (("flow", "plain") if n % 2 == 0 else ("plain", "flow")):
            wait_until_quiet(server_group)
            before = group_cpu_seconds(server_group)
            walls[kind] = (timed_monitor(flow_config, api) if kind == "flow"
                           else timed_plain(plain_config))
            after = group_cpu_seconds(server_group)
            if before is not None and after is not None:
                (server_flow if kind == "flow" else server_plain).append(after - before)
        flows.append(walls["flow"])
        plains.append(walls["plain"])
        shares.append(100 * max(0.0, walls["flow"] - walls["plain"]) / walls["flow"])
    flow_wall, plain_wall = statistics.median(flows), statistics.median(plains)
    cpu = (f"; Prefect server CPU during a flow run {statistics.median(server_flow):.2f} s, "
           f"during a plain run {statistics.median(server_plain):.2f} s (medians)"
           if server_flow and server_plain else "")
    return (f"flow {_runs(flows)}; same work without Prefect {_runs(plains)}; Prefect's share "
            f"of the medians {100 * max(0.0, flow_wall - plain_wall) / flow_wall:.1f}%, "
            f"pair by pair median {statistics.median(shares):.1f}% "
            f"(pairs: {', '.join(f'{x:.1f}' for x in shares)}){cpu}")


MEASURES = ("idle", "embedded", "articles", "fanout")


def measures(value: str) -> list[str]:
    chosen = [m.strip() for m in value.split(",") if m.strip()]
    unknown = set(chosen) - set(MEASURES)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"choose among {', '.join(MEASURES)}")
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--measure", type=measures, default=list(MEASURES),
                        help=f"comma-separated, among {','.join(MEASURES)} (default: all)")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite",
                        help="claimwatch's database (postgres: the server on 127.0.0.1:5432)")
    parser.add_argument("--page-kb", type=int, default=60,
                        help="page size; real news pages average far more (170 KB or so)")
    parser.add_argument("--prefect-database", choices=["sqlite", "postgres"], default="sqlite",
                        help="the Prefect server's own database (sqlite: `prefect server start`'s "
                             "default; postgres: as in production, on 127.0.0.1:5432)")
    parser.add_argument("--hosts", choices=["distinct", "one"], default="distinct",
                        help="each source on a loopback address of its own (default), or all "
                             "on 127.0.0.1")
    parser.add_argument("--prefect-defaults", action="store_true",
                        help="run the Prefect server with Prefect's defaults, not the settings "
                             "docs/operations.md recommends (flows/server_settings.py)")
    parser.add_argument("--workers", type=int, default=2, help="process workers for fanout")
    parser.add_argument("--worker-limit", type=int, default=None,
                        help="flow runs each fanout worker runs at once (default: no limit)")
    parser.add_argument("--worker-poll", type=float, default=None,
                        help="PREFECT_WORKER_QUERY_SECONDS of the fanout workers "
                             "(default: Prefect's, 10 s)")
    args = parser.parse_args()
    from bench.conflicts import database
    from bench.fanout import Workers, describe
    from storage.db import upgrade_schema

    work = Path(tempfile.mkdtemp(prefix="claimwatch-bench-"))
    drops: list = []
    print(f"claimwatch database: {args.database}; Prefect server database: "
          f"{args.prefect_database}{' (Prefect defaults)' if args.prefect_defaults else ''}; "
          f"{args.sources} sources ({args.hosts} hosts), "
          f"{args.articles} articles of {args.page_kb} KB")
    try:
        site_root = work / "site"
        write_site(site_root, args.sources, max(1, args.articles // args.sources), args.page_kb)
        prefect_url = None
        if args.prefect_database == "postgres":
            prefect_url, drop = database("postgres", work)
            drops.append(drop)
        server, api = start_server(work / "prefect-home", prefect_url, args.prefect_defaults)
        os.environ["PREFECT_HOME"] = str(work / "prefect-embedded")
        try:
            with ExitStack() as sites:
                bases = served_bases(sites, site_root, args.sources, args.hosts)

                def config(name: str) -> Path:
                    url, drop = database(args.database, work)
                    drops.append(drop)
                    upgrade_schema(url)
                    return write_config(work, bases, args.sources, url, name)

                if {"idle", "embedded"} & set(args.measure):
                    idle = config("idle")
                    timed_monitor(idle, api)  # stores everything once: later passes find nothing new
                if "idle" in args.measure:
                    running = [timed_monitor(idle, api) for _ in range(args.repeat)]
                    print(f"monitor, {args.sources} sources, nothing new, running server: "
                          f"{_runs(running)}")
                if "embedded" in args.measure:
                    timed_monitor(idle, None)  # the embedded server's first start is not a pass
                    embedded = [timed_monitor(idle, None) for _ in range(args.repeat)]
                    print(f"monitor, {args.sources} sources, nothing new, embedded server: "
                          f"{_runs(embedded)}")
                if "articles" in args.measure:
                    print(f"monitor storing {args.articles} new articles: "
                          f"{compare_with_plain(config, api, server.pid, args.repeat)}")
                if "fanout" in args.measure:
                    with Workers(api, work, args.workers, args.worker_poll,
                                 args.worker_limit) as workers:
                        stored, idle_passes = [], []
                        for n in range(args.repeat):
                            fresh = config(f"fanout{n}")
                            stored.append(workers.timed_pass(fresh))
                            idle_passes.append(workers.timed_pass(fresh))
                    poll = f"{args.worker_poll:g} s" if args.worker_poll is not None else "default"
                    setup = (f"{args.workers} workers (poll {poll}, limit "
                             f"{args.worker_limit or 'none'}), {args.sources} sources")
                    print(f"monitor fanned out, {setup}, storing {args.articles} new articles: "
                          f"{describe(stored)}")
                    print(f"monitor fanned out, {setup}, nothing new: {describe(idle_passes)}")
        finally:
            os.killpg(server.pid, 9)
            server.wait()
    finally:
        for drop in drops:
            for attempt in range(3):  # PostgreSQL may be restarting under another test
                try:
                    drop()
                    break
                except Exception as exc:  # a database left behind is named, not fatal
                    if attempt == 2:
                        print(f"could not drop a bench database: {exc}", file=sys.stderr)
                    time.sleep(5)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
