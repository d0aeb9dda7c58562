"""Detection: watchlist mentions, attributed statements and claim frames in plain text.

Pure functions of text, watchlist and lexicons: no database, no network, no Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from detection.claims import AFFIRM, DENY, ClaimFrame, proposition_key
from detection.lexicon import Lexicon, default_lexicon
from detection.mentions import (
    Entity,
    Matcher,
    Mention,
    ancestors,
    build_adjective_matcher,
    build_matcher,
    build_role_matcher,
    root_of,
)
from detection.places import Gazetteer, Place, default_gazetteer
from detection.roles import name_words, title_holders
from detection.statements import Speaker, StatementFound, find_statements
from detection.text import normalize

__all__ = [
    "AFFIRM", "DENY", "ClaimFrame", "Detection", "Detector", "Entity", "Gazetteer", "Lexicon",
    "Matcher", "Mention", "Place", "Speaker", "StatementFound", "ancestors", "build_matcher",
    "default_gazetteer", "default_lexicon", "proposition_key", "root_of",
]


@dataclass
class Detection:
    mentions: list[Mention]
    statements: list[StatementFound]

    def as_dict(self) -> dict:
        return {
            "mentions": [{"entity": m.entity, "surface": m.surface, "start": m.start,
                          "end": m.end} for m in self.mentions],
            "statements": [s.as_dict() for s in self.statements],
        }


class Detector:
    """Compiled once per watchlist; `detect` is then a pure function of the text."""

    def __init__(self, watchlist: list, lexicon: Lexicon | None = None):
        self.lexicon = lexicon or default_lexicon()
        self.matcher = build_matcher(watchlist)
        self.adjective_matcher = build_adjective_matcher(watchlist, self.lexicon.demonyms)
        self.role_matcher = build_role_matcher(watchlist)
        self.title_holders = title_holders(self.matcher.entities, self.lexicon)
        self.name_words = name_words(watchlist)

    @property
    def entities(self) -> dict[str, Entity]:
        return self.matcher.entities

    def detect(self, text: str, published_on: date | None = None) -> Detection:
        norm = normalize(text)
        mentions = self.matcher.find(text, self.lexicon, norm=norm)
        roles = self.role_matcher.find(text, norm=norm)
        # State adjectives the watchlist does not list mark who acted in claims ("сирийские
        # самолёты не применяли"); they are not mentions of the state.
        adjectives = []
        if self.adjective_matcher is not None:
            adjectives = [a for a in self.adjective_matcher.find(text, self.lexicon, norm=norm)
                          if not any(m.start < a.end and a.start < m.end for m in mentions)]
        statements = find_statements(text, mentions, self.entities, self.lexicon, published_on,
                                     roles=roles, holders=self.title_holders, norm=norm,
                                     adjectives=adjectives, watch_names=self.name_words)
        return Detection(mentions, statements)
