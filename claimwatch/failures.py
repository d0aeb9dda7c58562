"""`claimwatch urls`: URLs given up on (404, 410, 403, failed extraction), listed and reset."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlmodel import Session

from claimwatch.config import Source
from scrapers.items import canonical_url, same_site
from storage import url_state


def remembered_failures(engine: Engine, sources: list[Source] | None = None, *,
                        statuses: Iterable[int] = (), urls: Iterable[str] = ()) -> list[dict]:
    """URLs no run will ask again, of the given sources (all when None), oldest first."""
    statuses, urls = list(statuses), [canonical_url(u) for u in urls]
    found: dict[str, dict] = {}
    with Session(engine) as session:
        if sources is None:
            for state in url_state.failed_urls(session=session, statuses=statuses, urls=urls):
                found[state.url] = _row(state, state.source_id)
        for source in sources or []:
            for state in url_state.failed_urls(session=session, source_id=source.id,
                                               statuses=statuses, urls=urls):
                # Failures recorded before URLs carried their source belong to it by site.
                if state.source_id is None and not same_site(state.url, source.url,
                                                              source.allowed_domains):
                    continue
                found.setdefault(state.url, _row(state, source.id))
    return sorted(found.values(), key=lambda r: (r["checked_at"] or "", r["url"]))


def reset_failures(engine: Engine, rows: list[dict]) -> int:
    """Forget the failures of `rows`, so the next run fetches those URLs again."""
    with Session(engine) as session:
        return url_state.reset_failures(session=session, urls=[r["url"] for r in rows])


def render_failures(rows: list[dict]) -> str:
    """One block per URL: status, source, tries, when, then the last error."""
    lines = []
    for r in rows:
        status = r["status"] if r["status"] is not None else "-"
        lines += [f"{status}  {r['source'] or '?'}  {r['failures']} tries  {r['checked_at']}  "
                  f"{r['url']}", f"     {r['error']}"]
    lines.append(f"{len(rows)} URLs given up on")
    return "\n".join(lines)


def _row(state, source_id: str | None) -> dict:
    return {"url": state.url, "source": source_id, "status": state.last_status,
            "failures": state.failures, "error": state.last_error,
            "checked_at": _iso(state.checked_at)}


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
