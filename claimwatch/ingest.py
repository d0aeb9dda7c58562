"""One source's ingestion pass: discover, skip known URLs, fetch, extract, store; every item counted."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claimwatch.config import Source
from scrapers import (
    ExtractError,
    FetchError,
    TooLargeError,
    canonical_url,
    discoverer,
    extract_article,
    fetch,
    make_client,
)
from scrapers.items import Item
from storage import repository

log = logging.getLogger(__name__)
# Articles fetched at once per source; politeness per host is the HTTP layer's job.
FETCH_CONCURRENCY = 4


@dataclass
class SourceReport:
    source: str
    discovered: int = 0
    outcomes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    failed: str | None = None

    def as_dict(self) -> dict:
        return {"source": self.source, "discovered": self.discovered,
                "outcomes": dict(self.outcomes), "errors": self.errors[:20], "failed": self.failed}


async def ingest_source(source: Source, engine: Engine, *, backoff: float = 1.0) -> SourceReport:
    """Fetch what is new in `source` and store it; item failures are counted, not raised."""
    async with make_client() as client:
        try:
            items = await discoverer(source.kind)(client, source)
        except (FetchError, ExtractError) as exc:
            with Session(engine) as session:
                repository.record_source_run(session=session, source_id=source.id, error=str(exc))
            raise
        report = await ingest_items(source, engine, items, client=client, backoff=backoff)
    with Session(engine) as session:
        repository.record_source_run(session=session, source_id=source.id, error=None)
    return report


async def ingest_items(source: Source, engine: Engine, items: list[Item], *, client,
                       backoff: float = 1.0) -> SourceReport:
    """Fetch, extract and store the given items of `source` that are not stored yet."""
    report = SourceReport(source.id)
    unique = {canonical_url(i.url): i for i in items}
    report.discovered = len(unique)
    with Session(engine) as session:
        known = repository.known_urls(session=session, urls=unique)
    if known:
        report.outcomes["known"] += len(known)
    todo = [(url, item) for url, item in unique.items() if url not in known]
    semaphore = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def one(url: str, item: Item) -> None:
        async with semaphore:
            outcome = await _ingest_item(client, source, engine, url, item, report, backoff)
        report.outcomes[outcome] += 1

    await asyncio.gather(*(one(url, item) for url, item in todo))
    return report


async def _ingest_item(client, source: Source, engine: Engine, url: str, item: Item,
                       report: SourceReport, backoff: float) -> str:
    try:
        page = await fetch(client, url, backoff=backoff)
    except TooLargeError as exc:
        log.error("%s: %s", source.id, exc)
        report.errors.append(str(exc))
        return "too-large"
    except FetchError as exc:
        log.error("%s: fetch failed: %s", source.id, exc)
        report.errors.append(str(exc))
        return "fetch-error"
    try:
        article = await asyncio.to_thread(
            extract_article, page.body, page.final_url, content_type=page.content_type,
            body_selector=source.body_selector, date_selector=source.date_selector,
            language=source.language, fallback_date=item.published_at)
    except ExtractError as exc:
        log.error("%s: extraction failed: %s", source.id, exc)
        report.errors.append(str(exc))
        return "extract-error"
    except Exception as exc:  # a parser bug on one hostile page must not lose the others
        log.exception("%s: extraction crashed on %s", source.id, url)
        report.errors.append(f"{url}: {type(exc).__name__}: {exc}")
        return "extract-error"
    with Session(engine) as session:
        # Stored under the discovered URL so the next run recognises it as known.
        outcome = repository.store_article(
            session=session, source_id=source.id, url=url, title=article.title or item.title,
            published_at=article.published_at or item.published_at, language=article.language,
            text=article.text)
    return "stored" if outcome == "stored" else ("duplicate" if outcome == "duplicate" else "known")
