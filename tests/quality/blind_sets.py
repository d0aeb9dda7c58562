"""Blind article sets (tests/quality/blind/): loading, checking and the gold they imply.

The format is described in tests/quality/blind/FORMAT.md. Conflicts are not labelled: they
follow from the statements' positions on propositions, so a labeller states facts once and
every pair that disagrees is derived here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations
from pathlib import Path

import yaml

BLIND_ROOT = Path(__file__).parent / "blind"


@dataclass(frozen=True)
class Outlet:
    id: str
    name: str
    language: str
    kind: str


@dataclass(frozen=True)
class Position:
    proposition: str
    value: str  # "affirm", "deny", or a number as written ("4", "90%")


@dataclass
class GoldStatement:
    key: str  # "<slug>/<id>"
    slug: str
    speaker: str
    quote: str
    said_on: date | None
    same_as: str | None
    positions: list[Position]


@dataclass
class ArticleCase:
    slug: str
    outlet: str
    language: str
    published: datetime
    headline: str
    byline: str | None
    paragraphs: list[str]
    mentions: set[str]
    statements: list[GoldStatement]

    @property
    def author(self) -> str | None:
        if not self.byline:
            return None
        return re.sub(r"^(by|автор:?)\s+", "", self.byline.strip(), flags=re.IGNORECASE)


@dataclass
class BlindSet:
    name: str
    folder: Path
    outlets: list[Outlet]
    watchlist: list[dict]
    propositions: dict[str, str]
    articles: list[ArticleCase] = field(default_factory=list)

    @property
    def statements(self) -> dict[str, GoldStatement]:
        return {s.key: s for a in self.articles for s in a.statements}

    def canonical(self, key: str) -> str:
        """The first appearance of a statement that `key` reprints or restates."""
        statements = self.statements
        seen = set()
        while statements[key].same_as and key not in seen:
            seen.add(key)
            key = statements[key].same_as
        return key

    def positions_of(self, key: str) -> list[Position]:
        """A statement's positions, a reprint's being those of its original when it has none."""
        statements = self.statements
        own = statements[key].positions
        return own or statements[self.canonical(key)].positions


def set_names() -> dict[str, list[str]]:
    """The sets by role: {'development': [...], 'heldout': [...]} from sets.yaml."""
    roles = yaml.safe_load((BLIND_ROOT / "sets.yaml").read_text(encoding="utf-8"))
    return {role: list(names or []) for role, names in roles.items()}


def load_set(name: str, root: Path = BLIND_ROOT) -> BlindSet:
    folder = root / name

    def read(file: str):
        return yaml.safe_load((folder / file).read_text(encoding="utf-8"))

    blind = BlindSet(name=name, folder=folder,
                     outlets=[Outlet(o["id"], o["name"], o["language"], o["kind"])
                              for o in read("outlets.yaml")],
                     watchlist=read("watchlist.yaml"),
                     propositions=read("propositions.yaml") or {})
    for path in sorted((folder / "articles").glob("*.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        labels = raw.get("labels") or {}
        slug = raw["slug"]
        statements = [
            GoldStatement(key=f"{slug}/{s['id']}", slug=slug, speaker=str(s["speaker"]),
                          quote=str(s.get("quote") or ""), said_on=_date(s.get("said_on")),
                          same_as=s.get("same_as"),
                          positions=[Position(p["proposition"], str(p["value"]).strip())
                                     for p in s.get("positions") or []])
            for s in labels.get("statements") or []]
        published = raw["published"]
        if isinstance(published, str):
            published = datetime.fromisoformat(published)
        blind.articles.append(ArticleCase(
            slug=slug, outlet=raw["outlet"], language=raw["language"], published=published,
            headline=str(raw["headline"]).strip(), byline=raw.get("byline"),
            paragraphs=[str(p).strip() for p in raw["paragraphs"]],
            mentions=set(labels.get("mentions") or []), statements=statements))
    return blind


def _date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def problems(blind: BlindSet) -> list[str]:
    """What is inconsistent in a set's labels (an empty list for a sound set)."""
    found: list[str] = []
    ids = {w["id"] for w in blind.watchlist}
    outlets = {o.id for o in blind.outlets}
    statements = blind.statements
    for article in blind.articles:
        if article.outlet not in outlets:
            found.append(f"{article.slug}: unknown outlet {article.outlet}")
        found += [f"{article.slug}: mention {m} not on the watchlist"
                  for m in article.mentions - ids]
        texts = [article.headline, *article.paragraphs]
        for statement in article.statements:
            if statement.quote and not any(statement.quote in t for t in texts):
                found.append(f"{statement.key}: quote not in the text")
            if statement.same_as and statement.same_as not in statements:
                found.append(f"{statement.key}: same_as {statement.same_as} not labelled")
            found += [f"{statement.key}: unknown proposition {p.proposition}"
                      for p in statement.positions if p.proposition not in blind.propositions]
    return found


def _number(value: str) -> float | None:
    try:
        return float(value.rstrip("%").replace(",", ""))
    except ValueError:
        return None


def incompatible(a: str, b: str) -> bool:
    """Whether two positions on one proposition cannot both hold."""
    if a == b:
        return False
    na, nb = _number(a), _number(b)
    if na is not None and nb is not None:
        return na != nb
    if na is not None or nb is not None:
        number, word = (na, b) if na is not None else (nb, a)
        return (word == "deny" and number > 0) or (word == "affirm" and number == 0)
    return {a, b} == {"affirm", "deny"}


def gold_conflicts(blind: BlindSet) -> set[frozenset[str]]:
    """Every unordered pair of (canonical) statements holding incompatible positions."""
    by_proposition: dict[str, dict[str, set[str]]] = {}
    for key in blind.statements:
        canonical = blind.canonical(key)
        for position in blind.positions_of(key):
            by_proposition.setdefault(position.proposition, {}).setdefault(
                canonical, set()).add(position.value)
    pairs: set[frozenset[str]] = set()
    for holders in by_proposition.values():
        for (a, values_a), (b, values_b) in combinations(holders.items(), 2):
            if any(incompatible(x, y) for x in values_a for y in values_b):
                pairs.add(frozenset((a, b)))
    return pairs
