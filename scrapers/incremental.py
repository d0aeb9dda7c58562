"""Conditional GET of a source's index pages (feeds, sitemaps, listing pages) across runs.

Discovery asks earlier runs' validators through `CrawlState.previous` and leaves the new ones
in `CrawlState.validators`; the caller saves them only once every item they led to has been
dealt with, so a feed whose items failed is fetched in full again on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scrapers.http import Page, fetch


@dataclass(frozen=True)
class Validators:
    etag: str | None = None
    last_modified: str | None = None

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


def _nothing_known(url: str) -> Validators | None:
    return None


@dataclass
class CrawlState:
    """What one source's discovery knows from earlier runs and leaves for the next."""

    previous: Callable[[str], Validators | None] = _nothing_known
    validators: dict[str, Validators] = field(default_factory=dict)
    not_modified: list[str] = field(default_factory=list)
    # Index pages (child sitemaps) that failed: their items are due on the next run.
    failures: list[str] = field(default_factory=list)
    # Index pages read only by a forgiving parser (a malformed feed): counted in the report.
    malformed: list[str] = field(default_factory=list)


async def fetch_index(client, url: str, source, *, state: CrawlState | None = None,
                      backoff: float = 1.0) -> Page | None:
    """An index page of `source`, conditionally when validators are known; None when unchanged."""
    known = state.previous(url) if state is not None else None
    page = await fetch(client, url, backoff=backoff, origin=source.url,
                       allowed_domains=source.allowed_domains,
                       etag=known.etag if known else None,
                       last_modified=known.last_modified if known else None)
    if page.not_modified:
        if state is not None:
            state.not_modified.append(url)
        return None
    if state is not None:
        found = Validators(page.headers.get("etag"), page.headers.get("last-modified"))
        if found:
            state.validators[url] = found
    return page
