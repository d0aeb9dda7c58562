"""SIGKILL at random points of a monitoring pass, then a full pass: everything once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import defaultdict
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session, select

from claimwatch.config import bundled_demo_config, load_config
from claimwatch.demo import DEMO_BASE
from storage.db import engine_for
from storage.models import Alert, Article, Conflict, Statement

KILLS = 6


def write_config(tmp_path, site_base: str, smtp_port: int, database_url: str) -> str:
    raw = yaml.safe_load(bundled_demo_config().read_text(encoding="utf-8"))
    for source in raw["sources"]:
        source["url"] = source["url"].replace(DEMO_BASE, site_base)
    raw["database_url"] = database_url
    raw["alerts"]["smtp"]["port"] = smtp_port
    path = tmp_path / "claimwatch.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


def one_pass(config: str, kill_after: float | None) -> int:
    process = subprocess.Popen([sys.executable, "-m", "claimwatch.pipeline", config],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONHASHSEED": "0"})
    if kill_after is None:
        return process.wait(timeout=120)
    time.sleep(kill_after)
    process.send_signal(signal.SIGKILL)
    return process.wait(timeout=30)


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_killed_passes_then_a_full_pass_store_and_alert_everything_once(
        backend, request, tmp_path, sample_site, mail_capture):
    url = (f"sqlite:///{tmp_path / 'kill.db'}" if backend == "sqlite"
           else request.getfixturevalue("postgres_url"))
    config = write_config(tmp_path, sample_site.base, mail_capture.port, url)
    rng = random.Random(int(os.environ.get("CLAIMWATCH_KILL_SEED", "20211")))
    # Start-up (imports) takes about a second; kill points spread over the whole pass.
    for _ in range(KILLS):
        one_pass(config, kill_after=rng.uniform(0.8, 3.5))
    assert one_pass(config, kill_after=None) == 0
    assert one_pass(config, kill_after=None) == 0

    engine = engine_for(load_config(Path(config)).database_url)
    with Session(engine) as session:
        urls = session.exec(select(Article.url)).all()
        assert len(urls) == len(set(urls)) == 12
        # Ids, not 1..4: a transaction killed after its inserts leaves a gap in PostgreSQL's
        # sequence, which rollback does not give back.
        conflict_ids = sorted(str(i) for i in session.exec(select(Conflict.id)).all())
        assert len(conflict_ids) == 4
        keys = session.exec(select(Statement.article_id, Statement.start)).all()
        assert len(keys) == len(set(keys))
        alerts = session.exec(select(Alert)).all()
        assert len(alerts) == 4 and all(a.sent_at is not None for a in alerts)
    # Every conflict reached the analyst in exactly one message (a message re-sent after a
    # kill between send and mark keeps its Message-ID, so it is the same message).
    carried: dict[str, set[str]] = defaultdict(set)
    for path in sorted(mail_capture.folder.glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        text = message.get_body(("plain",)).get_content()
        ids = {line.split("#")[1] for line in text.splitlines() if "] conflict #" in line}
        carried[message["Message-ID"]] |= ids
    all_ids = [i for ids in carried.values() for i in ids]
    assert sorted(all_ids) == conflict_ids


# A pass that dies with SIGKILL right after a named stage, at a point no timing can miss.
DIE_AFTER = """
import asyncio, os, signal, sys
from pathlib import Path
from claimwatch.analysis import analyse_all_pending
from claimwatch.config import load_config
from claimwatch.ingest import ingest_source
from storage.db import engine_for

config = load_config(Path(sys.argv[1]))
engine = engine_for(config.database_url)
for source in config.sources:
    asyncio.run(ingest_source(source, engine))
if sys.argv[2] == "analysis":
    analyse_all_pending(config, engine)
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("stage", ["ingestion", "analysis"])
def test_a_pass_killed_after_a_stage_loses_and_doubles_no_alert(stage, tmp_path, sample_site,
                                                                 mail_capture):
    # Checklist row 37: killed after storing articles, before any alert row exists; and killed
    # after the outbox rows are written, before any is sent.
    config = write_config(tmp_path, sample_site.base, mail_capture.port,
                          f"sqlite:///{tmp_path / 'stage.db'}")
    died = subprocess.run([sys.executable, "-c", DIE_AFTER, config, stage], timeout=120)
    assert died.returncode == -signal.SIGKILL
    engine = engine_for(load_config(Path(config)).database_url)
    with Session(engine) as session:
        assert len(session.exec(select(Article)).all()) == 12
        assert len(session.exec(select(Alert)).all()) == (4 if stage == "analysis" else 0)
    assert mail_capture.messages() == []
    assert one_pass(config, kill_after=None) == 0
    assert one_pass(config, kill_after=None) == 0
    with Session(engine) as session:
        alerts = session.exec(select(Alert)).all()
    assert len(alerts) == 4 and all(a.sent_at is not None for a in alerts)
    [message] = mail_capture.messages()
    assert message.get_body(("plain",)).get_content().count("] conflict #") == 4
