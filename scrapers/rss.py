"""RSS and Atom feeds, parsed by feedparser from bytes we fetched ourselves."""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, timezone

import feedparser

from scrapers.errors import ExtractError
from scrapers.items import Item, same_site

log = logging.getLogger(__name__)


def parse_feed(body: bytes, base_url: str, allowed_domains: list[str]) -> list[Item]:
    """Items of a feed; a malformed feed yields what the loose parser recovers, with a warning."""
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=True)
    if parsed.bozo:
        log.warning("feed %s is not well-formed: %s", base_url, parsed.bozo_exception)
    if not parsed.entries and parsed.bozo:
        raise ExtractError(f"{base_url}: no feed entries ({parsed.bozo_exception})")
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link or not same_site(link, base_url, allowed_domains):
            if link:
                log.warning("feed %s: skipped off-site or non-http link %r", base_url, link[:200])
            continue
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = (datetime.fromtimestamp(calendar.timegm(stamp), tz=timezone.utc)
                     if stamp else None)
        items.append(Item(url=link, title=entry.get("title"), published_at=published))
    return items


async def discover(client, source, *, state=None, backoff: float = 1.0) -> list[Item]:
    """The feed's items; none when it answers 304 to a conditional request."""
    from scrapers.incremental import fetch_index

    page = await fetch_index(client, source.url, source, state=state, backoff=backoff)
    if page is None:
        return []
    return parse_feed(page.body, page.final_url, source.allowed_domains)
