"""Keyword-only repository functions: the only place that reads and writes our tables."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, select

from storage.models import Alert, Article, Claim, Conflict, Mention, SourceState, Statement, Support


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def text_fingerprint(text: str) -> str:
    """sha256 of the text with case and whitespace folded: equal for a republished copy."""
    folded = re.sub(r"\s+", " ", text.casefold()).strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


# Statements run once per article are built once (building one costs more than running it),
# on the table rather than the model: the ORM's per-statement bookkeeping is not needed here.
_articles = Article.__table__.c
_ANALYSED_COPY_OF = (
    select(_articles.id).where(_articles.fingerprint == bindparam("fingerprint"),
                               _articles.id != bindparam("article_id"),
                               _articles.duplicate_of.is_(None), _articles.detected_at.is_not(None))
    .order_by(_articles.id).limit(1))
# UPDATE statements, not ORM loads: loading an article reads its whole text back.
_MARK_DUPLICATE = (update(Article.__table__).where(_articles.id == bindparam("article_id"))
                   .values(duplicate_of=bindparam("original_id"), detected_at=bindparam("now")))
_MARK_DETECTED = (update(Article.__table__).where(_articles.id == bindparam("article_id"))
                  .values(detected_at=bindparam("now")))
_ORIGINAL_OF = (select(_articles.id).where(_articles.fingerprint == bindparam("fingerprint"),
                                           _articles.duplicate_of.is_(None))
                .order_by(_articles.id).limit(1))


def _insert_builder(session: Session):
    """The dialect's INSERT, the one that knows ON CONFLICT."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


@functools.cache
def _insert_article(builder):
    return (builder(Article.__table__).on_conflict_do_nothing(index_elements=["url"])
            .returning(_articles.id))


def insert_ignore(*, session: Session, model: type[SQLModel], values: dict,
                  keys: list[str]) -> int | None:
    """INSERT that does nothing on a unique-key clash; returns the row's id either way."""
    table = model.__table__
    statement = (_insert_builder(session)(table).values(**values).on_conflict_do_nothing(index_elements=keys)
                 .returning(table.c.id))
    inserted = session.exec(statement).first()  # type: ignore[call-overload]
    if inserted is not None:
        return inserted[0]
    existing = select(table.c.id).where(*[table.c[k] == values[k] for k in keys])
    return session.exec(existing).first()  # type: ignore[call-overload]


def known_urls(*, session: Session, urls: Iterable[str]) -> set[str]:
    urls = list(dict.fromkeys(urls))
    known: set[str] = set()
    for chunk_start in range(0, len(urls), 500):
        chunk = urls[chunk_start : chunk_start + 500]
        known.update(session.exec(select(Article.url).where(Article.url.in_(chunk))).all())
    return known


def store_article(*, session: Session, source_id: str, url: str, title: str | None,
                  published_at: datetime | None, language: str | None, text: str,
                  origin: str = "monitor", encoding_suspect: bool = False) -> str:
    """Store an article once; returns 'stored', 'duplicate' (same text elsewhere) or 'known'.

    Which copy is the original is left to analysis, which runs in publication order: two
    sources fetched in parallel must not decide it by who finished first."""
    fingerprint = text_fingerprint(text)
    original = session.exec(_ORIGINAL_OF, params={"fingerprint": fingerprint}).first()  # type: ignore[call-overload]
    values = dict(source_id=source_id, url=url, title=title, published_at=published_at,
                  language=language, fetched_at=utcnow(), text=text, fingerprint=fingerprint,
                  origin=origin, encoding_suspect=encoding_suspect)
    inserted = session.exec(  # type: ignore[call-overload]
        _insert_article(_insert_builder(session)), params=values).first()
    session.commit()
    if inserted is None:
        return "known"
    return "duplicate" if original is not None else "stored"


def record_source_run(*, session: Session, source_id: str, error: str | None) -> None:
    """Remember a source's last run (an upsert: two runs of one source may finish together)."""
    builder = _insert_builder(session)
    values = dict(source_id=source_id, last_run_at=utcnow(), last_error=error)
    statement = builder(SourceState.__table__).values(**values)
    session.exec(statement.on_conflict_do_update(  # type: ignore[call-overload]
        index_elements=["source_id"],
        set_={"last_run_at": values["last_run_at"], "last_error": error}))
    session.commit()


