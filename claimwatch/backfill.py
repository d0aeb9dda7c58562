"""Backfills: a source's history split into day chunks, each discovered, ingested and checkpointed.

A day is found through the source's `archive_url` (a listing page per day), else through the
dates its sitemap (`lastmod`, news publication date) or feed gives each item. A chunk's
completion is written to `backfill_chunk`, so a resumed backfill starts where the last stopped
and a repeated one fetches nothing it already has.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claimwatch import processes
from claimwatch.config import Source
from claimwatch.ingest import client_for, ingest_items
from scrapers import discoverer, fetch
from scrapers.encoding import decode_html
from scrapers.errors import FetchError
from scrapers.items import Item, same_site
from scrapers.listing import parse_listing
from storage import backfill as checkpoints

log = logging.getLogger(__name__)
# Without a link_selector an archive page offers every same-site link it holds.
ANY_LINK = "a[href]"
# An archive day that does not exist is a day without articles on many sites, not a failure.
EMPTY_DAY_STATUSES = {404, 410}
ERROR_OUTCOMES = ("fetch-error", "extract-error", "too-large", "too-short")


class BackfillError(ValueError):
    """A backfill that cannot be planned: bad range, or a source with no way to find old items."""


def day_range(since: date, until: date) -> list[date]:
    """Every day from `since` to `until`, both included."""
    if until < since:
        raise BackfillError(f"--until {until} is before --since {since}")
    return [since + timedelta(days=n) for n in range((until - since).days + 1)]


def today() -> date:
    return datetime.now(timezone.utc).date()


def discovery_mode(source: Source) -> str:
    """'archive' (a page per day) or 'history' (dated items of the sitemap or feed)."""
    if source.archive_url:
        return "archive"
    if source.kind in ("sitemap", "rss"):
        return "history"
    raise BackfillError(f"source {source.id}: a listing source needs an archive_url to be "
                        f"backfilled (its pages carry no dates)")


def host_of(source: Source) -> str:
    """The host a source is fetched from: the key of its per-host concurrency tag."""
    return (urlsplit(source.archive_url or source.url).hostname or "unknown").lower()


def archive_page_url(source: Source, day: date) -> str:
    return source.archive_url.format(date=day)  # type: ignore[union-attr]


async def discover_day(client, source: Source, day: date, *, backoff: float = 1.0) -> list[Item]:
    """Article links of one day's archive page, following next_selector up to max_pages."""
    url: str | None = archive_page_url(source, day)
    seen: set[str] = set()
    items: list[Item] = []
    while url and url not in seen and len(seen) < source.max_pages:
        seen.add(url)
        try:
            page = await fetch(client, url, backoff=backoff)
        except FetchError as exc:
            if exc.status in EMPTY_DAY_STATUSES and not items:
                log.warning("%s: no archive page for %s (%s)", source.id, day, exc)
                return []
            raise
        html = decode_html(page.body, page.content_type)
        links, url = parse_listing(html, page.final_url, source.link_selector or ANY_LINK,
                                   source.next_selector)
        items += [Item(url=link) for link in links if link not in seen
                  and same_site(link, source.url, source.allowed_domains)]
        if url and not same_site(url, source.url, source.allowed_domains):
            url = None
    return items


async def discover_history(source: Source) -> dict[date, list[Item]]:
    """The sitemap's or feed's items grouped by their UTC day; undated items are dropped."""
    async with client_for(source) as client:
        items = await discoverer(source.kind)(client, source)
    by_day: dict[date, list[Item]] = defaultdict(list)
    undated = 0
    for item in items:
        if item.published_at is None:
            undated += 1
            continue
        stamp = item.published_at
        stamp = stamp.astimezone(timezone.utc) if stamp.tzinfo else stamp
        by_day[stamp.date()].append(item)
    if undated:
        log.warning("%s: %d items carry no date and cannot be placed in a day", source.id, undated)
    return dict(by_day)


