"""Conflicts over stored articles: propositions, kinds, support, republications, recipients,
history, dismissal. Real detection and a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update
from sqlmodel import Session, select
from typer.testing import CliRunner

from alerts import deliver_due
from claimwatch.analysis import analyse_all_pending
from claimwatch.cli import app
from claimwatch.config import Config
from claimwatch.exports import export_rows
from detection.conflicts import MEANINGS, ClaimRecord, compare
from storage import repository
from storage.db import engine_for
from storage.models import Alert, Article, Claim, Conflict, Statement, Support

WATCHLIST = [
    {"id": "shahed", "kind": "weapon", "name": "Shahed-136", "aliases": ["Shahed", "Шахед"]},
    {"id": "s-300", "kind": "weapon", "name": "S-300", "aliases": ["S-300", "С-300"]},
    {"id": "iran", "kind": "actor", "name": "Iran", "aliases": ["Iran", "Iranian"]},
    {"id": "russia", "kind": "actor", "name": "Russia", "aliases": ["Russia", "Russian forces",
                                                                    "Россия"]},
    {"id": "iran-mfa", "kind": "actor", "name": "Iranian Foreign Ministry",
     "aliases": ["Iranian Foreign Ministry"], "member_of": "iran"},
    {"id": "kanaani", "kind": "actor", "name": "Nasser Kanaani", "aliases": ["Kanaani"],
     "member_of": "iran-mfa"},
    {"id": "kirby", "kind": "actor", "name": "John Kirby", "aliases": ["Kirby"]},
    {"id": "ignat", "kind": "actor", "name": "Yuriy Ihnat", "aliases": ["Ihnat", "Игнат"]},
    {"id": "iskander", "kind": "weapon", "name": "9K720 Iskander", "aliases": ["Iskander",
                                                                             "Искандер"]},
    {"id": "armenia", "kind": "actor", "name": "Armenia",
     "aliases": ["Armenia", "Armenian forces", "армянские военные"]},
]


def config(url: str, recipients: list[dict] | None = None, smtp_port: int = 25) -> Config:
    return Config.model_validate({
        "database_url": url, "watchlist": WATCHLIST,
        "alerts": {"smtp": {"host": "127.0.0.1", "port": smtp_port},
                   "recipients": recipients if recipients is not None else [
            {"email": "drones@x.org", "watch": ["shahed"]},
            {"email": "air@x.org", "watch": ["s-300"]}]}})


def publish(url: str, path: str, text: str, day: int, source: str = "wire",
            origin: str = "monitor") -> None:
    with Session(engine_for(url)) as session:
        repository.store_article(session=session, source_id=source, url=f"http://n.org/{path}",
                                 title=path, language="en", text=text, origin=origin,
                                 published_at=datetime(2022, 10, day, tzinfo=timezone.utc))


def conflicts(url: str) -> list[dict]:
    with Session(engine_for(url)) as session:
        return export_rows("conflicts", session=session)


def voices(url: str) -> list[tuple[str, str]]:
    """(new speaker, earlier speaker) of each conflict, sorted."""
    return sorted((c["statement"]["speaker"]["id"], c["conflicts_with"]["speaker"]["id"])
                  for c in conflicts(url))


def test_contradiction_support_and_recipient_filters(database_url):
    cfg = config(database_url)
    publish(database_url, "a", "Kirby said that Iran supplied Shahed drones to Russia.", 1)
    publish(database_url, "b", "Ihnat said Iran delivered Shahed drones to Russia.", 2)
    publish(database_url, "c", "Kanaani denied that Iran supplied Shahed drones to Russia.", 3)
    report = analyse_all_pending(cfg, engine_for(database_url))
    found = conflicts(database_url)
    assert report.conflicts == 2 and report.supports == 1
    assert {(c["statement"]["speaker"]["id"], c["conflicts_with"]["speaker"]["id"])
            for c in found} == {("kanaani", "kirby"), ("kanaani", "ignat")}
    assert {c["proposition"] for c in found} == {"iran supply shahed"}  # ministry → state
    assert found[0]["statement"]["institution"] == "Iranian Foreign Ministry"
    with Session(engine_for(database_url)) as session:
        assert len(session.exec(select(Support)).all()) == 1
        alerts = session.exec(select(Alert)).all()
    assert {a.recipient for a in alerts} == {"drones@x.org"}  # air@x.org watches S-300 only
    assert all(a.mode == "immediate" and not a.historical for a in alerts)


def test_reversal_and_quantity(database_url):
    cfg = config(database_url)
    publish(database_url, "a", "Ihnat said Russian forces launched five Shahed drones.", 1)
    publish(database_url, "b", "Kirby said Russian forces launched twelve Shahed drones.", 2)
    publish(database_url, "c", "Ihnat said Russian forces never launched Shahed drones.", 3)
    analyse_all_pending(cfg, engine_for(database_url))
    kinds = {(c["kind"], c["statement"]["speaker"]["id"], c["conflicts_with"]["speaker"]["id"])
             for c in conflicts(database_url)}
    assert kinds == {("quantity", "kirby", "ignat"), ("reversal", "ignat", "ignat"),
                     ("contradiction", "ignat", "kirby")}
    reversal = next(c for c in conflicts(database_url) if c["kind"] == "reversal")
    assert "same voice changed position" in reversal["explanation"]


def test_a_republished_statement_is_one_statement_with_several_sources(database_url):
    cfg = config(database_url)
    publish(database_url, "a", "Kirby said that Iran supplied Shahed drones to Russia.", 1)
    publish(database_url, "b", "Kanaani denied that Iran supplied Shahed drones to Russia.", 2)
    # Another outlet prints the denial with its own framing: same speaker, same words.
    publish(database_url, "c", "Tehran answered quickly. Kanaani denied that Iran supplied "
            "Shahed drones to Russia.", 4, source="other")
    analyse_all_pending(cfg, engine_for(database_url))
    [conflict] = conflicts(database_url)
    sources = conflict["statement"]["sources"]
    assert [s["source"] for s in sources] == ["wire", "other"]
    with Session(engine_for(database_url)) as session:
        copies = session.exec(select(Statement).where(Statement.republished_of.is_not(None)))
        assert len(copies.all()) == 1


def test_backfilled_conflicts_go_to_historical_digests(database_url):
    cfg = config(database_url, [{"email": "now@x.org", "mode": "immediate"}])
    publish(database_url, "a", "Kirby said that Iran supplied Shahed drones to Russia.", 1)
    publish(database_url, "b", "Kanaani denied that Iran supplied Shahed drones to Russia.", 2)
    analyse_all_pending(cfg, engine_for(database_url), historical=True)
    with Session(engine_for(database_url)) as session:
        [alert] = session.exec(select(Alert)).all()
    assert (alert.mode, alert.historical) == ("digest", True)


def test_dismissed_conflict_stays_in_exports_and_is_not_raised_again(database_url, tmp_path):
    path = tmp_path / "cw.yaml"
    cfg = config(database_url)
    path.write_text(json.dumps(cfg.model_dump()), encoding="utf-8")
    publish(database_url, "a", "Kirby said that Iran supplied Shahed drones to Russia.", 1)
    publish(database_url, "b", "Kanaani denied that Iran supplied Shahed drones to Russia.", 2)
    analyse_all_pending(cfg, engine_for(database_url))
    [conflict] = conflicts(database_url)
    runner = CliRunner()
    result = runner.invoke(app, ["conflicts", "dismiss", str(conflict["id"]), "--reason",
                                 "different deliveries", "--config", str(path)])
    assert result.exit_code == 0, result.output
    missing = runner.invoke(app, ["conflicts", "dismiss", "999", "--reason", "x",
                                  "--config", str(path)])
    assert missing.exit_code == 1
    with Session(engine_for(database_url)) as session:  # the same article seen again
        for row in session.exec(select(Statement)).all():
            repository.mark_detected(session=session, article_id=row.article_id)
        session.commit()
    analyse_all_pending(cfg, engine_for(database_url))
    [again] = conflicts(database_url)
    assert again["dismissed"] == "different deliveries" and again["id"] == conflict["id"]
    with Session(engine_for(database_url)) as session:
        assert len(session.exec(select(Conflict)).all()) == 1
    shown = runner.invoke(app, ["conflicts", "show", str(conflict["id"]), "--config", str(path)])
    timeline = json.loads(shown.stdout)["timeline"]
    assert [t["polarity"] for t in timeline] == ["affirm", "deny"]


def test_history_is_decided_per_article_whichever_run_analyses_it(database_url):
    cfg = config(database_url, [{"email": "now@x.org", "mode": "immediate"}])
    publish(database_url, "old", "Kirby said that Iran supplied Shahed drones to Russia.", 1,
            origin="backfill")
    publish(database_url, "b", "Kanaani denied that Iran supplied Shahed drones to Russia.", 2)
    publish(database_url, "c", "Ihnat said that Iran supplied Shahed drones to Russia.", 3)
    publish(database_url, "old2", "Kirby said again that Iran never supplied Shahed drones to "
            "Russia.", 4, origin="backfill")
    analyse_all_pending(cfg, engine_for(database_url))  # one pass over both kinds
    with Session(engine_for(database_url)) as session:
        alerts = session.exec(select(Alert, Conflict).join(
            Conflict, Alert.conflict_id == Conflict.id)).all()
        modes = {}
        for alert, conflict in alerts:
            new = session.get(Statement, conflict.statement_id)
            modes[new.article_id] = (alert.mode, alert.historical)
    by_url = {}
    with Session(engine_for(database_url)) as session:
        for article in session.exec(select(Article)).all():
            if article.id in modes:
                by_url[article.url.rsplit("/", 1)[1]] = modes[article.id]
    # Live articles alert now, the backfilled one goes to a historical digest.
    assert by_url == {"b": ("immediate", False), "c": ("immediate", False),
                      "old2": ("digest", True)}


def test_a_place_conflict_is_stored_once_and_mailed_with_its_explanation(database_url,
                                                                         mail_capture):
    cfg = config(database_url, smtp_port=mail_capture.port)
    publish(database_url, "a", "Ihnat said Russian forces launched Shahed drones only over the "
            "Kharkiv region.", 1)
    # Kharkiv lies within the Kharkiv region: no conflict, whatever the exclusivity.
    publish(database_url, "b", "Kirby said Russian forces launched Shahed drones at Kharkiv.", 2)
    # Odesa lies outside it; Odesa against Kharkiv, neither exclusive, can both be true.
    publish(database_url, "c", "Kanaani said that Russian forces launched Shahed drones at Odesa.",
            3)
    engine = engine_for(database_url)
    report = analyse_all_pending(cfg, engine)
    assert report.conflicts == 1 and report.alerts == 1
    with Session(engine) as session:  # the same articles analysed again
        session.exec(update(Article).values(detected_at=None))
        session.commit()
    assert analyse_all_pending(cfg, engine).conflicts == 0
    [conflict] = conflicts(database_url)
    assert (conflict["kind"], conflict["statement"]["speaker"]["id"],
            conflict["conflicts_with"]["speaker"]["id"]) == ("place", "kanaani", "ignat")
    assert conflict["explanation"] == (
        "Yuriy Ihnat (wire) on 2022-10-01 says 'russia use shahed' happened only in Kharkiv "
        "region; Nasser Kanaani (wire) on 2022-10-03 says it happened in Odesa, which lies "
        "outside Kharkiv region.")
    claim = conflict["conflicts_with"]["claims"][0]
    assert (claim["place"], claim["place_id"], claim["place_scope"]) == (
        "Kharkiv region", "kharkiv-oblast", "only")
    with Session(engine) as session:
        assert len(session.exec(select(Conflict)).all()) == 1
        assert len(session.exec(select(Alert)).all()) == 1
    sent = deliver_due(cfg, engine)
    assert sent.messages == 1 and deliver_due(cfg, engine).messages == 0
    [message] = mail_capture.messages()
    assert message["Subject"] == "[claimwatch] 1 new conflict: russia use shahed"
    for body in (message.get_body(("plain",)).get_content(),
                 message.get_body(("html",)).get_content().replace("&#39;", "'")):
        assert conflict["explanation"] in body and MEANINGS["place"] in body
        assert "Kharkiv region" in body and "Odesa" in body


def test_a_place_never_conflicts_with_the_region_it_lies_in(database_url):
    cfg = config(database_url, [])
    publish(database_url, "a", "Kirby said Armenian forces fired Iskander missiles only in "
            "Nagorno-Karabakh.", 1)
    publish(database_url, "b", "Ihnat said Armenian forces fired Iskander missiles at Shusha.", 2)
    publish(database_url, "c", "Kanaani said Armenian forces fired Iskander missiles only at "
            "Shusha.", 3)
    publish(database_url, "d", "Игнат заявил, что армянские военные применяли «Искандеры» в "
            "Нагорном Карабахе.", 4)
    report = analyse_all_pending(cfg, engine_for(database_url))
    assert report.conflicts == 0 and report.supports >= 3
    with Session(engine_for(database_url)) as session:
        places = {c.place_id for c in session.exec(select(Claim)).all()}
    assert places == {"nagorno-karabakh", "shusha"}


def test_a_time_conflict_through_the_pipeline(database_url):
    cfg = config(database_url, [{"email": "drones@x.org", "watch": ["shahed"]}])
    publish(database_url, "a", "Игнат заявил, что Россия запускала «Шахеды» только в октябре "
            "2022 года.", 1)
    publish(database_url, "b", "Kirby said Russian forces launched Shahed drones on "
            "10 October 2022.", 2)
    publish(database_url, "c", "Kanaani said Russian forces launched Shahed drones on "
            "5 November 2022.", 3)
    report = analyse_all_pending(cfg, engine_for(database_url))
    [conflict] = conflicts(database_url)
    assert report.conflicts == 1 and conflict["kind"] == "time"
    assert (conflict["statement"]["speaker"]["id"], conflict["conflicts_with"]["speaker"]["id"]) \
        == ("kanaani", "ignat")
    assert "outside that period" in conflict["explanation"]
    claim = conflict["conflicts_with"]["claims"][0]
    assert (claim["time"], claim["time_start"], claim["time_end"], claim["time_scope"]) == (
        "в октябре 2022 года", "2022-10-01", "2022-10-31", "only")


@pytest.mark.parametrize("setting", ["digest", "record"])
def test_historical_setting_digests_or_only_records_backfilled_conflicts(database_url, setting,
                                                                         mail_capture):
    """alerts.historical: `digest` (the default) e-mails backfilled conflicts in a digest
    marked historical; `record` stores and exports them but never e-mails them. Conflicts
    found in live articles alert immediately either way."""
    from alerts import deliver_due

    cfg = config(database_url, [{"email": "now@x.org", "mode": "immediate"}])
    if setting == "record":
        cfg = Config.model_validate({**cfg.model_dump(), "alerts": {
            **cfg.alerts.model_dump(), "historical": "record"}})
    assert cfg.alerts.historical == setting
    cfg.alerts.smtp.host, cfg.alerts.smtp.port = "127.0.0.1", mail_capture.port
    for name, text, day in (("old-a", "Kirby said that Iran supplied Shahed drones to Russia.", 1),
                            ("old-b", "Kanaani denied that Iran supplied Shahed drones to Russia.", 2)):
        publish(database_url, name, text, day, origin="backfill")
    publish(database_url, "live", "Ihnat denied that Iran supplied Shahed drones to Russia.", 3)
    report = analyse_all_pending(cfg, engine_for(database_url))
    # Recorded and exported the same under both settings: history's conflict and the live one.
    assert report.conflicts == 2
    pairs = sorted((c["statement"]["article_url"].rsplit("/", 1)[1],
                    c["conflicts_with"]["article_url"].rsplit("/", 1)[1])
                   for c in conflicts(database_url))
    assert pairs == [("live", "old-a"), ("old-b", "old-a")]
    with Session(engine_for(database_url)) as session:
        alerts = sorted((a.mode, a.historical) for a in session.exec(select(Alert)).all())
    later = datetime.now(timezone.utc) + timedelta(days=2)
    deliver_due(cfg, engine_for(database_url), now=later, include_digests=True)
    kinds = sorted(m["Subject"].split(":")[0] for m in mail_capture.messages())
    if setting == "digest":
        assert alerts == [("digest", True), ("immediate", False)]
        assert kinds == ["[claimwatch] 1 new conflict", "[claimwatch] digest"]
    else:
        assert alerts == [("immediate", False)]
        assert kinds == ["[claimwatch] 1 new conflict"]


def test_historical_setting_accepts_only_digest_or_record(tmp_path):
    from claimwatch.config import ConfigError, load_config

    path = tmp_path / "cw.yaml"
    path.write_text("alerts:\n  historical: email\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert refused.value.problems == ["alerts.historical: must be one of 'digest' or 'record'"]


def test_an_agentless_denial_meets_every_agents_affirmation_and_only_that(database_url):
    cfg = config(database_url, recipients=[])
    publish(database_url, "a", "Kirby said that Armenian forces fired Iskander missiles.", 1)
    publish(database_url, "b", "Ihnat said Russian forces launched Iskander missiles.", 2)
    publish(database_url, "c", "Kanaani said that not a single Iskander was used in the war.", 3)
    # Someone fired them, says the last: no conflict with a named agent's denial.
    publish(database_url, "d", "Ihnat said Armenian forces never fired Iskander missiles.", 4)
    analyse_all_pending(cfg, engine_for(database_url))
    found = {(c["statement"]["speaker"]["id"], c["conflicts_with"]["speaker"]["id"],
              c["proposition"], c["kind"]) for c in conflicts(database_url)}
    assert ("kanaani", "kirby", "armenia use iskander", "contradiction") in found
    assert ("kanaani", "ignat", "russia use iskander", "contradiction") in found
    assert ("ignat", "kirby", "armenia use iskander", "contradiction") in found
    # A named agent's denial meets the affirmations of that agent only.
    assert not any({"ignat"} == {x[0]} and x[2] == "russia use iskander" for x in found)
    assert len(found) == 3
    pairs = {frozenset((c["statement"]["article_url"], c["conflicts_with"]["article_url"]))
             for c in conflicts(database_url)}
    assert len(pairs) == 3, "one conflict per pair of statements"
    with Session(engine_for(database_url)) as session:
        subjects = {c.subject for c in session.exec(select(Claim)).all()}
    assert "anyone" in subjects


def test_an_agentless_affirmation_meets_only_a_denial_that_nobody_did_it(database_url):
    cfg = config(database_url, recipients=[])
    publish(database_url, "a", "Ihnat said Armenian forces never fired Iskander missiles.", 1)
    publish(database_url, "b", "Kanaani said that not a single Iskander was used in the war.", 2)
    # Someone fired them: against "nobody did", not against "Armenia did not".
    publish(database_url, "c", "Kirby said that Iskander missiles were fired at the town.", 3)
    analyse_all_pending(cfg, engine_for(database_url))
    found = {(c["statement"]["speaker"]["id"], c["conflicts_with"]["speaker"]["id"],
              c["proposition"]) for c in conflicts(database_url)}
    assert found == {("kirby", "kanaani", "anyone use iskander")}


@pytest.mark.parametrize("order", ["denial last", "denial first"])
def test_a_denial_of_any_weapon_covers_each_weapon(database_url, order):
    cfg = config(database_url, recipients=[])
    texts = ["Kirby said that Iran supplied Shahed drones to Russia.",
             "Kanaani said Iran does not provide weapons to Russia."]
    if order == "denial first":
        texts.reverse()
    for day, text in enumerate(texts, 1):
        publish(database_url, "ab"[day - 1], text, day)
    # Using weapons is another predicate: no conflict with a denial of supplying them.
    publish(database_url, "c", "Ihnat said Russian forces used Shahed drones.", 3)
    analyse_all_pending(cfg, engine_for(database_url))
    assert voices(database_url) == (
        [("kanaani", "kirby")] if order == "denial last" else [("kirby", "kanaani")])


def test_a_voice_restating_its_position_is_the_same_dispute_whoever_it_names(database_url):
    cfg = config(database_url, recipients=[])
    publish(database_url, "a", "Kirby said that Armenian forces fired Iskander missiles.", 1)
    publish(database_url, "b", "Kanaani said that not a single Iskander was used in the war.", 2)
    # Kirby again, in another outlet and without naming who fired: the same dispute.
    publish(database_url, "c", "Kirby said Iskander missiles were fired at the town.", 3)
    # A new voice is a new dispute.
    publish(database_url, "d", "Ihnat said Iskander missiles were fired at the town.", 4)
    analyse_all_pending(cfg, engine_for(database_url))
    assert voices(database_url) == [("ignat", "kanaani"), ("kanaani", "kirby")]


def test_running_totals_of_losses_conflict_only_when_one_cannot_follow_the_other(database_url):
    watchlist = [
        {"id": "russia", "kind": "actor", "name": "Russia", "aliases": ["Russia", "Russian"]},
        {"id": "georgia", "kind": "actor", "name": "Georgia", "aliases": ["Georgia", "Georgian"]},
        {"id": "petrov", "kind": "actor", "name": "Oleg Petrov", "aliases": ["Petrov"],
         "member_of": "russia"},
        {"id": "beridze", "kind": "actor", "name": "Nika Beridze", "aliases": ["Beridze"],
         "member_of": "georgia"},
    ]
    cfg = Config.model_validate({"database_url": database_url, "watchlist": watchlist})
    publish(database_url, "a", "Beridze said Georgian gunners shot down four Russian jets.", 1)
    # Three days on, a larger total: the count grew, nobody is contradicted.
    publish(database_url, "b", "Beridze said Georgian gunners shot down 21 Russian aircraft.", 4)
    # Later still, a smaller total from the other side: that contradicts the 21.
    publish(database_url, "c", "Petrov said Russia lost four aircraft in all.", 6)
    publish(database_url, "d", "Petrov said Russia lost no aircraft.", 7)
    analyse_all_pending(cfg, engine_for(database_url))
    found = {(c["kind"], c["statement"]["article_url"][-1], c["conflicts_with"]["article_url"][-1])
             for c in conflicts(database_url)}
    assert found == {("quantity", "c", "b"), ("contradiction", "d", "a"),
                     ("contradiction", "d", "b"), ("reversal", "d", "c")}
    assert {c["proposition"] for c in conflicts(database_url)} == {"russia lose aircraft"}


def test_a_denial_of_a_whole_class_covers_each_weapon_of_it(database_url):
    watchlist = [
        {"id": "syria", "kind": "actor", "name": "Syria", "aliases": ["Syria", "Damascus"]},
        {"id": "haddad", "kind": "actor", "name": "Rami Haddad", "aliases": ["Haddad"],
         "member_of": "syria"},
        {"id": "moore", "kind": "actor", "name": "Ellen Moore", "aliases": ["Moore"]},
        {"id": "sarin", "kind": "weapon", "name": "sarin", "aliases": ["sarin"],
         "class": "chemical-agent"},
        {"id": "chlorine", "kind": "weapon", "name": "chlorine", "aliases": ["chlorine"],
         "class": "chemical-agent"},
    ]
    cfg = Config.model_validate({"database_url": database_url, "watchlist": watchlist})
    publish(database_url, "a", "Moore said that Syria used sarin against the town.", 1)
    publish(database_url, "b", "Haddad said Damascus has never used chemical weapons.", 2)
    # Denying one agent says nothing of another: not using chlorine is not a class denial.
    publish(database_url, "c", "Moore said that Syria did not use chlorine there.", 3)
    publish(database_url, "d", "Moore said that Syria used chemical weapons in the town.", 4)
    analyse_all_pending(cfg, engine_for(database_url))
    found = {(c["kind"], c["proposition"], c["statement"]["article_url"][-1],
              c["conflicts_with"]["article_url"][-1]) for c in conflicts(database_url)}
    assert found == {("contradiction", "syria use sarin", "b", "a"),
                     ("contradiction", "syria use chemical-agent", "d", "b")}


def record(statement_id: int, proposition: str, polarity: str, said_on: date,
           quantity: int | None = None, day: date | None = None) -> ClaimRecord:
    """A recorded claim for compare(): its speaker is named after its statement."""
    return ClaimRecord(statement_id, f"s{statement_id}", "X", None, proposition, polarity,
                       quantity, None, said_on, time_start=day, time_end=day)


def test_a_count_for_a_period_is_not_compared_with_one_that_names_none():
    def count(statement_id: int, quantity: int, day: date | None) -> ClaimRecord:
        return record(statement_id, "gna intercept pantsir", "affirm", date(2020, 5, 20),
                      quantity, day)

    sunday = date(2020, 5, 17)
    assert compare(count(1, 3, sunday), count(2, 9, None)) is None
    assert compare(count(1, 3, sunday), count(2, 1, sunday)).kind == "quantity"
    assert compare(count(1, 3, None), count(2, 1, None)).kind == "quantity"


def test_a_claim_with_no_time_is_not_about_a_day_after_it_was_made():
    said_2017 = record(1, "syria use sarin", "affirm", date(2017, 10, 26))
    day_2018 = record(2, "syria use sarin", "deny", date(2018, 4, 10), day=date(2018, 4, 7))
    assert compare(day_2018, said_2017) is None
    # The same denial of a day before the affirmation was made contradicts it.
    day_2017 = record(3, "syria use sarin", "deny", date(2017, 4, 6), day=date(2017, 4, 4))
    assert compare(day_2017, said_2017).kind == "contradiction"


def test_one_speaker_saying_it_twice_in_an_article_is_one_dispute_with_an_earlier_voice(
        database_url):
    cfg = config(database_url, recipients=[])
    publish(database_url, "a", "Kirby said that Armenian forces fired Iskander missiles.", 1)
    publish(database_url, "b", "Kanaani said that not a single Iskander was used in the war.\n"
                               "Kanaani said Armenian forces never fired Iskander missiles.", 2)
    analyse_all_pending(cfg, engine_for(database_url))
    found = conflicts(database_url)
    assert [(c["statement"]["speaker"]["id"], c["conflicts_with"]["speaker"]["id"])
            for c in found] == [("kanaani", "kirby")]
