"""Detection speed: one ~5 KB article against a watchlist of 5,000 generated aliases.

Run `python -m bench.detection` (options: --aliases N, --runs N). Prints the time to compile
the watchlist and the median and 95th percentile time of `Detector.detect` per article, and
the median CPU time (less disturbed by other work on a shared machine).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from claimwatch.config import WatchItem
from detection import Detector

_LATIN = ["ka", "ro", "vi", "an", "sh", "el", "ur", "to", "ma", "ne", "zi", "do", "li", "ar"]
_CYRILLIC = ["ка", "ро", "ви", "ан", "ше", "ел", "ур", "то", "ма", "не", "зи", "до", "ли", "ар"]
_ARMENIAN = ["կա", "ռո", "վի", "ան", "շե", "էլ", "ուր", "տո", "մա", "նե", "զի", "դո", "լի", "ար"]

# Sentences in the style of the wire copy claimwatch reads, with the names slotted in.
_SENTENCES = [
    "{actor} said on Tuesday that {state} forces had fired {weapon} missiles at the depot.",
    "According to {actor}, air defences shot down three {weapon} drones over the region.",
    "«Ни один комплекс „{weapon_ru}“ не применялся», — заявил {actor_ru}.",
    "{actor} declined to say whether the {weapon} launchers had been moved closer to the border.",
    "Officials in the capital described the night as calm, with no damage to power lines.",
    "По данным {actor_ru}, обломки ракеты {weapon_ru} нашли на окраине города.",
    "The ministry's statement did not name the units involved or the number of launches.",
    "{actor} denied that {state} had ever bought {weapon} systems from abroad.",
]


def _name(rng: random.Random, syllables: list[str]) -> str:
    return "".join(rng.choice(syllables) for _ in range(rng.randint(3, 4))).capitalize()


def build_watchlist(aliases: int, seed: int = 7) -> list[WatchItem]:
    """About `aliases` aliases over weapons and actors, in Latin, Cyrillic and Armenian."""
    rng = random.Random(seed)
    items: list[WatchItem] = []
    index = 0
    while sum(1 + len(i.aliases) for i in items) < aliases:
        kind = "weapon" if index % 3 == 0 else "actor"
        base = [rng.randrange(len(_LATIN)) for _ in range(rng.randint(3, 4))]
        latin = "".join(_LATIN[i] for i in base).capitalize()
        cyrillic = "".join(_CYRILLIC[i] for i in base).capitalize()
        armenian = "".join(_ARMENIAN[i] for i in base)
        items.append(WatchItem(id=f"item-{index}", kind=kind, name=f"{latin} {index}",
                               aliases=[latin, cyrillic, armenian, f"{latin}-{index % 97}"]))
        index += 1
    return items


def build_article(watchlist: list[WatchItem], size: int = 5000, seed: int = 11) -> str:
    rng = random.Random(seed)
    weapons = [w for w in watchlist if w.kind == "weapon"]
    actors = [w for w in watchlist if w.kind == "actor"]
    paragraphs: list[str] = []
    while sum(len(p) + 1 for p in paragraphs) < size:
        weapon, actor = rng.choice(weapons), rng.choice(actors)
        sentence = rng.choice(_SENTENCES).format(
            actor=actor.aliases[0], actor_ru=actor.aliases[1], state=rng.choice(actors).aliases[0],
            weapon=weapon.aliases[0], weapon_ru=weapon.aliases[1])
        paragraphs.append(sentence)
    return "\n".join(paragraphs)[:size]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.detection", description=__doc__)
    parser.add_argument("--aliases", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args(argv)
    watchlist = build_watchlist(args.aliases)
    started = time.perf_counter()
    detector = Detector(watchlist)
    compiled = time.perf_counter() - started
    article = build_article(watchlist)
    detector.detect(article)  # warm the lexicon and caches
    timings, cpu = [], []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = detector.detect(article)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    alias_count = sum(1 + len(w.aliases) for w in watchlist)
    sys.stdout.write(
        f"watchlist: {len(watchlist)} entries, {alias_count} aliases; compiled in "
        f"{compiled:.2f} s\narticle: {len(article)} characters, {len(result.mentions)} mentions, "
        f"{len(result.statements)} statements\ndetect: median {statistics.median(timings):.2f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:.2f} ms over {args.runs} runs "
        f"(CPU time: median {statistics.median(cpu):.2f} ms)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
