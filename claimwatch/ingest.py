"""One source's ingestion pass: discover, skip known URLs, fetch, extract, store; every item counted.

Outcomes per item: `stored`, `duplicate` (same text as an article already stored), `known`
(stored by an earlier run), `known-failure` (failed for good on an earlier run: 404, 410, 403),
`robots-disallowed`, `fetch-error`, `too-large`, `extract-error`; a source whose feed, sitemap
or first listing page answered 304 counts one `not-modified`. A URL that failed transiently is
not recorded as seen, so the next run tries it again; the source's index validators are saved
only when no item failed that way, so the next run does not skip it with a 304.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
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
from scrapers.errors import BlockedError, RobotsDisallowed
from scrapers.incremental import CrawlState, Validators
from scrapers.items import Item
from storage import repository, url_state

log = logging.getLogger(__name__)
# Articles fetched at once per source; politeness per host is the HTTP layer's job.
FETCH_CONCURRENCY = 4
# A pathological page must not hold up the run (trafilatura's own bound).
EXTRACTION_TIMEOUT = 30.0


@dataclass
class SourceReport:
    source: str
    discovered: int = 0
    outcomes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    failed: str | None = None
    # Items that failed transiently: not stored, so due again on the next run.
    due_next_run: int = 0

    def as_dict(self) -> dict:
        return {"source": self.source, "discovered": self.discovered,
                "outcomes": dict(self.outcomes), "errors": self.errors[:20], "failed": self.failed,
                "due_next_run": self.due_next_run}


def client_for(source: Source, **overrides):
    """An HTTP client with the source's politeness settings (delay between requests, concurrency)."""
    settings = {"delay": source.crawl_delay, "host_concurrency": source.concurrency, **overrides}
    return make_client(**settings)


async def ingest_source(source: Source, engine: Engine, *, backoff: float = 1.0,
                        client=None) -> SourceReport:
    """Fetch what is new in `source` and store it; item failures are counted, not raised."""
    state = CrawlState(previous=lambda url: _previous_validators(engine, url))
    if client is None:
        async with client_for(source) as own_client:
            return await _ingest_source(source, engine, own_client, state, backoff)
    return await _ingest_source(source, engine, client, state, backoff)


async def _ingest_source(source: Source, engine: Engine, client, state: CrawlState,
                         backoff: float) -> SourceReport:
    try:
        items = await discoverer(source.kind)(client, source, state=state, backoff=backoff)
    except (FetchError, ExtractError) as exc:
        with Session(engine) as session:
            repository.record_source_run(session=session, source_id=source.id, error=str(exc))
        raise
    report = await ingest_items(source, engine, items, client=client, backoff=backoff)
    report.errors += state.failures
    report.due_next_run += len(state.failures)
    if source.url in state.not_modified:
        log.info("%s: %s not modified since the last run", source.id, source.url)
        report.outcomes["not-modified"] += 1
    with Session(engine) as session:
        if report.due_next_run:
            log.info("%s: %d items left for the next run; index validators not saved",
                     source.id, report.due_next_run)
        else:
            for url, found in state.validators.items():
                url_state.save_validators(session=session, url=url, etag=found.etag,
                                          last_modified=found.last_modified)
        repository.record_source_run(session=session, source_id=source.id, error=None)
    return report


def _adopt_source_politeness(client, source: Source) -> None:
    # A client made elsewhere (a backfill's) still spaces this source's requests its own way.
    politeness = getattr(client, "politeness", None)
    if politeness is not None:
        politeness.configure(urlsplit(source.url).netloc.lower(), delay=source.crawl_delay,
                             concurrency=source.concurrency)


def _previous_validators(engine: Engine, url: str) -> Validators | None:
    with Session(engine) as session:
        found = url_state.validators(session=session, url=url)
    return Validators(*found) if found else None


