"""End-to-end benchmark on the replica site: a full backfill of every outlet, then a monitor
pass with 1% new articles, and a monitor pass with nothing new.

    python -m bench.pipeline --articles 20000 --outlets 10

Reports articles per second end to end, peak RSS of the whole process tree, database size,
and time per stage; and the main-text extractor alone over the same pages, for the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

from sqlalchemy import text

from alerts import deliver_due
from bench.procfs import Process, processes
from bench.replica import config_for, generate, write_indexes
from bench.served import served
from claimwatch import backfill, stage_times
from claimwatch.analysis import analyse_all_pending
from claimwatch.config import Config
from claimwatch.ingest import ingest_source
from storage.db import engine_for


class TreeMemory:
    """Peak resident memory of this process and all its descendants (the worker pool) summed,
    sampled every 100 ms; processes in `exclude` (the site server) are not ours to count.

    It also keeps the CPU time each process has used (last sample of each), so a run can say
    where the cores went: this process, its workers, the site server."""

    def __init__(self, exclude: set[int] = frozenset()):
        self.exclude = set(exclude)
        self.peak_mb = 0.0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> TreeMemory:
        # CPU used before the run (generating the replica) is not the run's.
        self.before = {pid: seen.cpu for pid, seen in processes().items()}
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(0.1):
            seen = processes()  # one read of /proc per sample serves memory and CPU both
            tree = self._tree(seen)
            self.peak_mb = max(self.peak_mb, sum(seen[p].rss_kb for p in tree) / 1024)
            for pid in [*tree, *self.exclude]:
                if pid in seen:
                    self.cpu[pid] = seen[pid].cpu

    def cpu_split(self) -> dict[str, float]:
        """CPU seconds used so far by this process, its descendants, and the excluded ones."""
        split = {"pipeline process": 0.0, "worker processes": 0.0, "site server": 0.0}
        for pid, used in self.cpu.items():
            part = ("pipeline process" if pid == os.getpid() else
                    "site server" if pid in self.exclude else "worker processes")
            split[part] += used - self.before.get(pid, 0.0)
        return split

    def _tree(self, seen: dict[int, Process]) -> list[int]:
        children: dict[int, list[int]] = {}
        for pid, process in seen.items():
            children.setdefault(process.parent, []).append(pid)
        tree, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            if pid in self.exclude:
                continue
            tree.append(pid)
            todo.extend(children.get(pid, []))
        return tree


async def backfill_source(source, engine, since: date, until: date) -> list[dict]:
    """What a `backfill` flow run does for one source, without Prefect (its cost is measured
    by bench.orchestration): plan, discover the history, ingest chunks of days."""
    todo = backfill.plan_backfill(engine, source, since, until)
    history = await backfill.discover_history(source)
    results = []
    for first in range(0, len(todo), backfill.DAYS_PER_TASK):
        some = todo[first:first + backfill.DAYS_PER_TASK]
        results += await backfill.ingest_days(source, engine, some,
                                              items={d: history.get(d, []) for d in some})
    return results


def one_pass(config: Config, history: tuple[date, date] | None = None) -> dict[str, float]:
    """A monitor pass over every source, or with `history` a backfill of every source over
    that range (sources side by side on one event loop)."""
    engine = engine_for(config.database_url)
    stage_times.take()
    stages: dict[str, float] = {}
    started = time.perf_counter()

    async def ingest_all() -> list:
        return await asyncio.gather(*(ingest_source(s, engine) for s in config.sources))

    async def backfill_all() -> list:
        return await asyncio.gather(*(backfill_source(s, engine, *history) for s in config.sources))

    if history is None:
        reports = [r.as_dict() for r in asyncio.run(ingest_all())]
    else:
        # Every outlet's backfill side by side on one event loop, as the monitor runs its
        # sources: each outlet keeps its own client and politeness.
        reports = [day for source_days in asyncio.run(backfill_all()) for day in source_days]
    stages["ingestion"] = time.perf_counter() - started
    mark = time.perf_counter()
    analysis = analyse_all_pending(config, engine)
    stages["analysis"] = time.perf_counter() - mark
    mark = time.perf_counter()
    deliver_due(config, engine)
    stages["alerts"] = time.perf_counter() - mark
    stages["total"] = time.perf_counter() - started
    inside = stage_times.take()
    stages["fetch (summed over items)"] = inside.get("fetch", 0.0)
    stages["extract (summed over workers)"] = inside.get("extract", 0.0)
    stages["store articles"] = inside.get("store", 0.0)
    stages["detect"] = inside.get("detect", 0.0)
    stages["conflicts"] = inside.get("conflicts", 0.0)
    stages["store detections"] = max(0.0, stages["analysis"] - stages["detect"] - stages["conflicts"])
    stages["stored"] = sum(r["outcomes"].get("stored", 0) + r["outcomes"].get("duplicate", 0)
                           for r in reports)
    stages["analysed"] = analysis.articles
    return stages


# The extractor alone, three ways: trafilatura as claimwatch calls it (no fallback extractors,
# no reader comments), trafilatura's defaults, and claimwatch's whole extract_article (main
# text plus title, date, author, language and canonical URL).
EXTRACTORS = {
    "trafilatura.extract(fast=True, include_comments=False), as claimwatch calls it":
        ("trafilatura", {"fast": True, "include_comments": False}),
    "trafilatura.extract, defaults": ("trafilatura", {}),
    "claimwatch's extract_article": ("claimwatch", {}),
}


def _extract_file(path: str, extractor: str, options: dict) -> int:
    html = Path(path).read_text(encoding="utf-8")
    if extractor == "claimwatch":
        from scrapers.extract import extract_article

        return len(extract_article(html, Path(path).as_uri()).text)
    import trafilatura

    return len(trafilatura.extract(html, **options) or "")


def extractor_alone(site: Path, workers: int, limit: int, extractor: str, options: dict) -> float:
    """Pages per second of the extractor alone over the replica's pages, `workers` processes."""
    pages = sorted(str(p) for p in site.glob("outlet*/a/*.html"))[:limit]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_extract_file, pages, [extractor] * len(pages), [options] * len(pages),
                      chunksize=16))
    return len(pages) / (time.perf_counter() - started)


