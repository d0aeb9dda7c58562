"""Bounded gzip inflation: a small compressed body never grows past the size cap in memory."""

from __future__ import annotations

import zlib


class InflatesTooFar(ValueError):
    """The gzip data inflates past the allowed size."""


def inflate_gzip(body: bytes, limit: int) -> bytes:
    """The inflated body; raises zlib.error when broken, InflatesTooFar past `limit` bytes."""
    data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, limit + 1)
    if len(data) > limit:
        raise InflatesTooFar(f"inflates past {limit} bytes")
    return data
