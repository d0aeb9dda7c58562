"""Items that yield no article and URLs given up on, over a real HTTP server: counted, remembered,
reported as a source-health problem when a whole source breaks, and reset from the command line."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.config import Source, load_config
from claimwatch.ingest import EXTRACTION_TRIES, ingest_source
from claimwatch.pipeline import run_once
from flows.monitor import summary_markdown
from scrapers import make_client
from storage import repository
from storage.db import engine_for
from storage.models import Article
from storage.url_state import url_states
from tests.ingestion_server import FaultServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}
TOPICS = ("the ferry timetable", "the new grain terminal", "the bridge repairs")


def full_story(topic: str) -> bytes:
    text = (f"<p>Port officials met on Monday to discuss {topic} with the shipping companies "
            f"that use the southern quay.</p><p>The harbour master said talks on {topic} would "
            f"go on for another week, and that the companies had asked for written answers "
            f"before the next meeting.</p><p>Local traders told the paper they hoped a "
            f"decision on {topic} would come before the summer season.</p>")
    return _page(topic, text)


def teaser(topic: str) -> bytes:
    # What a redesigned site leaves to an extractor: the body now arrives by script.
    return _page(topic, f"<p>Photo: {topic}. Subscribe to read on.</p>"
                        "<div id='app' data-src='/api/story'></div>")


def _page(topic: str, body: str) -> bytes:
    return (f"<html lang='en'><head><title>Harbour news: {topic}</title><meta property="
            f"'article:published_time' content='2021-05-04T09:00:00+00:00'></head><body><nav>"
            f"<a href='/'>Home</a></nav><article><h1>Harbour news: {topic}</h1>{body}</article>"
            f"<footer>Harbour Herald</footer></body></html>").encode()


class Harbour:
    """An outlet whose three articles can be served whole, as teasers, or not at all."""

    def __init__(self) -> None:
        self.server = FaultServer()
        self.server.route("/robots.txt", Reply(404))
        self.paths = [f"/news/{n}.html" for n in range(len(TOPICS))]
        items = "".join(f"<item><title>{t}</title><link>{self.server.base}{p}</link></item>"
                        for t, p in zip(TOPICS, self.paths, strict=True))
        self.server.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"},
                                             f"<rss version='2.0'><channel>{items}</channel></rss>"
                                             .encode()))
        self.serve(full_story)

    def serve(self, make, only: int | None = None) -> None:
        for n, (topic, path) in enumerate(zip(TOPICS, self.paths, strict=True)):
            if only is None or n == only:
                self.server.route(path, Reply(200, HTML, make(topic)))

    def source(self, **extra) -> Source:
        return Source(**{"id": "harbour", "kind": "rss", "url": f"{self.server.base}/feed.xml",
                         "crawl_delay": 0, **extra})


@pytest.fixture
def harbour():
    outlet = Harbour()
    yield outlet
    outlet.server.close()


def ingest(source: Source, engine):
    async def go():
        async with make_client(delay=0) as client:
            return await ingest_source(source, engine, backoff=0.01, client=client)

    return asyncio.run(go())


def write_config(tmp_path, source: Source, database_url: str) -> str:
    path = tmp_path / "claimwatch.yaml"
    path.write_text(yaml.safe_dump({"database_url": database_url, "sources": [
        source.model_dump(exclude_defaults=True)]}), encoding="utf-8")
    return str(path)


def test_a_changed_layout_stores_nothing_and_is_a_source_health_problem(
        harbour, database_url, tmp_path, caplog):
    engine = engine_for(database_url)
    source = harbour.source()
    harbour.serve(teaser)
    with caplog.at_level(logging.ERROR):
        first = ingest(source, engine)
    assert dict(first.outcomes) == {"too-short": 3} and first.due_next_run == 3
    assert "under min_text_chars 250: not stored as an article; tried again next run" in caplog.text
    assert first.health and "every one of the 3 items" in first.health
    with Session(engine) as session:
        assert session.exec(select(Article)).all() == []
        recorded = repository.source_states(session=session, source_ids=["harbour"])["harbour"]
    assert recorded.health_problem == first.health

    # The run's artifact and `claimwatch check` carry it; it is no content alert.
    summary = {"sources": [first.as_dict()], "conflicts": [],
               "analysis": {"articles": 0, "statements": 0, "claims": 0, "conflicts": 0,
                            "alerts": 0},
               "delivery": {"messages": 0, "alerts": 0, "failures": []}}
    markdown = summary_markdown(summary)
    assert "| harbour | 3 | 0 | 0 | 0 | 3 |" in markdown
    assert f"**Source health**\n- harbour: {first.health}" in markdown
    config = write_config(tmp_path, source, database_url)
    checked = CliRunner().invoke(app, ["check", "--json", "--config", config])
    assert checked.exit_code == 0, checked.output  # reachable: a warning, not a failure
    [report] = json.loads(checked.stdout)
    assert f"source health (recorded {report['last_run']['health_checked_at']}): " \
           f"{first.health}" in report["problems"]
    assert any("sample text is only" in p and "would not be stored" in p
               for p in report["problems"])

    # Tried again on the next runs (a stub may be filled in), then given up on like a 404.
    for _ in range(EXTRACTION_TRIES - 1):
        again = ingest(source, engine)
        assert dict(again.outcomes) == {"too-short": 3}
    assert again.due_next_run == 0 and "given up after 3 tries" in again.errors[0]
    before = len(harbour.server.requests)
    quiet = ingest(source, engine)
    assert dict(quiet.outcomes) == {"known-failure": 3} and quiet.health is None
    assert [r.path for r in harbour.server.requests[before:]] == ["/robots.txt", "/feed.xml"]
    with Session(engine) as session:
        # A run that extracted nothing has no evidence: the problem stays on record.
        assert repository.source_states(session=session, source_ids=["harbour"])[
            "harbour"].health_problem == first.health

    # The site is fixed; resetting the source's failures brings the articles in.
    harbour.serve(full_story)
    listed = CliRunner().invoke(app, ["urls", "failed", "--json", "--config", config])
    assert {(r["source"], r["status"], r["failures"]) for r in json.loads(listed.stdout)} == {
        ("harbour", 200, 3)}
    reset = CliRunner().invoke(app, ["urls", "reset", "--source", "harbour", "--config", config])
    assert reset.exit_code == 0, reset.output
    assert "3 URLs reset" in reset.stdout
    fixed = ingest(source, engine)
    assert dict(fixed.outcomes) == {"stored": 3} and fixed.health is None
    with Session(engine) as session:
        assert len(session.exec(select(Article)).all()) == 3
        assert repository.source_states(session=session, source_ids=["harbour"])[
            "harbour"].health_problem is None


def test_one_short_item_is_an_item_failure_not_a_source_problem(harbour, tmp_path):
    engine = engine_for(f"sqlite:///{tmp_path / 'one.db'}")
    harbour.serve(teaser, only=1)
    report = ingest(harbour.source(), engine)
    assert dict(report.outcomes) == {"stored": 2, "too-short": 1} and report.health is None
    # Each source may set its own threshold: an outlet of briefs lowers it.
    briefs = harbour.source(id="briefs", min_text_chars=40)
    with Session(engine) as session:
        url = f"{harbour.server.base}{harbour.paths[1]}"
        assert not url_states(session=session, urls=[url])[url].permanent_failure
    engine_briefs = engine_for(f"sqlite:///{tmp_path / 'briefs.db'}")
    assert dict(ingest(briefs, engine_briefs).outcomes) == {"stored": 3}


def test_a_404_is_remembered_and_retried_only_after_a_reset(harbour, tmp_path):
    server = harbour.server
    gone = harbour.paths[2]
    server.route(gone, Reply(404, {"Content-Type": "text/plain"}, b"not found"))
    source = harbour.source()
    config = write_config(tmp_path, source, "sqlite:///gone.db")
    loaded = load_config(Path(config))

    first = run_once(loaded)
    assert first["sources"][0]["outcomes"] == {"stored": 2, "fetch-error": 1}
    assert server.hits(gone) == 1
    second = run_once(loaded)
    assert second["sources"][0]["outcomes"] == {"known": 2, "known-failure": 1}
    assert server.hits(gone) == 1  # remembered: not asked again

    listed = CliRunner().invoke(app, ["urls", "failed", "--status", "404", "--config", config])
    assert listed.exit_code == 0 and "404  harbour  1 tries" in listed.stdout
    assert f"{server.base}{gone}" in listed.stdout and "1 URLs given up on" in listed.stdout
    assert "0 URLs given up on" in CliRunner().invoke(
        app, ["urls", "failed", "--status", "410", "--config", config]).stdout

    refused = CliRunner().invoke(app, ["urls", "reset", "--config", config])
    assert refused.exit_code == 2 and "--source ID, --url URL or --all" in refused.stderr
    unknown = CliRunner().invoke(app, ["urls", "reset", "--source", "nope", "--config", config])
    assert unknown.exit_code == 2
    stranger = CliRunner().invoke(app, ["urls", "reset", "--url", f"{server.base}/other.html",
                                        "--config", config])
    assert stranger.exit_code == 1 and "not given up on" in stranger.stderr

    server.route(gone, Reply(200, HTML, full_story(TOPICS[2])))
    reset = CliRunner().invoke(app, ["urls", "reset", "--url", f"{server.base}{gone}?utm_source=x",
                                     "--status", "404", "--config", config])
    assert reset.exit_code == 0, reset.output
    assert "1 URLs reset" in reset.stdout
    third = run_once(loaded)
    assert third["sources"][0]["outcomes"] == {"known": 2, "stored": 1}
    assert server.hits(gone) == 2
    assert "0 URLs given up on" in CliRunner().invoke(
        app, ["urls", "failed", "--config", config]).stdout


@pytest.mark.prefect
def test_a_run_over_a_broken_source_reports_it_and_mails_nobody(
        prefect_harness, harbour, mail_capture, tmp_path):
    harbour.serve(teaser)
    path = tmp_path / "claimwatch.yaml"
    path.write_text(yaml.safe_dump({
        "database_url": "sqlite:///run.db",
        "sources": [harbour.source().model_dump(exclude_defaults=True)],
        "watchlist": [{"id": "harbour", "kind": "actor", "name": "Harbour Herald"}],
        "alerts": {"smtp": {"host": "127.0.0.1", "port": mail_capture.port},
                   "recipients": [{"email": "analyst@example.org"}]},
    }), encoding="utf-8")
    result = CliRunner().invoke(app, ["run", "--config", str(path)])
    assert result.exit_code == 0, result.output
    assert "warning: source harbour: every one of the 3 items" in result.stderr
    assert "**Source health**\n- harbour: every one of the 3 items" in result.stdout

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["monitor-summary"])))

    assert any("- harbour: every one of the 3 items" in (a.data or "")
               for a in asyncio.run(artifacts()))
    assert mail_capture.messages() == []  # a source-health problem is not a content alert
