"""Cue lexicons (YAML per language) compiled into patterns over folded text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from detection.text import fold

LEXICON_DIR = Path(__file__).parent / "lexicons"


def term_alternatives(terms: list[str]) -> tuple[list[str], list[str]]:
    """Regex alternatives for terms: (those that begin with a letter, the others), each list
    compiled into one trie; `word*` is a prefix, spaces match any whitespace. The first need
    a word-start check in front."""
    worded, other = _term_tokens(terms)
    return ([_trie(worded)] if worded else []), ([_trie(other)] if other else [])


def _term_tokens(terms: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Each term as regex tokens ending with how it ends: (those that begin with a letter,
    the others), longest first."""
    worded: list[list[str]] = []
    other: list[list[str]] = []
    for term in sorted({fold(str(t)) for t in terms}, key=len, reverse=True):
        prefix = term.endswith("*")
        # A "*" inside a term ends a word of it that inflects: "химическ* оружи*".
        tokens = [r"\s+" if char == " " else _PREFIX_END if char == "*" else re.escape(char)
                  for char in term.rstrip("*")]
        tokens.append(_PREFIX_END if prefix else (_WORD_END if term[-1:].isalnum() else ""))
        (worded if term[:1].isalnum() else other).append(tokens)
    return worded, other


# How a term ends: as a prefix of a longer word, at the end of a word, or anywhere (a term
# that ends with punctuation); the trie tries them in this order, after every longer term.
_PREFIX_END, _WORD_END = r"\w*", r"(?!\w)"
_END_ORDER = {_PREFIX_END: 0, _WORD_END: 1, "": 2}


def _trie(sequences: list[list[str]]) -> str:
    """One regex for many terms with their common beginnings shared: the regex engine tries
    every alternative where a word begins, so 150 speech verbs in a flat list cost 150
    checks at each word, and a few in a trie."""
    return _render(_trie_nodes(sequences))


def _trie_nodes(sequences: list[list[str]]) -> dict:
    root: dict = {}
    for tokens in sequences:
        node = root
        for token in tokens[:-1]:
            node = node.setdefault(token, {})
        node.setdefault(None, set()).add(tokens[-1])
    return root


# Terms that begin with at most this many different letters get their word-start check
# after the first letter (see _worded_trie); measured on the benchmark article, the check in
# front is as fast from about 13 letters on, and faster from 16.
_FEW_FIRST_LETTERS = 12


def _worded_trie(sequences: list[list[str]]) -> str:
    r"""The trie of terms that begin with a letter, with its word-start check. In front of
    the trie the regex engine makes the check at every character; right after the first
    letter ((?<!\w.): no word character before that letter) the engine skips straight to
    the letters the terms begin with, which is twice as fast where they are few. Both match
    the same text in the same way."""
    root = _trie_nodes(sequences)
    if len(root) > _FEW_FIRST_LETTERS or None in root:
        return rf"(?<!\w)(?:{_render(root)})"
    parts = [token + r"(?<!\w.)" + _render(child) for token, child in root.items()]
    return parts[0] if len(parts) == 1 else f"(?:{'|'.join(parts)})"


def _render(node: dict) -> str:
    # Longer terms first (leftmost alternative wins), as in a list sorted longest first.
    parts = [token + _render(child) for token, child in node.items() if token is not None]
    parts += sorted(node.get(None, ()), key=_END_ORDER.__getitem__)
    if len(parts) == 1:
        return parts[0]
    return f"(?:{'|'.join(parts)})"


def _literals(words: list[str]) -> str:
    """A regex for any of `words` as written. Where none is the beginning of another, only
    one can match at a place, so a trie, twice as fast as a flat list, finds the same; else
    the flat list keeps the order in which they are tried."""
    if any(a != b and b.startswith(a) for a in words for b in words):
        return "|".join(re.escape(w) for w in words)
    return _trie([[re.escape(char) for char in word] + [""] for word in words])


