"""Weapon anaphora: words of a statement that stand for a weapon named before them in the same
paragraph ("the missiles", "they", "эти ракеты", "их"), and the mention each one stands for."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import islice

from detection.lexicon import AnaphoraCues, Lexicon
from detection.mentions import Entity, Mention, mentions_between
from detection.text import fold

PLURAL = "plural"
SINGULAR = "singular"
ANY_KIND = "any"


@dataclass(frozen=True)
class Anaphor:
    """Words that stand for a weapon; offsets are relative to the text they were found in."""

    start: int
    end: int
    kind: str | None  # a generic noun's kind of weapon ("missile"); None for a pronoun
    number: str | None  # a pronoun's number
    subject: bool  # may stand before its verb as the subject ("they were fired")
    object: bool  # may be the verb's object ("fired them", "их сбили")
    pronoun: bool
    # A noun with no determiner (a language without articles): it refers back only as the
    # topic, before its verb ("но ракеты не взорвались"); after the verb it is a new one.
    bare: bool = False


# What may stand between a weapon's name and the generic noun that heads it: quotes, a
# hyphen, brackets, and one word after the name ("Kinzhal hypersonic missiles", "ракеты
# «Искандер»"): such a noun is part of the name, not a word standing for it.
_NAME_THEN_NOUN = re.compile(r"[\s\"'()-]*(?:[\w-]+\s+)?$")
_NOUN_THEN_NAME = re.compile(r"[\s\"'()-]*$")
_SKIP = re.compile(r"[\s\"'()-]*")
_WORD = re.compile(r"[\w'-]+")
_LAST_WORD = re.compile(r"([\w'-]+)[\s\"'()-]*$")
_DIGITS = re.compile(r"\d+")


def find_anaphors(folded: str, lexicon: Lexicon, names: list[tuple[int, int]]) -> list[Anaphor]:
    """The words in `folded` (a statement, folded) that may stand for a weapon named before;
    `names` are the (start, end) of the weapon names in it."""
    cues = lexicon.anaphora
    if cues is None:
        return []
    found: list[Anaphor] = []
    for match in cues.pattern.finditer(folded):
        start, end = match.start(), match.end()
        if _attached(folded, start, end, names, lexicon):
            continue
        if match.lastgroup == "pro":
            pronoun = cues.pronouns.get(match.group())
            if pronoun is None or _person(folded, end, lexicon) or _possessive(folded, end, cues):
                continue
            found.append(Anaphor(start, end, None, pronoun.number, pronoun.subject,
                                 pronoun.object, pronoun=True))
            continue
        kind, bare_allowed = cues.noun_groups[match.lastgroup]
        before = _LAST_WORD.search(folded, max(0, start - 40), start)
        previous = before.group(1) if before else ""
        if previous in cues.determiners:
            # The determiner is part of the words shown: "these missiles", "эти ракеты".
            found.append(Anaphor(before.start(1), end, kind, None, True, True, pronoun=False))
        elif bare_allowed and not _counted_or_qualified(previous, lexicon, cues):
            found.append(Anaphor(start, end, kind, None, True, True, pronoun=False, bare=True))
    return found


def _attached(folded: str, start: int, end: int, names: list[tuple[int, int]],
              lexicon: Lexicon) -> bool:
    for name_start, name_end in names:
        if name_end <= start and start - name_end <= 40 and _NAME_THEN_NOUN.match(
                folded, name_end, start) and not _breaks(folded, name_end, start, lexicon):
            return True
        if name_start >= end and name_start - end <= 5 and _NOUN_THEN_NAME.match(
                folded, end, name_start):
            return True
    return False


def _breaks(folded: str, start: int, end: int, lexicon: Lexicon) -> bool:
    """Whether a clause break ("and", "и", a comma) stands between `start` and `end`."""
    return lexicon.clause_breaks is not None and lexicon.clause_breaks.search(
        folded, start, end) is not None


def _person(folded: str, end: int, lexicon: Lexicon) -> bool:
    """"they said", "они также заявили": a pronoun that speaks is a person, not a weapon."""
    if lexicon.speech_verbs is None:
        return False
    for word in islice(_WORD.finditer(folded, end), 2):
        if lexicon.speech_verbs.match(folded, word.start()):
            return True
    return False


def _possessive(folded: str, end: int, cues: AnaphoraCues) -> bool:
    """"их ракеты", "their missiles": a pronoun before a generic noun is its possessor."""
    skip = _SKIP.match(folded, end)
    position = skip.end() if skip else end
    return cues.noun_pattern is not None and cues.noun_pattern.match(folded, position) is not None


def _word_before(folded: str, start: int) -> str:
    match = _LAST_WORD.search(folded, max(0, start - 40), start)
    return match.group(1) if match else ""


def _counted_or_qualified(word: str, lexicon: Lexicon, cues: AnaphoraCues) -> bool:
    """A number or an adjective before a bare noun makes it a new one ("четыре украинских
    беспилотника")."""
    if not word:
        return False
    if _DIGITS.fullmatch(word) or word in lexicon.numbers or word in cues.singular_markers:
        return True
    return any(word.endswith(e) and len(word) > len(e) + 1 for e in cues.adjective_endings)


class Antecedents:
    """The weapons named in one article, for the anaphors of its statements to stand for."""

    def __init__(self, folded_text: str, mentions: list[Mention], entities: dict[str, Entity],
                 lexicon: Lexicon):
        self.folded, self.entities, self.lexicon = folded_text, entities, lexicon
        self.weapons = [m for m in mentions if m.kind == "weapon"]
        self._starts = [m.start for m in self.weapons]
        self._kinds: dict[int, str | None] = {}
        self._entity_kinds: dict[str, str | None] = {}

    def any_between(self, start: int, end: int) -> bool:
        """Whether a weapon is named in [start, end)."""
        index = bisect_left(self._starts, start)
        return index < len(self.weapons) and self.weapons[index].end <= end

    def find(self, anaphor: Anaphor, at: int, paragraph_start: int) -> Mention | None:
        """The last weapon named before `at` in the paragraph that the anaphor agrees with:
        never one from an earlier paragraph, save for a noun of a weapon class ("the
        carrier"), which may stand for a weapon of that class in the paragraph before."""
        for mention in reversed(mentions_between(self.weapons, paragraph_start, at)):
            if self._agrees(anaphor, mention):
                return mention
        if anaphor.kind in self.lexicon.classes:
            start = self.previous_paragraph(paragraph_start)
            for mention in reversed(mentions_between(self.weapons, start, paragraph_start)):
                # Only a weapon the watchlist puts in that class ("the carrier": a ship).
                entity = self.entities.get(mention.entity)
                if entity is not None and entity.weapon_class == anaphor.kind:
                    return mention
        return None

    def previous_paragraph(self, paragraph_start: int) -> int:
        """Where the paragraph with words before the one starting at `paragraph_start` starts."""
        end = paragraph_start - 1
        while end > 0 and not self.folded[self.folded.rfind("\n", 0, end) + 1 : end].strip():
            end = self.folded.rfind("\n", 0, end)
        return self.folded.rfind("\n", 0, max(end, 0)) + 1

    def _agrees(self, anaphor: Anaphor, mention: Mention) -> bool:
        if anaphor.kind is not None and anaphor.kind != ANY_KIND:
            kind = self.kind_of(mention)
            if kind is not None and kind != ANY_KIND and kind != anaphor.kind:
                return False
        if anaphor.number is not None:
            number = self.number_of(mention)
            if number is not None and number != anaphor.number:
                return False
        return True

    def kind_of(self, mention: Mention) -> str | None:
        """The kind the text gives this weapon: the noun by its name here, else by another
        mention of it, else its watchlist context words."""
        if mention.start not in self._kinds:
            self._kinds[mention.start] = self._attached_noun(mention)[0]
        kind = self._kinds[mention.start]
        if kind is not None:
            return kind
        if mention.entity not in self._entity_kinds:
            self._entity_kinds[mention.entity] = self._entity_kind(mention.entity)
        return self._entity_kinds[mention.entity]

    def _entity_kind(self, entity_id: str) -> str | None:
        for other in self.weapons:
            if other.entity == entity_id:
                kind = self._attached_noun(other)[0]
                if kind is not None:
                    return kind
        cues = self.lexicon.anaphora
        entity = self.entities.get(entity_id)
        if cues is None or cues.noun_pattern is None or entity is None:
            return None
        for word in entity.context:
            match = cues.noun_pattern.fullmatch(fold(word))
            if match and match.lastgroup:
                return cues.noun_groups[match.lastgroup][0]
        return None

    def _attached_noun(self, mention: Mention) -> tuple[str | None, str]:
        """(kind, noun) of the generic noun that heads the weapon's name, if any."""
        cues = self.lexicon.anaphora
        if cues is None or cues.noun_pattern is None:
            return None, ""
        # The noun right before the name ("ракеты «Калибр»"), else right after it or after
        # one more word ("Kinzhal hypersonic missiles"), never across "and", "и", a comma.
        before = _LAST_WORD.search(self.folded, max(0, mention.start - 30), mention.start)
        if before:
            match = cues.noun_pattern.fullmatch(before.group(1))
            if match and match.lastgroup:
                return cues.noun_groups[match.lastgroup][0], match.group()
        position = _SKIP.match(self.folded, mention.end).end()
        for _ in range(2):
            match = cues.noun_pattern.match(self.folded, position)
            if match and match.lastgroup:
                if _breaks(self.folded, mention.end, position, self.lexicon):
                    break
                return cues.noun_groups[match.lastgroup][0], match.group()
            word = _WORD.match(self.folded, position)
            if word is None:
                break
            position = _SKIP.match(self.folded, word.end()).end()
        return None, ""

    def number_of(self, mention: Mention) -> str | None:
        """Plural or singular when the text says so cheaply: a number or "a" before the name,
        an English noun after it, a plural ending on it; else None (either)."""
        cues = self.lexicon.anaphora
        previous = _word_before(self.folded, mention.start)
        if _DIGITS.fullmatch(previous):
            return PLURAL if int(previous) > 1 else SINGULAR
        if previous in self.lexicon.numbers:
            return PLURAL if self.lexicon.numbers[previous] > 1 else SINGULAR
        if cues is not None and previous in cues.singular_markers:
            return SINGULAR
        noun = self._attached_noun(mention)[1]
        if noun and noun.isascii():
            return PLURAL if noun.endswith("s") else SINGULAR
        surface = self.folded[mention.start : mention.end]
        name = self.entities[mention.entity].name.casefold() \
            if mention.entity in self.entities else ""
        if surface.endswith(_PLURAL_ENDINGS) and not name.endswith(_PLURAL_ENDINGS):
            return PLURAL
        return None


# Plural endings of a weapon's name as written: Iskanders, İsgəndərlər, Искандеры, Իսկանդերներ.
_PLURAL_ENDINGS = ("s", "lar", "lər", "ları", "ləri", "ы", "ов", "ами", "ах", "ներ", "ները")
