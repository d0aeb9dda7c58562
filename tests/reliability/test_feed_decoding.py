"""Checklist rows on feeds and encodings: what feedparser and browsers have been bitten by."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import pytest

from scrapers.encoding import decode_html
from scrapers.rss import parse_feed

ROOT = Path(__file__).resolve().parents[2]
TITLE = "Минобороны сообщило о перехвате четырёх ракет над заливом"


def _feed(declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (f'{declaration}<rss version="2.0"><channel><title>Лента</title><item>'
            f"<title>{TITLE}</title><link>https://news.example/a/1</link>"
            "<pubDate>Tue, 10 Nov 2020 08:00:00 +0000</pubDate></item></channel></rss>").encode()


def _cyrillic_share(html: str) -> float:
    """Share of Cyrillic among the letters of the page's text (markup left out)."""
    letters = [c for c in re.sub(r"<[^>]*>", " ", html) if c.isalpha()]
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)


def test_a_utf8_feed_with_a_few_invalid_bytes_keeps_its_cyrillic(caplog):
    body = _feed()
    at = body.index("перехвате".encode())
    broken = body[:at] + b"\xff\xfe\xfa" + body[at:]
    with caplog.at_level(logging.WARNING):
        [item] = parse_feed(broken, "https://news.example/feed", [])
    assert item.title.replace("\ufffd", "") == TITLE
    assert "invalid UTF-8" in caplog.text


def test_a_feed_without_charset_or_declaration_is_read_as_utf8():
    # Served as text/xml with no charset: the XML default (UTF-8) applies, items are stored.
    [item] = parse_feed(_feed(declaration=""), "https://news.example/feed", [])
    assert item.title == TITLE
    assert item.published_at is not None


def test_a_feed_in_a_declared_legacy_encoding_is_left_to_its_declaration():
    body = _feed('<?xml version="1.0" encoding="windows-1251"?>').decode().encode("cp1251")
    [item] = parse_feed(body, "https://news.example/feed", [])
    assert item.title == TITLE


def test_parse_feed_never_takes_a_url():
    with pytest.raises(TypeError):
        parse_feed("https://news.example/feed", "https://news.example/feed", [])  # type: ignore[arg-type]


def test_feedparser_is_called_in_one_place_only_and_with_fetched_bytes():
    calls = []
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in (".venv", "tests", "build"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "parse" and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "feedparser"):
                calls.append(path.relative_to(ROOT).as_posix())
    assert calls == ["scrapers/rss.py"]


def test_meta_charset_inside_the_title_still_gives_readable_text():
    page = ("<html><head><title>Сводка <meta charset=\"windows-1251\"> за день</title></head>"
            "<body><p>Ракетный удар по складу горючего подтвердили в штабе округа.</p>"
            "</body></html>").encode("cp1251")
    text = decode_html(page)
    assert "Ракетный удар по складу" in text
    assert _cyrillic_share(text) >= 0.9


def test_cp1251_declared_only_in_meta_is_overwhelmingly_cyrillic():
    page = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
            "</head><body><p>Командование сообщило, что зенитные комплексы отразили атаку "
            "беспилотников над промышленной зоной.</p></body></html>").encode("cp1251")
    text = decode_html(page, content_type="text/html")
    assert _cyrillic_share(text) >= 0.9
