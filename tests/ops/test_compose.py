"""deploy/docker-compose.yml checked as data, without Docker: against prefect.yaml and installed Prefect."""

from __future__ import annotations

import prefect
import yaml

from flows.server_settings import SERVER_ENV
from tests.ops.prefect_server import ROOT

COMPOSE = ROOT / "deploy" / "docker-compose.yml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_runs_prefect_and_claimwatch_on_postgres_with_workers():
    services = _compose()["services"]
    assert {"prefect-db", "claimwatch-db", "prefect-server", "deploy", "worker"} <= set(services)
    server = services["prefect-server"]
    assert server["image"].startswith(f"prefecthq/prefect:{prefect.__version__}-")
    assert server["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"].startswith(
        "postgresql+asyncpg://")
    assert SERVER_ENV.items() <= server["environment"].items()
    worker = services["worker"]
    assert worker["environment"]["CLAIMWATCH_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert worker["environment"]["PREFECT_FLOWS_HEARTBEAT_FREQUENCY"] == "30"
    assert worker["deploy"]["replicas"] >= 2
    assert worker["depends_on"]["deploy"]["condition"] == "service_completed_successfully"


def test_compose_uses_the_pool_of_prefect_yaml_and_deploys_everything():
    pools = {d["work_pool"]["name"] for d in
             yaml.safe_load((ROOT / "prefect.yaml").read_text(encoding="utf-8"))["deployments"]}
    services = _compose()["services"]
    [pool] = pools
    assert services["worker"]["command"][:5] == ["prefect", "worker", "start", "--pool", pool]
    job = " ".join(services["deploy"]["command"])
    assert f"work-pool create {pool} --type process" in job and "deploy --all" in job
    assert "install-automation" in job
    dockerfile = (ROOT / services["worker"]["build"]["dockerfile"]).read_text(encoding="utf-8")
    for package in ("claimwatch", "flows", "scrapers", "storage", "detection", "alerts"):
        assert f"COPY {package} ./{package}" in dockerfile
    assert "prefect.yaml" in dockerfile


def test_no_password_is_written_in_the_compose_file():
    text = COMPOSE.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "PASSWORD" in line and ":" in line and not line.strip().startswith("#"):
            value = line.split(":", 1)[1]
            assert "${" in value or value.strip() in ("", "${CLAIMWATCH_SMTP_PASSWORD:-}"), line
