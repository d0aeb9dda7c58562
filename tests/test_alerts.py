"""The outbox against a real SMTP server: exactly-once delivery, outages, crashes, hostile text,
digests and watch filters."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest
from sqlmodel import Session, select

from alerts import deliver_due
from alerts.render import render, subject_for
from claimwatch.config import Config
from storage import repository
from storage.db import engine_for
from storage.models import Alert, Article, Statement

HOSTILE = 'Evil <script>alert(1)</script>\r\nBcc: victim@example.org'
NOW = datetime(2026, 1, 10, 12, tzinfo=timezone.utc)


def seed(url: str, *, conflicts: int = 1, recipient: str = "a@x.org", mode: str = "immediate",
         historical: bool = False, title: str = HOSTILE, proposition: str = HOSTILE,
         article_url: str = "http://x.org/{key}") -> list[int]:
    """Pairs of contradicting statements, a conflict per pair, an alert per conflict."""
    engine = engine_for(url)
    conflict_ids = []
    with Session(engine) as session:
        offset = session.exec(select(Article)).all().__len__()
        for pair in range(conflicts):
            ids = []
            for n, (speaker, text) in enumerate([("A", "it was used"), ("B", "it was not used")]):
                key = f"{offset}-{pair}-{n}"
                article = Article(source_id="s", url=article_url.format(key=key), title=title,
                                  fetched_at=NOW, text=f"{text} {key}", fingerprint=key)
                session.add(article)
                session.flush()
                statement = Statement(article_id=article.id, speaker_name=speaker,
                                      speaker_surface=speaker, text=f"<b>{text}</b>",
                                      sentence=text, start=0, end=5,
                                      said_on=date(2021, 3, n + 1))
                session.add(statement)
                session.flush()
                ids.append(statement.id)
            conflict_id, _ = repository.add_conflict(
                session=session, kind="contradiction", proposition=f"{proposition} {pair % 2}",
                statement_id=ids[1], other_statement_id=ids[0],
                explanation="B denies what A affirmed.")
            repository.add_alert(session=session, conflict_id=conflict_id, recipient=recipient,
                                 mode=mode, historical=historical)
            conflict_ids.append(conflict_id)
        session.commit()
    return conflict_ids


def config_for(url: str, port: int) -> Config:
    return Config.model_validate({
        "database_url": url,
        "alerts": {"smtp": {"host": "127.0.0.1", "port": port},
                   "recipients": [{"email": "a@x.org"}]}})


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'alerts.db'}"


def test_smtp_outage_loses_nothing_and_sends_once(db, mail_capture):
    from claimwatch.sample_site import free_port

    seed(db)
    down = deliver_due(config_for(db, free_port()), engine_for(db), now=NOW)
    assert down.messages == 0 and len(down.failures) == 1 and "a@x.org" in down.failures[0]
    assert mail_capture.messages() == []
    # Retried with backoff: not before the retry time, then once.
    early = deliver_due(config_for(db, mail_capture.port), engine_for(db), now=NOW)
    assert early.messages == 0 and early.waiting == 1
    later = NOW + timedelta(minutes=2)
    up = deliver_due(config_for(db, mail_capture.port), engine_for(db), now=later)
    assert up.messages == 1 and up.failures == []
    again = deliver_due(config_for(db, mail_capture.port), engine_for(db), now=later)
    assert again.messages == 0
    [message] = mail_capture.messages()
    assert message["Message-ID"].startswith("<claimwatch.")
    assert "\n" not in message["Subject"] and "Bcc" not in message.keys()
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;it was" in html
    text = message.get_body(("plain",)).get_content()
    assert "claimwatch conflicts dismiss 1 --reason" in text and "Timeline of" in text


def test_crash_between_send_and_mark_resends_the_same_message(db, mail_capture, monkeypatch):
    seed(db)
    original = repository.mark_alerts

    def crash(**kwargs):
        raise KeyboardInterrupt("process killed after the SMTP server accepted the message")

    monkeypatch.setattr(repository, "mark_alerts", crash)
    with pytest.raises(KeyboardInterrupt):
        deliver_due(config_for(db, mail_capture.port), engine_for(db), now=NOW)
    monkeypatch.setattr(repository, "mark_alerts", original)
    seed(db)  # a new alert arrives before the next run: it must not change the lost message
    report = deliver_due(config_for(db, mail_capture.port), engine_for(db), now=NOW)
    assert report.messages == 2
    first, resent, new = mail_capture.messages()
    assert first["Message-ID"] == resent["Message-ID"] != new["Message-ID"]
    assert first.get_body(("plain",)).get_content() == resent.get_body(("plain",)).get_content()


def test_one_email_per_recipient_groups_conflicts_by_proposition(db, mail_capture):
    seed(db, conflicts=3)
    report = deliver_due(config_for(db, mail_capture.port), engine_for(db), now=NOW)
    assert report.messages == 1 and report.alerts == 3
    [message] = mail_capture.messages()
    text = message.get_body(("plain",)).get_content()
    assert text.count("== Evil") == 2 and text.count("[contradiction]") == 3
    assert message["Subject"].startswith("[claimwatch] 3 new conflicts: Evil")


def test_digests_wait_for_their_day_and_are_marked_historical(db, mail_capture):
    seed(db, mode="digest", historical=True)
    config = config_for(db, mail_capture.port)
    assert deliver_due(config, engine_for(db), now=NOW).messages == 0  # not a digest run
    assert deliver_due(config, engine_for(db), now=NOW, include_digests=True).messages == 1
    seed(db, mode="digest", historical=True)
    soon = NOW + timedelta(hours=3)
    assert deliver_due(config, engine_for(db), now=soon, include_digests=True).messages == 0
    next_day = NOW + timedelta(days=1, minutes=1)
    assert deliver_due(config, engine_for(db), now=next_day, include_digests=True).messages == 1
    subjects = [m["Subject"] for m in mail_capture.messages()]
    assert all(s.startswith("[claimwatch] digest: 1 new conflict (historical)") for s in subjects)


def test_dismissed_conflicts_are_never_sent(db, mail_capture):
    [conflict_id] = seed(db)
    with Session(engine_for(db)) as session:
        repository.dismiss_conflict(session=session, conflict_id=conflict_id,
                                    reason="same event, different wording")
    report = deliver_due(config_for(db, mail_capture.port), engine_for(db), now=NOW)
    assert report.messages == 0 and mail_capture.messages() == []
    with Session(engine_for(db)) as session:
        assert session.exec(select(Alert)).one().sent_at is not None  # settled, not pending


def test_rendered_subject_strips_control_characters():
    groups = [{"proposition": "a\r\nb\x00c", "conflicts": [], "timeline": []}]
    subject, _, _ = render(groups, digest=False, historical=False)
    assert subject == "[claimwatch] 0 new conflicts: a b c"


def test_subject_is_capped_at_200_characters_keeping_the_count_and_the_rest():
    groups = [{"proposition": "x\x85y " * 200, "conflicts": [{}], "timeline": []},
              {"proposition": "b", "conflicts": [{}], "timeline": []}]
    subject = subject_for(groups, digest=False, historical=False)
    assert 190 < len(subject) <= 200 and "\x85" not in subject
    assert subject.startswith("[claimwatch] 2 new conflicts: x y x y")
    assert subject.endswith("… and 1 more")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.hrefs += [value for name, value in attrs if name == "href"]


@pytest.mark.parametrize("title", ['<a href="javascript:alert(document.cookie)">read</a>',
                                   "<a href=http://evil.example/>click</a>",
                                   "<img src=x onerror=alert(1)>",
                                   '"><a href="http://evil.example/">x</a>'])
def test_links_in_titles_are_inert_and_only_our_source_links_are_live(db, mail_capture, title):
    # One side's stored URL is not a web address at all: shown, never made a link.
    seed(db, title=title, article_url="http://news.example/{key}")
    seed(db, title=title, article_url="javascript:alert('{key}')")
    report = deliver_due(config_for(db, mail_capture.port), engine_for(db), now=NOW)
    assert report.messages == 1
    [message] = mail_capture.messages()
    html = message.get_body(("html",)).get_content()
    links = _Links()
    links.feed(html)
    assert links.hrefs and all(h.startswith("http://news.example/") for h in links.hrefs)
    assert not links.tags & {"img", "script"}
    assert "javascript:alert(&#39;" in html  # the bad URL is shown, escaped, as text
    assert title not in html and "http://news.example/" in message.get_body(("plain",)).get_content()


def write_config(tmp_path, url: str, port: int, **alerts) -> str:
    path = tmp_path / "claimwatch.yaml"
    path.write_text(json.dumps({"database_url": url, "alerts": {
        "smtp": {"host": "127.0.0.1", "port": port}, "recipients": [{"email": "a@x.org"}],
        **alerts}}), encoding="utf-8")
    return str(path)


def test_delivery_gives_up_after_a_day_reports_it_and_can_be_retried(db, tmp_path, mail_capture):
    from typer.testing import CliRunner

    from claimwatch.cli import app
    from claimwatch.sample_site import free_port

    [conflict_id] = seed(db)
    down = config_for(db, free_port())
    attempts, moment = [], NOW
    # Retried whenever due, as the deliver-alerts deployment would, through a day of outage.
    while moment < NOW + timedelta(hours=30):
        report = deliver_due(down, engine_for(db), now=moment)
        if report.failures:
            attempts.append(moment)
        if report.gave_up:
            break
        moment += timedelta(minutes=1)
    assert report.gave_up and f"#{conflict_id}" in report.gave_up[0]
    assert "a@x.org" in report.gave_up[0] and "claimwatch alerts retry" in report.gave_up[0]
    assert timedelta(hours=24) <= attempts[-1] - attempts[0] < timedelta(hours=25)
    gaps = [b - a for a, b in zip(attempts, attempts[1:], strict=False)]
    assert gaps[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]
    assert max(gaps) == timedelta(hours=1)  # backoff is capped: retried hourly through the day
    with Session(engine_for(db)) as session:
        alert = session.exec(select(Alert)).one()
        assert alert.sent_at is None and alert.failed_at == moment
        assert alert.attempts == len(attempts) and alert.last_error
    # Given up means no more prompt tries: for the next day nothing is attempted, even once
    # the server is back...
    up = config_for(db, mail_capture.port)
    assert deliver_due(up, engine_for(db), now=moment + timedelta(hours=23)).messages == 0
    assert mail_capture.messages() == []
    # ...but never silently: `claimwatch alerts status` lists it and exits 1.
    config = write_config(tmp_path, db, mail_capture.port)
    status = CliRunner().invoke(app, ["alerts", "status", "--config", config])
    assert status.exit_code == 1, status.output
    assert f"alert #{alert.id} (conflict #{conflict_id}) to a@x.org" in status.output
    assert "given up 1" in status.output
    as_json = json.loads(CliRunner().invoke(app, ["alerts", "status", "--json", "--config",
                                                  config]).stdout)
    assert as_json["failed"] == 1 and as_json["failed_alerts"][0]["attempts"] == len(attempts)
    retried = CliRunner().invoke(app, ["alerts", "retry", "--config", config])
    assert retried.exit_code == 0 and f"#{alert.id}" in retried.output
    assert deliver_due(up, engine_for(db), now=moment + timedelta(hours=23)).messages == 1
    assert deliver_due(up, engine_for(db), now=moment + timedelta(days=3)).messages == 0
    assert len(mail_capture.messages()) == 1
    status = CliRunner().invoke(app, ["alerts", "status", "--config", config])
    assert status.exit_code == 0 and "sent 1, due 0, waiting for a retry 0, given up 0" in status.output


def test_a_machine_that_was_off_still_tries_several_times_before_giving_up(db, mail_capture):
    from claimwatch.sample_site import free_port

    seed(db)
    down = config_for(db, free_port())
    # Runs a day and more apart: the day has passed, but not enough attempts yet.
    for n in range(4):
        report = deliver_due(down, engine_for(db), now=NOW + timedelta(days=2 * n))
        assert report.failures and not report.gave_up
    report = deliver_due(down, engine_for(db), now=NOW + timedelta(days=8))
    assert report.gave_up and "after 5 attempts" in report.gave_up[0]
    # Marked failed is not dropped: the daily try sends it once the server is back, by itself.
    up = config_for(db, mail_capture.port)
    assert deliver_due(up, engine_for(db), now=NOW + timedelta(days=8, hours=12)).messages == 0
    assert deliver_due(up, engine_for(db), now=NOW + timedelta(days=9)).messages == 1
    with Session(engine_for(db)) as session:
        alert = session.exec(select(Alert)).one()
    assert alert.sent_at is not None and alert.failed_at is None
    assert len(mail_capture.messages()) == 1


def test_give_up_time_is_configurable(db):
    from claimwatch.sample_site import free_port

    seed(db)
    down = config_for(db, free_port())
    down.alerts.give_up_after_hours = 0.5
    moments = [NOW + timedelta(minutes=m) for m in (0, 1, 3, 7, 15, 31)]
    reports = [deliver_due(down, engine_for(db), now=m) for m in moments]
    assert [bool(r.gave_up) for r in reports] == [False] * 4 + [False, True]


def test_a_digest_that_failed_is_retried_by_the_next_delivery_run_not_the_next_day(db, mail_capture):
    from claimwatch.sample_site import free_port

    seed(db, mode="digest", historical=True)
    failed = deliver_due(config_for(db, free_port()), engine_for(db), now=NOW, include_digests=True)
    assert failed.messages == 0 and failed.failures
    # The deliver-alerts deployment (immediate mode, every few minutes) picks it up.
    retry = deliver_due(config_for(db, mail_capture.port), engine_for(db),
                        now=NOW + timedelta(minutes=1))
    assert retry.messages == 1
    [message] = mail_capture.messages()
    assert message["Subject"].startswith("[claimwatch] digest: 1 new conflict (historical)")
