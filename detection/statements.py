"""Who said what: attributed statements (quotes and reported speech) and their speakers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from operator import attrgetter

from detection.anaphora import Antecedents
from detection.claims import ClaimFrame, Context, calls_report_false, denies_what_follows, extract_claims
from detection.dates import statement_date
from detection.documents import Documents
from detection.interviews import Interview, find_interview
from detection.lexicon import Lexicon
from detection.mentions import Entity, Mention, MentionIndex, ancestors, mentions_between
from detection.names import WrittenNames, is_title
from detection.places import ArticlePlaces, default_gazetteer
from detection.qualifiers import main_unlisted_place
from detection.roles import resolve_description, resolve_title, title_holders
from detection.speakers import (
    TRIM,
    Speaker,
    ending_at,
    first_after,
    own_name,
    phrase_heads,
    speaker_for_verb,
)
from detection.text import Normalized, Sentence, find_quotes, fold, fold_aligned, split_sentences
from detection.transliteration import place_skeleton

_MIN_QUOTE_WORDS = 4
# Without connectors in the lexicon, only punctuation stands between a verb and what was said.
_PUNCTUATION = re.compile(r"^[\s,:;—–-]*")
# Trimmed from both ends of what was said (։ is the Armenian full stop).



@dataclass
class StatementFound:
    speaker: Speaker
    role: str | None
    text: str
    start: int
    end: int
    sentence: str
    said_on: date | None
    claims: list[ClaimFrame] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "speaker": {"id": self.speaker.id, "name": self.speaker.name,
                        "surface": self.speaker.surface},
            "role": self.role, "text": self.text, "start": self.start, "end": self.end,
            "said_on": self.said_on.isoformat() if self.said_on else None,
            "claims": [c.as_dict() for c in self.claims],
        }


def find_statements(text: str, mentions: list[Mention], entities: dict[str, Entity],
                    lexicon: Lexicon, published_on: date | None = None,
                    roles: list[Mention] | None = None,
                    holders: dict | None = None,
                    norm: Normalized | None = None,
                    adjectives: list[Mention] | None = None,
                    watch_names: dict[str, tuple[str, ...]] | None = None
                    ) -> list[StatementFound]:
    """Every attributed statement in `text`, with its speaker and claim frames.

    `roles` are mentions of actors by role ("Armenia's prime minister"): they stand for the
    actor as a speaker, unless the text makes the holder a former one. `norm` is
    `normalize(text)` when the caller has it already. `adjectives` are mentions of actors by
    state adjectives the watchlist does not list: read for claims ("сирийские самолёты не
    применяли"), never as speakers. `watch_names` are the words of each actor's names
    (`roles.name_words`), for a description no earlier name explains ("the Interior
    Ministry said")."""
    statements: list[StatementFound] = []
    last_speaker: dict[int, Speaker] = {}
    # Paragraphs whose last speaker is only a sentence's subject, not someone who spoke.
    remembered: set[int] = set()
    folded_text = fold_aligned(text, norm)
    sidebar_paragraphs = _sidebar_paragraphs(folded_text, lexicon)
    holders = holders if holders is not None else title_holders(entities, lexicon)
    role_mentions = [r for r in roles or [] if not _is_former(text, r, lexicon)]
    antecedents = Antecedents(folded_text, mentions, entities, lexicon)
    places = ArticlePlaces(default_gazetteer(), text, norm)
    index = MentionIndex(mentions)
    adjective_index = MentionIndex(adjectives) if adjectives else None
    names = WrittenNames(text, lexicon)
    # Actors named before the end of the current sentence, grown as the sentences go by:
    # gathering them afresh for each statement read the whole article each time.
    by_start = sorted(mentions, key=lambda m: m.start)
    mentioned: set[str] = set()
    counted = 0
    sentences = _with_own_clauses(split_sentences(text), folded_text, lexicon)
    interview = find_interview(text)
    documents = Documents(folded_text, mentions, entities, lexicon)
    answerers: dict[str | None, Speaker | None] = {}  # an interview's label -> who answers
    if interview is not None:
        # Dashed answers are the interviewee's: the last name the introduction gives.
        introduced = [c for s in sentences if s.paragraph == interview.introduction
                      for c in _speaker_candidates(s, index.between(s.start, s.end), entities,
                                                   _local(role_mentions, s), text, names)]
        answerers[None] = introduced[-1] if introduced else None
    for sentence in sentences:
        while counted < len(by_start) and by_start[counted].start < sentence.end:
            mentioned.add(by_start[counted].entity)
            counted += 1
        if sentence.paragraph in sidebar_paragraphs:
            continue
        folded = folded_text[sentence.start : sentence.end]
        def by_title(before_verb: str, sentence: Sentence = sentence,
                     counted: int = counted) -> Speaker | None:
            # No actor has a role: no title to resolve.
            resolved = resolve_title(before_verb, mentioned, entities, holders, lexicon) \
                if holders else None
            if resolved is None:
                earlier = [m for m in by_start[:counted] if m.end <= sentence.start]
                resolved = resolve_description(before_verb, earlier, entities, lexicon,
                                               watch_names)
            if resolved is None:
                return None
            entity_id, written = resolved
            # Where the words are: an adverb may stand between them and the verb ("also").
            at = before_verb.rfind(written)
            start = sentence.start + (at if at >= 0 else len(before_verb.rstrip()) - len(written))
            return Speaker(entity_id, entities[entity_id].name, written, start,
                           start + len(written))

        # The sentence's own mentions, found once for all that reads the sentence.
        local = index.between(sentence.start, sentence.end)
        local_roles = _local(role_mentions, sentence)
        readers = adjective_index.between(sentence.start, sentence.end) \
            if adjective_index is not None else []
        found = _statement_in(sentence, folded, text, index, local, entities, lexicon,
                              last_speaker, local_roles, by_title, antecedents,
                              published_on=published_on, places=places, names=names,
                              spoken={p: s for p, s in last_speaker.items()
                                      if p not in remembered}, readers=readers)
        clause = _relative_clause(sentence, folded, lexicon)
        second = None if clause is None else _statement_in(
            clause, folded_text[clause.start : clause.end], text, index,
            _local(local, clause), entities, lexicon, {}, _local(local_roles, clause),
            antecedents=antecedents, published_on=published_on, places=places, names=names,
            readers=_local(readers, clause))
        if found is None and second is None and interview is not None and \
                sentence.paragraph in interview.answers:
            found = _answer(sentence, text, interview, answerers, last_speaker,
                            _with(local, readers), entities, lexicon, local_roles, names,
                            antecedents, published_on, places, index)
        if found is None and second is None and documents.found:
            found = _document_statement(sentence, folded, text, documents, _with(local, readers),
                                        entities, lexicon, antecedents, published_on, places,
                                        index)
        if found is None and second is None:
            if _remember_subject(sentence, local, entities, local_roles, last_speaker, text,
                                 names, lexicon):
                remembered.add(sentence.paragraph)
            continue
        for statement in (found, second):
            if statement is None or (statement is second and found is not None
                                     and found.speaker.name == second.speaker.name):
                continue
            statement.said_on = statement_date(folded, published_on, lexicon)
            statements.append(statement)
        last_speaker[sentence.paragraph] = (found or second).speaker
        remembered.discard(sentence.paragraph)
    lede_end = sentences[min(len(sentences), _LEDE_SENTENCES) - 1].end if sentences else 0
    _resolve_surnames(statements, mentions, entities)
    statements = _without_lede_summaries(statements, lede_end, entities)
    lend_article_place(statements, lexicon,
                       lambda: main_unlisted_place(text, lexicon, places, mentions))
    return statements


def lend_article_place(statements: list[StatementFound], lexicon: Lexicon,
                       main_place: Callable[[], str | None]) -> None:
    """Claims that name no place take the one place every placed claim of the article names,
    or, with none placed, the town the article is about (`main_place`): a report on the
    attack "in Douma" whose denials say only "no chemical attack took place" speaks of Douma,
    not of Khan Shaykhun a year before. Two places named lend nothing; nor is a place lent to
    what has none (a supply, a possession)."""
    placeless = {p.name for p in lexicon.predicates if p.placeless}
    unplaced = [c for s in statements for c in s.claims
                if not c.place and c.predicate not in placeless]
    if not unplaced:
        return
    placed = [c for s in statements for c in s.claims
              if c.place and c.place_scope is None and c.predicate not in placeless]
    if placed:
        if len({c.place_id or place_skeleton(fold(c.place)) for c in placed}) != 1:
            return
        place, place_id = placed[0].place, placed[0].place_id
    else:
        place, place_id = main_place(), None
        if place is None:
            return
    for statement in statements:
        statement.claims = [
            replace(c, place=place, place_id=place_id)
            if not c.place and c.predicate not in placeless else c
            for c in statement.claims]


def _with_own_clauses(sentences: list[Sentence], folded_text: str,
                      lexicon: Lexicon) -> list[Sentence]:
    """Sentences, with a clause after a semicolon that has a speech verb of its own read as a
    sentence: "The group insisted it was an Israeli ship; Israel's government said it was
    British-owned" holds two statements. A clause with none goes on with what was said."""
    if lexicon.speech_verbs is None:
        return sentences
    out: list[Sentence] = []
    for sentence in sentences:
        if "; " not in sentence.text:
            out.append(sentence)
            continue
        quotes = find_quotes(sentence.text)
        cuts = [m.start() for m in _SEMICOLON.finditer(sentence.text)
                if not any(s <= m.start() < e for s, e in quotes)]
        # Each clause is searched once, up to the next semicolon: linear in the sentence.
        bounds = [*cuts, len(sentence.text)]
        starts = [0]
        for cut, clause_end in zip(cuts, bounds[1:], strict=False):
            if lexicon.speech_verbs.search(folded_text, sentence.start + cut + 2,
                                           sentence.start + clause_end) is not None:
                starts.append(cut + 2)
        for begin, finish in zip(starts, [*(b - 2 for b in starts[1:]), len(sentence.text)],
                                 strict=False):
            out.append(Sentence(sentence.start + begin, sentence.start + finish,
                                sentence.text[begin:finish], sentence.paragraph))
    return out


_SEMICOLON = re.compile(r"; ")


def _resolve_surnames(statements: list[StatementFound], mentions: list[Mention],
                      entities: dict[str, Entity]) -> None:
    """"Captain Jeff Davis" on the watchlist, then "Davis said": the lone surname is the
    actor the article named in full, not a person off the watchlist."""
    by_surname: dict[str, str] = {}
    for mention in mentions:
        words = mention.surface.split()
        if mention.kind == "actor" and len(words) >= 2 and words[-1][:1].isupper():
            by_surname.setdefault(fold(words[-1]), mention.entity)
    for statement in statements:
        speaker = statement.speaker
        if speaker.id is not None or not by_surname:
            continue
        entity = by_surname.get(fold(speaker.name.split()[-1]))
        if entity is not None:
            statement.speaker = Speaker(entity, entities[entity].name, speaker.surface,
                                        speaker.start, speaker.end)


# The headline and the first sentence: where an article sums up what its body attributes.
_LEDE_SENTENCES = 2


def _without_lede_summaries(statements: list[StatementFound], lede_end: int,
                            entities: dict[str, Entity]) -> list[StatementFound]:
    """"Ukraine rejected Russian accusations" in the lede, then the foreign ministry's
    spokesman quoted in the body: the lede sums up the body's statement under the name of the
    institution the speaker belongs to, and is not a statement of its own."""
    later = {s.speaker.id for s in statements if s.start >= lede_end and s.speaker.id}
    institutions = {a for speaker in later for a in ancestors(speaker, entities)[1:]}
    return [s for s in statements
            if not (s.start < lede_end and s.speaker.id in institutions)]


def _relative_clause(sentence: Sentence, folded: str, lexicon: Lexicon) -> Sentence | None:
    """"The general rejected the findings of Rights Watch, which accused Russia of ...": the
    clause after the sentence's first speech verb, when a relative pronoun right after a
    comma opens a speech verb of its own; the name before the pronoun said it."""
    if lexicon.relative_pronouns is None or lexicon.speech_verbs is None:
        return None
    first = lexicon.speech_verbs.search(folded)
    if first is None:
        return None
    for pronoun in lexicon.relative_pronouns.finditer(folded, first.end()):
        if not folded[: pronoun.start()].rstrip().endswith(","):
            continue
        verb = lexicon.speech_verbs.search(folded, pronoun.end())
        if verb is not None and len(folded[pronoun.end() : verb.start()].split()) <= 2:
            return Sentence(sentence.start + first.end(), sentence.end,
                            sentence.text[first.end() :], sentence.paragraph)
    return None


def _sidebar_paragraphs(folded_text: str, lexicon: Lexicon) -> set[int]:
    """Paragraphs that are related-story links or "read also" boxes, not the article."""
    if lexicon.sidebar_markers is None:
        return set()
    return {index for index, line in enumerate(folded_text.split("\n"))
            if lexicon.sidebar_markers.match(line.strip())}


def _is_former(text: str, role: Mention, lexicon: Lexicon) -> bool:
    """"the former prime minister of Armenia": the role's holder is not the one in office."""
    if lexicon.former_markers is None:
        return False
    before = fold(text[max(0, role.start - 25) : role.start])
    words = before.replace("-", " - ").split()[-2:]
    return any(lexicon.former_markers.fullmatch(w) for w in words)


def _remember_subject(sentence: Sentence, local: list[Mention], entities: dict[str, Entity],
                      local_roles: list[Mention], last_speaker: dict[int, Speaker],
                      text: str, names: WrittenNames, lexicon: Lexicon) -> bool:
    """A person who opens a sentence without speaking ("Zelensky met reporters.") is whom a
    following "he said" refers to, when nobody has spoken yet in the paragraph; `local` and
    `local_roles` are the sentence's mentions."""
    if sentence.paragraph in last_speaker:
        return False
    candidates = _speaker_candidates(sentence, local, entities, local_roles, text, names)
    # Only the sentence's opening words are its subject; a name further on may be an object.
    if candidates and candidates[0].start - sentence.start <= 4:
        last_speaker[sentence.paragraph] = candidates[0]
        return True
    # Titles and the names in them may come first: "Президент России Владимир Путин" is Putin.
    titled = [c for c in candidates if _only_titles_and_names(
        sentence.text[: c.start - sentence.start], lexicon)]
    if titled:
        last_speaker[sentence.paragraph] = titled[-1]
        return True
    # "At his briefing in Moscow, General Ivanov, deputy chief of staff, was asked ...": the
    # name opening the main clause after an introductory phrase is its subject.
    for candidate in candidates:
        before = sentence.text[: candidate.start - sentence.start]
        if _opens_clause_after_introduction(before, lexicon):
            last_speaker[sentence.paragraph] = candidate
            return True
        if before.rstrip().endswith(","):
            break
    return False


def _only_titles_and_names(before: str, lexicon: Lexicon) -> bool:
    """Whether the words before a name are titles and capitalised words only ("Defense
    Secretary", "Пресс-секретарь президента России"): the name is the sentence's subject."""
    words = before.split()
    return bool(words) and len(words) <= _TITLE_WORDS and all(
        is_title(w.strip("'’s"), lexicon) or w[:1].isupper() for w in words)


_TITLE_WORDS = 6


def _opens_clause_after_introduction(before: str, lexicon: Lexicon) -> bool:
    """Whether the words before a name are one introductory phrase and its comma ("At his
    briefing in Moscow, [Colonel]"), so that the name starts the main clause."""
    words = before.split()
    while words and is_title(words[-1], lexicon):
        words.pop()
    return bool(words) and words[-1].endswith(",") and " ".join(words).count(",") == 1




def _local(mentions: list[Mention], sentence: Sentence) -> list[Mention]:
    return mentions_between(mentions, sentence.start, sentence.end)


def _statement_in(sentence: Sentence, folded: str, text: str, mentions: MentionIndex,
                  local: list[Mention], entities: dict[str, Entity], lexicon: Lexicon,
                  last_speaker: dict[int, Speaker],
                  local_roles: list[Mention], by_title=None,
                  antecedents: Antecedents | None = None,
                  published_on: date | None = None,
                  places: ArticlePlaces | None = None,
                  names: WrittenNames | None = None,
                  spoken: dict[int, Speaker] | None = None,
                  readers: list[Mention] | None = None) -> StatementFound | None:
    quotes = _speech_quotes(sentence)

    def outside(pos: int) -> bool:
        return not any(s <= pos < e for s, e in quotes)

    phrase, postposition = _first_sources(lexicon, folded, outside)
    verb = _first_verb(lexicon, folded, outside, sentence.text)
    by_pronoun = _pronoun_source(sentence, folded, lexicon, outside, spoken or {})
    if by_pronoun is not None and (verb is None or by_pronoun[1] < verb.start()):
        return _by_pronoun_source(sentence, text, by_pronoun, _with(local, readers), entities,
                                  lexicon, antecedents, published_on, places, mentions)
    if phrase is None and verb is None and postposition is None:
        return None
    candidates = _speaker_candidates(sentence, local, entities, local_roles, text, names)
    first_cue = len(folded)
    for cue in (phrase, verb):
        if cue is not None and cue.start() < first_cue:
            first_cue = cue.start()
    if postposition is not None and postposition.start() < first_cue:
        # "Hacıyevin sözlərinə görə, CONTENT": the source stands right before the phrase.
        speaker = ending_at(candidates, sentence.start + postposition.start())
        if speaker is None:
            return None
        content_start, content_end = _content_for_postposition(sentence, postposition, speaker)
        denial = False
        verb_end_at = content_start
    elif phrase is not None and (verb is None or phrase.start() <= verb.start()):
        # The source is named between the phrase and the next comma: "According to ANAMA, ...".
        comma = sentence.text.find(",", phrase.end())
        reach = (comma if comma >= 0 else len(sentence.text)) - phrase.end()
        # "По данным представителя операции «Вулкан гнева» Мохаммеда Гнуну": a phrase's head.
        heads = phrase_heads([c for c in candidates if c.start >= sentence.start + phrase.end()],
                              sentence, lexicon)
        speaker = own_name(first_after(heads, sentence.start + phrase.end(),
                                         limit=min(reach, 60)), candidates)
        if speaker is None:
            return None
        content_start, content_end = _content_for_source_phrase(sentence, phrase, speaker)
        denial = False
        verb_end_at = content_start
    else:
        assert verb is not None
        verb_at = sentence.start + verb.start()
        speaker = speaker_for_verb(sentence, verb, candidates, quotes, folded, lexicon,
                                    last_speaker, by_title, spoken)
        if speaker is None:
            return None
        content_start, content_end = _content_for_verb(sentence, verb, speaker, quotes, verb_at,
                                                       lexicon)
        verb_end_at = sentence.start + verb.end()
        denial = lexicon.denial_verbs is not None and bool(
            lexicon.denial_verbs.fullmatch(verb.group(0)))
    content = text[content_start:content_end]
    stripped = content.strip(TRIM)
    if not stripped:
        return None
    content_start += content.find(stripped)
    content_end = content_start + len(stripped)
    # "said it was not true that ...": the denial stands between the verb and what is denied.
    lead = fold_aligned(text[verb_end_at:content_start]) if verb_end_at < content_start else ""
    if lead and lexicon.denial_phrases is not None and any(
            denies_what_follows(lead, m) for m in lexicon.denial_phrases.finditer(lead)):
        denial = not denial
    rel = content_start - sentence.start
    # A hedge around what was said ("declined to confirm that ...", "..., though he could not
    # confirm it") holds for all of it; one inside holds for its own clause (extract_claims).
    hedged = lexicon.hedges is not None and (
        lexicon.hedges.search(folded, 0, rel) is not None or
        lexicon.hedges.search(folded, rel + content_end - content_start) is not None)
    # "called reports that ... nonsense": the report is named before what it says.
    called_false = not denial and calls_report_false(folded[:rel], folded[rel:], lexicon)
    context = Context(entities=entities, speaker_id=speaker.id, denial_verb=denial,
                      called_false=called_false,
                      preceding_actors=_preceding_actors(text, mentions, sentence, speaker),
                      hedged=hedged, antecedents=antecedents,
                      paragraph_start=text.rfind("\n", 0, sentence.start) + 1,
                      published_on=published_on, article_places=places)
    # The sentence's mentions hold all the statement's: a shorter list to look them up in.
    claims = extract_claims(stripped, content_start, _with(local, readers), lexicon, context,
                            folded=folded[rel : rel + len(stripped)])
    named_by_role = any(r.start == speaker.start and r.end == speaker.end for r in local_roles)
    # Named by a title in this sentence ("the ministry's spokesman"): the title is the role.
    titled = sentence.start <= speaker.start and speaker not in candidates
    role = _role(sentence, speaker, lexicon) or (
        speaker.surface if named_by_role or titled else None)
    return StatementFound(
        speaker=speaker, role=role, text=stripped,
        start=content_start, end=content_end, sentence=sentence.text, said_on=None,
        claims=claims,
    )


def _pronoun_source(sentence: Sentence, folded: str, lexicon: Lexicon, outside,
                    spoken: dict[int, Speaker]) -> tuple[Speaker, int, int] | None:
    """(the last speaker, start, end of the phrase) for "По его словам, ..."."""
    if lexicon.pronoun_sources is None or not spoken:
        return None
    speaker = spoken.get(sentence.paragraph) or spoken.get(sentence.paragraph - 1)
    if speaker is None:
        return None
    for match in lexicon.pronoun_sources.finditer(folded):
        if outside(match.start()):
            return speaker, match.start(), match.end()
    return None


def _with(local: list[Mention], readers: list[Mention] | None) -> list[Mention]:
    """The sentence's mentions with the state adjectives read for its claims, in order."""
    return sorted(local + readers, key=attrgetter("start")) if readers else local


def _by_pronoun_source(sentence: Sentence, text: str, found: tuple[Speaker, int, int],
                       local: list[Mention], entities: dict[str, Entity], lexicon: Lexicon,
                       antecedents: Antecedents | None, published_on: date | None,
                       places: ArticlePlaces | None, mentions: MentionIndex
                       ) -> StatementFound | None:
    """The statement of "По его словам, CONTENT." or "CONTENT, according to him."""
    speaker, start, end = found
    if start <= 2:
        comma = sentence.text.find(",", end)
        content_start = sentence.start + (comma + 1 if comma >= 0 else end)
        content_end = sentence.end
    else:
        content_start, content_end = sentence.start, sentence.start + start
    return _statement_of(speaker, sentence, text, content_start, content_end, local, entities,
                         lexicon, antecedents, published_on, places, mentions)


def _speech_quotes(sentence: Sentence) -> list[tuple[int, int]]:
    """The quotes of a sentence that may be speech: a quoted name («Искандер», "Iskander-M")
    is not a quotation."""
    return [(s, e) for s, e in find_quotes(sentence.text)
            if len(sentence.text[s:e].split()) >= _MIN_QUOTE_WORDS]


def _document_statement(sentence: Sentence, folded: str, text: str, documents: Documents,
                        local: list[Mention], entities: dict[str, Entity], lexicon: Lexicon,
                        antecedents: Antecedents | None, published_on: date | None,
                        places: ArticlePlaces | None,
                        mentions: MentionIndex) -> StatementFound | None:
    """"A report by the UN mission found that ...", "..., говорится в документе": a speech
    verb with a document for its subject, said by the document's author."""
    quotes = _speech_quotes(sentence)

    def outside(pos: int) -> bool:
        return not any(s <= pos < e for s, e in quotes)

    verb = _first_verb(lexicon, folded, outside, sentence.text)
    if verb is None and lexicon.document_verbs is not None:
        verb = next((m for m in lexicon.document_verbs.finditer(folded) if outside(m.start())),
                    None)
    if verb is None:
        return None
    # The document stands just before the verb or right after it.
    near_start = sentence.start + max(0, verb.start() - _DOCUMENT_REACH)
    near_end = sentence.start + min(len(sentence.text), verb.end() + _DOCUMENT_REACH // 2)
    author = documents.author_in(near_start, near_end)
    if author is None or author not in entities:
        return None
    noun = next(d for d in documents.found if near_start <= d.noun_start < near_end)
    speaker = Speaker(author, entities[author].name, text[noun.noun_start : noun.noun_end],
                      noun.noun_start, noun.noun_end)
    verb_at = sentence.start + verb.start()
    start, end = _content_for_verb(sentence, verb, speaker, quotes, verb_at, lexicon)
    return _statement_of(speaker, sentence, text, start, end, local, entities, lexicon,
                         antecedents, published_on, places, mentions)


# How far before a speech verb a document's noun may be its subject ("A report published
# last week by the UN mission found").
_DOCUMENT_REACH = 80


def _answer(sentence: Sentence, text: str, interview: Interview,
            answerers: dict[str | None, Speaker | None], last_speaker: dict[int, Speaker],
            local: list[Mention], entities: dict[str, Entity], lexicon: Lexicon,
            local_roles: list[Mention], names: WrittenNames, antecedents: Antecedents | None,
            published_on: date | None, places: ArticlePlaces | None,
            mentions: MentionIndex) -> StatementFound | None:
    """A sentence of an interview's answer, said by whoever answers: the name in the turn's
    label, or for dashed turns the last speaker (or subject) of the introduction."""
    answer = interview.answers[sentence.paragraph]
    if answer.label not in answerers:
        if answer.label is not None:
            label_end = answer.start
            named = [c for c in _speaker_candidates(sentence, local, entities, local_roles, text,
                                                    names) if c.end <= label_end]
            label_start = label_end - len(answer.label) - 2
            answerers[answer.label] = named[0] if named else Speaker(
                None, answer.label, answer.label, max(label_start, sentence.start), label_end)
    speaker = answerers[answer.label]
    if speaker is None:
        return None
    start = max(sentence.start, answer.start)
    return _statement_of(speaker, sentence, text, start, sentence.end, local, entities, lexicon,
                         antecedents, published_on, places, mentions)


def _statement_of(speaker: Speaker, sentence: Sentence, text: str, content_start: int,
                  content_end: int, local: list[Mention], entities: dict[str, Entity],
                  lexicon: Lexicon, antecedents: Antecedents | None, published_on: date | None,
                  places: ArticlePlaces | None, mentions: MentionIndex) -> StatementFound | None:
    """The statement of a speaker known without a speech verb, its words in the range given."""
    content = text[content_start:content_end]
    stripped = content.strip(TRIM)
    if not stripped:
        return None
    content_start += content.find(stripped)
    hedged = lexicon.hedges is not None and lexicon.hedges.search(fold(sentence.text)) is not None
    context = Context(entities=entities, speaker_id=speaker.id, denial_verb=False,
                      preceding_actors=_preceding_actors(text, mentions, sentence, speaker),
                      hedged=hedged, antecedents=antecedents,
                      paragraph_start=text.rfind("\n", 0, sentence.start) + 1,
                      published_on=published_on, article_places=places)
    claims = extract_claims(stripped, content_start, local, lexicon, context)
    return StatementFound(speaker=speaker, role=None, text=stripped, start=content_start,
                          end=content_start + len(stripped), sentence=sentence.text,
                          said_on=None, claims=claims)


def _first_verb(lexicon: Lexicon, folded: str, outside,
                original: str | None = None) -> re.Match[str] | None:
    """The first speech verb outside quotes that is a verb ("the claims that" is a noun)."""
    if lexicon.speech_verbs is None:
        return None
    for match in lexicon.speech_verbs.finditer(folded):
        if not outside(match.start()):
            continue
        # "the United States", "Reports Without Borders": a capitalised word inside the
        # sentence is part of a name.
        if match.start() > 0 and original is not None and original[match.start()].isupper():
            continue
        previous = folded[: match.start()].rsplit(None, 1)[-1:]
        if previous and previous[0].strip("\"'«„(") in lexicon.noun_markers:
            continue
        return match
    return None


def _first_sources(lexicon: Lexicon, folded: str, outside) -> tuple[re.Match[str] | None,
                                                                   re.Match[str] | None]:
    """The first phrase before a source ("according to") and the first after one ("sözlərinə
    görə") outside quotes, in one pass over the sentence."""
    found: dict[str, re.Match[str]] = {}
    if lexicon.source_cues is not None:
        for match in lexicon.source_cues.finditer(folded):
            if match.lastgroup not in found and outside(match.start()):
                found[match.lastgroup] = match
                if len(found) == 2:
                    break
    return found.get("before"), found.get("after")


def _speaker_candidates(sentence: Sentence, local: list[Mention], entities: dict[str, Entity],
                        roles: list[Mention], text: str, names: WrittenNames | None
                        ) -> list[Speaker]:
    """Watchlist actors in the sentence (by name or role), plus names as written that are not
    on the watchlist."""
    speakers = [Speaker(r.entity, entities[r.entity].name, r.surface, r.start, r.end)
                for r in roles]
    # A role outranks the names inside it ("Armenia" in "Armenia's prime minister").
    speakers += [Speaker(m.entity, entities[m.entity].name, m.surface, m.start, m.end)
                 for m in local if m.kind == "actor"
                 and not (roles and any(r.start <= m.start and m.end <= r.end for r in roles))]
    for name in names.in_span(text, sentence.start, sentence.end) if names is not None else ():
        if any(s.start < name.end and name.start < s.end for s in speakers):
            continue
        if any(m.start < name.end and name.start < m.end for m in local):
            continue
        speakers.append(Speaker(None, name.name, name.surface, name.start, name.end))
    return sorted(speakers, key=lambda s: s.start)






def _content_for_source_phrase(sentence: Sentence, phrase: re.Match[str],
                               speaker: Speaker) -> tuple[int, int]:
    """'According to X, CONTENT.' or 'CONTENT, according to X.'"""
    if phrase.start() <= 2:
        comma = sentence.text.find(",", speaker.end - sentence.start)
        start = sentence.start + (comma + 1 if comma >= 0 else speaker.end - sentence.start)
        return start, sentence.end
    return sentence.start, sentence.start + phrase.start()


def _content_for_postposition(sentence: Sentence, phrase: re.Match[str],
                              speaker: Speaker) -> tuple[int, int]:
    """'X-in sözlərinə görə, CONTENT.' or 'CONTENT, X-in sözlərinə görə.'"""
    if speaker.start - sentence.start <= 2:
        comma = sentence.text.find(",", phrase.end())
        start = sentence.start + (comma + 1 if comma >= 0 else phrase.end())
        return start, sentence.end
    return sentence.start, speaker.start


def _content_for_verb(sentence: Sentence, verb: re.Match[str], speaker: Speaker,
                      quotes: list[tuple[int, int]], verb_at: int,
                      lexicon: Lexicon) -> tuple[int, int]:
    if quotes:
        qs, qe = max(quotes, key=lambda q: q[1] - q[0])
        if _quote_is_the_statement(sentence, qs, qe, verb, speaker, verb_at):
            return sentence.start + qs, sentence.start + qe
    before = _content_before(sentence, verb, speaker, verb_at, lexicon)
    if before is not None:
        return before
    after_verb = sentence.text[verb.end():]
    if speaker.start > verb_at:
        after_verb = sentence.text[speaker.end - sentence.start:]
    lead = (lexicon.connectors or _PUNCTUATION).match(after_verb)
    offset = (speaker.end if speaker.start > verb_at else sentence.start + verb.end())
    start = offset + (lead.end() if lead else 0)
    if sentence.end - start > 3:
        return start, sentence.end
    # "X CONTENT bildirib.": a verb-final sentence that opens with its speaker, one clause
    # to the verb ("Russia struck Odesa, local officials reported" is not Russia speaking).
    if speaker.end < verb_at and speaker.start - sentence.start <= 2 and "," not in \
            sentence.text[speaker.end - sentence.start : verb_at - sentence.start]:
        return speaker.end, verb_at
    # "CONTENT, X said." with nothing after the verb.
    return sentence.start, min(speaker.start, verb_at)


def _quote_is_the_statement(sentence: Sentence, qs: int, qe: int, verb: re.Match[str],
                            speaker: Speaker, verb_at: int) -> bool:
    """Whether the quote is what was said, not a few quoted words inside reported speech
    ("said its forces had scored "a precise and direct hit" on the carrier"): it ends before
    the attribution ("...," said X), or opens right after it and runs to the sentence's end."""
    # A speaker named in an earlier sentence ("he said", "the colonel added") is not here.
    inside = sentence.start <= speaker.start < sentence.end
    attribution_start = (min(speaker.start, verb_at) if inside else verb_at) - sentence.start
    attribution_end = (max(speaker.end, sentence.start + verb.end()) if inside
                       else sentence.start + verb.end()) - sentence.start
    if qe <= attribution_start or qs < attribution_end <= qe:
        return True
    between = sentence.text[attribution_end:qs]
    after = sentence.text[qe:]
    return qs >= attribution_end and len(_WORDS.findall(between)) <= _QUOTE_LEAD_WORDS and \
        len(_WORDS.findall(after)) <= _QUOTE_TAIL_WORDS


# A quote is what was said when at most this many words stand between the attribution and
# it ("said that "...""; more words make the quote a fragment of what was said) and after it
# ("..." at a briefing).
_QUOTE_LEAD_WORDS = 1
_QUOTE_TAIL_WORDS = 4
_WORDS = re.compile(r"\w+")


def _content_before(sentence: Sentence, verb: re.Match[str], speaker: Speaker, verb_at: int,
                    lexicon: Lexicon) -> tuple[int, int] | None:
    """"CONTENT, X said on Tuesday, adding ...", "CONTENT, — заявил X в понедельник": what was
    said comes before the attribution when only a few words of time or manner follow it."""
    attribution = min(speaker.start, verb_at) - sentence.start
    lead = sentence.text[:attribution].rstrip()
    if not lead.endswith((",", "—", "–")) or len(lead.split()) < _CONTENT_WORDS:
        return None
    rest = sentence.text[max(speaker.end, sentence.start + verb.end()) - sentence.start:]
    head = fold(rest.split(",", 1)[0]).strip(" .!?;:\"'»”")
    if not _adverbial_only(head, lexicon):
        return None
    content = lead.rstrip(",—– ")
    return sentence.start, sentence.start + len(content)


def _adverbial_only(head: str, lexicon: Lexicon) -> bool:
    """Whether the folded words after an attribution say only when, where or how: nothing,
    a phrase opening with a preposition ("on Tuesday", "в понедельник"), a day word
    ("yesterday") or one adverb ("repeatedly"); not what was said ("Armenia fired ...")."""
    words = head.split()
    if not words:
        return True
    if len(words) > _ADVERBIAL_WORDS:
        return False
    first = words[0]
    return first in lexicon.non_subject_prepositions or first in lexicon.relative_days or \
        first in lexicon.weekdays or (len(words) == 1 and first.endswith("ly"))


# The fewest words what was said may have before its attribution, and the most words of time
# or manner ("on Tuesday", "в понедельник вечером") that may follow the attribution.
_CONTENT_WORDS = 3
_ADVERBIAL_WORDS = 4


def _preceding_actors(text: str, mentions: MentionIndex, sentence: Sentence,
                      speaker: Speaker) -> list[Mention]:
    paragraph_start = text.rfind("\n", 0, sentence.start)
    previous_start = text.rfind("\n", 0, max(0, paragraph_start))
    window_start = max(0, previous_start)
    return [m for m in mentions.between(window_start, sentence.start) if m.kind == "actor"]


# ", the ministry's spokesman," right after a name: a candidate for the speaker's role.
_APPOSITION_AFTER = re.compile(r"\s*,\s*([^,]{3,120}?)\s*(?:,|\.?$)")


def _role(sentence: Sentence, speaker: Speaker, lexicon: Lexicon) -> str | None:
    """The role the text gives the speaker here: an apposition or a title before the name."""
    rel_end = speaker.end - sentence.start
    rest = sentence.text[rel_end:]
    apposition = _APPOSITION_AFTER.match(rest)
    if apposition and lexicon.titles is not None and lexicon.titles.search(
            fold(apposition.group(1))):
        return apposition.group(1).strip()
    before = sentence.text[: speaker.start - sentence.start].rstrip()
    words = before.split()[-5:]
    for i in range(len(words)):
        candidate = " ".join(words[i:]).strip(",;:—–- ")
        if candidate and lexicon.titles is not None and lexicon.titles.match(fold(candidate)):
            return candidate
    return None
