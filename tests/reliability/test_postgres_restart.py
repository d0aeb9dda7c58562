"""PostgreSQL restarted in the middle of a pass: the pass fails cleanly, the next one completes
and nothing is half-written or doubled."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from storage.db import engine_for, make_engine
from storage.models import Alert, Article, Conflict, Statement
from tests.reliability.test_kill_and_rerun import write_config


def restart_postgres() -> None:
    clusters = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    if not clusters or shutil.which("pg_ctlcluster") is None:
        pytest.fail("pg_ctlcluster is needed to restart the local PostgreSQL server")
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", clusters[-1], "main",
                    "restart", "-m", "fast"], check=True, timeout=60)
    for _ in range(60):
        if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode == 0:
            return
        time.sleep(0.5)
    pytest.fail("PostgreSQL did not come back")


@pytest.mark.skipif(os.geteuid() != 0, reason="restarting the server needs root")
def test_restart_mid_pass_then_rerun(postgres_url, tmp_path, sample_site, mail_capture):
    config = write_config(tmp_path, sample_site.base, mail_capture.port, postgres_url)
    engine_for(postgres_url)
    engine_for.cache_clear()  # the restart kills this process's pooled connections too
    process = subprocess.Popen([sys.executable, "-m", "claimwatch.pipeline", config],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.6)
    restart_postgres()
    _, stderr = process.communicate(timeout=120)
    # Either it failed cleanly on the lost connection or it finished after reconnecting.
    assert process.returncode in (0, 1), stderr.decode()[-1500:]
    rerun = subprocess.run([sys.executable, "-m", "claimwatch.pipeline", config],
                           capture_output=True, timeout=120)
    assert rerun.returncode == 0, rerun.stderr.decode()[-1500:]
    engine = make_engine(postgres_url)
    with Session(engine) as session:
        urls = session.exec(select(Article.url)).all()
        assert len(urls) == len(set(urls)) == 12
        assert session.exec(select(func.count()).select_from(Conflict)).one() == 4
        # No article is marked analysed without its statements (one transaction each).
        analysed = session.exec(select(Article.id).where(Article.detected_at.is_not(None),
                                                         Article.duplicate_of.is_(None))).all()
        with_statements = set(session.exec(select(Statement.article_id)).all())
        assert with_statements <= set(analysed)
        alerts = session.exec(select(Alert)).all()
        assert len(alerts) == 4 and all(a.sent_at for a in alerts)
    engine.dispose()
    ids = [m["Message-ID"] for m in mail_capture.messages()]
    assert len(ids) == len(set(ids)) >= 1
    assert Path(config).exists()
