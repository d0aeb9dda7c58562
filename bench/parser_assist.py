"""Speakers of Russian statements: the rules alone against the rules helped by a parser.

Run `python -m bench.parser_assist` (needs the `parser` extra, natasha; options: set names,
--runs N, --show). Reads the Russian articles of the development blind sets
(tests/quality/blind/, never the held-out set) and finds statements twice:

- rules only: `Detector.detect` on the article body, with the set's own watchlist;
- parser-assisted: the same, and then every sentence with a speech verb (or "по словам X",
  "по данным X") where the rules found no statement is parsed alone with natasha; the
  verb's nsubj (the nmod of "словам"/"данным") is the speaker: the watchlist actor the rules
  found in that phrase, else the PER/ORG name natasha tags there, as written.

Both are scored as the blind gate scores statements: pairs (article, speaker) matched with
`tests.quality.blind.match_speakers`. Prints precision, recall and F1 per set and overall,
the sentences parsed, and the parse time per parsed sentence (median, p95), per article and
per 5 KB of text; --show lists every speaker the parser added and whether it was labelled.
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field

from claimwatch.config import WatchItem
from detection import Detector, Mention, ancestors
from detection.mentions import Entity
from detection.text import Sentence, find_quotes, fold, fold_aligned, split_sentences
from tests.quality.blind import match_speakers
from tests.quality.blind_sets import ArticleCase, load_set, set_names
from tests.quality.score import Counts

# The sources the parser reads besides speech verbs: the lexicon lists them as phrases, and
# only these two have a noun whose nmod is the source.
_SOURCE_LEMMAS = {"слово", "данные"}
_SOURCE = re.compile(r"(?<!\w)по\s+(?:[\w-]+\s+)?(?:словам|данным)(?!\w)")
_CYRILLIC = re.compile(r"[а-яё]")
# Branches that leave the subject phrase: a relative clause or a coordinated verb names what
# the subject did, not who it is, and can carry other actors' names.
_OUTSIDE_PHRASE = {"acl", "acl:relcl", "parataxis", "conj", "cc", "punct", "advcl"}
_NAMES = {"PER", "ORG"}


@dataclass(frozen=True)
class Token:
    """What the speaker search needs of a parsed token; offsets are into the article."""

    id: str
    head: str
    rel: str
    text: str
    lemma: str
    start: int
    end: int


@dataclass(frozen=True)
class NamedSpan:
    kind: str
    text: str
    start: int
    end: int


@dataclass
class ArticleRun:
    slug: str
    chars: int
    gold: list[str]
    rules: list[dict]
    added: list[dict] = field(default_factory=list)
    parse_ms: list[float] = field(default_factory=list)
    detect_ms: float = 0.0


@dataclass
class SetRun:
    name: str
    articles: list[ArticleRun]
    watch_ids: set[str]
    rules: Counts = field(default_factory=Counts)
    assisted: Counts = field(default_factory=Counts)


def watchlist_of(raw: list[dict]) -> list[WatchItem]:
    return [WatchItem.model_validate(item) for item in raw]


def score_pairs(runs: list[ArticleRun], watch_ids: set[str], *, assisted: bool) -> Counts:
    """Statements as the blind gate counts them: one pair per (article, speaker)."""
    counts = Counts()
    for run in runs:
        found = run.rules + run.added if assisted else run.rules
        matched, extra, missed = match_speakers(run.gold, found, watch_ids)
        counts.tp += len(matched)
        counts.fp += len(extra)
        counts.fn += len(missed)
    return counts


def candidate_sentences(text: str, sentences: list[Sentence], lexicon,
                        statement_starts: list[int]) -> list[Sentence]:
    """Sentences that read as speech (a Russian speech verb, or "по словам/данным X") and in
    which the rules found no statement: the only ones worth a parse."""
    chosen = []
    for sentence in sentences:
        if any(sentence.start <= s < sentence.end for s in statement_starts):
            continue
        words = text[sentence.start:sentence.end]
        if speech_verbs(words, lexicon) or _SOURCE.search(fold(words)):
            chosen.append(sentence)
    return chosen


def speech_verbs(sentence_text: str, lexicon) -> list[int]:
    """Where Russian speech verbs start in a sentence, leaving out those inside quotation
    marks: a verb in a quotation is the quoted speaker's own word, not the attribution."""
    quotes = find_quotes(sentence_text)
    return [m.start() for m in lexicon.speech_verbs.finditer(fold_aligned(sentence_text))
            if _CYRILLIC.search(m.group())
            and not any(start <= m.start() < end for start, end in quotes)]


def speech_heads(tokens: list[Token], sentence_text: str, offset: int, lexicon) -> list[Token]:
    """The tokens a speaker hangs from: speech verbs, and the nouns of "по словам/данным"."""
    starts = [offset + start for start in speech_verbs(sentence_text, lexicon)]
    heads = [t for t in tokens if any(t.start <= s < t.end for s in starts)]
    prepositions = {t.head for t in tokens if t.rel == "case" and t.lemma == "по"}
    return heads + [t for t in tokens if is_source_noun(t) and t.id in prepositions]


