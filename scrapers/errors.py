"""Scraper exceptions.

ScraperError
├── FetchError          the network or the server failed us (after retries)
│   └── TooLargeError   the body passed the size cap
└── ExtractError        a page or feed could not be turned into an article or item list
"""


class ScraperError(Exception):
    """Base of every error a scraper raises for one item or source."""


class FetchError(ScraperError):
    def __init__(self, url: str, reason: str, status: int | None = None):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.status = status


class TooLargeError(FetchError):
    pass


class ExtractError(ScraperError):
    pass