def compile_terms(terms: list[str]) -> re.Pattern[str] | None:
    """One regex for a list of terms; `word*` is a prefix, spaces match any whitespace."""
    worded, other = _term_tokens(terms)
    # One word-start check for all the terms that begin with a letter: the regex engine then
    # tries the alternatives only where a word begins, not at every character.
    parts = ([_worded_trie(worded)] if worded else []) + ([_trie(other)] if other else [])
    if not parts:
        return None
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class Predicate:
    name: str
    pattern: re.Pattern[str]
    weak: bool = False
    intransitive: bool = False
    implies: str | None = None
    evidence_for: str | None = None
    # The words say the predicate does not hold ("lacks", "нет"): the claim is a denial.
    negative: bool = False
    # With no subject in the statement, the speaker's own side is the subject (an air force
    # reporting what "air defences" shot down).
    speaker_side: bool = False
    # A weapon as the subject of these words was itself used ("the launchers fired", "the
    # missiles struck"), so a noun standing for it before the verb is what the claim is about.
    weapon_subject: bool = False
    # Says nothing of where it happened (a supply, a possession): an article's place is not
    # lent to it (statements.lend_article_place).
    placeless: bool = False
    # The object's owner thereby claims this class: what is shot down is lost ("shot down 21
    # Russian aircraft": Russia lost 21 aircraft).
    owner_loses: str | None = None
    # The words say an event of this class happened or not ("no chemical attack took place",
    # "пусков «Искандеров» не было"): its subject is the agent after "by", else anyone.
    event: str | None = None


@dataclass(frozen=True)
class Pronoun:
    """A pronoun that may stand for a weapon: its number and the positions its case allows."""

    number: str | None  # "plural", "singular"
    subject: bool  # may stand before its verb as the subject ("they were fired")
    object: bool  # may be the verb's object ("fired them", "их сбили")


@dataclass(frozen=True)
class AnaphoraCues:
    """Words that stand for a weapon named before: generic nouns and pronouns (one pattern)."""

    pattern: re.Pattern[str]
    # Named group of `pattern` -> (weapon kind, bare): a bare noun needs no determiner.
    noun_groups: dict[str, tuple[str, bool]]
    pronouns: dict[str, Pronoun]
    determiners: frozenset[str] = frozenset()
    adjective_endings: tuple[str, ...] = ()
    passive_auxiliaries: frozenset[str] = frozenset()
    passive_endings: tuple[str, ...] = ()
    agent_markers: frozenset[str] = frozenset()
    singular_markers: frozenset[str] = frozenset()
    # A generic noun's kind, for the noun attached to a weapon's name ("Shahed drones").
    noun_pattern: re.Pattern[str] | None = None


