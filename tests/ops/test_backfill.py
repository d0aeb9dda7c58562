"""Backfill over a fixture outlet with a listing page per day: resumable, idempotent, historical."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from claimwatch import backfill as days
from claimwatch.cli import app
from storage import backfill as checkpoints
from storage.db import engine_for
from storage.models import Alert, Article, BackfillChunk
from tests.http_server import ScriptedServer
from tests.ops.archive_site import ArchiveSite, write_config

RANGE = ["--source", "archive-news", "--since", "2020-10-01", "--until", "2020-10-04"]


@pytest.fixture
def archive_site():
    site = ArchiveSite()
    yield site
    site.close()


def _statuses(engine) -> dict[str, str]:
    with Session(engine) as session:
        return {c.day.isoformat(): c.status for c in session.exec(select(BackfillChunk)).all()}


def _articles(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Article.url)).all())


@pytest.mark.prefect
def test_backfill_resumes_after_a_failed_day_and_a_repeat_adds_nothing(
        prefect_harness, archive_site, database_url, tmp_path, mail_capture):
    config = write_config(tmp_path, archive_site.base, database_url, mail_capture.port)
    engine = engine_for(database_url)
    day_two = archive_site.archive_path("2020-10-02")
    archive_site.refuse.add(day_two)

    first = CliRunner().invoke(app, ["backfill", *RANGE, "--config", config])
    assert first.exit_code == 1, first.output
    assert "2020-10-02" in first.stderr and "403" in first.stderr
    assert _statuses(engine) == {"2020-10-01": "done", "2020-10-02": "failed",
                                 "2020-10-03": "done", "2020-10-04": "done"}
    assert len(_articles(engine)) == 4  # two pages of 2020-10-03 followed

    archive_site.refuse.clear()
    hits_before = dict(archive_site.server.hits)
    second = CliRunner().invoke(app, ["backfill", *RANGE, "--config", config])
    assert second.exit_code == 0, second.output
    assert "4 of 4 days done (3 already done before this run)" in second.stdout
    assert set(_statuses(engine).values()) == {"done"}
    assert len(_articles(engine)) == 5
    assert archive_site.server.hits[archive_site.archive_path("2020-10-01")] == \
        hits_before[archive_site.archive_path("2020-10-01")]

    hits_before = dict(archive_site.server.hits)
    third = CliRunner().invoke(app, ["backfill", *RANGE, "--config", config])
    assert third.exit_code == 0, third.output
    assert "(4 already done before this run)" in third.stdout
    assert dict(archive_site.server.hits) == hits_before  # nothing fetched at all
    assert len(_articles(engine)) == 5

    with Session(engine) as session:
        alerts = session.exec(select(Alert)).all()
    # The backfilled contradiction goes to a digest marked historical, never an immediate mail.
    assert alerts and all(a.mode == "digest" and a.historical for a in alerts)
    assert mail_capture.messages() == []

    from flows.deliver import deliver_alerts
    from flows.digest import digest

    assert deliver_alerts(config_path=config)["messages"] == 0  # immediate only: nothing due
    assert digest(config_path=config)["messages"] == 1
    [message] = mail_capture.messages()
    assert "(historical)" in message["Subject"]


@pytest.mark.prefect
def test_backfill_publishes_progress_and_a_summary_artifact(prefect_harness, archive_site, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    config = write_config(tmp_path, archive_site.base, f"sqlite:///{tmp_path / 'a.db'}")
    from flows.backfill import backfill

    state = backfill(source="archive-news", since=date(2020, 10, 1), until=date(2020, 10, 3),
                     config_path=config, return_state=True)
    summary = state.result()
    assert summary["totals"]["done"] == 3 and summary["totals"]["stored"] == 5

    async def latest(key: str):
        async with get_client() as client:
            found = await client.read_artifacts(artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id])))
            return found[0] if found else None

    progress = asyncio.run(latest("backfill-archive-news"))
    assert progress is not None and float(progress.data) == 100.0
    table = asyncio.run(latest("backfill-archive-news-summary"))
    assert "| 2020-10-03 | 2 | 2 |" in table.data


def test_a_killed_chunk_left_running_is_redone(tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'k.db'}")
    since, until = date(2021, 3, 1), date(2021, 3, 3)
    with Session(engine) as session:
        checkpoints.plan_chunks(session=session, source_id="s", days=days.day_range(since, until))
        checkpoints.start_chunk(session=session, source_id="s", day=since)  # then the kill
        checkpoints.start_chunk(session=session, source_id="s", day=until)
        checkpoints.finish_chunk(session=session, source_id="s", day=until, discovered=1,
                                 stored=1, errors=0)
        assert checkpoints.done_days(session=session, source_id="s", since=since,
                                     until=until) == {until}
    from claimwatch.config import Source

    source = Source(id="s", kind="rss", url="https://example.org/feed")
    assert days.plan_backfill(engine, source, since, until) == [since, date(2021, 3, 2)]


def test_history_groups_sitemap_items_by_lastmod_day():
    server = ScriptedServer()
    try:
        body = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                b"<url><loc>%(b)s/a</loc><lastmod>2020-05-01T23:30:00+00:00</lastmod></url>"
                b"<url><loc>%(b)s/b</loc><lastmod>2020-05-02T01:00:00+02:00</lastmod></url>"
                b"<url><loc>%(b)s/c</loc><lastmod>2020-05-02</lastmod></url>"
                b"<url><loc>%(b)s/undated</loc></url></urlset>") % {b"b": server.base.encode()}
        url = server.route("/sitemap.xml", (200, {"Content-Type": "application/xml"}, body))
        from claimwatch.config import Source

        source = Source(id="s", kind="sitemap", url=url)
        grouped = asyncio.run(days.discover_history(source))
        as_paths = {d: sorted(i.url.rsplit("/", 1)[1] for i in items) for d, items in grouped.items()}
        # 01:00 at UTC+2 is still 1 May in UTC.
        assert as_paths == {date(2020, 5, 1): ["a", "b"], date(2020, 5, 2): ["c"]}
    finally:
        server.close()


def test_backfill_refuses_bad_requests_before_any_work(tmp_path):
    config = write_config(tmp_path, "http://127.0.0.1:9", f"sqlite:///{tmp_path / 'x.db'}")
    runner = CliRunner()
    for args, message in [
        (["--source", "nope", "--since", "2020-01-01"], "unknown source"),
        (["--source", "archive-news", "--since", "01/02/2020"], "not a date"),
        (["--source", "archive-news", "--since", "2020-02-01", "--until", "2020-01-01"], "before"),
    ]:
        result = runner.invoke(app, ["backfill", *args, "--config", config])
        assert result.exit_code == 2 and message in result.stderr, result.output
    assert not (tmp_path / "x.db").exists()
    assert datetime.now(timezone.utc).date() == days.today()
