"""`claimwatch demo`: the whole pipeline on the bundled sample site, with e-mails to a local capture."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from rich.console import Console
from rich.table import Table
from sqlmodel import Session

from claimwatch.config import DEMO_WORKDIR, bundled_demo_config
from claimwatch.exports import export_rows
from claimwatch.sample_site import MailCapture, SampleSite
from storage import repository
from storage.db import engine_for

DEMO_PORT = 8765
DEMO_BASE = f"http://127.0.0.1:{DEMO_PORT}"


def write_demo_config(workdir: Path, site_base: str, smtp_port: int) -> Path:
    """The bundled demo config pointed at this run's site, mail capture and database."""
    raw = yaml.safe_load(bundled_demo_config().read_text(encoding="utf-8"))
    for source in raw["sources"]:
        source["url"] = source["url"].replace(DEMO_BASE, site_base)
    raw["database_url"] = f"sqlite:///{(workdir / 'claimwatch.db').resolve()}"
    raw["alerts"]["smtp"].update(host="127.0.0.1", port=smtp_port)
    path = workdir / "claimwatch.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_demo(console: Console, workdir: Path | None = None) -> dict:
    """Serve the sample site, run the monitor flow once, print what it found; returns the summary."""
    from flows.monitor import run_pass

    workdir = (workdir or Path.cwd() / DEMO_WORKDIR).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("CLAIMWATCH_SMTP_HOST", "CLAIMWATCH_SMTP_PORT"):
        os.environ.pop(name, None)  # the demo always mails its own local capture
    mail_dir = workdir / "mail"
    with SampleSite(port=DEMO_PORT) as site, MailCapture(mail_dir) as capture:
        config_path = write_demo_config(workdir, site.base, capture.port)
        console.print(f"Sample news site on {site.base}, mail capture on 127.0.0.1:"
                      f"{capture.port}; running the monitor flow…")
        before = len(list(mail_dir.glob("*.eml")))
        summary = run_pass(config_path=str(config_path))
        after = sorted(mail_dir.glob("*.eml"))
    summary["new_mail"] = [str(p) for p in after[before:]]
    summary["config_path"] = str(config_path)
    print_summary(console, summary, config_path)
    return summary


def print_summary(console: Console, summary: dict, config_path: Path) -> None:
    from claimwatch.config import load_config

    config = load_config(config_path)
    engine = engine_for(config.database_url)
    table = Table(title="Sources this run")
    for column in ("source", "discovered", "stored", "duplicate", "known", "errors"):
        table.add_column(column)
    for r in summary["sources"]:
        o = r["outcomes"]
        table.add_row(r["source"], str(r["discovered"]), str(o.get("stored", 0)),
                      str(o.get("duplicate", 0)), str(o.get("known", 0)),
                      str(len(r["errors"])) + (" (source failed)" if r["failed"] else ""))
    console.print(table)
    with Session(engine) as session:
        counts = repository.count_rows(session=session)
        conflicts = export_rows("conflicts", session=session)
    console.print(
        f"In the database: {counts['articles']} articles, {counts['mentions']} mentions, "
        f"{counts['statements']} statements, {counts['claims']} claims, "
        f"{counts['conflicts']} conflicts, {counts['alerts_sent']}/{counts['alerts']} alerts sent.")
    analysis = summary["analysis"]
    console.print(f"This run: {analysis['conflicts']} new conflicts, "
                  f"{summary['delivery']['messages']} alert e-mails sent.")
    for c in conflicts:
        new, old = c["statement"], c["conflicts_with"]
        console.rule(f"Conflict #{c['id']} [{c['kind']}] {c['proposition']}")
        console.print(f"[bold]NEW[/bold]      {_side(new)}", highlight=False)
        console.print(f"[bold]RECORDED[/bold] {_side(old)}", highlight=False)
        console.print(f"[dim]{c['explanation']}[/dim]", highlight=False)
    if summary["new_mail"]:
        console.print("Alert e-mails written to:")
        for path in summary["new_mail"]:
            console.print(f"  {path}")
    else:
        console.print("No new alert e-mails this run (conflicts already alerted are never "
                      "sent twice).")


def _side(statement: dict) -> str:
    speaker = statement["speaker"]["name"]
    role = f", {statement['role']}" if statement.get("role") else ""
    return (f"{speaker}{role} ({statement['source']}, {statement['said_on']}): "
            f"“{statement['text']}”\n          {statement['article_url']}")