def record_source_health(*, session: Session, source_id: str, problem: str | None) -> None:
    """Remember what a run found wrong with a source as a whole (None: nothing)."""
    builder = _insert_builder(session)
    now = utcnow()
    statement = builder(SourceState.__table__).values(source_id=source_id, health_problem=problem,
                                                       health_checked_at=now)
    session.exec(statement.on_conflict_do_update(  # type: ignore[call-overload]
        index_elements=["source_id"], set_={"health_problem": problem, "health_checked_at": now}))
    session.commit()


def source_states(*, session: Session, source_ids: Iterable[str]) -> dict[str, SourceState]:
    """What the last runs of `source_ids` left behind, for those that have run."""
    ids = list(source_ids)
    return {s.source_id: s for s in session.exec(
        select(SourceState).where(SourceState.source_id.in_(ids)))}


def pending_articles(*, session: Session, limit: int) -> list[Article]:
    """Articles stored but not yet through detection, oldest publication first."""
    query = (select(Article).where(Article.detected_at.is_(None))
             .order_by(Article.published_at.is_(None), Article.published_at, Article.id)
             .limit(limit))
    return list(session.exec(query).all())


def add_mentions(*, session: Session, article_id: int, mentions: Iterable) -> None:
    rows = [dict(article_id=article_id, entity=m.entity, surface=m.surface[:500], start=m.start,
                 end=m.end) for m in mentions]
    if not rows:
        return
    # One statement for the article's mentions: a backfill stores tens of thousands.
    builder = _insert_builder(session)
    for chunk_start in range(0, len(rows), 500):
        session.exec(builder(Mention.__table__).values(rows[chunk_start:chunk_start + 500])  # type: ignore[call-overload]
                     .on_conflict_do_nothing(index_elements=["article_id", "entity", "start"]))


def statement_fingerprint(speaker_key: str, text: str) -> str:
    """Same speaker, same words (case and spacing aside): the same statement, wherever printed."""
    folded = re.sub(r"\W+", " ", text.casefold()).strip()
    return hashlib.sha256(f"{speaker_key}|{folded}".encode()).hexdigest()


def add_statement(*, session: Session, article_id: int, found,
                  institution: str | None = None) -> tuple[int, int | None]:
    """Store a detected statement (idempotent per article and offset).

    Returns (id, original id): the original is an earlier statement with the same speaker and
    words in another article, of which this one is a republication."""
    speaker_key = found.speaker.id or found.speaker.name
    fingerprint = statement_fingerprint(speaker_key, found.text)
    original = session.exec(
        select(Statement.id).where(Statement.fingerprint == fingerprint,
                                   Statement.article_id != article_id,
                                   Statement.republished_of.is_(None)).order_by(Statement.id)
    ).first()
    statement_id = insert_ignore(
        session=session, model=Statement, keys=["article_id", "start"],
        values=dict(article_id=article_id, speaker_id=found.speaker.id,
                    speaker_name=found.speaker.name[:500],
                    speaker_surface=found.speaker.surface[:500],
                    speaker_role=(found.role or None) and found.role[:500],
                    speaker_institution=institution and institution[:500],
                    text=found.text, sentence=found.sentence, start=found.start, end=found.end,
                    said_on=found.said_on, fingerprint=fingerprint, republished_of=original))
    return statement_id, original


def add_claim(*, session: Session, statement_id: int, frame) -> int:
    return insert_ignore(session=session, model=Claim, keys=["statement_id", "proposition"],
                         values=dict(statement_id=statement_id, subject=frame.subject,
                                     predicate=frame.predicate, object=frame.object,
                                     polarity=frame.polarity, quantity=frame.quantity,
                                     place=frame.place and frame.place[:200],
                                     place_id=frame.place_id, place_scope=frame.place_scope,
                                     time=frame.time and frame.time[:200],
                                     time_start=frame.time_start, time_end=frame.time_end,
                                     time_scope=frame.time_scope,
                                     proposition=frame.proposition))


