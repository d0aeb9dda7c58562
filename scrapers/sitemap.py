"""Sitemaps: index and urlset, gzip, Google News publication dates; parsed without entities."""

from __future__ import annotations

import logging
import zlib

from lxml import etree

from scrapers.compression import InflatesTooFar, inflate_gzip
from scrapers.dates import parse_date
from scrapers.errors import ExtractError, TooLargeError
from scrapers.items import Item, same_site

log = logging.getLogger(__name__)
MAX_SITEMAPS = 50
# No entity expansion, no network, no DTD: billion-laughs and XXE stay inert.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, recover=True)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _gunzip(body: bytes, url: str) -> bytes:
    # Bounded like a response body: a .xml.gz bomb stops at the cap instead of filling memory.
    from scrapers.http import MAX_BYTES

    try:
        return inflate_gzip(body, MAX_BYTES)
    except zlib.error as exc:
        raise ExtractError(f"{url}: broken gzip ({exc})") from None
    except InflatesTooFar:
        raise TooLargeError(url, f"gzipped sitemap inflates past {MAX_BYTES} bytes") from None


def parse_sitemap(body: bytes, base_url: str) -> tuple[list[Item], list[str]]:
    """(article items, child sitemap URLs) of one sitemap document."""
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body, base_url)
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        raise ExtractError(f"{base_url}: not a sitemap ({exc})") from None
    if root is None:
        raise ExtractError(f"{base_url}: empty sitemap")
    items: list[Item] = []
    children: list[str] = []
    for node in root:
        kind = _local(node.tag)
        fields = {_local(child.tag): child for child in node.iter() if child is not node}
        loc = (fields.get("loc").text or "").strip() if fields.get("loc") is not None else ""
        if not loc:
            continue
        if kind == "sitemap":
            children.append(loc)
        elif kind == "url":
            # Elements without children are falsy in lxml: test for None, never truth.
            date_node = fields.get("publication_date")
            if date_node is None:
                date_node = fields.get("lastmod")
            title_node = fields.get("title")
            items.append(Item(
                url=loc,
                title=title_node.text if title_node is not None else None,
                published_at=parse_date(date_node.text) if date_node is not None else None,
            ))
    return items, children


async def discover(client, source, *, state=None, backoff: float = 1.0) -> list[Item]:
    """Items of the sitemap and its children; a child unchanged since the last run is skipped,
    a child that fails is logged and left for the next run (the source's own sitemap must work)."""
    from scrapers.errors import FetchError
    from scrapers.incremental import fetch_index

    queue = [source.url]
    seen: set[str] = set()
    items: list[Item] = []
    while queue and len(seen) < MAX_SITEMAPS:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            page = await fetch_index(client, url, source, state=state, backoff=backoff)
            if page is None:
                continue
            found, children = parse_sitemap(page.body, page.final_url)
        except (FetchError, ExtractError) as exc:
            if url == source.url:
                raise
            log.error("%s: child sitemap failed, left for the next run: %s", source.id, exc)
            if state is not None:
                state.failures.append(str(exc))
            continue
        items += [i for i in found if same_site(i.url, source.url, source.allowed_domains)]
        queue += [c for c in children if same_site(c, source.url, source.allowed_domains)]
    return items
