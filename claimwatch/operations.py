"""Operating claimwatch in Prefect: serving prefect.yaml, backfills with a progress bar, crash detection."""

from __future__ import annotations

import importlib
import os
import threading
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import yaml
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

PREFECT_FILE = "prefect.yaml"
CRASH_AUTOMATION = "claimwatch: crash silent flow runs"
# What prefect.yaml sets (PREFECT_FLOWS_HEARTBEAT_FREQUENCY); Prefect refuses anything shorter.
HEARTBEAT_SECONDS = 30
MIN_HEARTBEAT_SECONDS = 30
# Three missed heartbeats mean the run is gone; one late heartbeat on a busy machine does not.
SILENCE_BEFORE_CRASH = timedelta(seconds=3 * HEARTBEAT_SECONDS)
# A heartbeat arrives up to a few seconds late (the beat itself, the event's trip to the server).
HEARTBEAT_SLACK_SECONDS = 10
PROGRESS_POLL_SECONDS = 0.5


def find_prefect_file(explicit: str | None = None) -> Path:
    """prefect.yaml: the given path, else the working directory's, else the one of this checkout."""
    if explicit:
        return Path(explicit)
    local = Path.cwd() / PREFECT_FILE
    if local.exists():
        return local
    return Path(__file__).resolve().parent.parent / PREFECT_FILE


def load_deployment_specs(prefect_file: Path) -> list[dict]:
    spec = yaml.safe_load(prefect_file.read_text(encoding="utf-8")) or {}
    return list(spec.get("deployments") or [])


def flow_of(entrypoint: str):
    """The flow object an entrypoint (`flows/monitor.py:monitor`) names."""
    path, name = entrypoint.split(":")
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return getattr(module, name)


def schedules_of(spec: dict) -> list:
    from prefect.schedules import Cron, Interval

    schedules = []
    for entry in spec.get("schedules") or []:
        if entry.get("cron"):
            schedules.append(Cron(entry["cron"], timezone=entry.get("timezone", "UTC")))
        elif entry.get("interval"):
            schedules.append(Interval(timedelta(seconds=entry["interval"]),
                                      timezone=entry.get("timezone", "UTC")))
    return schedules


def build_deployments(specs: list[dict]) -> list:
    """prefect.yaml's deployments as runner deployments: same names, parameters and schedules."""
    return [flow_of(spec["entrypoint"]).to_deployment(
        name=spec["name"], description=spec.get("description"),
        parameters=spec.get("parameters") or {}, tags=spec.get("tags") or [],
        schedules=schedules_of(spec))
        for spec in specs]


def worker_environment(prefect_file: Path) -> dict[str, str]:
    """The environment prefect.yaml gives flow runs on workers (the pools' job variables)."""
    spec = yaml.safe_load(prefect_file.read_text(encoding="utf-8")) or {}
    env: dict[str, str] = {}
    pools = [d.get("work_pool") or {} for d in spec.get("deployments") or []]
    for pool in pools:
        for key, value in ((pool.get("job_variables") or {}).get("env") or {}).items():
            env.setdefault(str(key), str(value))
    return env


def serve_deployments(prefect_file: Path) -> None:
    """Run every deployment of `prefect_file` on its schedule in this process, without a worker."""
    from prefect import serve

    # Served runs get what a worker would give them, heartbeats first: without them the crash
    # automation could never tell a served run whose process died from a live one. What the
    # operator set in the environment wins.
    for key, value in worker_environment(prefect_file).items():
        os.environ.setdefault(key, value)
    serve(*build_deployments(load_deployment_specs(prefect_file)))


class AutomationUsageError(ValueError):
    """A crash automation that would crash live runs, or never see a heartbeat."""


def check_silence(silence: timedelta, heartbeat_seconds: int = HEARTBEAT_SECONDS) -> None:
    """Refuse a silence window that a healthy run's heartbeats would not reliably fill."""
    if heartbeat_seconds < MIN_HEARTBEAT_SECONDS:
        raise AutomationUsageError(f"--heartbeat: Prefect sends heartbeats at most every "
                                   f"{MIN_HEARTBEAT_SECONDS} s, not {heartbeat_seconds} s")
    shortest = heartbeat_seconds + HEARTBEAT_SLACK_SECONDS
    if silence.total_seconds() < shortest:
        raise AutomationUsageError(
            f"--silence: {silence.total_seconds():.0f} s would crash live runs whose heartbeat "
            f"(every {heartbeat_seconds} s) is a little late; use {shortest} s or more")


