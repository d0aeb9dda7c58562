"""Who said what: attributed statements (quotes and reported speech) and their speakers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from detection.claims import ClaimFrame, Context, extract_claims
from detection.lexicon import Lexicon
from detection.mentions import Entity, Mention
from detection.text import Sentence, find_quotes, fold, split_sentences

# A name as written: two to four capitalised words ("Karen Vardanyan", "Игорь Конашенков").
_NAME = re.compile(r"(?<!\w)(?:[A-ZА-ЯЁԱ-Ֆ][\w'’-]+\s+){1,3}[A-ZА-ЯЁԱ-Ֆ][\w'’-]+")
# Capitalised words that start sentences or phrases and are not names.
_NOT_NAMES = {"the", "a", "an", "in", "on", "at", "but", "and", "this", "that", "it", "he",
              "she", "they", "we", "according", "as", "by", "for", "after", "before",
              "в", "на", "по", "как", "это", "он", "она", "они", "мы", "при", "после"}
_MIN_QUOTE_WORDS = 4
# What stands between a speech verb and what was said: "told reporters that", "заявил, что".
_LEADING_CONNECTORS = re.compile(
    r"^[\s,:;—–-]*(?:[^,.;:\"«“]{0,40}?(?<!\w)(?:that|что|как)(?!\w))?[\s,:;—–-]*", re.IGNORECASE)


@dataclass(frozen=True)
class Speaker:
    id: str | None
    name: str
    surface: str
    start: int
    end: int


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
                    lexicon: Lexicon, published_on: date | None = None) -> list[StatementFound]:
    """Every attributed statement in `text`, with its speaker and claim frames."""
    statements: list[StatementFound] = []
    last_speaker: dict[int, Speaker] = {}
    for sentence in split_sentences(text):
        found = _statement_in(sentence, text, mentions, entities, lexicon, last_speaker)
        if found is None:
            continue
        found.said_on = published_on
        statements.append(found)
        last_speaker[sentence.paragraph] = found.speaker
    return statements


def _statement_in(sentence: Sentence, text: str, mentions: list[Mention],
                  entities: dict[str, Entity], lexicon: Lexicon,
                  last_speaker: dict[int, Speaker]) -> StatementFound | None:
    folded = fold(sentence.text)
    # A quoted name («Искандер», "Iskander-M") is not a quotation of speech.
    quotes = [(s, e) for s, e in find_quotes(sentence.text)
              if len(sentence.text[s:e].split()) >= _MIN_QUOTE_WORDS]

    def outside(pos: int) -> bool:
        return not any(s <= pos < e for s, e in quotes)

    phrase = _first(lexicon.source_phrases, folded, outside)
    verb = _first(lexicon.speech_verbs, folded, outside)
    if phrase is None and verb is None:
        return None
    local = [m for m in mentions if sentence.start <= m.start and m.end <= sentence.end]
    candidates = _speaker_candidates(sentence, local, entities)
    if phrase is not None and (verb is None or phrase.start() <= verb.start()):
        # The source is named between the phrase and the next comma: "According to ANAMA, ...".
        comma = sentence.text.find(",", phrase.end())
        reach = (comma if comma >= 0 else len(sentence.text)) - phrase.end()
        speaker = _first_after(candidates, sentence.start + phrase.end(), limit=min(reach, 60))
        if speaker is None:
            return None
        content_start, content_end = _content_for_source_phrase(sentence, phrase, speaker)
        denial = False
    else:
        assert verb is not None
        verb_at = sentence.start + verb.start()
        speaker = _speaker_for_verb(sentence, verb, candidates, quotes, folded, lexicon,
                                    last_speaker)
        if speaker is None:
            return None
        content_start, content_end = _content_for_verb(sentence, verb, speaker, quotes, verb_at)
        denial = lexicon.denial_verbs is not None and bool(
            lexicon.denial_verbs.fullmatch(verb.group(0)))
    content = text[content_start:content_end]
    stripped = content.strip(" \t\"'«»“”„,.;:—–-")
    if not stripped:
        return None
    content_start += content.find(stripped)
    content_end = content_start + len(stripped)
    hedged = lexicon.hedges is not None and lexicon.hedges.search(folded) is not None
    context = Context(entities=entities, speaker_id=speaker.id, denial_verb=denial,
                      preceding_actors=_preceding_actors(text, mentions, sentence, speaker),
                      hedged=hedged)
    claims = extract_claims(stripped, content_start, mentions, lexicon, context)
    return StatementFound(
        speaker=speaker, role=_role(sentence, speaker, lexicon), text=stripped,
        start=content_start, end=content_end, sentence=sentence.text, said_on=None,
        claims=claims,
    )


def _first(pattern: re.Pattern[str] | None, folded: str, outside) -> re.Match[str] | None:
    if pattern is None:
        return None
    for match in pattern.finditer(folded):
        if outside(match.start()):
            return match
    return None


def _speaker_candidates(sentence: Sentence, local: list[Mention],
                        entities: dict[str, Entity]) -> list[Speaker]:
    """Watchlist actors in the sentence, plus names as written that are not on the watchlist."""
    speakers = [Speaker(m.entity, entities[m.entity].name, m.surface, m.start, m.end)
                for m in local if m.kind == "actor"]
    for match in _NAME.finditer(sentence.text):
        words = match.group(0).split()
        while words and fold(words[0]) in _NOT_NAMES:
            words = words[1:]
        if len(words) < 2:
            continue
        surface = " ".join(words)
        start = sentence.start + match.end() - len(surface)
        end = sentence.start + match.end()
        if any(s.start < end and start < s.end for s in speakers):
            continue
        if any(m.start < end and start < m.end for m in local):
            continue
        speakers.append(Speaker(None, surface, surface, start, end))
    return sorted(speakers, key=lambda s: s.start)


def _first_after(candidates: list[Speaker], position: int, limit: int) -> Speaker | None:
    for candidate in candidates:
        if position <= candidate.start <= position + limit:
            return candidate
    return None


def _speaker_for_verb(sentence: Sentence, verb: re.Match[str], candidates: list[Speaker],
                      quotes: list[tuple[int, int]], folded: str, lexicon: Lexicon,
                      last_speaker: dict[int, Speaker]) -> Speaker | None:
    verb_at = sentence.start + verb.start()
    verb_end = sentence.start + verb.end()

    def outside(s: Speaker) -> bool:
        rel = s.start - sentence.start
        return not any(qs <= rel < qe for qs, qe in quotes)

    usable = [c for c in candidates if outside(c)]
    quote_before_verb = any(qe <= verb.start() for _, qe in quotes)
    after = _first_after(usable, verb_end, limit=40)
    if quote_before_verb and after is not None:
        return after  # «...», — заявил Конашенков.  /  "...", said the spokesman Ivanov.
    before = [c for c in usable if c.end <= verb_at]
    pronoun = _pronoun_before(folded, verb.start(), lexicon)
    if pronoun is not None and (not before or before[-1].end < sentence.start + pronoun):
        return last_speaker.get(sentence.paragraph) or last_speaker.get(sentence.paragraph - 1)
    if before:
        # The subject of the speech verb: the first candidate of the nearest run of names
        # before it ("Igor Konashenkov, spokesman of the Russian MoD, said").
        return _subject_of(before, sentence, folded)
    return after


def _subject_of(before: list[Speaker], sentence: Sentence, folded: str) -> Speaker:
    """The grammatical subject among names before the verb: the one not inside an apposition."""
    for candidate in before:
        rel = candidate.start - sentence.start
        prefix = folded[:rel]
        # Inside ", the former head of X," the comma count before the name is odd.
        if prefix.count(",") % 2 == 0:
            return candidate
    return before[0]


def _pronoun_before(folded: str, verb_start: int, lexicon: Lexicon) -> int | None:
    if lexicon.pronouns is None:
        return None
    window_start = max(0, verb_start - 25)
    found = None
    for match in lexicon.pronouns.finditer(folded, window_start, verb_start):
        found = match.start()
    return found


def _content_for_source_phrase(sentence: Sentence, phrase: re.Match[str],
                               speaker: Speaker) -> tuple[int, int]:
    """'According to X, CONTENT.' or 'CONTENT, according to X.'"""
    if phrase.start() <= 2:
        comma = sentence.text.find(",", speaker.end - sentence.start)
        start = sentence.start + (comma + 1 if comma >= 0 else speaker.end - sentence.start)
        return start, sentence.end
    return sentence.start, sentence.start + phrase.start()


def _content_for_verb(sentence: Sentence, verb: re.Match[str], speaker: Speaker,
                      quotes: list[tuple[int, int]], verb_at: int) -> tuple[int, int]:
    if quotes:
        qs, qe = max(quotes, key=lambda q: q[1] - q[0])
        return sentence.start + qs, sentence.start + qe
    after_verb = sentence.text[verb.end():]
    if speaker.start > verb_at:
        after_verb = sentence.text[speaker.end - sentence.start:]
    lead = _LEADING_CONNECTORS.match(after_verb)
    offset = (speaker.end if speaker.start > verb_at else sentence.start + verb.end())
    start = offset + (lead.end() if lead else 0)
    if sentence.end - start > 3:
        return start, sentence.end
    # "CONTENT, X said." with nothing after the verb.
    return sentence.start, min(speaker.start, verb_at)


def _preceding_actors(text: str, mentions: list[Mention], sentence: Sentence,
                      speaker: Speaker) -> list[Mention]:
    paragraph_start = text.rfind("\n", 0, sentence.start)
    previous_start = text.rfind("\n", 0, max(0, paragraph_start))
    window_start = max(0, previous_start)
    return [m for m in mentions if m.kind == "actor" and window_start <= m.start
            and m.end <= sentence.start]


def _role(sentence: Sentence, speaker: Speaker, lexicon: Lexicon) -> str | None:
    """The role the text gives the speaker here: an apposition or a title before the name."""
    rel_end = speaker.end - sentence.start
    rest = sentence.text[rel_end:]
    apposition = re.match(r"\s*,\s*([^,]{3,120}?)\s*,", rest)
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
