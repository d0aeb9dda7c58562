"""Claim frames from a statement's words: subject, predicate class, object, polarity, qualifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from detection.anaphora import Anaphor, Antecedents, find_anaphors
from detection.clauses import (
    ANAPHOR_QUANTITY_REACH,
    HARD_BREAKS,
    QUANTITY_REACH,
    Hit,
    clause_breaks,
    count_before,
    predicate_hits,
)
from detection.lexicon import Lexicon, Predicate
from detection.mentions import ADJECTIVE, Entity, Mention, ancestors, mentions_between, root_of
from detection.places import ArticlePlaces, Gazetteer, default_gazetteer
from detection.qualifiers import Qualifiers
from detection.text import fold_aligned

AFFIRM = "affirm"
DENY = "deny"
# The kind of a span for a noun that names a class of weapon ("jets", "самолётов").
CLASS = "class"
# The subject of a claim that names no agent: "not a single Iskander was used", "никто не
# применял". Denied, it denies the event for every agent (detection.conflicts).
ANYONE = "anyone"

@dataclass(frozen=True)
class Words:
    """Words of the article a frame was read from, as written, with their offsets."""

    surface: str
    start: int
    end: int

    def as_dict(self) -> dict:
        return {"surface": self.surface, "start": self.start, "end": self.end}


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
    # Where the object comes from: the weapon's name in the article, and, when the statement
    # only refers to it ("they were fired", "эти ракеты"), the words that refer to it. Not
    # part of what the claim says: two frames that differ only here are the same claim.
    object_mention: Words | None = field(default=None, compare=False)
    anaphor: Words | None = field(default=None, compare=False)
    # For a claim about a class read from a named weapon of it ("one Su-25 and one Tu-22"
    # lost): that weapon. Counts of different weapons add up for the class.
    counted_from: str | None = field(default=None, compare=False)

    @property
    def proposition(self) -> str:
        return proposition_key(self.subject, self.predicate, self.object)

    def as_dict(self) -> dict:
        return {"subject": self.subject, "predicate": self.predicate, "object": self.object,
                "polarity": self.polarity, "quantity": self.quantity, "place": self.place,
                "time": self.time, "place_id": self.place_id, "place_scope": self.place_scope,
                "time_start": self.time_start.isoformat() if self.time_start else None,
                "time_end": self.time_end.isoformat() if self.time_end else None,
                "time_scope": self.time_scope,
                "object_mention": self.object_mention.as_dict() if self.object_mention else None,
                "anaphor": self.anaphor.as_dict() if self.anaphor else None}


def proposition_key(subject: str, predicate: str, obj: str) -> str:
    """The canonical proposition: 'armenia use iskander'; intransitive ones name the weapon twice
    only once ('iskander explode')."""
    if subject == obj:
        return f"{subject} {predicate}"
    return f"{subject} {predicate} {obj}"


# Not frozen: one is built for every statement, and nothing changes it after.
@dataclass
class Context:
    """What claim extraction needs to know beyond the statement's own words."""

    entities: dict[str, Entity]
    speaker_id: str | None
    denial_verb: bool
    # Actor mentions before the statement in its paragraph and the one before, nearest last.
    preceding_actors: list[Mention]
    # The sentence refuses or hedges ("declined to say whether ..."): no polarity to read.
    hedged: bool = False
    # What the statement says is a report it calls false ("called reports that ... nonsense").
    called_false: bool = False
    # The article's weapons, for words that refer to one named before ("the missiles"), and
    # where the statement's paragraph starts: nothing refers across paragraphs.
    antecedents: Antecedents | None = None
    paragraph_start: int = 0
    # For the claim's qualifiers: the article's date ("on 9 November" of which year) and
    # the places to resolve ("at Shusha"); the bundled gazetteer when None.
    published_on: date | None = None
    places: Gazetteer | None = None
    # The gazetteer already matched over the whole article; it stands in for `places`.
    article_places: ArticlePlaces | None = None


