"""`claimwatch extract`: run article extraction over saved files or URLs, one result per input."""

from __future__ import annotations

import asyncio
import gzip
from pathlib import Path

from scrapers import ScraperError, extract_article, fetch, make_client


def _result(source: str, article) -> dict:
    return {"input": source, "url": article.url, "title": article.title,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "language": article.language, "text": article.text}


async def _from_url(url: str) -> dict:
    async with make_client() as client:
        page = await fetch(client, url)
    return _result(url, extract_article(page.body, page.final_url, content_type=page.content_type))


def extract_one(source: str) -> dict:
    try:
        if source.startswith(("http://", "https://")):
            return asyncio.run(_from_url(source))
        path = Path(source)
        body = path.read_bytes()
        if path.suffix == ".gz" or body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        return _result(source, extract_article(body, path.resolve().as_uri()))
    except (ScraperError, OSError, EOFError) as exc:
        return {"input": source, "error": str(exc)}


def extract_inputs(sources: list[str]) -> list[dict]:
    return [extract_one(s) for s in sources]
