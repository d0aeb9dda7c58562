"""Listing pages: article links by CSS selector, following a next-page link up to max_pages."""

from __future__ import annotations

import logging
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from scrapers.encoding import decode_html
from scrapers.items import Item, same_site

log = logging.getLogger(__name__)


def parse_listing(html: str, base_url: str, link_selector: str,
                  next_selector: str | None) -> tuple[list[str], str | None]:
    """(article URLs, next page URL) of one listing page."""
    soup = BeautifulSoup(html, "lxml")
    links = []
    for anchor in soup.select(link_selector):
        href = anchor.get("href")
        if href:
            links.append(urljoin(base_url, href))
    next_url = None
    if next_selector:
        node = soup.select_one(next_selector)
        if node is not None and node.get("href"):
            next_url = urljoin(base_url, node["href"])
    return links, next_url


async def discover(client, source, start_url: str | None = None, *, state=None,
                   backoff: float = 1.0) -> list[Item]:
    """Article links of the listing pages; stops at a page unchanged since the last run."""
    from scrapers.incremental import fetch_index

    url: str | None = start_url or source.url
    seen: set[str] = set()
    items: list[Item] = []
    pages = 0
    while url and url not in seen and pages < source.max_pages:
        seen.add(url)
        pages += 1
        page = await fetch_index(client, url, source, state=state, backoff=backoff)
        if page is None:
            break
        html = decode_html(page.body, page.content_type)
        links, url = parse_listing(html, page.final_url, source.link_selector,
                                   source.next_selector)
        items += [Item(url=link) for link in links
                  if same_site(link, source.url, source.allowed_domains)]
        if url and not same_site(url, source.url, source.allowed_domains):
            url = None
    if url and url not in seen:
        # An endless calendar or ?page= chain is a crawler trap: say where we stopped.
        log.warning("%s: stopped at max_pages (%d) with more listing pages linked (next: %s)",
                    source.id, source.max_pages, url[:200])
    return items
