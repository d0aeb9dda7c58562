"""Seconds spent per pipeline stage in this process, for benchmarks and profiling.

Fetch and extract run many items at once (extraction on every core): their figures are summed
over items, so they can exceed the wall time; the others run one at a time."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_seconds: Counter = Counter()


@contextmanager
def timed(stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        add_seconds(stage, time.perf_counter() - started)


def add_seconds(stage: str, seconds: float) -> None:
    with _lock:
        _seconds[stage] += seconds


def take() -> dict[str, float]:
    """The seconds gathered since the last call, and a fresh start."""
    with _lock:
        taken = dict(_seconds)
        _seconds.clear()
    return taken