def is_source_noun(token: Token) -> bool:
    return token.lemma in _SOURCE_LEMMAS


def _phrase(head: Token, children: dict[str, list[Token]]) -> list[Token]:
    phrase, stack = [head], [head]
    while stack:
        for child in children.get(stack.pop().id, []):
            if child.rel not in _OUTSIDE_PHRASE:
                phrase.append(child)
                stack.append(child)
    return phrase


def speakers_in(tokens: list[Token], names: list[NamedSpan], heads: list[Token],
                mentions: list[Mention], entities: dict[str, Entity]) -> list[dict]:
    """Speakers ({id, name}) of the given heads in one parsed sentence."""
    children: dict[str, list[Token]] = {}
    for token in tokens:
        children.setdefault(token.head, []).append(token)
    subjects: list[Token] = []
    for head in heads:
        wanted = "nmod" if is_source_noun(head) else "nsubj"
        for child in children.get(head.id, []):
            if child.rel == wanted:
                # "Россия и Грузия заявили": each conjunct is a speaker.
                subjects += [child, *(c for c in children.get(child.id, []) if c.rel == "conj")]
    found: list[dict] = []
    for subject in subjects:
        phrase = _phrase(subject, children)
        start, end = min(t.start for t in phrase), max(t.end for t in phrase)
        named = [n for n in names if n.start < subject.end and subject.start < n.end]
        for n in named:
            start, end = min(start, n.start), max(end, n.end)
        actors = [m for m in mentions if m.start < end and start < m.end
                  and entities.get(m.entity) is not None and entities[m.entity].kind == "actor"]
        if actors:
            # The most specific actor named: a spokesman before his ministry, the ministry
            # before its state; then the one nearest the subject's own word.
            best = min(actors, key=lambda m: (-len(ancestors(m.entity, entities)),
                                              abs(m.start - subject.start)))
            speaker = {"id": best.entity, "name": entities[best.entity].name}
        else:
            tagged = [n for n in names if n.kind in _NAMES and n.start < end and start < n.end]
            if not tagged:
                continue
            best = min(tagged, key=lambda n: abs(n.start - subject.start))
            speaker = {"id": None, "name": best.text}
        if speaker not in found:
            found.append(speaker)
    return found


class RussianParser:
    """natasha's news models, loaded once; `parse` reads one sentence."""

    def __init__(self):
        from natasha import (
            Doc,
            MorphVocab,
            NewsEmbedding,
            NewsMorphTagger,
            NewsNERTagger,
            NewsSyntaxParser,
            Segmenter,
        )
        self._doc = Doc
        self.segmenter = Segmenter()
        embedding = NewsEmbedding()
        self.morph = NewsMorphTagger(embedding)
        self.syntax = NewsSyntaxParser(embedding)
        self.ner = NewsNERTagger(embedding)
        self.vocab = MorphVocab()

    def parse(self, text: str, offset: int) -> tuple[list[Token], list[NamedSpan]]:
        doc = self._doc(text)
        doc.segment(self.segmenter)
        doc.tag_morph(self.morph)
        doc.parse_syntax(self.syntax)
        doc.tag_ner(self.ner)
        for token in doc.tokens:
            token.lemmatize(self.vocab)
        tokens = [Token(t.id, t.head_id, t.rel, t.text, t.lemma, offset + t.start,
                        offset + t.stop) for t in doc.tokens]
        names = [NamedSpan(s.type, s.text, offset + s.start, offset + s.stop) for s in doc.spans]
        return tokens, names


def run_article(article: ArticleCase, detector: Detector, parser: RussianParser,
                runs: int) -> ArticleRun:
    text = "\n\n".join(article.paragraphs)
    detector.detect(text, article.published.date())  # the first call loads the lexicons
    started = time.perf_counter()
    detection = detector.detect(text, article.published.date())
    detect_ms = (time.perf_counter() - started) * 1000
    rules = [{"id": s.speaker.id, "name": s.speaker.name} for s in detection.statements]
    run = ArticleRun(article.slug, len(text), [s.speaker for s in article.statements], rules,
                     detect_ms=detect_ms)
    lexicon = detector.lexicon
    for sentence in candidate_sentences(text, split_sentences(text), lexicon,
                                        [s.start for s in detection.statements]):
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            tokens, names = parser.parse(text[sentence.start:sentence.end], sentence.start)
            timings.append((time.perf_counter() - started) * 1000)
        run.parse_ms.append(statistics.median(timings))
        heads = speech_heads(tokens, text[sentence.start:sentence.end], sentence.start, lexicon)
        for speaker in speakers_in(tokens, names, heads, detection.mentions, detector.entities):
            if speaker not in run.added:
                run.added.append(speaker)
    return run


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)] if ordered else 0.0


