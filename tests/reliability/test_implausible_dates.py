"""Checklist row 34: a publication date far in the future is not believed."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import Session, select

from claimwatch.config import Source
from claimwatch.ingest import ingest_source
from storage.db import engine_for
from storage.models import Article
from tests.ingestion_server import FaultServer, Reply
from tests.test_ingestion_runs import story

HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_a_date_from_the_future_is_stored_as_undated_and_logged(tmp_path, caplog):
    server = FaultServer()
    try:
        future = story("the parade").replace(b"2021-03-02T09:00:00+03:00",
                                             b"2099-05-09T10:00:00+03:00")
        server.route("/news/future.html", Reply(200, HTML, future))
        server.route("/news/today.html", Reply(200, HTML, story("the harvest")))
        items = "".join(f"<item><title>{n}</title><link>{server.base}/news/{n}.html</link>"
                        "</item>" for n in ("future", "today"))
        server.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"},
                                        f'<rss version="2.0"><channel><title>t</title>{items}'
                                        "</channel></rss>".encode()))
        engine = engine_for(f"sqlite:///{tmp_path / 'd.db'}")
        source = Source(id="clock", kind="rss", url=f"{server.base}/feed.xml", crawl_delay=0)
        with caplog.at_level(logging.WARNING):
            report = asyncio.run(ingest_source(source, engine, backoff=0.01))
    finally:
        server.close()
    assert report.outcomes["stored"] == 2
    with Session(engine) as session:
        dates = {a.url.rsplit("/", 1)[-1]: a.published_at for a in session.exec(select(Article))}
    assert dates["future.html"] is None
    assert dates["today.html"] is not None and dates["today.html"].year == 2021
    assert "in the future; stored undated" in caplog.text
