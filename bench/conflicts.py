"""Benchmark: conflict checking for 1,000 new claims against N recorded statements.

The recorded statements are spread over N/10 propositions (ten voices each, as on a busy
watchlist), so the question is whether the lookup by proposition stays flat as N grows.

    python -m bench.conflicts --recorded 10000 1000000 --database sqlite
    python -m bench.conflicts --recorded 10000 1000000 --database postgres
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, insert, text
from sqlmodel import Session, select

from claimwatch.analysis import AnalysisReport, _find_conflicts
from claimwatch.config import WatchItem
from detection import ClaimFrame, Detector
from detection.conflicts import ClaimRecord
from storage.db import make_engine, upgrade_schema
from storage.models import Article, Claim, Statement

BATCH = 20_000
NEW_CLAIMS = 1_000
POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def fill(engine, recorded: int) -> int:
    """Insert `recorded` articles, each with one statement and one claim; returns propositions."""
    propositions = max(1, recorded // 10)
    now = datetime.now(timezone.utc)
    rng = random.Random(7)
    with engine.begin() as connection:
        for start in range(0, recorded, BATCH):
            ids = range(start + 1, min(recorded, start + BATCH) + 1)
            connection.execute(insert(Article), [
                {"id": i, "source_id": "bench", "url": f"http://bench/{i}", "fetched_at": now,
                 "text": "x", "fingerprint": f"{i:064d}", "detected_at": now} for i in ids])
            connection.execute(insert(Statement), [
                {"id": i, "article_id": i, "speaker_name": f"speaker {i % 97}",
                 "speaker_surface": "s", "text": "t", "sentence": "t", "start": 0, "end": 1,
                 "said_on": date(2021, 1, 1)} for i in ids])
            connection.execute(insert(Claim), [
                {"statement_id": i, "subject": f"actor{i % propositions}", "predicate": "use",
                 "object": "weapon", "polarity": rng.choice(["affirm", "deny"]),
                 "proposition": f"actor{i % propositions} use weapon"} for i in ids])
    return propositions


def check(engine, recorded: int, propositions: int) -> float:
    """Seconds to check NEW_CLAIMS new claims (conflicts written, transaction rolled back)."""
    detector = Detector([WatchItem(id="weapon", kind="weapon", name="weapon")])
    rng = random.Random(11)
    now = datetime.now(timezone.utc)
    with Session(engine) as session:
        base = recorded + 1
        session.execute(insert(Article), [
            {"id": base + k, "source_id": "new", "url": f"http://new/{k}", "fetched_at": now,
             "text": "x", "fingerprint": f"n{k:063d}"} for k in range(NEW_CLAIMS)])
        session.execute(insert(Statement), [
            {"id": base + k, "article_id": base + k, "speaker_name": "new speaker",
             "speaker_surface": "n", "text": "t", "sentence": "t", "start": 0, "end": 1}
            for k in range(NEW_CLAIMS)])
        articles = {a.id: a for a in session.exec(select(Article).where(Article.id >= base))}
        report = AnalysisReport()
        started = time.perf_counter()
        for k in range(NEW_CLAIMS):
            subject = f"actor{rng.randrange(propositions)}"
            frame = ClaimFrame(subject, "use", "weapon", "deny")
            new = ClaimRecord(base + k, "new speaker", "new speaker", None, frame.proposition,
                              "deny", None, None, None, "new")
            _find_conflicts(session=session, new=new, article=articles[base + k], frame=frame,
                            detector=detector, recipients=[], report=report, historical=False,
                            speaker_id=None)
        elapsed = time.perf_counter() - started
        session.rollback()
    return elapsed


def database(kind: str, folder: Path) -> tuple[str, callable]:
    if kind == "sqlite":
        return f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:6]}.db'}", lambda: None
    name = f"claimwatch_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return POSTGRES_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recorded", type=int, nargs="+", default=[10_000, 1_000_000])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for recorded in args.recorded:
            url, drop = database(args.database, Path(folder))
            try:
                upgrade_schema(url)
                engine = make_engine(url)
                started = time.perf_counter()
                propositions = fill(engine, recorded)
                if args.database == "postgres":
                    with engine.connect() as connection:
                        connection.execute(text("ANALYZE"))
                        connection.commit()
                filled = time.perf_counter() - started
                results[recorded] = check(engine, recorded, propositions)
                print(f"{args.database}: {recorded:>9,} recorded (filled in {filled:.0f} s): "
                      f"{NEW_CLAIMS} new claims checked in {results[recorded]:.2f} s "
                      f"({results[recorded] / NEW_CLAIMS * 1000:.2f} ms each)")
                engine.dispose()
            finally:
                drop()
    smallest, largest = min(results), max(results)
    print(f"ratio {largest:,} / {smallest:,}: {results[largest] / results[smallest]:.2f} "
          "(target below 2)")


if __name__ == "__main__":
    main()
