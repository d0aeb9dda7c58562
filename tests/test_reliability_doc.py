"""RELIABILITY.md names its proof for each guarantee: every test it names must exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = re.compile(r"`((?:tests/[\w/]+\.py)?)(?:::(\w+))?(?:\[[^\]]*\])?`")


def named_tests() -> list[tuple[str, str | None]]:
    found = []
    for line in (ROOT / "RELIABILITY.md").read_text(encoding="utf-8").splitlines():
        last_file = None
        for path, name in REFERENCE.findall(line):
            if not path and not name:
                continue
            path = path or last_file  # `::name` continues the file named before it
            assert path, f"a test name without its file: {line[:120]}"
            last_file = path
            found.append((path, name or None))
    return found


def test_every_test_named_in_reliability_md_exists():
    names = named_tests()
    assert len(names) > 80
    missing = []
    for path, name in names:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name and not re.search(rf"^(?:async )?def {name}\(", file.read_text(encoding="utf-8"),
                                    re.M):
            missing.append(f"{path}::{name}")
    assert missing == []
