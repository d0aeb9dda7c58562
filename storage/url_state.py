"""Keyword-only repository functions for `url_state`: conditional-GET validators and failures per URL."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import or_, update
from sqlmodel import Session, select

from storage.models import UrlState
from storage.repository import utcnow

# Column bounds of url_state: a longer value is not worth a failed write.
_MAX_URL = 2048
_MAX_ETAG = 500
_MAX_LAST_MODIFIED = 100


def validators(*, session: Session, url: str) -> tuple[str | None, str | None] | None:
    """(etag, last_modified) saved for `url` by an earlier run, if any."""
    state = session.get(UrlState, url[:_MAX_URL])
    if state is None or not (state.etag or state.last_modified):
        return None
    return state.etag, state.last_modified


def save_validators(*, session: Session, url: str, etag: str | None,
                    last_modified: str | None) -> None:
    """Remember what the server said about `url`, for a conditional request next run."""
    state = _row(session, url)
    state.etag = etag[:_MAX_ETAG] if etag else None
    state.last_modified = last_modified[:_MAX_LAST_MODIFIED] if last_modified else None
    state.last_status = 200
    state.checked_at = utcnow()
    session.add(state)
    session.commit()


def record_failure(*, session: Session, url: str, error: str, status: int | None,
                   permanent: bool, source_id: str | None = None,
                   give_up_after: int | None = None) -> bool:
    """Count a failure of `url`; a permanent one (404, 410, 403) is not tried again on later runs.

    With `give_up_after`, the failure becomes permanent once the URL has failed that many
    times. Returns whether the URL is now given up on."""
    state = _row(session, url)
    state.failures += 1
    state.last_error = error[:2000]
    state.last_status = status
    state.source_id = source_id or state.source_id
    state.permanent_failure = (state.permanent_failure or permanent
                               or (give_up_after is not None and state.failures >= give_up_after))
    state.checked_at = utcnow()
    session.add(state)
    session.commit()
    return state.permanent_failure


def permanently_failed(*, session: Session, urls: Iterable[str]) -> set[str]:
    """Those of `urls` that failed for good on an earlier run."""
    urls = list(dict.fromkeys(u[:_MAX_URL] for u in urls))
    found: set[str] = set()
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        found.update(session.exec(select(UrlState.url).where(
            UrlState.url.in_(chunk), UrlState.permanent_failure.is_(True))).all())
    return found


def failed_urls(*, session: Session, source_id: str | None = None,
                statuses: Iterable[int] = (), urls: Iterable[str] = ()) -> list[UrlState]:
    """URLs given up on, oldest check first; narrowed to a source, statuses or given URLs.

    Failures recorded before URLs carried their source have none: they are listed for every
    source, and the caller narrows them (by site) if it must."""
    query = select(UrlState).where(UrlState.permanent_failure.is_(True))
    if source_id is not None:
        query = query.where(or_(UrlState.source_id == source_id, UrlState.source_id.is_(None)))
    statuses = list(statuses)
    if statuses:
        query = query.where(UrlState.last_status.in_(statuses))
    urls = [u[:_MAX_URL] for u in urls]
    if urls:
        query = query.where(UrlState.url.in_(urls))
    return list(session.exec(query.order_by(UrlState.checked_at, UrlState.url)).all())


def reset_failures(*, session: Session, urls: Iterable[str]) -> int:
    """Forget that `urls` failed, so the next run tries them again; returns how many were reset."""
    urls = list(dict.fromkeys(u[:_MAX_URL] for u in urls))
    reset = 0
    for start in range(0, len(urls), 500):
        reset += session.exec(update(UrlState)  # type: ignore[call-overload]
                              .where(UrlState.url.in_(urls[start : start + 500]),
                                     UrlState.permanent_failure.is_(True))
                              .values(permanent_failure=False, failures=0)).rowcount
    session.commit()
    return reset


def url_states(*, session: Session, urls: Iterable[str]) -> dict[str, UrlState]:
    """The stored rows of `urls` (for reports and tests)."""
    urls = list(dict.fromkeys(urls))
    return {row.url: row for row in session.exec(select(UrlState).where(UrlState.url.in_(urls)))}


def _row(session: Session, url: str) -> UrlState:
    return session.get(UrlState, url[:_MAX_URL]) or UrlState(url=url[:_MAX_URL])
