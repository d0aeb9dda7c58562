"""A real Prefect retry of the deliver-alerts task, after it failed half-way: the messages the
first attempt sent are not sent again, the rest are sent once."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text
from sqlmodel import Session, select

from claimwatch.sample_site import free_port
from storage.db import engine_for
from storage.models import Alert
from tests.test_alerts import seed


class FailoverOnSecondMessage:
    """Accepts the first message; at the second, the database fails over (every session of the
    test database is terminated) and the mail server closes with a 421; then all is well."""

    def __init__(self, admin_engine, database: str):
        self.admin_engine, self.database = admin_engine, database
        self.mail_commands = 0
        self.messages: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802
        with self.lock:
            self.mail_commands += 1
            second = self.mail_commands == 2
        if second:
            with self.admin_engine.connect() as connection:
                connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = :db AND pid <> pg_backend_pid()"),
                                   {"db": self.database})
            return "421 4.3.2 Service shutting down"
        envelope.mail_from = address
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.mark.prefect
@pytest.mark.postgres
def test_a_retried_deliver_task_does_not_resend_what_the_first_attempt_sent(
        prefect_harness, postgres_server_url, postgres_url, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.deliver import deliver_alerts

    seed(postgres_url, recipient="first@x.org")
    seed(postgres_url, recipient="second@x.org")
    seed(postgres_url, recipient="third@x.org")
    handler = FailoverOnSecondMessage(postgres_server_url, postgres_url.rsplit("/", 1)[1])
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        config = tmp_path / "claimwatch.yaml"
        config.write_text(json.dumps({"database_url": postgres_url, "alerts": {
            "smtp": {"host": "127.0.0.1", "port": controller.port}}}), encoding="utf-8")
        state = deliver_alerts(config_path=str(config), return_state=True)
    finally:
        controller.stop()
    assert state.is_completed(), state.message

    async def task_runs():
        async with get_client() as client:
            return await client.read_task_runs(flow_run_filter=FlowRunFilter(
                id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))

    [task_run] = [t for t in asyncio.run(task_runs()) if t.name.startswith("deliver-alerts")]
    assert task_run.run_count == 2  # the first attempt failed, Prefect retried it
    # The first message went out in the failed attempt and was not sent again; the one that
    # failed and the one never tried went out once each, in the retry.
    assert [rcpt for rcpt, _ in handler.messages] == [["first@x.org"], ["second@x.org"],
                                                       ["third@x.org"]]
    assert handler.mail_commands == 4
    with Session(engine_for(postgres_url)) as session:
        alerts = session.exec(select(Alert).order_by(Alert.id)).all()
        assert [(a.recipient, a.attempts) for a in alerts] == [
            ("first@x.org", 1), ("second@x.org", 1), ("third@x.org", 1)]
        assert all(a.sent_at is not None for a in alerts)