def extract_claims(content: str, offset: int, mentions: list[Mention], lexicon: Lexicon,
                   context: Context, folded: str | None = None) -> list[ClaimFrame]:
    """Claim frames for the statement text `content` (which starts at `offset` in the article);
    `folded` is `fold_aligned(content)` when the caller has it already."""
    folded = folded if folded is not None and len(folded) == len(content) else fold_aligned(content)
    if context.hedged:
        return []
    inside = [_Span(m, m.start - offset, m.end - offset)
              for m in mentions_between(mentions, offset, offset + len(content))]
    weapons = [m for m in inside if m.mention.kind == "weapon"]
    antecedents = context.antecedents
    classes = _class_spans(folded, inside, lexicon)
    # Without a weapon named in the paragraph so far (or the one before, for words like "the
    # carrier"), nothing can be about one.
    if not weapons and not classes and (antecedents is None or not antecedents.any_between(
            antecedents.previous_paragraph(context.paragraph_start),
            offset + len(content))):
        return []
    hits = _unhedged(predicate_hits(folded, lexicon), folded, content, lexicon)
    if not hits:
        return []
    if classes:
        inside = sorted(inside + classes, key=lambda span: span.start)
    breaks = clause_breaks(folded, lexicon, content)
    article = context.article_places
    gazetteer = article.gazetteer if article is not None else context.places or default_gazetteer()
    qualifiers = Qualifiers(content, folded, lexicon, gazetteer, context.published_on, article,
                            offset)
    frames, complete = _read(_Reader(content, folded, inside, lexicon, context, hits, offset,
                                     qualifiers, breaks))
    # Words that refer to a weapon named before are looked for only when a predicate found
    # no weapon named in the statement (most claims name theirs: the search would be wasted).
    if not complete and antecedents is not None:
        referring = _referring(folded, offset, weapons, lexicon, context)
        if referring:
            # "the missiles" that stand for a weapon named before are that weapon, no class.
            inside = [span for span in inside if span.mention.kind != CLASS or not any(
                r.start < span.end and span.start < r.end for r in referring)]
            inside = sorted(inside + referring, key=lambda span: span.start)
            frames, _ = _read(_Reader(content, folded, inside, lexicon, context, hits, offset,
                                      qualifiers, breaks))
    when = qualifiers.time() if frames else None
    return _unique([when.apply(f) for f in frames] if when else frames)


def _unhedged(hits: list[Hit], folded: str, content: str, lexicon: Lexicon) -> list[Hit]:
    """The predicates outside a hedged part of the statement: a hedge ("may have", "не
    исключается") holds for the sentence or the semicolon clause it is in, not for the rest
    ("very sure chlorine was used; sarin is not ruled out")."""
    if not hits or lexicon.hedges is None or lexicon.hedges.search(folded) is None:
        return hits
    ends = [0, *sorted(e for s, e in clause_breaks(folded, lexicon, content)
                       if folded[s] in HARD_BREAKS or folded[s] == ";"), len(folded)]
    hedged = [(a, b) for a, b in zip(ends, ends[1:], strict=False)
              if lexicon.hedges.search(folded, a, b) is not None]
    return [hit for hit in hits if not any(a <= hit.start < b for a, b in hedged)]


def _read(reader: _Reader) -> tuple[list[ClaimFrame], bool]:
    """The frames of every predicate, and whether each predicate found its weapon."""
    frames: list[ClaimFrame] = []
    taken: set[int] = set()
    complete = True
    for index, hit in enumerate(reader.hits):
        objects = reader.objects_of(index, taken)
        complete = complete and bool(objects)
        for weapon in objects:
            where = reader.qualifiers.place_after(weapon.end) if reader.qualifiers else None
            frames += [where.apply(f) if where else f for f in reader.frames_for(hit, weapon)]
    return frames, complete


# _Span and Hit are built by the hundred per article and never changed; not frozen, as a
# frozen dataclass's __init__ costs three times as much.
@dataclass(slots=True)
class _Span:
    """A mention with offsets relative to the statement text; for words that refer to a
    weapon named before, the offsets are the words' and the mention is the weapon's name."""

    mention: Mention
    start: int
    end: int
    anaphor: Anaphor | None = None


def _referring(folded: str, offset: int, weapons: list[_Span], lexicon: Lexicon,
               context: Context) -> list[_Span]:
    """Spans for the words that stand for a weapon named before them in the paragraph."""
    antecedents = context.antecedents
    assert antecedents is not None
    spans = []
    for anaphor in find_anaphors(folded, lexicon, [(w.start, w.end) for w in weapons]):
        mention = antecedents.find(anaphor, offset + anaphor.start, context.paragraph_start)
        if mention is not None:
            spans.append(_Span(mention, anaphor.start, anaphor.end, anaphor))
    return spans


def _class_spans(folded: str, inside: list[_Span], lexicon: Lexicon) -> list[_Span]:
    """Spans for the nouns that name a class of weapon, save those inside a mention or right
    after a weapon's name ("Iskander missiles" is the Iskander)."""
    if lexicon.class_nouns is None:
        return []
    spans = []
    for match in lexicon.class_nouns.finditer(folded):
        start, end = match.span()
        # "Iskander missiles", "ракеты Storm Shadow", "беспилотников «Шахед»": the weapon's.
        if any(m.start < end and start < m.end or m.mention.kind == "weapon" and (
                (m.end <= start and len(folded[m.end : start].split()) <= 1)
                or (m.start >= end and not folded[end : m.start].strip(" \"'«»“”„")))
               for m in inside):
            continue
        noun = Mention(lexicon.class_groups[match.lastgroup], CLASS, folded[start:end], start, end)
        spans.append(_Span(noun, start, end))
    return spans


