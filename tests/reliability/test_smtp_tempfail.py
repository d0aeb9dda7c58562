"""An SMTP server that answers 4xx (421, 451, 452) at MAIL, RCPT or DATA: alerts stay pending,
are retried with backoff and sent once, and a pass still stores and analyses everything."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func
from sqlmodel import Session, select

from alerts import deliver_due
from claimwatch.config import load_config
from claimwatch.pipeline import run_once
from claimwatch.sample_site import free_port
from storage.db import engine_for
from storage.models import Alert, Article, Conflict
from tests.reliability.test_kill_and_rerun import write_config
from tests.test_alerts import NOW, config_for, seed

REPLIES = {"MAIL": "421 4.3.2 Service shutting down, try again later",
           "RCPT": "451 4.7.1 Greylisted, try again later",
           "DATA": "452 4.3.1 Insufficient system storage"}


class Tempfailing:
    """Answers a temporary failure at one step until `recover()`; then accepts and records."""

    def __init__(self, stage: str):
        self.stage = stage
        self.failing = True
        self.refused = 0
        self.messages: list[tuple[list[str], bytes]] = []

    def recover(self) -> None:
        self.failing = False

    def _refuse(self, stage: str) -> str | None:
        if self.failing and stage == self.stage:
            self.refused += 1
            return REPLIES[stage]
        return None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        if refusal := self._refuse("MAIL"):
            return refusal
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if refusal := self._refuse("RCPT"):
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if refusal := self._refuse("DATA"):
            return refusal
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def tempfail_server(request):
    handler = Tempfailing(request.param)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, handler
    controller.stop()


@pytest.mark.parametrize("tempfail_server", ["MAIL", "RCPT", "DATA"], indirect=True)
def test_a_4xx_answer_leaves_the_alert_pending_then_it_is_sent_once(tmp_path, tempfail_server):
    port, server = tempfail_server
    db = f"sqlite:///{tmp_path / 't.db'}"
    seed(db, conflicts=2)
    config = config_for(db, port)
    failed = deliver_due(config, engine_for(db), now=NOW)
    code = REPLIES[server.stage].split()[0]
    assert failed.messages == 0 and len(failed.failures) == 1 and code in failed.failures[0]
    assert server.refused == 1 and server.messages == []
    with Session(engine_for(db)) as session:
        alerts = session.exec(select(Alert)).all()
        assert len(alerts) == 2 and all(a.sent_at is None and a.failed_at is None for a in alerts)
        assert all(a.attempts == 1 and code in a.last_error for a in alerts)
        assert {a.next_attempt_at for a in alerts} == {NOW + timedelta(minutes=1)}
    # Not retried before its time, even by a run that comes right after.
    early = deliver_due(config, engine_for(db), now=NOW + timedelta(seconds=30))
    assert early.messages == 0 and early.waiting == 2 and server.refused == 1
    server.recover()
    sent = deliver_due(config, engine_for(db), now=NOW + timedelta(minutes=1))
    assert sent.messages == 1 and sent.alerts == 2 and sent.failures == []
    assert deliver_due(config, engine_for(db), now=NOW + timedelta(hours=1)).messages == 0
    assert [rcpt for rcpt, _ in server.messages] == [["a@x.org"]]


@pytest.mark.parametrize("tempfail_server", ["RCPT"], indirect=True)
def test_a_pass_with_mail_failing_still_stores_and_analyses_everything(
        tmp_path, sample_site, tempfail_server):
    port, server = tempfail_server
    path = write_config(tmp_path, sample_site.base, port, f"sqlite:///{tmp_path / 'p.db'}")
    config = load_config(Path(path))
    summary = run_once(config)
    assert not any(r["failed"] for r in summary["sources"])
    assert summary["analysis"]["conflicts"] == 4 and summary["analysis"]["alerts"] == 4
    assert summary["delivery"]["messages"] == 0 and "451" in summary["delivery"]["failures"][0]
    engine = engine_for(config.database_url)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 12
        assert session.exec(select(func.count()).select_from(Conflict)).one() == 4
        alerts = session.exec(select(Alert)).all()
        assert len(alerts) == 4 and all(a.sent_at is None and a.attempts == 1 for a in alerts)
    # The next pass finds nothing new and leaves the waiting message alone.
    again = run_once(config)
    assert again["analysis"]["conflicts"] == 0 and again["delivery"]["waiting"] == 4
    assert server.refused == 1
    server.recover()
    later = datetime.now(timezone.utc) + timedelta(minutes=2)
    assert deliver_due(config, engine, now=later).messages == 1
    assert deliver_due(config, engine, now=later + timedelta(hours=1)).messages == 0
    assert len(server.messages) == 1 and server.messages[0][0] == ["analyst@example.org"]
    with Session(engine) as session:
        assert all(a.sent_at is not None for a in session.exec(select(Alert)).all())
