"""Scores the blind article sets end to end, as a user would run claimwatch on them.

Each set is served as four news sites on 127.0.0.1; `claimwatch run` ingests them with the
set's own watchlist (embedded Prefect, SQLite), `claimwatch export` writes what was found, and
that is compared with the labels: mentions per (article, entity), statements per (article,
speaker), conflicts per pair of statements (reprints and restatements counted once).

    python -m tests.quality.blind                 # the development sets
    python -m tests.quality.blind --heldout       # the held-out set: first sight and the end only
    python -m tests.quality.blind red-sea --failures
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from claimwatch.sample_site import SampleSite
from tests.quality.blind_sets import BlindSet, gold_conflicts, load_set, problems, set_names
from tests.quality.blind_site import render_site, source_entry
from tests.quality.score import BASELINE, Counts


@dataclass
class Exports:
    articles: list[dict]
    mentions: list[dict]
    statements: list[dict]
    conflicts: list[dict]


@dataclass
class SetScore:
    name: str
    articles: int
    stored: int
    mentions: Counts = field(default_factory=Counts)
    statements: Counts = field(default_factory=Counts)
    conflicts: Counts = field(default_factory=Counts)
    duplicates: int = 0
    failures: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {"articles": self.articles, "stored": self.stored,
                                 "duplicate_conflicts": self.duplicates}
        for layer in ("mentions", "statements", "conflicts"):
            counts: Counts = getattr(self, layer)
            out[f"{layer}_precision"] = round(counts.precision, 4)
            out[f"{layer}_recall"] = round(counts.recall, 4)
            out[f"{layer}_f1"] = round(counts.f1, 4)
            out[f"{layer}_gold"] = counts.tp + counts.fn
            out[f"{layer}_found"] = counts.tp + counts.fp
        return out


def run_set(blind: BlindSet, workdir: Path) -> Exports:
    """Serve the set, run one `claimwatch run` over it and export what it stored."""
    site_root = workdir / "site"
    render_site(blind, site_root)
    env = {**os.environ, "PREFECT_HOME": str(workdir / "prefect"),
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}
    env.pop("PREFECT_API_URL", None)
    with SampleSite(root=site_root, port=0) as site:
        config = {"database_url": f"sqlite:///{workdir / 'claimwatch.db'}",
                  "sources": [source_entry(o, site.base) for o in blind.outlets],
                  "watchlist": str((blind.folder / "watchlist.yaml").resolve())}
        config_path = workdir / "claimwatch.yaml"
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        command = [sys.executable, "-m", "claimwatch", "--config", str(config_path)]
        ran = subprocess.run([*command, "run"], env=env, capture_output=True, text=True,
                             timeout=900)
        if ran.returncode not in (0, 1) or "failed: source" in ran.stderr:
            raise RuntimeError(f"claimwatch run failed ({ran.returncode}):\n{ran.stderr[-4000:]}")

        def export(kind: str) -> list[dict]:
            out = subprocess.run([*command, "export", kind, "--format", "json"], env=env,
                                 capture_output=True, text=True, timeout=300, check=True)
            return json.loads(out.stdout)

        return Exports(export("articles"), export("mentions"), export("statements"),
                       export("conflicts"))


def slug_of(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".html")


def _urls(statement: dict) -> set[str]:
    return {statement["article_url"], *(s["article_url"] for s in statement.get("sources") or [])}


def _surname(name: str) -> str:
    words = [w for w in name.replace(".", " ").split() if w[:1].isalpha()]
    return words[-1].casefold() if words else name.casefold()


def same_speaker(gold: str, speaker: dict, watch_ids: set[str]) -> bool:
    """Whether a found speaker ({id, name}) is the labelled one (a watchlist id or a name)."""
    if gold in watch_ids:
        return speaker.get("id") == gold
    if speaker.get("id"):
        return False
    a, b = _surname(gold), _surname(speaker.get("name") or "")
    if a == b:
        return True
    # Declined surnames ("Утиашвили" / "Утиашвили", "Гнунну" / "Гнунну") share a long stem.
    stem = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        stem += 1
    return stem >= 4 and stem >= min(len(a), len(b)) - 2


def score_set(blind: BlindSet, exports: Exports) -> SetScore:
    watch_ids = {w["id"] for w in blind.watchlist}
    slugs = {a.slug for a in blind.articles}
    stored = {slug_of(a["url"]) for a in exports.articles} & slugs
    score = SetScore(blind.name, articles=len(slugs), stored=len(stored))
    failures = score.failures

    gold_mentions = {(a.slug, m) for a in blind.articles for m in a.mentions}
    found_mentions = {(slug_of(m["article_url"]), m["entity"]) for m in exports.mentions}
    found_mentions = {x for x in found_mentions if x[0] in slugs}
    score.mentions.tp += len(gold_mentions & found_mentions)
    score.mentions.fp += len(found_mentions - gold_mentions)
    score.mentions.fn += len(gold_mentions - found_mentions)
    failures += [f"mention missed {s}: {e}" for s, e in sorted(gold_mentions - found_mentions)]
    failures += [f"mention extra {s}: {e}" for s, e in sorted(found_mentions - gold_mentions)]

    # Statements: one per (article, speaker) on both sides, matched greedily per article.
    gold_by_slug: dict[str, list[str]] = {}
    for article in blind.articles:
        speakers = list(dict.fromkeys(s.speaker for s in article.statements))
        gold_by_slug[article.slug] = speakers
    found_by_slug: dict[str, list[dict]] = {}
    for statement in exports.statements:
        for url in _urls(statement):
            slug = slug_of(url)
            if slug in slugs:
                found_by_slug.setdefault(slug, []).append(statement)
    for slug in sorted(slugs):
        found = [statement["speaker"] for statement in found_by_slug.get(slug, [])]
        matched, extra, missed = match_speakers(gold_by_slug.get(slug, []), found, watch_ids)
        score.statements.tp += len(matched)
        score.statements.fp += len(extra)
        score.statements.fn += len(missed)
        failures += [f"statement extra {slug}: {s.get('id') or s.get('name')}" for s in extra]
        failures += [f"statement missed {slug}: {g}" for g in missed]

    _score_conflicts(blind, exports, score, watch_ids)
    return score


def match_speakers(gold: list[str], found: list[dict], watch_ids: set[str]
                   ) -> tuple[list[dict], list[dict], list[str]]:
    """One article's found speakers against its labelled ones: (matched, extra, missed).

    A speaker found in several statements counts once, as a labelled speaker does; matching
    is greedy in the order found. Other measurements of statements (bench.parser_assist)
    score through here so that their figures mean what the blind gate's do."""
    unmatched = list(dict.fromkeys(gold))
    speakers: list[dict] = []
    for speaker in found:
        if not any(_same_found(speaker, other) for other in speakers):
            speakers.append(speaker)
    matched, extra = [], []
    for speaker in speakers:
        match = next((g for g in unmatched if same_speaker(g, speaker, watch_ids)), None)
        if match is None:
            extra.append(speaker)
        else:
            unmatched.remove(match)
            matched.append(speaker)
    return matched, extra, unmatched


