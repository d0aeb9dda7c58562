"""Main text and metadata of an article page: trafilatura, with per-source selector overrides.

The page is parsed once with lxml. Our metadata (canonical URL, title, author, language, date
from meta tags, JSON-LD, <time> or visible text in en/ru/az/hy) is read from that tree before
trafilatura extracts the main text from it; BeautifulSoup is used only for configured CSS
selectors, htmldate only for pages that name no date anywhere we look.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, tzinfo

import trafilatura

from scrapers.dates import find_date, parse_date
from scrapers.encoding import Decoded, read_html
from scrapers.errors import ExtractError
from scrapers.items import ExtractedArticle, canonical_url, same_site

# trafilatura without its readability/jusText fallback: on the public 181-page benchmark both
# faster and better (F1 0.962 against 0.960; see BENCHMARKS.md).
FAST_EXTRACTION = True
_BLOCKS = ["p", "h2", "h3", "h4", "li", "blockquote"]
_DATE_METAS = [("property", "article:published_time"), ("name", "article:published_time"),
               ("itemprop", "datePublished"), ("name", "pubdate"), ("name", "publishdate"),
               ("name", "date"), ("property", "og:published_time"), ("name", "dc.date"),
               ("name", "DC.date.issued"), ("name", "sailthru.date"), ("name", "parsely-pub-date")]
_AUTHOR_METAS = [("name", "author"), ("property", "article:author"), ("name", "dc.creator")]
# Elements whose visible text is likely the publication date ("date", "published", "time").
_DATE_NODES = ("//*[self::time or self::span or self::div or self::p or self::small or self::li]"
               "[contains(translate(@class, 'DATEPUBLISHTIM', 'datepublishtim'), 'date') or "
               "contains(translate(@class, 'DATEPUBLISHTIM', 'datepublishtim'), 'publish') or "
               "contains(translate(@class, 'DATEPUBLISHTIM', 'datepublishtim'), 'time') or "
               "@itemprop='datePublished']")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—•·]\s+|\s+-\s+")
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting",
                  "analysisnewsarticle", "opinionnewsarticle", "webpage"}


def extract_article(body: bytes | str, url: str, *, content_type: str = "",
                    body_selector: str | None = None, date_selector: str | None = None,
                    language: str | None = None, fallback_date: datetime | None = None,
                    tz: tzinfo | None = None) -> ExtractedArticle:
    """The article in a page: main text without boilerplate, title, date (UTC), language."""
    decoded = Decoded(body, "") if isinstance(body, str) else read_html(body, content_type)
    html = decoded.text
    if not html.strip():
        raise ExtractError(f"{url}: empty page")
    tree = _parse(html, url)
    selected = _selected(html, body_selector, date_selector, tz) if (
        body_selector or date_selector) else (None, None)
    ld = _json_ld(tree)
    canonical = _canonical(tree, url)
    title = _title(tree, ld)
    author = _author(tree, ld)
    lang = _html_language(tree)
    published = (selected[1] or _meta_date(tree, ld, tz) or _visible_date(tree, tz)
                 or fallback_date)
    if published is None:
        published = _guessed_date(tree, tz)
    text = selected[0]
    if not text:
        # trafilatura prunes the tree as it goes: everything we read from it is read above.
        document = trafilatura.bare_extraction(tree, url=url, with_metadata=False,
                                               include_comments=False, fast=FAST_EXTRACTION)
        text = (document.text if document is not None else None) or ""
    text = _tidy(text)
    if not text:
        raise ExtractError(f"{url}: no main text found")
    # Replacement characters in the text are doubt whether we or the site put them there.
    suspect = decoded.suspect or "\ufffd" in text
    reason = decoded.reason or ("the text holds replacement characters" if suspect else None)
    return ExtractedArticle(
        url=canonical, title=_clean_title(title), published_at=published,
        language=language or lang or guess_language(text), text=text, author=author,
        encoding=decoded.encoding or None, encoding_suspect=suspect, encoding_reason=reason,
    )


def _parse(html: str, url: str):
    # load_html copes with encoding declarations in str input and with broken markup.
    tree = trafilatura.load_html(html)
    if tree is None:
        raise ExtractError(f"{url}: not an HTML page")
    return tree


def _selected(html: str, body_selector: str | None, date_selector: str | None,
              tz: tzinfo | None) -> tuple[str | None, datetime | None]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    text = None
    if body_selector and (node := soup.select_one(body_selector)) is not None:
        blocks = node.find_all(_BLOCKS)
        text = (node.get_text(" ", strip=True) if not blocks else
                "\n".join(b.get_text(" ", strip=True) for b in blocks if b.get_text(strip=True)))
    date = None
    if date_selector and (node := soup.select_one(date_selector)) is not None:
        date = parse_date(node.get("datetime") or node.get("content")
                          or node.get_text(" ", strip=True), tz=tz)
    return text, date


def _json_ld(tree) -> dict:
    """The first article-like JSON-LD object (inside lists and @graph too), else {}."""
    for script in tree.xpath("//script[@type='application/ld+json']/text()")[:10]:
        try:
            data = json.loads(script)
        except ValueError:
            continue
        stack = [data]
        while stack:
            entry = stack.pop(0)
            if isinstance(entry, list):
                stack.extend(entry)
            elif isinstance(entry, dict):
                kind = entry.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(str(k).lower() in _ARTICLE_TYPES for k in kinds) and (
                        entry.get("datePublished") or entry.get("headline")):
                    return entry
                stack.extend(v for k, v in entry.items() if k in ("@graph", "mainEntity"))
    return {}


def _meta(tree, pairs) -> str | None:
    for attribute, name in pairs:
        found = tree.xpath(f"//meta[translate(@{attribute}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                           f"'abcdefghijklmnopqrstuvwxyz')='{name.lower()}']/@content")
        if found and found[0].strip():
            return found[0].strip()
    return None


def _meta_date(tree, ld: dict, tz: tzinfo | None) -> datetime | None:
    for value in (_meta(tree, _DATE_METAS), str(ld.get("datePublished") or "") or None):
        if value and (found := parse_date(value, tz=tz)):
            return found
    for value in tree.xpath("//time[@datetime]/@datetime")[:3]:
        if found := parse_date(value, tz=tz):
            return found
    return None


def _visible_date(tree, tz: tzinfo | None) -> datetime | None:
    for node in tree.xpath(_DATE_NODES)[:20]:
        text = node.text_content()
        if len(text) <= 200 and (found := find_date(text, tz)):
            return found
    return None


def _guessed_date(tree, tz: tzinfo | None) -> datetime | None:
    from htmldate import find_date as htmldate_find

    try:
        found = htmldate_find(tree, extensive_search=False, original_date=True,
                              outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 (a guess that fails is no date, not a failed article)
        return None
    return parse_date(found, tz=tz) if found else None


def _canonical(tree, url: str) -> str:
    found = tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
    href = found[0].strip() if found else None
    if href and same_site(href, url):
        return canonical_url(href)
    return canonical_url(url)


def _title(tree, ld: dict) -> str | None:
    og = _meta(tree, [("property", "og:title"), ("name", "twitter:title")])
    if og:
        return og
    if isinstance(ld.get("headline"), str) and ld["headline"].strip():
        return ld["headline"]
    headings = tree.xpath("//h1")
    if len(headings) == 1 and headings[0].text_content().strip():
        return headings[0].text_content()
    found = tree.xpath("//title")
    if not found:
        return headings[0].text_content() if headings else None
    # "Headline | Outlet": the longest part is the headline.
    parts = _TITLE_SEPARATORS.split(found[0].text_content().strip())
    return max(parts, key=len) if parts else None


def _author(tree, ld: dict) -> str | None:
    author = ld.get("author")
    if isinstance(author, list) and author:
        author = author[0]
    if isinstance(author, dict):
        author = author.get("name")
    if isinstance(author, str) and author.strip():
        return author.strip()[:200]
    found = _meta(tree, _AUTHOR_METAS)
    return found[:200] if found else None


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    # Titles are untrusted: no control characters, bounded length.
    cleaned = re.sub(r"\s+", " ", re.sub(r"[\x00-\x1f\x7f]+", " ", title)).strip()
    return cleaned[:500] or None


def _html_language(tree) -> str | None:
    lang = tree.get("lang") or tree.get("xml:lang") or ""
    if not lang:
        found = tree.xpath("//html/@lang")
        lang = found[0] if found else ""
    if re.match(r"^[a-zA-Z]{2}", lang):
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
