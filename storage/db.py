"""Engines and schema upgrades: SQLite tuned for concurrent writers, PostgreSQL as given."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlmodel import create_engine

from storage.errors import DatabaseUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets WAL and a busy timeout so two runs can share a file."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # Durable across a killed process (the WAL is in the OS's hands at commit); only a
            # power cut can take back the last commits, and never corrupts. Saves an fsync per
            # stored article.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade_schema(url: str) -> None:
    """Bring the database at `url` to the newest schema (idempotent)."""
    command.upgrade(alembic_config(url), "head")


def describe_url(url: str) -> str:
    """`url` fit to show: the password hidden, query parameters (which may hold one) dropped."""
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        return "(an unreadable database URL)"
    if parsed.host and "@" in parsed.host:  # an unescaped "@" in the password: its tail is here
        parsed = parsed.set(host="***")
    return parsed.set(query={}).render_as_string(hide_password=True)


def url_secrets(url: str) -> set[str]:
    """Every form of the password `url` carries: as written, decoded, and in the query."""
    secrets = set()
    # Read from the text itself, not a parser: a URL that does not parse still has one.
    if netloc := re.match(r"^[^:/]+://([^/?#]*)", url):
        userinfo = netloc.group(1).rpartition("@")[0]
        if ":" in userinfo:
            written = userinfo.split(":", 1)[1]
            secrets |= {written, unquote(written)}
    for match in re.finditer(r"[?&]password=([^&#]*)", url):
        secrets |= {match.group(1), unquote(match.group(1))}
    return {s for s in secrets if s}


def redact(text: str, url: str) -> str:
    """`text` with the password of `url`, in every form, replaced by ***."""
    for secret in sorted(url_secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


@cache
def engine_for(url: str) -> Engine:
    """The process-wide engine for `url`, its schema upgraded on first use.

    Raises DatabaseUnavailable, naming the database without its password, when it cannot be
    opened: the driver's own exception is not chained, so no traceback can show more."""
    try:
        if "@" in (make_url(url).host or ""):
            # Connecting would put the password's tail in the driver's "unknown host" error.
            raise ValueError("an '@' in the password must be written %40")
        upgrade_schema(url)
        return make_engine(url)
    except (SQLAlchemyError, OSError, ValueError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).split("\n(Background on this error")[0]
        message = f"database {describe_url(url)}: cannot be opened: {' '.join(reason.split())}"
        raise DatabaseUnavailable(redact(message, url)) from None
