"""Who spoke: the speaker a speech verb belongs to, among the names of its sentence.

Names before and after the verb, appositions, titles, pronouns, descriptions and noun
phrases decide it; this module knows nothing of what was said."""

from __future__ import annotations

import re
from dataclasses import dataclass

from detection.lexicon import Lexicon
from detection.names import NOT_NAMES, is_title
from detection.text import Sentence, fold

TRIM = " \t\"'«»“”„,.;:—–-։"


@dataclass(frozen=True)
class Speaker:
    id: str | None
    name: str
    surface: str
    start: int
    end: int



def ending_at(candidates: list[Speaker], position: int) -> Speaker | None:
    """The candidate that ends right before `position` (a space or a hyphen between)."""
    for candidate in candidates:
        if 0 <= position - candidate.end <= 2:
            return candidate
    return None


def first_after(candidates: list[Speaker], position: int, limit: int) -> Speaker | None:
    for candidate in candidates:
        if position <= candidate.start <= position + limit:
            return candidate
    return None


# ", the former head of the service, " between a name and its verb: an apposition.
_APPOSITION = re.compile(r"^\s*,[^,]{2,150},[^,;:.!?\"«»“”]{0,30}$")
# What may stand between a subject and its verb: a date or adverb, but no clause.
_SHORT_GAP = re.compile(r"^[^,;:.!?\"«»“”]{0,30}$")


def speaker_for_verb(sentence: Sentence, verb: re.Match[str], candidates: list[Speaker],
                      quotes: list[tuple[int, int]], folded: str, lexicon: Lexicon,
                      last_speaker: dict[int, Speaker], by_title=None,
                      spoken: dict[int, Speaker] | None = None) -> Speaker | None:
    return own_name(_speaker_in_phrases(sentence, verb, candidates, quotes, folded, lexicon,
                                         last_speaker, by_title, spoken or {}), candidates)


def own_name(found: Speaker | None, candidates: list[Speaker]) -> Speaker | None:
    """A phrase's head, spoken for by its own name: the rest of the phrase is its role."""
    if found is None or found in candidates:
        return found
    return next((c for c in candidates if (c.id, c.name, c.surface) ==
                 (found.id, found.name, found.surface)
                 and found.start <= c.start and c.end <= found.end), found)


