"""Alembic environment: the schema is storage.models' SQLModel metadata."""

from alembic import context
from sqlalchemy import event
from sqlmodel import SQLModel

from storage import models  # noqa: F401  (registers the tables)
from storage.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_transactional_ddl(engine) -> None:
    """Let SQLAlchemy, not pysqlite, open transactions, so DDL is inside them too.

    pysqlite runs DDL outside any transaction: a process killed between a migration's
    ALTER and its version stamp leaves a schema no later upgrade can pass. SQLite itself
    rolls DDL back; BEGIN IMMEDIATE also makes a second process wait for the first's upgrade.
    """
    @event.listens_for(engine, "connect")
    def _autocommit_driver(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):  # noqa: ANN001
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        _sqlite_transactional_ddl(engine)
    with engine.connect() as connection:
        # One transaction for the whole upgrade: all of it or none of it.
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=True, transactional_ddl=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
