"""Bytes to text for HTML: HTTP header charset, then <meta>, then detection; never fails.

Declarations lie: a cp1251 page served as `charset=utf-8`, a utf-8 page whose header still
says windows-1251, a cp1251 template around a KOI8-R article. Bytes that are valid UTF-8 with
non-ASCII in them are almost never anything else, so UTF-8 wins whenever it decodes; a
declaration is believed only when it decodes the bytes; otherwise the single-byte Cyrillic
encodings are scored, then a general detector. Each long stretch of text between tags is
checked on its own, so a page that mixes encodings is read stretch by stretch.

`read_html` says how sure it is: `suspect` is set when the encoding was guessed, contradicts
what the page declared, or bytes had to be replaced. What cannot be read with confidence is
replaced (U+FFFD), never shown as mojibake.
"""

from __future__ import annotations

import codecs
import math
import re
from collections import Counter
from dataclasses import dataclass

from charset_normalizer import from_bytes

_HEADER_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.IGNORECASE)
# Tags split a page into stretches of text; '<' and '>' never occur inside a multi-byte
# character of any encoding read here, so the split is safe before decoding.
_TAG = re.compile(rb"(<[^<>]*>)")
_UTF8 = "utf-8"
_HIGH_BYTES = bytes(range(128, 256))
# Single-byte encodings of Russian text, most common first; they decode any byte string, so
# they are told apart by how Russian-like the result is.
_CYRILLIC_CANDIDATES = tuple(codecs.lookup(name).name
                             for name in ("cp1251", "koi8_r", "iso8859_5", "cp866"))
# A UTF-8 body with a few broken sequences (a truncated copy, three bad bytes) is still UTF-8:
# a handful broken among several times as many intact, or a twentieth at most of a long text.
_UTF8_FEW_BROKEN = 3
_UTF8_INTACT_PER_BROKEN = 20
# The most frequent Russian letters: real text has many, a wrong code page few.
_COMMON_RUSSIAN = set("оеаинтсрвлкмдпуяы")
# A page-level reading is settled when it beats the next code page by this much.
_PAGE_MARGIN = 0.1
# Stretches with at least this many non-ASCII bytes are long enough to be judged on their own.
_LONG_STRETCH = 80
# A stretch is read with a code page whose letter frequencies match Russian this well (cosine,
# case-blind, so headlines in capitals count) and clearly better than any other code page.
_STRETCH_MATCH = 0.75
_STRETCH_MARGIN = 0.15
# A general detector's reading is believed only when it is this free of noise (its chaos).
_MAX_CHAOS = 0.1
# Letter frequencies of Russian prose, per cent (rounded; only their proportions matter).
_RUSSIAN_FREQUENCIES = {
    "о": 11.0, "е": 8.5, "а": 8.0, "и": 7.4, "н": 6.7, "т": 6.3, "с": 5.5, "р": 4.7, "в": 4.5,
    "л": 4.4, "к": 3.5, "м": 3.2, "д": 3.0, "п": 2.8, "у": 2.6, "я": 2.0, "ы": 1.9, "ь": 1.7,
    "г": 1.7, "з": 1.7, "б": 1.6, "ч": 1.4, "й": 1.2, "х": 1.0, "ж": 0.9, "ш": 0.7, "ю": 0.6,
    "ц": 0.5, "щ": 0.4, "э": 0.3, "ф": 0.3, "ъ": 0.04, "ё": 0.04,
}
_FREQUENCY_NORM = math.sqrt(sum(v * v for v in _RUSSIAN_FREQUENCIES.values()))


@dataclass(frozen=True)
class Decoded:
    """A page's text and how it was read."""

    text: str
    encoding: str
    # What the HTTP header and <meta> declared, known charsets only.
    declared: tuple[str, ...] = ()
    # Guessed, contradicting the declaration, mixed, or with replaced bytes: worth a look.
    suspect: bool = False
    reason: str | None = None


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
    return read_html(body, content_type).text


def read_html(body: bytes, content_type: str = "") -> Decoded:
    """The text of an HTML body, with the encoding used and whether it is in doubt."""
    declared = tuple(declared_charsets(body, content_type))
    try:
        text = body.decode(_UTF8)
    except UnicodeDecodeError:
        text = None
    if text is not None:
        # Valid UTF-8 is trusted over any declaration, unless it is plain ASCII.
        if not declared or not body.isascii():
            return Decoded(text, _UTF8, declared)
        return Decoded(body.decode(declared[0], errors="replace"), declared[0], declared)
    for encoding in declared:
        if encoding == _UTF8:
            continue  # the bytes are not UTF-8, whatever the header says
        if encoding in _CYRILLIC_CANDIDATES:
            if _russian_score(body.decode(encoding, "replace")) < 0.5:
                continue  # a Cyrillic code page that yields no Russian: the declaration is wrong
            return _read_stretches(body, encoding, declared, guessed=False)
        try:
            return Decoded(body.decode(encoding), encoding, declared)
        except UnicodeDecodeError:
            continue
    return _detect(body, declared)


