"""`claimwatch check` against the sample site, a robots-shy outlet and a dead address."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.config import bundled_demo_config
from claimwatch.demo import DEMO_BASE
from claimwatch.sample_site import free_port
from tests.ingestion_server import FaultServer, Reply


@pytest.fixture
def shy_outlet():
    server = FaultServer()
    server.route("/robots.txt", Reply(200, {"Content-Type": "text/plain"},
                                      b"User-agent: *\nDisallow: /\n"))
    server.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"}, b"<rss/>"))
    yield server
    server.close()


def write_config(tmp_path, base: str, extra: list[dict]) -> str:
    raw = yaml.safe_load(bundled_demo_config().read_text(encoding="utf-8"))
    for source in raw["sources"]:
        source["url"] = source["url"].replace(DEMO_BASE, base)
    raw["sources"] += extra
    raw["database_url"] = "sqlite:///check.db"
    path = tmp_path / "claimwatch.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


def test_check_reports_each_source_and_fails_on_an_unreachable_one(
        tmp_path, sample_site, shy_outlet):
    dead = {"id": "dead", "kind": "rss", "url": f"http://127.0.0.1:{free_port()}/feed.xml"}
    shy = {"id": "shy", "kind": "rss", "url": f"{shy_outlet.base}/feed.xml", "crawl_delay": 0}
    config = write_config(tmp_path, sample_site.base, [dead, shy])
    result = CliRunner().invoke(app, ["check", "--json", "--config", config])
    assert result.exit_code == 1, result.output
    checks = {c["source"]: c for c in json.loads(result.stdout)}
    assert {k: checks[k]["discovered"] for k in checks} == {
        "caucasus-watch": 5, "vestnik": 3, "region-daily": 4, "dead": 0, "shy": 0}
    for healthy in ("caucasus-watch", "vestnik", "region-daily"):
        check = checks[healthy]
        assert check["reachable"] and check["problems"] == [] and not check["failed"]
        assert check["sample"]["title"] and check["sample"]["published_at"]
        assert check["sample"]["url"].startswith(sample_site.base)
        assert len(check["sample"]["first_words"].split()) >= 20
    assert checks["vestnik"]["sample"]["language"] == "ru"
    assert checks["dead"]["failed"] and "unreachable" in checks["dead"]["problems"][0]
    assert checks["shy"]["failed"] and "DISALLOWS" in checks["shy"]["robots"]
    assert shy_outlet.hits("/feed.xml") == 0  # asked robots.txt, then left it alone
    assert "source dead" in result.stderr and "source shy" in result.stderr

    text = CliRunner().invoke(app, ["check", "--source", "vestnik", "--config", config])
    assert text.exit_code == 0, text.output
    assert "vestnik: ok" in text.stdout and "Минобороны" in text.stdout
    assert "dead" not in text.stdout


def test_check_refuses_an_invalid_configuration(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("sources:\n  - {id: x, kind: rss, url: not-a-url}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", "--config", str(path)])
    assert result.exit_code == 2 and "sources[0].url: not a URL" in result.stderr


def test_the_example_sources_file_is_a_valid_configuration():
    from pathlib import Path
    from urllib.parse import urlsplit

    from claimwatch.config import load_config

    path = Path(__file__).resolve().parent.parent / "sources.example.yaml"
    config = load_config(path)
    assert len(config.sources) >= 12
    assert {s.language for s in config.sources} == {"en", "ru"}
    assert all(urlsplit(s.url).scheme == "https" and s.kind == "rss" for s in config.sources)
    assert len({s.url for s in config.sources}) == len(config.sources)
    assert "claimwatch check" in path.read_text(encoding="utf-8")
