"""Checklist row 21: a redirect to an internal address is refused at the hop, and where it
pointed is never stored."""

from __future__ import annotations

import asyncio

from sqlmodel import Session, select

from claimwatch.config import Source
from claimwatch.ingest import ingest_source
from storage.db import engine_for
from storage.models import Article, UrlState
from tests.ingestion_server import FaultServer, Reply

INTERNAL = ("http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/admin")


def test_a_refused_redirect_target_is_logged_but_never_stored(tmp_path, caplog):
    server = FaultServer()
    try:
        base = server.base
        links = "".join(f"<item><title>Item {n}</title><link>{base}/go/{n}</link></item>"
                        for n in range(len(INTERNAL)))
        server.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"},
                                        f'<rss version="2.0"><channel><title>t</title>{links}'
                                        "</channel></rss>".encode()))
        for n, target in enumerate(INTERNAL):
            server.route(f"/go/{n}", Reply(302, {"Location": target}))
        engine = engine_for(f"sqlite:///{tmp_path / 'r.db'}")
        source = Source(id="redirector", kind="rss", url=f"{base}/feed.xml", crawl_delay=0)
        report = asyncio.run(ingest_source(source, engine, backoff=0.01))
    finally:
        server.close()
    assert report.outcomes["fetch-error"] == len(INTERNAL)
    assert "169.254.169.254" in caplog.text  # the operator can see what happened...
    with Session(engine) as session:
        states = session.exec(select(UrlState)).all()
        articles = session.exec(select(Article)).all()
    stored = " ".join(f"{s.url} {s.last_error}" for s in states)
    assert len(states) == len(INTERNAL) and all(s.permanent_failure for s in states)
    assert not articles
    for target in INTERNAL:  # ...but the database keeps no trace of where it pointed
        assert target.split("/")[2] not in stored
