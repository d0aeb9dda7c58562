"""Statements a document makes: "the report found that ...", "говорится в документе", said
by whoever wrote the document ("a report by the UN mission", "доклад ОЗХО"), or, for "the
report" alone, by the author of the document the article named last."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from detection.lexicon import Lexicon
from detection.mentions import Entity, Mention

# How far from a document's noun its author may be named: "report published last week by the
# UN mission", "доклад Совместного механизма расследования".
_AFTER = 60
_BEFORE = 25
_BREAK = re.compile(r"[.;!?]")
_ATTACHED_WORDS = 1


@dataclass(frozen=True)
class Authored:
    noun_start: int
    noun_end: int
    author: str | None  # the actor who wrote it, None where the text does not say


class Documents:
    """The documents an article names, with their authors where it names them."""

    def __init__(self, folded_text: str, mentions: list[Mention], entities: dict[str, Entity],
                 lexicon: Lexicon):
        self.found: list[Authored] = []
        pattern = lexicon.document_nouns
        if pattern is None:
            return
        actors = sorted((m for m in mentions if entities.get(m.entity) is not None
                         and entities[m.entity].kind == "actor"), key=lambda m: m.start)
        starts = [m.start for m in actors]
        for match in pattern.finditer(folded_text):
            start, end = match.span()
            # The first actor after the noun, looked up, not scanned: a long text may name
            # many documents and many actors.
            index = bisect_left(starts, end)
            after = actors[index] if index < len(actors) else None
            if after is not None and not (
                    after.start <= end + _AFTER and not _BREAK.search(folded_text, end, after.start)
                    and _authors(folded_text[end : after.start], lexicon)):
                after = None
            # "the OPCW report", "the mission's final report": right before it.
            at = bisect_left(starts, start)
            before = actors[at - 1] if at else None
            if before is not None and not (
                    start - _BEFORE <= before.end <= start
                    and not _BREAK.search(folded_text, before.end, start)
                    and len(folded_text[before.end : start].split()) <= _ATTACHED_WORDS):
                before = None
            author = after or before
            self.found.append(Authored(start, end, author.entity if author else None))
        self._starts = [d.noun_start for d in self.found]

    def author_in(self, start: int, end: int) -> str | None:
        """The author of a document named in [start, end): its own, else the one the article
        named last before it."""
        at = bisect_left(self._starts, start)
        inside = [d for d in self.found[at:] if d.noun_start < end]
        if not inside:
            return None
        if inside[0].author is not None:
            return inside[0].author
        return next((d.author for d in reversed(self.found[:at]) if d.author is not None), None)


def _authors(gap: str, lexicon: Lexicon) -> bool:
    """Whether an actor after a document's noun wrote it: attached to it ("доклад ОЗХО") or
    after an author's preposition ("report published by"), not after another ("направленном
    в Совбез", "sent to the council")."""
    words = [w.strip(",()\"'«»") for w in gap.split()]
    if any(w in lexicon.author_markers for w in words):
        prepositions = [w for w in words if w in lexicon.non_subject_prepositions]
        return all(w in lexicon.author_markers for w in prepositions)
    # Without one, right after the noun ("доклад ОЗХО"); a name further on is someone else
    # ("оценил документ постоянный представитель России").
    return len(words) <= _ATTACHED_WORDS
