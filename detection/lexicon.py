"""Cue lexicons (YAML per language) compiled into patterns over folded text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

from detection.text import fold

LEXICON_DIR = Path(__file__).parent / "lexicons"


def compile_terms(terms: list[str]) -> re.Pattern[str] | None:
    """One regex for a list of terms; `word*` is a prefix, spaces match any whitespace."""
    worded, other = [], []
    for term in sorted({fold(str(t)) for t in terms}, key=len, reverse=True):
        prefix = term.endswith("*")
        body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
        right = r"\w*" if prefix else (r"(?!\w)" if term[-1:].isalnum() else "")
        (worded if term[:1].isalnum() else other).append(f"{body}{right}")
    # One word-start check for all the terms that begin with a letter: the regex engine then
    # tries the alternatives only where a word begins, not at every character.
    parts = ([rf"(?<!\w)(?:{'|'.join(worded)})"] if worded else []) + other
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


_LIST_KEYS = ("speech_verbs", "source_phrases", "denial_verbs", "negations", "hedges",
              "first_person", "pronouns", "titles", "weapon_cues", "negative_concord",
              "denial_phrases", "sidebar_markers", "former_markers", "time_phrases",
              "range_words", "exclusive_words", "exclusive_tails", "place_prepositions",
              "place_nouns")
_WORD_SET_KEYS = ("non_subject_prepositions", "noun_markers", "place_suffixes")
# Relations of a time to its date, in the order a tie is read; "on" is the date itself.
TIME_RELATIONS = ("before", "after", "since", "until", "between", "on")
_MAP_KEYS = ("numbers", "months", "weekdays", "relative_days")


def load_lexicon_data(paths: list[Path]) -> dict:
    """Merge the YAML lexicons at `paths` (lists are concatenated, predicates merged by name)."""
    merged: dict = {key: [] for key in (*_LIST_KEYS, *_WORD_SET_KEYS, "clause_breaks")}
    for key in _MAP_KEYS:
        merged[key] = {}
    merged["predicates"] = {}
    merged["time_relations"] = {relation: [] for relation in TIME_RELATIONS}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
            for flag in ("weak", "intransitive", "implies", "as", "speaker_side"):
                if flag in spec:
                    target[flag] = spec[flag]
    return merged


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
    breaks = [fold(b) for b in data["clause_breaks"]]
    if breaks:
        lexicon.clause_breaks = re.compile("|".join(re.escape(b) for b in breaks))
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
    for name, spec in data["predicates"].items():
        forms = word_forms(tuple(spec.get("lemmas") or ()))
        for words, negative in ((spec["words"], False), (spec.get("negated_words") or [], True)):
            pattern = compile_terms(words) or (compile_terms(forms[:1]) if forms and not negative
                                               else None)
            if pattern is None:
                continue
            predicate = Predicate(
                name=name, pattern=pattern, weak=bool(spec.get("weak")),
                intransitive=bool(spec.get("intransitive")), implies=spec.get("implies"),
                evidence_for=spec.get("as"), negative=negative,
                speaker_side=bool(spec.get("speaker_side")),
            )
            lexicon.predicates.append(predicate)
            if not negative:
                for form in forms:
                    lexicon.predicate_forms.setdefault(fold(form), predicate)
    # Strong classes first: where two classes match at one place, the strong one is read.
    ordered = sorted(lexicon.predicates, key=lambda p: p.weak)
    lexicon.predicate_groups = {f"p{i}": p for i, p in enumerate(ordered)}
    if ordered:
        lexicon.predicate_pattern = re.compile("|".join(
            f"(?P<{name}>{p.pattern.pattern})" for name, p in lexicon.predicate_groups.items()))
    return lexicon


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


def lexicon_paths(extra_dir: Path | None = None) -> list[Path]:
    paths = sorted(LEXICON_DIR.glob("*.yaml"))
    if extra_dir is not None:
        paths += sorted(extra_dir.glob("*.yaml"))
    return paths


@cache
def default_lexicon() -> Lexicon:
    """The bundled lexicons of every language, merged (mixed-language text is common)."""
    return build_lexicon(load_lexicon_data(lexicon_paths()))
