"""The demo path end to end under Prefect: expected conflicts, e-mailed once, none from decoys."""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser

import pytest
from rich.console import Console
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.demo import run_demo

pytestmark = pytest.mark.prefect

EXPECTED = {  # (new speaker, recorded speaker) of every conflict the sample site holds
    ("konashenkov", "hakobyan"), ("konashenkov", "sargsyan"), ("konashenkov", "pashinyan"),
    ("anama", "konashenkov"),
}
DECOY_PAGES = ("ex-inspector", "kaliningrad", "tonoyan", "analyst-armenia", "ganja-chef",
               "after-the-ceasefire", "perevooruzhenie")


@pytest.fixture(scope="module")
def demo_runs(prefect_harness, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("demo") / ".claimwatch-demo"
    console = Console(record=True, width=120)
    first = run_demo(console, workdir)
    second = run_demo(console, workdir)
    return workdir, first, second, console.export_text()


def test_first_run_finds_exactly_the_expected_conflicts(demo_runs):
    workdir, first, _, _ = demo_runs
    runner = CliRunner()
    result = runner.invoke(app, ["export", "conflicts", "--config",
                                 str(workdir / "claimwatch.yaml")])
    assert result.exit_code == 0, result.output
    conflicts = json.loads(result.stdout)
    pairs = {(c["statement"]["speaker"]["id"], c["conflicts_with"]["speaker"]["id"])
             for c in conflicts}
    assert pairs == EXPECTED and len(conflicts) == len(EXPECTED)
    assert {c["proposition"] for c in conflicts} == {"armenia use iskander"}
    urls = [c[side]["article_url"] for c in conflicts for side in ("statement", "conflicts_with")]
    assert not [u for u in urls if any(d in u for d in DECOY_PAGES)]
    assert first["analysis"]["conflicts"] == 4
    articles = json.loads(runner.invoke(app, ["export", "articles", "--config",
                                              str(workdir / "claimwatch.yaml")]).stdout)
    copies = [a for a in articles if a["duplicate_of"] is not None]
    # The republished copy, whichever of the two parallel sources stored it first.
    assert [a["url"].rsplit("/", 1)[1] for a in copies] == [
        "ex-inspector-armenian-forces-launched-iskanders.html"]


def test_alerts_are_mailed_once_and_the_second_run_adds_nothing(demo_runs):
    workdir, first, second, output = demo_runs
    mails = sorted((workdir / "mail").glob("*.eml"))
    assert len(mails) == 1 and first["new_mail"] == [str(mails[0])]
    message = BytesParser(policy=policy.default).parsebytes(mails[0].read_bytes())
    assert message["To"] == "analyst@example.org"
    assert message["Subject"] == "[claimwatch] 4 new conflicts: armenia use iskander"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    for needle in ("Igor Konashenkov", "Movses Hakobyan", "Serzh Sargsyan", "Nikol Pashinyan",
                   "/vestnik/news/konashenkov-iskander-ne-primenyalis.html", "2021-03-02"):
        assert needle in text and needle in html
    assert second["analysis"]["conflicts"] == 0 and second["new_mail"] == []
    assert all(r["outcomes"] == {"known": r["discovered"]} for r in second["sources"])
    assert "Conflict #4" in output and "No new alert e-mails this run" in output


def test_exports_have_the_contract_shapes(demo_runs):
    workdir = demo_runs[0]
    runner = CliRunner()
    config = ["--config", str(workdir / "claimwatch.yaml")]

    def export(kind, fmt="json"):
        result = runner.invoke(app, [*config, "export", kind, "--format", fmt])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout) if fmt == "json" else result.stdout

    articles = export("articles")
    assert len(articles) == 12
    assert set(articles[0]) >= {"id", "source", "url", "title", "published_at", "language",
                                "fetched_at"}
    mentions = export("mentions")
    assert set(mentions[0]) == {"article_url", "entity", "surface", "start", "end"}
    assert any(m["surface"] == "Искандеров" for m in mentions)
    statements = export("statements")
    konashenkov = [s for s in statements if s["speaker"]["id"] == "konashenkov"]
    assert konashenkov[0]["said_on"] == "2021-03-02" and konashenkov[0]["source"] == "vestnik"
    assert konashenkov[0]["claims"][0] == {"subject": "armenia", "predicate": "use",
                                           "object": "iskander", "polarity": "deny",
                                           "quantity": None, "place": "Нагорном Карабахе",
                                           "place_id": "nagorno-karabakh", "place_scope": None,
                                           "time": "в ходе конфликта", "time_start": None,
                                           "time_end": None, "time_scope": None}
    conflicts = export("conflicts")
    assert set(conflicts[0]) >= {"id", "kind", "proposition", "statement", "conflicts_with",
                                 "detected_at", "explanation"}
    csv_text = export("conflicts", "csv")
    assert csv_text.splitlines()[0].startswith("id,kind,proposition,statement.id")
    assert len(csv_text.strip().splitlines()) == 5
    since = runner.invoke(app, [*config, "export", "articles", "--since", "2021-03-01"])
    assert {a["id"] for a in json.loads(since.stdout)} < {a["id"] for a in articles}
