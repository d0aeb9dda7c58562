"""The gazetteer: places with aliases and what they lie within, matched like watchlist names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

import yaml

from detection.mentions import Entity, Matcher, Mention, ScannedText
from detection.text import Normalized, fold, normalize

GAZETTEER_DIR = Path(__file__).parent / "gazetteer"
_ID = re.compile(r"^[a-z0-9-]+$")
PLACE = "place"


class GazetteerError(ValueError):
    """A gazetteer file names an unknown place, repeats itself in a loop, or is malformed."""


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    # The places it lies within, nearest first: Shusha → Nagorno-Karabakh. More than one
    # where areas are counted differently (a city inside an oblast and a historical region).
    within: tuple[str, ...] = ()
    # Areas it shares ground with though neither holds the other: never treated as apart.
    overlaps: tuple[str, ...] = ()


class Gazetteer:
    """Places by id, a matcher over their aliases, and containment between them."""

    def __init__(self, places: list[Place], aliases: dict[str, list[str]]):
        self.places = {p.id: p for p in places}
        self._check_references()
        self._up = {place_id: self._enclosing(place_id) for place_id in self.places}
        # Each place with all it lies within and all that lies within it: an overlap declared
        # anywhere in that family may put the place on shared ground.
        self._family: dict[str, set[str]] = {place_id: set(up) for place_id, up in self._up.items()}
        for place_id, up in self._up.items():
            for outer in up:
                self._family[outer].add(place_id)
        self._overlaps: dict[str, set[str]] = {place_id: set() for place_id in self.places}
        for place in places:
            for other in place.overlaps:
                self._overlaps[place.id].add(other)
                self._overlaps[other].add(place.id)
        self._matcher = Matcher([Entity(p.id, PLACE, p.name) for p in places], aliases)
        # Folded alias spellings: a mention longer than any of them carries a case suffix.
        self.spellings = {fold(alias) for names in aliases.values() for alias in names}

    def _check_references(self) -> None:
        for place in self.places.values():
            for other in (*place.within, *place.overlaps):
                if other not in self.places:
                    raise GazetteerError(f"place '{place.id}': unknown place '{other}'")

    def _enclosing(self, place_id: str) -> frozenset[str]:
        """Every place that holds `place_id`, itself included (a loop is refused)."""
        seen: set[str] = set()
        stack = [(place_id, (place_id,))]
        while stack:
            current, path = stack.pop()
            seen.add(current)
            for parent in self.places[current].within:
                if parent in path:
                    raise GazetteerError(f"place '{place_id}': 'within' loops back through "
                                         f"'{parent}'")
                stack.append((parent, (*path, parent)))
        return frozenset(seen)

    def find(self, text: str, norm: Normalized | None = None) -> list[Mention]:
        """Place mentions in `text`, longest first where they overlap, with offsets."""
        return self._matcher.find(text, norm=norm)

    def scan(self, norm: Normalized) -> ScannedText:
        """The places of a whole text, to be read back part by part."""
        return ScannedText(self._matcher, norm)

    def name(self, place_id: str) -> str:
        place = self.places.get(place_id)
        return place.name if place else place_id

    def within(self, inner: str, outer: str) -> bool:
        """Whether `inner` lies within `outer` (or is it)."""
        return inner in self.places and outer in self._up[inner]

    def apart(self, one: str, other: str) -> bool:
        """Whether two places surely share no ground: both known, neither holds the other, and
        no overlap is declared between a place that holds or lies within the one and a place
        that holds or lies within the other."""
        if one not in self.places or other not in self.places:
            return False
        if one in self._up[other] or other in self._up[one]:
            return False
        family = self._family[other]
        return not any(self._overlaps[a] & family for a in self._family[one])


class ArticlePlaces:
    """The gazetteer matched once over a whole article, for each statement to read its
    places from by offsets (matching statement by statement folded and scanned the text again
    for each). Matched on first use: an article without claims does not pay for it."""

    def __init__(self, gazetteer: Gazetteer, text: str, norm: Normalized | None = None):
        self.gazetteer, self._text = gazetteer, text
        self._norm = norm if norm is not None and norm.original is text else None

    @cached_property
    def _scanned(self) -> ScannedText:
        return self.gazetteer.scan(self._norm or normalize(self._text))

    def find(self, start: int, end: int) -> list[Mention]:
        """`Gazetteer.find(text[start:end])`: offsets are relative to `start`."""
        return self._scanned.find(start, end)


def load_gazetteer_data(paths: list[Path]) -> tuple[list[Place], dict[str, list[str]]]:
    """Places from the YAML files at `paths`; an id listed again adds aliases and links."""
    merged: dict[str, dict] = {}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = data.get("places") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise GazetteerError(f"{path.name}: expected a 'places:' list")
        for index, entry in enumerate(entries):
            where = f"{path.name}: places[{index}]"
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) \
                    or not _ID.match(entry["id"]):
                raise GazetteerError(f"{where}: needs an id of [a-z0-9-]")
            unknown = set(entry) - {"id", "name", "aliases", "within", "overlaps"}
            if unknown:
                raise GazetteerError(f"{where}: unknown key '{sorted(unknown)[0]}'")
            target = merged.setdefault(entry["id"], {"name": None, "aliases": [], "within": [],
                                                     "overlaps": []})
            if entry.get("name"):
                target["name"] = target["name"] or str(entry["name"])
            for key in ("aliases", "within", "overlaps"):
                values = entry.get(key) or []
                values = [values] if isinstance(values, str) else values
                if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                    raise GazetteerError(f"{where}.{key}: a list of text (quote yes/no/on/off)")
                target[key] += [v for v in values if v not in target[key]]
    places, aliases = [], {}
    for place_id, spec in merged.items():
        name = spec["name"] or place_id
        places.append(Place(place_id, name, tuple(spec["within"]), tuple(spec["overlaps"])))
        aliases[place_id] = list(dict.fromkeys([name, *spec["aliases"]]))
    return places, aliases


def build_gazetteer(paths: list[Path]) -> Gazetteer:
    return Gazetteer(*load_gazetteer_data(paths))


@cache
def default_gazetteer() -> Gazetteer:
    """The bundled gazetteer: every YAML file in `detection/gazetteer/`, merged."""
    return build_gazetteer(sorted(GAZETTEER_DIR.glob("*.yaml")))
