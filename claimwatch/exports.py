"""Exports in the shapes of CONTRACT §3: articles, mentions, statements, conflicts as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timezone

from sqlmodel import Session

from storage import repository

KINDS = ("articles", "mentions", "statements", "conflicts")


def _iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def export_rows(kind: str, *, session: Session, since: datetime | None = None) -> list[dict]:
    if kind == "articles":
        return [{"id": a.id, "source": a.source_id, "url": a.url, "title": a.title,
                 "published_at": _iso(a.published_at), "language": a.language,
                 "fetched_at": _iso(a.fetched_at), "duplicate_of": a.duplicate_of,
                 "encoding_suspect": a.encoding_suspect}
                for a in repository.list_articles(session=session, since=since)]
    if kind == "mentions":
        return [{"article_url": a.url, "entity": m.entity, "surface": m.surface,
                 "start": m.start, "end": m.end}
                for m, a in repository.list_mentions(session=session, since=since)]
    if kind == "statements":
        return [statement_dict(repository.statement_view(session=session, statement_id=i))
                for i in repository.list_statements(session=session, since=since)]
    if kind == "conflicts":
        return [conflict_dict(repository.conflict_view(session=session, conflict_id=i))
                for i in repository.list_conflicts(session=session, since=since)]
    raise ValueError(f"unknown export kind {kind!r}")


def statement_dict(view: dict) -> dict:
    statement, article = view["statement"], view["article"]
    return {
        "id": statement.id,
        "speaker": {"id": statement.speaker_id, "name": statement.speaker_name},
        "role": statement.speaker_role,
        "institution": statement.speaker_institution,
        "text": statement.text,
        "said_on": _iso(statement.said_on),
        "article_url": article.url,
        "source": article.source_id,
        # Evidence that outlives the page: the exact sentence and where it stands in the
        # stored snapshot of the article text.
        "sentence": statement.sentence,
        "start": statement.start,
        "end": statement.end,
        "sources": [{"article_url": s["article_url"], "source": s["source"],
                     "published_at": _iso(s["published_at"])} for s in view["sources"]],
        "claims": [{"subject": c.subject, "predicate": c.predicate, "object": c.object,
                    "polarity": c.polarity, "quantity": c.quantity, "place": c.place,
                    "place_id": c.place_id, "place_scope": c.place_scope, "time": c.time,
                    "time_start": _iso(c.time_start), "time_end": _iso(c.time_end),
                    "time_scope": c.time_scope}
                   for c in view["claims"]],
    }


def conflict_dict(view: dict) -> dict:
    conflict = view["conflict"]
    return {"id": conflict.id, "kind": conflict.kind, "proposition": conflict.proposition,
            "statement": statement_dict(view["statement"]),
            "conflicts_with": statement_dict(view["conflicts_with"]),
            "detected_at": _iso(conflict.detected_at), "explanation": conflict.explanation,
            "dismissed": conflict.dismissed_reason,
            "dismissed_at": _iso(conflict.dismissed_at)}


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict]) -> str:
    """Flat CSV: nested objects become dotted columns, lists become JSON text."""
    flat = [_flatten(r) for r in rows]
    columns: list[str] = []
    for row in flat:
        columns += [c for c in row if c not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(flat)
    return out.getvalue()


def _flatten(row: dict, prefix: str = "") -> dict:
    flat: dict = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat
