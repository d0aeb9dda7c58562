"""Scrapers: discovery of new items per source kind, fetching, and article extraction.

Network I/O (`http.fetch`, polite and checked per hop by `politeness` and `safety`;
conditional per run by `incremental`) is separate from parsing (`rss.parse_feed`,
`sitemap.parse_sitemap`, `listing.parse_listing`, `extract.extract_article`), which are pure
functions of bytes.
"""

from __future__ import annotations

from scrapers import listing, rss, sitemap
from scrapers.errors import (
    BlockedError,
    ExtractError,
    FetchError,
    RobotsDisallowed,
    ScraperError,
    TooLargeError,
)
from scrapers.extract import extract_article
from scrapers.http import fetch, make_client
from scrapers.items import ExtractedArticle, Item, canonical_url

DISCOVERERS = {"rss": rss.discover, "sitemap": sitemap.discover, "listing": listing.discover}


def discoverer(kind: str):
    """The discovery function of a source kind; an unknown kind is a programming error."""
    try:
        return DISCOVERERS[kind]
    except KeyError:
        raise ValueError(f"unknown source kind {kind!r}; known: {sorted(DISCOVERERS)}") from None


__all__ = ["DISCOVERERS", "BlockedError", "ExtractError", "ExtractedArticle", "FetchError", "Item",
           "RobotsDisallowed", "ScraperError", "TooLargeError", "canonical_url", "discoverer",
           "extract_article", "fetch", "make_client"]
