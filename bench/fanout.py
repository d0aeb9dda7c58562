"""The monitor as a deployment on a running `prefect server`: one `ingest-source` run per source
on two process workers. Timed on the server's clock, from the monitor run's creation (the
trigger) to the end of its last child run, and to the end of the monitor itself.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PREFECT = str(Path(sys.executable).parent / "prefect")
POOL = "claimwatch"
FINAL = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}
# A pass that has not finished by then is reported as stuck, with the workers' logs.
PASS_DEADLINE = 900
# Prefect's server on SQLite answers 503 while its database is locked; its own client retries.
BUSY_RETRIES = 10


class RetryBusy(httpx.HTTPTransport):
    def handle_request(self, request: httpx.Request) -> httpx.Response:
        for attempt in range(1, BUSY_RETRIES + 1):
            response = super().handle_request(request)
            if response.status_code != 503 or attempt == BUSY_RETRIES:
                return response
            response.close()
            time.sleep(0.5 * attempt)
        raise AssertionError("unreachable")


class Workers:
    """The `claimwatch` pool, prefect.yaml deployed to it, and N process workers; killed on exit."""

    def __init__(self, api: str, folder: Path, count: int = 2, poll: float | None = None,
                 limit: int | None = None):
        self.api, self.folder, self.count, self.limit = api, folder, count, limit
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        self.env.update(PREFECT_API_URL=api, PREFECT_HOME=str(folder / "worker-home"),
                        PREFECT_SERVER_ANALYTICS_ENABLED="false", PREFECT_LOGGING_LEVEL="WARNING")
        if poll is not None:
            self.env["PREFECT_WORKER_QUERY_SECONDS"] = str(poll)
        self.processes: list[subprocess.Popen] = []
        self.http = httpx.Client(base_url=api, timeout=30, transport=RetryBusy())

    def __enter__(self) -> Workers:
        self._cli("work-pool", "create", POOL, "--type", "process")
        self._cli("--no-prompt", "deploy", "--all")
        for number in range(1, self.count + 1):
            log = (self.folder / f"worker-{number}.log").open("wb")
            # Without a limit a worker starts every run it is offered at once: 20 sources are
            # 20 interpreters starting together on the machine's cores.
            limit = ["--limit", str(self.limit)] if self.limit else []
            self.processes.append(subprocess.Popen(
                [PREFECT, "worker", "start", "--pool", POOL, "--name", f"bench-{number}", *limit],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True))
        return self

    def __exit__(self, *exc_info) -> None:
        self.http.close()
        for process in self.processes:
            # Workers may ignore SIGTERM for long; flow runs sit in sessions of their own.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=30)

    def _cli(self, *args: str) -> None:
        subprocess.run([PREFECT, *args], cwd=ROOT, env=self.env, check=True,
                       capture_output=True, timeout=180)

    def logs(self) -> str:
        return "\n".join((self.folder / f"worker-{n}.log").read_text(errors="replace")[-2000:]
                         for n in range(1, self.count + 1))

    def timed_pass(self, config: Path) -> dict:
        """One monitor deployment run over `config`'s sources; seconds from its creation."""
        flow, name = "monitor", "monitor"
        deployment = self.http.get(f"/deployments/name/{flow}/{name}").raise_for_status().json()
        created = self.http.post(f"/deployments/{deployment['id']}/create_flow_run",
                                 json={"parameters": {"config_path": str(config)}})
        run_id = created.raise_for_status().json()["id"]
        stop = time.monotonic() + PASS_DEADLINE
        while (monitor := self._run(run_id))["state_type"] not in FINAL:
            if time.monotonic() > stop:
                raise TimeoutError(f"monitor still {monitor['state_name']}\n{self.logs()}")
            time.sleep(0.5)
        children = self.http.post("/flow_runs/filter", json={"flow_runs": {
            "parent_flow_run_id": {"any_": [run_id]}}}).raise_for_status().json()
        if monitor["state_type"] != "COMPLETED" or any(c["state_type"] != "COMPLETED"
                                                       for c in children):
            states = {c["name"]: c["state_type"] for c in children}
            raise RuntimeError(f"monitor {monitor['state_type']}, children {states}\n{self.logs()}")
        start = _at(monitor["created"])
        return {"children": len(children),
                "children_done": max(_at(c["end_time"]) for c in children) - start
                if children else 0.0,
                "monitor_done": _at(monitor["end_time"]) - start,
                # From the monitor's creation to a worker starting its run.
                "monitor_start": _at(monitor["start_time"]) - start,
                # How long the monitor took to create all its children, first to last.
                "creating": max(_at(c["created"]) for c in children)
                - min(_at(c["created"]) for c in children) if children else 0.0,
                # From a child's creation to its start: the workers' pick-up and process start.
                "child_start": statistics.median(_at(c["start_time"]) - _at(c["created"])
                                                 for c in children) if children else 0.0}

    def _run(self, run_id: str) -> dict:
        return self.http.get(f"/flow_runs/{run_id}").raise_for_status().json()


def _at(stamp: str) -> float:
    return datetime.fromisoformat(stamp).timestamp()


def describe(walls: list[dict]) -> str:
    def median(key: str) -> float:
        return statistics.median(w[key] for w in walls)

    runs = ", ".join(f"{w['children_done']:.1f}" for w in walls)
    return (f"children done {median('children_done'):.2f} s (runs: {runs}), monitor done "
            f"{median('monitor_done'):.2f} s; worker picked the monitor up after "
            f"{median('monitor_start'):.2f} s; children created over {median('creating'):.2f} s, "
            f"each started {median('child_start'):.2f} s after its creation")