def _row(name: str, articles: list[ArticleRun], rules: Counts, assisted: Counts) -> str:
    parsed = [ms for a in articles for ms in a.parse_ms]
    chars = sum(a.chars for a in articles)
    total = sum(parsed)
    cells = [f"{name:<16}", f"{len(articles):>4}", f"{rules.tp + rules.fn:>5}",
             *(f"{v:>7.3f}" for v in (rules.precision, rules.recall, rules.f1)),
             *(f"{v:>7.3f}" for v in (assisted.precision, assisted.recall, assisted.f1)),
             f"{len(parsed):>7}", f"{sum(len(a.added) for a in articles):>6}",
             f"{statistics.median(parsed) if parsed else 0.0:>8.1f}", f"{_p95(parsed):>8.1f}",
             f"{total / len(articles) if articles else 0.0:>9.1f}",
             f"{total / chars * 5000 if chars else 0.0:>9.1f}",
             f"{sum(a.detect_ms for a in articles) / chars * 5000 if chars else 0.0:>9.1f}"]
    return " ".join(cells)


HEADER = " ".join([f"{'set':<16}", f"{'arts':>4}", f"{'gold':>5}", f"{'rule P':>7}",
                   f"{'rule R':>7}", f"{'rule F1':>7}", f"{'pars P':>7}", f"{'pars R':>7}",
                   f"{'pars F1':>7}", f"{'parsed':>7}", f"{'added':>6}", f"{'med ms':>8}",
                   f"{'p95 ms':>8}", f"{'ms/art':>9}", f"{'ms/5KB':>9}", f"{'rules/5KB':>9}"])


def _key(speaker: dict) -> str:
    return speaker.get("id") or speaker.get("name") or ""


def _natasha_installed() -> bool:
    # Looked up, not imported: importing it loads numpy, whose thread count is set first.
    return importlib.util.find_spec("natasha") is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.parser_assist", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", help="development set names (default: all of them)")
    parser.add_argument("--runs", type=int, default=3,
                        help="parses of each sentence; its time is their median")
    parser.add_argument("--show", action="store_true",
                        help="list the speakers the parser added, labelled or not")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS threads for the parser's matrix products (default 1)")
    args = parser.parse_args(argv)
    roles = set_names()
    # The held-out set is read only at first sight and at the end: never from here.
    development = [n for n in roles["development"] if n not in roles["heldout"]]
    names = args.sets or development
    refused = [n for n in names if n not in development]
    if refused:
        parser.error(f"not a development set: {', '.join(refused)}")
    if not _natasha_installed():
        sys.stderr.write("bench.parser_assist: natasha is not installed (pip install "
                         "'claimwatch[parser]'); skipped.\n")
        return 0

    if "numpy" in sys.modules:
        sys.stderr.write("bench.parser_assist: numpy was imported before --threads could "
                         "apply; the thread count is numpy's own.\n")
    # OpenBLAS's threads wait on each other when other work holds a core: on two cores the
    # same sentences took 200 ms and more with its default pool, 5 ms with one thread.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)
    started = time.perf_counter()
    russian = RussianParser()
    russian.parse("Министр заявил, что удара не было.", 0)  # first call builds the models
    loaded = time.perf_counter() - started
    results: list[SetRun] = []
    for name in names:
        blind = load_set(name)
        detector = Detector(watchlist_of(blind.watchlist))
        articles = [run_article(a, detector, russian, args.runs) for a in blind.articles
                    if a.language == "ru"]
        result = SetRun(name, articles, {w["id"] for w in blind.watchlist})
        result.rules = score_pairs(articles, result.watch_ids, assisted=False)
        result.assisted = score_pairs(articles, result.watch_ids, assisted=True)
        results.append(result)

    lines = [f"natasha models loaded in {loaded:.2f} s; each parsed sentence timed as the "
             f"median of {args.runs} parses, {args.threads} BLAS thread(s)", HEADER]
    overall_rules, overall_assisted = Counts(), Counts()
    for result in results:
        lines.append(_row(result.name, result.articles, result.rules, result.assisted))
        for total, part in ((overall_rules, result.rules), (overall_assisted, result.assisted)):
            total.tp += part.tp
            total.fp += part.fp
            total.fn += part.fn
    lines.append(_row("overall", [a for r in results for a in r.articles], overall_rules,
                      overall_assisted))
    if args.show:
        for result in results:
            lines.append(f"\n== {result.name}")
            for run in result.articles:
                missed = match_speakers(run.gold, run.rules, result.watch_ids)[2]
                for speaker in run.added:
                    if any(_key(speaker) == _key(r) for r in run.rules):
                        verdict = "found by the rules elsewhere in the article"
                    elif match_speakers(missed, [speaker], result.watch_ids)[0]:
                        verdict = "labelled, missed by the rules"
                    else:
                        verdict = "not labelled"
                    lines.append(f"{run.slug}: + {speaker['id'] or speaker['name']}: {verdict}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
