"""End to end on a real Prefect server: deploy prefect.yaml, two workers, monitor fans out, data stored once.

Then the Prefect UI, opened in headless Chromium, shows the deployments and the completed run
(screenshots under test-output/).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from pydantic import TypeAdapter
from sqlalchemy import create_engine, text

from claimwatch.config import bundled_demo_config
from claimwatch.demo import DEMO_BASE
from claimwatch.sample_site import SITE_ROOT
from tests.ops.prefect_server import ROOT, PrefectServer

OUTPUT = ROOT / "test-output"
SOURCES = ("caucasus-watch", "vestnik", "region-daily")
# Every article page of the sample site, however many times it is discovered or fetched.
ARTICLE_PAGES = sum(1 for p in SITE_ROOT.rglob("*.html")
                    if p.parent.name in ("articles", "news", "stories"))
finished: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(tmp_path_factory, sample_site, postgres_server_url):
    from claimwatch.sample_site import MailCapture

    home = tmp_path_factory.mktemp("prefect-home")
    database = "claimwatch_e2e_" + os.urandom(4).hex()
    with postgres_server_url.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{database}"'))
    database_url = postgres_server_url.url.set(database=database).render_as_string(
        hide_password=False)
    with MailCapture(home / "mail") as mail:
        raw = yaml.safe_load(bundled_demo_config().read_text(encoding="utf-8"))
        for source in raw["sources"]:
            source["url"] = source["url"].replace(DEMO_BASE, sample_site.base)
        raw["database_url"] = database_url
        raw["alerts"]["smtp"].update(host="127.0.0.1", port=mail.port)
        config = home / "claimwatch.yaml"
        config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        # Scheduled runs that fall due during the test use the same configuration.
        prefect = PrefectServer(home, {"CLAIMWATCH_CONFIG": str(config)})
        try:
            prefect.start(workers=2)
            prefect.config, prefect.database_url, prefect.mail = str(config), database_url, mail
            yield prefect
        finally:
            prefect.close()
            from storage.db import engine_for

            engine_for.cache_clear()
            with postgres_server_url.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.mark.prefect
@pytest.mark.postgres
@pytest.mark.timeout(240)
def test_monitor_fans_out_over_two_workers_and_stores_everything_once(server):
    # Two runs of one source at once first: the database, not luck, keeps rows single.
    twins = [server.create_run("ingest-source/ingest-source",
                               {"source_id": "caucasus-watch", "config_path": server.config})
             for _ in range(2)]
    assert all(r["state_type"] == "COMPLETED" for r in server.wait_for(twins, 120))
    monitor_id = server.create_run("monitor/monitor", {"config_path": server.config})
    [monitor] = server.wait_for([monitor_id], 150)
    assert monitor["state_type"] == "COMPLETED", server.log("worker-1") + server.log("worker-2")
    assert monitor["name"].startswith("monitor-all-")

    children = server.flow_runs(parent_flow_run_id={"any_": [monitor_id]})
    assert sorted(c["name"].rsplit("-", 3)[0] for c in children) == \
        sorted(f"ingest-{s}" for s in SOURCES)
    assert all(c["state_type"] == "COMPLETED" for c in children)
    [summary] = [a for a in server.artifacts(monitor_id) if a["key"] == "monitor-summary"]
    for source in SOURCES:
        assert f"| {source} |" in summary["data"]
    assert "new conflicts" in summary["data"]

    engine = create_engine(server.database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("select count(*), count(distinct url) from article")).one()
        conflicts = connection.execute(text("select count(*) from conflict")).scalar_one()
        alerts = connection.execute(text(
            "select count(*), count(distinct conflict_id), count(sent_at) from alert")).one()
    engine.dispose()
    assert tuple(rows) == (ARTICLE_PAGES, ARTICLE_PAGES)
    assert conflicts > 0 and tuple(alerts) == (conflicts, conflicts, conflicts)
    assert len(server.mail.messages()) == 1
    finished["monitor"] = monitor_id


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _browse(browser: str, url: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--no-first-run", f"--user-data-dir={profile}", "--window-size=1440,1000",
               "--virtual-time-budget=20000", *args, url]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


@pytest.mark.prefect
@pytest.mark.timeout(200)
def test_prefect_ui_shows_the_deployments_and_the_completed_run(server, tmp_path):
    browser = _chromium()
    if browser is None:
        message = "chromium is not installed (apt-get install chromium)"
        if _ci():
            pytest.fail(message)
        pytest.skip(message)
    if "monitor" not in finished:
        pytest.fail("the end-to-end monitor run did not complete; nothing to show")
    OUTPUT.mkdir(exist_ok=True)
    pages = {"prefect-ui-deployments": f"{server.url}/deployments",
             "prefect-ui-monitor-run": f"{server.url}/runs/flow-run/{finished['monitor']}"}
    dom = _browse(browser, pages["prefect-ui-deployments"], tmp_path / "dom", "--dump-dom")
    for name in ("monitor", "ingest-source", "deliver-alerts", "digest", "backfill"):
        assert name in dom.stdout, f"deployment {name} not shown by the UI"
    run_dom = _browse(browser, pages["prefect-ui-monitor-run"], tmp_path / "dom2", "--dump-dom")
    assert "monitor-all-" in run_dom.stdout and "Completed" in run_dom.stdout
    for name, url in pages.items():
        shot = OUTPUT / f"{name}.png"
        shot.unlink(missing_ok=True)
        _browse(browser, url, tmp_path / name, f"--screenshot={shot}")
        assert shot.exists() and shot.stat().st_size > 20_000, f"{name}: no real screenshot"


@pytest.mark.prefect
@pytest.mark.timeout(120)
def test_the_crash_automation_is_installed_on_the_server(server):
    done = subprocess.run([sys.executable, "-m", "claimwatch.operations",
                           "install-automation"], cwd=ROOT, env=server.env, capture_output=True,
                          text=True, timeout=90)
    assert done.returncode == 0, done.stderr
    again = subprocess.run([sys.executable, "-m", "claimwatch.operations",
                            "install-automation"], cwd=ROOT, env=server.env, capture_output=True,
                           text=True, timeout=90)
    assert again.returncode == 0, again.stderr
    found = server.http.post("/automations/filter", json={}).raise_for_status().json()
    [automation] = [a for a in found if a["name"] == "claimwatch: crash silent flow runs"]
    assert automation["trigger"]["posture"] == "Proactive"
    assert automation["trigger"]["after"] == ["prefect.flow-run.heartbeat"]
    # The documented default: three missed heartbeats of prefect.yaml's 30 s.
    assert TypeAdapter(timedelta).validate_python(automation["trigger"]["within"]) == \
        timedelta(seconds=90)
    assert automation["actions"][0]["state"] == "CRASHED"


@pytest.mark.prefect
@pytest.mark.timeout(150)
def test_serve_runs_the_deployments_without_a_worker(server):
    server.stop_workers()  # whatever runs now, runs in the serve process
    # Served and worker deployments are alternatives: serve registers its own under the same names.
    for deployment in server.http.post("/deployments/filter", json={}).json():
        server.http.delete(f"/deployments/{deployment['id']}").raise_for_status()
    claimwatch = str(Path(sys.executable).parent / "claimwatch")
    log = (server.logs / "serve.log").open("wb")
    serve = subprocess.Popen([claimwatch, "serve"], cwd=ROOT, env=server.env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while "being served" not in server.log("serve"):
            if time.monotonic() > deadline or serve.poll() is not None:
                pytest.fail("claimwatch serve did not start: " + server.log("serve"))
            time.sleep(0.5)
        run_id = server.create_run("deliver-alerts/deliver-alerts", {"config_path": server.config})
        [run] = server.wait_for([run_id], 90)
        assert run["state_type"] == "COMPLETED", server.log("serve")
        assert run["name"].startswith("deliver-alerts-")
    finally:
        os.killpg(serve.pid, signal.SIGKILL)
        serve.wait(timeout=30)
