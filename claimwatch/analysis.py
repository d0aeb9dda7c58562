"""Detection over stored articles, then conflicts and the alert outbox, one transaction per article."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claimwatch import processes
from claimwatch.config import Config, Recipient
from claimwatch.stage_times import timed
from detection import Detection, Detector, Entity
from detection.batch import detect_batch, detector_for, watchlist_key
from detection.claims import ANYONE
from detection.conflicts import ClaimRecord, agrees, broader_propositions, compare
from storage import repository
from storage.models import Article, Claim, Statement

log = logging.getLogger(__name__)
# Articles analysed by one Prefect task: each task costs the Prefect server a few state
# events, and 500 articles of main text are a few MB in memory.
BATCH_SIZE = 500


@dataclass
class AnalysisReport:
    articles: int = 0
    statements: int = 0
    claims: int = 0
    conflicts: int = 0
    alerts: int = 0
    supports: int = 0
    errors: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def merge(self, other: AnalysisReport | dict) -> None:
        values = other if isinstance(other, dict) else other.__dict__
        for key, value in values.items():
            setattr(self, key, getattr(self, key) + value)


def analyse_pending(config: Config, engine: Engine, *, historical: bool = False,
                    batch_size: int = BATCH_SIZE, skip: frozenset[int] = frozenset()
                    ) -> tuple[AnalysisReport, list[int]]:
    """Run detection on one batch of stored, not yet analysed articles, oldest first.

    Returns the report and the ids of articles that failed (they stay pending; pass them back
    as `skip` so the next batch moves on)."""
    report = AnalysisReport()
    failed: list[int] = []
    with Session(engine) as session:
        batch = [a for a in repository.pending_articles(session=session,
                                                        limit=batch_size + len(skip))
                 if a.id not in skip][:batch_size]
    if not batch:  # most passes: nothing new, so no detector (its lexicons take ~0.2 s) either
        return report, failed
    key = watchlist_key(config.watchlist)  # one serialisation of the watchlist per batch
    detector = detector_for(config.watchlist, key)
    for article, detection in zip(batch, detect_in_pool(config.watchlist, key, batch), strict=True):
        try:
            if isinstance(detection, str):
                raise RuntimeError(f"detection failed: {detection}")
            with Session(engine) as session:
                analyse_article(session=session, article=article, detector=detector,
                                recipients=config.alerts.recipients, report=report,
                                historical=historical, detection=detection,
                                historical_alerts=config.alerts.historical)
                session.commit()
            report.articles += 1
        except Exception:  # one article's failure is logged and left pending for next run
            log.exception("analysis failed for article %s (%s)", article.id, article.url)
            report.errors += 1
            failed.append(article.id)
    return report, failed


def detect_in_pool(watchlist: list, key: str, batch: list[Article]
                   ) -> Iterator[Detection | str | None]:
    """Detection of each article of `batch`, in order, spread over the process pool: the CPU
    part of analysis. Yielded as each slice comes back, so the database work on the first
    articles overlaps the detection of the next.

    None for an article means "detect it inline": the batch is too small for the pool, or
    the pool broke. A failed article's detection is its error text; the database work stays
    in this process, in order."""
    pool = processes.pool_for(len(batch))
    if pool is None:
        yield from (None for _ in batch)
        return
    watchlist = list(watchlist)
    items = [(a.id, a.text, a.published_at.date() if a.published_at else None) for a in batch]
    step = max(1, -(-len(items) // (processes.size() * 2)))
    chunks = [items[i:i + step] for i in range(0, len(items), step)]
    given = 0
    try:
        results = pool.map(detect_batch, [key] * len(chunks), [watchlist] * len(chunks), chunks)
        while True:
            with timed("detect"):  # what detection costs beyond the writes it overlaps
                found = next(results, None)
            if found is None:
                return
            for _, detection, error in found:
                given += 1
                yield detection if error is None else error
    except BrokenProcessPool:
        log.warning("the worker pool broke during detection; detecting the rest of this batch "
                    "in-process")
        processes.discard(pool)
        yield from (None for _ in batch[given:])


def took_all_pending(done: int) -> bool:
    """Whether a batch that handled `done` articles (analysed or failed) left none pending: a
    batch shorter than the batch size took every article there was."""
    return done < BATCH_SIZE


def analyse_all_pending(config: Config, engine: Engine, *, historical: bool = False
                        ) -> AnalysisReport:
    """Every pending article, batch after batch (outside Prefect: tools and tests)."""
    total = AnalysisReport()
    skip: frozenset[int] = frozenset()
    while True:
        report, failed = analyse_pending(config, engine, historical=historical, skip=skip)
        total.merge(report)
        skip = skip | set(failed)
        if took_all_pending(report.articles + report.errors):
            return total


def analyse_article(*, session: Session, article: Article, detector: Detector,
                    recipients: list[Recipient], report: AnalysisReport,
                    historical: bool, detection: Detection | None = None,
                    historical_alerts: str = "digest") -> None:
    # A backfilled article is history whichever run analyses it; `historical` forces it.
    historical = historical or article.origin == "backfill"
    # alerts.historical: "record" keeps history's conflicts out of the outbox altogether.
    if historical and historical_alerts == "record":
        recipients = []
    original = repository.analysed_copy_of(session=session, article=article)
    if original is not None:
        # Two copies stored at once (different sources fetched in parallel) both look
        # original at ingest; analysis runs in order, so it has the last word.
        repository.mark_duplicate(session=session, article_id=article.id, original_id=original)
        return
    published_on = article.published_at.date() if article.published_at else None
    if detection is None:
        with timed("detect"):
            detection = detector.detect(article.text, published_on=published_on)
    repository.add_mentions(session=session, article_id=article.id, mentions=detection.mentions)
    voiced: set[tuple[str, str, str]] = set()
    # One conflict per two voices and their positions on a proposition: a speaker who says
    # it twice, in two words or in two articles, is not two disputes with the same voice.
    disputed: set[tuple] = set()
    for found in detection.statements:
        institution = _institution(found.speaker.id, detector.entities)
        statement_id, original = repository.add_statement(
            session=session, article_id=article.id, found=found,
            institution=detector.entities[institution].name if institution else None)
        report.statements += 1
        speaker_key = found.speaker.id or found.speaker.name
        for frame in found.claims:
            repository.add_claim(session=session, statement_id=statement_id, frame=frame)
            report.claims += 1
            if original is not None:
                continue  # a republication: its original already stands in every comparison
            # One speaker repeating a claim in one article is one voice, not two conflicts.
            voice = (speaker_key, frame.proposition, frame.polarity)
            if voice in voiced:
                continue
            voiced.add(voice)
            new = ClaimRecord(statement_id, speaker_key, found.speaker.name,
                              _institution(found.speaker.id, detector.entities),
                              frame.proposition, frame.polarity, frame.quantity, frame.place,
                              found.said_on, article.source_id, place_id=frame.place_id,
                              place_scope=frame.place_scope, time=frame.time,
                              time_start=frame.time_start, time_end=frame.time_end,
                              time_scope=frame.time_scope, subject=frame.subject,
                              predicate=frame.predicate, object=frame.object,
                              object_class=_object_class(frame.object, detector.entities),
                              universal_classes=detector.lexicon.universal_classes)
            with timed("conflicts"):
                _find_conflicts(session=session, new=new, article=article, frame=frame,
                                disputed=disputed,
                                detector=detector, recipients=recipients, report=report,
                                historical=historical, speaker_id=found.speaker.id)
    repository.mark_detected(session=session, article_id=article.id)


def _class_members(obj: str, detector: Detector) -> list[str]:
    """The watchlist weapons of the class a claim's object names ([] for a weapon); for a
    class of every weapon, every weapon and every other class."""
    lexicon = detector.lexicon
    if obj in detector.entities or obj not in lexicon.classes:
        return []
    if obj in lexicon.universal_classes:
        return [e.id for e in detector.entities.values() if e.kind == "weapon"] + sorted(
            lexicon.classes - lexicon.universal_classes)
    return [e.id for e in detector.entities.values() if e.weapon_class == obj]


def _object_class(obj: str, entities: dict[str, Entity]) -> str | None:
    return entities[obj].weapon_class if obj in entities else None


def _institution(speaker_id: str | None, entities: dict[str, Entity]) -> str | None:
    if speaker_id is None or speaker_id not in entities:
        return None
    return entities[speaker_id].member_of


def _find_conflicts(*, session: Session, new: ClaimRecord, article: Article, frame,
                    disputed: set[tuple],
                    detector: Detector, recipients: list[Recipient], report: AnalysisReport,
                    historical: bool, speaker_id: str | None) -> None:
    seen_voices: set[tuple[int, str, str]] = set()
    # A broad claim (anyone's, or of a whole class) meets every narrower claim of its
    # predicate; a narrow one meets the broader ones that may cover it.
    members = _class_members(frame.object, detector)
    universal = (frame.subject == ANYONE or bool(members)) and frame.subject != frame.object
    for claim, statement, other_source in repository.claims_on(
            session=session, proposition=frame.proposition, exclude_article=article.id,
            also=broader_propositions(frame.subject, frame.predicate, frame.object,
                                      new.object_class, new.universal_classes),
            predicate=frame.predicate if universal else None,
            objects=[frame.object, *members] if universal else None):
        old = _record(claim, statement, other_source, detector.entities,
                      detector.lexicon.universal_classes)
        voice = (statement.article_id, old.speaker_key, old.polarity)
        if voice in seen_voices:
            continue
        seen_voices.add(voice)
        verdict = compare(new, old)
        if verdict is None:
            if agrees(new, old):
                repository.add_support(session=session, proposition=frame.proposition,
                                       statement_id=new.statement_id,
                                       other_statement_id=old.statement_id)
                report.supports += 1
            continue
        proposition = old.proposition if universal else frame.proposition
        one = (new.speaker_key, new.predicate, new.object, new.polarity, new.quantity)
        other = (old.speaker_key, old.predicate, old.object, old.polarity, old.quantity)
        # One dispute per two voices holding two positions: the same speaker saying the same
        # again, in this article or another, is that dispute again, not a new one.
        about = proposition.split(" ", 1)[1]  # whoever did it: the same dispute
        dispute = (about, *sorted((one, other), key=repr))
        if dispute in disputed or repository.voices_in_dispute(
                session=session, about=about, one=one, other=other):
            continue
        disputed.add(dispute)
        # Filed under the named agent's proposition: what the analyst looks up.
        conflict_id, created = repository.add_conflict(
            session=session, kind=verdict.kind,
            proposition=proposition,
            statement_id=new.statement_id, other_statement_id=old.statement_id,
            explanation=verdict.explanation)
        if not created:
            continue
        report.conflicts += 1
        involved = {frame.subject, frame.object, *(x for x in (speaker_id, statement.speaker_id) if x)}
        for recipient in recipients:
            if recipient.watch and not involved.intersection(recipient.watch):
                continue
            mode = "digest" if historical else recipient.mode
            repository.add_alert(session=session, conflict_id=conflict_id,
                                 recipient=recipient.email, mode=mode, historical=historical)
            report.alerts += 1


def _record(claim: Claim, statement: Statement, source_id: str, entities: dict[str, Entity],
            universal: frozenset[str] = frozenset()) -> ClaimRecord:
    return ClaimRecord(
        statement_id=statement.id, speaker_key=statement.speaker_id or statement.speaker_name,
        speaker_name=statement.speaker_name,
        institution=_institution(statement.speaker_id, entities),
        proposition=claim.proposition, polarity=claim.polarity, quantity=claim.quantity,
        place=claim.place, said_on=statement.said_on, source=source_id,
        place_id=claim.place_id, place_scope=claim.place_scope, time=claim.time,
        time_start=claim.time_start, time_end=claim.time_end, time_scope=claim.time_scope,
        subject=claim.subject, predicate=claim.predicate, object=claim.object,
        object_class=_object_class(claim.object, entities),
        universal_classes=universal)
