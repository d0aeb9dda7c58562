"""A real `prefect server start` on 127.0.0.1 with its own PREFECT_HOME, workers, and a REST client."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from claimwatch.sample_site import free_port
from flows.server_settings import SERVER_ENV

ROOT = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).parent / "prefect")
POOL = "claimwatch"
FINAL_STATES = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
# Prefect's server on SQLite answers 503 while its database is locked; its own client retries.
BUSY_RETRIES = 10


class RetryBusy(httpx.HTTPTransport):
    """Asks again, a moment later, when the server says it is busy (503)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(BUSY_RETRIES):
            response = super().handle_request(request)
            if response.status_code != 503 or attempt == BUSY_RETRIES - 1:
                return response
            response.close()
            time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")


class PrefectServer:
    """Server, work pool, deployments from prefect.yaml, and workers; stopped firmly on close."""

    def __init__(self, home: Path, extra_env: dict[str, str]):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.url}/api"
        self.logs = home / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        self.env.update(PREFECT_HOME=str(home), PREFECT_API_URL=self.api,
                        PREFECT_SERVER_ANALYTICS_ENABLED="false",
                        PREFECT_WORKER_QUERY_SECONDS="1", PREFECT_LOGGING_LEVEL="INFO",
                        **SERVER_ENV, **extra_env)  # the server as docs/operations.md sets it up
        self.processes: list[subprocess.Popen] = []
        self.http = httpx.Client(base_url=self.api, timeout=30, transport=RetryBusy())

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen([PREFECT, *args], cwd=ROOT, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def start(self, workers: int = 2, deadline: float = 90) -> None:
        self._spawn("server", "server", "start", "--host", "127.0.0.1", "--port", str(self.port))
        self.wait_healthy(deadline)
        self.run_cli("work-pool", "create", POOL, "--type", "process")
        self.run_cli("--no-prompt", "deploy", "--all")
        for number in range(1, workers + 1):
            self.start_worker(f"worker-{number}")

    def start_worker(self, name: str) -> subprocess.Popen:
        return self._spawn(name, "worker", "start", "--pool", POOL, "--name", name)

    def wait_healthy(self, deadline: float) -> None:
        stop = time.monotonic() + deadline
        while time.monotonic() < stop:
            try:
                if self.http.get("/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise TimeoutError(f"prefect server not healthy after {deadline} s: {self.log('server')}")

    def run_cli(self, *args: str) -> str:
        done = subprocess.run([PREFECT, *args], cwd=ROOT, env=self.env, capture_output=True,
                              text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"prefect {' '.join(args)} failed: {done.stdout}{done.stderr}")
        return done.stdout

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def deployment_id(self, name: str) -> str:
        flow, deployment = name.split("/")
        return self.http.get(f"/deployments/name/{flow}/{deployment}").raise_for_status().json()["id"]

    def create_run(self, deployment: str, parameters: dict) -> str:
        response = self.http.post(f"/deployments/{self.deployment_id(deployment)}/create_flow_run",
                                  json={"parameters": parameters})
        return response.raise_for_status().json()["id"]

    def flow_runs(self, **filters) -> list[dict]:
        return self.http.post("/flow_runs/filter", json={"flow_runs": filters}).raise_for_status().json()

    def wait_for(self, run_ids: list[str], deadline: float) -> list[dict]:
        stop = time.monotonic() + deadline
        while True:
            runs = self.flow_runs(id={"any_": run_ids})
            if len(runs) == len(run_ids) and all(r["state_type"] in FINAL_STATES for r in runs):
                return runs
            if time.monotonic() > stop:
                states = {r["name"]: r["state_type"] for r in runs}
                raise TimeoutError(f"runs not finished: {states}\n{self.log('worker-1')}")
            time.sleep(1)

    def flow_run(self, run_id: str) -> dict:
        return self.http.get(f"/flow_runs/{run_id}").raise_for_status().json()

    def states(self, run_id: str) -> list[dict]:
        """Every state the run went through, oldest first."""
        found = self.http.get("/flow_run_states/", params={"flow_run_id": run_id})
        return sorted(found.raise_for_status().json(), key=lambda s: s["timestamp"])

    def events(self, name: str, resource_id: str) -> list[dict]:
        body = {"filter": {"event": {"name": [name]}, "resource": {"id": [resource_id]}},
                "limit": 50}
        return self.http.post("/events/filter", json=body).raise_for_status().json()["events"]

    def artifacts(self, flow_run_id: str) -> list[dict]:
        body = {"artifacts": {"flow_run_id": {"any_": [flow_run_id]}}}
        return self.http.post("/artifacts/filter", json=body).raise_for_status().json()

    def stop_workers(self) -> None:
        """Kill the workers (they may ignore SIGTERM for long): process group, SIGKILL."""
        for process in self.processes[1:]:
            _kill(process)

    def close(self) -> None:
        self.http.close()
        for process in reversed(self.processes):
            _kill(process)


def kill_tree(process: subprocess.Popen) -> set[str]:
    """A machine lost under a worker: the worker and every process it started (flow runs sit in
    their own sessions) are frozen first, so none sees another die and reports it, then killed.
    Returns the ids of the flow runs whose processes were killed."""
    pids = [process.pid, *_descendants(process.pid)]
    for pid in pids:
        _signal(pid, signal.SIGSTOP)
    runs = {run for pid in pids if (run := _flow_run_of(pid))}
    for pid in pids:
        _signal(pid, signal.SIGKILL)
    process.wait(timeout=30)
    return runs


def _signal(pid: int, signal_number: int) -> None:
    try:
        os.kill(pid, signal_number)
    except ProcessLookupError:
        pass


def _flow_run_of(pid: int) -> str | None:
    try:
        environment = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for entry in environment:
        if entry.startswith(b"PREFECT__FLOW_RUN_ID="):
            return entry.split(b"=", 1)[1].decode()
    return None


def _descendants(pid: int) -> list[int]:
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name may hold spaces or parentheses: fields start after its last ')'.
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process ended while we looked
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        children = parents.get(todo.pop(), [])
        found += children
        todo += children
    return found


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)
