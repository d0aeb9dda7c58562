"""A claim's qualifiers: where and when it says something happened, and how exclusively.

A qualifier's scope says how much it claims. None: it happened there or then (perhaps
elsewhere too). ONLY: there or then and nowhere or at no time else ("only in Shusha",
"только 9 ноября", "at Shusha and nowhere else"). NOT: the negation bears on the qualifier, not
on the predicate ("fired, but not at Shusha", "не по Шуше"): it happened, but not there.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date

from detection.dates import claim_period, time_phrase
from detection.lexicon import Lexicon
from detection.mentions import Mention
from detection.places import ArticlePlaces, Gazetteer
from detection.text import fold
from detection.transliteration import place_skeleton

ONLY = "only"
NOT = "not"
_UNREAD = object()  # a value not computed yet, where None is a result

# A capitalised name after a locative preposition, for places the gazetteer does not know:
# kept as written, never compared.
# One word-start check in front of all the prepositions: twice as fast as a check for each
# language (before a letter, \b and (?<!\w) are the same check).
_UNLISTED_PLACE = re.compile(
    r"(?<!\w)(?:in|at|on|toward|towards|near|over|into|в|во|на|по|под|у)\s+"
    r"([A-ZА-ЯЁ][\w'-]+(?:\s+[A-ZА-ЯЁ][\w'-]+)?)"
)
# Words the scope check steps over between a qualifier and its exclusive or negative word.
_TOKEN = re.compile(r"[^\s]+")
_QUOTES = "\"'«»“”„()"
# After a qualifier, an exclusive word counts only where the clause ends ("in Shusha only."),
# so the "only" of "toward Shusha only at the end of the war" stays with what follows it.
_CLAUSE_END = re.compile(r"\s*(?:[,.;:!?)\"»]|$)")


@dataclass(frozen=True)
class Where:
    surface: str  # as written: "Нагорном Карабахе"
    place_id: str | None  # the gazetteer's id, None for a place it does not list
    scope: str | None = None

    def apply(self, frame):
        return replace(frame, place=self.surface, place_id=self.place_id, place_scope=self.scope)


@dataclass(frozen=True)
class When:
    words: str  # as written: "before 10 November", "в ходе войны"
    first: date | None = None  # first and last day covered; None on an open or unknown side
    last: date | None = None
    scope: str | None = None

    def apply(self, frame):
        return replace(frame, time=self.words, time_start=self.first, time_end=self.last,
                       time_scope=self.scope)


class Qualifiers:
    """Reads the qualifiers of one statement; `content` is its text, `folded` the same
    passed through `fold_aligned` (positions agree). With `article`, the gazetteer matched
    over the whole article, the statement's places are read from it (the statement starts at
    `offset` in the article) instead of matching the gazetteer again."""

    def __init__(self, content: str, folded: str, lexicon: Lexicon, gazetteer: Gazetteer,
                 published_on: date | None = None, article: ArticlePlaces | None = None,
                 offset: int = 0):
        self.content, self.folded, self.lexicon = content, folded, lexicon
        self.gazetteer, self.published_on = gazetteer, published_on
        self.article, self.offset = article, offset
        # Each read on first use: a statement whose predicates find no weapon needs none of
        # them. Plain attributes, as functools.cached_property takes a lock at each first read.
        self._negations: list[tuple[int, int]] | None = None
        self._period_read = _UNREAD
        self._located_places: list[tuple[Mention, int]] | None = None

    @property
    def negations(self) -> list[tuple[int, int]]:
        """Spans of the negations that bear on a qualifier ("not at Shusha"): the predicate's
        polarity leaves them out."""
        if self._negations is None:
            spans = [self._scope(start, m.end)[1] for m, start in self._located]
            if self._period is not None:
                spans.append(self._scope(self._period.start, self._period.end)[1])
            self._negations = [span for span in spans if span is not None]
        return self._negations

    @property
    def _period(self):
        if self._period_read is _UNREAD:
            self._period_read = claim_period(self.folded, self.published_on, self.lexicon)
        return self._period_read

    @property
    def _located(self) -> list[tuple[Mention, int]]:
        """Gazetteer places that stand where something happened, each with the position its
        locative words start at ("at" in "at Shusha")."""
        if self._located_places is None:
            self._located_places = self._find_located()
        return self._located_places

    def _find_located(self) -> list[tuple[Mention, int]]:
        located = []
        places = self.gazetteer.find(self.content) if self.article is None else \
            self.article.find(self.offset, self.offset + len(self.content))
        for mention in places:
            start = self._locative_start(mention)
            if start is not None:
                located.append((mention, start))
        return located

    def place_after(self, position: int) -> Where | None:
        """The place of a claim whose weapon ends at `position`: the first located place after
        it, else the first in the statement, else an unlisted name after a preposition."""
        after = [(m, s) for m, s in self._located if m.start >= position]
        chosen = after[0] if after else (self._located[0] if self._located else None)
        if chosen is None:
            return self._unlisted_after(position)
        mention, start = chosen
        return Where(mention.surface, mention.entity, self._scope(start, mention.end)[0])

    def _unlisted_after(self, position: int) -> Where | None:
        """A capitalised name after a preposition that the gazetteer does not list ("in
        Douma"); a month or a day of the week ("on Sunday") is a time, not a place."""
        lexicon = self.lexicon
        for match in _UNLISTED_PLACE.finditer(self.content, position):
            if not _time_word(match.group(1), lexicon):
                return Where(match.group(1), None)
        return None

    def time(self) -> When | None:
        """When the statement says it happened: a period resolved to days where the words
        name a calendar, else the words alone ("during the war")."""
        period = self._period
        if period is not None:
            return When(self.content[period.start : period.end], period.first, period.last,
                        self._scope(period.start, period.end)[0])
        words = time_phrase(self.content, self.folded, self.lexicon)
        return When(words) if words else None

    def _locative_start(self, mention: Mention) -> int | None:
        """Where the preposition before a place starts ("near the town of Shusha"), the place
        itself when a case suffix does the preposition's work (Şuşada), else None."""
        lexicon = self.lexicon
        surface = fold(mention.surface)
        if surface not in self.gazetteer.spellings and any(
                surface.endswith(suffix) for suffix in lexicon.place_suffixes):
            return mention.start
        if lexicon.place_prepositions is None:
            return None
        for token in reversed(list(_TOKEN.finditer(self.folded, 0, mention.start))):
            word = token.group().strip(_QUOTES)
            if lexicon.place_prepositions.fullmatch(word):
                return token.start()
            if not (lexicon.place_nouns is not None and lexicon.place_nouns.fullmatch(word)):
                return None
        return None

    def _scope(self, start: int, end: int) -> tuple[str | None, tuple[int, int] | None]:
        """ONLY, NOT or None for a qualifier whose words span [start, end), and the span of
        the negation that bears on it, if one does."""
        lexicon, folded = self.lexicon, self.folded
        before = list(_TOKEN.finditer(folded, 0, start))[-2:]
        words = [t.group().strip(_QUOTES) for t in before]
        exclusive = bool(words) and lexicon.exclusive_words is not None and \
            lexicon.exclusive_words.fullmatch(words[-1]) is not None
        negation = before[-2 if exclusive else -1] if len(before) > int(exclusive) else None
        if negation is not None and lexicon.negations is not None and \
                lexicon.negations.fullmatch(negation.group().strip(_QUOTES)) is not None:
            # "not only in Shusha" widens the claim rather than narrowing it.
            return (None if exclusive else NOT), negation.span()
        if exclusive or self._exclusive_after(end):
            return ONLY, None
        return None, None

    def _exclusive_after(self, end: int) -> bool:
        lexicon, folded = self.lexicon, self.folded
        rest = folded[end:]
        gap = len(rest) - len(rest.lstrip(" ,"))
        if lexicon.exclusive_tails is not None and lexicon.exclusive_tails.match(folded, end + gap):
            return True
        if lexicon.exclusive_words is not None:
            word = lexicon.exclusive_words.match(folded, end + len(rest) - len(rest.lstrip()))
            return word is not None and _CLAUSE_END.match(folded, word.end()) is not None
        return False


def main_unlisted_place(text: str, lexicon: Lexicon, places: ArticlePlaces,
                        mentions: list[Mention]) -> str | None:
    """The place an article is about when the gazetteer does not list it: the name after a
    preposition ("in Douma", "в Думе") named more often than any other such name, twice at
    least; a watchlist name, a listed place, a month or a weekday is none."""
    found: dict[str, list[str]] = {}
    named = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in named]
    for match in _UNLISTED_PLACE.finditer(text):
        name = match.group(1)
        # The last mention starting before the name's end overlaps it if it ends after the
        # name's start (mentions do not overlap one another).
        last = bisect_left(starts, match.end(1)) - 1
        if _time_word(name, lexicon) or (last >= 0 and named[last].end > match.start(1)):
            continue
        if places.find(match.start(1), match.end(1)):
            continue
        found.setdefault(place_skeleton(fold(name)), []).append(name)
    if not found:
        return None
    ranked = sorted(found.values(), key=len, reverse=True)
    first = ranked[0]
    if len(first) < _MAIN_PLACE_MIN or (len(ranked) > 1 and len(ranked[1]) == len(first)):
        return None
    return first[0]


_MAIN_PLACE_MIN = 2


def _time_word(name: str, lexicon: Lexicon) -> bool:
    """Whether a capitalised name is a month or a day of the week ("on Sunday")."""
    first = fold(name.split()[0])
    return first in lexicon.months or first in lexicon.weekdays
