"""The shared HTTP layer: identifying client, polite and safe fetches, size cap, retries with backoff.

Every request, and every redirect hop, is checked (scheme, no https→http downgrade, the
source's site, a public address unless it is the configured host), asked of robots.txt and
spaced per host by `Politeness`. Redirects are followed here, not by httpx, so that each hop
goes through those checks.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import ssl
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from claimwatch import __version__
from scrapers.errors import FetchError, RobotsDisallowed, TooLargeError
from scrapers.politeness import (
    DEFAULT_DELAY,
    DEFAULT_GLOBAL_CONCURRENCY,
    DEFAULT_HOST_CONCURRENCY,
    MAX_WAIT,
    ROBOTS_AGENT,
    ROBOTS_MAX_BYTES,
    Politeness,
)
from scrapers.safety import AddressGuard, PinnedBackend, check_hop, host_of

log = logging.getLogger(__name__)

USER_AGENT = f"claimwatch/{__version__} (+https://github.com/claimwatch/claimwatch)"
MAX_BYTES = 20 * 1024 * 1024
MAX_TRIES = 3
MAX_REDIRECTS = 5
RETRY_STATUSES = {408, 429, 500, 502, 503, 504, 522, 524}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# Slow drips defeat a read timeout (each byte resets it); this bounds a whole request.
DEFAULT_DEADLINE = 60.0
# Kept for callers that imported it: the longest pause we wait for within a run.
MAX_RETRY_AFTER = MAX_WAIT


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

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class CrawlClient(httpx.AsyncClient):
    """An httpx client that carries its run's politeness state and address verdicts."""

    def __init__(self, *args, politeness: Politeness, deadline: float, max_bytes: int,
                 guard: AddressGuard, **kwargs):
        super().__init__(*args, **kwargs)
        self.politeness = politeness
        self.guard = guard
        self.deadline = deadline
        self.max_bytes = max_bytes


