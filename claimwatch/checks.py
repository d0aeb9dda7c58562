"""`claimwatch check`: per source, is it reachable, what does robots.txt say, what does it yield.

Nothing is stored: discovery runs unconditionally, and one sample article per source is
fetched and extracted so an operator sees the title, date and first words claimwatch would
record, and what is wrong (no items, short text, no date, a suspect encoding, a disallowed or
failing URL). What the last runs recorded about each source (a failure, a source-health
problem such as every item failing extraction) is read from the database when it exists.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from datetime import timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from protego import Protego

from claimwatch.config import Source
from claimwatch.ingest import client_for, readable_chars
from scrapers import ExtractError, FetchError, discoverer, extract_article, fetch
from scrapers.errors import RobotsDisallowed
from scrapers.http import robots_rules
from scrapers.politeness import ROBOTS_AGENT

SAMPLE_TRIES = 3
FIRST_WORDS = 25


@dataclass
class SourceCheck:
    source: str
    url: str
    reachable: bool = False
    robots: str = "not checked"
    discovered: int = 0
    sample: dict | None = None
    problems: list[str] = field(default_factory=list)
    # What the last run of this source recorded: when, its error, its source-health problem.
    last_run: dict | None = None

    @property
    def failed(self) -> bool:
        """Nothing can be ingested from this source as configured."""
        return not self.reachable

    def as_dict(self) -> dict:
        return {**asdict(self), "failed": self.failed}


def check_sources(sources: list[Source], *, timeout_read: float = 30) -> list[SourceCheck]:
    """Check every given source concurrently (each one politely); results in the given order."""
    async def run() -> list[SourceCheck]:
        return list(await asyncio.gather(*(check_source(s, timeout_read=timeout_read)
                                           for s in sources)))

    return asyncio.run(run())


async def check_source(source: Source, *, timeout_read: float = 30) -> SourceCheck:
    result = SourceCheck(source.id, source.url)
    async with client_for(source, timeout_read=timeout_read) as client:
        result.robots = _robots_summary(await robots_rules(client, source.url), source.url)
        try:
            items = await discoverer(source.kind)(client, source)
        except RobotsDisallowed:
            result.problems.append("robots.txt disallows the source URL: nothing can be fetched")
            return result
        except FetchError as exc:
            result.problems.append(f"unreachable: {exc}")
            return result
        except ExtractError as exc:
            result.reachable = True
            result.problems.append(f"reachable, but not a usable {source.kind}: {exc}")
            return result
        result.reachable = True
        result.discovered = len({i.url for i in items})
        if not items:
            hint = " (check link_selector)" if source.kind == "listing" else ""
            result.problems.append(f"no article links found{hint}")
            return result
        # Newest first: the sample should show what the next run would store.
        dated = sorted(items, key=lambda i: i.published_at.timestamp() if i.published_at else 0,
                       reverse=True)
        await _sample(client, source, dated[:SAMPLE_TRIES], result)
    return result


async def _sample(client, source: Source, items, result: SourceCheck) -> None:
    failures = []
    for item in items:
        try:
            page = await fetch(client, item.url, origin=source.url,
                               allowed_domains=source.allowed_domains)
            article = await asyncio.to_thread(
                extract_article, page.body, page.final_url, content_type=page.content_type,
                body_selector=source.body_selector, date_selector=source.date_selector,
                language=source.language, fallback_date=item.published_at,
                tz=ZoneInfo(source.timezone) if source.timezone else None)
        except (FetchError, ExtractError) as exc:
            failures.append(str(exc))
            continue
        words = article.text.split()
        result.sample = {
            "url": article.url, "title": article.title,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "language": article.language, "characters": len(article.text),
            "encoding": article.encoding, "encoding_suspect": article.encoding_suspect,
            "first_words": " ".join(words[:FIRST_WORDS]) + (" …" if len(words) > FIRST_WORDS else ""),
        }
        readable = readable_chars(article.text)
        if readable < source.min_text_chars:
            result.problems.append(f"sample text is only {readable} characters (under "
                                   f"min_text_chars {source.min_text_chars}): it would not be "
                                   f"stored; the layout may have changed or body_selector may "
                                   f"be wrong")
        if article.published_at is None:
            result.problems.append("no publication date found in the sample (date_selector?)")
        if not article.title:
            result.problems.append("no title found in the sample")
        if article.encoding_suspect:
            result.problems.append(f"sample text encoding is suspect: {article.encoding_reason}")
        break
    result.problems += [f"sample article failed: {f}" for f in failures]


def add_recorded_state(results: list[SourceCheck], database_url: str) -> None:
    """Attach what the last runs recorded; a database that does not exist yet has nothing."""
    from sqlalchemy.exc import SQLAlchemyError
    from sqlmodel import Session

    from storage import repository
    from storage.db import engine_for
    from storage.errors import DatabaseUnavailable

    if _missing_sqlite_file(database_url):
        return  # never ran: checking must not create a database
    try:
        with Session(engine_for(database_url)) as session:
            states = repository.source_states(session=session, source_ids=[r.source for r in results])
    except (SQLAlchemyError, OSError, DatabaseUnavailable) as exc:
        # What the runs recorded is extra: checking the sources goes on without it.
        for result in results:
            result.last_run = {"unknown": f"database not readable: {type(exc).__name__}"}
        return
    for result in results:
        state = states.get(result.source)
        if state is None:
            continue
        result.last_run = {"at": _iso(state.last_run_at), "error": state.last_error,
                           "health": state.health_problem,
                           "health_checked_at": _iso(state.health_checked_at)}
        if state.health_problem:
            result.problems.append(f"source health (recorded {_iso(state.health_checked_at)}): "
                                   f"{state.health_problem}")


def _missing_sqlite_file(url: str) -> bool:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return False
    return not parsed.database or parsed.database == ":memory:" or not Path(parsed.database).exists()


def _iso(value) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()


def _robots_summary(rules: Protego | None | str, url: str) -> str:
    if isinstance(rules, str):
        return rules
    if rules is None:
        return "no robots.txt: everything allowed"
    verdict = "allows" if rules.can_fetch(url, ROBOTS_AGENT) else "DISALLOWS"
    delay = rules.crawl_delay(ROBOTS_AGENT)
    return f"robots.txt {verdict} the source URL" + (f"; Crawl-delay {delay:g} s" if delay else "")


def render_checks(results: list[SourceCheck]) -> str:
    """A plain-text report: one block per source, problems last."""
    lines = []
    for r in results:
        state = "ok" if r.reachable and not r.problems else ("FAILED" if r.failed else "warnings")
        lines += [f"{r.source}: {state}", f"  url:        {r.url}",
                  f"  reachable:  {'yes' if r.reachable else 'no'}", f"  robots:     {r.robots}",
                  f"  discovered: {r.discovered} items"]
        if r.sample:
            s = r.sample
            lines += [f"  sample:     {s['title']!r} ({s['published_at'] or 'no date'}, "
                      f"{s['language']}, {s['characters']} chars, {s['encoding']}"
                      f"{', encoding suspect' if s['encoding_suspect'] else ''})",
                      f"              {s['url']}",
                      f"              {s['first_words']}"]
        if r.last_run and r.last_run.get("at"):
            lines.append(f"  last run:   {r.last_run['at']}"
                         + (f" (failed: {r.last_run['error']})" if r.last_run["error"] else ""))
        lines += [f"  problem:    {p}" for p in r.problems]
        lines.append("")
    failed = sum(r.failed for r in results)
    lines.append(f"{len(results)} sources checked, {failed} failed, "
                 f"{sum(bool(r.problems) and not r.failed for r in results)} with warnings")
    return "\n".join(lines)
