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
    parts = []
    for term in sorted({fold(str(t)) for t in terms}, key=len, reverse=True):
        prefix = term.endswith("*")
        body = re.escape(term.rstrip("*")).replace(r"\ ", r"\s+")
        left = r"(?<!\w)" if term[:1].isalnum() else ""
        right = r"\w*" if prefix else (r"(?!\w)" if term[-1:].isalnum() else "")
        parts.append(f"{left}{body}{right}")
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


_LIST_KEYS = ("speech_verbs", "source_phrases", "denial_verbs", "negations", "hedges",
              "first_person", "pronouns", "titles", "weapon_cues")


def load_lexicon_data(paths: list[Path]) -> dict:
    """Merge the YAML lexicons at `paths` (lists are concatenated, predicates merged by name)."""
    merged: dict = {key: [] for key in (*_LIST_KEYS, "clause_breaks")}
    merged["numbers"] = {}
    merged["predicates"] = {}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key in (*_LIST_KEYS, "clause_breaks"):
            merged[key].extend(data.get(key) or [])
        merged["numbers"].update(data.get("numbers") or {})
        for name, spec in (data.get("predicates") or {}).items():
            target = merged["predicates"].setdefault(name, {"words": []})
            target["words"].extend(spec.get("words") or [])
            for flag in ("weak", "intransitive", "implies", "as"):
                if flag in spec:
                    target[flag] = spec[flag]
    return merged


def build_lexicon(data: dict) -> Lexicon:
    lexicon = Lexicon()
    for key in _LIST_KEYS:
        setattr(lexicon, key, compile_terms(data[key]))
    breaks = [fold(b) for b in data["clause_breaks"]]
    if breaks:
        lexicon.clause_breaks = re.compile("|".join(re.escape(b) for b in breaks))
    lexicon.numbers = {fold(str(k)): int(v) for k, v in data["numbers"].items()}
    lexicon.numbers_pattern = compile_terms(list(lexicon.numbers))
    for name, spec in data["predicates"].items():
        pattern = compile_terms(spec["words"])
        if pattern is None:
            continue
        lexicon.predicates.append(Predicate(
            name=name, pattern=pattern, weak=bool(spec.get("weak")),
            intransitive=bool(spec.get("intransitive")), implies=spec.get("implies"),
            evidence_for=spec.get("as"),
        ))
    return lexicon


def lexicon_paths(extra_dir: Path | None = None) -> list[Path]:
    paths = sorted(LEXICON_DIR.glob("*.yaml"))
    if extra_dir is not None:
        paths += sorted(extra_dir.glob("*.yaml"))
    return paths


@cache
def default_lexicon() -> Lexicon:
    """The bundled lexicons of every language, merged (mixed-language text is common)."""
    return build_lexicon(load_lexicon_data(lexicon_paths()))