def database_mb(url: str) -> float:
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*")) / 2**20
    engine = engine_for(url)
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_database_size(current_database())")).scalar() / 2**20


def show(name: str, stages: dict[str, float]) -> None:
    rate = stages["stored"] / stages["total"] if stages["total"] else 0
    parts = ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()
                      if k not in ("stored", "analysed", "total"))
    print(f"{name}: {int(stages['stored'])} articles stored in {stages['total']:.1f} s "
          f"({rate:.1f} articles/s); {parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--outlets", type=int, default=10)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: SQLite)")
    parser.add_argument("--extractor-pages", type=int, default=2000,
                        help="pages for the extractor-alone comparison")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="replica-"))
    try:
        started = time.perf_counter()
        site = generate(folder / "site", args.articles, args.outlets)
        size = sum(p.stat().st_size for p in (folder / "site").rglob("*.html")) / 2**20
        print(f"replica: {args.articles} articles over {args.outlets} outlets, {size:.0f} MB of "
              f"pages ({size * 1024 / args.articles:.0f} KB a page), written in "
              f"{time.perf_counter() - started:.0f} s")
        # 1% of the articles appear only after the first pass: left out of the indexes.
        site_root = folder / "site"
        for outlet, items in site["entries"].items():
            write_indexes(site_root / outlet, outlet, [i for i in items if i[0] % 100])
        database = args.database or f"sqlite:///{folder / 'bench.db'}"
        cores = os.cpu_count() or 1
        with served(folder / "site") as (base, server_pid), \
                TreeMemory(exclude={server_pid}) as memory:
            config = Config.model_validate(config_for(site, base, database))
            published = [when for items in site["entries"].values() for _, when, _ in items]
            first = one_pass(config, history=(min(published).date(), max(published).date()))
            show("full backfill", first)
            used = memory.cpu_split()
            print(f"CPU during the backfill, of {cores * first['total']:.0f} core-seconds on "
                  f"{cores} cores: "
                  + ", ".join(f"{k} {v:.1f} s" for k, v in used.items()))
            for outlet, items in site["entries"].items():
                write_indexes(site_root / outlet, outlet, items)
            show("incremental pass, 1% new", one_pass(config))
            show("pass with nothing new", one_pass(config))
        print(f"database size: {database_mb(database):.0f} MB for {args.articles} articles")
        print(f"peak RSS, claimwatch and its worker processes together: {memory.peak_mb:.0f} MB")
        end_to_end = first["stored"] / first["total"]
        ingestion = first["stored"] / first["ingestion"]
        for name, (extractor, options) in EXTRACTORS.items():
            alone = extractor_alone(folder / "site", cores, args.extractor_pages, extractor, options)
            print(f"{name} alone, {cores} processes: {alone:.1f} pages/s; "
                  f"end to end {end_to_end:.1f} articles/s = {end_to_end / alone:.2f}x, "
                  f"ingestion alone {ingestion:.1f} articles/s = {ingestion / alone:.2f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
