"""Claim frames from a statement's words: subject, predicate class, object, polarity, qualifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from detection.lexicon import Lexicon, Predicate
from detection.mentions import Entity, Mention, ancestors, mentions_between, root_of
from detection.places import Gazetteer, default_gazetteer
from detection.qualifiers import Qualifiers
from detection.text import fold_aligned

AFFIRM = "affirm"
DENY = "deny"


@dataclass(frozen=True)
class ClaimFrame:
    subject: str
    predicate: str
    object: str
    polarity: str
    quantity: int | None = None
    place: str | None = None  # where, as written ("Нагорном Карабахе")
    time: str | None = None  # when, as the statement words it ("on Tuesday", "в ходе войны")
    # The place's gazetteer id; the days the time covers (first and last, inclusive, None on an
    # open or unknown side); each qualifier's scope, "only" or "not" (detection.qualifiers).
    place_id: str | None = None
    place_scope: str | None = None
    time_start: date | None = None
    time_end: date | None = None
    time_scope: str | None = None

    @property
    def proposition(self) -> str:
        return proposition_key(self.subject, self.predicate, self.object)

    def as_dict(self) -> dict:
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object,
                "polarity": self.polarity, "quantity": self.quantity, "place": self.place,
                "time": self.time, "place_id": self.place_id, "place_scope": self.place_scope,
                "time_start": self.time_start.isoformat() if self.time_start else None,
                "time_end": self.time_end.isoformat() if self.time_end else None,
                "time_scope": self.time_scope}


def proposition_key(subject: str, predicate: str, obj: str) -> str:
    """The canonical proposition: 'armenia use iskander'; intransitive ones name the weapon twice
    only once ('iskander explode')."""
    if subject == obj:
        return f"{subject} {predicate}"
    return f"{subject} {predicate} {obj}"


@dataclass(frozen=True)
class Context:
    """What claim extraction needs to know beyond the statement's own words."""

    entities: dict[str, Entity]
    speaker_id: str | None
    denial_verb: bool
    # Actor mentions before the statement in its paragraph and the one before, nearest last.
    preceding_actors: list[Mention]
    # The sentence refuses or hedges ("declined to say whether ..."): no polarity to read.
    hedged: bool = False
    # For the claim's qualifiers: the article's date ("on 9 November" of which year) and
    # the places to resolve ("at Shusha"); the bundled gazetteer when None.
    published_on: date | None = None
    places: Gazetteer | None = None


def extract_claims(content: str, offset: int, mentions: list[Mention], lexicon: Lexicon,
                   context: Context, folded: str | None = None) -> list[ClaimFrame]:
    """Claim frames for the statement text `content` (which starts at `offset` in the article);
    `folded` is `fold_aligned(content)` when the caller has it already."""
    folded = folded if folded is not None and len(folded) == len(content) else fold_aligned(content)
    if context.hedged or (lexicon.hedges is not None and lexicon.hedges.search(folded)):
        return []
    inside = [_Span(m, m.start - offset, m.end - offset)
              for m in mentions_between(mentions, offset, offset + len(content))]
    weapons = [m for m in inside if m.mention.kind == "weapon"]
    if not weapons:
        return []
    hits = _predicate_hits(folded, lexicon)
    qualifiers = Qualifiers(content, folded, lexicon, context.places or default_gazetteer(),
                            context.published_on)
    reader = _Reader(content, folded, inside, lexicon, context, hits, qualifiers=qualifiers)
    frames: list[ClaimFrame] = []
    taken: set[int] = set()
    for index, hit in enumerate(hits):
        for weapon in reader.objects_of(index, taken):
            where = qualifiers.place_after(weapon.end)
            frames += [where.apply(f) if where else f for f in reader.frames_for(hit, weapon)]
    when = qualifiers.time() if frames else None
    return _unique([when.apply(f) for f in frames] if when else frames)


@dataclass(frozen=True)
class _Span:
    """A mention with offsets relative to the statement text."""

    mention: Mention
    start: int
    end: int


@dataclass(frozen=True)
class _Hit:
    predicate: Predicate
    start: int
    end: int


