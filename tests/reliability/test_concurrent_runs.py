"""Two monitoring passes over the same sources at the same moment: nothing twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from claimwatch.config import load_config
from storage.db import engine_for
from storage.models import Alert, Article, Claim, Conflict, Mention, Statement
from tests.reliability.test_kill_and_rerun import write_config


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_passes_at_once_store_and_alert_once(backend, request, tmp_path, sample_site,
                                                 mail_capture):
    url = (f"sqlite:///{tmp_path / 'twin.db'}" if backend == "sqlite"
           else request.getfixturevalue("postgres_url"))
    config = write_config(tmp_path, sample_site.base, mail_capture.port, url)
    engine_for(load_config(Path(config)).database_url)  # schema first, as a deployment would
    passes = [subprocess.Popen([sys.executable, "-m", "claimwatch.pipeline", config],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ)
              for _ in range(2)]
    for process in passes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr.decode()[-2000:]
    engine = engine_for(load_config(Path(config)).database_url)
    with Session(engine) as session:
        def count(model):
            return session.exec(select(func.count()).select_from(model)).one()

        assert count(Article) == 12
        assert count(Conflict) == 4
        assert count(Alert) == 4
        mentions = session.exec(select(Mention.article_id, Mention.entity, Mention.start)).all()
        assert len(mentions) == len(set(mentions))
        statements = session.exec(select(Statement.article_id, Statement.start)).all()
        assert len(statements) == len(set(statements))
        claims = session.exec(select(Claim.statement_id, Claim.proposition)).all()
        assert len(claims) == len(set(claims))
    message_ids = {m["Message-ID"] for m in mail_capture.messages()}
    assert len(message_ids) == len(mail_capture.messages())  # no message sent twice