@dataclass
class Lexicon:
    """All cue patterns; matching runs on folded text (see detection.text.fold)."""

    speech_verbs: re.Pattern[str] | None = None
    source_phrases: re.Pattern[str] | None = None
    denial_verbs: re.Pattern[str] | None = None
    negations: re.Pattern[str] | None = None
    hedges: re.Pattern[str] | None = None
    first_person: re.Pattern[str] | None = None
    pronouns: re.Pattern[str] | None = None
    titles: re.Pattern[str] | None = None
    weapon_cues: re.Pattern[str] | None = None
    clause_breaks: re.Pattern[str] | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    numbers_pattern: re.Pattern[str] | None = None
    predicates: list[Predicate] = field(default_factory=list)
    # All predicates in one pattern, a named group each ("p0", "p1"...): one pass per statement.
    predicate_pattern: re.Pattern[str] | None = None
    predicate_groups: dict[str, Predicate] = field(default_factory=dict)
    # Whole-word forms from `lemmas`, looked up word by word: hundreds of forms in the regex
    # above would slow every statement down.
    predicate_forms: dict[str, Predicate] = field(default_factory=dict)
    # The letters the forms begin with: a text with none of them holds none of the forms.
    predicate_form_letters: re.Pattern[str] | None = None
    negative_concord: re.Pattern[str] | None = None
    time_phrases: re.Pattern[str] | None = None
    denial_phrases: re.Pattern[str] | None = None
    sidebar_markers: re.Pattern[str] | None = None
    former_markers: re.Pattern[str] | None = None
    non_subject_prepositions: frozenset[str] = frozenset()
    noun_markers: frozenset[str] = frozenset()
    months: dict[str, int] = field(default_factory=dict)
    weekdays: dict[str, int] = field(default_factory=dict)
    relative_days: dict[str, int] = field(default_factory=dict)
    months_pattern: re.Pattern[str] | None = None
    weekdays_pattern: re.Pattern[str] | None = None
    relative_days_pattern: re.Pattern[str] | None = None
    # Claim qualifiers: how a time relates to its date ("before", "после"), each pattern
    # anchored to the end of the text it is searched in; what joins a range ("to", "по").
    time_relations: dict[str, re.Pattern[str]] = field(default_factory=dict)
    range_words: re.Pattern[str] | None = None
    # "only in Shusha", "только 9 ноября"; "... and nowhere else".
    exclusive_words: re.Pattern[str] | None = None
    exclusive_tails: re.Pattern[str] | None = None
    # A place counts as where something happened after one of these ("at", "в"), with
    # place nouns ("the town of", "городе") between; or with one of these suffixes (Şuşada).
    place_prepositions: re.Pattern[str] | None = None
    place_nouns: re.Pattern[str] | None = None
    place_suffixes: frozenset[str] = frozenset()
    complementizers: re.Pattern[str] | None = None
    # What stands between a speech verb and what was said ("told reporters that", "заявил,
    # что", "bildirib ki,", "հայտարարել է, որ"), matched on the text as written.
    connectors: re.Pattern[str] | None = None
    # Right before a predicate, these make it a plan, an order or a wish, not a fact; the last
    # word of each (whole, or a prefix) is checked first, as most predicates follow none.
    irrealis: re.Pattern[str] | None = None
    irrealis_last_words: frozenset[str] = frozenset()
    irrealis_last_prefixes: tuple[str, ...] = ()
    # Both kinds of source phrase in one pattern, groups "before" and "after" the source.
    source_cues: re.Pattern[str] | None = None
    # "according to" written after the source, as in Azerbaijani "X-in sözlərinə görə".
    source_postpositions: re.Pattern[str] | None = None
    anaphora: AnaphoraCues | None = None
    # A subject that names nobody: "no one", "никто". A denial it heads is anyone's.
    nobody: re.Pattern[str] | None = None
    # Nouns that name a class of weapon ("jets", "самолётов"), one named group per class;
    # and the words that make an actor before one its owner or its maker ("our", "-made").
    class_nouns: re.Pattern[str] | None = None
    class_groups: dict[str, str] = field(default_factory=dict)
    classes: frozenset[str] = frozenset()
    # A state's name (folded) -> its adjectives as base forms ("сирия" -> Syrian, сирийский):
    # an actor the watchlist names by the state's name is also named by these.
    demonyms: dict[str, list[str]] = field(default_factory=dict)
    # Classes whose noun is itself what disputes are about ("chemical weapons"): it makes
    # claims of any predicate; the others' nouns only say what an owner lost.
    claimed_classes: frozenset[str] = frozenset()
    # Classes whose noun covers every weapon ("weapons", "оружие"): denying the class denies
    # each weapon and each class ("has not sent weapons to Yemen" against "sent drones").
    universal_classes: frozenset[str] = frozenset()
    own_possessives: re.Pattern[str] | None = None
    maker_marks: re.Pattern[str] | None = None
    # Right before a predicate, these make it a relative clause about a noun ("the systems
    # that shot down"), which a denial verb of the statement does not deny.
    relative_openers: re.Pattern[str] | None = None
    # Between a relative pronoun and its verb besides the passive ones: "which had fired".
    perfect_auxiliaries: frozenset[str] = frozenset()
    # A perfect auxiliary before a word with one of these endings is no verb of its own:
    # "had found", "have shown" say nothing of owning.
    participle_endings: frozenset[str] = frozenset()
    nominal_predicates: re.Pattern[str] | None = None
    # Documents that make statements for their authors: "the report found that ...".
    document_nouns: re.Pattern[str] | None = None
    document_verbs: re.Pattern[str] | None = None
    # After an actor's possessive, nouns that speak as the actor itself: "Israel's government".
    voice_nouns: frozenset[str] = frozenset()
    # Between a speaker's description and its speech verb: "the Interior Ministry also said".
    attribution_adverbs: frozenset[str] = frozenset()
    # Between a document's noun and its author: "a report by the UN mission".
    author_markers: frozenset[str] = frozenset()
    report_nouns: re.Pattern[str] | None = None
    # What is struck, not used: a weapon of one of `target_classes` (ships), or one right
    # after one of `target_prepositions` ("fired at the Patriot battery"), is the target of
    # a use predicate; the claim is then `strike_predicate` ("houthis strike uss-eisenhower").
    target_classes: frozenset[str] = frozenset()
    target_prepositions: re.Pattern[str] | None = None
    strike_predicate: str | None = None
    # "71 of 103", "71 из 103": the word that makes the first number a part of the second.
    partitive: re.Pattern[str] | None = None
    # After a clause break, these go on with a list ("drones, including five Shaheds").
    inclusion_markers: re.Pattern[str] | None = None
    # Nouns for an event of use ("attack", "strike", "пуск"): an existence predicate is
    # about a weapon only with one of these next to it ("Iskander strikes took place").
    event_nouns: re.Pattern[str] | None = None
    report_links: re.Pattern[str] | None = None
    # A report noun and what links it to what it reports ("reports that", "сообщения о том,
    # что"), and the verdicts that call it false ("nonsense", "вымысел").
    reported: re.Pattern[str] | None = None
    false_verdicts: re.Pattern[str] | None = None
    # The predicate classes some `owner_loses` names ("lose"): a loss, whoever caused it.
    loss_classes: frozenset[str] = frozenset()
    # "X, which accused Y": a relative clause that gives X a statement of its own.
    relative_pronouns: re.Pattern[str] | None = None
    # "по его словам", "according to him": the source is whoever spoke last.
    pronoun_sources: re.Pattern[str] | None = None
    # "the Indian navy said": an institution off the watchlist, named by a common noun.
    institution_nouns: re.Pattern[str] | None = None


