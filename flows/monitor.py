"""The monitor flow: one ingest per source (in-process tasks or runs on workers), analysis, alerts."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import acreate_markdown_artifact, acreate_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import AsyncClientContext, FlowRunContext, SyncClientContext
from prefect.runtime import flow_run
from prefect.tasks import exponential_backoff

from alerts import deliver_due
from claimwatch import processes
from claimwatch.analysis import AnalysisReport, analyse_pending, took_all_pending
from claimwatch.config import Config, Source, find_config_path, load_config
from claimwatch.ingest import ingest_source
from flows import fanout
from flows.limits import TagLimits, host_tags, read_tag_limits
from scrapers.errors import ExtractError
from storage.db import engine_for

# Configurations read by the flow runs of this process, by run: every task of a pass sees the
# settings the pass started with, and a 20-source pass reads the file (and its watchlist) once,
# not once per task. An edit applies from the next run.
_RUN_CONFIGS: dict[tuple[str, str | None], Config] = {}
_RUN_CONFIGS_KEPT = 32


def load_flow_config(config_path: str | None) -> Config:
    """The configuration a flow run uses: its parameter, else CLAIMWATCH_CONFIG or ./claimwatch.yaml."""
    run_id = flow_run.id  # None outside a run: read afresh
    key = (str(run_id), config_path)
    if run_id is not None and key in _RUN_CONFIGS:
        return _RUN_CONFIGS[key]
    config = load_config(Path(config_path) if config_path else find_config_path())
    processes.configure(config.processes)
    if run_id is not None:
        if len(_RUN_CONFIGS) >= _RUN_CONFIGS_KEPT:
            del _RUN_CONFIGS[next(iter(_RUN_CONFIGS))]
        _RUN_CONFIGS[key] = config
    return config


def run_window() -> str:
    """The moment a run covers: its scheduled time when it has one, else now (UTC, minutes)."""
    moment = flow_run.scheduled_start_time or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")


def monitor_run_name() -> str:
    chosen = flow_run.parameters.get("sources") or ["all"]
    return f"monitor-{'+'.join(chosen)}-{run_window()}"


def ingest_run_name() -> str:
    return f"ingest-{flow_run.parameters['source_id']}-{run_window()}"


def retry_if_transient(task, task_run, state) -> bool:
    """Retry network failures, not answers that will not change (404, 403, a feed that is not XML)."""
    if not state.is_failed():
        return False
    # _sync: the retry check may run inside an event loop (async tasks), where result() would
    # hand back a coroutine.
    exc = state.result(raise_on_failure=False, _sync=True)
    status = getattr(exc, "status", None)
    if status is not None and 400 <= status < 500 and status != 429:
        return False
    return not isinstance(exc, ExtractError)


@task(name="ingest-source", task_run_name="ingest-{source_id}", retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=5), retry_jitter_factor=0.5,
      retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
async def ingest_source_task(config_path: str | None, source_id: str) -> dict:
    # Async, so that all sources of a pass share one event loop (and one extraction thread
    # pool) instead of a loop and a pool per source competing for the cores.
    config = load_flow_config(config_path)
    source = config.source(source_id)
    report = await ingest_source(source, engine_for(config.database_url))
    return report.as_dict()


def ingest_task_for(source: Source, limits: TagLimits):
    """The ingest task tagged with its host where a limit holds the tag: a `host:<name>`
    concurrency limit serialises fetches."""
    return ingest_source_task.with_options(
        tags=limits.held(host_tags(fanout.host_of(source.url))))


@task(name="analyse-batch", task_run_name="analyse-batch-{number}", cache_policy=NO_CACHE)
def analyse_batch_task(config_path: str | None, number: int, skip: list[int],
                       historical: bool = False) -> tuple[dict, list[int]]:
    config = load_flow_config(config_path)
    report, failed = analyse_pending(config, engine_for(config.database_url),
                                     historical=historical, skip=frozenset(skip))
    return report.as_dict(), failed


def analyse_in_batches(config_path: str | None, historical: bool = False) -> dict:
    """One task per batch of pending articles, in order: conflicts depend on what came first."""
    total = AnalysisReport()
    skip: list[int] = []
    number = 1
    while True:
        report, failed = analyse_batch_task(config_path, number, skip, historical)
        total.merge(report)
        skip += failed
        if took_all_pending(report["articles"] + report["errors"]):
            return total.as_dict()
        number += 1


@task(name="deliver-alerts", retries=2, retry_delay_seconds=exponential_backoff(backoff_factor=5),
      cache_policy=NO_CACHE)
def deliver_task(config_path: str | None, include_digests: bool = False) -> dict:
    config = load_flow_config(config_path)
    return deliver_due(config, engine_for(config.database_url),
                       include_digests=include_digests).as_dict()


@flow(name="ingest-source", flow_run_name=ingest_run_name)
async def ingest_source_flow(source_id: str, config_path: str | None = None) -> dict:
    """Fetch what is new in one source and store it: the unit the monitor fans out to workers.

    Args:
        source_id: Id of the source in the configuration file.
        config_path: Configuration file on the worker; empty means CLAIMWATCH_CONFIG or
            ./claimwatch.yaml.
    """
    source = load_flow_config(config_path).source(source_id)
    report = await ingest_task_for(source, await read_tag_limits())(config_path, source_id)
    await acreate_table_artifact(key=f"ingest-{source_id}", table=[fanout.report_row(report)],
                                 description=f"Outcomes of {source_id} in this run")
    return report


def running_deployment_id():
    """The deployment of the current flow run, None when it was called directly.

    Read from the run's context: `prefect.runtime.deployment.id` asks the server for it when the
    run has no deployment, a blocking round trip on the flow's event loop."""
    context = FlowRunContext.get()
    return context.flow_run.deployment_id if context and context.flow_run else None