_WORD = re.compile(r"\w+")
# Words between a noun predicate and the Russian agent after it: "применения «Искандеров»
# армянской армией".
_NOMINAL_AFTER_GAP = 3
# Words between an event's weapon and "took place": "Iskander strike on the airfield".
_EVENT_GAP = 5
# A weapon this few words before a predicate is what the predicate is about even when an
# earlier predicate took it as its object: "three Bayraktar drones launched by Ukraine".
_ATTACHED_WORDS = 3
# At most this many words between a word that stands for a weapon and the verb after it:
# "they were never fired", "их не применяли".
_ANAPHOR_GAP = 3
# Between two weapons of one list: "S-400 systems and", "«Искандер», «Точка-У» и".
_COORDINATED = re.compile(r"^[^.;:]{0,25}?(?:,|\band\b|\bor\b|(?<!\w)и(?!\w)|(?<!\w)или(?!\w))[^.;:]{0,20}$")


class _Reader:
    """Reads one statement: clauses, each predicate's weapons, subject and polarity."""

    def __init__(self, content: str, folded: str, inside: list[_Span], lexicon: Lexicon,
                 context: Context, hits: list[Hit], offset: int = 0,
                 qualifiers: Qualifiers | None = None,
                 breaks: list[tuple[int, int]] | None = None):
        self.content, self.folded, self.lexicon, self.context = content, folded, lexicon, context
        self.inside, self.hits, self.offset = inside, hits, offset
        self.qualifiers = qualifiers
        self.weapons = [m for m in inside if m.mention.kind in ("weapon", CLASS)]
        self.named = [w for w in self.weapons if w.anaphor is None]
        self._owners: dict[int, str | None] = {}
        self.referring = [(w.start, w.end) for w in self.weapons if w.anaphor is not None]
        # State adjectives the watchlist does not list ("сирийские самолёты") name who
        # acted, never an owner: they stay out of `_find_owner`.
        self.actors = [m for m in inside if m.mention.kind in ("actor", ADJECTIVE)]
        # Found once per statement by the caller: every reader of it has the same.
        self.breaks = breaks if breaks is not None else clause_breaks(folded, lexicon)
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
                if self.folded[b_start] not in HARD_BREAKS and (any(
                        w.start >= b_end and len(self.folded[b_end : w.start].split()) <= 1
                        for w in self.named) or self._includes(b_end)):
                    continue
                end = b_start
                break
        return start, end

    def _includes(self, position: int) -> bool:
        """A list goes on after the break: "twelve drones, including five Shaheds", "в том
        числе"."""
        pattern = self.lexicon.inclusion_markers
        if pattern is None:
            return False
        while position < len(self.folded) and self.folded[position].isspace():
            position += 1
        return pattern.match(self.folded, position) is not None

    def objects_of(self, index: int, taken: set[int]) -> list[_Span]:
        hit = self.hits[index]
        start, end = self.clause(hit.start)
        following = self.hits[index + 1].start if index + 1 < len(self.hits) else len(self.folded)
        limit = min(end, following)
        after: list[_Span] = []
        for weapon in (w for w in self.weapons if hit.end <= w.start < limit):
            if not self.may_be_object(hit, weapon):
                continue
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
            if self._relative_object(weapon, hit):
                return True  # "the remains of two Iskanders which Armenia fired"
            if weapon.start in taken:
                return False
            return weapon.start >= start or not any(
                weapon.end <= h.start < hit.start for h in self.hits)

        before = [w for w in self.weapons
                  if w.end <= hit.start and can_take(w) and self.may_be_object(hit, w)]
        if before and self._instrument(hit, before[-1], limit):
            return []
        return [before[-1]] if before else []

    def _relative_object(self, weapon: _Span, hit: Hit) -> bool:
        """A weapon that a relative clause's verb is about: "X which A fired", "X, которые
        A выпустили": a relative pronoun right after it, and at most a subject between."""
        pattern = self.lexicon.relative_openers
        if pattern is None:
            return False
        # The weapon's own noun may come first: "Iskander missiles which".
        words = _WORD.findall(self.folded, weapon.end, hit.start)
        return 0 < len(words) <= 5 and any(pattern.fullmatch(w) for w in words[:2]) \
            and not any(weapon.end <= h.start < hit.start for h in self.hits)

    def _instrument(self, hit: Hit, weapon: _Span, limit: int) -> bool:
        """A weapon before an active verb that has an object of its own is what acted: "its
        Pantsir systems downed eight drones" says nothing of Pantsirs downed."""
        if weapon.anaphor is not None:
            return False
        gap = self.folded[weapon.end : hit.start].split()
        if self._passive(hit, gap):
            return False
        return any(c.mention.kind == CLASS and hit.end <= c.start < limit for c in self.weapons)

    def may_be_object(self, hit: Hit, weapon: _Span) -> bool:
        """Whether words that stand for a weapon are what the predicate is about: after it as
        its object; before it as the subject of a passive or intransitive verb ("they were
        fired", "the missiles failed"), or an object pronoun put first ("их не применяли").
        Before an active verb they name what acted ("the systems shot down eight drones"),
        which is the claim's weapon only for verbs like "fired" (`weapon_subject`)."""
        if hit.predicate.event is not None:
            return self._event_of(hit, weapon)
        if weapon.mention.kind == CLASS:
            # A class noun is what a loss is about only with its owner ("Georgian jets"); what
            # was used or supplied ("chemical weapons") needs none. After the verb, or before
            # a passive or a negative one ("our jets are intact", "были применены").
            if self.is_loss(hit.predicate):
                if self.loser(hit, weapon) is None:
                    return False
            elif weapon.mention.entity not in self.lexicon.claimed_classes and \
                    not self.negated(hit, weapon):
                # "sent no aircraft" covers every aircraft; "sent aircraft" says little.
                return False
            if hit.predicate.evidence_for or hit.predicate.intransitive:
                return False
            if weapon.start >= hit.end:
                return True
            gap = self.folded[weapon.end : hit.start].split()
            return len(gap) <= _ANAPHOR_GAP and (hit.predicate.negative or
                                                 self._passive(hit, gap)
                                                 or self._negated_noun(weapon))
        anaphor = weapon.anaphor
        if anaphor is None:
            return True
        if weapon.start >= hit.end:
            return anaphor.object and not anaphor.bare
        if weapon.start < self.clause(hit.start)[0]:
            return False
        gap = self.folded[weapon.end : hit.start].split()
        if len(gap) > _ANAPHOR_GAP:
            return False
        if not anaphor.subject:
            return self._only_negations(weapon.end, hit.start)
        if hit.predicate.intransitive or self._passive(hit, gap):
            return True
        # "the launchers had fired": a weapon that fired was used; "they fired" are people.
        return hit.predicate.weapon_subject and not anaphor.pronoun

    def _only_negations(self, start: int, end: int) -> bool:
        """Nothing but negations between: "их не применяли", "их ни разу не применяли"."""
        gap = self.folded[start:end]
        for pattern in (self.lexicon.negative_concord, self.lexicon.negations):
            if pattern is not None:
                gap = pattern.sub(" ", gap)
        return not gap.strip()

    def _passive(self, hit: Hit, gap: list[str]) -> bool:
        cues = self.lexicon.anaphora
        if cues is None:
            return False
        if any(word in cues.passive_auxiliaries for word in gap):
            return True
        verb = self.folded[hit.start : hit.end].split()
        if verb and cues.passive_endings and verb[0].endswith(cues.passive_endings):
            return True
        following = self.folded[hit.end : hit.end + 20].split()[:1]
        return bool(following) and following[0] in cues.agent_markers

    def agent(self, hit: Hit) -> str | None:
        """The actor after "by" that follows the predicate ("launched by Russia")."""
        # The agent needs a "by": most statements have none to look for.
        if self.folded.find("by", hit.end) < 0:
            return None
        agent = _AGENT.match(self.folded, hit.end)
        if agent:
            at = agent.end()
            for actor in self.actors:
                if actor.start == at:
                    return root_of(actor.mention.entity, self.context.entities)
        return None

    def _negated_noun(self, weapon: _Span) -> bool:
        """A class noun put first with its negation ("Никаких химических боеприпасов ... не
        применяли", "No chemical weapons did they use"): the object of the verb after it."""
        before = self.folded[max(0, weapon.start - 20) : weapon.start].split()[-1:]
        if not before:
            return False
        word = before[0]
        return any(p is not None and p.fullmatch(word) is not None
                   for p in (self.lexicon.negative_concord, self.lexicon.negations))

    def _event_of(self, hit: Hit, weapon: _Span) -> bool:
        """Whether an existence predicate ("took place", "не было") is about the weapon: an
        event noun next to it ("chemical attack", "Iskander launches", "пусков «Искандеров»"),
        right before the predicate or after it ("there were no Iskander strikes")."""
        if weapon.anaphor is not None or (weapon.mention.kind == CLASS and
                                          weapon.mention.entity not in self.lexicon.claimed_classes):
            return False
        if weapon.end <= hit.start and len(_WORD.findall(self.folded, weapon.end,
                                                          hit.start)) > _EVENT_GAP:
            return False
        pattern = self.lexicon.event_nouns
        if pattern is None:
            return False
        near = self.folded[max(0, weapon.start - 25) : weapon.end + 25]
        return pattern.search(near) is not None or pattern.search(
            self.folded, weapon.start, weapon.end) is not None

    def _called_false(self, hit: Hit) -> bool:
        """Whether the predicate is what a report says and the statement calls the report
        false: "called reports that Russia fired them nonsense", "назвал вымыслом сообщения
        о том, что ..."; a denial verb has said so already."""
        lexicon = self.lexicon
        if self.context.denial_verb or lexicon.reported is None or lexicon.false_verdicts is None:
            return False
        if self.context.called_false:
            return True
        reports = [m for m in lexicon.reported.finditer(self.folded, 0, hit.start)]
        if not reports:
            return False
        report = reports[-1]
        return any(not report.end() <= m.start() < hit.start
                   for m in lexicon.false_verdicts.finditer(self.folded))

    def _relative(self, hit: Hit) -> bool:
        """Whether the predicate opens a relative clause: "the systems that shot down"."""
        pattern = self.lexicon.relative_openers
        if pattern is None:
            return False
        before = self.folded[max(0, hit.start - 30) : hit.start].split()[-2:]
        if before and pattern.fullmatch(before[-1]):
            return True
        # "which had shot down", "that were fired": an auxiliary between.
        cues = self.lexicon.anaphora
        return len(before) == 2 and pattern.fullmatch(before[0]) is not None and (
            before[1] in self.lexicon.perfect_auxiliaries
            or (cues is not None and before[1] in cues.passive_auxiliaries))

    def is_loss(self, predicate: Predicate) -> bool:
        """Whether the predicate says its object was lost: "lost", or "shot down" (which
        names the loser by the object's owner)."""
        return predicate.owner_loses is not None or predicate.name in self.lexicon.loss_classes

    def loser(self, hit: Hit, weapon: _Span, polarity: str = AFFIRM) -> str | None:
        """Who lost the weapon: its owner; for "lost" itself, else its subject ("мы потеряли
        четыре самолёта")."""
        owner = self.owner(weapon)
        if owner is None and hit.predicate.owner_loses is None:
            return self.subject(hit, polarity)
        return owner

    def owner(self, weapon: _Span) -> str | None:
        """Whose the weapon is: the actor right before it ("Russian aircraft", "Georgia's
        jets"), the speaker's side after "our", or the actor right after it ("самолётов
        Грузии", "jets of the Georgian air force"); never its maker ("Russian-made")."""
        if weapon.start not in self._owners:
            self._owners[weapon.start] = self._find_owner(weapon)
        return self._owners[weapon.start]

    def _find_owner(self, weapon: _Span) -> str | None:
        entities, folded, lexicon = self.context.entities, self.folded, self.lexicon
        before = [a for a in self.actors if a.end <= weapon.start and a.mention.kind == "actor"]
        if before:
            actor = before[-1]
            gap = folded[actor.end : weapon.start]
            if len(gap.split()) <= 2 and not _PUNCTUATION.search(gap) and not any(
                    actor.end <= h.start < weapon.start for h in self.hits):
                made = lexicon.maker_marks is not None and \
                    lexicon.maker_marks.match(folded, actor.end) is not None
                return None if made else root_of(actor.mention.entity, entities)
        if lexicon.own_possessives is not None and self.context.speaker_id:
            near = folded[max(0, weapon.start - 30) : weapon.start]
            last = " ".join(near.split()[-3:])
            if lexicon.own_possessives.search(last):
                return root_of(self.context.speaker_id, entities)
        after = next((a for a in self.actors
                      if a.start >= weapon.end and a.mention.kind == "actor"), None)
        if after is not None and _OWNER_AFTER.fullmatch(folded[weapon.end : after.start]):
            return root_of(after.mention.entity, entities)
        return None

    def frames_for(self, hit: Hit, weapon: _Span) -> list[ClaimFrame]:
        predicate = hit.predicate
        negated = self.negated(hit, weapon)
        polarity = DENY if negated else AFFIRM
        # "not a single missile" counts nothing: a denial carries no quantity. Words standing
        # for a weapon count only what stands right before them ("36 of them").
        reach = ANAPHOR_QUANTITY_REACH if weapon.anaphor else QUANTITY_REACH
        quantity = None if negated else count_before(self.folded, weapon.start, self.lexicon, reach)
        entity = weapon.mention.entity
        words = self.sources(weapon)
        if predicate.event is not None:
            agent = self.agent(hit)
            return [ClaimFrame(agent or ANYONE, predicate.event, entity, polarity, quantity,
                               **words)]
        if self.is_loss(predicate):
            losses = self.losses(hit, weapon, polarity, quantity, words)
            if weapon.mention.kind == CLASS or predicate.owner_loses is None:
                return losses
        else:
            losses = []
        subject = self.subject(hit, polarity)
        if predicate.evidence_for:
            # Remains found say the weapon was used; who found them is not who fired it.
            return [ClaimFrame(subject, predicate.evidence_for, entity, polarity, quantity,
                               **words)] if subject else []
        if predicate.intransitive:
            frames = [ClaimFrame(entity, predicate.name, entity, polarity, quantity, **words)]
            if predicate.implies and subject:
                frames.append(ClaimFrame(subject, predicate.implies, entity, AFFIRM, quantity,
                                         **words))
            return frames
        name = self.struck(predicate, weapon) or predicate.name
        return ([ClaimFrame(subject, name, entity, polarity, quantity, **words)]
                if subject else []) + losses

    def struck(self, predicate: Predicate, weapon: _Span) -> str | None:
        """The strike predicate when a use predicate's weapon is its target: a ship, or a
        weapon right after "at", "по" ("fired missiles at the carrier")."""
        lexicon = self.lexicon
        if lexicon.strike_predicate is None or predicate.name != _USE:
            return None
        entity = self.context.entities.get(weapon.mention.entity)
        if entity is not None and entity.weapon_class in lexicon.target_classes:
            return lexicon.strike_predicate  # "hit the carrier": the Eisenhower named before
        if weapon.anaphor or lexicon.target_prepositions is None:
            return None
        before = self.folded[max(0, weapon.start - 40) : weapon.start].split()
        # "at the U.S. aircraft carrier Eisenhower": a few words of description between.
        return lexicon.strike_predicate if any(
            lexicon.target_prepositions.fullmatch(w) for w in before[-5:]) else None

    def losses(self, hit: Hit, weapon: _Span, polarity: str, quantity: int | None,
               words: dict) -> list[ClaimFrame]:
        """What the weapon's owner lost: the weapon, and the class it belongs to; for a class
        noun, the class. "Lost" names the loser as its subject when the weapon has no owner."""
        predicate = hit.predicate
        owner = self.loser(hit, weapon, polarity)
        if owner is None:
            return []
        loss = predicate.owner_loses or predicate.name
        entity = weapon.mention.entity
        if weapon.mention.kind == CLASS:
            return [ClaimFrame(owner, loss, entity, polarity, quantity, **words)]
        return [ClaimFrame(owner, loss, entity, polarity, quantity, **words),
                *self.of_class(owner, loss, weapon, polarity, quantity, words)]

    def of_class(self, subject: str, predicate: str, weapon: _Span, polarity: str,
                 quantity: int | None, words: dict) -> list[ClaimFrame]:
        """The same claim of the named weapon's class, for an affirmation only: using sarin is
        using a chemical agent, but not using the Tochka is not using no missile."""
        entity = weapon.mention.entity
        kind = self.context.entities[entity].weapon_class \
            if entity in self.context.entities else None
        if not kind or polarity != AFFIRM or weapon.mention.kind == CLASS:
            return []
        return [ClaimFrame(subject, predicate, kind, polarity, quantity, **words,
                           counted_from=entity)]

    def sources(self, weapon: _Span) -> dict[str, Words | None]:
        """The weapon's name the object comes from and, for a reference, the referring words."""
        mention = weapon.mention
        anaphor = None
        if weapon.anaphor is not None:
            anaphor = Words(self.content[weapon.start : weapon.end], self.offset + weapon.start,
                            self.offset + weapon.end)
        return {"object_mention": Words(mention.surface, mention.start, mention.end),
                "anaphor": anaphor}

    def negated(self, hit: Hit, weapon: _Span) -> bool:
        """Negations in the predicate's clause before it, and between it and its object, counted:
        an even number cancels out. Russian negative concord ("ни один ... не") counts once;
        a denial phrase ("it is not true that") and a denial verb turn the result around."""
        lexicon, folded = self.lexicon, self.folded
        start, _ = self.clause(hit.start)
        # "denied that its crews manned the systems that shot down the jets": what a relative
        # clause says of a noun is taken as given, not denied with the rest.
        denied = self.context.denial_verb and not self._relative(hit)
        flips = int(denied) + int(hit.predicate.negative) + int(self._called_false(hit))
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
            if lexicon.negations is not None and not masked:
                plain += len(lexicon.negations.findall(folded, lo, hi))
            elif lexicon.negations is not None:
                plain += sum(1 for m in lexicon.negations.finditer(folded, lo, hi)
                             if not any(a <= m.start() < b for a, b in masked))
            if lexicon.negative_concord is not None:
                concord += len(lexicon.negative_concord.findall(folded, lo, hi))
        # Concord words add nothing to a negation already there: a "не", or a predicate word
        # that is itself negative ("нет ни одного", Azerbaijani "heç bir ... etməyib").
        count = plain if plain else (0 if hit.predicate.negative else min(concord, 1))
        return (count + flips) % 2 == 1

    def subject(self, hit: Hit, polarity: str = AFFIRM) -> str | None:
        """Who did it: the agent after "by", the actor before the predicate in its clause,
        (in Russian) one after it, the speaker's side, or an actor from the sentences before.
        A denial with no agent at all ("not a single X was used", "никто не применял") is
        anyone's."""
        entities, predicate = self.context.entities, hit.predicate
        start, end = self.clause(hit.start)
        actors = [a for a in self.actors if not self._after_preposition(a)]
        agent = self.agent(hit)
        if agent is not None:
            return agent
        if predicate.evidence_for is not None:
            return self._user_by_evidence(polarity)
        before = [a for a in actors if start <= a.start and a.end <= hit.start]
        if self._nobody(start, hit.start):
            return ANYONE
        if self._nominal(hit) and not self.context.denial_verb:
            return self._nominal_agent(hit, before)
        if not before and len(self.folded[start : hit.start].split()) <= 1:
            # "Armenian forces fired X and used Y": the verbs share their subject, when
            # nothing but a negation or an adverb stands between the conjunction and the verb.
            before = self._shared_subject(start, actors)
        if before:
            return root_of(before[-1].mention.entity, entities)
        # Russian word order lets the subject follow its verb ("ударили армянские военные").
        after = [a for a in actors if hit.end <= a.start < end and _is_cyrillic(a.mention.surface)
                 and len(self.folded[hit.end : a.start].split()) <= 1]
        if after:
            return root_of(after[0].mention.entity, entities)
        speaker = self.context.speaker_id
        # "it" that stands for a missile ("it did not explode") is not the speaker's side.
        # A clause joined by "and" shares the subject of the one before ("its forces had
        # scored a precise and direct hit").
        own_from = self._joined_clause_start(start) if not before else start
        own_words = self.lexicon.first_person is not None and any(
            not any(a <= m.start() < b for a, b in self.referring)
            for m in self.lexicon.first_person.finditer(self.folded, own_from, hit.start))
        # "denied supplying ...", "заявили, что выпустили ...": the speaker did it.
        opens = not self.folded[:hit.start].strip(" ,\"'«»“”„")
        if not own_words and predicate.evidence_for is None \
                and not predicate.intransitive and self.agentless(hit):
            # "were not used": nobody used them. "were used": somebody did, and the statement
            # does not say who, unless the words stand for a weapon whose user was named
            # before ("Armenia fired X ... they were fired late"), or the predicate is one the
            # speaker's own side does ("18 drones were shot down", said by the air force).
            if polarity == DENY:
                return ANYONE
            if not (speaker and predicate.speaker_side) and not self._refers_back(start, hit):
                return ANYONE
        if speaker and predicate.evidence_for is None and (
                own_words or opens or predicate.speaker_side):
            return root_of(speaker, entities)
        for mention in reversed(self.context.preceding_actors):
            if mention.entity not in self.speaker_chain:
                return root_of(mention.entity, entities)
        return None

    def _user_by_evidence(self, polarity: str) -> str:
        """Who used a weapon that remains show: the actor the sentences before name, as the
        remains are of what they did ("Armenian forces shelled Ganja ... fragments of two
        Scuds"), never who found them; anyone's when none is named. No trace of a weapon
        found says that nobody used it."""
        if polarity == DENY:
            return ANYONE
        for mention in reversed(self.context.preceding_actors):
            if mention.entity not in self.speaker_chain:
                return root_of(mention.entity, self.context.entities)
        return ANYONE

    def _joined_clause_start(self, start: int) -> int:
        """Where the clause before this one starts, when a conjunction (not a comma) joins
        them; else this clause's start."""
        joined = next(((b_start, b_end) for b_start, b_end in self.breaks if b_end == start), None)
        if joined is None or not self.folded[joined[0] : joined[1]].strip().isalpha():
            return start
        return max((b_end for b_start, b_end in self.breaks if b_end <= joined[0]), default=0)

    def _shared_subject(self, start: int, actors: list[_Span]) -> list[_Span]:
        """The actor before the predicate of the clause this one is coordinated with by a
        conjunction (not a comma): that predicate's subject is this one's too."""
        joined = next(((b_start, b_end) for b_start, b_end in self.breaks if b_end == start), None)
        if joined is None or not self.folded[joined[0] : joined[1]].strip().isalpha():
            return []
        previous = max((b_end for b_start, b_end in self.breaks if b_end <= joined[0]), default=0)
        verbs = [h for h in self.hits if previous <= h.start < joined[0]]
        end = verbs[0].start if verbs else joined[0]
        subjects = [a for a in actors if previous <= a.start and a.end <= end]
        # Without a predicate of ours there ("moved the launchers"), the first actor is it.
        return subjects if verbs else subjects[:1]

    def _nominal(self, hit: Hit) -> bool:
        """A predicate named as a noun: "the use of chlorine", "в применении хлора"."""
        pattern = self.lexicon.nominal_predicates
        return pattern is not None and pattern.match(self.folded, hit.start) is not None

    def _nominal_agent(self, hit: Hit, before: list[_Span]) -> str:
        """Whose use a noun names: the actor right before it, prepositions and articles aside
        ("Russia's use of", "обвинила российскую авиацию в применении"); else nobody in
        particular ("Washington is sure of the use of chlorine" says nothing of Washington
        using it)."""
        if before and all(w in self.lexicon.non_subject_prepositions or w in _DETERMINERS
                          for w in _WORD.findall(self.folded, before[-1].end, hit.start)):
            return root_of(before[-1].mention.entity, self.context.entities)
        # Russian names the agent after the noun, in the instrumental: "применении Арменией
        # «Искандеров»", "применения «Искандеров» армянской армией".
        _, end = self.clause(hit.start)
        after = next((a for a in self.actors if hit.end <= a.start < end), None)
        if after is not None and _is_cyrillic(after.mention.surface) and \
                len(_WORD.findall(self.folded, hit.end, after.start)) <= _NOMINAL_AFTER_GAP:
            return root_of(after.mention.entity, self.context.entities)
        return ANYONE

    def _refers_back(self, start: int, hit: Hit) -> bool:
        """Words in the clause before the predicate that stand for a weapon named earlier;
        not for a target ("по кораблю был нанесён удар": whoever owns the ship did not)."""
        targets = self.lexicon.target_classes
        return any(start <= w.start < hit.start and not self._of_class(w, targets)
                   for w in self.weapons if w.anaphor is not None)

    def _of_class(self, weapon: _Span, classes: frozenset[str]) -> bool:
        entity = self.context.entities.get(weapon.mention.entity)
        return entity is not None and entity.weapon_class in classes

    def agentless(self, hit: Hit) -> bool:
        """A passive predicate with no agent: "were not used", "не применялись"."""
        start, _ = self.clause(hit.start)
        gap = self.folded[max(start, hit.start - 30) : hit.start].split()[-3:]
        return self._passive(hit, gap)

    def _nobody(self, start: int, end: int) -> bool:
        """A universal negative subject in the clause before the predicate: "no one", "никто"."""
        pattern = self.lexicon.nobody
        return pattern is not None and pattern.search(self.folded, start, end) is not None

    def _after_preposition(self, actor: _Span) -> bool:
        words = self.folded[max(0, actor.start - 30) : actor.start].split()
        while words and words[-1] in _DETERMINERS:
            words.pop()
        return bool(words) and words[-1].strip("\"'«„(") in self.lexicon.non_subject_prepositions


