"""Text and metadata of saved pages: lying encodings, dates in four languages, JSON-LD, titles."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from scrapers import extract_article
from scrapers.dates import find_date, parse_date
from scrapers.encoding import decode_html

RUSSIAN = ("Министерство обороны сообщило, что ракетные бригады завершили плановые учения на юге "
           "страны. Проверка продолжится до весны, подробности обещают сообщить после завершения "
           "всех инспекций. Журналисты задали вопросы о сроках и получили лишь общий ответ.")
ENGLISH = ("The ministry said its missile brigades had finished the planned exercises in the south "
           "of the country. The inspection will continue until spring and details will follow "
           "once all checks are complete. Reporters asked about timing and got a general reply.")


def page(text: str, head: str = "", lang: str = "ru", extra: str = "") -> str:
    return (f"<html lang='{lang}'><head>{head}<title>Учения | Вестник</title></head><body>"
            f"<nav><a href='/'>Главная</a></nav><article><h1>Учения</h1>{extra}<p>{text}</p>"
            f"<p>{text}</p></article><footer>Все права защищены</footer></body></html>")


def cyrillic_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum("\u0400" <= c <= "\u04ff" for c in letters) / len(letters)


def test_cp1251_page_whose_header_says_utf8_comes_out_right():
    body = page(RUSSIAN).encode("cp1251")
    article = extract_article(body, "http://x.ru/a", content_type="text/html; charset=utf-8")
    assert "ракетные бригады" in article.text and cyrillic_share(article.text) > 0.9
    assert "\ufffd" not in article.text


@pytest.mark.parametrize("content_type", ["text/html; charset=koi8-r", "text/html"])
def test_koi8r_with_a_correct_header_and_without_any(content_type):
    body = page(RUSSIAN).encode("koi8_r")
    assert "ракетные бригады" in decode_html(body, content_type)


def test_cp1251_declared_only_in_meta_and_short_pages_without_any_declaration():
    meta = page(RUSSIAN, head="<meta http-equiv='Content-Type' content='text/html; "
                              "charset=windows-1251'>").encode("cp1251")
    assert "ракетные бригады" in decode_html(meta, "text/html")
    assert decode_html("<p>Учения завершены</p>".encode("cp1251")) == "<p>Учения завершены</p>"


def test_utf8_with_a_few_broken_bytes_keeps_its_cyrillic():
    good = page(RUSSIAN).encode()
    body = good[:300] + b"\xff\xfe\xfa" + good[300:]
    text = decode_html(body, "text/xml")
    assert "ракетные бригады" in text and text.count("\ufffd") <= 5


def test_utf8_page_wrongly_declared_as_windows_1251_stays_utf8():
    text = decode_html(page(RUSSIAN).encode(), "text/html; charset=windows-1251")
    assert "ракетные бригады" in text


@pytest.mark.parametrize("written, expected", [
    ("13 января 2015 г. в 13:34", "2015-01-13T13:34"),
    ("2 марта 2021, 14:05", "2021-03-02T14:05"),
    ("14:05, 2 марта 2021", "2021-03-02T14:05"),
    ("12 mart 2021, 09:15", "2021-03-12T09:15"),
    ("2021-ci il 12 mart", "2021-03-12T00:00"),
    ("12 մարտի 2021", "2021-03-12T00:00"),
    ("2021 թ. մարտի 12", "2021-03-12T00:00"),
    ("March 2, 2021 10:00 pm", "2021-03-02T22:00"),
    ("02.03.2021 10:00", "2021-03-02T10:00"),  # day first, as the region writes it
    ("Tue, 02 Mar 2021 09:00:00 +0300", "2021-03-02T06:00"),
    ("2021-03-02T09:00:00+03:00", "2021-03-02T06:00"),
])
def test_written_dates_in_four_languages_come_out_as_utc(written, expected):
    found = parse_date(written)
    assert found.tzinfo == timezone.utc
    assert found.strftime("%Y-%m-%dT%H:%M") == expected


def test_a_date_without_zone_is_read_in_the_source_timezone():
    found = parse_date("2 марта 2021, 14:05", tz=ZoneInfo("Asia/Baku"))
    assert found == datetime(2021, 3, 2, 10, 5, tzinfo=timezone.utc)


def test_no_date_in_ordinary_text():
    assert find_date("Цена выросла на 5 процентов за неделю") is None
    assert parse_date("31 June 2021") is None


def test_visible_russian_date_is_used_when_no_metadata_names_one():
    html = page(RUSSIAN, extra="<div class='article-date'>Опубликовано 2 марта 2021, 14:05</div>")
    article = extract_article(html, "http://x.ru/a", tz=ZoneInfo("Europe/Moscow"))
    assert article.published_at == datetime(2021, 3, 2, 11, 5, tzinfo=timezone.utc)
    assert article.language == "ru" and article.title == "Учения"


def test_json_ld_graph_gives_date_headline_and_author():
    ld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
          '{"@type": "WebSite", "name": "Daily"}, {"@type": "NewsArticle", "headline": '
          '"Brigades finish drills", "datePublished": "2021-03-02T09:00:00+04:00", '
          '"author": [{"@type": "Person", "name": "Ani Petrosyan"}]}]}</script>')
    html = page(ENGLISH, head=ld, lang="en").replace("<title>Учения | Вестник</title>", "")
    article = extract_article(html, "http://x.am/a")
    assert article.published_at == datetime(2021, 3, 2, 5, 0, tzinfo=timezone.utc)
    assert article.title == "Brigades finish drills" and article.author == "Ani Petrosyan"


def test_canonical_link_on_the_same_site_names_the_article_and_tracking_is_dropped():
    head = "<link rel='canonical' href='https://www.x.am/news/1?utm_source=feed#top'>"
    article = extract_article(page(ENGLISH, head=head, lang="en"), "https://x.am/news/1?id=1")
    assert article.url == "https://www.x.am/news/1"
    foreign = "<link rel='canonical' href='https://elsewhere.org/copy'>"
    article = extract_article(page(ENGLISH, head=foreign, lang="en"), "https://x.am/news/1")
    assert article.url == "https://x.am/news/1"


def test_extracting_many_inputs_in_worker_processes_gives_the_serial_results(tmp_path):
    import gzip

    from claimwatch.extraction import extract_inputs

    inputs = []
    for n in range(6):
        text = (RUSSIAN if n % 2 else ENGLISH).replace(".", f" ({n}).", 1)
        path = tmp_path / f"page{n}.html"
        path.write_text(page(text, lang="ru" if n % 2 else "en"), encoding="utf-8")
        if n == 5:
            path = tmp_path / "page5.html.gz"
            path.write_bytes(gzip.compress(page(text).encode()))
        inputs.append(str(path))
    inputs.append(str(tmp_path / "missing.html"))
    parallel = extract_inputs(inputs, workers=2)
    assert parallel == extract_inputs(inputs, workers=1)
    assert [r["input"] for r in parallel] == inputs
    assert "(3)" in parallel[3]["text"] and set(parallel[-1]) == {"input", "error"}