def failed_report(source_id: str, error: str) -> dict:
    return {"source": source_id, "discovered": 0, "outcomes": {}, "errors": [error],
            "failed": error, "health": None}


async def ingest_in_process(config_path: str | None, chosen: list[Source]) -> list[dict]:
    """Every source as a task of this run, all on one event loop."""
    logger = get_run_logger()
    # One Prefect client for all the tasks on this loop; without it each task run opens its
    # own (a TLS context and a connection each: ~20 ms a source).
    async with AsyncClientContext.get_or_create():
        limits = await read_tag_limits()
        outcomes = await asyncio.gather(
            *(ingest_task_for(s, limits)(config_path, s.id) for s in chosen),
            return_exceptions=True)
    reports = []
    for source, outcome in zip(chosen, outcomes, strict=True):
        if isinstance(outcome, BaseException):  # one failed source is reported; the others go on
            logger.error("source %s failed: %s", source.id, outcome)
            outcome = failed_report(source.id, str(outcome))
        reports.append(outcome)
    return reports


# Async although analysis and delivery are sync tasks: Prefect's sync engine ends every run by
# joining the heartbeat thread, which sleeps in whole seconds (up to a second per pass); the
# async engine lets that daemon thread go.
@flow(name="monitor", flow_run_name=monitor_run_name)
async def monitor(config_path: str | None = None, sources: list[str] | None = None) -> dict:
    """One monitoring pass: new items of every enabled (or named) source, conflicts, alerts.

    Run as a deployment, each source is ingested by its own `ingest-source` flow run, so
    workers share the sources; run locally, each source is a task in this process.

    Args:
        config_path: Configuration file on the worker; empty means CLAIMWATCH_CONFIG or
            ./claimwatch.yaml.
        sources: Ids of the sources to visit; empty means every enabled source.
    """
    logger = get_run_logger()
    started = datetime.now(timezone.utc)
    config = load_flow_config(config_path)
    engine = engine_for(config.database_url)  # schema upgraded once, before tasks start
    chosen = [s for s in config.sources if (s.id in sources if sources else s.enabled)]
    reports = None
    if running_deployment_id() is not None and chosen:
        reports = await fanout.ingest_on_workers(config_path, [s.id for s in chosen], logger)
    if reports is None:
        reports = await ingest_in_process(config_path, chosen)
    # One Prefect client for the sync tasks; without it each task run makes its own (a TLS
    # context and a version check each).
    with SyncClientContext.get_or_create():
        analysis = analyse_in_batches(config_path)
        delivery = deliver_task(config_path)
    summary = {"sources": reports, "analysis": analysis, "delivery": delivery,
               "conflicts": fanout.new_conflicts(engine, since=started)}
    await acreate_markdown_artifact(
        key="monitor-summary", markdown=summary_markdown(summary),
        description="Per-source outcomes, new conflicts and alerts of this run")
    return summary


