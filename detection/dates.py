"""The day a statement was made, when its sentence names it ("on Tuesday", "18 ноября")."""

from __future__ import annotations

import re
from datetime import date, timedelta

from detection.lexicon import Lexicon

_DIGIT = re.compile(r"\d")
_DAY_FIRST = re.compile(r"(?<!\w)(\d{1,2})(?:st|nd|rd|th)?\s+([^\W\d]+)\.?(?:,?\s+(\d{4}))?")
_MONTH_FIRST = re.compile(r"(?<!\w)([^\W\d]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?!\d)(?:,?\s+(\d{4}))?")


def statement_date(folded: str, published_on: date | None, lexicon: Lexicon) -> date | None:
    """The date a sentence gives for what was said, else the article's date; `folded` is the
    sentence passed through `detection.text.fold`."""
    found = _calendar_date(folded, published_on, lexicon)
    if found is not None:
        return found
    if published_on is None:
        return None
    if lexicon.weekdays_pattern is not None:
        match = lexicon.weekdays_pattern.search(folded)
        if match:
            weekday = lexicon.weekdays[re.sub(r"\s+", " ", match.group(0))]
            # The most recent such day up to the article's date: news reports the past.
            return published_on - timedelta(days=(published_on.weekday() - weekday) % 7)
    if lexicon.relative_days_pattern is not None:
        match = lexicon.relative_days_pattern.search(folded)
        if match:
            return published_on + timedelta(days=lexicon.relative_days[
                re.sub(r"\s+", " ", match.group(0))])
    return published_on


_YEAR = re.compile(r"(?<!\w)(?:in|since|в|с)\s+((?:19|20)\d{2})(?:\s+(?:году|года))?(?!\w)")


def time_phrase(content: str, folded: str, lexicon: Lexicon) -> str | None:
    """The words of a statement that say when (a claim's time qualifier): "on Tuesday",
    "18 ноября", "during the war", "in 2020", as written; None when it says nothing."""
    spans: list[tuple[int, int]] = []
    for pattern in (lexicon.weekdays_pattern, lexicon.relative_days_pattern,
                    lexicon.time_phrases):
        if pattern is not None and (match := pattern.search(folded)):
            spans.append(match.span())
    if lexicon.months and _DIGIT.search(folded):
        for pattern, month_group in ((_DAY_FIRST, 2), (_MONTH_FIRST, 1)):
            for match in pattern.finditer(folded):
                if match.group(month_group) in lexicon.months:
                    spans.append(match.span())
                    break
    if (match := _YEAR.search(folded)) is not None:
        spans.append(match.span())
    if not spans:
        return None
    start, end = min(spans)
    return content[start:end]


def _calendar_date(folded: str, published_on: date | None, lexicon: Lexicon) -> date | None:
    if not lexicon.months or not _DIGIT.search(folded):
        return None
    for pattern, day_group, month_group in ((_DAY_FIRST, 1, 2), (_MONTH_FIRST, 2, 1)):
        for match in pattern.finditer(folded):
            month = lexicon.months.get(match.group(month_group))
            if month is None:
                continue
            day = int(match.group(day_group))
            year = int(match.group(3)) if match.group(3) else (
                published_on.year if published_on else None)
            if year is None:
                continue
            try:
                found = date(year, month, day)
            except ValueError:
                continue
            if not match.group(3) and published_on is not None and found > published_on:
                found = found.replace(year=found.year - 1)  # "on 28 December" in a January article
            return found
    return None