def _speaker_in_phrases(sentence: Sentence, verb: re.Match[str], candidates: list[Speaker],
                        quotes: list[tuple[int, int]], folded: str, lexicon: Lexicon,
                        last_speaker: dict[int, Speaker], by_title=None,
                        spoken: dict[int, Speaker] | None = None) -> Speaker | None:
    verb_at = sentence.start + verb.start()
    verb_end = sentence.start + verb.end()

    def outside(s: Speaker) -> bool:
        rel = s.start - sentence.start
        return not any(qs <= rel < qe for qs, qe in quotes)

    usable = [c for c in candidates if outside(c) and not _owns_the_speaker(c, sentence, lexicon)]
    usable = phrase_heads([c for c in usable if c.end <= verb_at], sentence, lexicon) + \
        phrase_heads([c for c in usable if c.start >= verb_end], sentence, lexicon)
    usable = [c for c in usable if not _governed_by_preposition(c, sentence, verb_at, lexicon)]
    lead_in = sentence.text[: verb.start()].rstrip()
    quote_before_verb = any(qe <= verb.start() for _, qe in quotes)
    # After a quote the verb has no object to mistake for its subject: the name may follow a
    # day, a place and a long title ("— заявил в субботу на пресс-конференции министр
    # внутренних дел ... Фатхи Башага").
    reach = _AFTER_QUOTE_REACH if quote_before_verb and lead_in.endswith(
        (",", "—", "–", "-")) else _AFTER_REACH
    after = first_after(usable, verb_end, limit=reach)
    # "said that Armenia fired": a name after "that" is what was said, never who said it.
    if after is not None and not _names_the_speaker(
            folded[verb.end() : after.start - sentence.start], lexicon,
            _AFTER_QUOTE_WORDS if reach == _AFTER_QUOTE_REACH else _SPEAKER_AFTER_WORDS):
        after = None
    # «...», — заявил Конашенков. / "...", said Ihnat.
    if after is not None and quote_before_verb:
        return after
    before = [c for c in usable if c.end <= verb_at]
    pronoun = _pronoun_before(folded, verb.start(), lexicon)
    if pronoun is not None and (not before or before[-1].end < sentence.start + pronoun):
        return last_speaker.get(sentence.paragraph) or last_speaker.get(sentence.paragraph - 1)
    # «...», — сказал он. / "...," he said: the pronoun right after the verb.
    if quote_before_verb and after is None and _pronoun_after(folded, verb.end(), lexicon):
        return last_speaker.get(sentence.paragraph) or last_speaker.get(sentence.paragraph - 1)
    # "the ministry's spokesman said": a title right before the verb, held by one actor,
    # unless it is part of a name or role found already ("Armenia's prime minister").
    titled = by_title(sentence.text[: verb.start()]) if by_title is not None else None
    # A name as written that the title or description spans ("the Interior Ministry") is the
    # description's actor.
    if titled is not None and (not before or titled.start >= before[-1].end or (
            before[-1].id is None and titled.start <= before[-1].start)):
        return titled
    # "The general added", "— сказал генерал": a bare title refers back to whoever spoke last;
    # a name merely mentioned before is no antecedent ("Russia and Ukraine traded accusations.
    # The spokesman said").
    if not before and after is None and spoken and (
            _bare_title(lead_in.split()[-3:], lexicon) or
            (quote_before_verb and _bare_title(sentence.text[verb.end():].split()[:2], lexicon))):
        return spoken.get(sentence.paragraph) or spoken.get(sentence.paragraph - 1)
    # "A former official, Movses Hakobyan, said": the name closing an apposition spoke.
    if before and _COMMA_ONLY.match(sentence.text[before[-1].end - sentence.start :
                                                  verb_at - sentence.start]) \
            and _opens_apposition(sentence.text[: before[-1].start - sentence.start], lexicon,
                                  titles_allowed=before[-1].id is None):
        return before[-1]
    opening = _opening_apposition(sentence, verb, before)
    if opening is not None:
        return opening
    subject = _adjacent_subject(before, sentence, verb_at, lexicon)
    if subject is not None:
        return subject
    # "..., сообщил Хикмет Гаджиев." / "..., said the ministry's spokesman Ivanov."
    if after is not None and lead_in.endswith((",", "—", "–", "-")):
        return after
    # "Об этом заявил генерал Игорь Конашенков": with free word order the subject may follow
    # the verb when nobody precedes it. English puts a name after "said" only as what was said
    # ("the spokeswoman said Armenian forces fired").
    if after is not None and not before and not verb.group(0).isascii() and \
            _subject_gap(sentence.text[verb.end() : after.start - sentence.start], lexicon):
        return after
    if before:
        return _subject_of(before, sentence)
    # A name after the verb with no comma or quote before it is what was said about, not who
    # said it ("the spokeswoman said Armenian forces fired").
    return _described_institution(sentence, verb, lexicon)


_DETERMINERS_ONLY = {"the", "a", "an", "its", "their", "his", "her"}


# How far after a speech verb its speaker may be named: after a quote, further.
_AFTER_REACH = 40
_AFTER_QUOTE_REACH = 140
_AFTER_QUOTE_WORDS = 14


def _described_institution(sentence: Sentence, verb: re.Match[str],
                           lexicon: Lexicon) -> Speaker | None:
    """The words as written for an institution off the watchlist that opens the clause of
    the verb ("..., the Indian navy said"); "officials said" names nobody."""
    if lexicon.institution_nouns is None:
        return None
    lead_in = sentence.text[: verb.start()].rstrip()
    clause_at = max(lead_in.rfind(c) for c in ",;:—–\"”»") + 1
    words = lead_in[clause_at:].split()
    if not 2 <= len(words) <= 4 or not lexicon.institution_nouns.fullmatch(fold(words[-1])):
        return None
    # "Russia's military said": an institution of a name already weighed, and not found a
    # speaker; "the army" alone describes nobody in particular.
    if any(w.endswith(("'s", "’s", "'", "’")) for w in words) or \
            fold(words[0]) in _DETERMINERS_ONLY and len(words) == 2:
        return None
    at = lead_in.index(words[0], clause_at)
    written = lead_in[at:]
    return Speaker(None, written, written, sentence.start + at, sentence.start + len(lead_in))


