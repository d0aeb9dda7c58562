"""A database URL that fails (nothing listening, a wrong password, a malformed URL): whatever
reaches the user, the logs or Prefect names the database but never shows its password."""

from __future__ import annotations

import asyncio
import logging
import os
import socketserver
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.sample_site import free_port

SECRET = "Pw-7f3a-never-shown"


class _RefusingPostgres(socketserver.BaseRequestHandler):
    """Speaks just enough of the PostgreSQL protocol to ask for a password and refuse it."""

    def handle(self) -> None:
        conn = self.request
        while True:
            length, code = struct.unpack("!ii", _read(conn, 8))
            body = _read(conn, length - 8)
            if code in (80877103, 80877104):  # SSL or GSS encryption request: not offered
                conn.sendall(b"N")
                continue
            break
        self.server.users.append(body.split(b"\0")[1].decode())
        conn.sendall(b"R" + struct.pack("!ii", 8, 3))  # AuthenticationCleartextPassword
        kind, length = struct.unpack("!ci", _read(conn, 5))
        self.server.passwords.append(_read(conn, length - 4).rstrip(b"\0").decode())
        fields = b"".join(b + b"\0" for b in (b"SFATAL", b"VFATAL", b"C28P01",
                          b'Mpassword authentication failed for user "claimwatch"')) + b"\0"
        conn.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)


def _read(conn, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client went away")
        data += chunk
    return data


@pytest.fixture
def refusing_postgres():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _RefusingPostgres)
    server.daemon_threads = True
    server.users, server.passwords = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def database_url(case: str, refusing_postgres) -> str:
    if case == "nothing-listens":
        return f"postgresql+psycopg://claimwatch:{SECRET}@127.0.0.1:{free_port()}/claimwatch"
    if case == "wrong-password":
        port = refusing_postgres.server_address[1]
        return f"postgresql+psycopg://claimwatch:{SECRET}@127.0.0.1:{port}/claimwatch?sslmode=disable"
    if case == "unescaped-at":  # the password's tail would read as the host
        return f"postgresql+psycopg://claimwatch:Pw@{SECRET}@127.0.0.1:1/claimwatch"
    return f"postgresql+psycopg://claimwatch:{SECRET}@127.0.0.1:notaport/claimwatch"


COMMANDS = [["run"], ["alerts", "send"], ["alerts", "status"], ["export", "conflicts"],
            ["conflicts", "show", "1"], ["check"]]


@pytest.mark.parametrize("case", ["nothing-listens", "wrong-password", "unescaped-at", "malformed"])
def test_a_failing_database_url_never_shows_its_password(case, tmp_path, monkeypatch, caplog,
                                                          refusing_postgres):
    url = database_url(case, refusing_postgres)
    config = tmp_path / "claimwatch.yaml"
    config.write_text("sources: []\n", encoding="utf-8")
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", url)  # the way deployments usually pass it
    caplog.set_level(logging.DEBUG)
    shown = []
    for command in COMMANDS:
        result = CliRunner().invoke(app, [*command, "--config", str(config)])
        # An invalid URL is an invalid configuration (2); an unreachable database a failure
        # (1), except for `check`, which checks sources (there are none here).
        invalid = case in ("unescaped-at", "malformed")
        expected = 2 if invalid else 0 if command == ["check"] else 1
        assert result.exit_code == expected, (command, result.output, result.exception)
        if expected:
            assert not isinstance(result.exception, Exception) or \
                isinstance(result.exception, SystemExit), result.exception  # no traceback
        shown.append(result.output)
    # And as a user runs it: a real process, whatever Prefect and the terminal print.
    command = str(Path(sys.executable).parent / "claimwatch")
    process = subprocess.run([command, "run", "--config", str(config)],
                             capture_output=True, text=True, timeout=120,
                             env={**os.environ, "CLAIMWATCH_DATABASE_URL": url})
    shown.append(process.stdout + process.stderr)
    everything = "\n".join(shown) + caplog.text
    assert SECRET not in everything and SECRET.split("-")[-1] not in everything
    if case in ("nothing-listens", "wrong-password"):
        assert "failed: database postgresql+psycopg://claimwatch:***@127.0.0.1:" in shown[0]
        assert process.returncode == 1 and process.stderr.count("\n") == 1, process.stderr
    else:
        assert "database_url: " in shown[0] and process.returncode == 2
    if case == "wrong-password":
        # The server did receive the password: the test exercises a real refusal.
        assert SECRET in refusing_postgres.passwords
        assert "password authentication failed" in shown[0]


@pytest.mark.prefect
def test_prefect_logs_and_states_of_a_flow_on_an_unreachable_database_hide_the_password(
        prefect_harness, tmp_path, monkeypatch):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogHandler

    from flows.deliver import deliver_alerts

    url = f"postgresql+psycopg://claimwatch:{SECRET}@127.0.0.1:{free_port()}/claimwatch"
    config = tmp_path / "claimwatch.yaml"
    config.write_text(f"database_url: {url}\n", encoding="utf-8")
    state = deliver_alerts(config_path=str(config), return_state=True)
    assert state.is_failed()
    APILogHandler().flush()  # logs go to the API in batches: send them before reading

    async def logs():
        async with get_client() as client:
            return await client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(
                any_=[state.state_details.flow_run_id])))

    messages = [entry.message for entry in asyncio.run(logs())]
    assert any("claimwatch:***@127.0.0.1" in m for m in messages), messages
    shown = "\n".join(messages) + str(state.message) + repr(state.result(raise_on_failure=False))
    assert SECRET not in shown


def test_every_written_form_of_the_password_is_hidden():
    from storage.db import describe_url, redact

    url = f"postgresql+psycopg://u:{SECRET}%40x@db.example/cw?password=Q-{SECRET}&sslmode=require"
    assert describe_url(url) == "postgresql+psycopg://u:***@db.example/cw"
    said = f"host says: {SECRET}%40x, {SECRET}@x, Q-{SECRET} and {url}"
    assert SECRET not in redact(said, url)
    assert describe_url("not a url " + SECRET) == "(an unreadable database URL)"
    assert SECRET not in redact(f"near {SECRET}", f"postgresql://u:{SECRET}@h:port/db")
