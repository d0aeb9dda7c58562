"""Watchlist mentions: aliases compiled once into an automaton, inflected forms matched by ending."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from operator import attrgetter

import ahocorasick

from detection.lexicon import Lexicon
from detection.text import WORD, Normalized, fold, normalize
from detection.transliteration import spelling_variants

# Endings a name may take in running text without being listed. Cyrillic: Russian case and
# number endings; Latin: English plural/possessive and Azerbaijani case/plural suffixes.
_CYRILLIC_ENDINGS = sorted({
    "а", "я", "у", "ю", "ом", "ем", "ой", "ей", "е", "ы", "и", "ов", "ев", "ам", "ям", "ами",
    "ями", "ах", "ях", "ым", "им", "ого", "его", "ому", "ему", "ых", "их", "ыми", "ими", "ая",
    "яя", "ую", "юю", "ое", "ее", "ые", "ие", "ий", "ый", "ию", "ия", "ии", "ием", "ией",
}, key=len, reverse=True)
_LATIN_ENDINGS = sorted({
    "s", "es", "'s", "'", "ın", "in", "un", "ün", "nın", "nin", "nun", "nün", "ı", "i", "u",
    "ü", "a", "ə", "ya", "yə", "da", "də", "dan", "dən", "la", "lə", "lar", "lər", "ları",
    "ləri", "ların", "lərin", "lara", "lərə", "larda", "lərdə", "'ın", "'in", "'nın", "'nin",
    "'a", "'ə", "'da", "'də", "'dan", "'dən", "'un", "'ün",
}, key=len, reverse=True)
# Armenian case endings (genitive/dative -ի, ablative -ից, instrumental -ով, plural -ներ) and
# the plural with the article or a case (Իսկանդերները, Իսկանդերներով).
_ARMENIAN_ENDINGS = sorted({"ի", "ից", "ով", "ը", "ն", "ներ", "ների", "ում", "ները", "ներն",
                            "ներին", "ներից", "ներով", "ներում"}, key=len, reverse=True)
# Stems shorter than this are matched exactly: stripping endings from short names over-matches.
_MIN_STEM = 4


def _script(token: str) -> str:
    for char in token:
        if "\u0400" <= char <= "\u04ff":
            return "cyrillic"
        if "\u0530" <= char <= "\u058f":
            return "armenian"
    return "latin"


def _endings(script: str) -> list[str]:
    return {"cyrillic": _CYRILLIC_ENDINGS, "armenian": _ARMENIAN_ENDINGS}.get(
        script, _LATIN_ENDINGS)


def stem_token(token: str) -> str:
    """The token without a case ending, so any other ending can be put back on."""
    if _script(token) == "cyrillic":
        for ending in _CYRILLIC_ENDINGS:
            if token.endswith(ending) and len(token) - len(ending) >= _MIN_STEM:
                return token[: -len(ending)]
    return token


def alias_pattern(alias: str) -> tuple[str, re.Pattern[str]] | None:
    """(first stem, regex over folded text) for an alias, allowing endings on every word."""
    tokens = WORD.findall(fold(alias))
    if not tokens:
        return None
    parts = []
    for token in tokens:
        stem = stem_token(token)
        rest = token[len(stem):]
        endings = _endings(_script(token)) if len(stem) >= _MIN_STEM else ["s", "'s"]
        alternatives = "|".join(re.escape(e) for e in endings)
        # The listed form's own ending stays optional: Конашенков → Конашенковым and Армения →
        # Армении both match.
        optional_rest = f"(?:{re.escape(rest)})?" if rest else ""
        parts.append(f"{re.escape(stem)}{optional_rest}(?:{alternatives})?")
    body = r"[\s\-]+".join(parts)
    return stem_token(tokens[0]), re.compile(rf"{body}(?!\w)")


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    name: str
    member_of: str | None = None
    context: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    # For a weapon: the class it belongs to (aircraft, drone ...), for claims about the class.
    weapon_class: str | None = None


@dataclass(frozen=True)
class Mention:
    entity: str
    kind: str
    surface: str
    start: int
    end: int


class Matcher:
    """Finds watchlist entities in text; build once per watchlist, reuse for every article."""

    def __init__(self, entities: list[Entity], aliases: dict[str, list[str]],
                 transliterate: bool = True):
        self.entities = {e.id: e for e in entities}
        self._automaton = ahocorasick.Automaton()
        patterns: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
        for entity_id, names in aliases.items():
            spellings = [fold(alias) for alias in names]
            if transliterate:
                spellings += [v for alias in list(spellings) for v in spelling_variants(alias)]
            for alias in dict.fromkeys(spellings):
                compiled = alias_pattern(alias)
                if compiled is None:
                    continue
                first, pattern = compiled
                patterns.setdefault(first, []).append((entity_id, pattern))
        for first, entries in patterns.items():
            self._automaton.add_word(first, (len(first), entries))
        if patterns:
            self._automaton.make_automaton()
        self._empty = not patterns

    def find(self, text: str, lexicon: Lexicon | None = None,
             norm: Normalized | None = None) -> list[Mention]:
        """Non-overlapping mentions, longest first, with offsets into `text` (`norm` is
        `normalize(text)` when the caller has it already)."""
        if self._empty or not text:
            return []
        norm = norm if norm is not None and norm.original is text else normalize(text)
        found = self._matches(norm.text, self.stems(norm.text), 0, len(norm.text))
        mentions = self._resolve_overlaps(found, norm)
        if lexicon is not None:
            mentions = [m for m in mentions
                        if not self._is_personal_name(m, text, lexicon)
                        and self._has_context(m, text, mentions)]
        return mentions

    def stems(self, folded: str) -> list[tuple[int, int, list[tuple[str, re.Pattern[str]]]]]:
        """(start, end, entries) of every alias stem in `folded`, in the automaton's order
        (by where the stem ends)."""
        if self._empty:
            return []
        return [(end_index + 1 - length, end_index + 1, entries)
                for end_index, (length, entries) in self._automaton.iter(folded)]

    def _matches(self, folded: str, stems: list, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """(start, end, entity) of each alias matched from a stem, reading `folded[lo:hi]`
        as if it were the whole text: nothing before `lo` or from `hi` on is seen."""
        found: list[tuple[int, int, str]] = []
        for start, _, entries in stems:
            if start > lo and (folded[start - 1].isalnum() or folded[start - 1] == "_"):
                continue  # not where a word starts
            for entity_id, pattern in entries:
                match = pattern.match(folded, start, hi)
                if match:
                    found.append((match.start(), match.end(), entity_id))
        return found

    def _resolve_overlaps(self, found: list[tuple[int, int, str]], norm: Normalized,
                          shift: int = 0) -> list[Mention]:
        """Mentions from the longest of overlapping matches, offsets into the original text
        less `shift`."""
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        mentions: list[Mention] = []
        last_end = -1
        for start, end, entity_id in found:
            if start < last_end:
                continue
            o_start, o_end = norm.span(start, end)
            entity = self.entities[entity_id]
            mentions.append(Mention(entity_id, entity.kind, norm.original[o_start:o_end],
                                    o_start - shift, o_end - shift))
            last_end = end
        return mentions

    def _is_personal_name(self, mention: Mention, text: str, lexicon: Lexicon) -> bool:
        """A weapon alias followed by a surname-like word with no weapon cue is a person's name
        ("Iskander Aliyev", "Orlan Sydorenko"); designations ("Bayraktar TB2") are not."""
        if mention.kind != "weapon" or not _is_plain_word(mention.surface):
            return False
        follower = _FOLLOWER.match(text, mention.end)
        if not follower:
            return False
        next_word = fold(follower.group(1))
        if lexicon.weapon_cues is not None and lexicon.weapon_cues.fullmatch(next_word):
            return False
        return True

    def _has_context(self, mention: Mention, text: str, mentions: list[Mention]) -> bool:
        """An alias that is also an ordinary word counts only with a context word or another
        weapon nearby; designations and multi-word forms need none."""
        entity = self.entities[mention.entity]
        if not entity.context or not _is_plain_word(mention.surface):
            return True
        lo, hi = max(0, mention.start - _CONTEXT_REACH), mention.end + _CONTEXT_REACH
        window = fold(text[lo:hi])
        if any(fold(word) in window for word in entity.context):
            return True
        return any(m.kind == "weapon" and m.entity != mention.entity and lo <= m.start < hi
                   and (not self.entities[m.entity].context or not _is_plain_word(m.surface))
                   for m in mentions)


class ScannedText:
    """A matcher's automaton run once over a whole text, then read part by part: `find`
    gives for a part what `Matcher.find` gives for that part on its own, without folding
    and scanning every part again."""

    def __init__(self, matcher: Matcher, norm: Normalized):
        self._matcher, self._norm = matcher, norm
        self._stems = matcher.stems(norm.text)
        self._stem_ends = [end for _, end, _ in self._stems]

    def find(self, start: int, end: int) -> list[Mention]:
        """`Matcher.find(text[start:end])`: offsets are relative to `start`."""
        norm = self._norm
        lo, hi = norm.folded_at(start), norm.folded_at(end)
        if lo >= hi:
            return []
        first = bisect_left(self._stem_ends, lo + 1)
        last = bisect_right(self._stem_ends, hi, lo=first)
        # A stem that begins before the part is not in it, whatever its end.
        stems = [stem for stem in self._stems[first:last] if stem[0] >= lo]
        if not stems:
            return []
        found = self._matcher._matches(norm.text, stems, lo, hi)
        return self._matcher._resolve_overlaps(found, norm, shift=start)


# A capitalised word with lower-case letters after it: a surname, not a designation ("TB2").
_FOLLOWER = re.compile(r"[ \t]+([A-ZА-ЯЁƏÇŞÖÜĞİԱ-Ֆ][a-zа-яёəçşöüğıա-ֆ'’-]+)(?!\w)")
_CONTEXT_REACH = 200


def _is_plain_word(surface: str) -> bool:
    if surface.isalpha():  # most are: the check in C spares a walk letter by letter
        return True
    return not any(char.isdigit() or char in "- " for char in surface)


def mentions_between(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    """The mentions (sorted by start, not overlapping) that lie inside [start, end)."""
    if not mentions:
        return []
    first = bisect_left(mentions, start, key=_start_of)
    last = bisect_left(mentions, end, lo=first, key=_start_of)
    return [m for m in mentions[first:last] if m.end <= end]


_start_of = attrgetter("start")  # in C: bisect calls it at every step


class MentionIndex:
    """An article's mentions (sorted by start, not overlapping) with their starts kept
    apart, for looking up many ranges: bisect then compares numbers, with no call per step."""

    def __init__(self, mentions: list[Mention]):
        self.mentions = mentions
        self._starts = [m.start for m in mentions]

    def between(self, start: int, end: int) -> list[Mention]:
        """`mentions_between(self.mentions, start, end)`."""
        first = bisect_left(self._starts, start)
        last = bisect_left(self._starts, end, lo=first)
        return [m for m in self.mentions[first:last] if m.end <= end]


def build_matcher(watchlist: list) -> Matcher:
    """A Matcher over config watchlist items (each has id, kind, name, aliases, member_of)."""
    entities = [Entity(w.id, w.kind, w.name, w.member_of, tuple(getattr(w, "context", ()) or ()),
                       tuple(getattr(w, "roles", ()) or ()), getattr(w, "weapon_class", None))
                for w in watchlist]
    aliases = {w.id: list(dict.fromkeys([w.name, *w.aliases])) for w in watchlist}
    return Matcher(entities, aliases)


# The kind of a mention of an actor by a state adjective the watchlist does not list
# ("Syrian" for an actor named "Syria"): it says whose aircraft acted, not who is mentioned.
ADJECTIVE = "adjective"


def build_adjective_matcher(watchlist: list, demonyms: dict[str, list[str]]) -> Matcher | None:
    """A Matcher for the state adjectives of the actors the watchlist names by a state's
    name ("Syria": Syrian, сирийский), those it does not list itself; None if there are none."""
    entities, aliases = [], {}
    for w in watchlist:
        if w.kind != "actor":
            continue
        found = _adjectives_of([w.name, *w.aliases], demonyms)
        if found:
            entities.append(Entity(w.id, ADJECTIVE, w.name, w.member_of))
            aliases[w.id] = found
    return Matcher(entities, aliases) if entities else None


def _adjectives_of(names: list[str], demonyms: dict[str, list[str]]) -> list[str]:
    """The state adjectives for the state names among `names`, not listed already."""
    known = {fold(n) for n in names}
    found: list[str] = []
    for name in names:
        for adjective in demonyms.get(fold(name), []):
            if fold(adjective) not in known:
                known.add(fold(adjective))
                found.append(adjective)
    return found


def build_role_matcher(watchlist: list) -> Matcher:
    """A Matcher over the roles of watchlist actors ("Armenia's prime minister")."""
    entities = [Entity(w.id, w.kind, w.name, w.member_of) for w in watchlist]
    roles = {w.id: list(getattr(w, "roles", ()) or ()) for w in watchlist}
    return Matcher(entities, {k: v for k, v in roles.items() if v}, transliterate=False)


def ancestors(entity_id: str, entities: dict[str, Entity]) -> list[str]:
    """The entity and the chain of institutions it belongs to, nearest first."""
    chain: list[str] = []
    current: str | None = entity_id
    while current and current not in chain and current in entities:
        chain.append(current)
        current = entities[current].member_of
    return chain


def root_of(entity_id: str, entities: dict[str, Entity]) -> str:
    """The outermost institution an entity belongs to (a ministry's state, a unit's army)."""
    chain = ancestors(entity_id, entities)
    return chain[-1] if chain else entity_id
