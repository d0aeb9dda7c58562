"""`claimwatch extract`: run article extraction over saved files or URLs, one result per input.

URLs are fetched in this process with one polite client; extraction (the CPU part) of many
inputs runs in a process pool over every core, results in input order.
"""

from __future__ import annotations

import asyncio
import os
import zlib
from pathlib import Path

from claimwatch import processes
from scrapers import ScraperError, extract_article, fetch, make_client
from scrapers.compression import InflatesTooFar, inflate_gzip
from scrapers.http import MAX_BYTES

# Below this many inputs, starting worker processes costs more than it saves.
MIN_INPUTS_FOR_POOL = 4


def _result(source: str, article) -> dict:
    return {"input": source, "url": article.url, "title": article.title,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "language": article.language, "text": article.text,
            "encoding": article.encoding, "encoding_suspect": article.encoding_suspect,
            "encoding_reason": article.encoding_reason}


def _read_saved(path: Path) -> bytes:
    body = path.read_bytes()
    if path.suffix == ".gz" or body[:2] == b"\x1f\x8b":
        # Bounded like a download: a saved gzip bomb stops at the same cap.
        try:
            body = inflate_gzip(body, MAX_BYTES)
        except zlib.error as exc:
            raise OSError(f"{path}: not a readable gzip file ({exc})") from None
        except InflatesTooFar:
            raise OSError(f"{path}: inflates past {MAX_BYTES} bytes") from None
    return body


def _extract_task(task: tuple) -> dict:
    """One input's result; runs in a worker process, so it takes and returns plain data."""
    kind, source, *rest = task
    if kind == "error":
        return {"input": source, "error": rest[0]}
    try:
        if kind == "page":
            body, final_url, content_type = rest
            return _result(source, extract_article(body, final_url, content_type=content_type))
        path = Path(source)
        return _result(source, extract_article(_read_saved(path), path.resolve().as_uri()))
    except (ScraperError, OSError, EOFError) as exc:
        return {"input": source, "error": str(exc)}


async def _fetch_all(urls: list[str]) -> dict[str, tuple]:
    async with make_client() as client:
        async def one(url: str) -> tuple[str, tuple]:
            try:
                page = await fetch(client, url)
            except ScraperError as exc:
                return url, ("error", url, str(exc))
            return url, ("page", url, page.body, page.final_url, page.content_type)

        return dict(await asyncio.gather(*(one(u) for u in dict.fromkeys(urls))))


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def extract_one(source: str) -> dict:
    """The result for one input (a saved page or a URL)."""
    return extract_inputs([source])[0]


def extract_inputs(sources: list[str], *, workers: int | None = None) -> list[dict]:
    """Results for every input, in order; many inputs are extracted on every core."""
    urls = [s for s in sources if _is_url(s)]
    fetched = asyncio.run(_fetch_all(urls)) if urls else {}
    tasks = [fetched[s] if _is_url(s) else ("file", s) for s in sources]
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(tasks) < MIN_INPUTS_FOR_POOL:
        return [_extract_task(t) for t in tasks]
    # Not a plain fork: the caller may hold threads (servers, loggers) a fork would copy
    # mid-lock. A fork server imported once forks workers that need not import again.
    with processes.new_pool(min(workers, len(tasks))) as pool:
        return list(pool.map(_extract_task, tasks, chunksize=max(1, len(tasks) // (workers * 4))))