def create_crash_automation(silence: timedelta = SILENCE_BEFORE_CRASH,
                            heartbeat_seconds: int = HEARTBEAT_SECONDS) -> str:
    """The automation that marks a flow run Crashed after `silence` without a heartbeat; its id.

    Idempotent: an automation of the same name is replaced (so a new window takes effect)."""
    check_silence(silence, heartbeat_seconds)
    from prefect.automations import Automation
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    seconds = f"{silence.total_seconds():.0f}"
    try:
        Automation.read(name=CRASH_AUTOMATION).delete()
    except ValueError:  # none yet
        pass
    automation = Automation(
        name=CRASH_AUTOMATION,
        description="A run whose worker died stops sending heartbeats: mark it Crashed "
                    "instead of leaving it Running.",
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={"prefect.flow-run.heartbeat", "prefect.flow-run.Completed",
                    "prefect.flow-run.Failed", "prefect.flow-run.Cancelled",
                    "prefect.flow-run.Crashed"},
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=silence,
        ),
        actions=[ChangeFlowRunState(state=StateType.CRASHED,
                                    message=f"No heartbeat for {seconds} s: the worker is gone.")],
    ).create()
    return str(automation.id)


class BackfillUsageError(ValueError):
    """A backfill request refused before any work: unknown source, bad dates."""


def parse_day(option: str, value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise BackfillUsageError(f"{option}: not a date (YYYY-MM-DD): {value!r}") from None


def check_backfill(config, source_id: str, since: str, until: str | None) -> tuple[date, date]:
    """The range of a backfill request, or BackfillUsageError naming what is wrong."""
    from claimwatch import backfill as days

    if source_id not in {s.id for s in config.sources}:
        raise BackfillUsageError(f"--source: unknown source id: {source_id}")
    first = parse_day("--since", since)
    last = parse_day("--until", until) if until else days.today()
    try:
        days.day_range(first, last)
        days.discovery_mode(config.source(source_id))
    except days.BackfillError as exc:
        raise BackfillUsageError(str(exc)) from None
    return first, last


def run_backfill(config, config_path: Path, source_id: str, since: date, until: date,
                 console: Console) -> dict:
    """The backfill flow in this process, with a progress bar read from the checkpoints."""
    from claimwatch import backfill as days
    from flows.backfill import backfill
    from storage.db import engine_for

    engine = engine_for(config.database_url)
    total = len(days.day_range(since, until))
    started = datetime.now(timezone.utc)
    start = days.progress(engine, source_id, since, until)
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("days · {task.fields[counts]}"), TimeElapsedColumn(),
               TextColumn("ETA"), TimeRemainingColumn())
    stop = threading.Event()
    with Progress(*columns, console=console, transient=False) as bar:
        task_id = bar.add_task(f"backfill {source_id}", total=total, completed=start["done"],
                               counts=_counts(start))

        def poll() -> None:
            while not stop.wait(PROGRESS_POLL_SECONDS):
                now = days.progress(engine, source_id, since, until, finished_since=started)
                bar.update(task_id, completed=start["done"] + now["finished_since"],
                           counts=_counts(now))

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        try:
            summary = backfill(source=source_id, since=since, until=until,
                               config_path=str(config_path.resolve()))
        finally:
            stop.set()
            poller.join()
        final = days.progress(engine, source_id, since, until, finished_since=started)
        bar.update(task_id, completed=start["done"] + final["finished_since"],
                   counts=_counts(final))
    return summary


def _counts(progress: dict) -> str:
    return (f"{progress['stored']} stored of {progress['discovered']} found, "
            f"{progress['errors']} errors")


def main(argv: list[str] | None = None) -> int:
    """`python -m claimwatch.operations install-automation [--silence S] [--heartbeat S]`."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m claimwatch.operations")
    commands = parser.add_subparsers(dest="command", required=True)
    install = commands.add_parser(
        "install-automation", help="install (or replace) the automation that crashes silent runs")
    install.add_argument("--silence", type=int, default=int(SILENCE_BEFORE_CRASH.total_seconds()),
                         help="seconds without a heartbeat before a run is marked Crashed "
                              "(default: %(default)s)")
    install.add_argument("--heartbeat", type=int, default=HEARTBEAT_SECONDS,
                         help="the workers' PREFECT_FLOWS_HEARTBEAT_FREQUENCY, to check "
                              "--silence against (default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        automation_id = create_crash_automation(timedelta(seconds=args.silence), args.heartbeat)
    except AutomationUsageError as exc:
        parser.error(str(exc))  # exit status 2, like every other usage error
    print(f"automation {CRASH_AUTOMATION!r} ({args.silence} s of silence): {automation_id}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
