"""Bytes to text for HTML: HTTP header charset, then <meta>, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_HEADER_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.IGNORECASE)


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(body: bytes, content_type: str = "") -> str:
    """Decode an HTML body the way browsers mostly do, never failing on bad bytes."""
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body[:4096])
    for candidate in (header.group(1) if header else None,
                      meta.group(1).decode("ascii", "ignore") if meta else None):
        encoding = _known(candidate)
        if encoding is None:
            continue
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            continue  # a wrong declaration: fall through to detection
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(body).best()
        if best is not None:
            return str(best)
        return body.decode("utf-8", errors="replace")
