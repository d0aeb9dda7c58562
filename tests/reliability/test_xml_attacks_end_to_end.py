"""Checklist rows 8 and 9 through a whole pass: external entities neither read files nor reach
the network, and an entity-expansion bomb costs only its own source."""

from __future__ import annotations

from sqlmodel import Session, select

from claimwatch.config import Config
from claimwatch.pipeline import run_once
from storage.db import engine_for
from storage.models import Article
from tests.ingestion_server import FaultServer, Reply
from tests.reliability.test_hostile_input import LAUGHS
from tests.test_ingestion_runs import story

HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


def test_entities_are_inert_and_a_bomb_fails_only_its_source(tmp_path):
    server = FaultServer()
    base = server.base
    try:
        doctype = (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY file SYSTEM "file:///etc/passwd">'
                   f'<!ENTITY net SYSTEM "{base}/leak">]>')
        server.route("/xxe/feed.xml", Reply(200, XML, (
            f"{doctype}<rss version=\"2.0\"><channel><title>t</title><item><title>Night &file;"
            f" shift &net;</title><link>{base}/xxe/1.html</link></item></channel></rss>").encode()))
        server.route("/xxe/1.html", Reply(200, HTML, story("the night shift")))
        server.route("/bomb/sitemap.xml", Reply(200, XML, LAUGHS + (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/bomb/&lol9;</loc></url></urlset>").encode()))
        server.route("/good/sitemap.xml", Reply(200, XML, (
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{base}/good/1.html</loc></url></urlset>").encode()))
        server.route("/good/1.html", Reply(200, HTML, story("the harbour")))
        server.route("/leak", Reply(200, {"Content-Type": "text/plain"}, b"leaked"))
        config = Config.model_validate({
            "database_url": f"sqlite:///{tmp_path / 'x.db'}",
            "sources": [{"id": "xxe", "kind": "rss", "url": f"{base}/xxe/feed.xml", "crawl_delay": 0},
                        {"id": "bomb", "kind": "sitemap", "url": f"{base}/bomb/sitemap.xml",
                         "crawl_delay": 0},
                        {"id": "good", "kind": "sitemap", "url": f"{base}/good/sitemap.xml",
                         "crawl_delay": 0}]})
        summary = run_once(config)
    finally:
        server.close()
    assert server.hits("/leak") == 0  # the external entity never reached the network
    by_source = {r["source"]: r for r in summary["sources"]}
    assert by_source["good"]["outcomes"] == {"stored": 1}
    assert by_source["xxe"]["outcomes"] == {"stored": 1}
    # The bomb was not expanded: at most its one (entity-less) URL, which goes nowhere.
    assert by_source["bomb"]["discovered"] <= 1 and "lollol" not in str(by_source["bomb"])
    assert not by_source["bomb"]["outcomes"].get("stored")
    with Session(engine_for(config.database_url)) as session:
        articles = {a.source_id: a for a in session.exec(select(Article))}
    assert set(articles) == {"xxe", "good"}
    assert "root:" not in (articles["xxe"].title or "") + articles["xxe"].text
