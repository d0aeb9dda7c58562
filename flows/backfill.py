"""The backfill flow: a source's history, a few days a task, each day checkpointed, analysed as history."""

from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run, task_run
from prefect.tasks import exponential_backoff
from prefect.utilities.asyncutils import run_coro_as_sync

from claimwatch import backfill as days
from flows.limits import host_tags, read_tag_limits
from flows.monitor import analyse_in_batches, load_flow_config, retry_if_transient
from scrapers.items import Item
from storage.db import engine_for


def backfill_run_name() -> str:
    params = flow_run.parameters
    until = params.get("until") or "today"
    return f"backfill-{params['source']}-{params['since']}-to-{until}"


@task(name="discover-history", task_run_name="discover-history-{source_id}", retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=10), retry_jitter_factor=0.5,
      retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def discover_history_task(config_path: str | None, source_id: str) -> dict[date, list[Item]]:
    import asyncio

    source = load_flow_config(config_path).source(source_id)
    return asyncio.run(days.discover_history(source))


def days_run_name() -> str:
    params = task_run.parameters
    todo = params["todo"]
    return f"backfill-{params['source_id']}-{todo[0]}-to-{todo[-1]}"


@task(name="backfill-days", task_run_name=days_run_name, retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=10), retry_jitter_factor=0.5,
      retry_condition_fn=retry_if_transient, cache_policy=NO_CACHE)
def backfill_days_task(config_path: str | None, source_id: str, todo: list[date],
                       items: dict[date, list[Item]] | None = None, backoff: float = 1.0
                       ) -> list[dict]:
    config = load_flow_config(config_path)
    return days.run_days(config.source(source_id), engine_for(config.database_url), todo,
                         items=items, backoff=backoff)


@flow(name="backfill", flow_run_name=backfill_run_name)
def backfill(source: str, since: date, until: date | None = None,
             config_path: str | None = None, chunk_retries: int = 2,
             backoff: float = 1.0, days_per_task: int = days.DAYS_PER_TASK) -> dict:
    """Ingest a historical date range of one source, a few days per task; resumable, idempotent.

    Days already completed (checkpointed in the database) are skipped, so a killed backfill
    resumes where it stopped and a repeated one adds nothing. Conflicts found in backfilled
    statements go to digests marked historical, never to immediate alerts.

    Args:
        source: Id of the source in the configuration file.
        since: First day to ingest (UTC).
        until: Last day to ingest (UTC); today when empty.
        config_path: Configuration file on the worker; empty means CLAIMWATCH_CONFIG or
            ./claimwatch.yaml.
        chunk_retries: Retries of a failing day before it is left for the next backfill.
        backoff: Base wait in seconds between HTTP retries of one page.
        days_per_task: Days ingested together by one task (each still checkpointed alone).
    """
    logger = get_run_logger()
    config = load_flow_config(config_path)
    chosen = config.source(source)
    until = until or days.today()
    engine = engine_for(config.database_url)
    mode = days.discovery_mode(chosen)
    todo = days.plan_backfill(engine, chosen, since, until)
    total = len(days.day_range(since, until))
    logger.info("backfill %s %s..%s: %d of %d days to do (%s)", source, since, until,
                len(todo), total, mode)
    artifact_id = create_progress_artifact(
        progress=_percent(total - len(todo), total), key=f"backfill-{source}",
        description=f"Days of {source} from {since} to {until} ingested")
    # Both tasks fetch from the source's host; tagged once for the run (flows.limits).
    tags = run_coro_as_sync(read_tag_limits()).held(host_tags(days.host_of(chosen)))
    history = (discover_history_task.with_options(tags=tags)(config_path, source)
               if mode == "history" and todo else {})
    task = backfill_days_task.with_options(retries=chunk_retries, tags=tags)
    results, failed = [], []
    for first in range(0, len(todo), days_per_task):
        some = todo[first:first + days_per_task]
        items = {d: history.get(d, []) for d in some} if mode == "history" else None
        try:
            results.extend(task(config_path, source, some, items, backoff))
        except days.DaysFailed as exc:  # those days stay unfinished for the next backfill
            for failure in exc.failures:
                logger.error("day %s of %s failed: %s", failure["day"], source, failure["error"])
            results.extend(exc.results)
            failed.extend(exc.failures)
        except Exception as exc:
            logger.error("days %s..%s of %s failed: %s", some[0], some[-1], source, exc)
            failed.extend({"day": d.isoformat(), "error": str(exc)[:300]} for d in some)
        # Each article carries its origin, so a monitor article pending at the same time
        # still alerts immediately and these days' articles go to historical digests.
        analyse_in_batches(config_path)
        update_progress_artifact(artifact_id=artifact_id,
                                 progress=_percent(total - len(todo) + first + len(some), total))
    totals = days.progress(engine, source, since, until)
    summary = {"source": source, "since": since.isoformat(), "until": until.isoformat(),
               "days": total, "skipped": total - len(todo), "chunks": results,
               "failed": failed, "totals": totals}
    create_markdown_artifact(key=f"backfill-{source}-summary", markdown=summary_markdown(summary),
                             description=f"Backfill of {source}, {since} to {until}")
    return summary


def _percent(done: int, total: int) -> float:
    return round(100.0 * done / total, 1) if total else 100.0


def summary_markdown(summary: dict) -> str:
    """Per-day outcomes of this backfill run, then the checkpoint totals of the whole range."""
    t = summary["totals"]
    lines = [f"Backfill of **{summary['source']}** from {summary['since']} to {summary['until']}: "
             f"{t['done']} of {summary['days']} days done, {summary['skipped']} skipped as "
             f"already done, {len(summary['failed'])} failed; {t['stored']} articles stored "
             f"over the range.", "",
             "| day | discovered | stored | duplicates | known | errors | status |",
             "|---|---|---|---|---|---|---|"]
    for r in summary["chunks"]:
        o = r["outcomes"]
        errors = sum(o.get(k, 0) for k in days.ERROR_OUTCOMES)
        lines.append(f"| {r['day']} | {r['discovered']} | {o.get('stored', 0)} | "
                     f"{o.get('duplicate', 0)} | {o.get('known', 0)} | {errors} | {r['status']} |")
    for f in summary["failed"]:
        lines.append(f"| {f['day']} | | | | | | failed: {f['error']} |")
    return "\n".join(lines)