_LIST_KEYS = ("speech_verbs", "source_phrases", "denial_verbs", "negations", "hedges",
              "first_person", "pronouns", "titles", "weapon_cues", "negative_concord",
              "denial_phrases", "sidebar_markers", "former_markers", "time_phrases",
              "range_words", "exclusive_words", "exclusive_tails", "place_prepositions",
              "place_nouns", "complementizers", "source_postpositions", "irrealis", "nobody",
              "own_possessives", "maker_marks", "relative_openers", "report_nouns",
              "report_links", "false_verdicts", "event_nouns", "inclusion_markers",
              "target_prepositions", "partitive", "relative_pronouns", "pronoun_sources",
              "institution_nouns", "nominal_predicates", "document_nouns", "document_verbs")
_WORD_SET_KEYS = ("non_subject_prepositions", "noun_markers", "place_suffixes",
                  "perfect_auxiliaries", "participle_endings", "voice_nouns",
                  "attribution_adverbs", "author_markers")
# Relations of a time to its date, in the order a tie is read; "on" is the date itself.
TIME_RELATIONS = ("before", "after", "since", "until", "between", "on")
_MAP_KEYS = ("numbers", "months", "weekdays", "relative_days")
# Lists of the `anaphora` section; `nouns` (by kind) and `pronouns` (by number) are maps.
_ANAPHORA_LISTS = ("determiners", "subject_pronouns", "object_pronouns", "adjective_endings",
                   "passive_auxiliaries", "passive_endings", "agent_markers", "singular_markers")
_ANAPHORA_KEYS = (*_ANAPHORA_LISTS, "nouns", "pronouns", "bare_nouns")


