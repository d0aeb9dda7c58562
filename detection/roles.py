"""A speaker named only by a bare title ("the ministry's spokesman said", "премьер-министр
заявил"), resolved to the watchlist actor holding that title in an institution the article
has already named."""

from __future__ import annotations

import re

from detection.lexicon import Lexicon
from detection.mentions import Entity, Mention, ancestors
from detection.text import fold

# The words before a speech verb that can make up a bare title: "the ministry's spokesman",
# "the Armenian prime minister"; at most four words, no punctuation that ends a clause.
_REACH = 80
_TITLE_PHRASE = re.compile(r"(?:^|(?<=[\s,;:—–(]))((?:[\w'’-]+\s+){0,3}[\w'’-]+)\s*$")


def title_holders(entities: dict[str, Entity],
                  lexicon: Lexicon) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """For each title in the actors' roles, who holds it and the words of that role."""
    holders: dict[str, list[tuple[str, frozenset[str]]]] = {}
    if lexicon.titles is None:
        return holders
    for entity in entities.values():
        for role in entity.roles:
            folded = fold(role)
            words = frozenset(_plain(w) for w in folded.split())
            for match in lexicon.titles.finditer(folded):
                holders.setdefault(match.group(0), []).append((entity.id, words))
    return holders


def resolve_title(before_verb: str, mentioned: set[str], entities: dict[str, Entity],
                  holders: dict[str, list[tuple[str, frozenset[str]]]],
                  lexicon: Lexicon) -> tuple[str, str] | None:
    """(actor id, the title as written) for the words right before a speech verb, when they are
    a title that exactly one actor holds in an institution named so far; a former holder is
    nobody in office."""
    if lexicon.titles is None or not holders:
        return None
    # A title is a few words: looking further back only costs time on long sentences.
    match = _TITLE_PHRASE.search(before_verb[-_REACH:])
    if match is None:
        return None
    phrase = match.group(1)
    # From the last article on: "In Yerevan the prime minister" is "the prime minister".
    words = phrase.split()
    cut = max((i for i, w in enumerate(words) if fold(w) in _DETERMINERS), default=0)
    phrase = phrase[phrase.index(words[cut], len(" ".join(words[:cut]))):]
    folded = fold(phrase)
    titles = [t for t in lexicon.titles.finditer(folded) if t.end() == len(folded)]
    if not titles:
        return None
    title = titles[-1]
    modifiers = [_plain(w) for w in folded[: title.start()].split()]
    modifiers = [w for w in modifiers if w not in _DETERMINERS]
    if lexicon.former_markers is not None and any(
            lexicon.former_markers.fullmatch(w) for w in modifiers):
        return None
    # Every word before the title must belong to the role: "the defence minister" is not the
    # prime minister; "the ministry's spokesman" fits "Russian Defence Ministry spokesman".
    candidates = {entity_id for entity_id, words in holders.get(title.group(0), [])
                  if all(w in words for w in modifiers)}
    # Only a holder whose institution the article has named, and only one: "the spokesman"
    # in a story naming Russia and Ukraine could be either side's, so nobody is guessed.
    named = [c for c in candidates if mentioned.intersection(ancestors(c, entities)[1:])]
    if len(named) != 1:
        return None
    first_word = phrase.split()[0]
    written = phrase[len(first_word):].strip() if fold(first_word) in _DETERMINERS else phrase
    return named[0], written


_DETERMINERS = {"the", "a", "an", "its", "their", "this", "that"}


def _plain(word: str) -> str:
    return re.sub(r"['’]s?$", "", word.strip(",.;:"))


# "the mechanism said", "the organisation added", "Миссия заявила": an institution named
# before, referred to by a word of its name.
_DESCRIPTION = re.compile(r"(?:^|(?<=[\s,;:—–(]))((?:[\w'’-]+\s+){0,2}[\w'’-]+)\s*$")
_MIN_NOUN = 4


def name_words(watchlist: list) -> dict[str, tuple[str, ...]]:
    """For each actor of the watchlist, the folded words of its name and aliases."""
    words: dict[str, tuple[str, ...]] = {}
    for item in watchlist:
        item = item.model_dump() if hasattr(item, "model_dump") else item
        if item.get("kind") != "actor":
            continue
        names = [item.get("name") or "", *(item.get("aliases") or [])]
        words[item["id"]] = tuple(dict.fromkeys(
            fold(" ".join(names)).replace("-", " ").replace("'s", "").split()))
    return words


def resolve_description(before_verb: str, earlier: list[Mention], entities: dict[str, Entity],
                        lexicon: Lexicon, watch_names: dict[str, tuple[str, ...]] | None = None
                        ) -> tuple[str, str] | None:
    """(actor id, the words as written) for a definite description right before a speech verb
    ("the mechanism", "the organisation", "миссия") whose noun is a word of an actor's name as
    the article wrote it before; the latest such actor. English needs its article ("the"),
    as "mechanism said" alone is no description; Russian has none."""
    words_before = before_verb.split()
    while words_before and fold(words_before[-1]) in lexicon.attribution_adverbs:
        words_before.pop()
    match = _DESCRIPTION.search(" ".join(words_before))
    if match is None:
        return None
    written = match.group(1)
    words = fold(written).split()
    cues = lexicon.anaphora
    determiners = cues.determiners if cues is not None else frozenset()
    if words[0] in determiners:
        words = words[1:]
    elif words[0].isascii():
        return None
    if not 1 <= len(words) <= 2 or len(words[-1]) < _MIN_NOUN or (
            lexicon.titles is not None and lexicon.titles.fullmatch(words[-1])):
        return None
    for mention in reversed(earlier):
        entity = entities.get(mention.entity)
        if entity is None or entity.kind != "actor":
            continue
        named = fold(f"{mention.surface} {entity.name}").replace("-", " ").split()
        # "the interior ministry": every word of it is a word of the name.
        if all(any(_same_word(word, w) for w in named) for word in words):
            return entity.id, written
    # Not named before: the one actor of the watchlist whose names hold every word, as the
    # analyst who listed one interior ministry meant ("the Interior Ministry said"); a single
    # word ("the ministry") is too little to pick from the whole watchlist.
    if len(words) < 2:
        return None
    fitting = [actor for actor, names in (watch_names or {}).items()
               if all(any(_same_word(word, w) for w in names) for word in words)]
    return (fitting[0], written) if len(fitting) == 1 else None


def _same_word(word: str, other: str) -> bool:
    """One word in two cases: equal, or sharing all but a short ending ("миссия", "миссии")."""
    stem = word[: max(_MIN_NOUN, len(word) - 2)]
    return word == other or (len(other) >= len(stem) and other.startswith(stem))
