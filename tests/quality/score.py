"""Scores detection on the annotated development sets: precision, recall and F1 per layer.

Run `python -m tests.quality.score` (add `--failures` to list every case that differs from
its annotation, `--pin` to write the current figures as the new floors in baseline.json).
The development sets (en, ru) were used to build the rules; the held-out set was not, and its
figures are reported apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from claimwatch.config import Config
from detection import Detector

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
WATCHLIST = ROOT / "watchlist.example.yaml"
DEVSETS = {"en": HERE / "devset_en.yaml", "ru": HERE / "devset_ru.yaml",
           "heldout": HERE / "heldout.yaml"}
DEVELOPMENT = ("en", "ru")
BASELINE = HERE / "baseline.json"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: Counter, found: Counter) -> bool:
        hit = sum((gold & found).values())
        self.tp += hit
        self.fp += sum(found.values()) - hit
        self.fn += sum(gold.values()) - hit
        return gold == found

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Ratio:
    right: int = 0
    total: int = 0

    @property
    def value(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Report:
    mentions: Counts = field(default_factory=Counts)
    speakers: Counts = field(default_factory=Counts)
    claims: Counts = field(default_factory=Counts)
    # Words that stand for a weapon named before ("the missiles", "они"), with that weapon.
    references: Counts = field(default_factory=Counts)
    polarity: Ratio = field(default_factory=Ratio)
    roles: Ratio = field(default_factory=Ratio)
    said_on: Ratio = field(default_factory=Ratio)
    failures: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for layer in ("mentions", "speakers", "claims", "references"):
            counts: Counts = getattr(self, layer)
            out[f"{layer}_precision"] = counts.precision
            out[f"{layer}_recall"] = counts.recall
            out[f"{layer}_f1"] = counts.f1
        out["polarity_accuracy"] = self.polarity.value
        out["role_accuracy"] = self.roles.value
        out["said_on_accuracy"] = self.said_on.value
        return {key: round(value, 4) for key, value in out.items()}


def load_watchlist() -> list:
    """The example watchlist, validated as a configuration would validate it."""
    items = yaml.safe_load(WATCHLIST.read_text(encoding="utf-8"))
    return Config.model_validate({"watchlist": items}).watchlist


def load_cases(language: str) -> list[dict]:
    return yaml.safe_load(DEVSETS[language].read_text(encoding="utf-8"))


def _speaker_key(value: str | None) -> str:
    return (value or "").strip().casefold()


def _claim(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def score_case(detector: Detector, case: dict, report: Report) -> None:
    published = case.get("published")
    found = detector.detect(case["text"], published_on=published)
    gold_mentions = Counter(tuple(m.split(":", 1)) for m in case.get("mentions") or [])
    got_mentions = Counter((m.entity, m.surface) for m in found.mentions)
    problems = []
    if not report.mentions.add(gold_mentions, got_mentions):
        problems.append(f"mentions {sorted(got_mentions.elements())} != {sorted(gold_mentions.elements())}")
    gold_statements = case.get("statements") or []
    got_keys = [_speaker_key(s.speaker.id or s.speaker.name) for s in found.statements]
    gold_keys = [_speaker_key(s["speaker"]) for s in gold_statements]
    if not report.speakers.add(Counter(gold_keys), Counter(got_keys)):
        problems.append(f"speakers {got_keys} != {gold_keys}")
    gold_claims = Counter(_claim(c) for s in gold_statements for c in s.get("claims") or [])
    got_claims = Counter((c.subject, c.predicate, c.object, c.polarity)
                         for s in found.statements for c in s.claims)
    if not report.claims.add(gold_claims, got_claims):
        problems.append(f"claims {sorted(got_claims)} != {sorted(gold_claims)}")
    gold_references = Counter(tuple(r.split(":", 1)) for r in case.get("refers") or [])
    # One pair per referring words, however many frames they gave ("explode" and its "use").
    got_references = Counter((entity, surface) for entity, surface, _ in {
        (c.object, c.anaphor.surface, c.anaphor.start)
        for s in found.statements for c in s.claims if c.anaphor is not None})
    if not report.references.add(gold_references, got_references):
        problems.append(f"refers {sorted(got_references.elements())} != "
                        f"{sorted(gold_references.elements())}")
    gold_polarity = {c[:3]: c[3] for c in gold_claims}
    got_polarity = {c[:3]: c[3] for c in got_claims}
    for proposition in gold_polarity.keys() & got_polarity.keys():
        report.polarity.total += 1
        report.polarity.right += gold_polarity[proposition] == got_polarity[proposition]
    _score_statement_details(gold_statements, found.statements, published, report, problems)
    if problems:
        report.failures.append(f"{case['id']}: " + "; ".join(problems))


def _score_statement_details(gold_statements: list[dict], statements: list, published,
                             report: Report, problems: list[str]) -> None:
    """Role and date of each gold statement, against the found statement of the same speaker."""
    unused = list(statements)
    for gold in gold_statements:
        key = _speaker_key(gold["speaker"])
        match = next((s for s in unused if _speaker_key(s.speaker.id or s.speaker.name) == key),
                     None)
        if match is None:
            continue
        unused.remove(match)
        if "role" in gold:
            report.roles.total += 1
            right = _speaker_key(match.role) == _speaker_key(gold["role"])
            report.roles.right += right
            if not right:
                problems.append(f"role {match.role!r} != {gold['role']!r}")
        expected = gold.get("said_on", published)
        if isinstance(expected, date):
            report.said_on.total += 1
            report.said_on.right += match.said_on == expected
            if match.said_on != expected:
                problems.append(f"said_on {match.said_on} != {expected}")


def evaluate(languages: tuple[str, ...] = DEVELOPMENT,
             detector: Detector | None = None) -> dict[str, Report]:
    """A report per set and one for all of them together ('all')."""
    detector = detector or Detector(load_watchlist())
    reports = {"all": Report()}
    for language in languages:
        reports[language] = Report()
        for case in load_cases(language):
            score_case(detector, case, reports[language])
            score_case(detector, case, reports["all"])
    reports["all"].failures = []  # each failure is listed once, under its language
    return reports


def format_table(reports: dict[str, Report]) -> str:
    names = list(reports)
    rows = [f"{'metric':<22}" + "".join(f"{n:>9}" for n in names)]
    keys = list(next(iter(reports.values())).figures())
    for key in keys:
        rows.append(f"{key:<22}" + "".join(f"{reports[n].figures()[key]:>9.3f}" for n in names))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.quality.score", description=__doc__)
    parser.add_argument("--failures", action="store_true", help="list cases that differ")
    parser.add_argument("--pin", action="store_true", help="write the figures to baseline.json")
    args = parser.parse_args(argv)
    detector = Detector(load_watchlist())
    reports = evaluate(detector=detector)
    heldout = evaluate(("heldout",), detector=detector)["heldout"]
    sys.stdout.write(format_table({**reports, "heldout": heldout}) + "\n")
    if args.failures:
        for language, report in {**reports, "heldout": heldout}.items():
            for failure in report.failures:
                sys.stdout.write(f"[{language}] {failure}\n")
    if args.pin:
        pinned = {"development": reports["all"].figures(), "heldout": heldout.figures()}
        BASELINE.write_text(json.dumps(pinned, indent=2, sort_keys=True) + "\n",
                            encoding="utf-8")
        sys.stdout.write(f"pinned {BASELINE.name}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