async def ingest_items(source: Source, engine: Engine, items: list[Item], *, client,
                       backoff: float = 1.0, origin: str = "monitor") -> SourceReport:
    """Fetch, extract and store the given items of `source` that are not stored yet.

    `origin` ("monitor" or "backfill") stays with each stored article: it decides whether
    its conflicts are news (immediate alerts) or history (digests)."""
    _adopt_source_politeness(client, source)
    report = SourceReport(source.id)
    unique = {canonical_url(i.url): i for i in items}
    report.discovered = len(unique)
    with Session(engine) as session:
        known = repository.known_urls(session=session, urls=unique)
        failed = url_state.permanently_failed(session=session, urls=set(unique) - known)
    if known:
        report.outcomes["known"] += len(known)
    if failed:
        report.outcomes["known-failure"] += len(failed)
    todo = [(url, item) for url, item in unique.items() if url not in known and url not in failed]
    semaphore = asyncio.Semaphore(FETCH_CONCURRENCY)

    async def one(url: str, item: Item) -> None:
        async with semaphore:
            outcome = await _ingest_item(client, source, engine, url, item, report, backoff,
                                         origin)
        report.outcomes[outcome] += 1

    await asyncio.gather(*(one(url, item) for url, item in todo))
    return report


async def _ingest_item(client, source: Source, engine: Engine, url: str, item: Item,
                       report: SourceReport, backoff: float, origin: str) -> str:
    try:
        page = await fetch(client, url, backoff=backoff, origin=source.url,
                           allowed_domains=source.allowed_domains)
    except RobotsDisallowed as exc:
        log.warning("%s: %s", source.id, exc)
        return "robots-disallowed"
    except TooLargeError as exc:
        log.error("%s: %s", source.id, exc)
        report.errors.append(str(exc))
        _record_failure(engine, url, exc, permanent=True)
        return "too-large"
    except FetchError as exc:
        # Refused by our own rules (private address, off-site redirect) or gone: for good.
        permanent = exc.permanent or isinstance(exc, BlockedError)
        log.error("%s: fetch failed%s: %s", source.id, "" if permanent else ", due next run", exc)
        report.errors.append(str(exc))
        _record_failure(engine, url, exc, permanent=permanent)
        if not permanent:
            report.due_next_run += 1
        return "fetch-error"
    try:
        article = await asyncio.wait_for(asyncio.to_thread(
            extract_article, page.body, page.final_url, content_type=page.content_type,
            body_selector=source.body_selector, date_selector=source.date_selector,
            language=source.language, fallback_date=item.published_at,
            tz=ZoneInfo(source.timezone) if source.timezone else None), EXTRACTION_TIMEOUT)
    except TimeoutError:
        # The worker thread cannot be stopped, but the run does not wait for it.
        message = f"{url}: extraction took longer than {EXTRACTION_TIMEOUT:.0f} s"
        log.error("%s: %s", source.id, message)
        report.errors.append(message)
        return "extract-error"
    except ExtractError as exc:
        log.error("%s: extraction failed: %s", source.id, exc)
        report.errors.append(str(exc))
        return "extract-error"
    except Exception as exc:  # a parser bug on one hostile page must not lose the others
        log.exception("%s: extraction crashed on %s", source.id, url)
        report.errors.append(f"{url}: {type(exc).__name__}: {exc}")
        return "extract-error"
    if article.encoding_suspect:
        log.warning("%s: %s: encoding suspect: %s", source.id, url, article.encoding_reason)
    with Session(engine) as session:
        # Stored under the discovered URL so the next run recognises it as known.
        outcome = repository.store_article(
            session=session, source_id=source.id, url=url, title=article.title or item.title,
            published_at=article.published_at or item.published_at, language=article.language,
            text=article.text, origin=origin, encoding_suspect=article.encoding_suspect)
    return "stored" if outcome == "stored" else ("duplicate" if outcome == "duplicate" else "known")


def _record_failure(engine: Engine, url: str, exc: FetchError, *, permanent: bool) -> None:
    try:
        with Session(engine) as session:
            url_state.record_failure(session=session, url=url, error=str(exc), status=exc.status,
                                     permanent=permanent)
    except SQLAlchemyError:  # the failure is already logged and counted; its memo is a nicety
        log.exception("could not record the failure of %s", url)