def claims_on(*, session: Session, proposition: str, exclude_article: int,
              also: list[str] | None = None, predicate: str | None = None,
              objects: list[str] | None = None) -> list[tuple]:
    """Recorded (claim, statement, source id) rows on a proposition (and on `also`, the
    broader ones that may cover it), via the proposition index; with `predicate` and
    `objects`, every claim of that predicate on those objects, whoever its subject (a broad
    denial, anyone's or of a whole class, meets them all).

    Republished statements and copied articles are left out: their originals stand for them.
    Only the article's source is read: loading the article would read its whole text back,
    once for every earlier voice on the proposition."""
    if predicate is not None and objects:
        on = Claim.object.in_(objects) & (Claim.predicate == predicate)
    elif also:
        on = Claim.proposition.in_([proposition, *also])
    else:
        on = Claim.proposition == proposition
    query = (select(Claim, Statement, Article.source_id)
             .join(Statement, Claim.statement_id == Statement.id)
             .join(Article, Statement.article_id == Article.id)
             .where(on, Statement.article_id != exclude_article,
                    Statement.republished_of.is_(None), Article.duplicate_of.is_(None))
             .order_by(Statement.id))
    return list(session.exec(query).all())


def add_conflict(*, session: Session, kind: str, proposition: str, statement_id: int,
                 other_statement_id: int, explanation: str) -> tuple[int, bool]:
    """Record a conflict once per unordered pair; returns (id, newly created)."""
    low, high = sorted((statement_id, other_statement_id))
    pair_key = f"{low}-{high}"
    existing = session.exec(select(Conflict.id).where(Conflict.pair_key == pair_key)).first()
    if existing is not None:
        return existing, False
    conflict_id = insert_ignore(session=session, model=Conflict, keys=["pair_key"], values=dict(
        pair_key=pair_key, kind=kind, proposition=proposition, statement_id=statement_id,
        other_statement_id=other_statement_id, explanation=explanation, detected_at=utcnow()))
    return conflict_id, True


def voices_in_dispute(*, session: Session, about: str,
                      one: tuple[str, str, str, str, int | None],
                      other: tuple[str, str, str, str, int | None]) -> bool:
    """Whether a conflict already sets two voices against each other, each given as (speaker
    key, predicate, object, polarity, quantity), whoever each says did it: the same dispute,
    voiced again in another article ("Moscow has denied ..." in a background paragraph, or
    "someone fired at the carrier" after "the Houthis did"), is not a new one."""
    speakers = {one[0], other[0]}
    # Propositions are "subject predicate object"; `about` is "predicate object": any subject.
    rows = session.exec(
        select(Conflict.statement_id, Conflict.other_statement_id)
        .where(Conflict.proposition.endswith(f" {about}", autoescape=True))).all()
    ids = {i for row in rows for i in row}
    if not ids:
        return False
    keys = {sid: key_id or name for sid, key_id, name in session.exec(
        select(Statement.id, Statement.speaker_id, Statement.speaker_name)
        .where(Statement.id.in_(ids))).all()}
    pairs = [(a, b) for a, b in rows if {keys.get(a), keys.get(b)} == speakers]
    if not pairs:
        return False
    positions: dict[int, set[tuple[str, str, str, str, int | None]]] = {}
    for sid, predicate, obj, polarity, quantity in session.exec(
            select(Claim.statement_id, Claim.predicate, Claim.object, Claim.polarity,
                   Claim.quantity)
            .where(Claim.statement_id.in_({i for pair in pairs for i in pair}))).all():
        positions.setdefault(sid, set()).add((keys[sid], predicate, obj, polarity, quantity))
    return any({one, other} <= positions.get(a, set()) | positions.get(b, set())
               for a, b in pairs)


def add_support(*, session: Session, proposition: str, statement_id: int,
                other_statement_id: int) -> bool:
    """Record that two statements agree; returns whether the pair is new."""
    low, high = sorted((statement_id, other_statement_id))
    return insert_ignore(session=session, model=Support, keys=["pair_key"], values=dict(
        pair_key=f"{low}-{high}", proposition=proposition, statement_id=statement_id,
        other_statement_id=other_statement_id, detected_at=utcnow())) is not None


