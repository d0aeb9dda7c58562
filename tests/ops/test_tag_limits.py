"""Host tags go on a run's network tasks exactly when a concurrency limit holds them, and then hold."""

from __future__ import annotations

import asyncio
import time

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowFilter,
    FlowFilterName,
    FlowRunFilter,
    FlowRunFilterId,
    TaskRunFilter,
    TaskRunFilterName,
)
from prefect.client.schemas.sorting import FlowRunSort
from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

from claimwatch.demo import write_demo_config
from claimwatch.sample_site import free_port
from flows.limits import TagLimits, host_tags, read_tag_limits
from flows.monitor import run_pass


def test_a_task_keeps_only_the_tags_a_limit_is_named_after():
    limits = TagLimits(frozenset({"host:tass.example.org", "unrelated"}))
    assert limits.held(host_tags("tass.example.org")) == ["host:tass.example.org"]
    assert limits.held(host_tags("ria.example.org")) == []
    # Limits that could not be read hold every tag: a limit is never skipped by accident.
    assert TagLimits(None).held(host_tags("ria.example.org")) == ["network", "host:ria.example.org"]


def test_a_server_that_cannot_be_reached_leaves_every_tag_on():
    with temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{free_port()}/api",
                             PREFECT_CLIENT_MAX_RETRIES: 0}):
        limits = asyncio.run(read_tag_limits())
    assert limits.limited is None


async def _latest_ingest_task_runs(sources: int):
    """The ingest task runs of the newest monitor run, once the server has recorded them all."""
    async with get_client() as client:
        deadline = time.monotonic() + 30
        while True:
            [newest] = await client.read_flow_runs(
                flow_filter=FlowFilter(name=FlowFilterName(any_=["monitor"])),
                sort=FlowRunSort.START_TIME_DESC, limit=1)
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[newest.id])),
                task_run_filter=TaskRunFilter(name=TaskRunFilterName(like_="ingest-")))
            if len(runs) == sources and all(r.end_time for r in runs) or time.monotonic() > deadline:
                return runs
            await asyncio.sleep(0.5)


async def _create_limit(tag: str, slots: int) -> None:
    async with get_client() as client:
        await client.create_concurrency_limit(tag=tag, concurrency_limit=slots)


async def _delete_limit(tag: str) -> None:
    async with get_client() as client:
        await client.delete_concurrency_limit_by_tag(tag=tag)


@pytest.mark.prefect
def test_a_host_limit_tags_the_hosts_tasks_and_runs_them_one_at_a_time(
        prefect_harness, sample_site, mail_capture, tmp_path):
    # The demo's three sources all live on the sample site's host.
    host = "host:127.0.0.1"
    (tmp_path / "free").mkdir()
    run_pass(config_path=str(write_demo_config(tmp_path / "free", sample_site.base,
                                               mail_capture.port)))
    free = asyncio.run(_latest_ingest_task_runs(3))
    assert len(free) == 3 and all(r.tags == [] for r in free)

    asyncio.run(_create_limit(host, 1))
    try:
        (tmp_path / "held").mkdir()
        summary = run_pass(config_path=str(write_demo_config(tmp_path / "held", sample_site.base,
                                                             mail_capture.port)))
        held = asyncio.run(_latest_ingest_task_runs(3))
    finally:
        asyncio.run(_delete_limit(host))
    assert all(r["outcomes"].get("stored") for r in summary["sources"])
    assert len(held) == 3 and all(r.tags == [host] for r in held)
    spans = sorted((r.start_time, r.end_time) for r in held)
    assert all(spans[i][1] <= spans[i + 1][0] for i in range(len(spans) - 1)), spans
