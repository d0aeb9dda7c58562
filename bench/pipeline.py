"""End-to-end benchmark on the replica site: a full first pass (the backfill case), an
incremental pass with 1% new articles, and a pass with nothing new.

    python -m bench.pipeline --articles 20000 --outlets 10

Reports articles per second end to end, peak RSS of the whole process tree, database size,
and time per stage; and the main-text extractor alone over the same pages, for the ratio.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from alerts import deliver_due
from bench.replica import config_for, generate, write_indexes
from bench.served import served
from claimwatch.analysis import analyse_all_pending
from claimwatch.config import Config
from claimwatch.ingest import ingest_source
from storage.db import engine_for


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def one_pass(config: Config) -> dict[str, float]:
    engine = engine_for(config.database_url)
    stages: dict[str, float] = {}
    started = time.perf_counter()

    async def ingest_all() -> list:
        return await asyncio.gather(*(ingest_source(s, engine) for s in config.sources))

    reports = asyncio.run(ingest_all())
    stages["fetch+extract+store"] = time.perf_counter() - started
    mark = time.perf_counter()
    analysis = analyse_all_pending(config, engine)
    stages["detect+conflicts+outbox"] = time.perf_counter() - mark
    mark = time.perf_counter()
    deliver_due(config, engine)
    stages["alerts"] = time.perf_counter() - mark
    stages["total"] = time.perf_counter() - started
    stages["stored"] = sum(r.outcomes.get("stored", 0) + r.outcomes.get("duplicate", 0)
                           for r in reports)
    stages["analysed"] = analysis.articles
    return stages


def _extract_file(path: str) -> int:
    import trafilatura

    return len(trafilatura.extract(Path(path).read_text(encoding="utf-8")) or "")


def extractor_alone(site: Path, workers: int, limit: int) -> float:
    """Pages per second of bare trafilatura over the replica's pages, `workers` processes."""
    pages = sorted(str(p) for p in site.glob("outlet*/a/*.html"))[:limit]
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_extract_file, pages, chunksize=16))
    return len(pages) / (time.perf_counter() - started)


def show(name: str, stages: dict[str, float]) -> None:
    rate = stages["stored"] / stages["total"] if stages["total"] else 0
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()
                      if k not in ("stored", "analysed", "total"))
    print(f"{name}: {int(stages['stored'])} articles stored in {stages['total']:.1f} s "
          f"({rate:.1f} articles/s); {parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--outlets", type=int, default=10)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL (default: SQLite)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="replica-"))
    try:
        site = generate(folder / "site", args.articles, args.outlets)
        # 1% of the articles appear only after the first pass: left out of the indexes.
        site_root = folder / "site"
        for outlet, items in site["entries"].items():
            write_indexes(site_root / outlet, outlet, [i for i in items if i[0] % 100])
        database = args.database or f"sqlite:///{folder / 'bench.db'}"
        with served(folder / "site") as base:
            config = Config.model_validate(config_for(site, base, database))
            first = one_pass(config)
            show("full first pass (backfill)", first)
            for outlet, items in site["entries"].items():
                write_indexes(site_root / outlet, outlet, items)
            show("incremental pass, 1% new", one_pass(config))
            show("pass with nothing new", one_pass(config))
        db_file = folder / "bench.db"
        if db_file.exists():
            print(f"database size: {db_file.stat().st_size / 2**20:.0f} MB for "
                  f"{args.articles} articles")
        print(f"peak RSS: {peak_rss_mb():.0f} MB")
        alone = extractor_alone(folder / "site", workers=2, limit=2000)
        rate = first["stored"] / first["fetch+extract+store"]
        print(f"extractor alone, 2 processes: {alone:.1f} pages/s; ingestion "
              f"(fetch+extract+store) {rate:.1f} articles/s = {rate / alone:.2f}x")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
