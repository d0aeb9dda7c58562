"""Claim frames from a statement's words: subject, predicate class, object, polarity, qualifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from detection.lexicon import Lexicon, Predicate
from detection.mentions import Entity, Mention, ancestors, root_of
from detection.text import fold

AFFIRM = "affirm"
DENY = "deny"

# "in/at/toward Shusha", "в Шуше", "по Шуше": a capitalised place after a locative preposition.
_PLACE = re.compile(
    r"(?:\b(?:in|at|on|toward|towards|near|over|into)\s+|(?<!\w)(?:в|во|на|по|под|у)\s+)"
    r"([A-ZА-ЯЁ][\w'-]+(?:\s+[A-ZА-ЯЁ][\w'-]+)?)"
)


@dataclass(frozen=True)
class ClaimFrame:
    subject: str
    predicate: str
    object: str
    polarity: str
    quantity: int | None = None
    place: str | None = None

    @property
    def proposition(self) -> str:
        return proposition_key(self.subject, self.predicate, self.object)

    def as_dict(self) -> dict:
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object,
                "polarity": self.polarity, "quantity": self.quantity, "place": self.place}


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


def extract_claims(content: str, offset: int, mentions: list[Mention], lexicon: Lexicon,
                   context: Context) -> list[ClaimFrame]:
    """Claim frames for the statement text `content` (which starts at `offset` in the article)."""
    folded = fold(content)
    if context.hedged or (lexicon.hedges is not None and lexicon.hedges.search(folded)):
        return []
    inside = [m for m in mentions if offset <= m.start and m.end <= offset + len(content)]
    weapons = [m for m in inside if m.kind == "weapon"]
    if not weapons:
        return []
    hits = _predicate_hits(folded, lexicon)
    if not hits:
        return []
    speaker_chain = set(ancestors(context.speaker_id, context.entities)) if context.speaker_id else set()
    frames: list[ClaimFrame] = []
    for predicate, position in hits:
        weapon = min(weapons, key=lambda m: abs(m.start - offset - position))
        # Who found the remains ("its deminers found fragments") is not who fired the weapon.
        subject = _subject(content, offset, position, inside, speaker_chain, lexicon, context,
                           self_reference=predicate.evidence_for is None)
        negated = _negated(folded, position, lexicon)
        polarity = DENY if negated != context.denial_verb else AFFIRM
        # "not a single missile" counts nothing: a denial carries no quantity.
        quantity = None if negated else _quantity(folded, weapon.start - offset, lexicon)
        place = _place(content, weapon.end - offset)
        if predicate.evidence_for:
            # Evidence (remains found) says the weapon was used, whatever the negation around it.
            if subject:
                frames.append(ClaimFrame(subject, predicate.evidence_for, weapon.entity,
                                         AFFIRM if not negated else DENY, quantity, place))
            continue
        if predicate.intransitive:
            frames.append(ClaimFrame(weapon.entity, predicate.name, weapon.entity, polarity,
                                     quantity, place))
            if predicate.implies and subject:
                frames.append(ClaimFrame(subject, predicate.implies, weapon.entity, AFFIRM,
                                         quantity, place))
            continue
        if subject:
            frames.append(ClaimFrame(subject, predicate.name, weapon.entity, polarity, quantity,
                                     place))
    return _unique(frames)


def _predicate_hits(folded: str, lexicon: Lexicon) -> list[tuple[Predicate, int]]:
    strong: list[tuple[Predicate, int]] = []
    weak: list[tuple[Predicate, int]] = []
    for predicate in lexicon.predicates:
        match = predicate.pattern.search(folded)
        if match:
            (weak if predicate.weak else strong).append((predicate, match.start()))
    return sorted(strong or weak, key=lambda hit: hit[1])


def _clause_start(folded: str, position: int, lexicon: Lexicon) -> int:
    start = 0
    if lexicon.clause_breaks is not None:
        for match in lexicon.clause_breaks.finditer(folded, 0, position):
            start = match.end()
    return start


def _negated(folded: str, position: int, lexicon: Lexicon) -> bool:
    """A negation cue between the start of the predicate's clause and the predicate."""
    if lexicon.negations is None:
        return False
    start = _clause_start(folded, position, lexicon)
    # "ни один X ... не применялся" and "not a single X was used": the cue opens the clause,
    # so a negation right at the clause start counts even if a comma sits inside the quote.
    return lexicon.negations.search(folded, start, position) is not None


def _subject(content: str, offset: int, position: int, inside: list[Mention],
             speaker_chain: set[str], lexicon: Lexicon, context: Context,
             self_reference: bool = True) -> str | None:
    # An actor named in the statement is its subject, even the speaker's own side ("our
    # forces", "Armenian forces" from an Armenian official); only the speaker is left out.
    actors = [m for m in inside if m.kind == "actor" and m.entity != context.speaker_id]
    if actors:
        return root_of(_agent(content, offset, position, actors).entity, context.entities)
    folded = fold(content)
    if self_reference and context.speaker_id and lexicon.first_person is not None \
            and lexicon.first_person.search(folded):
        return root_of(context.speaker_id, context.entities)
    for mention in reversed(context.preceding_actors):
        if mention.entity not in speaker_chain:
            return root_of(mention.entity, context.entities)
    return None


# "was used by Armenia": the actor after a passive "by" is the agent wherever it stands.
_PASSIVE_BY = re.compile(r"(?<!\w)by\s+(?:the\s+)?$", re.IGNORECASE)


def _agent(content: str, offset: int, position: int, actors: list[Mention]) -> Mention:
    """The actor doing the predicate: a passive agent, else the nearest actor before the
    predicate ("Iran supplied drones to Russia"), else the nearest after it."""
    for mention in actors:
        if _PASSIVE_BY.search(content[max(0, mention.start - offset - 12) : mention.start - offset]):
            return mention
    before = [m for m in actors if m.start - offset < position]
    if before:
        return max(before, key=lambda m: m.start)
    return min(actors, key=lambda m: m.start)


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


def _place(content: str, after: int) -> str | None:
    match = _PLACE.search(content, after)
    return match.group(1) if match else None


def _unique(frames: list[ClaimFrame]) -> list[ClaimFrame]:
    seen: dict[str, ClaimFrame] = {}
    for frame in frames:
        seen.setdefault(frame.proposition, frame)
    return list(seen.values())
