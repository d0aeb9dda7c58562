"""Dates in statements: the day one was made ("on Tuesday", "18 ноября") and the days a claim
says something happened ("before 10 November", "в октябре 2020 года")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from detection.lexicon import Lexicon

_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
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
            weekday = lexicon.weekdays[_SPACES.sub(" ", match.group(0))]
            # The most recent such day up to the article's date: news reports the past.
            return published_on - timedelta(days=(published_on.weekday() - weekday) % 7)
    if lexicon.relative_days_pattern is not None:
        match = lexicon.relative_days_pattern.search(folded)
        if match:
            return published_on + timedelta(days=lexicon.relative_days[
                _SPACES.sub(" ", match.group(0))])
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
    # Dates and years need a digit: most statements have none to look for.
    digits = _DIGIT.search(folded) is not None
    if lexicon.months and digits:
        for pattern, month_group in ((_DAY_FIRST, 2), (_MONTH_FIRST, 1)):
            for match in pattern.finditer(folded):
                if match.group(month_group) in lexicon.months:
                    spans.append(match.span())
                    break
    if digits and (match := _YEAR.search(folded)) is not None:
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


@dataclass(frozen=True)
class Period:
    """When a claim says something happened: the days it covers (an open side is None) and
    where its words stand in the folded statement."""

    first: date | None
    last: date | None
    start: int
    end: int


@dataclass(frozen=True)
class _Anchor:
    """A calendar expression: the first and last day it covers, and its span."""

    first: date
    last: date
    start: int
    end: int
    is_range: bool = False  # "1-5 October": "с 1 по 5 октября" is the range, not "since"
    year_given: bool = True  # False when the year was taken from the article's date


_ISO = re.compile(r"(?<![\w.-])(\d{4})-(\d{2})-(\d{2})(?![\w-])")
_DOTTED = re.compile(r"(?<![\w.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\w.]|\.\d)")
_MONTH_YEAR = re.compile(r"(?<!\w)([^\W\d]+)\.?(?:\s+(\d{4}))?(?!\w)")
_BARE_YEAR = re.compile(r"(?<!\w)((?:19|20)\d{2})(?!\w)")
# What may follow a year: "в 2020 году", "9 ноября 2020 года", "2020 г.".
_YEAR_WORD = re.compile(r"\s+(?:году|года|год|г\.?)(?!\w)")


def claim_period(folded: str, published_on: date | None, lexicon: Lexicon) -> Period | None:
    """The first time expression in a folded statement that names days: a date, a month or a
    year after a preposition, a weekday or "yesterday" (resolved against the article's date), a
    range, or one of these after before/after/since/until ("до 10 ноября"). Words with no
    calendar ("during the war") give None; so does a date with no year in an undated article."""
    anchors = _anchors(folded, published_on, lexicon)
    for index, anchor in enumerate(anchors):
        period = _relate(folded, anchor, anchors[index + 1 : index + 2], lexicon)
        if period is not None:
            return period
    return None


def _relate(folded: str, anchor: _Anchor, following: list[_Anchor],
            lexicon: Lexicon) -> Period | None:
    """The anchor read with the relation word before it, and the range it may open."""
    relation, start = _relation_before(folded, anchor.start, lexicon)
    if relation is None:
        # A full date is a time by itself; a month or a year needs a preposition, so "May"
        # the verb and "2020" a count are not read as times.
        return Period(anchor.first, anchor.last, start, anchor.end) \
            if anchor.first == anchor.last or anchor.is_range else None
    if relation in ("since", "between") and anchor.is_range:
        return Period(anchor.first, anchor.last, start, anchor.end)
    if relation in ("since", "between") and following:
        other = following[0]
        connector = folded[anchor.end : other.start].strip()
        if lexicon.range_words is not None and lexicon.range_words.fullmatch(connector):
            first = anchor.first
            if not anchor.year_given and other.year_given:
                # "from 27 September to 10 November 2020": the year written once is both ends'.
                first = _day(other.first.year, first.month, first.day) or first
                if first > other.first:
                    first = _day(first.year - 1, first.month, first.day) or first
            return Period(first, other.last, start, other.end)
    if relation == "before":
        return Period(None, anchor.first - timedelta(days=1), start, anchor.end)
    if relation == "after":
        return Period(anchor.last + timedelta(days=1), None, start, anchor.end)
    if relation == "since":
        return Period(anchor.first, None, start, anchor.end)
    if relation == "until":
        return Period(None, anchor.last, start, anchor.end)
    return Period(anchor.first, anchor.last, start, anchor.end)


def _relation_before(folded: str, position: int, lexicon: Lexicon) -> tuple[str | None, int]:
    """The relation word right before `position` ("before", "после", or "on"/"в" for the
    period itself) and where it starts; (None, position) when there is none."""
    head = folded[:position].rstrip()
    found: tuple[str | None, int] = (None, position)
    for relation, pattern in lexicon.time_relations.items():
        match = pattern.search(head)
        if match is not None and match.start() < found[1]:
            found = relation, match.start()  # the longest: "prior to" over "to"
    return found


def _anchors(folded: str, published_on: date | None, lexicon: Lexicon) -> list[_Anchor]:
    """Calendar expressions in `folded`, leftmost first; where two overlap the longer wins."""
    # Each family of expressions is looked for only where its cue is present: most
    # statements name no date at all.
    digits = _DIGIT.search(folded) is not None
    named_month = lexicon.months_pattern is not None and \
        lexicon.months_pattern.search(folded) is not None
    if not digits and not named_month and published_on is None:
        return []
    found: list[_Anchor] = []

    def add(first: date | None, last: date | None, start: int, end: int,
            is_range: bool = False, year_given: bool = True) -> None:
        if first is not None and last is not None:
            tail = _YEAR_WORD.match(folded, end)
            found.append(_Anchor(first, last, start, tail.end() if tail else end, is_range,
                                 year_given))

    months = lexicon.months
    if digits:
        for match in _ISO.finditer(folded):
            day = _day(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            add(day, day, *match.span())
        for match in _DOTTED.finditer(folded):
            day = _day(int(match.group(3)), int(match.group(2)), int(match.group(1)))
            add(day, day, *match.span())
        for match in _BARE_YEAR.finditer(folded):
            year = int(match.group(1))
            add(date(year, 1, 1), date(year, 12, 31), *match.span())
    if digits and named_month:
        for match in _day_range(lexicon).finditer(folded):
            month = months.get(match.group(3))
            if month is not None and int(match.group(1)) < int(match.group(2)):
                first = _dated(match.group(4), month, int(match.group(1)), published_on)
                last = first and _day(first.year, month, int(match.group(2)))
                add(first, last, *match.span(), is_range=True,
                    year_given=bool(match.group(4)))
        for pattern, day_group, month_group in ((_DAY_FIRST, 1, 2), (_MONTH_FIRST, 2, 1)):
            for match in pattern.finditer(folded):
                month = months.get(match.group(month_group))
                if month is not None:
                    day = _dated(match.group(3), month, int(match.group(day_group)), published_on)
                    add(day, day, *match.span(), year_given=bool(match.group(3)))
    if named_month and lexicon.months_pattern is not None:
        for cue in lexicon.months_pattern.finditer(folded):
            match = _MONTH_YEAR.match(folded, cue.start())
            month = months.get(match.group(1)) if match else None
            if match is None or month is None:
                continue
            first = _dated(match.group(2), month, 1, published_on)
            if first is not None:
                add(first, _month_end(first), *match.span(), year_given=bool(match.group(2)))
    if published_on is not None:
        for pattern, table in ((lexicon.weekdays_pattern, lexicon.weekdays),
                               (lexicon.relative_days_pattern, lexicon.relative_days)):
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                key = _SPACES.sub(" ", match.group(0))
                if table is lexicon.weekdays:
                    day = published_on - timedelta(days=(published_on.weekday() - table[key]) % 7)
                else:
                    day = published_on + timedelta(days=table[key])
                add(day, day, *match.span())
    found.sort(key=lambda a: (a.start, -a.end))
    kept: list[_Anchor] = []
    for anchor in found:
        if not kept or anchor.start >= kept[-1].end:
            kept.append(anchor)
    return kept


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _dated(year: str | None, month: int, day: int, published_on: date | None) -> date | None:
    """A day from a written or implied year: without one, the last such day up to the
    article's date (news reports the past); None when there is no article date either."""
    if year:
        return _day(int(year), month, day)
    if published_on is None:
        return None
    found = _day(published_on.year, month, day)
    if found is not None and found > published_on:
        found = _day(published_on.year - 1, month, day)
    return found


def _month_end(first: date) -> date:
    following = first.replace(day=28) + timedelta(days=4)
    return following - timedelta(days=following.day)


@cache
def _day_range_pattern(connectors: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(\d{{1,2}})\s*(?:{connectors})\s*(\d{{1,2}})\s+([^\W\d]+)\.?"
                      r"(?:,?\s+(\d{4}))?")


def _day_range(lexicon: Lexicon) -> re.Pattern[str]:
    """ "1-5 October", "between 1 and 5 October", "с 1 по 5 октября": two days of one month."""
    words = lexicon.range_words.pattern if lexicon.range_words is not None else "-"
    return _day_range_pattern(words)