def _same_found(a: dict, b: dict) -> bool:
    return (a.get("id") or a.get("name")) == (b.get("id") or b.get("name"))


def _score_conflicts(blind: BlindSet, exports: Exports, score: SetScore,
                     watch_ids: set[str]) -> None:
    gold = gold_conflicts(blind)
    statements = blind.statements

    def candidates(found: dict) -> set[str]:
        slugs = {slug_of(u) for u in _urls(found)}
        return {blind.canonical(key) for key, s in statements.items()
                if s.slug in slugs and same_speaker(s.speaker, found["speaker"], watch_ids)}

    matched: set[frozenset[str]] = set()
    seen_pairs: set[frozenset[str]] = set()
    for conflict in exports.conflicts:
        if conflict.get("dismissed"):
            continue
        left, right = candidates(conflict["statement"]), candidates(conflict["conflicts_with"])
        pairs = {frozenset((a, b)) for a in left for b in right if a != b}
        hit = next((p for p in sorted(pairs, key=sorted) if p in gold and p not in matched),
                   None)
        described = (f"{conflict['proposition']}: "
                     f"{_describe(conflict['statement'])} <> {_describe(conflict['conflicts_with'])}")
        if hit is not None:
            matched.add(hit)
            seen_pairs.add(hit)
            score.conflicts.tp += 1
        elif pairs & matched:
            score.duplicates += 1
            score.failures.append(f"conflict duplicate {described}")
        else:
            score.conflicts.fp += 1
            score.failures.append(f"conflict extra {described}")
    for pair in sorted(gold - matched, key=sorted):
        score.conflicts.fn += 1
        a, b = sorted(pair)
        score.failures.append(f"conflict missed {a} ({statements[a].speaker}) <> "
                              f"{b} ({statements[b].speaker})")


