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
