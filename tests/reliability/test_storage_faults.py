"""Storage under pressure: many writers on SQLite, migrations round-tripped with data."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from alembic import command
from sqlalchemy import func
from sqlmodel import Session, select

from storage import repository
from storage.db import alembic_config, make_engine, upgrade_schema
from storage.models import Article, SourceState


def test_eight_concurrent_writers_on_sqlite_never_lock_out(tmp_path):
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    upgrade_schema(url)
    engine = make_engine(url)

    def writer(worker: int) -> list[str]:
        outcomes = []
        for n in range(40):
            with Session(engine) as session:
                # Half the URLs are shared between workers: the unique key settles them.
                shared = n % 2 == 0
                url_ = f"http://x.org/{'s' if shared else worker}-{n}"
                outcomes.append(repository.store_article(
                    session=session, source_id=f"w{worker}", url=url_, title=None,
                    published_at=datetime.now(timezone.utc), language="en",
                    text=f"text {url_}"))
                repository.record_source_run(session=session, source_id="shared", error=None)
        return outcomes

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = [o for outcomes in pool.map(writer, range(8)) for o in outcomes]
    assert results.count("stored") == 20 + 8 * 20
    assert results.count("known") == 7 * 20
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 180
        assert session.exec(select(func.count()).select_from(SourceState)).one() == 1
    engine.dispose()


def test_upgrade_downgrade_upgrade_keeps_data(database_url):
    upgrade_schema(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        repository.store_article(session=session, source_id="s", url="http://x.org/1",
                                 title="kept", published_at=None, language="en", text="body")
    config = alembic_config(database_url)
    command.downgrade(config, "0001")  # drops the later tables and columns, keeps articles
    command.upgrade(config, "head")
    with Session(engine) as session:
        [article] = session.exec(select(Article)).all()
        assert (article.url, article.title, article.text) == ("http://x.org/1", "kept", "body")
    engine.dispose()


def test_an_upgrade_that_fails_part_way_leaves_the_schema_as_it_was(database_url):
    # A process killed mid-upgrade is the same as one that fails: nothing half-applied must
    # stay behind, or no later upgrade could pass the migration that was cut short.
    import pytest
    from sqlalchemy import inspect, text

    config = alembic_config(database_url)
    command.upgrade(config, "0004")
    engine = make_engine(database_url)
    with engine.begin() as connection:  # the last migration's column, added by someone else
        connection.execute(text("ALTER TABLE source_state ADD COLUMN health_problem TEXT"))
    with pytest.raises(Exception, match="health_problem"):
        command.upgrade(config, "head")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    assert "encoding_suspect" not in {c["name"] for c in inspect(engine).get_columns("article")}
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE source_state DROP COLUMN health_problem"))
    command.upgrade(config, "head")
    assert "encoding_suspect" in {c["name"] for c in inspect(engine).get_columns("article")}
    engine.dispose()