def _describe(statement: dict) -> str:
    speaker = statement["speaker"].get("id") or statement["speaker"].get("name")
    return f"[{slug_of(statement['article_url'])} {speaker}: {statement['text'][:90]!r}]"


def score(names: list[str], *, keep: Path | None = None) -> list[SetScore]:
    scores = []
    for name in names:
        blind = load_set(name)
        wrong = problems(blind)
        if wrong:
            raise SystemExit(f"{name}: the labels are inconsistent:\n" + "\n".join(wrong))
        if keep is not None:
            workdir = keep / name
            workdir.mkdir(parents=True, exist_ok=True)
            exports = run_set(blind, workdir)
        else:
            with tempfile.TemporaryDirectory(prefix=f"blind-{name}-") as tmp:
                exports = run_set(blind, Path(tmp))
        scores.append(score_set(blind, exports))
    return scores


def format_scores(scores: list[SetScore]) -> str:
    columns = ("articles", "stored", "mentions_f1", "statements_precision", "statements_recall",
               "statements_f1", "conflicts_gold", "conflicts_found", "conflicts_precision",
               "conflicts_recall", "duplicate_conflicts")
    rows = [f"{'set':<22}" + "".join(f"{_short(c):>10}" for c in columns)]
    for s in scores:
        figures = s.figures()
        rows.append(f"{s.name:<22}" + "".join(_cell(figures[c]) for c in columns))
    return "\n".join(rows)


def _short(column: str) -> str:
    return {"articles": "articles", "stored": "stored", "mentions_f1": "ment F1",
            "statements_precision": "stmt P", "statements_recall": "stmt R",
            "statements_f1": "stmt F1", "conflicts_gold": "conf gold",
            "conflicts_found": "conf found", "conflicts_precision": "conf P",
            "conflicts_recall": "conf R", "duplicate_conflicts": "dupl"}[column]


def _cell(value: float) -> str:
    return f"{value:>10.3f}" if isinstance(value, float) else f"{value:>10}"


# The figures the gate holds each development set to; conflict precision joins them once
# enough conflicts are found for it to mean something.
PINNED = ("stored", "mentions_f1", "statements_f1", "conflicts_recall")


def pin(scores: list[SetScore]) -> None:
    baseline = json.loads(BASELINE.read_text(encoding="utf-8"))
    blind = baseline.setdefault("blind", {})
    for s in scores:
        figures = s.figures()
        blind[s.name] = {key: figures[key] for key in PINNED} | {
            "max_duplicate_conflicts": figures["duplicate_conflicts"]}
    BASELINE.write_text(json.dumps(baseline, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.quality.blind", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="*", help="set names (default: the development sets)")
    parser.add_argument("--heldout", action="store_true", help="score the held-out set(s)")
    parser.add_argument("--failures", action="store_true", help="list every difference")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="keep each run's site, database and config here")
    parser.add_argument("--pin", action="store_true",
                        help="write the development sets' figures as floors in baseline.json")
    args = parser.parse_args(argv)
    roles = set_names()
    names = args.sets or (roles["heldout"] if args.heldout else roles["development"])
    scores = score(names, keep=args.keep)
    print(format_scores(scores))
    if args.failures:
        for s in scores:
            print(f"\n== {s.name}")
            print("\n".join(s.failures) or "(none)")
    if args.pin:
        pin(scores)
    if args.json:
        args.json.write_text(json.dumps({s.name: s.figures() for s in scores}, indent=2),
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
