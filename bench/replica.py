"""A replica news site of any size for benchmarks: outlets in English and Russian, each with a
sitemap and an RSS feed, pages of 100-200 KB with navigation, sidebars and comments, and
watchlist mentions and attributed statements at realistic rates.

    python -m bench.replica --articles 20000 --outlets 10 --out /path/to/site

Text is assembled from sentence templates written for this benchmark; it is not real news.
"""

from __future__ import annotations

import argparse
import html
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import yaml

START = datetime(2020, 9, 27, 6, tzinfo=timezone.utc)
WEAPONS = {"en": [("iskander", "Iskander"), ("bayraktar", "Bayraktar"), ("s-300", "S-300"),
                  ("smerch", "Smerch"), ("harop", "Harop")],
           "ru": [("iskander", "Искандер"), ("bayraktar", "Байрактар"), ("s-300", "С-300"),
                  ("smerch", "Смерч"), ("harop", "Harop")]}
ACTORS = {"en": [("armenia", "Armenia"), ("azerbaijan", "Azerbaijan"), ("russia", "Russia"),
                 ("turkey", "Turkey")],
          "ru": [("armenia", "Армения"), ("azerbaijan", "Азербайджан"), ("russia", "Россия"),
                 ("turkey", "Турция")]}
SPEAKERS = {"en": ["Karen Petrosyan", "Elnur Mammadov", "Pavel Sokolov", "Aylin Demir"],
            "ru": ["Карен Петросян", "Эльнур Мамедов", "Павел Соколов", "Айлин Демир"]}
STATEMENTS = {
    "en": ["{speaker} said that {actor} used {weapon} missiles near the front line.",
           "{speaker} denied that {actor} used {weapon} systems during the fighting.",
           "According to {speaker}, {actor} never fired {weapon} rockets at towns.",
           "{speaker} told reporters that {actor} has {weapon} complexes in its arsenal."],
    "ru": ["{speaker} заявил, что {actor} применяла {weapon} у линии фронта.",
           "{speaker} опроверг, что {actor} использовала {weapon} в ходе боев.",
           "По словам {speaker}, {actor} не запускала ракеты {weapon} по городам."]}
FILLER = {
    "en": ["Residents of the district spent another night in basements as shelling continued.",
           "Local officials reported damage to a school and two apartment blocks.",
           "The regional government said it would publish casualty figures later in the week.",
           "Aid groups asked for safe corridors to reach villages cut off by the fighting.",
           "Analysts expect the talks to resume once both delegations return to the capital.",
           "Prices for fuel and bread rose sharply in the markets of the border towns."],
    "ru": ["Жители района провели еще одну ночь в подвалах из-за продолжающихся обстрелов.",
           "Местные власти сообщили о повреждениях школы и двух жилых домов.",
           "Региональное правительство пообещало опубликовать данные о потерях позднее.",
           "Гуманитарные организации просят открыть коридоры к отрезанным селам.",
           "Эксперты ожидают возобновления переговоров после возвращения делегаций.",
           "Цены на топливо и хлеб на рынках приграничных городов резко выросли."]}
NAV = " ".join(f'<li><a href="/section/{n}">Section {n}</a></li>' for n in range(60))


def watchlist() -> list[dict]:
    items = []
    for (wid, en), (_, ru) in zip(WEAPONS["en"], WEAPONS["ru"], strict=True):
        items.append({"id": wid, "kind": "weapon", "name": en, "aliases": [en, ru]})
    for (aid, en), (_, ru) in zip(ACTORS["en"], ACTORS["ru"], strict=True):
        items.append({"id": aid, "kind": "actor", "name": en, "aliases": [en, ru]})
    return items


