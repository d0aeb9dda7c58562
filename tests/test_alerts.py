"""The outbox against a real SMTP server: exactly-once delivery, outages, hostile text."""

from __future__ import annotations

from datetime import date, datetime, timezone

from sqlmodel import Session

from alerts import deliver_due
from alerts.render import render
from claimwatch.config import Config
from storage import repository
from storage.db import engine_for
from storage.models import Article, Statement

HOSTILE = 'Evil <script>alert(1)</script>\r\nBcc: victim@example.org'


def seed(url: str) -> None:
    """Two contradicting statements, one conflict and one alert, with a hostile title."""
    engine = engine_for(url)
    with Session(engine) as session:
        ids = []
        for n, (speaker, text) in enumerate([("A", "it was used"), ("B", "it was not used")]):
            article = Article(source_id="s", url=f"http://x.org/{n}", title=HOSTILE,
                              fetched_at=datetime.now(timezone.utc), text=text + str(n),
                              fingerprint=str(n))
            session.add(article)
            session.flush()
            statement = Statement(article_id=article.id, speaker_name=speaker,
                                  speaker_surface=speaker, text=f"<b>{text}</b>",
                                  sentence=text, start=0, end=5, said_on=date(2021, 3, n + 1))
            session.add(statement)
            session.flush()
            ids.append(statement.id)
        conflict_id, _ = repository.add_conflict(
            session=session, kind="contradiction", proposition=HOSTILE, statement_id=ids[1],
            other_statement_id=ids[0], explanation="B denies what A affirmed.")
        repository.add_alert(session=session, conflict_id=conflict_id, recipient="a@x.org",
                             mode="immediate")
        session.commit()


def config_for(url: str, port: int) -> Config:
    return Config.model_validate({
        "database_url": url,
        "alerts": {"smtp": {"host": "127.0.0.1", "port": port},
                   "recipients": [{"email": "a@x.org"}]}})


def test_smtp_outage_loses_nothing_and_sends_once(tmp_path, mail_capture):
    from claimwatch.sample_site import free_port

    url = f"sqlite:///{tmp_path / 'a.db'}"
    seed(url)
    down = deliver_due(config_for(url, free_port()), engine_for(url))
    assert down.messages == 0 and len(down.failures) == 1 and "a@x.org" in down.failures[0]
    assert mail_capture.messages() == []
    up = deliver_due(config_for(url, mail_capture.port), engine_for(url))
    assert up.messages == 1 and up.failures == []
    again = deliver_due(config_for(url, mail_capture.port), engine_for(url))
    assert again.messages == 0
    [message] = mail_capture.messages()
    assert message["Message-ID"].startswith("<claimwatch.")
    assert "\n" not in message["Subject"] and "Bcc" not in message.keys()
    html = message.get_body(("html",)).get_content()
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;it was" in html


def test_rendered_subject_strips_control_characters():
    groups = [{"proposition": "a\r\nb\x00c", "conflicts": []}]
    subject, _, _ = render(groups, digest=False, historical=False)
    assert subject == "[claimwatch] 0 new conflicts: a b c"
