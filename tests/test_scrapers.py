"""Discovery and extraction against a real local HTTP server, including faults and bad input."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from claimwatch.config import Source
from scrapers import FetchError, TooLargeError, discoverer, extract_article, fetch, make_client
from scrapers.http import USER_AGENT
from scrapers.rss import parse_feed
from scrapers.sitemap import parse_sitemap
from tests.http_server import ScriptedServer

HTML = "text/html; charset=utf-8"


@pytest.fixture
def server():
    scripted = ScriptedServer()
    yield scripted
    scripted.close()


def run(coro):
    return asyncio.run(coro)


async def get(url, **kwargs):
    async with make_client(delay=0) as client:
        return await fetch(client, url, backoff=0.01, **kwargs)


def page(title: str, body: str, lang: str = "en", charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    return (f'<html lang="{lang}"><head><meta charset="{charset}"><title>{title}</title>'
            f'<meta property="article:published_time" content="2021-03-02T09:00:00+03:00">'
            f"</head><body><nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article>"
            f"<aside><h3>Most read</h3><ul><li>Sidebar story about football</li></ul></aside>"
            f"<footer>Copyright footer text</footer></body></html>")


LONG = ("The ministry published a long statement about the state of its missile brigades and "
        "the training that followed the autumn exercises in the south of the country.\n"
        "Officials said the review would continue until spring and that more details would be "
        "released to the press once the inspections had been completed everywhere.")


def test_requests_identify_claimwatch(server):
    url = server.route("/a", (200, {"Content-Type": HTML}, b"ok"))
    run(get(url))
    # robots.txt first, then the page: both identify us.
    assert server.user_agents == [USER_AGENT] * 2 and "claimwatch/" in USER_AGENT


def test_transient_errors_are_retried_then_succeed(server):
    url = server.route("/flaky", (503, {"Retry-After": "0"}, b""), (500, {}, b""),
                       (200, {"Content-Type": HTML}, b"fine"))
    assert run(get(url)).body == b"fine"
    assert server.hits["/flaky"] == 3


def test_permanent_errors_are_not_retried(server):
    url = server.route("/gone", (404, {}, b""))
    with pytest.raises(FetchError, match="HTTP 404"):
        run(get(url))
    assert server.hits["/gone"] == 1


def test_retries_stop_after_three_tries(server):
    url = server.route("/down", (502, {}, b""))
    with pytest.raises(FetchError, match="after 3 tries"):
        run(get(url))
    assert server.hits["/down"] == 3


def test_body_cap_applies_after_decompression(server):
    bomb = gzip.compress(b"a" * 5_000_000)
    url = server.route("/bomb", (200, {"Content-Encoding": "gzip", "Content-Type": HTML}, bomb))
    with pytest.raises(TooLargeError):
        run(get(url, max_bytes=1_000_000))


def test_extraction_keeps_main_text_drops_boilerplate_and_reads_the_date():
    article = extract_article(page("Missile brigades reviewed", LONG).encode(), "http://x/a")
    assert "missile brigades" in article.text and "Sidebar story" not in article.text
    assert "Copyright" not in article.text
    assert article.published_at.isoformat() == "2021-03-02T06:00:00+00:00"
    assert article.title == "Missile brigades reviewed" and article.language == "en"


def test_windows_1251_declared_only_in_meta_is_decoded():
    text = ("Министерство обороны сообщило, что ракетные бригады завершили учения на юге "
            "страны.\nПроверка продолжится до весны, подробности обещают сообщить позднее "
            "после завершения всех инспекций в войсках.")
    body = page("Учения завершены", text, lang="ru", charset="windows-1251").encode("cp1251")
    article = extract_article(body, "http://x/ru", content_type="text/html")
    assert "ракетные бригады" in article.text and article.language == "ru"


def test_body_selector_overrides_automatic_extraction():
    html = page("Title", LONG).replace("<article>", '<div class="story"><p>Only this.</p></div>'
                                       "<article>")
    article = extract_article(html.encode(), "http://x/a", body_selector="div.story")
    assert article.text == "Only this."


def test_malformed_feed_still_yields_its_items(caplog):
    feed = (b"<?xml version='1.0'?><rss><channel><title>T</title>"
            b"<item><title>One</title><link>http://x.org/1</link></item>"
            b"<item><title>Two &amp broken</title><link>http://x.org/2</link></item>"
            b"<item><title>Off site</title><link>file:///etc/passwd</link></item>")
    items = parse_feed(feed, "http://x.org/feed", [])
    assert [i.url for i in items] == ["http://x.org/1", "http://x.org/2"]
    assert "not well-formed" in caplog.text


def test_sitemap_entities_are_not_expanded():
    xml = (b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
           b"<url><loc>http://x.org/a&x;</loc><lastmod>2021-03-31</lastmod></url></urlset>")
    items, children = parse_sitemap(xml, "http://x.org/sitemap.xml")
    assert children == [] and "root:" not in items[0].url
    assert items[0].published_at.date().isoformat() == "2021-03-31"


def test_every_source_kind_discovers_the_sample_site(sample_site):
    async def discover(kind, path, **extra):
        source = Source(id="s", kind=kind, url=f"{sample_site.base}/{path}", **extra)
        async with make_client(delay=0) as client:
            return await discoverer(kind)(client, source)

    rss = run(discover("rss", "caucasus-watch/feed.xml"))
    sitemap = run(discover("sitemap", "vestnik/sitemap.xml"))
    listing = run(discover("listing", "region-daily/index.html", link_selector="h2.title a",
                           next_selector="a.next"))
    assert len(rss) == 5 and all(i.published_at for i in rss)
    assert len(sitemap) == 3
    assert len(listing) == 4  # both listing pages followed
    assert all(i.url.startswith(sample_site.base) for i in rss + sitemap + listing)


def test_unknown_kind_fails_loudly():
    with pytest.raises(ValueError, match="unknown source kind"):
        discoverer("carrier-pigeon")
