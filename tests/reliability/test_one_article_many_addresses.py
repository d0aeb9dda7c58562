"""Checklist rows 29 and 30: one article reached by tracking variants, a redirecting feed link
and a syndicated identical copy elsewhere is analysed once and alerted once."""

from __future__ import annotations

from sqlmodel import Session, select

from bench.replica import watchlist
from claimwatch.config import Config
from claimwatch.pipeline import run_once
from storage.db import engine_for
from storage.models import Alert, Article, Conflict, Mention, Statement
from tests.ingestion_server import FaultServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
RECORDED = ("Pavel Sokolov said that Armenia used Smerch rockets near the front line during "
            "the autumn fighting, according to the notes he showed to journalists.")
NEW = ("Karen Petrosyan denied that Armenia used Smerch systems during the fighting, and "
       "added that the claims circulating in the region had no basis at all.")


def page(title: str, statement: str, published: str) -> bytes:
    filler = ("<p>Residents of the district spent another night in basements as shelling "
              "continued, and local officials counted the damage to schools and homes.</p>") * 3
    return (f"<html lang='en'><head><title>{title}</title><meta property="
            f"'article:published_time' content='{published}'></head><body><article>"
            f"<h1>{title}</h1>{filler}<p>{statement}</p>{filler}</article></body></html>").encode()


def feed(base: str, links: list[str]) -> Reply:
    items = "".join(f"<item><title>x</title><link>{base}{link}</link></item>" for link in links)
    return Reply(200, {"Content-Type": "application/rss+xml"},
                 f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode())


def test_variants_redirects_and_copies_make_one_analysis_and_one_alert(tmp_path, mail_capture):
    server = FaultServer()
    base = server.base
    try:
        server.route("/a/old.html", Reply(200, HTML, page("Earlier claim", RECORDED,
                                                          "2021-01-10T09:00:00+00:00")))
        new = page("The denial", NEW, "2021-02-11T09:00:00+00:00")
        server.route("/a/denial.html", Reply(200, HTML, new))
        server.route("/a/denial.html?utm_source=feed&utm_medium=rss", Reply(200, HTML, new))
        server.route("/r/8841", Reply(301, {"Location": f"{base}/a/denial.html"}))
        server.route("/b/reprint-of-the-denial.html", Reply(200, HTML, new))
        server.route("/a/feed.xml", feed(base, ["/a/old.html", "/a/denial.html?utm_source=feed"
                                                "&amp;utm_medium=rss", "/a/denial.html#comments",
                                                "/r/8841"]))
        server.route("/b/feed.xml", feed(base, ["/b/reprint-of-the-denial.html"]))
        config = Config.model_validate({
            "database_url": f"sqlite:///{tmp_path / 'one.db'}",
            "sources": [{"id": "outlet-a", "kind": "rss", "url": f"{base}/a/feed.xml",
                         "crawl_delay": 0},
                        {"id": "outlet-b", "kind": "rss", "url": f"{base}/b/feed.xml",
                         "crawl_delay": 0}],
            "watchlist": watchlist(),
            "alerts": {"smtp": {"host": "127.0.0.1", "port": mail_capture.port},
                       "recipients": [{"email": "analyst@example.org"}]}})
        run_once(config)
        run_once(config)  # and again: nothing new
    finally:
        server.close()
    engine = engine_for(config.database_url)
    with Session(engine) as session:
        articles = session.exec(select(Article)).all()
        originals = [a for a in articles if a.duplicate_of is None]
        copies = [a for a in articles if a.duplicate_of is not None]
        statements = session.exec(select(Statement)).all()
        mentioned = {m.article_id for m in session.exec(select(Mention))}
        conflicts = session.exec(select(Conflict)).all()
        alerts = session.exec(select(Alert)).all()
    # ?utm_ and #fragment collapse into one URL; the redirect and the reprint are copies.
    assert len(originals) == 2 and len(copies) == 2
    assert mentioned == {a.id for a in originals}  # one mention set per article
    assert len(statements) == 2
    assert len(conflicts) == 1 and len(alerts) == 1
    assert len(mail_capture.messages()) == 1
