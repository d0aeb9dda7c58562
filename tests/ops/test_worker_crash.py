"""A worker killed mid-run on a real Prefect server: heartbeats stop, the crash automation marks
the runs Crashed, and the next monitor run takes the freed concurrency slot and completes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta

import pytest
import yaml
from pydantic import TypeAdapter
from sqlalchemy import create_engine, text

from claimwatch.operations import CRASH_AUTOMATION
from tests.ingestion_server import FaultServer, Reply
from tests.ops.prefect_server import ROOT, PrefectServer, kill_tree

# Prefect's shortest heartbeat (prefect.yaml's too) is 30 s; a window just above it keeps the
# test short. Production uses the default of 90 s.
SILENCE = 45
HEARTBEAT = "prefect.flow-run.heartbeat"
ARTICLE = (b"<html lang='en'><head><title>Convoy reaches the valley</title>"
           b"<meta property='article:published_time' content='2024-03-02T08:00:00+00:00'></head>"
           b"<body><article><h1>Convoy reaches the valley</h1>"
           # Distinct paragraphs: the extractor drops repeated ones, and a page under 250
           # characters of text would not count as an article.
           + b"".join(b"<p>On day %d the council said the convoy had moved further up the valley "
                      b"after the bridge was repaired, and officials promised the schools would "
                      b"reopen soon.</p>" % day for day in range(1, 7))
           + b"</article></body></html>")


class SlowOutlet:
    """An RSS outlet whose feed hangs until released: a run reading it stays Running."""

    def __init__(self) -> None:
        self.server = FaultServer()
        self.released = threading.Event()
        base = self.server.base
        feed = (f"<?xml version='1.0'?><rss version='2.0'><channel><title>slow</title>"
                f"<item><title>Convoy</title><link>{base}/a/1.html</link></item>"
                f"</channel></rss>").encode()
        self.server.routes["/feed.xml"] = lambda: self._held(Reply(
            200, {"Content-Type": "application/rss+xml"}, feed))
        self.server.route("/a/1.html", Reply(200, {"Content-Type": "text/html"}, ARTICLE))
        self.feed_url = f"{base}/feed.xml"

    def _held(self, reply: Reply) -> Reply:
        self.released.wait(120)
        return reply

    def close(self) -> None:
        self.released.set()
        self.server.close()


@pytest.fixture(scope="module")
def outlet():
    slow = SlowOutlet()
    yield slow
    slow.close()


@pytest.fixture(scope="module")
def crash_server(tmp_path_factory, outlet):
    home = tmp_path_factory.mktemp("prefect-crash")
    database_url = f"sqlite:///{home / 'claimwatch.db'}"
    config = home / "claimwatch.yaml"
    config.write_text(yaml.safe_dump({
        "database_url": database_url,
        "sources": [{"id": "slow-outlet", "kind": "rss", "url": outlet.feed_url,
                     "language": "en", "crawl_delay": 0}],
        "watchlist": [{"id": "iskander", "kind": "weapon", "name": "Iskander",
                       "aliases": ["Iskander"]}],
        "alerts": {"recipients": []}}), encoding="utf-8")
    prefect = PrefectServer(home, {
        "CLAIMWATCH_CONFIG": str(config),
        # No scheduled monitor may take the slot this test is about.
        "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
        # A run that finds the slot taken asks again after 5 s instead of 30.
        "PREFECT_SERVER_DEPLOYMENTS_CONCURRENCY_SLOT_WAIT_SECONDS": "5"})
    try:
        prefect.start(workers=1)
        done = subprocess.run([sys.executable, "-m", "claimwatch.operations", "install-automation",
                               "--silence", str(SILENCE)], cwd=ROOT, env=prefect.env,
                              capture_output=True, text=True, timeout=90)
        assert done.returncode == 0, done.stderr
        [automation] = [a for a in prefect.http.post("/automations/filter", json={}).json()
                        if a["name"] == CRASH_AUTOMATION]
        assert TypeAdapter(timedelta).validate_python(automation["trigger"]["within"]) == \
            timedelta(seconds=SILENCE)
        prefect.database_url = database_url
        yield prefect
    finally:
        prefect.close()


def _wait(condition, deadline: float, what: str, server: PrefectServer):
    stop = time.monotonic() + deadline
    while not (found := condition()):
        if time.monotonic() > stop:
            raise TimeoutError(f"{what} after {deadline} s\n{server.log('worker-1')}")
        time.sleep(1)
    return found


def _state_time(server: PrefectServer, run_id: str, state_type: str) -> datetime:
    return datetime.fromisoformat(next(s["timestamp"] for s in server.states(run_id)
                                       if s["type"] == state_type))


@pytest.mark.prefect
@pytest.mark.timeout(300)
def test_a_killed_worker_leaves_crashed_runs_and_the_next_monitor_completes(crash_server, outlet):
    server = crash_server
    worker = server.processes[-1]
    first = server.create_run("monitor/monitor", {})

    def child_reading_the_feed():
        children = server.flow_runs(parent_flow_run_id={"any_": [first]})
        running = [c for c in children if c["state_type"] == "RUNNING"]
        if not running or outlet.server.hits("/feed.xml") == 0:
            return None
        return running[0]["id"]

    child = _wait(child_reading_the_feed, 90, "no ingest-source run reading the feed", server)
    for run_id in (first, child):
        _wait(lambda r=run_id: server.events(HEARTBEAT, f"prefect.flow-run.{r}"), 30,
              "no heartbeat", server)
    assert kill_tree(worker) >= {first, child}, "both flow-run processes die with the worker"
    assert {server.flow_run(r)["state_type"] for r in (first, child)} == {"RUNNING"}

    outlet.released.set()  # the outlet answers again, for the runs that come next
    second = server.create_run("monitor/monitor", {})
    server.start_worker("worker-2")

    # One heartbeat window, the automation's 5 s evaluation period, and a margin for a busy machine.
    crashed = server.wait_for([first, child], SILENCE + 45)
    for run in crashed:
        assert run["state_type"] == "CRASHED", run["state_name"]
        assert server.flow_run(run["id"])["state"]["message"].startswith(
            f"No heartbeat for {SILENCE} s"), "marked Crashed by the automation"

    [after] = server.wait_for([second], 90)
    assert after["state_type"] == "COMPLETED", server.log("worker-2")
    # The dead run held the monitor's only slot until it was marked Crashed, then let go of it.
    names = [s["name"] for s in server.states(second)]
    assert "AwaitingConcurrencySlot" in names, names
    assert _state_time(server, second, "RUNNING") > _state_time(server, first, "CRASHED")

    engine = create_engine(server.database_url)
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from article")).scalar_one() == 1
    engine.dispose()
