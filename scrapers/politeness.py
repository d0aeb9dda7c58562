"""Politeness per host: minimum delay, per-host and global concurrency, Retry-After, robots.txt.

One `Politeness` lives on each client (so everything here is cached per run). A host's delay
starts at the configured one, is raised by robots.txt Crawl-delay (up to 300 s) and grows on
errors; a server asking for a pause delays every request to that host, not just the retried URL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from protego import Protego

log = logging.getLogger(__name__)

DEFAULT_DELAY = 1.0
DEFAULT_HOST_CONCURRENCY = 1
DEFAULT_GLOBAL_CONCURRENCY = 8
# Longer Crawl-delays or Retry-Afters than this leave the host for the next run.
MAX_WAIT = 300.0
# Errors slow a host down, but never past this.
MAX_ERROR_DELAY = 60.0
MIN_ERROR_DELAY = 1.0
ROBOTS_AGENT = "claimwatch"
# Google's limit: rules past the first 500 KiB are ignored.
ROBOTS_MAX_BYTES = 500 * 1024

# What a robots.txt fetch gave: rules, "allow everything" (4xx), or why it is unreachable.
RobotsFetcher = Callable[[str], Awaitable["Protego | None"]]


@dataclass
class HostState:
    semaphore: asyncio.Semaphore
    delay: float
    next_at: float = 0.0
    # Why this host is left alone until the next run (a long Retry-After), if it is.
    deferred: str | None = None
    # The host's robots.txt Crawl-delay: no configuration goes below it.
    robots_delay: float = 0.0
    # Raised after the host failed: a later configuration keeps it (never shrinks in a run).
    slowed: bool = False


@dataclass
class Politeness:
    delay: float = DEFAULT_DELAY
    host_concurrency: int = DEFAULT_HOST_CONCURRENCY
    global_concurrency: int = DEFAULT_GLOBAL_CONCURRENCY
    obey_robots: bool = True
    _hosts: dict[str, HostState] = field(default_factory=dict)
    _robots: dict[str, Protego | None | str] = field(default_factory=dict)
    _robots_locks: dict[str, asyncio.Lock] = field(default_factory=dict)
    _global: asyncio.Semaphore | None = None

    def host(self, key: str) -> HostState:
        if key not in self._hosts:
            self._hosts[key] = HostState(asyncio.Semaphore(self.host_concurrency), self.delay)
        return self._hosts[key]

    def configure(self, key: str, *, delay: float, concurrency: int) -> None:
        """A source's own settings for its host, on a client made without them."""
        if key not in self._hosts:
            self._hosts[key] = HostState(asyncio.Semaphore(concurrency), delay)
        state = self._hosts[key]
        floor = max(delay, state.robots_delay)
        state.delay = max(state.delay, floor) if state.slowed else floor

    @asynccontextmanager
    async def slot(self, key: str, *, spaced: bool = True) -> AsyncIterator[None]:
        """Hold one of the host's connections once its delay has passed; the delay restarts after."""
        if self._global is None:
            self._global = asyncio.Semaphore(self.global_concurrency)
        state = self.host(key)
        async with state.semaphore:
            loop = asyncio.get_running_loop()
            # Re-checked after each sleep: a Retry-After may arrive while we wait.
            while (wait := state.next_at - loop.time()) > 0:
                await asyncio.sleep(wait)
            async with self._global:
                try:
                    yield
                finally:
                    if spaced:
                        state.next_at = max(state.next_at, loop.time() + state.delay)

    def pause(self, key: str, seconds: float) -> None:
        """No request to this host before `seconds` from now (Retry-After, backoff)."""
        state = self.host(key)
        now = asyncio.get_running_loop().time()
        state.next_at = max(state.next_at, now + seconds)

    def slow_down(self, key: str) -> None:
        """A host that fails gets a longer delay for the rest of the run; never a shorter one."""
        state = self.host(key)
        # A host configured with no delay still gets one once it fails.
        state.delay = min(MAX_ERROR_DELAY, max(state.delay * 2, MIN_ERROR_DELAY))
        state.slowed = True

    def defer(self, key: str, reason: str) -> None:
        self.host(key).deferred = reason

    def deferred(self, key: str) -> str | None:
        return self.host(key).deferred

    async def robots(self, origin: str, key: str, fetch_robots: RobotsFetcher) -> Protego | None | str:
        """The host's robots rules (None: all allowed; a str: why they could not be read), once per run."""
        if origin in self._robots:
            return self._robots[origin]
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                try:
                    rules: Protego | None | str = await fetch_robots(origin)
                except Exception as exc:  # noqa: BLE001 (any failure means: unreadable this run)
                    rules = f"robots.txt unreadable ({type(exc).__name__}: {exc})"
                self._robots[origin] = rules
                if isinstance(rules, Protego):
                    self._apply_crawl_delay(key, rules)
        return self._robots[origin]

    def _apply_crawl_delay(self, key: str, rules: Protego) -> None:
        asked = rules.crawl_delay(ROBOTS_AGENT)
        rate = rules.request_rate(ROBOTS_AGENT)
        if rate is not None and rate.requests:
            asked = max(asked or 0.0, rate.seconds / rate.requests)
        if not asked:
            return
        state = self.host(key)
        if asked > MAX_WAIT:
            log.warning("%s asks for a Crawl-delay of %.0f s; using %.0f s", key, asked, MAX_WAIT)
        state.robots_delay = min(float(asked), MAX_WAIT)
        state.delay = max(state.delay, state.robots_delay)
