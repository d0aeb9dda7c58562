"""The monitor flow: one task per source, then detection in batches, then alert delivery."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact

from alerts import deliver_due
from claimwatch.analysis import AnalysisReport, analyse_pending
from claimwatch.config import find_config_path, load_config
from claimwatch.ingest import ingest_source
from storage.db import engine_for


def _config(config_path: str | None):
    return load_config(Path(config_path) if config_path else find_config_path())


@task(name="ingest-source", retries=1, retry_delay_seconds=2, tags=["network"],
      task_run_name="ingest-{source_id}")
def ingest_source_task(config_path: str | None, source_id: str) -> dict:
    config = _config(config_path)
    source = config.source(source_id)
    report = asyncio.run(ingest_source(source, engine_for(config.database_url)))
    return report.as_dict()


@task(name="analyse-batch", task_run_name="analyse-batch-{number}")
def analyse_batch_task(config_path: str | None, number: int, skip: list[int],
                       historical: bool = False) -> tuple[dict, list[int]]:
    config = _config(config_path)
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
        if report["articles"] + report["errors"] == 0:
            return total.as_dict()
        number += 1


@task(name="deliver-alerts", retries=1, retry_delay_seconds=5, tags=["smtp"])
def deliver_task(config_path: str | None) -> dict:
    config = _config(config_path)
    return deliver_due(config, engine_for(config.database_url)).as_dict()


@flow(name="monitor", log_prints=False)
def monitor(config_path: str | None = None, sources: list[str] | None = None) -> dict:
    """One monitoring pass: new items of every enabled (or named) source, conflicts, alerts."""
    logger = get_run_logger()
    config = _config(config_path)
    engine_for(config.database_url)  # schema upgraded once, before tasks start
    chosen = [s for s in config.sources if (s.id in sources if sources else s.enabled)]
    futures = {s.id: ingest_source_task.submit(config_path, s.id) for s in chosen}
    reports = []
    for source_id, future in futures.items():
        try:
            reports.append(future.result())
        except Exception as exc:  # one failed source is reported; the others go on
            logger.error("source %s failed: %s", source_id, exc)
            reports.append({"source": source_id, "discovered": 0, "outcomes": {},
                            "errors": [str(exc)], "failed": str(exc)})
    analysis = analyse_in_batches(config_path)
    delivery = deliver_task(config_path)
    summary = {"sources": reports, "analysis": analysis, "delivery": delivery}
    create_markdown_artifact(key="monitor-summary", markdown=summary_markdown(summary),
                             description="Per-source outcomes, conflicts and alerts of this run")
    return summary


def summary_markdown(summary: dict) -> str:
    lines = ["| source | discovered | stored | duplicates | known | errors | failed |",
             "|---|---|---|---|---|---|---|"]
    for r in summary["sources"]:
        o = r["outcomes"]
        errors = sum(v for k, v in o.items() if k.endswith("error") or k == "too-large")
        lines.append(f"| {r['source']} | {r['discovered']} | {o.get('stored', 0)} | "
                     f"{o.get('duplicate', 0)} | {o.get('known', 0)} | {errors} | "
                     f"{'yes' if r['failed'] else ''} |")
    a, d = summary["analysis"], summary["delivery"]
    lines += ["", f"Analysed {a['articles']} articles: {a['statements']} statements, "
              f"{a['claims']} claims, **{a['conflicts']} new conflicts**, {a['alerts']} alerts.",
              f"E-mails sent: {d['messages']} ({d['alerts']} alerts); "
              f"failures: {len(d['failures'])}."]
    return "\n".join(lines)
