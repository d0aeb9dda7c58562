"""Bytes to text for HTML: HTTP header charset, then <meta>, then detection; never fails.

Declarations lie: a cp1251 page served as `charset=utf-8`, a utf-8 page whose header still
says windows-1251. Bytes that are valid UTF-8 with non-ASCII in them are almost never anything
else, so UTF-8 wins whenever it decodes; a declaration is believed only when it decodes the
bytes; otherwise the single-byte Cyrillic encodings are scored, then a general detector.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_HEADER_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_UTF8 = "utf-8"
# Single-byte encodings of Russian text, most common first; they decode any byte string, so
# they are told apart by how Russian-like the result is.
_CYRILLIC_CANDIDATES = ("cp1251", "koi8_r", "iso8859_5", "cp866")
# A UTF-8 body with a few broken sequences (a truncated copy, three bad bytes) is still UTF-8:
# a handful broken among several times as many intact, or a twentieth at most of a long text.
_UTF8_FEW_BROKEN = 3
_UTF8_INTACT_PER_BROKEN = 20
# The most frequent Russian letters: real text has many, a wrong code page few.
_COMMON_RUSSIAN = set("оеаинтсрвлкмдпуяы")


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_charsets(body: bytes, content_type: str = "") -> list[str]:
    """Charsets the HTTP header and the page's <meta> declare, in that order, known ones only."""
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body[:4096])
    names = [header.group(1) if header else None,
             meta.group(1).decode("ascii", "ignore") if meta else None]
    return [n for n in dict.fromkeys(_known(name) for name in names) if n]


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode an HTML body the way browsers mostly do, never failing on bad bytes."""
    try:
        text = body.decode(_UTF8)
    except UnicodeDecodeError:
        text = None
    if text is not None:
        # Valid UTF-8 is trusted over any declaration, unless it is plain ASCII.
        declared = declared_charsets(body, content_type)
        if not declared or not body.isascii():
            return text
        return body.decode(declared[0], errors="replace")
    for encoding in declared_charsets(body, content_type):
        if encoding == _UTF8:
            continue  # the bytes are not UTF-8, whatever the header says
        if encoding in _CYRILLIC_CANDIDATES and _russian_score(body.decode(encoding, "replace")) < 0.5:
            continue  # a Cyrillic code page that yields no Russian: the declaration is wrong
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue
    return _detect(body)


def _detect(body: bytes) -> str:
    damaged = body.decode(_UTF8, errors="replace")
    broken = damaged.count("\ufffd")
    intact = sum(1 for c in damaged if ord(c) > 127) - broken
    if ((broken <= _UTF8_FEW_BROKEN and intact >= 3 * broken)
            or intact >= _UTF8_INTACT_PER_BROKEN * broken):
        return damaged
    best, best_score = None, 0.0
    for encoding in _CYRILLIC_CANDIDATES:
        score = _russian_score(body.decode(encoding, errors="replace"))
        if score > best_score:
            best, best_score = encoding, score
    if best is not None and best_score >= 0.5:
        return body.decode(best, errors="replace")
    found = from_bytes(body).best()
    if found is not None:
        return str(found)
    return damaged


def _russian_score(text: str) -> float:
    """0..1: how much the non-ASCII letters look like ordinary lower-case Russian prose."""
    letters = [c for c in text if c.isalpha()]
    cyrillic = [c for c in letters if "\u0400" <= c <= "\u04ff"]
    non_ascii = sum(1 for c in letters if ord(c) > 127)
    # Russian prose is mostly Cyrillic; a Latin text with accents read as cp1251 is not.
    if len(cyrillic) < 2 or len(cyrillic) < 0.9 * non_ascii or len(cyrillic) < 0.3 * len(letters):
        return 0.0
    lower = sum(c.islower() for c in cyrillic) / len(cyrillic)
    common = sum(c in _COMMON_RUSSIAN for c in cyrillic) / len(cyrillic)
    return min(1.0, lower * 0.5 + common)
