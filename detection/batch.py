"""Detection over many texts in a worker process: one compiled Detector per watchlist, reused.

Takes and returns plain picklable data, so it can run in any process of the pool."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from detection import Detection, Detector

# Compiling a 5,000-alias watchlist takes a while: each worker does it once per watchlist.
_detectors: dict[str, Detector] = {}


def watchlist_key(watchlist: list) -> str:
    dumped = [w.model_dump() if hasattr(w, "model_dump") else w for w in watchlist]
    return hashlib.sha256(json.dumps(dumped, sort_keys=True, default=str).encode()).hexdigest()


def detector_for(watchlist: list, key: str | None = None) -> Detector:
    """The compiled Detector of this watchlist, built on first use in this process."""
    key = key or watchlist_key(watchlist)
    detector = _detectors.get(key)
    if detector is None:
        _detectors.clear()  # a changed watchlist: the old automaton is dead weight
        detector = _detectors[key] = Detector(watchlist)
    return detector


def detect_batch(key: str, watchlist: list, items: list[tuple[int, str, date | None]]
                 ) -> list[tuple[int, Detection | None, str | None]]:
    """(id, detection, None) for each item, or (id, None, error) for one that failed."""
    detector = detector_for(watchlist, key)
    results: list[tuple[int, Detection | None, str | None]] = []
    for item_id, text, published_on in items:
        try:
            results.append((item_id, detector.detect(text, published_on=published_on), None))
        except Exception as exc:  # one hostile text must not cost the rest of the batch
            results.append((item_id, None, f"{type(exc).__name__}: {exc}"))
    return results
