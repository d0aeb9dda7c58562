"""Scraper exceptions.

ScraperError
├── FetchError              the network or the server failed us (after retries)
│   ├── TooLargeError       the body passed the size cap
│   ├── BlockedError        refused before connecting: scheme, downgrade, off-site, private address
│   └── RobotsDisallowed    robots.txt forbids the URL; it was never requested
└── ExtractError            a page or feed could not be turned into an article or item list
"""

# Statuses that will not change by asking again: recorded and not retried on later runs.
PERMANENT_STATUSES = frozenset({403, 404, 410})


class ScraperError(Exception):
    """Base of every error a scraper raises for one item or source."""


class FetchError(ScraperError):
    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.status = status

    @property
    def permanent(self) -> bool:
        return self.status in PERMANENT_STATUSES


class TooLargeError(FetchError):
    pass


class BlockedError(FetchError):
    pass


class RobotsDisallowed(FetchError):
    pass


class ExtractError(ScraperError):
    pass