def load_lexicon_data(paths: list[Path]) -> dict:
    """Merge the YAML lexicons at `paths` (lists are concatenated, predicates merged by name)."""
    merged: dict = {key: [] for key in (*_LIST_KEYS, *_WORD_SET_KEYS, "clause_breaks")}
    for key in _MAP_KEYS:
        merged[key] = {}
    merged["predicates"] = {}
    merged["classes"] = {}
    merged["demonyms"] = {}
    merged["time_relations"] = {relation: [] for relation in TIME_RELATIONS}
    merged["anaphora"] = {key: [] for key in _ANAPHORA_LISTS}
    merged["anaphora"].update(nouns={}, pronouns={})
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        _merge_anaphora(path, data.get("anaphora") or {}, merged["anaphora"])
        merged["target_classes"] = merged.get("target_classes", []) + list(
            data.get("target_classes") or [])
        if data.get("strike_predicate"):
            merged["strike_predicate"] = data["strike_predicate"]
        for state, spec in (data.get("demonyms") or {}).items():
            for key in ("names", "adjectives"):
                _check_text(path, f"demonyms.{state}.{key}", (spec or {}).get(key) or [])
            entry = merged["demonyms"].setdefault(state, {"names": [], "adjectives": []})
            entry["names"] += (spec or {}).get("names") or []
            entry["adjectives"] += (spec or {}).get("adjectives") or []
        for name, spec in (data.get("classes") or {}).items():
            nouns = spec.get("nouns") if isinstance(spec, dict) else spec
            _check_text(path, f"classes.{name}", nouns or [])
            merged["classes"].setdefault(name, []).extend(nouns or [])
            if isinstance(spec, dict) and spec.get("any_claim"):
                merged.setdefault("claimed_classes", set()).add(name)
            if isinstance(spec, dict) and spec.get("covers_all"):
                merged.setdefault("universal_classes", set()).add(name)
        for key in (*_LIST_KEYS, *_WORD_SET_KEYS, "clause_breaks"):
            entries = data.get(key) or []
            _check_text(path, key, entries)
            merged[key].extend(entries)
        for key in _MAP_KEYS:
            merged[key].update(data.get(key) or {})
        for relation, words in (data.get("time_relations") or {}).items():
            if relation not in merged["time_relations"]:
                raise LexiconError(f"{path.name}: time_relations: {relation!r} is not one of "
                                   f"{', '.join(TIME_RELATIONS)}")
            _check_text(path, f"time_relations.{relation}", words or [])
            merged["time_relations"][relation].extend(words or [])
        for name, spec in (data.get("predicates") or {}).items():
            target = merged["predicates"].setdefault(
                name, {"words": [], "negated_words": [], "lemmas": []})
            for words_key in ("words", "negated_words", "lemmas"):
                _check_text(path, f"predicates.{name}.{words_key}", spec.get(words_key) or [])
                target[words_key].extend(spec.get(words_key) or [])
            for flag in ("weak", "intransitive", "implies", "as", "speaker_side",
                         "weapon_subject", "owner_loses", "event"):
                if flag in spec:
                    target[flag] = spec[flag]
    return merged


def _merge_anaphora(path: Path, section: dict, target: dict) -> None:
    unknown = set(section) - set(_ANAPHORA_KEYS)
    if unknown:
        raise LexiconError(f"{path.name}: anaphora: unknown key(s) {sorted(unknown)}")
    for key in _ANAPHORA_LISTS:
        _check_text(path, f"anaphora.{key}", section.get(key) or [])
        target[key].extend(section.get(key) or [])
    # Nouns are kept apart by whether this file's language reads them bare (no articles).
    bare = bool(section.get("bare_nouns"))
    for kind, words in (section.get("nouns") or {}).items():
        _check_text(path, f"anaphora.nouns.{kind}", words or [])
        target["nouns"].setdefault((str(kind), bare), []).extend(words or [])
    for number, words in (section.get("pronouns") or {}).items():
        _check_text(path, f"anaphora.pronouns.{number}", words or [])
        target["pronouns"].setdefault(str(number), []).extend(words or [])


class LexiconError(ValueError):
    """A lexicon file holds an entry that cannot be a cue (a number, true/false, a list)."""


def _check_text(path: Path, key: str, entries: list) -> None:
    for entry in entries:
        if not isinstance(entry, str):
            raise LexiconError(f"{path.name}: {key}: {entry!r} is not text (quote it; YAML reads "
                               "unquoted yes/no/on/off as true/false)")


