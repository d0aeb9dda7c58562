"""Benchmark: main-text quality and speed of `extract_article`, and fetch + extract over loopback.

Uses the public article-extraction benchmark (181 real pages, `html/*.html.gz`, with their
main text in `ground-truth.json`), which this repository does not ship: point `--data` (or
ARTICLE_BENCHMARK_DIR) at a copy. Without it the benchmark says so and exits 0.

    python -m bench.extraction --data ../shared/data/article-extraction-benchmark

Quality is the benchmark's own score: tokens are \\w+, each document's 4-gram shingle
multisets give precision and recall, both averaged over documents, F1 their harmonic mean.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import trafilatura

from scrapers import extract_article, fetch, make_client

TOKEN = re.compile(r"\w+")
SHINGLE = 4
COMMAND_COPIES = 3


def shingles(text: str) -> Counter:
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1)))


def precision_recall(predicted: str, truth: str) -> tuple[float, float]:
    found, expected = shingles(predicted), shingles(truth)
    common = sum((found & expected).values())
    precision = common / sum(found.values()) if found else 0.0
    recall = common / sum(expected.values()) if expected else 0.0
    return precision, recall


def score(predictions: dict[str, str], truth: dict[str, dict]) -> dict[str, float]:
    pairs = [precision_recall(predictions.get(key, ""), item["articleBody"])
             for key, item in truth.items()]
    precision = sum(p for p, _ in pairs) / len(pairs)
    recall = sum(r for _, r in pairs) / len(pairs)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def load(data: Path) -> tuple[dict[str, bytes], dict[str, dict]]:
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {key: gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
             for key in truth}
    return pages, truth


def ours(body: bytes, url: str) -> str:
    try:
        return extract_article(body, url).text
    except Exception:  # noqa: BLE001 (a page we cannot extract scores zero, like an empty one)
        return ""


def importable_ours():
    """`ours` as the pool's workers can find it: run as `python -m bench.extraction`, this module
    is `__main__`, which the workers do not import (see claimwatch/fork_server_boot.py)."""
    from bench.extraction import ours as importable

    return importable


def bare(body: bytes, url: str) -> str:
    return trafilatura.extract(body, url=url, include_comments=False) or ""


def bare_fast(body: bytes, url: str) -> str:
    return trafilatura.extract(body, url=url, include_comments=False, fast=True) or ""


def bare_with_metadata(body: bytes, url: str) -> str:
    document = trafilatura.bare_extraction(body, url=url, with_metadata=True,
                                           include_comments=False)
    return (document.text if document is not None else None) or ""


def timed(name: str, extractor, pages: dict[str, bytes], truth: dict[str, dict],
          rounds: int) -> dict:
    best = float("inf")
    predictions: dict[str, str] = {}
    for _ in range(rounds):
        started = time.perf_counter()
        predictions = {key: extractor(body, truth[key]["url"]) for key, body in pages.items()}
        best = min(best, time.perf_counter() - started)
    return {"extractor": name, "pages_per_s": len(pages) / best, **score(predictions, truth)}


def fetch_and_extract(pages: dict[str, bytes], truth: dict[str, dict]) -> dict:
    """Serve the pages from another process on 127.0.0.1 and time what ingestion does: one
    polite client fetches (4 connections to the host), the worker pool extracts on every core."""
    from bench.served import served
    from claimwatch import processes

    with tempfile.TemporaryDirectory() as folder:
        for key, body in pages.items():
            (Path(folder) / f"{key}.html").write_bytes(body)
        with served(Path(folder)) as (base, _):
            pool = processes.pool_for(len(pages))
            pool.submit(int).result()  # workers up before the clock starts, as in a long run
            extract = importable_ours()

            async def run() -> dict[str, str]:
                loop = asyncio.get_running_loop()
                async with make_client(delay=0, host_concurrency=4) as client:
                    async def one(key: str) -> tuple[str, str]:
                        page = await fetch(client, f"{base}/{key}.html")
                        text = await loop.run_in_executor(pool, extract, page.body,
                                                          truth[key]["url"])
                        return key, text
                    return dict(await asyncio.gather(*(one(k) for k in pages)))

            started = time.perf_counter()
            predictions = asyncio.run(run())
            elapsed = time.perf_counter() - started
    return {"extractor": f"fetch (loopback) + extract_article, {processes.size()} processes",
            "pages_per_s": len(pages) / elapsed, **score(predictions, truth)}


def extract_alone(pages: dict[str, bytes], truth: dict[str, dict]) -> dict:
    """extract_article over the same pages on the same worker pool, nothing fetched."""
    from claimwatch import processes

    pool = processes.pool_for(len(pages))
    pool.submit(int).result()
    keys = list(pages)
    started = time.perf_counter()
    texts = list(pool.map(importable_ours(), [pages[k] for k in keys],
                          [truth[k]["url"] for k in keys], chunksize=4))
    elapsed = time.perf_counter() - started
    return {"extractor": f"extract_article alone, {processes.size()} processes",
            "pages_per_s": len(pages) / elapsed, **score(dict(zip(keys, texts, strict=True)), truth)}


def extract_command(pages: dict[str, bytes], workers: int) -> float:
    """Pages per second of `claimwatch extract` over saved files, with this many processes."""
    from claimwatch.extraction import extract_inputs

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for copy in range(COMMAND_COPIES):  # enough work that process start-up is not all
            for key, body in pages.items():
                path = Path(folder) / f"{key}-{copy}.html"
                path.write_bytes(body)
                paths.append(str(path))
        started = time.perf_counter()
        results = extract_inputs(paths, workers=workers)
        elapsed = time.perf_counter() - started
    assert len(results) == len(paths)
    return len(paths) / elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=os.environ.get("ARTICLE_BENCHMARK_DIR"),
                        help="folder holding ground-truth.json and html/")
    parser.add_argument("--rounds", type=int, default=3, help="best of this many passes")
    args = parser.parse_args(argv)
    data = Path(args.data) if args.data else None
    if data is None or not (data / "ground-truth.json").is_file():
        print("article-extraction benchmark not found (use --data DIR): skipped")
        return 0
    pages, truth = load(data)
    rows = [timed("trafilatura.extract", bare, pages, truth, args.rounds),
            timed("trafilatura.bare_extraction(with_metadata)", bare_with_metadata, pages, truth,
                  args.rounds),
            timed("extract_article", ours, pages, truth, args.rounds),
            timed("trafilatura.extract(fast=True)", bare_fast, pages, truth, args.rounds),
            extract_alone(pages, truth),
            fetch_and_extract(pages, truth)]
    print(f"{len(pages)} pages, {sum(map(len, pages.values())) / len(pages) / 1024:.0f} KB on average")
    print(f"{'extractor':48} {'pages/s':>8} {'P':>6} {'R':>6} {'F1':>6}")
    for row in rows:
        print(f"{row['extractor']:48} {row['pages_per_s']:8.1f} {row['precision']:6.4f} "
              f"{row['recall']:6.4f} {row['f1']:6.4f}")
    ratio = rows[2]["pages_per_s"] / rows[0]["pages_per_s"]
    print(f"extract_article / trafilatura.extract throughput: {ratio:.2f}x")
    print(f"fetch + extract / extract alone on the same processes: "
          f"{rows[5]['pages_per_s'] / rows[4]['pages_per_s']:.2f}x")
    one, every = extract_command(pages, 1), extract_command(pages, os.cpu_count() or 1)
    print(f"claimwatch extract over {len(pages) * COMMAND_COPIES} saved pages: {one:.1f} pages/s "
          f"in one process, "
          f"{every:.1f} pages/s with {os.cpu_count()} (start-up included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
