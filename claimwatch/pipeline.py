"""The monitoring pass as plain function calls, without Prefect: for scripts, benchmarks and
fault tests. The `monitor` flow runs the same three steps as tasks."""

from __future__ import annotations

import asyncio
import logging

from alerts import deliver_due
from claimwatch import processes
from claimwatch.analysis import analyse_all_pending
from claimwatch.config import Config
from claimwatch.ingest import ingest_source
from scrapers import ScraperError
from storage.db import engine_for

log = logging.getLogger(__name__)


def run_once(config: Config, *, sources: list[str] | None = None) -> dict:
    """Ingest every enabled (or named) source, analyse what is new, deliver due alerts."""
    processes.configure(config.processes)
    processes.warm_up()
    engine = engine_for(config.database_url)
    chosen = [s for s in config.sources if (s.id in sources if sources else s.enabled)]
    reports = []
    for source in chosen:
        try:
            reports.append(asyncio.run(ingest_source(source, engine)).as_dict())
        except ScraperError as exc:
            log.error("source %s failed: %s", source.id, exc)
            reports.append({"source": source.id, "discovered": 0, "outcomes": {},
                            "errors": [str(exc)], "failed": str(exc)})
    analysis = analyse_all_pending(config, engine).as_dict()
    delivery = deliver_due(config, engine).as_dict()
    return {"sources": reports, "analysis": analysis, "delivery": delivery}


def main() -> None:
    """`python -m claimwatch.pipeline CONFIG`: one pass, summary as JSON on standard output."""
    import json
    import sys
    from pathlib import Path

    from claimwatch.config import load_config
    from storage.errors import DatabaseUnavailable

    try:
        summary = run_once(load_config(Path(sys.argv[1])))
    except DatabaseUnavailable as exc:  # one line naming the database, its password hidden
        sys.exit(f"failed: {exc}")
    sys.stdout.write(json.dumps(summary) + "\n")


if __name__ == "__main__":
    main()
