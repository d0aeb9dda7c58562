"""What discovery yields and what extraction returns: plain data, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


@dataclass(frozen=True)
class Item:
    """One article URL found by a source, with what the source said about it."""

    url: str
    title: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class ExtractedArticle:
    url: str
    title: str | None
    published_at: datetime | None
    language: str | None
    text: str
    author: str | None = None
    # How the bytes were read; `encoding_suspect` when guessed, mixed or with replaced bytes.
    encoding: str | None = None
    encoding_suspect: bool = False
    encoding_reason: str | None = None


# Query parameters that only track a click and never change the page.
TRACKING_PARAMS = ("utm_", "fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "_ga", "ref_src")


def canonical_url(url: str) -> str:
    """The URL without fragment or tracking parameters, host lower-cased."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not k.lower().startswith(TRACKING_PARAMS)]
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", urlencode(query), ""))


def same_site(url: str, base: str, allowed_domains: list[str] | tuple[str, ...] = ()) -> bool:
    """Whether `url` is http(s) on the source's site (its host's domain) or an allowed domain."""
    from scrapers.safety import on_site

    return on_site(url, base, allowed_domains)
