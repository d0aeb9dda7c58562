"""The CLI over real servers: `run` with a failing source, `detect` and `extract`."""

from __future__ import annotations

import asyncio
import gzip
import json
import os

import pytest
import yaml
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.config import bundled_demo_config
from claimwatch.demo import DEMO_BASE


def demo_config(tmp_path, base: str, smtp_port: int, extra_sources=()) -> str:
    raw = yaml.safe_load(bundled_demo_config().read_text(encoding="utf-8"))
    for source in raw["sources"]:
        source["url"] = source["url"].replace(DEMO_BASE, base)
    raw["sources"] += list(extra_sources)
    raw["database_url"] = "sqlite:///run.db"
    raw["alerts"]["smtp"]["port"] = smtp_port
    path = tmp_path / "claimwatch.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return str(path)


@pytest.mark.prefect
def test_run_reports_a_failed_source_and_completes_the_others(
        prefect_harness, sample_site, mail_capture, tmp_path):
    broken = {"id": "broken", "kind": "rss", "url": f"{sample_site.base}/no/such/feed.xml"}
    config = demo_config(tmp_path, sample_site.base, mail_capture.port, [broken])
    result = CliRunner().invoke(app, ["run", "--config", config])
    assert result.exit_code == 1, result.output
    assert "source broken" in result.stderr and "HTTP 404" in result.stderr
    assert "| caucasus-watch | 5 |" in result.stdout and "| vestnik | 3 | 3 |" in result.stdout
    assert len(mail_capture.messages()) == 1

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    async def artifacts():
        async with get_client() as client:
            return await client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["monitor-summary"])))

    found = asyncio.run(artifacts())
    assert any("| broken | 0 |" in (a.data or "") for a in found)

    only = CliRunner().invoke(app, ["run", "--source", "vestnik", "--config", config])
    assert only.exit_code == 0, only.output
    assert "| vestnik | 3 | 0 | 0 | 3 |" in only.stdout and "caucasus-watch" not in only.stdout
    unknown = CliRunner().invoke(app, ["run", "--source", "nope", "--config", config])
    assert unknown.exit_code == 2


def test_detect_reports_offsets_speaker_and_claims(tmp_path):
    text = "«Ни одна ракета „Искандер“ вооруженными силами Армении не применялась», — " \
           "заявил Конашенков."
    (tmp_path / "t.txt").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["detect", "--text-file", str(tmp_path / "t.txt")])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    for mention in found["mentions"]:
        assert text[mention["start"]:mention["end"]] == mention["surface"]
    [statement] = found["statements"]
    assert statement["speaker"] == {"id": "konashenkov", "name": "Igor Konashenkov",
                                    "surface": "Конашенков"}
    assert text[statement["start"]:statement["end"]] == statement["text"]
    assert statement["claims"][0]["polarity"] == "deny"
    piped = CliRunner().invoke(app, ["detect"], input="Iskander Aliyev cooks plov.")
    assert json.loads(piped.stdout) == {"mentions": [], "statements": []}


def test_detect_shows_the_words_a_claim_refers_back_with(tmp_path):
    text = ("Армянские военные выпустили по Шуше «Искандеры». "
            "Конашенков заявил, что они не взорвались.")
    result = CliRunner().invoke(app, ["detect"], input=text)
    assert result.exit_code == 0, result.output
    [statement] = json.loads(result.stdout)["statements"]
    [claim] = [c for c in statement["claims"] if c["predicate"] == "explode"]
    assert (claim["object"], claim["polarity"]) == ("iskander", "deny")
    named, words = claim["object_mention"], claim["anaphor"]
    assert text[named["start"]:named["end"]] == named["surface"] == "Искандеры"
    assert text[words["start"]:words["end"]] == words["surface"] == "они"


def test_extract_files_gzip_and_urls_one_result_each(tmp_path, sample_site):
    from claimwatch.sample_site import SITE_ROOT

    page = SITE_ROOT / "caucasus-watch/articles/hakobyan-armenian-forces-used-iskander.html"
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress(page.read_bytes()))
    url = f"{sample_site.base}/vestnik/news/konashenkov-iskander-ne-primenyalis.html"
    result = CliRunner().invoke(app, ["extract", str(page), str(packed), url,
                                      str(tmp_path / "missing.html")])
    assert result.exit_code == 1  # one input failed, the rest were extracted
    out = json.loads(result.stdout)
    # CONTRACT §2's keys, and how the bytes were read (an extension).
    assert [sorted(o) for o in out[:3]] == [sorted(["input", "url", "title", "published_at",
                                                    "language", "text", "encoding",
                                                    "encoding_suspect", "encoding_reason"])] * 3
    assert [o["encoding_suspect"] for o in out[:3]] == [False] * 3
    assert out[0]["text"] == out[1]["text"] and "Hakobyan" in out[0]["text"]
    assert out[2]["language"] == "ru" and out[2]["published_at"].startswith("2021-03-02")
    assert set(out[3]) == {"input", "error"}


def test_the_embedded_server_is_set_up_like_production_unless_the_user_chose(monkeypatch):
    from claimwatch import cli
    from flows.server_settings import SERVER_ENV

    chosen, *others = SERVER_ENV
    monkeypatch.setenv(chosen, "7")
    for name in others:
        monkeypatch.delenv(name, raising=False)
    cli._prefect_defaults()
    assert os.environ[chosen] == "7"
    assert all(os.environ[name] == SERVER_ENV[name] for name in others)
