"""A small outlet with a listing page per day, served by ScriptedServer: the backfill fixture site.

The articles are written for these tests: two of them contradict each other about missile use,
so a backfill of the range must raise a (historical) conflict.
"""

from __future__ import annotations

from datetime import date

import yaml

from tests.http_server import ScriptedServer

ARTICLES = {
    "2020-10-01": [
        ("ministry-denies-iskander-use", "Ministry denies missile use", "2020-10-01T09:00:00+00:00",
         "Speaking to reporters in Moscow, Russian Defence Ministry spokesman Igor Konashenkov "
         "said that not a single Iskander missile had been fired by Armenian forces during the "
         "autumn fighting."),
        ("harvest-festival-postponed", "Harvest festival postponed", "2020-10-01T15:30:00+00:00",
         "The organisers of the autumn harvest festival in the valley moved the event to next "
         "spring because of the fighting, and promised that tickets would stay valid."),
    ],
    "2020-10-02": [
        ("border-villages-shelter", "Border villages open shelters", "2020-10-02T11:00:00+00:00",
         "Residents of several border villages spent the night in basements converted into "
         "shelters, local officials said, and schools in the district stayed closed."),
    ],
    "2020-10-03": [
        ("hakobyan-says-iskanders-used", "Former chief of staff on missile strikes",
         "2020-10-03T08:00:00+00:00",
         "Movses Hakobyan, a former head of the general staff, said on Tuesday that Armenian "
         "forces used Iskander missiles against the town of Shusha in the final days of the war."),
        ("rail-line-reopens", "Rail line reopens after repairs", "2020-10-03T17:45:00+00:00",
         "The railway between the two northern towns reopened after three weeks of repairs to "
         "a damaged bridge, and the first train ran almost empty."),
    ],
}
# 2020-10-03 spreads over two listing pages; 2020-10-04 has no archive page (a quiet day).
SECOND_PAGE_DAY = "2020-10-03"


def article_html(title: str, published: str, text: str) -> bytes:
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta property="article:published_time" content="{published}"></head>
<body><nav><a href="/">Home</a></nav><article><h1>{title}</h1>
<time datetime="{published}">{published}</time>
<div class="article-body"><p>{text}</p><p>The report was compiled by our regional desk from
interviews and official statements, and will be updated as more becomes known.</p></div>
</article></body></html>""".encode()


def listing_html(slugs: list[tuple[str, str]], next_href: str | None) -> bytes:
    links = "".join(f'<h2 class="title"><a href="/news/{slug}.html">{title}</a></h2>'
                    for slug, title in slugs)
    more = f'<a class="next" href="{next_href}">Older</a>' if next_href else ""
    return f"<html><body><nav><a href='/'>Home</a></nav>{links}{more}</body></html>".encode()


class ArchiveSite:
    """Routes of the fixture outlet; `refuse` holds archive paths answered 403 for now."""

    def __init__(self):
        self.server = ScriptedServer()
        self.refuse: set[str] = set()
        html = {"Content-Type": "text/html; charset=utf-8"}
        self.server.route("/index.html", (200, html, listing_html([], None)))
        for day, articles in ARTICLES.items():
            for slug, title, published, text in articles:
                self.server.route(f"/news/{slug}.html",
                                  (200, html, article_html(title, published, text)))
            slugs = [(slug, title) for slug, title, _, _ in articles]
            path = self.archive_path(day)
            if day == SECOND_PAGE_DAY:
                second = f"/archive/{day}-2.html"
                self._serve(path, listing_html(slugs[:1], second))
                self._serve(second, listing_html(slugs[1:], None))
            else:
                self._serve(path, listing_html(slugs, None))

    @staticmethod
    def archive_path(day: str | date) -> str:
        return f"/archive/{day}.html"

    def _serve(self, path: str, body: bytes) -> None:
        def respond():
            if path in self.refuse:
                return 403, {}, b"forbidden"
            return 200, {"Content-Type": "text/html; charset=utf-8"}, body

        self.server.routes[path] = respond

    @property
    def base(self) -> str:
        return self.server.base

    def close(self) -> None:
        self.server.close()


def write_config(folder, base: str, database_url: str, smtp_port: int = 2525) -> str:
    """A config with the archive outlet, the watchlist the articles need, one immediate recipient."""
    raw = {
        "database_url": database_url,
        "sources": [{"id": "archive-news", "kind": "listing", "url": f"{base}/index.html",
                     "link_selector": "h2.title a", "next_selector": "a.next",
                     "archive_url": base + "/archive/{date:%Y-%m-%d}.html", "language": "en",
                     # A local fixture server needs no politeness delay.
                     "crawl_delay": 0}],
        "watchlist": [
            {"id": "iskander", "kind": "weapon", "name": "9K720 Iskander", "aliases": ["Iskander"]},
            {"id": "armenia", "kind": "actor", "name": "Armenia",
             "aliases": ["Armenia", "Armenian forces"]},
            {"id": "russia-mod", "kind": "actor", "name": "Russian Ministry of Defence",
             "aliases": ["Russian Defence Ministry"]},
            {"id": "konashenkov", "kind": "actor", "name": "Igor Konashenkov",
             "aliases": ["Igor Konashenkov", "Konashenkov"], "member_of": "russia-mod"},
            {"id": "hakobyan", "kind": "actor", "name": "Movses Hakobyan",
             "aliases": ["Movses Hakobyan"]},
        ],
        "alerts": {"smtp": {"host": "127.0.0.1", "port": smtp_port},
                   "recipients": [{"email": "analyst@example.org", "mode": "immediate"}]},
    }
    path = folder / "claimwatch.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    return str(path)
