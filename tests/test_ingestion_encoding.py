"""Pages whose declared encoding lies, over a real HTTP server: right text, or a flag, never mojibake."""

from __future__ import annotations

import asyncio
import codecs
import json

import pytest
import yaml
from sqlmodel import Session, select
from typer.testing import CliRunner

from claimwatch.cli import app
from claimwatch.config import Source
from claimwatch.ingest import ingest_source
from scrapers import make_client
from scrapers.encoding import read_html
from storage.db import engine_for
from storage.models import Article
from tests.ingestion_server import FaultServer, Reply

UTF8_HEADER = {"Content-Type": "text/html; charset=utf-8"}
RUSSIAN = ("Штаб округа сообщил, что зенитные расчёты провели ночные стрельбы на полигоне у моря. "
           "По словам командира, цели были поражены с первой попытки, а техника отработала без "
           "сбоев. Следующий этап проверки пройдёт в конце месяца, когда к учениям подключат "
           "авиацию и связистов из соседних частей.")
ENGLISH = ("The district staff said its air defence crews had held night firing drills at the "
           "range by the sea. According to the commander, every target was hit on the first "
           "attempt and the equipment worked without a fault. The next stage of the inspection "
           "is due at the end of the month, when aviation and signal units will join the drills.")
# Bytes that are neither UTF-8 nor Russian in any single-byte code page: a corrupted upload.
CORRUPT = bytes((0x80 + (n * 37) % 128) for n in range(240))


def page(title: str, body: str, date: str = "2021-03-02T09:00:00+03:00") -> str:
    return (f"<html><head><title>{title}</title><meta property='article:published_time' "
            f"content='{date}'></head><body><nav><a href='/'>Home</a></nav><article>"
            f"<h1>{title}</h1><p>{body}</p></article><footer>(c) Outlet</footer></body></html>")


def letters_outside(text: str, allowed) -> list[str]:
    return [c for c in text if ord(c) > 127 and not allowed(c)]


@pytest.fixture
def lying_outlet():
    server = FaultServer()
    base = server.base
    server.route("/robots.txt", Reply(404))
    # The server says UTF-8; the bytes are windows-1251.
    server.route("/news/wrong-header.html", Reply(200, UTF8_HEADER, page(
        "Ночные стрельбы", RUSSIAN, "2021-03-03T09:00:00+03:00").encode("cp1251")))
    corrupt = page("Night drills at the range", ENGLISH).encode().replace(
        b"</p></article>", b"</p><p>" + CORRUPT + b"</p><p>" + ENGLISH.encode() + b"</p></article>")
    server.route("/news/corrupt.html", Reply(200, UTF8_HEADER, corrupt))
    server.route("/news/clean.html", Reply(200, UTF8_HEADER, page(
        "Ночные стрельбы у моря", RUSSIAN + " Итоги подведут позже.", "2021-03-01T09:00:00+03:00")
        .encode()))
    items = "".join(f"<item><title>{n}</title><link>{base}/news/{n}.html</link></item>"
                    for n in ("wrong-header", "corrupt", "clean"))
    server.route("/feed.xml", Reply(200, {"Content-Type": "application/rss+xml"},
                                    f"<rss version='2.0'><channel>{items}</channel></rss>".encode()))
    yield server
    server.close()


def test_wrong_header_reads_as_cyrillic_and_an_unsettled_page_is_flagged_not_garbled(
        lying_outlet, database_url):
    engine = engine_for(database_url)
    source = Source(id="lying", kind="rss", url=f"{lying_outlet.base}/feed.xml", crawl_delay=0)

    async def go():
        async with make_client(delay=0) as client:
            return await ingest_source(source, engine, backoff=0.01, client=client)

    report = asyncio.run(go())
    assert dict(report.outcomes) == {"stored": 3}
    with Session(engine) as session:
        rows = {a.url.rsplit("/", 1)[1]: a for a in session.exec(select(Article))}
    cp1251 = rows["wrong-header.html"]
    assert "зенитные расчёты провели ночные стрельбы" in cp1251.text
    assert not letters_outside(cp1251.text, lambda c: "\u0400" <= c <= "\u04ff")
    assert cp1251.language == "ru" and cp1251.encoding_suspect  # the header was overridden
    corrupt = rows["corrupt.html"]
    assert corrupt.encoding_suspect
    assert corrupt.text.count(ENGLISH) == 2  # the readable text survives intact
    # What could not be read is replaced, never shown as letters of a wrong code page.
    assert not letters_outside(corrupt.text, lambda c: c == "\ufffd")
    assert "\ufffd" in corrupt.text
    assert not rows["clean.html"].encoding_suspect


def test_extract_check_and_export_show_the_flag(lying_outlet, tmp_path):
    base = lying_outlet.base
    result = CliRunner().invoke(app, ["extract", f"{base}/news/wrong-header.html",
                                      f"{base}/news/clean.html"])
    assert result.exit_code == 0, result.output
    wrong, clean = json.loads(result.stdout)
    assert "ночные стрельбы" in wrong["text"] and wrong["encoding"] == "cp1251"
    assert wrong["encoding_suspect"] and "utf-8" in wrong["encoding_reason"]
    assert clean["encoding"] == "utf-8" and clean["encoding_suspect"] is False
    assert clean["encoding_reason"] is None

    config = tmp_path / "claimwatch.yaml"
    config.write_text(yaml.safe_dump({
        "database_url": "sqlite:///enc.db",
        "sources": [{"id": "lying", "kind": "rss", "url": f"{base}/feed.xml", "crawl_delay": 0}],
    }), encoding="utf-8")
    checked = CliRunner().invoke(app, ["check", "--config", str(config)])
    # The newest item is the one with the lying header: a warning, not a failure.
    assert checked.exit_code == 0, checked.output
    assert "encoding suspect" in checked.stdout
    assert "sample text encoding is suspect: read as cp1251 by detection (declared utf-8)" \
        in checked.stdout

    from claimwatch.config import load_config
    from claimwatch.pipeline import run_once

    run_once(load_config(config))
    exported = CliRunner().invoke(app, ["export", "articles", "--config", str(config)])
    flags = {a["url"].rsplit("/", 1)[1]: a["encoding_suspect"] for a in json.loads(exported.stdout)}
    assert flags == {"wrong-header.html": True, "corrupt.html": True, "clean.html": False}


@pytest.mark.parametrize("second", ["koi8_r", "utf-8"])
def test_a_page_mixing_two_encodings_is_read_stretch_by_stretch(second):
    # A cp1251 template around an article body saved in another encoding.
    body = (page("Ночные стрельбы", RUSSIAN).encode("cp1251")
            .replace(b"</article>", f"<p>{RUSSIAN.upper()}</p><p>{RUSSIAN}</p>".encode(second)
                     + b"</article>"))
    decoded = read_html(body, "text/html; charset=windows-1251")
    assert decoded.text.count(RUSSIAN) == 2 and RUSSIAN.upper() in decoded.text
    assert decoded.suspect and codecs.lookup(second).name in decoded.reason


def test_undeclared_and_declared_pages_are_not_flagged_when_the_declaration_holds():
    declared = read_html(page("Учения", RUSSIAN).encode("koi8_r"), "text/html; charset=koi8-r")
    assert RUSSIAN in declared.text and not declared.suspect and declared.encoding == "koi8-r"
    utf8 = read_html(page("Учения", RUSSIAN).encode(), "text/html; charset=windows-1251")
    assert RUSSIAN in utf8.text and not utf8.suspect  # valid UTF-8 is not a guess
