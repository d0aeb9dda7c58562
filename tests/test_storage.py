"""Storage on SQLite and PostgreSQL: migrations, and idempotent writes enforced by the database."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import inspect
from sqlmodel import Session, select

from claimwatch.config import WatchItem
from detection import Detector
from storage import repository
from storage.db import make_engine, upgrade_schema
from storage.models import Alert, Article, Claim, Conflict, Mention, Statement

WATCHLIST = [
    WatchItem(id="iskander", kind="weapon", name="Iskander", aliases=["Iskander"]),
    WatchItem(id="armenia", kind="actor", name="Armenia", aliases=["Armenia"]),
    WatchItem(id="ivanov", kind="actor", name="Ivan Ivanov", aliases=["Ivanov"]),
]
TEXT = "Ivanov said that Armenia used Iskander missiles in the war."


def engine_at(url):
    upgrade_schema(url)
    upgrade_schema(url)  # a second upgrade is a no-op
    return make_engine(url)


def test_migrations_create_every_table(database_url):
    engine = engine_at(database_url)
    tables = set(inspect(engine).get_table_names())
    assert {"article", "mention", "statement", "claim", "conflict", "alert", "source_state",
            "alembic_version"} <= tables
    engine.dispose()


def store(session, url, text=TEXT, source="s1"):
    return repository.store_article(
        session=session, source_id=source, url=url, title="t", language="en", text=text,
        published_at=datetime(2021, 3, 2, 10, tzinfo=timezone.utc))


def test_articles_are_stored_once_and_copies_marked_duplicate(database_url):
    engine = engine_at(database_url)
    with Session(engine) as session:
        assert store(session, "http://a/1") == "stored"
        assert store(session, "http://a/1") == "known"
        assert store(session, "http://b/9", text="  ivanov SAID that Armenia used Iskander "
                     "missiles in the war.", source="s2") == "duplicate"
        rows = session.exec(select(Article).order_by(Article.id)).all()
        assert [r.url for r in rows] == ["http://a/1", "http://b/9"]
        assert rows[1].fingerprint == rows[0].fingerprint
        assert rows[0].published_at.astimezone(timezone.utc).hour == 10
        assert repository.known_urls(session=session, urls=["http://a/1", "http://c"]) == {
            "http://a/1"}
    engine.dispose()


def test_detection_writes_are_idempotent(database_url):
    engine = engine_at(database_url)
    detection = Detector(WATCHLIST).detect(TEXT)
    with Session(engine) as session:
        store(session, "http://a/1")
        article_id = session.exec(select(Article.id)).one()
        for _ in range(2):
            repository.add_mentions(session=session, article_id=article_id,
                                    mentions=detection.mentions)
            for found in detection.statements:
                sid, _ = repository.add_statement(session=session, article_id=article_id,
                                               found=found)
                for frame in found.claims:
                    repository.add_claim(session=session, statement_id=sid, frame=frame)
            session.commit()
        assert len(session.exec(select(Mention)).all()) == 3
        assert len(session.exec(select(Statement)).all()) == 1
        assert len(session.exec(select(Claim)).all()) == 1
    engine.dispose()


def test_a_conflict_pair_is_stored_once_whichever_side_is_new(database_url):
    engine = engine_at(database_url)
    detection = Detector(WATCHLIST).detect(TEXT)
    with Session(engine) as session:
        store(session, "http://a/1")
        store(session, "http://a/2", text="Another text entirely. " + TEXT)
        ids = session.exec(select(Article.id).order_by(Article.id)).all()
        sids = [repository.add_statement(session=session, article_id=i,
                                         found=detection.statements[0])[0] for i in ids]
        first, created = repository.add_conflict(
            session=session, kind="contradiction", proposition="p", statement_id=sids[1],
            other_statement_id=sids[0], explanation="x")
        again, created_again = repository.add_conflict(
            session=session, kind="contradiction", proposition="p", statement_id=sids[0],
            other_statement_id=sids[1], explanation="x")
        assert created and not created_again and first == again
        for _ in range(2):
            repository.add_alert(session=session, conflict_id=first, recipient="a@b.c",
                                 mode="immediate")
        session.commit()
        assert len(session.exec(select(Conflict)).all()) == 1
        assert len(session.exec(select(Alert)).all()) == 1
    engine.dispose()


def test_migrations_match_the_models_and_downgrade_cleanly(database_url):
    from alembic import command

    from storage.db import alembic_config

    upgrade_schema(database_url)
    command.check(alembic_config(database_url))  # raises if models and migrations differ
    command.downgrade(alembic_config(database_url), "base")
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
