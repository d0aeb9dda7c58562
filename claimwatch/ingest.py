"""One source's ingestion pass: discover, skip known URLs, fetch, extract, store; every item counted.

Outcomes per item: `stored`, `duplicate` (same text as an article already stored), `known`
(stored by an earlier run), `known-failure` (failed for good on an earlier run: 404, 410, 403,
or extraction failed on every try), `robots-disallowed`, `fetch-error`, `too-large`,
`extract-error`, `too-short` (main text under the source's `min_text_chars`: not an article);
a source whose feed, sitemap or first listing page answered 304 counts one `not-modified`. A
URL that failed transiently is not recorded as seen, so the next run tries it again; the
source's index validators are saved only when no item failed that way, so the next run does
not skip it with a 304. When every item that reached extraction failed it, the source itself
is unhealthy (its layout changed): the report says so, and so does `claimwatch check`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import Counter
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from claimwatch import processes
from claimwatch.config import Source
from claimwatch.stage_times import add_seconds, timed
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
# A worker that does not even answer its own time limit (stuck inside C code) is killed.
STUCK_WORKER_TIMEOUT = 300.0
# Clocks and time zones differ; a date further ahead than this is wrong.
FUTURE_TOLERANCE = timedelta(days=1)
# A page that yields no article is asked again on the next runs, not given up at once: news
# sites publish a short stub and fill it in minutes later, and once an operator fixes a
# body_selector the pages should come in without anyone's help. Not forever either: the
# bytes rarely change, so once the URL has failed this many times in all (Scrapy's 3
# attempts per URL) it is given up on like a 404, until `claimwatch urls reset` clears it.
EXTRACTION_TRIES = 3


@dataclass
class SourceReport:
    source: str
    discovered: int = 0
    outcomes: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    failed: str | None = None
    # Items that failed transiently: not stored, so due again on the next run.
    due_next_run: int = 0
    # Items whose page was fetched and handed to extraction, and those that failed it.
    extracted: int = 0
    extraction_failed: int = 0
    # What is wrong with the source as a whole (not with one item), if anything.
    health: str | None = None

    def as_dict(self) -> dict:
        return {"source": self.source, "discovered": self.discovered,
                "outcomes": dict(self.outcomes), "errors": self.errors[:20], "failed": self.failed,
                "due_next_run": self.due_next_run, "health": self.health}


def readable_chars(text: str) -> int:
    """Characters of `text` that carry something: replaced bytes (U+FFFD) do not."""
    return len(text) - text.count("\ufffd")


def source_health(source: Source, report: SourceReport) -> str | None:
    """A problem of the whole source: every item that reached extraction failed it."""
    if not report.extracted or report.extraction_failed < report.extracted:
        return None
    return (f"every one of the {report.extracted} items fetched in this run failed extraction "
            f"(main text under min_text_chars {source.min_text_chars}, or none): the site's "
            f"layout may have changed or body_selector may be wrong")


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
    if state.malformed:
        # The run goes on with what the forgiving parser recovered; the report says so.
        report.outcomes["malformed-index"] += len(state.malformed)
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
    # Extraction is the CPU-heavy step: with a pool, fetches run ahead of it on every core.
    pooled = processes.pool_for(len(todo)) is not None
    semaphore = asyncio.Semaphore(FETCH_CONCURRENCY * (processes.size() if pooled else 1))

    async def one(url: str, item: Item) -> None:
        async with semaphore:
            outcome = await _ingest_item(client, source, engine, url, item, report, backoff,
                                         origin, pooled)
        report.outcomes[outcome] += 1

    await asyncio.gather(*(one(url, item) for url, item in todo))
    report.health = source_health(source, report)
    if report.health:
        log.error("%s: source health: %s", source.id, report.health)
    if report.extracted:  # a run that extracted nothing has no evidence either way
        with Session(engine) as session:
            repository.record_source_health(session=session, source_id=source.id,
                                            problem=report.health)
    return report


async def _ingest_item(client, source: Source, engine: Engine, url: str, item: Item,
                       report: SourceReport, backoff: float, origin: str, pooled: bool) -> str:
    try:
        with timed("fetch"):
            page = await fetch(client, url, backoff=backoff, origin=source.url,
                               allowed_domains=source.allowed_domains)
    except RobotsDisallowed as exc:
        log.warning("%s: %s", source.id, exc)
        return "robots-disallowed"
    except TooLargeError as exc:
        log.error("%s: %s", source.id, exc)
        report.errors.append(str(exc))
        _record_failure(engine, source, url, str(exc), exc.status, permanent=True)
        return "too-large"
    except FetchError as exc:
        # Refused by our own rules (private address, off-site redirect) or gone: for good.
        permanent = exc.permanent or isinstance(exc, BlockedError)
        log.error("%s: fetch failed%s: %s", source.id, "" if permanent else ", due next run", exc)
        report.errors.append(str(exc))
        # Where a refused redirect pointed (an internal address, say) is logged, never stored.
        memo = (f"{url}: refused: redirected where the safety rules forbid"
                if isinstance(exc, BlockedError) and exc.url != url else str(exc))
        _record_failure(engine, source, url, memo, exc.status, permanent=permanent)
        if not permanent:
            report.due_next_run += 1
        return "fetch-error"
    report.extracted += 1
    try:
        article = await _extract(page, source, item, pooled)
    except (TimeoutError, processes.TimeLimitExceeded):
        return _extraction_failed(engine, source, url, page.status, report, "extract-error",
                                  f"{url}: extraction took longer than {EXTRACTION_TIMEOUT:.0f} s")
    except ExtractError as exc:
        return _extraction_failed(engine, source, url, page.status, report, "extract-error",
                                  f"extraction failed: {exc}")
    except Exception as exc:  # a parser bug on one hostile page must not lose the others
        log.exception("%s: extraction crashed on %s", source.id, url)
        return _extraction_failed(engine, source, url, page.status, report, "extract-error",
                                  f"{url}: {type(exc).__name__}: {exc}")
    length = readable_chars(article.text)
    if length < source.min_text_chars:
        return _extraction_failed(
            engine, source, url, page.status, report, "too-short",
            f"{url}: extracted text is {length} characters, under min_text_chars "
            f"{source.min_text_chars}: not stored as an article")
    if article.encoding_suspect:
        log.warning("%s: %s: encoding suspect: %s", source.id, url, article.encoding_reason)
    published = _plausible(article.published_at, source, url) or \
        _plausible(item.published_at, source, url)
    with timed("store"), Session(engine) as session:
        # Stored under the discovered URL so the next run recognises it as known.
        outcome = repository.store_article(
            session=session, source_id=source.id, url=url, title=article.title or item.title,
            published_at=published, language=article.language, text=article.text,
            origin=origin, encoding_suspect=article.encoding_suspect)
    return "stored" if outcome == "stored" else ("duplicate" if outcome == "duplicate" else "known")


def _plausible(published: datetime | None, source: Source, url: str) -> datetime | None:
    """A publication date more than a day ahead is a broken CMS field, not news from the future:
    the article is stored undated (so no date-bounded backfill counts it) and the fact logged."""
    if published is None:
        return None
    stamp = published if published.tzinfo else published.replace(tzinfo=timezone.utc)
    if stamp > datetime.now(timezone.utc) + FUTURE_TOLERANCE:
        log.warning("%s: %s claims to be published on %s, in the future; stored undated",
                    source.id, url, stamp.isoformat())
        return None
    return published


async def _extract(page, source: Source, item: Item, pooled: bool):
    article, seconds = await _extract_timed(page, source, item, pooled)
    add_seconds("extract", seconds)
    return article


async def _extract_timed(page, source: Source, item: Item, pooled: bool):
    job = functools.partial(processes.run_limited, functools.partial(
        extract_article, page.body, page.final_url, content_type=page.content_type,
        body_selector=source.body_selector, date_selector=source.date_selector,
        language=source.language, fallback_date=item.published_at,
        tz=ZoneInfo(source.timezone) if source.timezone else None), EXTRACTION_TIMEOUT)
    # Asked anew each time: a pool discarded after a stuck or killed worker is replaced.
    pool = processes.pool_for(processes.MIN_ITEMS_FOR_POOL) if pooled else None
    if pool is None:
        return await asyncio.wait_for(asyncio.to_thread(job), EXTRACTION_TIMEOUT)
    loop = asyncio.get_running_loop()
    try:
        # The worker enforces the limit itself; this wait (which also counts time queued
        # behind other pages) only catches a worker that cannot be interrupted.
        return await asyncio.wait_for(loop.run_in_executor(pool, job), STUCK_WORKER_TIMEOUT)
    except TimeoutError:
        processes.discard(pool)
        raise
    except (BrokenProcessPool, asyncio.CancelledError):
        if asyncio.current_task().cancelling():
            raise  # the run itself is being cancelled
        # A stuck worker or one killed from outside took the pool down (its queued jobs are
        # cancelled) with this page in it: the page did nothing wrong, so it gets one try here.
        processes.discard(pool)
        return await asyncio.wait_for(asyncio.to_thread(job), EXTRACTION_TIMEOUT)


def _extraction_failed(engine: Engine, source: Source, url: str, status: int, report: SourceReport,
                       outcome: str, message: str) -> str:
    """Log, count and remember an item that yielded no article; returns its outcome."""
    report.extraction_failed += 1
    given_up = _record_failure(engine, source, url, message, status, permanent=False,
                               give_up_after=EXTRACTION_TRIES)
    if given_up:
        message += (f"; given up after {EXTRACTION_TRIES} tries "
                    f"(`claimwatch urls reset --source {source.id}` to try again)")
    else:
        message += "; tried again next run"
        report.due_next_run += 1
    log.error("%s: %s", source.id, message)
    report.errors.append(message)
    return outcome


def _record_failure(engine: Engine, source: Source, url: str, error: str, status: int | None, *,
                    permanent: bool, give_up_after: int | None = None) -> bool:
    try:
        with Session(engine) as session:
            return url_state.record_failure(session=session, url=url, error=error, status=status,
                                            permanent=permanent, source_id=source.id,
                                            give_up_after=give_up_after)
    except SQLAlchemyError:  # the failure is already logged and counted; its memo is a nicety
        log.exception("could not record the failure of %s", url)
        return permanent
