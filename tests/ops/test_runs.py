"""What a run shows without its logs: host tags, retry policy, artifact tables with conflict links."""

from __future__ import annotations

import pytest
import yaml
from prefect import flow, task
from prefect.states import Completed, Failed

from claimwatch.config import Source
from flows import fanout
from flows.limits import TagLimits
from flows.monitor import (
    ingest_task_for,
    load_flow_config,
    retry_if_transient,
    summary_markdown,
)
from scrapers.errors import ExtractError, FetchError


def test_ingest_tasks_carry_the_tag_of_their_host_where_a_limit_holds_it():
    source = Source(id="tass", kind="rss", url="https://TASS.example.org:8443/rss/v2.xml")
    limited = TagLimits(frozenset({"host:tass.example.org"}))
    assert ingest_task_for(source, limited).tags == {"host:tass.example.org"}
    assert ingest_task_for(source, TagLimits(frozenset())).tags == set()


def test_only_failures_that_may_pass_are_retried():
    def state_of(exc: Exception):
        return Failed(data=exc)

    assert retry_if_transient(None, None, state_of(FetchError("u", "timed out")))
    assert retry_if_transient(None, None, state_of(FetchError("u", "HTTP 503", 503)))
    assert retry_if_transient(None, None, state_of(FetchError("u", "HTTP 429", 429)))
    assert not retry_if_transient(None, None, state_of(FetchError("u", "HTTP 404", 404)))
    assert not retry_if_transient(None, None, state_of(ExtractError("not a feed")))
    assert not retry_if_transient(None, None, Completed())


def test_a_source_report_survives_the_trip_through_a_table_artifact():
    report = {"source": "vestnik", "discovered": 7, "outcomes": {"stored": 4, "known": 2,
                                                                "fetch-error": 1},
              "errors": ["https://v.example/a: HTTP 500 after 3 tries"], "failed": None,
              "health": None}
    assert fanout.report_from_row(fanout.report_row(report)) == report
    broken = {**report, "outcomes": {"too-short": 5},
              "health": "every one of the 5 items fetched in this run failed extraction"}
    assert fanout.report_from_row(fanout.report_row(broken)) == broken


def test_the_monitor_artifact_links_both_sides_of_each_new_conflict():
    side = {"speaker": {"id": "x", "name": "A | B"}, "source": "vestnik", "said_on": "2021-03-02",
            "article_url": "https://v.example/news/a (1).html"}
    summary = {
        "sources": [{"source": "vestnik", "discovered": 3, "outcomes": {"stored": 3},
                     "errors": [], "failed": None},
                    {"source": "broken", "discovered": 0, "outcomes": {}, "errors": ["x"],
                     "failed": "HTTP 404"},
                    {"source": "quiet", "discovered": 2, "errors": [], "failed": None,
                     "outcomes": {"not-modified": 1, "robots-disallowed": 2, "fetch-error": 1}}],
        "analysis": {"articles": 3, "statements": 2, "claims": 2, "conflicts": 1, "alerts": 1,
                     "errors": 0},
        "delivery": {"messages": 1, "alerts": 1, "failures": []},
        "conflicts": [{"id": 9, "kind": "contradiction", "proposition": "armenia use iskander",
                       "statement": side, "conflicts_with": {**side, "said_on": None}}],
    }
    text = summary_markdown(summary)
    assert "| vestnik | 3 | 3 | 0 | 0 | 0 |  |" in text and "| broken | 0 | 0 | 0 | 0 | 0 | yes |" in text
    assert "| quiet | 2 | 0 | 0 | 0 | 1 |  | not-modified 1, robots-disallowed 2 |" in text
    row = next(line for line in text.splitlines() if line.startswith("| #9"))
    assert row.count("](https://v.example/news/a%20(1%29.html)") == 2
    assert "A / B (vestnik, 2021-03-02)" in row and "(vestnik, ?)" in row
    assert row.count("|") == 5  # the speaker's pipe cannot break the table


@pytest.mark.prefect
def test_a_run_reads_its_configuration_once_and_the_next_run_sees_an_edit(prefect_harness, tmp_path):
    path = tmp_path / "claimwatch.yaml"

    def write(database: str) -> None:
        path.write_text(yaml.safe_dump({
            "database_url": f"sqlite:///{tmp_path / database}",
            "sources": [{"id": "vestnik", "kind": "rss", "url": "https://v.example/feed"}],
            "watchlist": [{"id": "iskander", "kind": "weapon", "name": "Iskander",
                           "aliases": ["Iskander"]}]}), encoding="utf-8")

    @task
    def database_seen_by_a_task(config_path: str) -> str:
        return load_flow_config(config_path).database_url

    @flow
    def reads_twice(config_path: str) -> tuple[str, str]:
        before = load_flow_config(config_path).database_url
        write("edited.db")  # an edit while the run goes on does not reach its tasks
        return before, database_seen_by_a_task(config_path)

    write("first.db")
    assert reads_twice(str(path)) == (f"sqlite:///{tmp_path / 'first.db'}",) * 2
    assert reads_twice(str(path))[0] == f"sqlite:///{tmp_path / 'edited.db'}"
    assert load_flow_config(str(path)).database_url.endswith("edited.db")  # outside a run: afresh
