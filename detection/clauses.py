"""The words of a statement a claim is read from: predicate words, clause breaks, counts."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from detection.lexicon import Lexicon, Predicate

_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Hit:
    predicate: Predicate
    start: int
    end: int


def predicate_hits(folded: str, lexicon: Lexicon) -> list[Hit]:
    strong: list[Hit] = []
    weak: list[Hit] = []
    if lexicon.predicate_pattern is None:
        return []
    for match in lexicon.predicate_pattern.finditer(folded):
        predicate = lexicon.predicate_groups[match.lastgroup]
        (weak if predicate.weak else strong).append(Hit(predicate, match.start(), match.end()))
    # Most statements hold none of the forms: checks in C before a walk word by word, the
    # first for the letters the forms begin with (none in a statement in English).
    if lexicon.predicate_forms and (lexicon.predicate_form_letters is None or
                                    lexicon.predicate_form_letters.search(folded)) \
            and not lexicon.predicate_forms.keys().isdisjoint(_WORD.findall(folded)):
        found = {hit.start for hit in strong + weak}
        for match in _WORD.finditer(folded):
            predicate = lexicon.predicate_forms.get(match.group())
            if predicate is not None and match.start() not in found:
                (weak if predicate.weak else strong).append(
                    Hit(predicate, match.start(), match.end()))
    # A weak predicate ("has", "had") counts only in a clause no strong one speaks for; a
    # clause is numbered by the breaks that end before it.
    if weak and lexicon.participle_endings:
        weak = [hit for hit in weak if not _auxiliary(folded, hit, lexicon)]
    if weak:
        ends = [end for _, end in clause_breaks(folded, lexicon)]
        strong_clauses = {bisect_right(ends, hit.start) for hit in strong}
        weak = [hit for hit in weak if bisect_right(ends, hit.start) not in strong_clauses]
    if lexicon.irrealis is not None:
        strong = [hit for hit in strong if not _unreal(folded, hit, lexicon)]
        weak = [hit for hit in weak if not _unreal(folded, hit, lexicon)]
    hits = sorted(strong + weak, key=lambda hit: (hit.start, -hit.end))
    # One word, one predicate: "destroyed" is not read twice, longer phrases win.
    kept: list[Hit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


def _auxiliary(folded: str, hit: Hit, lexicon: Lexicon) -> bool:
    """A perfect auxiliary before a participle ("had found", "have shown")."""
    if folded[hit.start : hit.end] not in lexicon.perfect_auxiliaries:
        return False
    following = _WORD.match(folded, hit.end + 1)
    if following is None:
        return False
    word = following.group()
    return word.endswith(tuple(lexicon.participle_endings)) and word not in lexicon.numbers


def clause_breaks(folded: str, lexicon: Lexicon, content: str = "") -> list[tuple[int, int]]:
    """(start, end) of the clause breaks in `folded` ("and", "и", a comma), in order, with
    the ends of sentences inside the statement (a quote of several sentences) when the
    `content` it was folded from is given."""
    breaks = [] if lexicon.clause_breaks is None else [
        (m.start(), m.end()) for m in lexicon.clause_breaks.finditer(folded)]
    if content and _SENTENCE_END.search(content):
        breaks = sorted(breaks + [(m.start(), m.end()) for m in _SENTENCE_END.finditer(content)])
    return breaks


# A full stop inside a statement, before a capital: a new sentence, which a weapon named right
# after it does not join to the one before (unlike "S-400 systems and Iskander complexes").
_SENTENCE_END = re.compile(r"(?<![A-ZА-ЯЁ])[.!?…](?=[\"'»”]*\s+[\"'«“(]*[A-ZА-ЯЁ])")
HARD_BREAKS = frozenset(".!?…")


def _unreal(folded: str, hit: Hit, lexicon: Lexicon) -> bool:
    """"was never ordered to use them", "готова применить": a plan or an order, not a use."""
    before = folded[max(0, hit.start - 25) : hit.start].split()[-1:]
    if not before or (before[0] not in lexicon.irrealis_last_words
                      and not before[0].startswith(lexicon.irrealis_last_prefixes)):
        return False
    assert lexicon.irrealis is not None
    return lexicon.irrealis.search(folded, max(0, hit.start - 40), hit.start) is not None


QUANTITY_REACH = 30
# A number standing alone: the digits of a designator (MiG-23, S-300, Tu-22M3) count nothing.
_NUMBER = re.compile(r"(?<![\w-])(\d{1,4})(?![\w-])")
_SPACES = re.compile(r"\s+")
# "71 of the 103", "12 of their 40", "71 из 103": a part of a whole, the word after the
# part checked by the lexicon.
_PART_OF = re.compile(r"(?<![\w-])(\d{1,4})\s+(\w+)\s+(?:[^\W\d]+\s+)?\d{1,4}(?![\w-])\D*$")
ANAPHOR_QUANTITY_REACH = 12


def count_before(folded: str, weapon_start: int, lexicon: Lexicon,
              reach: int = QUANTITY_REACH) -> int | None:
    """A number in the few words before the weapon: 'two Iskander missiles', 'двух «Искандеров»'."""
    window_start = max(0, weapon_start - reach)
    window = folded[window_start:weapon_start]
    part = _PART_OF.search(window)
    if part is not None and lexicon.partitive is not None and \
            lexicon.partitive.fullmatch(part.group(2)):
        return int(part.group(1))  # "71 of 103 missiles": 71 of them
    digits = _NUMBER.findall(window)
    if digits:
        return int(digits[-1])
    if lexicon.numbers_pattern is not None:
        found = lexicon.numbers_pattern.findall(window)
        if found:
            word = _SPACES.sub(" ", found[-1])
            return lexicon.numbers.get(word)
    return None
