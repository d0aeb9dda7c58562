"""Helpers of the monitor flow: fan-out of sources to `ingest-source` runs, and what its artifact shows."""

from __future__ import annotations

import asyncio
import json
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claimwatch.exports import export_rows

INGEST_DEPLOYMENT = "ingest-source/ingest-source"
# A source run that has not finished in an hour is reported as failed; the run goes on alone.
WAIT_SECONDS = 3600
MAX_CONFLICTS_SHOWN = 50
# Child runs created at once: enough to overlap the API round trips, few enough for a server
# on SQLite.
CREATE_AT_ONCE = 4
CREATE_TRIES = 3
CREATE_PAUSE = 5.0
REPORT_KEYS = ("source", "discovered", "failed", "health")


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "unknown").lower()


def report_row(report: dict) -> dict:
    """A source report flattened to one table row (the artifact a parent monitor reads back)."""
    row = {"source": report["source"], "discovered": report["discovered"]}
    row.update(report["outcomes"])
    row["errors"] = "; ".join(report["errors"][:5])
    row["failed"] = report["failed"] or ""
    row["health"] = report.get("health") or ""
    return row


def report_from_row(row: dict) -> dict:
    outcomes = {k: v for k, v in row.items()
                if k not in (*REPORT_KEYS, "errors") and isinstance(v, int)}
    errors = [e for e in (row.get("errors") or "").split("; ") if e]
    return {"source": row["source"], "discovered": row["discovered"], "outcomes": outcomes,
            "errors": errors, "failed": row.get("failed") or None,
            "health": row.get("health") or None}


async def ingest_on_workers(config_path: str | None, source_ids: list[str],
                            logger) -> list[dict] | None:
    """One `ingest-source` flow run per source, waited for; None when that deployment is missing."""
    from prefect.exceptions import ObjectNotFound

    try:
        return await _fan_out(config_path, source_ids)
    except ObjectNotFound:
        logger.warning("deployment %s not found: sources are ingested in this process",
                       INGEST_DEPLOYMENT)
        return None


async def _fan_out(config_path: str | None, source_ids: list[str]) -> list[dict]:
    from prefect.client.orchestration import get_client
    from prefect.deployments.flow_runs import arun_deployment
    from prefect.exceptions import ObjectNotFound, PrefectHTTPStatusError
    from prefect.flow_runs import wait_for_flow_run
    from prefect.runtime import flow_run

    parent = flow_run.id
    requests = asyncio.Semaphore(CREATE_AT_ONCE)

    async def start(source_id: str):
        for attempt in range(1, CREATE_TRIES + 1):
            try:
                async with requests:
                    # The key makes a retried monitor (or a retried creation) find the run it
                    # already started instead of a new one.
                    return await arun_deployment(
                        INGEST_DEPLOYMENT, timeout=0, idempotency_key=f"{parent}:{source_id}",
                        parameters={"source_id": source_id, "config_path": config_path},
                        tags=[f"source:{source_id}"])
            except PrefectHTTPStatusError as exc:
                # A server on SQLite answers 503 while its database is locked, past the
                # client's own retries when workers are busy writing too.
                if exc.response.status_code != 503 or attempt == CREATE_TRIES:
                    raise
            await asyncio.sleep(CREATE_PAUSE * attempt)

    async def finish(run):
        if isinstance(run, BaseException):  # never created: reported as a failed source
            return run
        return await wait_for_flow_run(run.id, timeout=WAIT_SECONDS)

    # Each creation is several API calls: one after the other, the last source of 20 waited
    # for all the others before a worker could take it.
    started = await asyncio.gather(*(start(source_id) for source_id in source_ids),
                                   return_exceptions=True)
    for outcome in started:
        if isinstance(outcome, ObjectNotFound):  # no such deployment: the caller falls back
            raise outcome
    finished = await asyncio.gather(*(finish(run) for run in started), return_exceptions=True)
    async with get_client() as client:
        return list(await asyncio.gather(*(
            _report_of(client, source_id, run)
            for source_id, run in zip(source_ids, finished, strict=True))))


async def _report_of(client, source_id: str, run) -> dict:
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        ArtifactFilterKey,
    )

    from flows.monitor import failed_report

    if isinstance(run, BaseException):
        return failed_report(source_id, f"{type(run).__name__}: {run}")
    if run.state is None or not run.state.is_completed():
        state = run.state.name if run.state else "unknown"
        message = (run.state.message if run.state else "") or ""
        return failed_report(source_id, f"flow run {run.name} ended {state}: {message}"[:500])
    artifacts = await client.read_artifacts(artifact_filter=ArtifactFilter(
        flow_run_id=ArtifactFilterFlowRunId(any_=[run.id]),
        key=ArtifactFilterKey(any_=[f"ingest-{source_id}"])))
    if not artifacts:
        return failed_report(source_id, f"flow run {run.name} left no report")
    data = artifacts[0].data
    rows = json.loads(data) if isinstance(data, str) else data
    return report_from_row(rows[0])


def new_conflicts(engine: Engine, *, since: datetime) -> list[dict]:
    """Conflicts detected since `since`, as exported (CONTRACT §3), at most MAX_CONFLICTS_SHOWN."""
    with Session(engine) as session:
        return export_rows("conflicts", session=session, since=since)[:MAX_CONFLICTS_SHOWN]


def statement_link(statement: dict) -> str:
    """'Speaker (source, date)' linked to the article, table-safe."""
    label = f"{statement['speaker']['name']} ({statement['source']}, {statement['said_on'] or '?'})"
    label = label.replace("|", "/").replace("[", "(").replace("]", ")")
    url = statement["article_url"].replace(")", "%29").replace(" ", "%20")
    return f"[{label}]({url})"
