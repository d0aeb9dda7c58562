"""Which task tags a concurrency limit holds: the only tags a run puts on its network tasks.

Prefect asks the server for a slot for every tag of every task run, through a service with an
API client of its own for each distinct set of tags. Twenty sources on twenty hosts are twenty
sets: twenty clients and twenty requests a pass, about a second of CPU on a small machine,
even where no limit exists. A run reads the server's limits once and tags a task only with
the tags a limit is named after; a limit created later holds from the next run on.
"""

from __future__ import annotations

import logging

from prefect.client.orchestration import get_client

log = logging.getLogger(__name__)
# Prefect keeps a tag's limit as a global concurrency limit of this name prefix.
TAG_LIMIT_PREFIX = "tag:"
PAGE = 200


def host_tags(host: str) -> list[str]:
    """Every tag a task fetching from `host` may be held by."""
    return ["network", f"host:{host}"]


class TagLimits:
    """The tags that name a concurrency limit on the server, read once; all tags if unknown."""

    def __init__(self, limited: frozenset[str] | None) -> None:
        self.limited = limited

    def held(self, tags: list[str]) -> list[str]:
        """The tags among `tags` a limit holds; when the limits could not be read, all of them:
        a limit must not be skipped because the server was slow to answer one request."""
        if self.limited is None:
            return list(tags)
        return [t for t in tags if t in self.limited]


def _limited(names: list[str]) -> set[str]:
    return {n.removeprefix(TAG_LIMIT_PREFIX) for n in names if n.startswith(TAG_LIMIT_PREFIX)}


async def read_tag_limits() -> TagLimits:
    """The server's tag limits, every page of them."""
    found: set[str] = set()
    try:
        async with get_client() as client:
            offset = 0
            while True:
                page = await client.read_global_concurrency_limits(limit=PAGE, offset=offset)
                found |= _limited([limit.name for limit in page])
                if len(page) < PAGE:
                    return TagLimits(frozenset(found))
                offset += PAGE
    except Exception as exc:  # the run goes on, every tag kept
        log.warning("could not read the concurrency limits (%s); tasks keep all their tags", exc)
        return TagLimits(None)