def article_page(rng: random.Random, outlet: str, language: str, number: int,
                 published: datetime, with_statement: bool) -> tuple[str, str]:
    weapon = rng.choice(WEAPONS[language])[1]
    actor = rng.choice(ACTORS[language])[1]
    paragraphs = [rng.choice(FILLER[language]) + " " + rng.choice(FILLER[language])
                  for _ in range(rng.randint(5, 9))]
    if rng.random() < 0.3:
        paragraphs.insert(1, f"{actor} {'and the' if language == 'en' else 'и'} {weapon} "
                             + rng.choice(FILLER[language]))
    if with_statement:
        paragraphs.insert(rng.randint(0, len(paragraphs)), rng.choice(STATEMENTS[language])
                          .format(speaker=rng.choice(SPEAKERS[language]), actor=actor,
                                  weapon=weapon))
    title = f"{outlet} report {number}: {rng.choice(FILLER[language])[:60]}"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    sidebar = "".join(f'<li><a href="/related/{rng.randrange(10**6)}">'
                      f"{html.escape(rng.choice(FILLER[language]))}</a></li>" for _ in range(12))
    comments = "".join(f'<div class="comment"><b>reader{rng.randrange(999)}</b><p>'
                       f"{html.escape(rng.choice(FILLER[language]))}</p></div>" for _ in range(15))
    # Real pages carry 100-200 KB of markup around a few KB of text: mega-menus, teaser
    # grids, related links. Markup, not scripts, so the extractor does real work on it.
    teasers = "".join(
        f'<div class="teaser"><a href="/story/{rng.randrange(10**7)}"><img src="/img/'
        f'{rng.randrange(10**7)}.jpg" alt="photo"></a><h4><a href="/story/{rng.randrange(10**7)}">'
        f"{html.escape(rng.choice(FILLER[language])[:50])}</a></h4><span class=\"meta\">"
        f"{rng.randrange(1, 28)}.{rng.randrange(1, 12)}.2020</span></div>"
        for _ in range(rng.randint(40, 90)))
    # ...and inline data and styles, as CMS pages do.
    state = ",".join(f'"k{n}": "{rng.randrange(10**12):x}"' for n in range(rng.randint(4200, 7500)))
    padding = (f'<div class="more-stories">{teasers}</div>'
               f'<script>window.__STATE__ = {{{state}}};</script>')
    page = (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title>"
            f'<meta property="article:published_time" content="{published.isoformat()}">'
            f'<link rel="canonical" href="{{{{BASE}}}}/{outlet}/a/{number}.html"></head>'
            f'<body><header><ul class="nav">{NAV}</ul></header><main><article>'
            f"<h1>{html.escape(title)}</h1><time datetime=\"{published.isoformat()}\"></time>"
            f'<div class="article-body">{body}</div></article>'
            f'<aside><h3>Related</h3><ul>{sidebar}</ul></aside>'
            f'<section class="comments">{comments}</section>{padding}</main>'
            f'<footer><ul class="nav">{NAV}</ul></footer></body></html>')
    return title, page


def generate(out: Path, articles: int, outlets: int, seed: int = 1) -> dict:
    """Write the site under `out`; returns {"outlets": [...], "watchlist": [...]}."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    names = [f"outlet{n:02d}" for n in range(outlets)]
    entries: dict[str, list[tuple[int, datetime, str]]] = {name: [] for name in names}
    for number in range(articles):
        outlet = names[number % outlets]
        language = "ru" if names.index(outlet) % 2 else "en"
        published = START + timedelta(minutes=37 * number)
        title, page = article_page(rng, outlet, language, number, published,
                                   with_statement=rng.random() < 0.15)
        folder = out / outlet / "a"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{number}.html").write_text(page, encoding="utf-8")
        entries[outlet].append((number, published, title))
    for outlet, items in entries.items():
        write_indexes(out / outlet, outlet, items)
    return {"outlets": names, "watchlist": watchlist(), "entries": entries}


def write_indexes(folder: Path, outlet: str, items: list[tuple[int, datetime, str]]) -> None:
    urls = "".join(f"<url><loc>{{{{BASE}}}}/{outlet}/a/{n}.html</loc>"
                   f"<lastmod>{when.date().isoformat()}</lastmod></url>" for n, when, _ in items)
    (folder / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><urlset '
        f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>', encoding="utf-8")
    latest = sorted(items, key=lambda item: item[1])[-50:]
    feed_items = "".join(
        f"<item><title>{html.escape(title)}</title><link>{{{{BASE}}}}/{outlet}/a/{n}.html</link>"
        f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S +0000')}</pubDate></item>"
        for n, when, title in latest)
    (folder / "feed.xml").write_text(f'<?xml version="1.0"?><rss version="2.0"><channel>'
                                     f"<title>{outlet}</title>{feed_items}</channel></rss>",
                                     encoding="utf-8")


def config_for(site: dict, base: str, database_url: str, kind: str = "sitemap") -> dict:
    """A claimwatch configuration over the replica's outlets."""
    return {"database_url": database_url,
            "sources": [{"id": name, "kind": kind, "crawl_delay": 0,
                         "url": f"{base}/{name}/{'sitemap.xml' if kind == 'sitemap' else 'feed.xml'}"}
                        for name in site["outlets"]],
            "watchlist": site["watchlist"], "alerts": {"recipients": []}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--outlets", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    site = generate(args.out, args.articles, args.outlets)
    (args.out / "watchlist.yaml").write_text(yaml.safe_dump(site["watchlist"], allow_unicode=True),
                                             encoding="utf-8")
    print(f"{args.articles} articles over {args.outlets} outlets written to {args.out}")


if __name__ == "__main__":
    main()
