"""Every process on the machine from one read of /proc (Linux): the benchmarks' CPU and memory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple


class Process(NamedTuple):
    parent: int
    group: int
    cpu: float  # seconds, user and system
    rss_kb: int


_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def processes() -> dict[int, Process]:
    """Every process on the machine, from one read of its /proc/<pid>/stat (none without /proc)."""
    found = {}
    if not Path("/proc").is_dir():
        return found
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                # After the command name: state, ppid, pgrp, ..., utime (11), stime (12), rss (21).
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # gone meanwhile
                continue
            found[int(entry.name)] = Process(int(fields[1]), int(fields[2]),
                                             (int(fields[11]) + int(fields[12])) / _TICKS,
                                             int(fields[21]) * _PAGE_KB)
    return found
