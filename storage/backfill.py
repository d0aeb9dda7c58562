"""Keyword-only repository functions for backfill checkpoints: one `backfill_chunk` row per source-day."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timezone

from sqlalchemy import update
from sqlmodel import Session, select

from storage.models import BackfillChunk
from storage.repository import insert_ignore, utcnow

# A chunk is done only when every item of its day was stored or known; anything else is redone.
DONE = "done"
RUNNING = "running"
PARTIAL = "partial"
FAILED = "failed"
PENDING = "pending"


def plan_chunks(*, session: Session, source_id: str, days: Iterable[date]) -> None:
    """Create the missing chunk rows of a range; existing rows (and their status) are kept."""
    for day in days:
        insert_ignore(session=session, model=BackfillChunk,
                      values={"source_id": source_id, "day": day, "status": PENDING},
                      keys=["source_id", "day"])
    session.commit()


def done_days(*, session: Session, source_id: str, since: date, until: date) -> set[date]:
    """Days of the range whose chunk completed: a resumed backfill skips them."""
    query = select(BackfillChunk.day).where(
        BackfillChunk.source_id == source_id, BackfillChunk.status == DONE,
        BackfillChunk.day >= since, BackfillChunk.day <= until)
    return set(session.exec(query).all())


def start_chunk(*, session: Session, source_id: str, day: date) -> None:
    session.exec(update(BackfillChunk)  # type: ignore[call-overload]
                 .where(BackfillChunk.source_id == source_id, BackfillChunk.day == day)
                 .values(status=RUNNING, started_at=utcnow(), finished_at=None))
    session.commit()


def finish_chunk(*, session: Session, source_id: str, day: date, discovered: int, stored: int,
                 errors: int) -> str:
    """Record a chunk's counts; it is done when nothing failed, partial otherwise."""
    status = DONE if errors == 0 else PARTIAL
    session.exec(update(BackfillChunk)  # type: ignore[call-overload]
                 .where(BackfillChunk.source_id == source_id, BackfillChunk.day == day)
                 .values(status=status, discovered=discovered, stored=stored, errors=errors,
                         finished_at=utcnow()))
    session.commit()
    return status


def fail_chunk(*, session: Session, source_id: str, day: date) -> None:
    session.exec(update(BackfillChunk)  # type: ignore[call-overload]
                 .where(BackfillChunk.source_id == source_id, BackfillChunk.day == day)
                 .values(status=FAILED, finished_at=utcnow()))
    session.commit()


def chunk_progress(*, session: Session, source_id: str, since: date, until: date,
                   finished_since: datetime | None = None) -> dict:
    """Chunk counts by status and item totals over a range, for progress bars and artifacts."""
    rows = session.exec(select(BackfillChunk).where(
        BackfillChunk.source_id == source_id, BackfillChunk.day >= since,
        BackfillChunk.day <= until)).all()
    statuses = Counter(row.status for row in rows)
    return {"days": (until - since).days + 1, "planned": len(rows),
            "done": statuses[DONE], "partial": statuses[PARTIAL], "failed": statuses[FAILED],
            "running": statuses[RUNNING],
            "discovered": sum(r.discovered for r in rows), "stored": sum(r.stored for r in rows),
            "errors": sum(r.errors for r in rows),
            "finished_since": sum(1 for r in rows if finished_since and r.finished_at
                                  and _aware(r.finished_at) >= finished_since)}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def backfilled(*, session: Session, source_id: str, day: date) -> bool:
    """Whether `day` of `source_id` belongs to a backfill: its statements are history, not news."""
    query = select(BackfillChunk.id).where(BackfillChunk.source_id == source_id,
                                           BackfillChunk.day == day)
    return session.exec(query).first() is not None
