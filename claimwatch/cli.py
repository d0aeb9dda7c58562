"""The `claimwatch` command line (CONTRACT §2)."""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime, timezone
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from claimwatch import processes
from claimwatch.config import ConfigError, find_config_path, load_config

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Watch news for what tracked actors say about tracked weapons.")
alerts_app = typer.Typer(no_args_is_help=True, help="Alert delivery.")
app.add_typer(alerts_app, name="alerts")
conflicts_app = typer.Typer(no_args_is_help=True, help="Analyst feedback on conflicts.")
app.add_typer(conflicts_app, name="conflicts")
urls_app = typer.Typer(no_args_is_help=True, help="URLs given up on (404, 410, 403, failed "
                       "extraction): list them, or reset them so the next run tries again.")
app.add_typer(urls_app, name="urls")
console = Console()
errors = Console(stderr=True, soft_wrap=True)

ConfigOption = Annotated[Optional[str], typer.Option(  # noqa: UP007 (typer needs Optional)
    "--config", help="Configuration file (default: $CLAIMWATCH_CONFIG, ./claimwatch.yaml, "
    "else the bundled demo configuration).", show_default=False)]


class Format(str, Enum):
    json = "json"
    csv = "csv"


class ExportKind(str, Enum):
    articles = "articles"
    mentions = "mentions"
    statements = "statements"
    conflicts = "conflicts"


def _prefect_defaults() -> None:
    # The telemetry service of the embedded server can lock its SQLite database on first run.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # The embedded server records task runs as the production layout's does (in batches).
    from flows.server_settings import SERVER_ENV

    for name, value in SERVER_ENV.items():
        os.environ.setdefault(name, value)


@app.callback()
def main_options(ctx: typer.Context, config: ConfigOption = None) -> None:
    ctx.obj = {"config": config}


def _config_path(ctx: typer.Context, config: str | None) -> Path:
    return find_config_path(config or (ctx.obj or {}).get("config"))


def _load(ctx: typer.Context, config: str | None):
    path = _config_path(ctx, config)
    try:
        config = load_config(path)
    except ConfigError as exc:
        for problem in exc.problems:
            errors.print(problem, markup=False, highlight=False)
        raise typer.Exit(2) from None
    processes.configure(config.processes)
    return path, config


def _engine(cfg):
    """The configured database, opened (schema upgraded); exit 1 with one line if it cannot be."""
    from storage.db import engine_for
    from storage.errors import DatabaseUnavailable

    try:
        return engine_for(cfg.database_url)
    except DatabaseUnavailable as exc:  # its message names the database, password hidden
        errors.print(f"failed: {exc}", markup=False, highlight=False)
        raise typer.Exit(1) from None


@app.command()
def demo(ctx: typer.Context, config: ConfigOption = None) -> None:
    """The whole pipeline, offline, on the bundled sample news site."""
    _prefect_defaults()
    from claimwatch.demo import run_demo

    summary = run_demo(console)
    failed = [r for r in summary["sources"] if r["failed"]] or summary["delivery"]["failures"]
    raise typer.Exit(1 if failed else 0)


@app.command()
def run(ctx: typer.Context, source: Annotated[Optional[list[str]], typer.Option(  # noqa: UP007
        "--source", help="Only this source id (repeatable).")] = None,
        config: ConfigOption = None) -> None:
    """One monitoring pass over the enabled sources as a Prefect flow run."""
    path, cfg = _load(ctx, config)
    unknown = [s for s in source or [] if s not in {x.id for x in cfg.sources}]
    if unknown:
        errors.print(f"--source: unknown source id(s): {', '.join(unknown)}")
        raise typer.Exit(2)
    _engine(cfg)  # an unreachable database is one line here, not a failed flow's traceback
    _prefect_defaults()
    from flows.monitor import run_pass, summary_markdown

    summary = run_pass(config_path=str(path.resolve()), sources=source or None)
    console.print(summary_markdown(summary), markup=False, highlight=False)
    failures = [f"source {r['source']}: {r['failed']}" for r in summary["sources"] if r["failed"]]
    failures += summary["delivery"]["failures"]
    for failure in failures:
        errors.print(f"failed: {failure}", markup=False, highlight=False)
    for notice in summary["delivery"].get("gave_up", []):
        errors.print(f"gave up: {notice}", markup=False, highlight=False)
    for report in summary["sources"]:
        if report.get("health"):
            errors.print(f"warning: source {report['source']}: {report['health']}", markup=False,
                         highlight=False)
    raise typer.Exit(1 if failures else 0)


