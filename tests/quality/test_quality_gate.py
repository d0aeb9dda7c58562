"""Quality gate: detection on the annotated development sets must not fall below the pinned floors.

Re-pin explicitly after an improvement: `python -m tests.quality.score --pin`.
"""

from __future__ import annotations

import json

import pytest

from detection import Detector
from tests.quality.score import BASELINE, evaluate, load_cases, load_watchlist

# The floors the project promises, whatever the baseline says.
TARGETS = {"mentions_f1": 0.95, "speakers_f1": 0.85, "polarity_accuracy": 0.90}
MIN_CASES = {"en": 80, "ru": 40}


@pytest.fixture(scope="module")
def reports():
    detector = Detector(load_watchlist())
    return {"development": evaluate(detector=detector)["all"].figures(),
            "heldout": evaluate(("heldout",), detector=detector)["heldout"].figures()}


@pytest.fixture(scope="module")
def figures(reports):
    return reports["development"]


@pytest.mark.parametrize("language", sorted(MIN_CASES))
def test_development_sets_are_large_enough(language):
    cases = load_cases(language)
    assert len(cases) >= MIN_CASES[language]
    assert len({case["id"] for case in cases}) == len(cases)


@pytest.mark.parametrize("name", ["development", "heldout"])
def test_no_metric_fell_below_its_pinned_floor(reports, name):
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))[name]
    found = reports[name]
    fallen = {key: (found.get(key), floor) for key, floor in floors.items()
              if found.get(key, 0.0) < floor - 1e-9}
    assert not fallen, f"{name}: below the pinned floor (found, floor): {fallen}"


def test_targets_are_met(figures):
    missed = {key: figures[key] for key, target in TARGETS.items() if figures[key] < target}
    assert not missed
