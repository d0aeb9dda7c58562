"""The process pool for extraction and detection: same results as in-process, nothing lost when
a worker dies."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bench.replica import config_for, generate
from claimwatch import processes
from claimwatch.analysis import analyse_all_pending
from claimwatch.config import Config, Source
from claimwatch.ingest import ingest_source
from claimwatch.sample_site import SampleSite
from storage.db import engine_for
from storage.models import Article, Claim, Statement

ARTICLES = 24  # over 2 outlets: 12 items a source, enough to be spread over the pool


@pytest.fixture(scope="module")
def replica(tmp_path_factory):
    root = tmp_path_factory.mktemp("replica")
    site = generate(root, ARTICLES, 2, seed=7)
    with SampleSite(root=root, port=0) as server:
        yield site, server.base


@pytest.fixture
def pool_size():
    yield processes.configure
    processes.configure(None)


def _ingest(replica, tmp_path, name: str):
    """(config, engine, reports): every outlet of the replica ingested into a fresh database."""
    site, base = replica
    config = Config.model_validate(config_for(site, base, f"sqlite:///{tmp_path / name}.db"))
    engine = engine_for(config.database_url)

    async def ingest_all():
        return await asyncio.gather(*(ingest_source(s, engine) for s in config.sources))

    return config, engine, asyncio.run(ingest_all())


def _detected(engine) -> dict:
    with Session(engine) as session:
        return {
            "statements": sorted((s.speaker_name, s.text) for s in session.exec(select(Statement))),
            "claims": sorted(c.proposition + c.polarity for c in session.exec(select(Claim))),
        }


def _run(replica, tmp_path, name: str) -> dict:
    config, engine, reports = _ingest(replica, tmp_path, name)
    analysis = analyse_all_pending(config, engine)
    with Session(engine) as session:
        articles = sorted((a.url.rsplit("/", 1)[-1], a.title, a.text)
                          for a in session.exec(select(Article)))
    return {"outcomes": [dict(r.outcomes) for r in reports], "articles": articles,
            **_detected(engine), "analysed": analysis.articles}


def _kill_a_worker(pool_size):
    """The shared pool of 2, started, with one worker killed as the kernel's OOM killer would:
    the pool is broken for every job still in it."""
    pool_size(2)
    pool = processes.pool_for(processes.MIN_ITEMS_FOR_POOL)
    assert pool.submit(os.getpid).result(timeout=60) != os.getpid()
    victim = next(iter(pool._processes.values()))
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(timeout=30)
    return pool


def test_the_pool_stores_and_detects_exactly_what_one_process_does(replica, tmp_path, pool_size):
    pool_size(1)
    inline = _run(replica, tmp_path, "inline")
    pool_size(2)
    pooled = _run(replica, tmp_path, "pooled")
    assert processes._pool is not None, "12 items a source must go through the pool"
    assert len(inline["articles"]) == ARTICLES and inline["analysed"] == ARTICLES
    assert inline["statements"], "the replica carries attributed statements"
    assert pooled == inline


def test_a_worker_killed_from_outside_costs_no_article(replica, tmp_path, pool_size):
    pool = _kill_a_worker(pool_size)
    result = _run(replica, tmp_path, "killed")
    assert sorted(k for r in result["outcomes"] for k in r) == ["stored", "stored"]
    assert sum(r["stored"] for r in result["outcomes"]) == ARTICLES
    assert result["analysed"] == ARTICLES
    assert processes._pool is not pool, "the broken pool is replaced, not reused"


def test_a_pool_broken_during_analysis_costs_no_article(replica, tmp_path, pool_size, caplog):
    pool_size(1)
    inline = _run(replica, tmp_path, "inline-analysis")
    config, engine, _ = _ingest(replica, tmp_path, "broken")  # stored inline
    _kill_a_worker(pool_size)  # analysis below meets a broken pool
    analysis = analyse_all_pending(config, engine)
    assert "pool broke during detection" in caplog.text
    assert analysis.articles == ARTICLES and analysis.errors == 0
    detected = _detected(engine)
    assert detected["statements"] == inline["statements"] and detected["claims"] == inline["claims"]


def test_a_page_that_extracts_forever_costs_only_itself(tmp_path, pool_size, monkeypatch):
    from claimwatch import ingest
    from tests.ingestion_server import FaultServer, Reply
    from tests.test_ingestion_runs import story

    html = {"Content-Type": "text/html; charset=utf-8"}
    # Megabytes of nested blocks: seconds of work for the extractor, far past the limit set here.
    pathological = ("<html><body><article>" + "".join(
        f"<div><p>Paragraph {i} of a page built to be slow to extract.</p><table><tr><td>{i}"
        "</td></tr></table></div>" for i in range(20000)) + "</article></body></html>").encode()
    monkeypatch.setattr(ingest, "EXTRACTION_TIMEOUT", 1.0)
    pool_size(2)
    server = FaultServer()
    try:
        names = [f"s{n}" for n in range(10)] + ["slow"]
        items = "".join(f"<item><title>{n}</title><link>{server.base}/news/{n}.html</link></item>"
                        for n in names)
        server.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"},
                                        f'<rss version="2.0"><channel><title>t</title>{items}'
                                        "</channel></rss>".encode()))
        for n in names[:-1]:
            server.route(f"/news/{n}.html", Reply(200, html, story(f"topic {n}")))
        server.route("/news/slow.html", Reply(200, html, pathological))
        source = Source(id="slowpoke", kind="rss", url=f"{server.base}/feed.xml", crawl_delay=0)
        engine = engine_for(f"sqlite:///{tmp_path / 't.db'}")
        report = asyncio.run(ingest.ingest_source(source, engine, backoff=0.01))
    finally:
        server.close()
    assert report.outcomes["stored"] == 10
    assert report.outcomes["extract-error"] == 1
    assert any("slow.html: extraction took longer than 1 s" in e for e in report.errors)
    # The limit was enforced inside the worker: the pool lives on, nothing had to be killed.
    assert all(p.is_alive() for p in processes._pool._processes.values())


def test_a_backfill_of_a_few_articles_a_day_still_extracts_on_every_core(tmp_path, pool_size):
    from claimwatch import backfill

    # 200 articles over 10 outlets: each outlet publishes a few a day, over several days.
    site = generate(tmp_path / "site", 200, 10, seed=3)
    pool_size(2)
    with SampleSite(root=tmp_path / "site", port=0) as server:
        config = Config.model_validate(config_for(site, server.base,
                                                  f"sqlite:///{tmp_path / 'b.db'}"))
        engine = engine_for(config.database_url)
        source = config.sources[0]
        history = asyncio.run(backfill.discover_history(source))
        days = sorted(history)
        assert len(days) >= 2
        assert all(len(v) < processes.MIN_ITEMS_FOR_POOL for v in history.values())
        results = backfill.run_days(source, engine, days, items=history)
    assert processes._pool is not None, "a chunk of days is worth the pool, though no day is"
    assert sum(r["outcomes"].get("stored", 0) for r in results) == 20


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_workers_and_fork_server_go_when_their_process_is_killed(tmp_path):
    # A monitor killed with SIGKILL cannot shut its pool down; left alone, its workers and the
    # fork server would each keep ~100 MB until the machine restarts.
    script = (
        "import os, sys, time\n"
        "from claimwatch import processes\n"
        "processes.configure(2)\n"
        "pool = processes.pool_for(processes.MIN_ITEMS_FOR_POOL)\n"
        "list(pool.map(time.sleep, [0.3, 0.3]))  # workers start as work arrives: 2 at once\n"
        "workers = {pool.submit(os.getppid).result()} | set(pool._processes)\n"
        "print(' '.join(map(str, sorted(workers))), flush=True)\n"
        "time.sleep(120)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[1])
    try:
        pids = [int(p) for p in parent.stdout.readline().split()]
        assert len(pids) == 3 and all(_alive(p) for p in pids)  # the fork server and 2 workers
        parent.kill()
        parent.wait()
        deadline = time.monotonic() + 20
        while any(_alive(p) for p in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [p for p in pids if _alive(p)]
    finally:
        parent.kill()
        parent.stdout.close()


def test_workers_do_not_import_the_parents_main_module(tmp_path):
    # A flow run on a Prefect worker has `python -m prefect.engine` as its main module; a
    # worker that re-imported it would load all of Prefect to extract a page.
    (tmp_path / "heavy_marker.py").write_text("")
    (tmp_path / "probe.py").write_text(
        "import sys\n\n\ndef loaded():\n    return 'heavy_marker' in sys.modules\n")
    (tmp_path / "parent_main.py").write_text(
        "import heavy_marker\n"
        "import probe\n"
        "from claimwatch import processes\n"
        "if __name__ == '__main__':\n"
        "    processes.configure(2)\n"
        "    pool = processes.pool_for(processes.MIN_ITEMS_FOR_POOL)\n"
        "    print(pool.submit(probe.loaded).result(), pool.submit(sum, [2, 3]).result())\n")
    root = Path(__file__).resolve().parents[1]
    for how in (["-m", "parent_main"], [str(tmp_path / "parent_main.py")]):
        done = subprocess.run([sys.executable, *how], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": f"{root}:{tmp_path}"})
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["False", "5"], (how, done.stdout)