def _predicate_hits(folded: str, lexicon: Lexicon) -> list[_Hit]:
    strong: list[_Hit] = []
    weak: list[_Hit] = []
    if lexicon.predicate_pattern is None:
        return []
    for match in lexicon.predicate_pattern.finditer(folded):
        predicate = lexicon.predicate_groups[match.lastgroup]
        (weak if predicate.weak else strong).append(_Hit(predicate, match.start(), match.end()))
    if lexicon.predicate_forms:
        found = {hit.start for hit in strong + weak}
        for match in _WORD.finditer(folded):
            predicate = lexicon.predicate_forms.get(match.group())
            if predicate is not None and match.start() not in found:
                (weak if predicate.weak else strong).append(
                    _Hit(predicate, match.start(), match.end()))
    # A weak predicate ("has", "had") counts only in a clause no strong one speaks for.
    breaks = [m.end() for m in lexicon.clause_breaks.finditer(folded)] \
        if lexicon.clause_breaks is not None else []

    def clause_of(position: int) -> int:
        return sum(1 for b in breaks if b <= position)

    strong_clauses = {clause_of(hit.start) for hit in strong}
    weak = [hit for hit in weak if clause_of(hit.start) not in strong_clauses]
    hits = sorted(strong + weak, key=lambda hit: (hit.start, -hit.end))
    # One word, one predicate: "destroyed" is not read twice, longer phrases win.
    kept: list[_Hit] = []
    for hit in hits:
        if not kept or hit.start >= kept[-1].end:
            kept.append(hit)
    return kept


_WORD = re.compile(r"\w+")
# A weapon this few words before a predicate is what the predicate is about even when an
# earlier predicate took it as its object: "three Bayraktar drones launched by Ukraine".
_ATTACHED_WORDS = 3
# Between two weapons of one list: "S-400 systems and", "«Искандер», «Точка-У» и".
_COORDINATED = re.compile(r"^[^.;:]{0,25}?(?:,|\band\b|\bor\b|(?<!\w)и(?!\w)|(?<!\w)или(?!\w))[^.;:]{0,20}$")


class _Reader:
    """Reads one statement: clauses, each predicate's weapons, subject and polarity."""

    def __init__(self, content: str, folded: str, inside: list[_Span], lexicon: Lexicon,
                 context: Context, hits: list[_Hit], qualifiers: Qualifiers | None = None):
        self.content, self.folded, self.lexicon, self.context = content, folded, lexicon, context
        self.qualifiers = qualifiers
        self.inside, self.hits = inside, hits
        self.weapons = [m for m in inside if m.mention.kind == "weapon"]
        self.actors = [m for m in inside if m.mention.kind == "actor"]
        self.breaks = [(m.start(), m.end()) for m in lexicon.clause_breaks.finditer(folded)] \
            if lexicon.clause_breaks is not None else []
        self.speaker_chain = set(ancestors(context.speaker_id, context.entities)) \
            if context.speaker_id else set()

    def clause(self, position: int) -> tuple[int, int]:
        """The clause around `position`; a break followed by a weapon ("S-400 systems and
        Iskander complexes") does not end it."""
        start, end = 0, len(self.folded)
        for b_start, b_end in self.breaks:
            if b_end <= position:
                start = b_end
            elif b_start >= position:
                if any(w.start >= b_end and len(self.folded[b_end : w.start].split()) <= 1
                       for w in self.weapons):
                    continue
                end = b_start
                break
        return start, end

    def objects_of(self, index: int, taken: set[int]) -> list[_Span]:
        hit = self.hits[index]
        start, end = self.clause(hit.start)
        following = self.hits[index + 1].start if index + 1 < len(self.hits) else len(self.folded)
        after: list[_Span] = []
        for weapon in (w for w in self.weapons if hit.end <= w.start < min(end, following)):
            # The first weapon after the predicate, and those listed with it ("S-400 systems
            # and Iskander complexes"), not one further on ("a Patriot launcher ... with a Kinzhal").
            if after and not _COORDINATED.match(self.folded[after[-1].end : weapon.start]):
                break
            after.append(weapon)
        if after:
            taken.update(w.start for w in after)
            return after

        def can_take(weapon: _Span) -> bool:
            if len(self.folded[weapon.end : hit.start].split()) <= _ATTACHED_WORDS:
                return True  # "three Bayraktar drones launched by Ukraine"
            if weapon.start in taken:
                return False
            return weapon.start >= start or not any(
                weapon.end <= h.start < hit.start for h in self.hits)

        before = [w for w in self.weapons if w.end <= hit.start and can_take(w)]
        return [before[-1]] if before else []

    def frames_for(self, hit: _Hit, weapon: _Span) -> list[ClaimFrame]:
        predicate = hit.predicate
        negated = self.negated(hit, weapon)
        polarity = DENY if negated else AFFIRM
        # "not a single missile" counts nothing: a denial carries no quantity.
        quantity = None if negated else _quantity(self.folded, weapon.start, self.lexicon)
        entity = weapon.mention.entity
        subject = self.subject(hit)
        if predicate.evidence_for:
            # Remains found say the weapon was used; who found them is not who fired it.
            return [ClaimFrame(subject, predicate.evidence_for, entity, polarity, quantity)] \
                if subject else []
        if predicate.intransitive:
            frames = [ClaimFrame(entity, predicate.name, entity, polarity, quantity)]
            if predicate.implies and subject:
                frames.append(ClaimFrame(subject, predicate.implies, entity, AFFIRM, quantity))
            return frames
        return [ClaimFrame(subject, predicate.name, entity, polarity, quantity)] \
            if subject else []

    def negated(self, hit: _Hit, weapon: _Span) -> bool:
        """Negations in the predicate's clause before it, and between it and its object, counted:
        an even number cancels out. Russian negative concord ("ни один ... не") counts once;
        a denial phrase ("it is not true that") and a denial verb turn the result around."""
        lexicon, folded = self.lexicon, self.folded
        start, _ = self.clause(hit.start)
        flips = int(self.context.denial_verb) + int(hit.predicate.negative)
        # "fired, but not at Shusha": that "not" is the place's, not the predicate's.
        masked = list(self.qualifiers.negations) if self.qualifiers is not None else []
        if lexicon.denial_phrases is not None:
            for match in lexicon.denial_phrases.finditer(folded, 0, hit.start):
                masked.append((match.start(), match.end()))
                flips += denies_what_follows(folded, match)
        regions = [(start, hit.start)]
        if weapon.start >= hit.end:
            regions.append((hit.end, weapon.start))
        plain = concord = 0
        for lo, hi in regions:
            if lexicon.negations is not None:
                plain += sum(1 for m in lexicon.negations.finditer(folded, lo, hi)
                             if not any(a <= m.start() < b for a, b in masked))
            if lexicon.negative_concord is not None:
                concord += len(lexicon.negative_concord.findall(folded, lo, hi))
        count = plain if plain else min(concord, 1)
        return (count + flips) % 2 == 1

    def subject(self, hit: _Hit) -> str | None:
        """Who did it: the agent after "by", the actor before the predicate in its clause,
        (in Russian) one after it, the speaker's side, or an actor from the sentences before."""
        entities, predicate = self.context.entities, hit.predicate
        start, end = self.clause(hit.start)
        actors = [a for a in self.actors if not self._after_preposition(a)]
        agent = re.match(r"\W*(?:\w+\W+){0,3}?by\s+(?:the\s+)?", self.folded[hit.end:])
        if agent:
            at = hit.end + agent.end()
            for actor in self.actors:
                if actor.start == at:
                    return root_of(actor.mention.entity, entities)
        before = [a for a in actors if start <= a.start and a.end <= hit.start]
        if before:
            return root_of(before[-1].mention.entity, entities)
        # Russian word order lets the subject follow its verb ("ударили армянские военные").
        after = [a for a in actors if hit.end <= a.start < end and _is_cyrillic(a.mention.surface)
                 and len(self.folded[hit.end : a.start].split()) <= 1]
        if after:
            return root_of(after[0].mention.entity, entities)
        speaker = self.context.speaker_id
        own_words = self.lexicon.first_person is not None and self.lexicon.first_person.search(
            self.folded, start, hit.start)
        # "denied supplying ...", "заявили, что выпустили ...": the speaker did it.
        opens = not self.folded[:hit.start].strip(" ,\"'«»“”„")
        if speaker and predicate.evidence_for is None and (
                own_words or opens or predicate.speaker_side):
            return root_of(speaker, entities)
        for mention in reversed(self.context.preceding_actors):
            if mention.entity not in self.speaker_chain:
                return root_of(mention.entity, entities)
        return None

    def _after_preposition(self, actor: _Span) -> bool:
        words = self.folded[max(0, actor.start - 30) : actor.start].split()
        while words and words[-1] in _DETERMINERS:
            words.pop()
        return bool(words) and words[-1].strip("\"'«„(") in self.lexicon.non_subject_prepositions