# Between two names of one noun phrase ("President of Ukraine Viktor Yushchenko", "Anatoly
# Nogovitsyn of the General Staff"): a few words, no punctuation.
# A closing quote may end a name in quotes ("«Вулкан гнева» Мохаммеда Гнуну").
_PHRASE_GAP = re.compile(r"^[»”]?[^,;:.!?\"«»“”()—–]{0,40}$")
_MAX_PHRASE_GAP_WORDS = 5


def phrase_heads(candidates: list[Speaker], sentence: Sentence,
                  lexicon: Lexicon) -> list[Speaker]:
    """Names that make up one noun phrase count as its head, spanning the whole phrase: the
    last name ("Russian defence ministry spokesman Igor Konashenkov"), unless a preposition
    makes the later one a modifier ("Nogovitsyn of the Russian General Staff"). A title ties
    the names into one phrase; without one, two names in a row are a subject and its object
    ("Azərbaycan Müdafiə Nazirliyi Ermənistanın ... təkzib edib")."""
    heads: list[Speaker] = []
    # Heads whose phrase ends in a modifier a preposition governs ("X of the United Nations"):
    # a name coordinated with that modifier ("... and the OPCW") modifies the head too.
    modified: set[int] = set()
    for candidate in candidates:
        if heads:
            previous = heads[-1]
            gap = sentence.text[previous.end - sentence.start : candidate.start - sentence.start]
            # "Правительства национального согласия (ПНС) Фатхи Башага": an abbreviation in
            # brackets stays inside the phrase.
            only_brackets = not gap.strip(" ()")
            bracketed = only_brackets and "(" in gap
            if only_brackets:
                gap = gap.replace("(", " ").replace(")", " ")
            words = [fold(w) for w in gap.split()]
            if previous.end <= candidate.start and (
                    bracketed or (len(heads) - 1 in modified and _COORDINATOR.fullmatch(gap))):
                # "the Organisation for the Prohibition of Chemical Weapons (OPCW)", "X of
                # the United Nations and the OPCW": the head stays, unless only the name in
                # brackets is on the watchlist ("U.S. Africa Command (AFRICOM)").
                head = candidate if bracketed and previous.id is None else previous
                heads[-1] = Speaker(head.id, head.name, head.surface, previous.start,
                                    candidate.end)
                continue
            if previous.end <= candidate.start and _PHRASE_GAP.match(gap) and \
                    len(words) <= _MAX_PHRASE_GAP_WORDS and \
                    not any(_is_clause_word(w, lexicon) for w in words) and \
                    _titled_phrase(previous, words, sentence, lexicon):
                joined = _joined(previous, candidate, gap, sentence, lexicon)
                heads[-1] = joined
                if joined.name == previous.name != candidate.name:
                    modified.add(len(heads) - 1)
                continue
        heads.append(candidate)
    return heads


# Between two modifiers of one head: "and", "and the", "и".
_COORDINATOR = re.compile(r"\s*(?:and(?:\s+the)?|и)\s*", re.IGNORECASE)


def _titled_phrase(previous: Speaker, gap_words: list[str], sentence: Sentence,
                   lexicon: Lexicon) -> bool:
    """Whether a title or a preposition ties a name to the one before it: a title in
    between or right before the first ("Глава МИД России Сергей Лавров")."""
    if lexicon.titles is None:
        return False
    before = sentence.text[: previous.start - sentence.start].split()[-3:]
    return any(w in lexicon.non_subject_prepositions or lexicon.titles.fullmatch(w)
               for w in gap_words) or \
        any(lexicon.titles.fullmatch(fold(w.strip(",;:«»“”\""))) for w in before)


def _joined(previous: Speaker, candidate: Speaker, gap: str, sentence: Sentence,
            lexicon: Lexicon) -> Speaker:
    """One speaker for two names of a noun phrase, spanning both."""
    words = gap.split()
    governed_at = max((i for i, w in enumerate(words)
                       if fold(w) in lexicon.non_subject_prepositions), default=None)
    # A preposition governs the next name only when no other capitalised word stands between
    # ("постпред России при ООН Небензя": ООН is what "при" governs, Небензя is the head).
    if governed_at is None or any(w[:1].isupper() for w in words[governed_at + 1 :]):
        head = candidate
    elif previous.id is None and candidate.id is None:
        # "Syrian Observatory for Human Rights": one organisation's name, as written.
        written = sentence.text[previous.start - sentence.start : candidate.end - sentence.start]
        return Speaker(None, written, written, previous.start, candidate.end)
    else:
        head = previous
    return Speaker(head.id, head.name, head.surface, previous.start, candidate.end)


