"""Checklist row 43 with a real process: a backfill killed part-way, then run again, ends with
exactly what an uninterrupted backfill stores; a third run adds nothing."""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import yaml
from sqlmodel import Session, select

from bench.replica import watchlist
from storage.db import engine_for
from storage.models import Alert, Article, BackfillChunk, Conflict
from tests.http_server import ScriptedServer
from tests.ops.archive_site import article_html, listing_html

FIRST_DAY = date(2021, 3, 1)
DAYS = 20
HTML = {"Content-Type": "text/html; charset=utf-8"}
FILLER = ("Residents of the valley spent another night in shelters while officials counted the "
          "damage to roads and bridges, and aid convoys waited for the passes to reopen.")
CLAIMS = {2: "Pavel Sokolov said that Armenia used Smerch rockets near the front line.",
          11: "Karen Petrosyan denied that Armenia used Smerch systems during the fighting.",
          14: "Elnur Mammadov said that Azerbaijan used Harop drones against the air defence.",
          18: "Aylin Demir denied that Azerbaijan used Harop drones at any point."}


def slow(body: bytes) -> tuple[int, dict, bytes]:
    time.sleep(0.05)  # a remote site's latency: the kill lands mid-run
    return 200, HTML, body


def archive_site() -> ScriptedServer:
    server = ScriptedServer()
    server.route("/index.html", (200, HTML, listing_html([], None)))
    for n in range(DAYS):
        day = FIRST_DAY + timedelta(days=n)
        slugs = []
        for k in range(2):
            slug = f"{day}-{k}"
            text = f"{CLAIMS[n]} {FILLER}" if k == 0 and n in CLAIMS else f"{FILLER} Day {n}."

            page = article_html(f"Report {slug}", f"{day}T0{k + 8}:00:00+00:00", text)
            server.routes[f"/news/{slug}.html"] = functools.partial(slow, page)
            slugs.append((slug, f"Report {slug}"))
        server.route(f"/archive/{day}.html", (200, HTML, listing_html(slugs, None)))
    return server


def write_config(folder: Path, base: str, name: str) -> tuple[str, str]:
    url = f"sqlite:///{folder / name}.db"
    raw = {"database_url": url,
           "sources": [{"id": "valley", "kind": "listing", "url": f"{base}/index.html",
                        "link_selector": "h2.title a", "archive_url":
                        base + "/archive/{date:%Y-%m-%d}.html", "language": "en",
                        "crawl_delay": 0}],
           "watchlist": watchlist(),
           "alerts": {"recipients": [{"email": "analyst@example.org"}]}}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return str(path), url


def backfill(config: str) -> subprocess.Popen:
    last = FIRST_DAY + timedelta(days=DAYS - 1)
    return subprocess.Popen(
        [sys.executable, "-m", "claimwatch", "backfill", "--source", "valley",
         "--since", FIRST_DAY.isoformat(), "--until", last.isoformat(), "--config", config],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def snapshot(url: str) -> dict:
    with Session(engine_for(url)) as session:
        return {
            "articles": sorted(session.exec(select(Article.url)).all()),
            "days": sorted((c.day, c.status, c.stored) for c in session.exec(select(BackfillChunk))),
            "conflicts": sorted((c.kind, c.proposition) for c in session.exec(select(Conflict))),
            "alerts": sorted((a.recipient, a.mode, a.historical)
                             for a in session.exec(select(Alert))),
        }


def done_days(url: str) -> int:
    try:
        with Session(engine_for(url)) as session:
            return sum(c.status == "done" for c in session.exec(select(BackfillChunk)))
    except Exception:  # noqa: BLE001 (the schema may not exist yet)
        return 0


def test_a_killed_backfill_resumes_to_exactly_what_an_uninterrupted_one_stores(tmp_path):
    server = archive_site()
    try:
        killed_config, killed_url = write_config(tmp_path, server.base, "killed")
        run = backfill(killed_config)
        deadline = time.monotonic() + 120
        while done_days(killed_url) < 4 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert run.poll() is None, "the backfill finished before it could be killed"
        os.killpg(run.pid, signal.SIGKILL)
        run.wait(timeout=30)
        interrupted = done_days(killed_url)
        assert 4 <= interrupted < DAYS

        resumed = backfill(killed_config)
        output = resumed.communicate(timeout=240)[0]
        assert resumed.returncode == 0, output
        assert "already done before this run" in output
        after_resume = snapshot(killed_url)

        hits = dict(server.hits)
        again = backfill(killed_config)
        output = again.communicate(timeout=240)[0]
        assert again.returncode == 0, output
        assert f"({DAYS} already done before this run)" in output
        assert dict(server.hits) == hits  # nothing fetched at all
        assert snapshot(killed_url) == after_resume

        clean_config, clean_url = write_config(tmp_path, server.base, "clean")
        clean = backfill(clean_config)
        output = clean.communicate(timeout=240)[0]
        assert clean.returncode == 0, output
    finally:
        server.close()
    uninterrupted = snapshot(clean_url)
    assert len(uninterrupted["articles"]) == DAYS * 2
    assert len(uninterrupted["conflicts"]) == 2 and uninterrupted["alerts"]
    assert after_resume == uninterrupted