def plan_backfill(engine: Engine, source: Source, since: date, until: date) -> list[date]:
    """Checkpoint rows for the range; returns the days still to do, oldest first."""
    days = day_range(since, until)
    with Session(engine) as session:
        checkpoints.plan_chunks(session=session, source_id=source.id, days=days)
        done = checkpoints.done_days(session=session, source_id=source.id, since=since,
                                     until=until)
    return [d for d in days if d not in done]


# Days ingested at once in one task: enough items to keep every core busy, while each day is
# still checkpointed on its own.
DAYS_PER_TASK = 7


class DaysFailed(RuntimeError):
    """Some days of a task failed (they stay unfinished); `failures` says which and why."""

    def __init__(self, failures: list[dict], results: list[dict]):
        self.failures, self.results = failures, results
        super().__init__("; ".join(f"{f['day']}: {f['error']}" for f in failures))


async def _ingest_day(client, source: Source, engine: Engine, day: date,
                      items: list[Item] | None, backoff: float) -> dict:
    with Session(engine) as session:
        checkpoints.start_chunk(session=session, source_id=source.id, day=day)
    try:
        if items is None:
            items = await discover_day(client, source, day, backoff=backoff)
        report = await ingest_items(source, engine, items, client=client, backoff=backoff,
                                    origin="backfill")
    except Exception:
        with Session(engine) as session:
            checkpoints.fail_chunk(session=session, source_id=source.id, day=day)
        raise
    outcomes = report.outcomes
    errors = sum(outcomes.get(k, 0) for k in ERROR_OUTCOMES)
    with Session(engine) as session:
        status = checkpoints.finish_chunk(
            session=session, source_id=source.id, day=day, discovered=report.discovered,
            stored=outcomes.get("stored", 0) + outcomes.get("duplicate", 0), errors=errors)
    return {**report.as_dict(), "day": day.isoformat(), "status": status}


async def _ingest_days(source: Source, engine: Engine, todo: list[date],
                       items: dict[date, list[Item]] | None, backoff: float) -> list:
    # A history has a few articles a day: no single day is worth starting the worker pool, a
    # chunk of days is. Started here, every day's extraction uses it.
    known = sum(len(v) for v in items.values()) if items is not None else None
    processes.pool_for(known if known is not None else processes.MIN_ITEMS_FOR_POOL * (len(todo) > 1))
    # One client for all the days: the host's politeness limits hold across them.
    async with client_for(source) as client:
        return await asyncio.gather(
            *(_ingest_day(client, source, engine, day, None if items is None else items.get(day, []),
                          backoff) for day in todo), return_exceptions=True)


def run_days(source: Source, engine: Engine, todo: list[date], *,
             items: dict[date, list[Item]] | None = None, backoff: float = 1.0) -> list[dict]:
    """Ingest several days at once, each checkpointed on its own; days already done are skipped
    (so a retried task redoes only what failed). Raises DaysFailed if any day failed."""
    return asyncio.run(ingest_days(source, engine, todo, items=items, backoff=backoff))


async def ingest_days(source: Source, engine: Engine, todo: list[date], *,
                      items: dict[date, list[Item]] | None = None, backoff: float = 1.0
                      ) -> list[dict]:
    """`run_days` on the caller's event loop: several sources' days can share one loop."""
    with Session(engine) as session:
        done = checkpoints.done_days(session=session, source_id=source.id, since=min(todo),
                                     until=max(todo)) if todo else set()
    todo = [d for d in todo if d not in done]
    outcomes = await _ingest_days(source, engine, todo, items, backoff) if todo else []
    results, failures = [], []
    for day, outcome in zip(todo, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            if not isinstance(outcome, Exception):
                raise outcome  # KeyboardInterrupt and the like stop the run
            failures.append({"day": day.isoformat(), "error": str(outcome)[:300]})
        else:
            results.append(outcome)
    if failures:
        raise DaysFailed(failures, results)
    return results


def progress(engine: Engine, source_id: str, since: date, until: date,
             finished_since: datetime | None = None) -> dict:
    """Checkpoint counts over the range (days done, items stored...): the truth progress shows."""
    with Session(engine) as session:
        return checkpoints.chunk_progress(session=session, source_id=source_id, since=since,
                                          until=until, finished_since=finished_since)
