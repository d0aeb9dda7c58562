"""Whole ingestion runs over a faulty outlet: each fault costs one item, the next run catches up."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlmodel import Session, select

from claimwatch.config import Source
from claimwatch.ingest import ingest_source
from scrapers import make_client
from storage.db import engine_for
from storage.models import Article
from storage.url_state import url_states
from tests.ingestion_server import FaultServer, Reply
from tests.test_ingestion_http import gzip_bomb

HTML = {"Content-Type": "text/html; charset=utf-8"}


def article(title: str, sentences: str) -> bytes:
    body = "".join(f"<p>{s.strip()}.</p>" for s in sentences.split(".") if s.strip())
    return (f"<html lang='en'><head><title>{title}</title>"
            f"<meta property='article:published_time' content='2021-03-02T09:00:00+03:00'>"
            f"</head><body><nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}"
            f"</article><footer>All rights reserved</footer></body></html>").encode()


def story(topic: str) -> bytes:
    return article(f"Report on {topic}",
                   f"The regional correspondent filed a long report on {topic} this week. "
                   f"Several officials were asked about {topic} and most declined to comment. "
                   f"A spokesman promised a fuller statement on {topic} after the review ends. "
                   "Analysts expect the discussion to continue through the spring session")


RUSSIAN = ("Министерство обороны сообщило, что ракетные бригады завершили учения на юге страны. "
           "Проверка продолжится до весны, подробности обещают сообщить позднее после завершения "
           "всех инспекций в войсках. Журналисты задали вопросы о сроках и получили общий ответ")


class Outlet:
    """A faulty outlet: a malformed feed over every kind of bad article, with robots rules."""

    PATHS = ["ok", "slow", "limited", "flaky", "loop", "huge", "bomb", "cp1251", "gone"]

    def __init__(self, server: FaultServer):
        self.server = server
        self.feed_etag = '"feed-1"'
        base = server.base
        server.route("/robots.txt", Reply(200, {"Content-Type": "text/plain"},
                                          b"User-agent: *\nDisallow: /private/\n"))
        links = [f"{base}/news/{name}.html" for name in self.PATHS]
        links += [f"{base}/private/secret.html", "https://elsewhere.example/news/1.html",
                  f"http://localhost:{server.port}/news/internal.html"]
        # An unescaped ampersand and an unclosed <channel>: not well-formed, still readable.
        items = "".join(f"<item><title>Item {n} & more</title><link>{link}</link>"
                        f"<pubDate>Tue, 02 Mar 2021 09:00:00 GMT</pubDate></item>"
                        for n, link in enumerate(links))
        self.feed = f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}"
        server.routes["/feed.xml"] = self._feed
        self.break_things()

    def _feed(self) -> Reply:
        if self.server.requests[-1].headers.get("If-None-Match") == self.feed_etag:
            return Reply(304, {"ETag": self.feed_etag})
        return Reply(200, {"Content-Type": "application/rss+xml", "ETag": self.feed_etag},
                     self.feed.encode())

    def break_things(self) -> None:
        route = self.server.route
        route("/news/ok.html", Reply(200, HTML, story("the harbour")))
        route("/news/slow.html", Reply(stall=1.0, body=b""))
        route("/news/limited.html", Reply(429, {"Retry-After": "1"}),
              Reply(200, HTML, story("the border crossing")))
        route("/news/flaky.html", Reply(500), Reply(200, HTML, story("the railway")))
        route("/news/loop.html", Reply(302, {"Location": "/news/loop.html"}))
        route("/news/huge.html", Reply(200, HTML, b"<p>" + b"word " * 400_000, unsized=True))
        route("/news/bomb.html", Reply(200, {**HTML, "Content-Encoding": "gzip"}, gzip_bomb(50)))
        # windows-1251 bytes, no charset anywhere: detection has to find it.
        route("/news/cp1251.html", Reply(200, {"Content-Type": "text/html"}, (
            "<html><head><title>Учения завершены</title></head><body><article><h1>Учения "
            f"завершены</h1><p>{RUSSIAN}</p></article></body></html>").encode("cp1251")))
        route("/news/gone.html", Reply(404))
        route("/news/internal.html", Reply(200, HTML, story("an internal page")))
        route("/private/secret.html", Reply(200, HTML, story("a private matter")))

    def repair(self) -> None:
        self.server.route("/news/slow.html", Reply(200, HTML, story("the slow server")))
        self.server.route("/news/loop.html", Reply(200, HTML, story("the roundabout")))


@pytest.fixture
def outlet():
    server = FaultServer()
    yield Outlet(server)
    server.close()


def ingest(source: Source, engine):
    async def go():
        async with make_client(timeout_read=0.3, delay=0, max_bytes=1_000_000) as client:
            return await ingest_source(source, engine, backoff=0.01, client=client)

    return asyncio.run(go())


def test_each_fault_costs_one_item_and_the_next_runs_catch_up(outlet, database_url, caplog):
    engine = engine_for(database_url)
    server = outlet.server
    source = Source(id="faulty", kind="rss", url=f"{server.base}/feed.xml",
                    allowed_domains=["localhost"], crawl_delay=0)

    with caplog.at_level(logging.WARNING):
        first = ingest(source, engine)
    assert first.discovered == 12 - 1  # the off-site link is never even discovered
    assert dict(first.outcomes) == {"stored": 4, "fetch-error": 4, "too-large": 2,
                                    "robots-disallowed": 1, "malformed-index": 1}
    assert first.due_next_run == 2  # the stalled and the looping page
    for needle in ("not well-formed", "elsewhere.example", "ReadTimeout", "too many redirects",
                   "HTTP 404", "non-public address", "passed the cap", "disallowed by robots"):
        assert needle in caplog.text, needle
    assert server.hits("/private/secret.html") == server.hits("/news/internal.html") == 0
    with Session(engine) as session:
        russian = session.exec(select(Article).where(Article.url.like("%cp1251%"))).one()
        assert "ракетные бригады" in russian.text and russian.language == "ru"
        states = url_states(session=session, urls=[f"{server.base}/news/gone.html",
                                                   f"{server.base}/news/slow.html"])
    assert states[f"{server.base}/news/gone.html"].permanent_failure
    assert not states[f"{server.base}/news/slow.html"].permanent_failure

    outlet.repair()
    second = ingest(source, engine)
    assert dict(second.outcomes) == {"stored": 2, "known": 4, "known-failure": 4,
                                     "robots-disallowed": 1, "malformed-index": 1}
    assert second.due_next_run == 0
    assert server.hits("/news/gone.html") == 1  # a 404 is not asked again

    before = len(server.requests)
    third = ingest(source, engine)
    assert dict(third.outcomes) == {"not-modified": 1} and third.discovered == 0
    asked = server.requests[before:]
    assert [r.path for r in asked] == ["/robots.txt", "/feed.xml"]
    assert asked[1].headers.get("If-None-Match") == outlet.feed_etag
    with Session(engine) as session:
        assert len(session.exec(select(Article)).all()) == 6


def test_feed_validators_are_not_saved_while_items_are_due(outlet, tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'due.db'}")
    server = outlet.server
    source = Source(id="faulty", kind="rss", url=f"{server.base}/feed.xml", crawl_delay=0)
    ingest(source, engine)
    before = len(server.requests)
    second = ingest(source, engine)  # nothing repaired: the feed must be read in full again
    feed_request = [r for r in server.requests[before:] if r.path == "/feed.xml"][0]
    assert "If-None-Match" not in feed_request.headers
    assert second.due_next_run == 2 and "not-modified" not in second.outcomes


def test_a_source_spaces_its_requests_its_own_way_on_a_client_made_elsewhere(outlet, tmp_path):
    # A backfill makes its own client; the source's crawl_delay still governs its host.
    from claimwatch.ingest import ingest_items

    engine = engine_for(f"sqlite:///{tmp_path / 'polite.db'}")
    server = outlet.server
    source = Source(id="faulty", kind="rss", url=f"{server.base}/feed.xml", crawl_delay=0.5)

    async def go():
        async with make_client(delay=0) as client:
            from scrapers.items import Item

            await ingest_items(source, engine, [Item(f"{server.base}/news/ok.html"),
                                                Item(f"{server.base}/news/flaky.html")],
                               client=client, backoff=0.01)
            return client.politeness.host(f"127.0.0.1:{server.port}").delay

    assert asyncio.run(go()) >= 0.5
    pages = [r.at for r in server.requests if r.path.startswith("/news/")]
    assert len(pages) == 3 and all(b - a >= 0.45 for a, b in zip(pages, pages[1:], strict=False))


def sitemap_xml(locs: list[str], news: bool = False) -> bytes:
    entries = "".join(
        f"<url><loc>{loc}</loc>" + (
            "<news:news><news:publication_date>2021-03-02T09:00:00+04:00</news:publication_date>"
            "<news:title>Drills</news:title></news:news>" if news else "<lastmod>2021-03-02</lastmod>")
        + "</url>" for loc in locs)
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
            'sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f"{entries}</urlset>").encode()


def test_a_sitemap_index_with_a_bad_child_loses_only_that_child(tmp_path, caplog):
    import gzip

    server = FaultServer()
    try:
        base = server.base

        def index() -> Reply:
            if server.requests[-1].headers.get("If-None-Match") == '"idx"':
                return Reply(304)
            children = "".join(f"<sitemap><loc>{base}/{name}</loc></sitemap>" for name in
                               ("news.xml.gz", "bomb.xml.gz", "pages.xml"))
            return Reply(200, {"Content-Type": "application/xml", "ETag": '"idx"'},
                         ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
                          f'schemas/sitemap/0.9">{children}</sitemapindex>').encode())

        server.routes["/index.xml"] = index
        server.route("/news.xml.gz", Reply(200, {"Content-Type": "application/gzip"},
                                           gzip.compress(sitemap_xml([f"{base}/a.html"], True))))
        server.route("/bomb.xml.gz", Reply(200, {"Content-Type": "application/gzip"}, gzip_bomb(25)))
        server.route("/pages.xml", Reply(200, {"Content-Type": "application/xml"},
                                         sitemap_xml([f"{base}/b.html"])))
        undated = story("the news sitemap").replace(
            b"<meta property='article:published_time' content='2021-03-02T09:00:00+03:00'>", b"")
        server.route("/a.html", Reply(200, HTML, undated))
        server.route("/b.html", Reply(200, HTML, story("the page sitemap")))
        engine = engine_for(f"sqlite:///{tmp_path / 'sitemap.db'}")
        source = Source(id="maps", kind="sitemap", url=f"{base}/index.xml", crawl_delay=0)

        with caplog.at_level(logging.ERROR):
            first = ingest(source, engine)
        assert dict(first.outcomes) == {"stored": 2} and first.due_next_run == 1
        assert "child sitemap failed" in caplog.text and "bomb.xml.gz" in caplog.text
        with Session(engine) as session:
            dates = {a.url.rsplit("/", 1)[1]: a.published_at for a in session.exec(select(Article))}
        # The page names no date: the news sitemap's, in UTC.
        assert dates["a.html"].replace(tzinfo=None).isoformat() == "2021-03-02T05:00:00"

        server.route("/bomb.xml.gz", Reply(200, {"Content-Type": "application/gzip"},
                                           gzip.compress(sitemap_xml([f"{base}/c.html"]))))
        server.route("/c.html", Reply(200, HTML, story("the repaired sitemap")))
        second = ingest(source, engine)
        assert dict(second.outcomes) == {"stored": 1, "known": 2} and second.due_next_run == 0
        third = ingest(source, engine)
        assert dict(third.outcomes) == {"not-modified": 1}
    finally:
        server.close()