def build_lexicon(data: dict) -> Lexicon:
    lexicon = Lexicon()
    for key in _LIST_KEYS:
        setattr(lexicon, key, compile_terms(data[key]))
    words = sorted({re.escape(fold(w)) for w in data["complementizers"]}, key=len, reverse=True)
    if words:
        lexicon.connectors = re.compile(
            rf"^[\s,:;—–-]*(?:[^,.;:\"«“]{{0,40}}?(?<!\w)(?:{'|'.join(words)})(?!\w))?[\s,:;—–-]*",
            re.IGNORECASE)
    breaks = list(dict.fromkeys(fold(b) for b in data["clause_breaks"]))
    if breaks:
        lexicon.clause_breaks = re.compile(_literals(breaks))
    for key in _WORD_SET_KEYS:
        setattr(lexicon, key, frozenset(fold(str(w)) for w in data[key]))
    for key in _MAP_KEYS:
        table = {fold(str(k)): int(v) for k, v in data[key].items()}
        setattr(lexicon, key, table)
        setattr(lexicon, f"{key}_pattern", compile_terms(list(table)))
    for relation, words in data.get("time_relations", {}).items():
        pattern = compile_terms(words)
        if pattern is not None:
            lexicon.time_relations[relation] = re.compile(rf"(?:{pattern.pattern})\Z")
    terms: dict[int, list[str]] = {}  # id of each predicate -> the terms of its pattern
    for name, spec in data["predicates"].items():
        forms = word_forms(tuple(spec.get("lemmas") or ()))
        for words, negative in ((spec["words"], False), (spec.get("negated_words") or [], True)):
            if not words and forms and not negative:
                words = forms[:1]
            pattern = compile_terms(words)
            if pattern is None:
                continue
            predicate = Predicate(
                name=name, pattern=pattern, weak=bool(spec.get("weak")),
                intransitive=bool(spec.get("intransitive")), implies=spec.get("implies"),
                evidence_for=spec.get("as"), negative=negative,
                speaker_side=bool(spec.get("speaker_side")),
                weapon_subject=bool(spec.get("weapon_subject")),
                placeless=bool(spec.get("placeless")),
                owner_loses=spec.get("owner_loses"),
                event=spec.get("event"),
            )
            lexicon.predicates.append(predicate)
            terms[id(predicate)] = list(words)
            if not negative:
                for form in forms:
                    lexicon.predicate_forms.setdefault(fold(form), predicate)
    if lexicon.predicate_forms:
        letters = sorted({form[0] for form in lexicon.predicate_forms if form})
        lexicon.predicate_form_letters = re.compile(f"[{''.join(map(re.escape, letters))}]")
    lexicon.anaphora = build_anaphora(data.get("anaphora") or {})
    if lexicon.irrealis is not None:
        # Only a plan or order that ends right before a predicate counts: anchor at the end.
        lexicon.irrealis = re.compile(rf"(?:{lexicon.irrealis.pattern})\s*$")
        last = {fold(str(term)).split()[-1] for term in data["irrealis"]}
        lexicon.irrealis_last_words = frozenset(w for w in last if not w.endswith("*"))
        lexicon.irrealis_last_prefixes = tuple(w[:-1] for w in last if w.endswith("*"))
    if lexicon.report_nouns is not None and lexicon.report_links is not None:
        lexicon.reported = re.compile(rf"(?:{lexicon.report_nouns.pattern})\s*,?\s*"
                                      rf"(?:{lexicon.report_links.pattern})")
    lexicon.loss_classes = frozenset(p.owner_loses for p in lexicon.predicates if p.owner_loses)
    classes = {name: nouns for name, nouns in (data.get("classes") or {}).items() if nouns}
    lexicon.classes = frozenset(classes)
    lexicon.target_classes = frozenset(data.get("target_classes") or ())
    lexicon.strike_predicate = data.get("strike_predicate")
    for spec in (data.get("demonyms") or {}).values():
        adjectives = [adjective_base(a) for a in spec["adjectives"]]
        for name in spec["names"]:
            lexicon.demonyms.setdefault(fold(name), []).extend(adjectives)
    lexicon.claimed_classes = frozenset(data.get("claimed_classes") or ())
    lexicon.universal_classes = frozenset(data.get("universal_classes") or ())
    if classes:
        lexicon.class_groups = {f"c{i}": name for i, name in enumerate(classes)}
        lexicon.class_nouns = _grouped({f"c{i}": nouns
                                        for i, nouns in enumerate(classes.values())})
    if data["source_phrases"] or data["source_postpositions"]:
        lexicon.source_cues = _grouped({"before": data["source_phrases"],
                                        "after": data["source_postpositions"]})
    # Strong classes first: where two classes match at one place, the strong one is read.
    ordered = sorted(lexicon.predicates, key=lambda p: p.weak)
    lexicon.predicate_groups = {f"p{i}": p for i, p in enumerate(ordered)}
    if ordered:
        lexicon.predicate_pattern = _grouped(
            {name: terms[id(p)] for name, p in lexicon.predicate_groups.items()})
    return lexicon


