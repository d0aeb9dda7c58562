"""Configuration loading and validation (CONTRACT §1), and the CLI's exit 2 on bad config."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.config import ConfigError, bundled_demo_config, load_config

BAD = textwrap.dedent("""
    database_url: sqlite:///x.db
    sources:
      - id: good-one
        kind: rss
        url: https://example.org/feed
      - id: Bad_Id
        kind: rss
        url: https://example.org/feed2
      - id: third
        kind: carrier-pigeon
        url: not-a-url
      - id: lister
        kind: listing
        url: https://example.org/news
    watchlist:
      - id: iskander
        kind: weapon
        name: Iskander
        colour: red
      - id: konashenkov
        kind: actor
        name: Igor Konashenkov
        member_of: nobody
    alerts:
      recipients:
        - email: analyst@example.org
          watch: [drones]
          mode: hourly
""")


def write(tmp_path: Path, text: str, name: str = "claimwatch.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_demo_config_is_valid():
    config = load_config(bundled_demo_config())
    assert {s.kind for s in config.sources} == {"rss", "sitemap", "listing"}
    assert any(w.id == "iskander" and w.kind == "weapon" for w in config.watchlist)


def test_every_problem_is_reported_with_its_key_path(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, BAD))
    problems = caught.value.problems
    joined = "\n".join(problems)
    assert "sources[1].id: must match" in joined
    assert "sources[2].kind: must be one of" in joined
    assert "sources[2].url: not a URL" in joined
    assert "sources[3].link_selector: required for kind 'listing'" in joined
    assert "watchlist[0].colour: unknown key" in joined
    assert "alerts.recipients[0].mode: must be one of" in joined
    assert all("\n" not in p for p in problems)


def test_cross_references_are_checked(tmp_path):
    text = BAD.replace("id: Bad_Id", "id: bad-id").replace("carrier-pigeon", "rss") \
        .replace("not-a-url", "https://example.org/x").replace("    colour: red\n", "") \
        .replace("mode: hourly", "mode: digest").replace(
            "url: https://example.org/news", "url: https://example.org/news\n    link_selector: a")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.problems == [
        "watchlist[1].member_of: unknown id 'nobody'",
        "alerts.recipients[0].watch[0]: unknown id 'drones'",
    ]


def test_the_subject_of_agentless_claims_is_no_watchlist_id(tmp_path):
    text = "database_url: sqlite://\nwatchlist:\n  - {id: anyone, kind: actor, name: Anyone}\n"
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.problems == [
        "watchlist[0].id: 'anyone' is reserved for claims that name no agent"]


def test_environment_overrides_single_keys_and_relative_paths_resolve(tmp_path, monkeypatch):
    folder = tmp_path / "conf"
    folder.mkdir()
    path = write(folder, "database_url: sqlite:///data/cw.db\nwatchlist: watch.yaml\n")
    (folder / "watch.yaml").write_text("- id: x\n  kind: weapon\n  name: X\n", encoding="utf-8")
    config = load_config(path)
    assert config.database_url == f"sqlite:///{folder.resolve() / 'data' / 'cw.db'}"
    assert [w.id for w in config.watchlist] == ["x"]
    monkeypatch.setenv("CLAIMWATCH_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("CLAIMWATCH_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("CLAIMWATCH_SMTP_PORT", "2525")
    monkeypatch.setenv("CLAIMWATCH_SMTP_PASSWORD", "s3cret")
    config = load_config(path)
    assert config.database_url == "postgresql+psycopg://u@h/db"
    assert (config.alerts.smtp.host, config.alerts.smtp.port) == ("mail.example.org", 2525)
    assert config.alerts.smtp.password() == "s3cret"
    assert "s3cret" not in config.model_dump_json()


@pytest.mark.parametrize("where", ["before", "after", "env"])
def test_cli_refuses_invalid_config_with_exit_2(tmp_path, where, monkeypatch):
    path = str(write(tmp_path, BAD, "bad.yaml"))
    args = {"before": ["--config", path, "export", "articles"],
            "after": ["export", "articles", "--config", path],
            "env": ["export", "articles"]}[where]
    if where == "env":
        monkeypatch.setenv("CLAIMWATCH_CONFIG", path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert "sources[2].url: not a URL" in result.output
    assert not (tmp_path / "x.db").exists()  # refused before any work


def test_missing_and_unparsable_files_exit_2(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(app, ["--config", str(tmp_path / "none.yaml"), "export", "articles"])
    assert missing.exit_code == 2 and "no such configuration file" in missing.output
    broken = write(tmp_path, "sources: [\n", "broken.yaml")
    result = runner.invoke(app, ["--config", str(broken), "export", "articles"])
    assert result.exit_code == 2 and "not valid YAML" in result.output


def test_a_weapon_class_is_read_and_survives_a_round_trip():
    from claimwatch.config import Config

    config = Config.model_validate({"watchlist": [
        {"id": "tb2", "kind": "weapon", "name": "Bayraktar TB2", "class": "drone"}]})
    assert config.watchlist[0].weapon_class == "drone"
    again = Config.model_validate(config.model_dump())
    assert again.watchlist[0].weapon_class == "drone"
