"""The replica site served from its own process, as a remote site would be: its CPU and GIL are
not the pipeline's (the server still shares the machine's cores, as on any one-box test)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def served(root: Path) -> Iterator[tuple[str, int]]:
    """The base URL of `root` served on 127.0.0.1 by a child process (and its pid), stopped on exit."""
    process = subprocess.Popen([sys.executable, "-m", "claimwatch.sample_site", str(root)],
                               stdout=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().strip()
        if not base.startswith("http://"):
            raise RuntimeError(f"the site server did not start (exit code {process.poll()})")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)
