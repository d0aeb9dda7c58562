"""Imported by the extraction fork server alone, first of its preload list (`processes.PRELOAD`).

Every process multiprocessing forks from a fork server first re-imports the parent's `__main__`
module, as a spawned one would. A pass run by a Prefect worker or `claimwatch serve` has
`python -m prefect.engine` as its main module: each extraction worker would import all of
Prefect (0.7 s of CPU and some 650 more modules a worker, two workers per flow run) only to run
functions of `scrapers` and `detection`, which it has preloaded. Nothing handed to the pool lives
in `__main__`, so the workers of this fork server skip that import and keep the rest of what the
parent sends (its sys.path, working directory, logging level).
"""

from __future__ import annotations

from multiprocessing import spawn

MAIN_MODULE_KEYS = ("init_main_from_name", "init_main_from_path")

_prepare = spawn.prepare


def prepare_without_main(data: dict) -> None:
    _prepare({k: v for k, v in data.items() if k not in MAIN_MODULE_KEYS})


# Runs in the fork server, before it forks any worker: each forked child calls spawn.prepare
# with what its parent sent.
spawn.prepare = prepare_without_main