def make_client(timeout_connect: float = 10, timeout_read: float = 30, *,
                delay: float = DEFAULT_DELAY, host_concurrency: int = DEFAULT_HOST_CONCURRENCY,
                global_concurrency: int = DEFAULT_GLOBAL_CONCURRENCY, obey_robots: bool = True,
                deadline: float = DEFAULT_DEADLINE, max_bytes: int = MAX_BYTES) -> CrawlClient:
    """The one client every source kind uses: our User-Agent, timeouts, politeness per host."""
    timeout = httpx.Timeout(timeout_read, connect=timeout_connect, pool=timeout_connect)
    politeness = Politeness(delay=delay, host_concurrency=host_concurrency,
                            global_concurrency=global_concurrency, obey_robots=obey_robots)
    guard = AddressGuard()
    transport = httpx.AsyncHTTPTransport(verify=_tls_context(), limits=httpx.Limits(
        max_connections=global_concurrency * 2, max_keepalive_connections=global_concurrency))
    # httpx has no public seam for the network backend; its pool takes one, so we set it there.
    transport._pool._network_backend = PinnedBackend(guard.pins)  # type: ignore[attr-defined]
    return CrawlClient(
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        timeout=timeout, follow_redirects=False, transport=transport,
        politeness=politeness, deadline=deadline, max_bytes=max_bytes, guard=guard,
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~20 ms; one context serves every client of the process
    # instead of one per source and run.
    return httpx.create_ssl_context()


def _state(client: httpx.AsyncClient) -> CrawlClient:
    # A plain httpx client gets the default politeness the first time it is used here.
    if not isinstance(client, CrawlClient) and not hasattr(client, "politeness"):
        client.politeness = Politeness()  # type: ignore[attr-defined]
        client.guard = AddressGuard()  # type: ignore[attr-defined]
        client.deadline = DEFAULT_DEADLINE  # type: ignore[attr-defined]
        client.max_bytes = MAX_BYTES  # type: ignore[attr-defined]
    return client  # type: ignore[return-value]


async def fetch(client: httpx.AsyncClient, url: str, *, max_bytes: int | None = None,
                tries: int = MAX_TRIES, backoff: float = 1.0, origin: str | None = None,
                allowed_domains: list[str] | tuple[str, ...] = (), etag: str | None = None,
                last_modified: str | None = None) -> Page:
    """GET `url` politely, retrying transient failures; raises FetchError once tries are spent.

    `origin` is the configured URL this request derives from (default: `url` itself): its host
    may be private, and redirects must stay on its site. With `etag`/`last_modified` the
    request is conditional and a 304 comes back as a Page whose `not_modified` is true."""
    crawl = _state(client)
    max_bytes = max_bytes or crawl.max_bytes
    origin = origin or url
    check_hop(url, previous=None, origin=origin, allowed_domains=allowed_domains)
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    last_error = "no attempt made"
    for attempt in range(1, tries + 1):
        key = urlsplit(url).netloc.lower()
        try:
            page = await _follow(crawl, url, origin, allowed_domains, headers, max_bytes)
        except FetchError:  # refusals, the size cap, too many redirects: asking again won't help
            raise
        except (httpx.TransportError, httpx.DecodingError, TimeoutError, zlib.error) as exc:
            last_error = _describe(exc)
            wait = _backoff(attempt, backoff)
        else:
            if page.status < 400:
                return page
            key = urlsplit(page.final_url).netloc.lower()
            if page.status not in RETRY_STATUSES:
                raise FetchError(url, f"HTTP {page.status}", page.status)
            last_error = f"HTTP {page.status}"
            asked = _retry_after(page.headers.get("retry-after"))
            if asked is not None and asked > MAX_WAIT:
                reason = f"HTTP {page.status}, asked to wait {asked:.0f} s: host left for the next run"
                crawl.politeness.defer(key, reason)
                raise FetchError(url, reason, page.status)
            wait = asked if asked is not None else _backoff(attempt, backoff)
            crawl.politeness.slow_down(key)
        if attempt < tries:
            log.info("%s: %s; try %d of %d in %.1f s", url, last_error, attempt + 1, tries, wait)
            # The pause is the host's, so other URLs on it wait too; other hosts are unaffected.
            crawl.politeness.pause(key, wait)
    raise FetchError(url, f"{last_error} after {tries} tries")


async def _follow(crawl: CrawlClient, url: str, origin: str, allowed_domains, headers: dict,
                  max_bytes: int) -> Page:
    current, previous = url, None
    trusted = host_of(origin)
    for _ in range(MAX_REDIRECTS + 1):
        check_hop(current, previous=previous, origin=origin, allowed_domains=allowed_domains)
        await crawl.guard.check(current, trusted_host=trusted)
        await _obey_robots(crawl, current)
        key = urlsplit(current).netloc.lower()
        if reason := crawl.politeness.deferred(key):
            raise FetchError(current, reason)
        async with crawl.politeness.slot(key):
            async with asyncio.timeout(crawl.deadline):  # the wait for the slot is not counted
                status, response_headers, body = await _request(crawl, current, headers, max_bytes)
        location = response_headers.get("location")
        if status in REDIRECT_STATUSES and location:
            previous, current = current, urljoin(current, location.strip())
            continue
        return Page(url=url, final_url=current, status=status, headers=response_headers, body=body)
    raise FetchError(url, f"too many redirects (more than {MAX_REDIRECTS}), last to {current}")


async def _request(client: httpx.AsyncClient, url: str, headers: dict,
                   max_bytes: int) -> tuple[int, dict[str, str], bytes]:
    # Redirects are ours to follow (each hop is checked), whatever the client was made with.
    async with client.stream("GET", url, headers=headers, follow_redirects=False) as response:
        found = {k.lower(): v for k, v in response.headers.items()}
        if response.status_code in REDIRECT_STATUSES or response.status_code == 304:
            return response.status_code, found, b""
        declared = found.get("content-length", "")
        encoding = found.get("content-encoding", "identity").strip().lower()
        if declared.isdigit() and int(declared) > max_bytes and encoding == "identity":
            raise TooLargeError(url, f"declared {declared} bytes, cap is {max_bytes}")
        if encoding not in DECODED_ENCODINGS:
            # Never asked for (brotli, zstd...): kept as sent it would be stored as garbage.
            raise FetchError(url, f"content-encoding {encoding[:40]!r} was not asked for and "
                                  "cannot be decoded")
        body = await _read_capped(response, url, encoding, max_bytes)
        return response.status_code, found, body


async def _read_capped(response: httpx.Response, url: str, encoding: str, max_bytes: int) -> bytes:
    """The decoded body, aborted as soon as it would pass the cap: a gzip bomb never inflates."""
    decoder = _decoder(encoding)
    chunks: list[bytes] = []
    size = received = 0
    async for raw in response.aiter_raw():
        received += len(raw)
        data = decoder.decompress(raw, max_bytes - size + 1) if decoder else raw
        size += len(data)
        if size > max_bytes:
            log.error("%s: body passed the cap of %d bytes (%d bytes received%s); aborted",
                      url, max_bytes, received, f", {encoding}" if decoder else "")
            raise TooLargeError(url, f"body passed the cap of {max_bytes} bytes "
                                     f"after {received} bytes on the wire")
        chunks.append(data)
    if decoder is not None:
        tail = decoder.flush()
        if size + len(tail) > max_bytes:
            raise TooLargeError(url, f"body passed the cap of {max_bytes} bytes")
        chunks.append(tail)
    return b"".join(chunks)


DECODED_ENCODINGS = ("identity", "", "gzip", "x-gzip", "deflate")


def _decoder(encoding: str):
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        # Servers send either zlib-wrapped or raw deflate; 32 + MAX_WBITS reads zlib and gzip.
        return zlib.decompressobj(32 + zlib.MAX_WBITS)
    return None  # identity


async def robots_rules(client: httpx.AsyncClient, url: str) -> Protego | None | str:
    """The robots.txt rules of `url`'s host, read once per client: None when there are none
    (no file, a 4xx), a str saying why they could not be read (5xx, network: crawl nothing)."""
    crawl = _state(client)
    parts = urlsplit(url)
    site = f"{parts.scheme}://{parts.netloc}"

    async def fetch_robots(origin: str) -> Protego | None:
        robots_url, previous = origin + "/robots.txt", None
        for _ in range(MAX_REDIRECTS + 1):
            check_hop(robots_url, previous=previous, origin=origin)
            await crawl.guard.check(robots_url, trusted_host=host_of(origin))
            async with crawl.politeness.slot(urlsplit(robots_url).netloc.lower(), spaced=False):
                async with asyncio.timeout(crawl.deadline):
                    status, headers, body = await _request(crawl, robots_url, {},
                                                           ROBOTS_MAX_BYTES * 4)
            if status not in REDIRECT_STATUSES or not headers.get("location"):
                break
            previous, robots_url = robots_url, urljoin(robots_url, headers["location"].strip())
        if status >= 500 or status in REDIRECT_STATUSES:
            # RFC 9309: an unreachable robots.txt means "do not crawl" until it can be read.
            raise FetchError(robots_url, f"HTTP {status}", status)
        if status >= 400:
            return None
        return Protego.parse(body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace"))

    return await crawl.politeness.robots(site, parts.netloc.lower(), fetch_robots)


async def _obey_robots(crawl: CrawlClient, url: str) -> None:
    if not crawl.politeness.obey_robots:
        return
    rules = await robots_rules(crawl, url)
    if isinstance(rules, str):
        raise FetchError(url, f"{rules}; the host is left for the next run")
    if rules is not None and not rules.can_fetch(url, ROBOTS_AGENT):
        raise RobotsDisallowed(url, "disallowed by robots.txt; not requested")


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "TimeoutError: the whole request took longer than its deadline"
    detail = str(exc) or "no detail"
    return f"{type(exc).__name__}: {detail}"


def _backoff(attempt: int, base: float) -> float:
    return min(60.0, base * (2 ** (attempt - 1)) * (0.5 + random.random()))


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
