"""Publication dates from metadata and text, stored as UTC."""

from __future__ import annotations

from datetime import datetime, timezone

import dateparser

_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC",
             "PREFER_DAY_OF_MONTH": "first", "DATE_ORDER": "DMY"}


def parse_date(value: str | None, languages: list[str] | None = None) -> datetime | None:
    """An aware UTC datetime from ISO 8601 or a written date in en/ru/az/hy, else None."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = dateparser.parse(text[:100], languages=languages, settings=_SETTINGS)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)
