"""SQLModel tables: crawl state, articles, mentions, statements, claims, conflicts, alert outbox."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class SourceState(SQLModel, table=True):
    """What a source's last run left behind, for incremental runs."""

    __tablename__ = "source_state"
    source_id: str = Field(primary_key=True, max_length=100)
    last_run_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    # What the last run that extracted anything found wrong with the source as a whole
    # (every item too short: a changed layout); cleared by a run that stores an article.
    health_problem: str | None = Field(default=None, sa_column=Column(Text))
    health_checked_at: datetime | None = None


class UrlState(SQLModel, table=True):
    """Per-URL memory across runs: validators for conditional GET, permanent failures."""

    __tablename__ = "url_state"
    url: str = Field(primary_key=True, max_length=2048)
    # The source whose run recorded a failure, so its failures can be listed and reset.
    source_id: str | None = Field(default=None, index=True, max_length=100)
    etag: str | None = Field(default=None, max_length=500)
    last_modified: str | None = Field(default=None, max_length=100)
    last_status: int | None = None
    # A 404/410/403, or a page that failed extraction on every try, is not retried on later
    # runs until `claimwatch urls reset` clears it.
    permanent_failure: bool = False
    failures: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    checked_at: datetime | None = None


class BackfillChunk(SQLModel, table=True):
    """One day of one source's backfill: its completion is the checkpoint a resume starts from."""

    __tablename__ = "backfill_chunk"
    __table_args__ = (UniqueConstraint("source_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(index=True, max_length=100)
    day: date
    status: str = Field(default="pending", max_length=20)
    discovered: int = 0
    stored: int = 0
    errors: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None


class Article(SQLModel, table=True):
    __tablename__ = "article"
    id: int | None = Field(default=None, primary_key=True)
    source_id: str = Field(index=True, max_length=100)
    url: str = Field(max_length=2048, unique=True)
    title: str | None = Field(default=None, sa_column=Column(Text))
    published_at: datetime | None = Field(default=None, index=True)
    language: str | None = Field(default=None, max_length=8)
    fetched_at: datetime
    text: str = Field(sa_column=Column(Text, nullable=False))
    # sha256 of the normalised main text: a republished copy has the same one.
    fingerprint: str = Field(index=True, max_length=64)
    duplicate_of: int | None = Field(default=None, foreign_key="article.id")
    # Who brought it in: "monitor" (news: immediate alerts) or "backfill" (history: digests).
    origin: str = Field(default="monitor", max_length=20,
                        sa_column_kwargs={"server_default": "monitor"})
    detected_at: datetime | None = Field(default=None, index=True)
    # The page's encoding was guessed, contradicted its declaration, was mixed, or bytes had
    # to be replaced: the text is worth a look before it is trusted.
    encoding_suspect: bool = Field(default=False, sa_column_kwargs={"server_default": "0"})


class Mention(SQLModel, table=True):
    __tablename__ = "mention"
    __table_args__ = (UniqueConstraint("article_id", "entity", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    entity: str = Field(index=True, max_length=100)
    surface: str = Field(max_length=500)
    start: int
    end: int


class Statement(SQLModel, table=True):
    __tablename__ = "statement"
    __table_args__ = (UniqueConstraint("article_id", "start"),)
    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    speaker_id: str | None = Field(default=None, index=True, max_length=100)
    speaker_name: str = Field(max_length=500)
    speaker_surface: str = Field(max_length=500)
    speaker_role: str | None = Field(default=None, max_length=500)
    # The speaker's institution (watchlist member_of) when the statement was recorded.
    speaker_institution: str | None = Field(default=None, max_length=500)
    text: str = Field(sa_column=Column(Text, nullable=False))
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    said_on: date | None = None
    # sha256 of speaker and folded words: the same statement republished elsewhere.
    fingerprint: str | None = Field(default=None, index=True, max_length=64)
    republished_of: int | None = Field(default=None, foreign_key="statement.id")


class Claim(SQLModel, table=True):
    __tablename__ = "claim"
    # (object, predicate): an agentless denial is compared with every agent's claim of both.
    __table_args__ = (UniqueConstraint("statement_id", "proposition"),
                      Index("ix_claim_object_predicate", "object", "predicate"))
    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", index=True)
    subject: str = Field(max_length=100)
    predicate: str = Field(max_length=50)
    object: str = Field(max_length=100)
    polarity: str = Field(max_length=10)
    quantity: int | None = None
    place: str | None = Field(default=None, max_length=200)
    # The qualifiers as detection reads them: the place's gazetteer id; the time as written
    # and the days it covers (first and last, inclusive; None on an open or unknown side);
    # each one's scope ("only", "not": see detection.qualifiers).
    place_id: str | None = Field(default=None, max_length=100)
    place_scope: str | None = Field(default=None, max_length=10)
    time: str | None = Field(default=None, max_length=200)
    time_start: date | None = None
    time_end: date | None = None
    time_scope: str | None = Field(default=None, max_length=10)
    # "subject predicate object": the key conflicts are looked up by.
    proposition: str = Field(index=True, max_length=300)


class Conflict(SQLModel, table=True):
    __tablename__ = "conflict"
    id: int | None = Field(default=None, primary_key=True)
    # "low-high" statement ids: one row per unordered pair, however often it is found.
    pair_key: str = Field(unique=True, max_length=50)
    kind: str = Field(max_length=30)
    proposition: str = Field(index=True, max_length=300)
    statement_id: int = Field(foreign_key="statement.id")
    other_statement_id: int = Field(foreign_key="statement.id")
    explanation: str = Field(sa_column=Column(Text, nullable=False))
    detected_at: datetime
    dismissed_reason: str | None = Field(default=None, sa_column=Column(Text))
    dismissed_at: datetime | None = None


class Support(SQLModel, table=True):
    """Two statements that agree on a proposition: recorded, never alerted."""

    __tablename__ = "support"
    id: int | None = Field(default=None, primary_key=True)
    pair_key: str = Field(unique=True, max_length=50)
    proposition: str = Field(index=True, max_length=300)
    statement_id: int = Field(foreign_key="statement.id")
    other_statement_id: int = Field(foreign_key="statement.id")
    detected_at: datetime


class Alert(SQLModel, table=True):
    """The outbox: written with its conflict, sent later, marked sent after delivery."""

    __tablename__ = "alert"
    __table_args__ = (UniqueConstraint("conflict_id", "recipient"),)
    id: int | None = Field(default=None, primary_key=True)
    conflict_id: int = Field(foreign_key="conflict.id", index=True)
    recipient: str = Field(max_length=320)
    mode: str = Field(max_length=20)
    historical: bool = False
    created_at: datetime
    sent_at: datetime | None = Field(default=None, index=True)
    message_id: str | None = Field(default=None, max_length=300)
    attempts: int = 0
    # Failed sends wait before the next try, longer after each failure.
    next_attempt_at: datetime | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    # When sending first failed, and when delivery gave up on it (retries exhausted): a
    # failed alert is no longer tried, is reported, and can be queued again by hand.
    first_failed_at: datetime | None = None
    failed_at: datetime | None = None