def dismiss_conflict(*, session: Session, conflict_id: int, reason: str) -> Conflict | None:
    """Mark a conflict as not a conflict: never alerted again, kept in exports with the reason."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        return None
    conflict.dismissed_reason = reason
    conflict.dismissed_at = utcnow()
    session.add(conflict)
    session.commit()
    return conflict


def add_alert(*, session: Session, conflict_id: int, recipient: str, mode: str,
              historical: bool = False) -> None:
    insert_ignore(session=session, model=Alert, keys=["conflict_id", "recipient"], values=dict(
        conflict_id=conflict_id, recipient=recipient, mode=mode, historical=historical,
        created_at=utcnow()))


def analysed_copy_of(*, session: Session, article: Article) -> int | None:
    """The id of an already analysed original with the same text, if there is one."""
    return session.exec(_ANALYSED_COPY_OF, params={  # type: ignore[call-overload]
        "fingerprint": article.fingerprint, "article_id": article.id}).first()


def mark_duplicate(*, session: Session, article_id: int, original_id: int) -> None:
    session.exec(_MARK_DUPLICATE, params={  # type: ignore[call-overload]
        "article_id": article_id, "original_id": original_id, "now": utcnow()})


def mark_detected(*, session: Session, article_id: int) -> None:
    session.exec(_MARK_DETECTED, params={  # type: ignore[call-overload]
        "article_id": article_id, "now": utcnow()})


def unsent_alerts(*, session: Session, modes: Iterable[str]) -> list[Alert]:
    """Alerts still to deliver (those marked failed too: they are still tried, daily)."""
    query = (select(Alert).where(Alert.sent_at.is_(None), Alert.mode.in_(list(modes)))
             .order_by(Alert.id))
    return list(session.exec(query).all())


def last_digest_sent(*, session: Session, recipient: str) -> datetime | None:
    return session.exec(select(func.max(Alert.sent_at)).where(
        Alert.recipient == recipient, Alert.mode == "digest")).first()


def bind_alerts(*, session: Session, alert_ids: list[int], message_id: str) -> None:
    """Tie still-unbound alerts to the message that will carry them, before it is sent."""
    session.exec(  # type: ignore[call-overload]
        update(Alert).where(Alert.id.in_(alert_ids), Alert.message_id.is_(None))
        .values(message_id=message_id))


def lock_unsent_message(*, session: Session, message_id: str) -> list[Alert]:
    """The unsent alerts of one message, locked until the session ends.

    PostgreSQL locks the rows (other deliveries skip them); SQLite takes its database write
    lock with a no-op update, so a second delivery waits for this one to commit."""
    if session.get_bind().dialect.name == "sqlite":
        session.exec(update(Alert).where(Alert.message_id == message_id)  # type: ignore
                     .values(attempts=Alert.attempts))
        query = select(Alert)
    else:
        query = select(Alert).with_for_update(skip_locked=True)
    query = query.where(Alert.message_id == message_id, Alert.sent_at.is_(None)
                        ).order_by(Alert.id)
    return list(session.exec(query).all())


def mark_alerts(*, session: Session, alert_ids: list[int], message_id: str | None,
                error: str | None, now: datetime | None = None,
                retry_at: datetime | None = None, give_up: bool = False) -> None:
    """After a send attempt: sent, or failed (error kept, retried from `retry_at`; `give_up`
    marks the alerts failed: reported and listed until they go out)."""
    now = now or utcnow()
    for alert in session.exec(select(Alert).where(Alert.id.in_(alert_ids))).all():
        alert.attempts += 1
        alert.message_id = message_id
        if error is None:
            alert.sent_at = now
            alert.last_error = None
            alert.next_attempt_at = None
            alert.failed_at = None
        else:
            alert.last_error = error[:2000]
            alert.first_failed_at = alert.first_failed_at or now
            alert.next_attempt_at = retry_at
            if give_up:
                alert.failed_at = alert.failed_at or now
        session.add(alert)
    session.commit()


def failed_alerts(*, session: Session) -> list[Alert]:
    """Alerts delivery gave up on, oldest first."""
    return list(session.exec(select(Alert).where(Alert.failed_at.is_not(None))
                             .order_by(Alert.id)).all())


def requeue_failed_alerts(*, session: Session, alert_ids: list[int] | None = None) -> list[int]:
    """Put given-up alerts (all, or those named) back in the queue, due now, with a fresh
    retry window; they keep their message, so what goes out is what was meant to."""
    query = select(Alert).where(Alert.failed_at.is_not(None))
    if alert_ids is not None:
        query = query.where(Alert.id.in_(alert_ids))
    requeued = []
    for alert in session.exec(query).all():
        alert.failed_at = None
        alert.first_failed_at = None
        alert.next_attempt_at = None
        session.add(alert)
        requeued.append(alert.id)
    session.commit()
    return sorted(requeued)


def outbox_counts(*, session: Session, now: datetime) -> dict[str, int]:
    """How many alerts are sent, due now, waiting for a retry, and given up on."""
    def count(*where) -> int:
        return session.exec(select(func.count()).select_from(Alert).where(*where)).one()

    unsent = (Alert.sent_at.is_(None), Alert.failed_at.is_(None))
    waiting = count(*unsent, Alert.next_attempt_at.is_not(None), Alert.next_attempt_at > now)
    return {"sent": count(Alert.sent_at.is_not(None)), "pending": count(*unsent) - waiting,
            "waiting": waiting, "failed": count(Alert.failed_at.is_not(None))}


def conflict_view(*, session: Session, conflict_id: int) -> dict:
    """A conflict with both statements and their articles, for e-mails and exports."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise KeyError(conflict_id)
    return {"conflict": conflict,
            "statement": statement_view(session=session, statement_id=conflict.statement_id),
            "conflicts_with": statement_view(session=session,
                                             statement_id=conflict.other_statement_id)}


