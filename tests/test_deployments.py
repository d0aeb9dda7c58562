"""prefect.yaml: every deployment's entrypoint imports and is a Prefect flow."""

from __future__ import annotations

import importlib
from pathlib import Path

import yaml
from prefect import Flow

ROOT = Path(__file__).resolve().parent.parent


def test_every_entrypoint_is_a_flow():
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    names = set()
    for deployment in spec["deployments"]:
        path, name = deployment["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        assert isinstance(getattr(module, name), Flow)
        names.add(deployment["name"])
    monitor = next(d for d in spec["deployments"] if d["name"] == "monitor")
    assert monitor["schedules"][0]["cron"] == "*/15 * * * *"
    assert "monitor" in names


def _specs() -> dict[str, dict]:
    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    return {d["name"]: d for d in spec["deployments"]}


def test_schedules_pool_and_documented_parameters():
    specs = _specs()
    assert set(specs) >= {"monitor", "ingest-source", "deliver-alerts", "digest", "backfill"}
    assert specs["deliver-alerts"]["schedules"] == [{"interval": 300, "timezone": "UTC"}]
    assert specs["digest"]["schedules"] == [{"cron": "0 7 * * *", "timezone": "UTC"}]
    assert not specs["backfill"].get("schedules") and not specs["ingest-source"].get("schedules")
    for spec in specs.values():
        assert spec["work_pool"]["name"] == "claimwatch"
        assert spec["description"]
        flow = importlib.import_module(
            spec["entrypoint"].split(":")[0].removesuffix(".py").replace("/", "."))
        schema = getattr(flow, spec["entrypoint"].split(":")[1]).parameters.model_dump()
        # Every parameter carries a description the UI shows next to its field.
        assert all(p.get("description") for p in schema["properties"].values()), spec["name"]
    backfill = importlib.import_module("flows.backfill").backfill.parameters.model_dump()
    assert backfill["required"] == ["source", "since"]
    assert backfill["properties"]["since"]["format"] == "date"


def test_serve_builds_the_same_deployments_and_schedules():
    from claimwatch.operations import build_deployments, load_deployment_specs

    built = {d.name: d for d in build_deployments(load_deployment_specs(ROOT / "prefect.yaml"))}
    assert set(built) == set(_specs())
    [monitor] = built["monitor"].schedules
    assert monitor.schedule.cron == "*/15 * * * *" and monitor.schedule.timezone == "UTC"
    [digest] = built["digest"].schedules
    assert digest.schedule.cron == "0 7 * * *"
    [deliver] = built["deliver-alerts"].schedules
    assert deliver.schedule.interval.total_seconds() == 300
    assert not built["backfill"].schedules


def test_the_heartbeat_prefect_yaml_sets_is_the_one_the_crash_window_is_built_on():
    from claimwatch.operations import HEARTBEAT_SECONDS, SILENCE_BEFORE_CRASH, check_silence

    spec = yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    env = spec["definitions"]["work_pool"]["job_variables"]["env"]
    assert int(env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"]) == HEARTBEAT_SECONDS
    check_silence(SILENCE_BEFORE_CRASH)  # the default window passes its own check


def test_a_crash_window_that_live_runs_could_not_fill_is_refused_before_any_server_call(tmp_path):
    import subprocess
    import sys

    # No server at this address: a refusal that contacted one would fail differently.
    env = {"PATH": "", "PREFECT_HOME": str(tmp_path), "PREFECT_API_URL": "http://127.0.0.1:9/api",
           "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    for args, problem in ((["--silence", "35"], "--silence: 35 s would crash live runs"),
                          (["--heartbeat", "5"], "--heartbeat: Prefect sends heartbeats at most")):
        done = subprocess.run([sys.executable, "-m", "claimwatch.operations",
                               "install-automation", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and problem in done.stderr, done.stderr


def test_served_runs_get_the_workers_environment_with_heartbeats():
    from claimwatch.operations import HEARTBEAT_SECONDS, worker_environment

    env = worker_environment(ROOT / "prefect.yaml")
    # Without heartbeats the crash automation cannot tell a served run that died from a live one.
    assert env["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] == str(HEARTBEAT_SECONDS)