@alerts_app.command("send")
def alerts_send(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Deliver the alerts that are due (immediate ones, and digests whose time has come)."""
    _, cfg = _load(ctx, config)
    from alerts import deliver_due

    report = deliver_due(cfg, _engine(cfg), include_digests=True)
    console.print(f"sent {report.messages} e-mails carrying {report.alerts} alerts")
    for failure in report.failures:
        errors.print(f"failed: {failure}", markup=False, highlight=False)
    for notice in report.gave_up:
        errors.print(f"gave up: {notice}", markup=False, highlight=False)
    raise typer.Exit(1 if report.failures else 0)


@alerts_app.command("status")
def alerts_status(ctx: typer.Context, as_json: Annotated[bool, typer.Option(
        "--json", help="The counts and the failed alerts as one JSON object.")] = False,
        config: ConfigOption = None) -> None:
    """The outbox: alerts sent, due, waiting for a retry, and given up on (exit 1 if any)."""
    _, cfg = _load(ctx, config)
    from sqlmodel import Session

    from storage import repository

    with Session(_engine(cfg)) as session:
        counts = repository.outbox_counts(session=session, now=datetime.now(timezone.utc))
        failed = [{"id": a.id, "conflict": a.conflict_id, "recipient": a.recipient,
                   "attempts": a.attempts, "first_failed_at": a.first_failed_at.isoformat(),
                   "failed_at": a.failed_at.isoformat(), "last_error": a.last_error}
                  for a in repository.failed_alerts(session=session)]
    if as_json:
        sys.stdout.write(json.dumps({**counts, "failed_alerts": failed}, indent=2) + "\n")
    else:
        console.print(f"sent {counts['sent']}, due {counts['pending']}, waiting for a retry "
                      f"{counts['waiting']}, given up {counts['failed']}", markup=False)
        for a in failed:
            console.print(f"failed: alert #{a['id']} (conflict #{a['conflict']}) to "
                          f"{a['recipient']}: {a['attempts']} attempts from "
                          f"{a['first_failed_at']} to {a['failed_at']}; last error: "
                          f"{a['last_error']}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(1 if failed else 0)


@alerts_app.command("retry")
def alerts_retry(ctx: typer.Context, alert_ids: Annotated[Optional[list[int]], typer.Argument(  # noqa: UP007
        metavar="[ID]...", help="Alerts to queue again (default: every one given up on).")] = None,
        config: ConfigOption = None) -> None:
    """Queue alerts that delivery gave up on again; the next delivery sends them."""
    _, cfg = _load(ctx, config)
    from sqlmodel import Session

    from storage import repository

    with Session(_engine(cfg)) as session:
        requeued = repository.requeue_failed_alerts(session=session, alert_ids=alert_ids or None)
    console.print(f"queued again: {len(requeued)} alerts"
                  + (f" ({', '.join(f'#{i}' for i in requeued)})" if requeued else ""),
                  markup=False)
    unknown = sorted(set(alert_ids or []) - set(requeued))
    if unknown:
        errors.print(f"not given up on (or no such alert): {', '.join(map(str, unknown))}")
        raise typer.Exit(1)


@app.command()
def export(ctx: typer.Context, kind: ExportKind,
           format: Annotated[Format, typer.Option("--format")] = Format.json,  # noqa: A002
           since: Annotated[Optional[str], typer.Option(  # noqa: UP007
               "--since", help="YYYY-MM-DD")] = None,
           config: ConfigOption = None) -> None:
    """Write articles, mentions, statements or conflicts to standard output."""
    _, cfg = _load(ctx, config)
    since_at = None
    if since:
        try:
            since_at = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            errors.print(f"--since: not a date (YYYY-MM-DD): {since!r}")
            raise typer.Exit(2) from None
    from sqlmodel import Session

    from claimwatch.exports import export_rows, to_csv, to_json

    with Session(_engine(cfg)) as session:
        rows = export_rows(kind.value, session=session, since=since_at)
    sys.stdout.write((to_json(rows) + "\n") if format is Format.json else to_csv(rows))


@app.command()
def extract(inputs: Annotated[list[str], typer.Argument(help="Saved pages (.gz too) or URLs.")],
            format: Annotated[Format, typer.Option("--format")] = Format.json,  # noqa: A002
            config: ConfigOption = None) -> None:
    """What claimwatch extracts from saved pages or URLs: one JSON object per input."""
    from claimwatch.extraction import extract_inputs

    results = extract_inputs(inputs)
    sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    raise typer.Exit(1 if any("error" in r for r in results) else 0)


@app.command()
def detect(ctx: typer.Context,
           text_file: Annotated[Optional[Path], typer.Option(  # noqa: UP007
               "--text-file", help="Plain text to analyse (default: standard input).")] = None,
           language: Annotated[Optional[str], typer.Option("--language")] = None,  # noqa: UP007
           format: Annotated[Format, typer.Option("--format")] = Format.json,  # noqa: A002
           published: Annotated[Optional[str], typer.Option(  # noqa: UP007
               "--published", help="The article's date, YYYY-MM-DD: 'on Tuesday' in the text "
               "resolves against it, and said_on falls back to it.")] = None,
           config: ConfigOption = None) -> None:
    """Run detection on plain text against the configured watchlist."""
    _, cfg = _load(ctx, config)
    from detection import Detector

    try:
        published_on = date.fromisoformat(published) if published else None
    except ValueError:
        errors.print(f"--published: not a date (YYYY-MM-DD): {published}")
        raise typer.Exit(2) from None

    if text_file is not None:
        try:
            text = text_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            errors.print(f"--text-file: {exc}")
            raise typer.Exit(2) from None
    else:
        text = sys.stdin.read()
    result = Detector(cfg.watchlist).detect(text, published_on=published_on).as_dict()
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


@conflicts_app.command("dismiss")
def conflicts_dismiss(ctx: typer.Context, conflict_id: Annotated[int, typer.Argument(
        metavar="ID")], reason: Annotated[str, typer.Option("--reason", help="Why it is not a "
        "conflict (kept in exports).")], config: ConfigOption = None) -> None:
    """Mark a conflict as not a conflict: never alerted again, the pair never re-raised."""
    _, cfg = _load(ctx, config)
    from sqlmodel import Session

    from storage import repository

    if not reason.strip():
        errors.print("--reason: must not be empty")
        raise typer.Exit(2)
    with Session(_engine(cfg)) as session:
        conflict = repository.dismiss_conflict(session=session, conflict_id=conflict_id,
                                               reason=reason.strip())
    if conflict is None:
        errors.print(f"no conflict with id {conflict_id}")
        raise typer.Exit(1)
    console.print(f"conflict #{conflict_id} dismissed: {reason.strip()}", markup=False)


@conflicts_app.command("show")
def conflicts_show(ctx: typer.Context, conflict_id: Annotated[int, typer.Argument(metavar="ID")],
                   config: ConfigOption = None) -> None:
    """A conflict as exported, with the whole timeline of its proposition (JSON)."""
    _, cfg = _load(ctx, config)
    from sqlmodel import Session

    from claimwatch.exports import conflict_dict
    from storage import repository

    with Session(_engine(cfg)) as session:
        try:
            view = repository.conflict_view(session=session, conflict_id=conflict_id)
        except KeyError:
            errors.print(f"no conflict with id {conflict_id}")
            raise typer.Exit(1) from None
        result = conflict_dict(view)
        result["timeline"] = repository.proposition_timeline(
            session=session, proposition=view["conflict"].proposition)
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")


SourcesOption = Annotated[Optional[list[str]], typer.Option(  # noqa: UP007
    "--source", help="Only this source id (repeatable).")]
StatusOption = Annotated[Optional[list[int]], typer.Option(  # noqa: UP007
    "--status", help="Only URLs whose last answer had this HTTP status (repeatable); a page "
    "that failed extraction has the status it was served with, 200.")]


def _chosen_sources(cfg, source: list[str] | None):
    unknown = [s for s in source or [] if s not in {x.id for x in cfg.sources}]
    if unknown:
        errors.print(f"--source: unknown source id(s): {', '.join(unknown)}")
        raise typer.Exit(2)
    return [s for s in cfg.sources if s.id in source] if source else None


@urls_app.command("failed")
def urls_failed(ctx: typer.Context, source: SourcesOption = None, status: StatusOption = None,
                as_json: Annotated[bool, typer.Option("--json", help="A JSON array.")] = False,
                config: ConfigOption = None) -> None:
    """List the URLs no run will fetch again, with their last status and error."""
    _, cfg = _load(ctx, config)
    from claimwatch.failures import remembered_failures, render_failures
    from storage.db import engine_for

    rows = remembered_failures(engine_for(cfg.database_url), _chosen_sources(cfg, source),
                               statuses=status or ())
    if as_json:
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
    else:
        console.print(render_failures(rows), markup=False, highlight=False, soft_wrap=True)


@urls_app.command("reset")
def urls_reset(ctx: typer.Context, source: SourcesOption = None, status: StatusOption = None,
               url: Annotated[Optional[list[str]], typer.Option(  # noqa: UP007
                   "--url", help="This URL (repeatable).")] = None,
               everything: Annotated[bool, typer.Option(
                   "--all", help="Every URL given up on, of every source.")] = False,
               config: ConfigOption = None) -> None:
    """Forget that URLs failed for good, so the next run fetches them again."""
    _, cfg = _load(ctx, config)
    if not (source or url or everything):
        errors.print("name what to reset: --source ID, --url URL or --all")
        raise typer.Exit(2)
    from claimwatch.failures import remembered_failures, reset_failures
    from scrapers.items import canonical_url
    from storage.db import engine_for

    engine = engine_for(cfg.database_url)
    rows = remembered_failures(engine, _chosen_sources(cfg, source), statuses=status or (),
                               urls=url or ())
    count = reset_failures(engine, rows)
    for row in rows:
        console.print(f"reset: {row['url']} ({row['status']}, {row['source'] or '?'})",
                      markup=False, highlight=False, soft_wrap=True)
    console.print(f"{count} URLs reset: the next run fetches them again", markup=False)
    found = {row["url"] for row in rows}
    missing = [u for u in url or [] if canonical_url(u) not in found]
    for missing_url in missing:
        errors.print(f"not given up on{' by the named sources' if source else ''}: {missing_url}",
                     markup=False, highlight=False)
    raise typer.Exit(1 if missing else 0)


@app.command()
def backfill(ctx: typer.Context,
             source: Annotated[str, typer.Option("--source", help="Source id.")],
             since: Annotated[str, typer.Option("--since", help="First day, YYYY-MM-DD.")],
             until: Annotated[Optional[str], typer.Option(  # noqa: UP007
                 "--until", help="Last day, YYYY-MM-DD (default: today).")] = None,
             config: ConfigOption = None) -> None:
    """Ingest a historical date range of one source; resumable and idempotent."""
    path, cfg = _load(ctx, config)
    from claimwatch.operations import BackfillUsageError, check_backfill, run_backfill

    try:
        first, last = check_backfill(cfg, source, since, until)
    except BackfillUsageError as exc:
        errors.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(2) from None
    _engine(cfg)
    _prefect_defaults()
    summary = run_backfill(cfg, path, source, first, last, console)
    t = summary["totals"]
    console.print(f"{source}: {t['done']} of {summary['days']} days done "
                  f"({summary['skipped']} already done before this run), {t['stored']} articles "
                  f"stored over the range", markup=False, highlight=False)
    unfinished = summary["failed"] + [{"day": c["day"], "error": f"{c['outcomes']} (partial)"}
                                      for c in summary["chunks"] if c["status"] != "done"]
    for failure in unfinished:
        errors.print(f"failed: {source} {failure['day']}: {failure['error']}", markup=False,
                     highlight=False)
    raise typer.Exit(1 if unfinished else 0)


@app.command()
def serve(ctx: typer.Context, prefect_file: Annotated[Optional[str], typer.Option(  # noqa: UP007
        "--prefect-file", help="Deployments to serve (default: ./prefect.yaml, else the "
        "project's).")] = None, config: ConfigOption = None) -> None:
    """Run the deployments of prefect.yaml on their schedules in this process, without a worker."""
    config_path, _ = _load(ctx, config)  # refused before serving anything if invalid
    # Served runs without a config_path parameter read the same file.
    os.environ["CLAIMWATCH_CONFIG"] = str(config_path.resolve())
    _prefect_defaults()
    from claimwatch.operations import find_prefect_file, serve_deployments

    path = find_prefect_file(prefect_file)
    if not path.is_file():
        errors.print(f"--prefect-file: no such file: {path}", markup=False, highlight=False)
        raise typer.Exit(2)
    serve_deployments(path)


@app.command()
def check(ctx: typer.Context, source: Annotated[Optional[list[str]], typer.Option(  # noqa: UP007
        "--source", help="Only this source id (repeatable).")] = None,
        as_json: Annotated[bool, typer.Option("--json", help="One JSON object per source.")] = False,
        config: ConfigOption = None) -> None:
    """Validate the configuration and report, per source, whether it is reachable and what it yields."""
    _, cfg = _load(ctx, config)
    unknown = [s for s in source or [] if s not in {x.id for x in cfg.sources}]
    if unknown:
        errors.print(f"--source: unknown source id(s): {', '.join(unknown)}")
        raise typer.Exit(2)
    from claimwatch.checks import add_recorded_state, check_sources, render_checks

    chosen = [s for s in cfg.sources if (s.id in source if source else s.enabled)]
    results = check_sources(chosen)
    add_recorded_state(results, cfg.database_url)
    if as_json:
        sys.stdout.write(json.dumps([r.as_dict() for r in results], ensure_ascii=False,
                                    indent=2) + "\n")
    else:
        console.print(render_checks(results), markup=False, highlight=False, soft_wrap=True)
    for failed in (r for r in results if r.failed):
        errors.print(f"failed: source {failed.source}: {'; '.join(failed.problems)}",
                     markup=False, highlight=False)
    raise typer.Exit(1 if any(r.failed for r in results) else 0)


def main() -> None:
    app()