def statement_view(*, session: Session, statement_id: int) -> dict:
    """A statement with its article, claims, and every source that printed it (original first)."""
    statement = session.get(Statement, statement_id)
    article = session.get(Article, statement.article_id)
    claims = session.exec(select(Claim).where(Claim.statement_id == statement_id)
                          .order_by(Claim.id)).all()
    copies = session.exec(
        select(Statement, Article).join(Article, Statement.article_id == Article.id)
        .where(Statement.republished_of == statement_id).order_by(Statement.id)).all()
    sources = [{"article_url": article.url, "source": article.source_id,
                "published_at": article.published_at}]
    sources += [{"article_url": a.url, "source": a.source_id, "published_at": a.published_at}
                for _, a in copies]
    return {"statement": statement, "article": article, "claims": list(claims),
            "sources": sources, "institution": statement.speaker_institution}


def proposition_timeline(*, session: Session, proposition: str) -> list[dict]:
    """Every original statement on a proposition, in the order they were made."""
    rows = session.exec(
        select(Claim, Statement, Article)
        .join(Statement, Claim.statement_id == Statement.id)
        .join(Article, Statement.article_id == Article.id)
        .where(Claim.proposition == proposition, Statement.republished_of.is_(None),
               Article.duplicate_of.is_(None))
        .order_by(Statement.said_on, Statement.id)).all()
    return [{"statement_id": st.id, "said_on": st.said_on.isoformat() if st.said_on else None,
             "speaker": st.speaker_name, "role": st.speaker_role, "polarity": c.polarity,
             "quantity": c.quantity, "place": c.place, "place_id": c.place_id,
             "time": c.time, "text": st.text, "url": a.url,
             "source": a.source_id} for c, st, a in rows]


def list_articles(*, session: Session, since: datetime | None = None) -> list[Article]:
    query = select(Article).order_by(Article.id)
    if since is not None:
        # Published since; an article without a date counts from when it was fetched.
        query = query.where(or_(Article.published_at >= since,
                                (Article.published_at.is_(None)) & (Article.fetched_at >= since)))
    return list(session.exec(query).all())


def list_mentions(*, session: Session, since: datetime | None = None) -> list[tuple]:
    query = (select(Mention, Article).join(Article, Mention.article_id == Article.id)
             .order_by(Mention.article_id, Mention.start))
    if since is not None:
        query = query.where(Article.published_at >= since)
    return list(session.exec(query).all())


def list_statements(*, session: Session, since: datetime | None = None) -> list[int]:
    query = (select(Statement.id).join(Article, Statement.article_id == Article.id)
             .order_by(Statement.id))
    if since is not None:
        query = query.where(Article.published_at >= since)
    return list(session.exec(query).all())


def list_conflicts(*, session: Session, since: datetime | None = None) -> list[int]:
    query = select(Conflict.id).order_by(Conflict.id)
    if since is not None:
        query = query.where(Conflict.detected_at >= since)
    return list(session.exec(query).all())


def count_rows(*, session: Session) -> dict[str, int]:
    counts = {}
    for name, model in (("articles", Article), ("mentions", Mention), ("statements", Statement),
                        ("claims", Claim), ("conflicts", Conflict), ("alerts", Alert)):
        counts[name] = session.exec(select(func.count()).select_from(model)).one()
    counts["alerts_sent"] = session.exec(
        select(func.count()).select_from(Alert).where(Alert.sent_at.is_not(None))).one()
    return counts