# The predicate class a target turns into a strike (lexicon `strike_predicate`).
_USE = "use"
_PUNCTUATION = re.compile(r"[,.;:()\"«»“”]")
# Between a class noun and its owner after it: "самолётов Грузии", "jets of the Georgian".
_OWNER_AFTER = re.compile(r"\s+(?:of\s+(?:the\s+)?)?")
# "launched by", "fired at the town by the": the agent of a passive predicate follows.
_AGENT = re.compile(r"\W*(?:\w+\W+){0,3}?by\s+(?:the\s+)?")
# Skipped when looking for the preposition before a name: "from the United States".
_DETERMINERS = {"the", "a", "an", "its", "their", "his", "her"}


# A denial phrase scopes over what follows only through a complementizer: "it is not true
# that ...", "неправда, будто ..."; "his claims were false and that ..." denies nothing after.
_COMPLEMENTIZER = re.compile(r"\s*,?\s*(?:that|что|будто|как будто|чтобы)(?!\w)")


def denies_what_follows(folded: str, match: re.Match[str]) -> bool:
    """Whether a denial phrase found in `folded` denies the clause after it."""
    return _COMPLEMENTIZER.match(folded, match.end()) is not None


def calls_report_false(lead: str, rest: str, lexicon: Lexicon) -> bool:
    """Whether the sentence before a statement's content names a report ("called reports
    that") and the content calls it false ("... nonsense", "... were false"); both folded."""
    if not lead or lexicon.reported is None or lexicon.false_verdicts is None:
        return False
    return lexicon.reported.search(lead) is not None and \
        lexicon.false_verdicts.search(rest) is not None


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def _unique(frames: list[ClaimFrame]) -> list[ClaimFrame]:
    """One frame per proposition, the first; a class's counts read from different weapons of
    it ("one Su-25 and one Tu-22") add up, unless a class noun gave the count itself."""
    seen: dict[str, ClaimFrame] = {}
    for frame in frames:
        first = seen.setdefault(frame.proposition, frame)
        if first is frame or first.counted_from is None or frame.counted_from is None \
                or first.counted_from == frame.counted_from:
            continue
        total = None if first.quantity is None or frame.quantity is None \
            else first.quantity + frame.quantity
        seen[frame.proposition] = replace(first, quantity=total,
                                          counted_from=f"{first.counted_from}+{frame.counted_from}")
    # "fragments of a Smerch, fired by Armenian forces": that Armenia used it says more than
    # that someone did, and the same statement says both.
    named = {(f.predicate, f.object) for f in seen.values()
             if f.subject != ANYONE and f.polarity == AFFIRM}
    return [f for f in seen.values() if not (f.subject == ANYONE and f.polarity == AFFIRM
                                             and (f.predicate, f.object) in named)]
