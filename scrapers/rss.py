"""RSS and Atom feeds, parsed by feedparser from bytes we fetched ourselves."""

from __future__ import annotations

import calendar
import logging
import re
from datetime import datetime, timezone

import feedparser

from scrapers.errors import ExtractError
from scrapers.items import Item, same_site

log = logging.getLogger(__name__)


XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def repair_utf8(body: bytes, base_url: str) -> bytes:
    """A feed that is UTF-8 (declared, or by XML's default) but holds a few invalid bytes keeps
    its text: the bad bytes become U+FFFD. Left alone, feedparser would fall back to a legacy
    encoding and turn every Cyrillic letter into mojibake."""
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 by its byte-order mark
        return body
    declared = XML_DECLARATION.match(body[:200])
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        return body
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        log.warning("feed %s: invalid UTF-8 at byte %d, decoded with replacement characters",
                    base_url, exc.start)
        return body.decode("utf-8", errors="replace").encode("utf-8")
    return body


def parse_feed(body: bytes, base_url: str, allowed_domains: list[str], *,
               malformed: list[str] | None = None) -> list[Item]:
    """Items of a feed; a malformed feed yields what the loose parser recovers, with a warning."""
    if not isinstance(body, bytes):
        # Given a str, feedparser would fetch it as a URL itself, past every rule of our client.
        raise TypeError("parse_feed takes the fetched bytes, never a URL or text")
    parsed = feedparser.parse(repair_utf8(body, base_url), sanitize_html=True,
                              resolve_relative_uris=True)
    if parsed.bozo:
        log.warning("feed %s is not well-formed: %s", base_url, parsed.bozo_exception)
        if malformed is not None:
            malformed.append(f"{base_url}: {parsed.bozo_exception}"[:300])
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
    return parse_feed(page.body, page.final_url, source.allowed_domains,
                      malformed=state.malformed if state is not None else None)