def _grouped(groups: dict[str, list[str]]) -> re.Pattern[str]:
    """One pattern with a named group per list of terms, and one word-start check in front of
    all the groups whose terms begin with a letter (a check per group made the predicate
    pattern twice as slow once four languages were merged)."""
    worded, other = [], []
    for name, group_terms in groups.items():
        if not group_terms:
            continue
        letters, rest = term_alternatives(group_terms)
        if rest:  # a group's name can be used once: such a group keeps its own checks
            other.append(f"(?P<{name}>{compile_terms(group_terms).pattern})")
        elif letters:
            worded.append(f"(?P<{name}>{'|'.join(letters)})")
    parts = ([rf"(?<!\w)(?:{'|'.join(worded)})"] if worded else []) + other
    return re.compile("|".join(parts))


def build_anaphora(data: dict) -> AnaphoraCues | None:
    """The anaphora cues compiled into one pattern: pronouns, then a group per kind of noun."""
    groups: dict[str, tuple[str, bool]] = {}
    nouns: list[str] = []
    for index, ((kind, bare), words) in enumerate(sorted((data.get("nouns") or {}).items())):
        alternatives = _worded(words)
        if alternatives:
            groups[f"n{index}"] = (kind, bare)
            nouns.append(f"(?P<n{index}>{alternatives})")
    subjects = {fold(w) for w in data.get("subject_pronouns") or []}
    objects = {fold(w) for w in data.get("object_pronouns") or []}
    pronouns: dict[str, Pronoun] = {}
    for number, words in (data.get("pronouns") or {}).items():
        for word in map(fold, words):
            # A pronoun listed in neither case list may stand in either place.
            either = word not in subjects and word not in objects
            pronouns[word] = Pronoun(number, either or word in subjects, either or word in objects)
    pronoun_alternatives = _worded(list(pronouns))
    groups_pattern = ([f"(?P<pro>{pronoun_alternatives})"] if pronoun_alternatives else []) + nouns
    if not groups_pattern:
        return None

    def words(key: str) -> frozenset[str]:
        return frozenset(fold(w) for w in data.get(key) or [])

    # One word-start check in front of every group, as in compile_terms: four times faster
    # than a check per group.
    return AnaphoraCues(
        pattern=re.compile(rf"(?<!\w)(?:{'|'.join(groups_pattern)})"), noun_groups=groups,
        pronouns=pronouns, determiners=words("determiners"),
        adjective_endings=tuple(sorted(words("adjective_endings"), key=len, reverse=True)),
        passive_auxiliaries=words("passive_auxiliaries"),
        passive_endings=tuple(sorted(words("passive_endings"), key=len, reverse=True)),
        agent_markers=words("agent_markers"), singular_markers=words("singular_markers"),
        noun_pattern=re.compile(rf"(?<!\w)(?:{'|'.join(nouns)})") if nouns else None,
    )


def _worded(terms: list[str]) -> str:
    worded, other = term_alternatives(terms)
    if other:
        raise LexiconError(f"anaphora: {other!r}: a word must begin with a letter")
    return "|".join(worded)


@cache
def word_forms(lemmas: tuple[str, ...]) -> list[str]:
    """Every form of each Russian lemma (сбить → собьют, сбила, сбитых ...), from the
    pymorphy3 dictionary at load time, so matching stays a plain lookup; a word the
    dictionary does not know is kept as written."""
    if not lemmas:
        return []
    analyzer = _morph_analyzer()
    forms: list[str] = []
    for lemma in lemmas:
        parses = [p for p in analyzer.parse(lemma) if p.is_known and p.normal_form == lemma]
        forms.append(lemma)
        if parses:
            forms.extend(form.word for form in parses[0].lexeme)
    return list(dict.fromkeys(forms))


@cache
def _morph_analyzer():
    import pymorphy3  # loaded only when a lexicon lists lemmas

    return pymorphy3.MorphAnalyzer()


def adjective_base(term: str) -> str:
    """A demonym as a base form names are matched from: "сирийск*" -> "сирийский"; others
    as written."""
    if not term.endswith("*"):
        return term
    stem = term[:-1]
    return stem + ("ий" if stem[-1:] in "кгхжшчщ" else "ый")


def lexicon_paths(extra_dir: Path | None = None) -> list[Path]:
    paths = sorted(LEXICON_DIR.glob("*.yaml"))
    if extra_dir is not None:
        paths += sorted(extra_dir.glob("*.yaml"))
    return paths


@cache
def default_lexicon() -> Lexicon:
    """The bundled lexicons of every language, merged (mixed-language text is common)."""
    return build_lexicon(load_lexicon_data(lexicon_paths()))
