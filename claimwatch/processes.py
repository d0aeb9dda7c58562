"""The process pool for the CPU-bound stages (main-text extraction, detection): a run uses every core.

One pool per process, started on first real use (an idle monitor run never pays for it) and shut
down at exit. Its workers are forked from a fork server that has imported the extraction and
detection code once: a worker starts in milliseconds, and it never inherits the parent's threads
(Prefect's, the HTTP server's in tests) in the middle of holding a lock, as a plain fork could.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)
# Below this many items, handing work to other processes costs more than it saves.
MIN_ITEMS_FOR_POOL = 8
PRELOAD = ["scrapers.extract", "detection"]

_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_configured: int | None = None


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def configure(processes: int | None) -> None:
    """Set the pool size for this process (None: one per core; 1: everything in-process)."""
    global _configured
    with _lock:
        if processes != _configured:
            _shutdown_locked()
        _configured = processes


def size() -> int:
    return _configured if _configured is not None else available_cores()


def pool_for(items: int) -> ProcessPoolExecutor | None:
    """The shared pool when `items` pieces of work are worth spreading, else None (run inline).

    Once started, the pool takes even a few items: it costs nothing more to use."""
    if size() < 2:
        return None
    global _pool
    with _lock:
        if _pool is None:
            if items < MIN_ITEMS_FOR_POOL:
                return None
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _pool = ProcessPoolExecutor(max_workers=size(), mp_context=context)
            log.debug("started %d worker processes", size())
        return _pool


def discard(pool: ProcessPoolExecutor) -> None:
    """Kill a pool whose worker is stuck on a pathological input; the next use starts a fresh one.

    Work still queued in it fails with BrokenProcessPool, which callers retry once inline."""
    global _pool
    with _lock:
        if _pool is pool:
            _pool = None
    # ProcessPoolExecutor cannot stop one busy worker: all of them go.
    for process in list(getattr(pool, "_processes", {}).values()):
        process.kill()
    pool.shutdown(wait=False, cancel_futures=True)


def _shutdown_locked() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


@atexit.register
def _shutdown() -> None:
    with _lock:
        _shutdown_locked()