def _is_clause_word(word: str, lexicon: Lexicon) -> bool:
    """A word that starts a clause or a new subject: "that", "что", "and"."""
    if lexicon.complementizers is not None and lexicon.complementizers.fullmatch(word):
        return True
    return lexicon.clause_breaks is not None and \
        lexicon.clause_breaks.fullmatch(f" {word} ") is not None


def _governed_by_preposition(candidate: Speaker, sentence: Sentence, verb_at: int,
                             lexicon: Lexicon) -> bool:
    """"came from Ukraine, a fact X has acknowledged", "сказал на брифинге в Москве": a name
    after a preposition is a place or an object, not who spoke; except right before the verb
    ("officials in Kyiv said") or before a plural verb with no subject ("В Москве это, по
    их словам, отрицают": Moscow is the speaker)."""
    words = sentence.text[: candidate.start - sentence.start].split()
    if not words or fold(words[-1]) not in lexicon.non_subject_prepositions:
        return False
    if candidate.end > verb_at:
        return True
    # "Officials in Kyiv said": right before the verb, the place stands for its officials.
    if _SHORT_GAP.match(sentence.text[candidate.end - sentence.start : verb_at - sentence.start]):
        return False
    verb = sentence.text[verb_at - sentence.start :].split(None, 1)[0].strip(TRIM)
    return not fold(verb).endswith(_PLURAL_VERB_ENDINGS)


# Russian verbs in the plural with no subject speak for a place ("в Москве утверждают").
_PLURAL_VERB_ENDINGS = ("ют", "ят", "ут", "ат", "ли")


# Between a speech verb and the speaker named after it: a title at most ("said the
# ministry's spokesman Ivanov"), never a clause.
_SPEAKER_AFTER_WORDS = 5
# ", has said", ", on Tuesday, said": a comma and a few words with no clause of their own.
_COMMA_ONLY = re.compile(r"^\s*,[^,;:.!?\"«»“”]{0,30}$")


def _opens_apposition(before: str, lexicon: Lexicon, titles_allowed: bool) -> bool:
    """Whether the words before a name end in the comma that opens an apposition, titles
    aside for a person's name: "A former official, [Colonel] Movses Hakobyan, said". After a
    title a watchlist actor is the speaker's institution ("Конашенков, официальный
    представитель Минобороны России, заявил"), not the speaker."""
    words = before.split()
    while titles_allowed and words and is_title(words[-1], lexicon):
        words.pop()
    return bool(words) and words[-1].endswith(",")


def _subject_gap(gap: str, lexicon: Lexicon) -> bool:
    """Whether the words between a verb and a name after it make the name its subject:
    nothing, or a title ("заявил официальный представитель"), not an object ("отверг
    выводы организации")."""
    words = gap.split()
    return not words or any(is_title(w.strip(TRIM), lexicon) for w in words)


def _bare_title(words: list[str], lexicon: Lexicon) -> bool:
    """Whether the words hold a title with no article that makes it someone new ("a
    general"), no owner and no marker of a former holder."""
    # "the army's general command": a title that belongs to someone named.
    if any(w.rstrip(",").endswith(("'s", "’s", "'", "’")) for w in words):
        return False
    folded = [fold(w.strip(TRIM)) for w in words]
    if any(w in _INDEFINITE or (lexicon.former_markers is not None
                                and lexicon.former_markers.fullmatch(w)) for w in folded):
        return False
    return any(w and is_title(w, lexicon) for w in folded)


# "a general said": someone not named before.
_INDEFINITE = {"a", "an", "one", "один", "одна", "another"}


def _names_the_speaker(gap: str, lexicon: Lexicon, most_words: int) -> bool:
    """Whether the words between a speech verb and a name after it let the name be the one
    who spoke: a few words, no complementizer ("that", "что"), nothing quoted."""
    words = gap.split()
    if len(words) > most_words or any(c in gap for c in "\"«»“”"):
        return False
    return lexicon.complementizers is None or lexicon.complementizers.search(gap) is None


