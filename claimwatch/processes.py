"""The process pool for the CPU-bound stages (main-text extraction, detection): a run uses every core.

One pool per process, started on first real use (an idle monitor run starts no worker) and shut
down at exit. Its workers are forked from a fork server that has imported the extraction and
detection code once: a worker starts in milliseconds, and it never inherits the parent's threads
(Prefect's, the HTTP server's in tests) in the middle of holding a lock, as a plain fork could.
A pass that will likely need workers can start the fork server ahead (`warm_up`).
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)
# Below this many items, handing work to other processes costs more than it saves.
MIN_ITEMS_FOR_POOL = 8
# fork_server_boot first: it decides what each forked worker imports before anything else.
PRELOAD = ["claimwatch.fork_server_boot", "claimwatch.processes", "scrapers.extract", "detection"]

# True only in the pool's workers: their main thread is ours to interrupt with a signal.
_in_worker = False
_lock = threading.Lock()
_lifeline_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None
_configured: int | None = None


class TimeLimitExceeded(BaseException):
    """A job ran past its time limit inside a worker; the worker itself lives on.

    A BaseException, so that no `except Exception` inside the library doing the work (the
    extractor has several) swallows it and carries on."""


def _alarm(signum, frame):  # noqa: ARG001 (signal handler signature)
    raise TimeLimitExceeded


def run_limited(job, seconds: float):
    """(result, seconds taken) of `job`, measured where it runs (queueing is not counted).

    In a worker process the limit is enforced there by SIGALRM, so a pathological input costs
    its own job and the worker survives; in a thread no signal can reach it, and the caller's
    own wait is the only bound."""
    started = time.perf_counter()
    if not _in_worker:
        return job(), time.perf_counter() - started
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return job(), time.perf_counter() - started
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _start_worker(lifeline) -> None:
    """A worker's set-up: mark it as one, and have it exit when the process that started it dies.

    A parent killed with SIGKILL cannot shut its pool down, and its workers would wait for work
    forever (each holds the work queue open itself), keeping the fork server alive with them.
    Only the parent holds the write end of `lifeline`: when it dies, the read end sees EOF."""
    global _in_worker
    _in_worker = True

    def exit_with_parent() -> None:
        try:
            lifeline.recv_bytes()
        except (EOFError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=exit_with_parent, name="lifeline", daemon=True).start()


# (read end, write end), made with the first pool and kept open for the process's life: the
# read end is handed to each new worker, the write end is never written, only held.
_lifeline = None


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


def _fork_server():
    """The forkserver context, its preload list (the extraction and detection code) set.

    The fork server reads that list only once, when it starts, so it is set in this one place."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_up() -> None:
    """Start the fork server now, without waiting for it: it spends half a second importing the
    extraction code in its own process, which then overlaps whatever this process does first
    (registering a Prefect run, reading feeds) instead of delaying the first extraction.

    For passes that will likely extract; a pass that turns out idle has spent that CPU in vain
    but starts no worker. Does nothing when the pool is off (one process)."""
    if size() < 2:
        return
    _fork_server()
    from multiprocessing import forkserver

    forkserver.ensure_running()


def new_pool(workers: int) -> ProcessPoolExecutor:
    """A pool forked from this process's one fork server, its workers set up to die with it.

    Every pool of this process (the shared one, `claimwatch extract`'s) comes from here."""
    global _lifeline
    with _lifeline_lock:
        if _lifeline is None:
            _lifeline = multiprocessing.Pipe(duplex=False)
    return ProcessPoolExecutor(max_workers=workers, mp_context=_fork_server(),
                               initializer=_start_worker, initargs=(_lifeline[0],))


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
            _pool = new_pool(size())
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
