"""The shared HTTP layer: identifying client, size-capped streaming fetch, retries with backoff."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

import httpx

from claimwatch import __version__
from scrapers.errors import FetchError, TooLargeError

USER_AGENT = f"claimwatch/{__version__} (+https://github.com/claimwatch/claimwatch)"
MAX_BYTES = 20 * 1024 * 1024
MAX_TRIES = 3
RETRY_STATUSES = {429, 500, 502, 503, 504}
# A server asking us to wait longer than this is retried on the next run instead.
MAX_RETRY_AFTER = 300.0


@dataclass(frozen=True)
class Page:
    url: str
    final_url: str
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def make_client(timeout_connect: float = 10, timeout_read: float = 30) -> httpx.AsyncClient:
    """The one client every source kind uses: our User-Agent, bounded redirects and timeouts."""
    timeout = httpx.Timeout(timeout_read, connect=timeout_connect)
    return httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=timeout, follow_redirects=True, max_redirects=5,
        limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
    )


async def fetch(client: httpx.AsyncClient, url: str, *, max_bytes: int = MAX_BYTES,
                tries: int = MAX_TRIES, backoff: float = 1.0) -> Page:
    """GET `url`, retrying transient failures; raises FetchError once tries are spent."""
    if not url.startswith(("http://", "https://")):
        raise FetchError(url, "only http and https URLs are fetched")
    last_error = "no attempt made"
    for attempt in range(1, tries + 1):
        try:
            page = await _fetch_once(client, url, max_bytes)
        except TooLargeError:
            raise
        except httpx.TooManyRedirects:
            raise FetchError(url, "too many redirects") from None
        except (httpx.TransportError, httpx.DecodingError) as exc:
            last_error = f"{type(exc).__name__}: {exc}"
            wait = _backoff(attempt, backoff)
        else:
            if page.status < 400:
                return page
            if page.status not in RETRY_STATUSES:
                raise FetchError(url, f"HTTP {page.status}", page.status)
            last_error = f"HTTP {page.status}"
            wait = _retry_after(page.headers.get("retry-after")) or _backoff(attempt, backoff)
            if wait > MAX_RETRY_AFTER:
                raise FetchError(url, f"HTTP {page.status}, asked to wait {wait:.0f} s",
                                 page.status)
        if attempt < tries:
            await asyncio.sleep(wait)
    raise FetchError(url, f"{last_error} after {tries} tries")


async def _fetch_once(client: httpx.AsyncClient, url: str, max_bytes: int) -> Page:
    async with client.stream("GET", url) as response:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_bytes:
            raise TooLargeError(url, f"declared {declared} bytes, cap is {max_bytes}")
        chunks: list[bytes] = []
        size = 0
        # aiter_bytes yields decompressed data, so a gzip bomb is stopped at the cap too.
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > max_bytes:
                raise TooLargeError(url, f"body passed the cap of {max_bytes} bytes")
            chunks.append(chunk)
        return Page(url=url, final_url=str(response.url), status=response.status_code,
                    headers={k.lower(): v for k, v in response.headers.items()},
                    body=b"".join(chunks))


def _backoff(attempt: int, base: float) -> float:
    return base * (2 ** (attempt - 1)) * (0.5 + random.random())


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
