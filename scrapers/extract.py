"""Main text and metadata of an article page: trafilatura, with per-source selector overrides."""

from __future__ import annotations

import json
import re
from datetime import datetime

import trafilatura
from bs4 import BeautifulSoup

from scrapers.dates import parse_date
from scrapers.encoding import decode_html
from scrapers.errors import ExtractError
from scrapers.items import ExtractedArticle, canonical_url

_BLOCKS = ["p", "h2", "h3", "h4", "li", "blockquote"]
_DATE_METAS = [("property", "article:published_time"), ("name", "article:published_time"),
               ("itemprop", "datePublished"), ("name", "pubdate"), ("name", "date"),
               ("property", "og:published_time"), ("name", "dc.date")]


def extract_article(body: bytes | str, url: str, *, content_type: str = "",
                    body_selector: str | None = None, date_selector: str | None = None,
                    language: str | None = None, fallback_date: datetime | None = None,
                    ) -> ExtractedArticle:
    """The article in a page: main text without boilerplate, title, date (UTC), language."""
    html = body if isinstance(body, str) else decode_html(body, content_type)
    if not html.strip():
        raise ExtractError(f"{url}: empty page")
    soup = BeautifulSoup(html, "lxml")
    text = _selected_text(soup, body_selector) if body_selector else None
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                           include_comments=False, include_tables=False)
    if not text:
        text = (document.text if document is not None else None) or ""
    text = _tidy(text)
    if not text:
        raise ExtractError(f"{url}: no main text found")
    title = (document.title if document is not None else None) or _title(soup)
    published = (_selected_date(soup, date_selector) or _meta_date(soup)
                 or parse_date(document.date if document is not None else None)
                 or fallback_date)
    canonical = _canonical(soup, url)
    return ExtractedArticle(
        url=canonical, title=_clean_title(title), published_at=published,
        language=language or _html_language(soup) or guess_language(text), text=text,
        author=document.author if document is not None else None,
    )


def _selected_text(soup: BeautifulSoup, selector: str) -> str | None:
    node = soup.select_one(selector)
    if node is None:
        return None
    blocks = node.find_all(_BLOCKS)
    if not blocks:
        return node.get_text(" ", strip=True)
    return "\n".join(b.get_text(" ", strip=True) for b in blocks if b.get_text(strip=True))


def _selected_date(soup: BeautifulSoup, selector: str | None) -> datetime | None:
    if not selector:
        return None
    node = soup.select_one(selector)
    if node is None:
        return None
    return parse_date(node.get("datetime") or node.get("content") or node.get_text(" ", strip=True))


def _meta_date(soup: BeautifulSoup) -> datetime | None:
    for attribute, name in _DATE_METAS:
        node = soup.find("meta", attrs={attribute: name})
        if node is not None and (found := parse_date(node.get("content"))):
            return found
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError):
            continue
        for entry in data if isinstance(data, list) else [data]:
            if isinstance(entry, dict) and (found := parse_date(str(entry.get("datePublished") or ""))):
                return found
    node = soup.find("time", attrs={"datetime": True})
    return parse_date(node["datetime"]) if node is not None else None


def _canonical(soup: BeautifulSoup, url: str) -> str:
    from scrapers.items import same_site

    link = soup.find("link", rel="canonical")
    href = link.get("href") if link is not None else None
    if href and same_site(href, url):
        return canonical_url(href)
    return canonical_url(url)


def _title(soup: BeautifulSoup) -> str | None:
    node = soup.find("h1") or soup.find("title")
    return node.get_text(" ", strip=True) if node is not None else None


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    # Titles are untrusted: no control characters, bounded length.
    cleaned = re.sub(r"[\x00-\x1f\x7f]+", " ", title).strip()
    return cleaned[:500] or None


def _html_language(soup: BeautifulSoup) -> str | None:
    node = soup.find("html")
    lang = node.get("lang") if node is not None else None
    if lang and re.match(r"^[a-zA-Z]{2}", lang):
        return lang[:2].lower()
    return None


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def guess_language(text: str) -> str | None:
    """A script-based guess, enough to pick lexicons: ru, hy, az or en."""
    letters = [c for c in text[:5000] if c.isalpha()]
    if not letters:
        return None
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    armenian = sum("\u0530" <= c <= "\u058f" for c in letters)
    if cyrillic / len(letters) > 0.3:
        return "ru"
    if armenian / len(letters) > 0.3:
        return "hy"
    if sum(c in "əƏ" for c in letters) > 3:
        return "az"
    return "en"