def run_pass(config_path: str | None = None, sources: list[str] | None = None) -> dict:
    """One `monitor` run in this process, as `claimwatch run` and the demo make it.

    The extraction workers' fork server starts first: its imports then overlap Prefect's own
    start (registering the run takes a few hundred milliseconds, mostly waiting on the server)
    instead of delaying the pass's first extraction."""
    processes.warm_up()
    # Prefect's engine reads the server's default result storage with a sync client as the run
    # starts; given one here, it makes none of its own.
    with SyncClientContext.get_or_create():
        return asyncio.run(monitor(config_path=config_path, sources=sources))


def _is_error(outcome: str) -> bool:
    return outcome.endswith("error") or outcome in ("too-large", "too-short")


def _errors(outcomes: dict) -> int:
    return sum(v for k, v in outcomes.items() if _is_error(k))


def summary_markdown(summary: dict) -> str:
    """The run's artifact: a row per source, then the conflicts it found, with links."""
    lines = ["| source | discovered | stored | duplicates | known | errors | failed | other |",
             "|---|---|---|---|---|---|---|---|"]
    shown = {"stored", "duplicate", "known"}
    for r in summary["sources"]:
        o = r["outcomes"]
        # not-modified, robots-disallowed, known-failure...: every outcome is counted somewhere.
        other = ", ".join(f"{k} {v}" for k, v in sorted(o.items())
                          if k not in shown and not _is_error(k))
        lines.append(f"| {r['source']} | {r['discovered']} | {o.get('stored', 0)} | "
                     f"{o.get('duplicate', 0)} | {o.get('known', 0)} | {_errors(o)} | "
                     f"{'yes' if r['failed'] else ''} | {other} |")
    unhealthy = [r for r in summary["sources"] if r.get("health")]
    if unhealthy:
        # About the sources, not the news: for whoever runs claimwatch, never e-mailed to analysts.
        lines += ["", "**Source health**"] + [f"- {r['source']}: {r['health']}" for r in unhealthy]
    a, d = summary["analysis"], summary["delivery"]
    lines += ["", f"Analysed {a['articles']} articles: {a['statements']} statements, "
              f"{a['claims']} claims, **{a['conflicts']} new conflicts**, {a['alerts']} alerts.",
              f"E-mails sent: {d['messages']} ({d['alerts']} alerts); "
              f"failures: {len(d['failures'])}."]
    lines += [f"- **gave up**: {notice}" for notice in d.get("gave_up", [])]
    conflicts = summary.get("conflicts") or []
    if conflicts:
        lines += ["", "| conflict | proposition | new statement | contradicts |", "|---|---|---|---|"]
        for c in conflicts:
            lines.append(f"| #{c['id']} {c['kind']} | {c['proposition']} | "
                         f"{fanout.statement_link(c['statement'])} | "
                         f"{fanout.statement_link(c['conflicts_with'])} |")
    return "\n".join(lines)
