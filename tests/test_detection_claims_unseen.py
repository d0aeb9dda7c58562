"""Claims as other writers word them: agents left out, weapons outside subject-verb-object."""

from __future__ import annotations

import pytest

from claimwatch.config import WatchItem
from detection import Detector

WATCHLIST = [
    WatchItem(id="iskander", kind="weapon", name="Iskander", aliases=["Iskander", "Искандер"]),
    WatchItem(id="armenia", kind="actor", name="Armenia",
              aliases=["Armenia", "Armenian forces", "Армения", "армянские военные"]),
    WatchItem(id="russia", kind="actor", name="Russia", aliases=["Russia", "Россия"]),
    WatchItem(id="ivanov", kind="actor", name="Pavel Ivanov", aliases=["Ivanov", "Иванов"],
              member_of="russia"),
]


@pytest.fixture(scope="module")
def detector():
    return Detector(WATCHLIST)


def claims(detector, text):
    return [(c.subject, c.predicate, c.object, c.polarity)
            for s in detector.detect(text).statements for c in s.claims]


@pytest.mark.parametrize("text", [
    "Ivanov said that not a single Iskander was used in the conflict.",
    "Ivanov said no one fired Iskander missiles at the city.",
    "Ivanov said Iskander missiles were never launched during the war.",
    "Иванов заявил, что «Искандеры» в ходе войны не применялись.",
    "Иванов заявил, что никто не применял «Искандеры».",
])
def test_a_denial_with_no_agent_is_anyones(detector, text):
    assert claims(detector, text) == [("anyone", "use", "iskander", "deny")]


def test_a_named_agent_keeps_the_denial_his(detector):
    assert claims(detector, "Ivanov said the Iskanders were not fired by Armenian forces.") == [
        ("armenia", "use", "iskander", "deny")]
    assert claims(detector, "Ivanov said Armenian forces never fired Iskander missiles.") == [
        ("armenia", "use", "iskander", "deny")]


def test_an_agentless_affirmation_names_nobody_and_the_speakers_own_words_are_his(detector):
    # Someone fired them: who is unknown, and a claim needs a subject to be compared.
    assert claims(detector, "Ivanov said Iskander missiles were fired at the town.") == []
    # "we did not": the speaker's side, not anyone's.
    assert claims(detector, "Ivanov said: \"We did not use Iskander missiles.\"") == [
        ("russia", "use", "iskander", "deny")]


def test_the_digits_of_a_designator_are_no_quantity():
    watchlist = [*WATCHLIST, WatchItem(id="s-300", kind="weapon", name="S-300",
                                       aliases=["S-300", "С-300"])]
    found = Detector(watchlist).detect(
        "Ivanov said Armenian forces fired MiG-29 cannons and used S-300 systems.").statements
    assert [(c.proposition, c.quantity) for c in found[0].claims] == [("armenia use s-300", None)]
    found = Detector(watchlist).detect(
        "Ivanov said Armenian forces used 12 S-300 launchers.").statements
    assert [(c.proposition, c.quantity) for c in found[0].claims] == [("armenia use s-300", 12)]


def test_coordinated_verbs_share_their_subject_but_a_new_clause_does_not(detector):
    assert claims(detector, "Ivanov said Armenian forces moved the launchers and fired "
                            "Iskander missiles.") == [("armenia", "use", "iskander", "affirm")]
    assert claims(detector, "Иванов заявил, что армянские военные перебросили установки и "
                            "применили «Искандеры».") == [("armenia", "use", "iskander", "affirm")]
    # A clause with a subject of its own ("and that crews fired") is not Armenia's.
    assert claims(detector, "Ivanov said Armenian forces moved the launchers and that crews "
                            "fired Iskander missiles.") != [("armenia", "use", "iskander", "affirm")]