# Skipped when looking for the preposition before a name: "from the United States".
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her"}


# A denial phrase scopes over what follows only through a complementizer: "it is not true
# that ...", "неправда, будто ..."; "his claims were false and that ..." denies nothing after.
_COMPLEMENTIZER = re.compile(r"\s*,?\s*(?:that|что|будто|как будто|чтобы)(?!\w)")


def denies_what_follows(folded: str, match: re.Match[str]) -> bool:
    """Whether a denial phrase found in `folded` denies the clause after it."""
    return _COMPLEMENTIZER.match(folded, match.end()) is not None


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def _quantity(folded: str, weapon_start: int, lexicon: Lexicon) -> int | None:
    """A number in the few words before the weapon: 'two Iskander missiles', 'двух «Искандеров»'."""
    window_start = max(0, weapon_start - 30)
    window = folded[window_start:weapon_start]
    digits = re.findall(r"\b(\d{1,4})\b", window)
    if digits:
        return int(digits[-1])
    if lexicon.numbers_pattern is not None:
        found = lexicon.numbers_pattern.findall(window)
        if found:
            word = re.sub(r"\s+", " ", found[-1])
            return lexicon.numbers.get(word)
    return None


def _unique(frames: list[ClaimFrame]) -> list[ClaimFrame]:
    seen: dict[str, ClaimFrame] = {}
    for frame in frames:
        seen.setdefault(frame.proposition, frame)
    return list(seen.values())
