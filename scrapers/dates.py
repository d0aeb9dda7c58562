"""Publication dates from metadata and visible text (English, Russian, Azerbaijani, Armenian), as UTC.

Written dates are read with our own month tables first (day-first, as in the region's
press: "2 марта 2021 г. в 14:05", "12 mart 2021", "2021-ci il 12 mart", "12 մարտի 2021",
"March 2, 2021"); dateparser, limited to the same languages, takes what they miss. A date
without a zone is read in the source's timezone (UTC unless configured).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone, tzinfo
from email.utils import parsedate_to_datetime

import dateparser

LANGUAGES = ["en", "ru", "az", "hy"]
_SETTINGS = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first",
             "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past"}

# Month-name stems by language: a word starting with a stem names that month. Stems are long
# enough to tell June from July and March from May in every language listed.
_MONTH_STEMS = {
    1: ["jan", "январ", "янв", "yanvar", "հունվ"],
    2: ["feb", "феврал", "фев", "fevral", "փետր"],
    3: ["mar", "март", "мар", "mart", "մարտ"],
    4: ["apr", "апрел", "апр", "aprel", "ապր"],
    5: ["may", "мая", "май", "մայ"],
    6: ["jun", "июн", "iyun", "հունիս"],
    7: ["jul", "июл", "iyul", "հուլ"],
    8: ["aug", "август", "авг", "avqust", "օգոստ"],
    9: ["sep", "сентябр", "сен", "sentyabr", "սեպտ"],
    10: ["oct", "октябр", "окт", "oktyabr", "հոկտ"],
    11: ["nov", "ноябр", "ноя", "noyabr", "նոյ"],
    12: ["dec", "декабр", "дек", "dekabr", "դեկտ"],
}
_STEMS = sorted(((stem, month) for month, stems in _MONTH_STEMS.items() for stem in stems),
                key=lambda pair: -len(pair[0]))
_WORD = r"([^\W\d_]{3,12})\.?"
_DAY = r"(\d{1,2})(?:-?(?:ci|cı|cu|cü|st|nd|rd|th|ое|го))?"
_YEAR = r"((?:19|20)\d{2})"
_WRITTEN = [
    # 2 марта 2021 · 12 mart 2021 · 12 մարտի 2021 · 2 March 2021
    (re.compile(_DAY + r"\s+" + _WORD + r",?\s+" + _YEAR, re.IGNORECASE), ("d", "m", "y")),
    # March 2, 2021 · Մարտ 12, 2021
    (re.compile(_WORD + r"\s+" + _DAY + r",?\s+" + _YEAR, re.IGNORECASE), ("m", "d", "y")),
    # 2021-ci il 12 mart · 2021 թ. մարտի 12
    (re.compile(_YEAR + r"(?:-?c[iı]\s+il(?:in)?|\s*թ\.?)?,?\s+" + _DAY + r"\s+" + _WORD,
                re.IGNORECASE), ("y", "d", "m")),
    (re.compile(_YEAR + r"\s*թ\.?,?\s+" + _WORD + r"\s+" + _DAY, re.IGNORECASE), ("y", "m", "d")),
]
# 02.03.2021 and 02/03/2021 are day-first in this region's press.
_RFC2822 = re.compile(r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}")
_NUMERIC = re.compile(r"\b(\d{1,2})[./](\d{1,2})[./]" + _YEAR + r"\b")
_TIME = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)


def month_number(word: str) -> int | None:
    word = word.lower()
    for stem, month in _STEMS:
        if word.startswith(stem):
            return month
    return None


def parse_date(value: str | None, languages: list[str] | None = None,
               tz: tzinfo | None = None) -> datetime | None:
    """An aware UTC datetime from ISO 8601 or a written date in en/ru/az/hy, else None."""
    if not value or not value.strip():
        return None
    text = value.strip()[:200]
    zone = tz or timezone.utc
    try:
        parsed: datetime | None = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = _rfc2822(text) or _written(text)
        if parsed is None and len(text) <= 100:
            parsed = dateparser.parse(text, languages=languages or LANGUAGES, settings=_SETTINGS)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed.astimezone(timezone.utc)


def _rfc2822(text: str) -> datetime | None:
    # Feeds and HTTP headers: "Tue, 02 Mar 2021 09:00:00 +0300", whose offset must be kept.
    if not _RFC2822.match(text):
        return None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def find_date(text: str, tz: tzinfo | None = None) -> datetime | None:
    """The first written date (with its time, when given) in a snippet of visible text."""
    parsed = _written(text[:300])
    if parsed is None:
        return None
    return parsed.replace(tzinfo=tz or timezone.utc).astimezone(timezone.utc)


def _written(text: str) -> datetime | None:
    found = _written_day(text)
    if found is None:
        return None
    day, start, end = found
    # The time after the date ("2 марта 2021, 14:05"), else just before it ("14:05, 2 марта").
    time = _TIME.search(text, end, end + 40) or _TIME.search(text, max(0, start - 20), start)
    if time is None:
        return day
    hour, minute = int(time.group(1)), int(time.group(2))
    second = int(time.group(3) or 0)
    meridiem = (time.group(4) or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    try:
        return day.replace(hour=hour, minute=minute, second=second)
    except ValueError:
        return day


def _written_day(text: str) -> tuple[datetime, int, int] | None:
    candidates: list[tuple[int, datetime, int]] = []
    for pattern, order in _WRITTEN:
        for match in pattern.finditer(text):
            parts = dict(zip(order, match.groups(), strict=True))
            month = month_number(parts["m"])
            if month is None:
                continue
            try:
                found = datetime(int(parts["y"]), month, int(parts["d"]))
            except ValueError:
                continue
            candidates.append((match.start(), found, match.end()))
            break
    for match in _NUMERIC.finditer(text):
        try:
            found = datetime(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        except ValueError:
            continue
        candidates.append((match.start(), found, match.end()))
        break
    if not candidates:
        return None
    start, day, end = min(candidates, key=lambda c: c[0])
    return day, start, end