def _detect(body: bytes, declared: tuple[str, ...]) -> Decoded:
    said = f" (declared {', '.join(declared)})" if declared else ""
    damaged = body.decode(_UTF8, errors="replace")
    broken = damaged.count("\ufffd")
    intact = sum(1 for c in damaged if ord(c) > 127) - broken
    if ((broken <= _UTF8_FEW_BROKEN and intact >= 3 * broken)
            or intact >= _UTF8_INTACT_PER_BROKEN * broken):
        return Decoded(damaged, _UTF8, declared, True,
                       f"{broken} invalid UTF-8 sequences replaced{said}")
    page = _page_code_page(body)
    if page is not None:
        return _read_stretches(body, page, declared, guessed=True)
    found = from_bytes(body).best()
    if (found is not None and found.encoding not in _CYRILLIC_CANDIDATES
            and found.chaos <= _MAX_CHAOS):
        return Decoded(str(found), found.encoding, declared, True,
                       f"read as {found.encoding} by detection{said}")
    return Decoded(_unreadable_replaced(body), _UTF8, declared, True,
                   f"encoding could not be settled{said}: unreadable bytes replaced")


def _page_code_page(body: bytes) -> str | None:
    """The Cyrillic code page the page (or most of its long stretches) reads best in, if clear."""
    votes: Counter = Counter()
    for part in _TAG.split(body):
        if _non_ascii(part) >= _LONG_STRETCH:
            reading = _stretch_reading(part)
            if reading in _CYRILLIC_CANDIDATES:
                votes[reading] += len(part)
    if votes:
        return votes.most_common(1)[0][0]
    ranked = sorted(((_russian_score(body.decode(e, "replace")), e) for e in _CYRILLIC_CANDIDATES),
                    reverse=True)
    (best_score, best), (second, _) = ranked[0], ranked[1]
    return best if best_score >= 0.5 and best_score - second >= _PAGE_MARGIN else None


def _read_stretches(body: bytes, page: str, declared: tuple[str, ...], *,
                    guessed: bool) -> Decoded:
    """The body read in `page`, except long stretches that clearly read in another encoding."""
    parts, others, unreadable = [], set(), 0
    for part in _TAG.split(body):
        encoding = page
        if part.isascii():
            encoding = "ascii"
        elif _non_ascii(part) >= _LONG_STRETCH:
            reading = _stretch_reading(part)
            if reading is None and guessed:
                unreadable += 1  # replaced, not shown as mojibake
                parts.append(part.decode("ascii", errors="replace"))
                continue
            # A declared or page-wide code page gives way only where it reads badly itself.
            if reading == _UTF8 or (reading is not None and _frequency_match(
                    part.decode(page, "replace")) < _STRETCH_MATCH):
                encoding = reading
        elif _is_utf8(part):
            encoding = _UTF8
        if encoding not in ("ascii", page):
            others.add(encoding)
        parts.append(part.decode(encoding, errors="replace"))
    reasons = []
    if guessed:
        reasons.append(f"read as {page} by detection"
                       + (f" (declared {', '.join(declared)})" if declared else ""))
    if others:
        reasons.append(f"stretches in {', '.join(sorted(others))} among {page}")
    if unreadable:
        reasons.append(f"{unreadable} unreadable stretches replaced")
    return Decoded("".join(parts), page, declared, bool(reasons), "; ".join(reasons) or None)


def _unreadable_replaced(body: bytes) -> str:
    """Stretches that are valid UTF-8 as such; every other non-ASCII byte as U+FFFD."""
    return "".join(part.decode(_UTF8 if _is_utf8(part) else "ascii", errors="replace")
                   for part in _TAG.split(body))


def _stretch_reading(part: bytes) -> str | None:
    """UTF-8 when the stretch is valid UTF-8, else the code page it clearly reads as Russian in."""
    if _is_utf8(part):
        return _UTF8
    ranked = sorted(((_frequency_match(part.decode(e, "replace")), e) for e in _CYRILLIC_CANDIDATES),
                    reverse=True)
    (best_score, best), (second, _) = ranked[0], ranked[1]
    if best_score >= _STRETCH_MATCH and best_score - second >= _STRETCH_MARGIN:
        return best
    return None


def _is_utf8(part: bytes) -> bool:
    try:
        part.decode(_UTF8)
    except UnicodeDecodeError:
        return False
    return True


def _non_ascii(part: bytes) -> int:
    return len(part) - len(part.translate(None, _HIGH_BYTES))


def _frequency_match(text: str) -> float:
    """0..1: cosine of the text's Cyrillic letter frequencies with Russian's, case-blind."""
    counts = Counter(c for c in text.lower() if "\u0400" <= c <= "\u04ff")
    norm = math.sqrt(sum(v * v for v in counts.values()))
    if not norm:
        return 0.0
    dot = sum(v * _RUSSIAN_FREQUENCIES.get(c, 0.0) for c, v in counts.items())
    return dot / (norm * _FREQUENCY_NORM)


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
