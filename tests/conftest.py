"""Shared fixtures: a clean environment per test, real local servers, SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

# Set before Prefect is imported anywhere: a private home and no telemetry for the whole run.
_PREFECT_HOME = Path(os.environ.get("PYTEST_PREFECT_HOME", "/tmp")) / f"claimwatch-tests-{os.getpid()}"
os.environ["PREFECT_HOME"] = str(_PREFECT_HOME)
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
os.environ.pop("PREFECT_API_URL", None)

POSTGRES_ADMIN_URL = os.environ.get("CLAIMWATCH_TEST_POSTGRES",
                                    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _postgres_required() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes") or \
        os.environ.get("CLAIMWATCH_REQUIRE_POSTGRES") == "1"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch, tmp_path):
    """No CLAIMWATCH_* variables leak in; each test runs in its own working directory."""
    for name in list(os.environ):
        if name.startswith("CLAIMWATCH_") and name not in ("CLAIMWATCH_TEST_POSTGRES",
                                                          "CLAIMWATCH_REQUIRE_POSTGRES"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def prefect_harness():
    """Prefect's test harness, started once for the whole session (it costs seconds)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def sample_site():
    from claimwatch.sample_site import SampleSite

    with SampleSite(port=0) as site:
        yield site


@pytest.fixture
def fixture_site():
    """The test fixture outlets in tests/fixtures/sites, served on 127.0.0.1."""
    from claimwatch.sample_site import SampleSite

    with SampleSite(root=Path(__file__).parent / "fixtures" / "sites", port=0) as site:
        yield site


@pytest.fixture
def mail_capture(tmp_path):
    from claimwatch.sample_site import MailCapture

    with MailCapture(tmp_path / "mail") as capture:
        yield capture


@pytest.fixture(scope="session")
def postgres_server_url():
    """Admin URL of the local PostgreSQL server; a missing server fails in CI, skips elsewhere."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    # pre_ping: a test restarts the server, which kills pooled connections.
    engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("select 1"))
    except OperationalError as exc:
        engine.dispose()
        message = f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {exc.orig}"
        if _postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_url(postgres_server_url):
    """A fresh, empty database for one test, dropped afterwards."""
    from sqlalchemy import text

    name = f"claimwatch_test_{uuid.uuid4().hex[:12]}"
    with postgres_server_url.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    yield url
    from storage.db import engine_for

    engine_for.cache_clear()
    with postgres_server_url.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """Each storage test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
    else:
        yield request.getfixturevalue("postgres_url")
