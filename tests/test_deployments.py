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
