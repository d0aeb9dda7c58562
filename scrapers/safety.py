"""Where a request may go: http(s) only, no https→http downgrade, the source's site, public addresses.

A source's own configured host may be private (an intranet feed, the demo on loopback); any
other host that resolves to a loopback, private, link-local or otherwise non-public address is
refused before we connect, whether a feed linked to it or a redirect pointed there.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections import Counter
from urllib.parse import urlsplit

import httpcore
import httpx

from scrapers.errors import BlockedError

ALLOWED_SCHEMES = ("http", "https")
# Second-level labels under which registrations happen one level deeper (bbc.co.uk, gov.am).
# Heritrix-style trap limits: real article paths are short and rarely repeat a segment.
MAX_PATH_SEGMENTS = 20
MAX_SEGMENT_REPEATS = 2
_SHARED_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "mil", "int", "ltd", "plc"}


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def site_of(host: str) -> str:
    """The registrable part of a host (news.example.co.uk → example.co.uk); an IP is its own site."""
    host = host.lower().rstrip(".")
    if _is_ip(host) or "." not in host:
        return host
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SHARED_SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def crawl_trap(url: str) -> str | None:
    """Why `url` looks like a crawler trap (endless calendars, /a/a/a/... paths), else None."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    if len(segments) > MAX_PATH_SEGMENTS:
        return f"more than {MAX_PATH_SEGMENTS} path segments"
    counts = Counter(segments)
    repeated = [s for s, n in counts.items() if n > MAX_SEGMENT_REPEATS]
    if repeated:
        return f"path segment {repeated[0]!r} repeated {counts[repeated[0]]} times"
    return None


def on_site(url: str, base: str, allowed_domains: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether `url` is http(s) on the site of `base` (any of its subdomains) or an allowed domain,
    and not a crawler trap."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES or not parts.hostname or crawl_trap(url):
        return False
    host = parts.hostname.lower().rstrip(".")
    base_host = host_of(base)
    if host == base_host or (not _is_ip(host) and site_of(host) == site_of(base_host)):
        return True
    return any(host == d.lower() or host.endswith("." + d.lower()) for d in allowed_domains)


def check_hop(url: str, *, previous: str | None, origin: str,
              allowed_domains: list[str] | tuple[str, ...] = ()) -> None:
    """Refuse a request (or redirect hop) by scheme, downgrade and site; address checks are async."""
    parts = urlsplit(url)
    if parts.scheme not in ALLOWED_SCHEMES or not parts.hostname:
        raise BlockedError(url, f"refused: scheme {parts.scheme or 'none'!r} is not http(s)")
    if previous is not None:
        if urlsplit(previous).scheme == "https" and parts.scheme == "http":
            raise BlockedError(url, f"refused: redirect from {previous} downgrades https to http")
        if not on_site(url, origin, allowed_domains):
            raise BlockedError(url, f"refused: redirect from {previous} leaves the source's site")


def non_public(address: str) -> bool:
    """Loopback, private, link-local, shared (100.64/10), multicast or reserved: not the internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


class AddressGuard:
    """Resolves each host once per client, refuses non-public ones unless the host is trusted,
    and pins the checked address so the connection goes where the check looked (no rebinding)."""

    def __init__(self) -> None:
        self._verdicts: dict[str, str | None] = {}
        self.pins: dict[str, str] = {}

    async def check(self, url: str, *, trusted_host: str) -> None:
        host = host_of(url)
        if host == trusted_host:
            return
        if host not in self._verdicts:
            self._verdicts[host] = await self._resolve(url, host)
        found = self._verdicts[host]
        if found is not None:
            raise BlockedError(url, f"refused: {host} resolves to the non-public address {found}")

    async def _resolve(self, url: str, host: str) -> str | None:
        if _is_ip(host):
            return host if non_public(host) else None
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, urlsplit(url).port or 80, type=socket.SOCK_STREAM)
        except OSError as exc:
            # Not cached: a resolver hiccup is retried like any connect error.
            raise httpx.ConnectError(f"cannot resolve {host}: {exc}") from None
        addresses = [str(info[4][0]) for info in infos]
        for address in addresses:
            if non_public(address):
                return address
        if addresses:
            self.pins[host] = addresses[0]
        return None


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects to the address AddressGuard checked for a host, not to a fresh DNS answer;
    TLS still verifies the certificate against the host name."""

    def __init__(self, pins: dict[str, str]) -> None:
        self._pins = pins
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None,
                          socket_options=None):
        return await self._backend.connect_tcp(self._pins.get(host.lower(), host), port, timeout,
                                               local_address, socket_options)

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        return await self._backend.connect_unix_socket(path, timeout, socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