def _owns_the_speaker(candidate: Speaker, sentence: Sentence, lexicon: Lexicon) -> bool:
    """"Pashinyan's spokeswoman said", "Haftar's forces said": the one who spoke is the
    spokeswoman or the forces, not Pashinyan or Haftar."""
    if not candidate.surface.endswith(("'s", "’s", "'", "’")) or lexicon.titles is None:
        return False
    rel = candidate.end - sentence.start
    following = sentence.text[rel : rel + 40].split()[:3]
    # A capitalised title word is part of an institution's name ("Ukraine's General Staff").
    if any(word[:1].islower() and lexicon.titles.fullmatch(fold(word.strip(",")))
           for word in following):
        return True
    # "Haftar's forces said", "Ankara's cooperation was": the owner of what is named next.
    # ("Russia's said" is "Russia has said": a speech verb right after is the owner's own.)
    first = following[0] if following else ""
    # "Israel's government said": a state's government speaks as the state.
    if fold(first.strip(",")) in lexicon.voice_nouns:
        return False
    return first[:1].islower() and (lexicon.speech_verbs is None or
                                    lexicon.speech_verbs.fullmatch(fold(first)) is None)


def _adjacent_subject(before: list[Speaker], sentence: Sentence, verb_at: int,
                      lexicon: Lexicon) -> Speaker | None:
    """The name right before the verb, or the one an apposition separates from it
    ("Igor Ivanov, the former head of X, said")."""
    def gap(candidate: Speaker) -> str:
        return sentence.text[candidate.end - sentence.start : verb_at - sentence.start]

    if not before:
        return None
    if _SHORT_GAP.match(gap(before[-1])):
        return before[-1]
    for candidate in reversed(before):
        if _APPOSITION.match(gap(candidate)) and not _adverbial(gap(candidate), lexicon):
            return candidate
    return None


# "Ambrey, a British maritime security firm, said": a capitalised name opening the sentence,
# then an apposition with an article, then the verb.
_OPENING_APPOSITION = re.compile(
    r"^((?:[A-ZА-ЯЁ][\w'’&.-]*)(?:\s+[A-ZА-ЯЁ][\w'’&.-]*){0,3}),\s+(?:a|an|the)\s+[^,]{2,120},"
    r"[^,;:.!?\"«»“”]{0,30}$")


def _opening_apposition(sentence: Sentence, verb: re.Match[str],
                        before: list[Speaker]) -> Speaker | None:
    """The name opening the sentence, described by an apposition right before the verb; a
    name inside the apposition ("British") only describes it."""
    match = _OPENING_APPOSITION.match(sentence.text[: verb.start()])
    if match is None or fold(match.group(1).split()[0]) in NOT_NAMES:
        return None
    end = sentence.start + match.end(1)
    opening = [c for c in before if c.start < end]
    if opening:  # a candidate there is read by the rules for names
        return None
    name = match.group(1)
    return Speaker(None, name, name, sentence.start, end)


def _adverbial(gap: str, lexicon: Lexicon) -> bool:
    """", in Moscow, has said": a phrase opening with a preposition says where or when, and
    does not describe the name before it."""
    words = gap.strip(" ,").split()
    return bool(words) and fold(words[0]) in lexicon.non_subject_prepositions


def _subject_of(before: list[Speaker], sentence: Sentence) -> Speaker:
    for candidate in before:
        # Outside any ", ... ," apposition, the comma count before the name is even.
        if sentence.text[: candidate.start - sentence.start].count(",") % 2 == 0:
            return candidate
    return before[0]


def _pronoun_after(folded: str, verb_end: int, lexicon: Lexicon) -> bool:
    if lexicon.pronouns is None:
        return False
    following = folded[verb_end : verb_end + 12].split()[:1]
    return bool(following) and lexicon.pronouns.fullmatch(following[0].strip(".,;")) is not None


def _pronoun_before(folded: str, verb_start: int, lexicon: Lexicon) -> int | None:
    if lexicon.pronouns is None:
        return None
    window_start = max(0, verb_start - 25)
    found = None
    for match in lexicon.pronouns.finditer(folded, window_start, verb_start):
        found = match.start()
    return found
