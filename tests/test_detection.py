"""Detection on strings: mentions with inflection, speakers, claim polarity, hedges, names."""

from __future__ import annotations

import pytest

from claimwatch.config import WatchItem
from detection import Detector
from detection.conflicts import ClaimRecord, compare

WATCHLIST = [
    WatchItem(id="iskander", kind="weapon", name="9K720 Iskander",
              aliases=["Iskander", "Искандер", "İsgəndər"]),
    WatchItem(id="bayraktar", kind="weapon", name="Bayraktar TB2",
              aliases=["Bayraktar", "TB2", "Байрактар"]),
    WatchItem(id="armenia", kind="actor", name="Armenia",
              aliases=["Armenia", "Armenian forces", "Армения", "армянские военные"]),
    WatchItem(id="ukraine", kind="actor", name="Ukraine", aliases=["Ukraine", "Украина"]),
    WatchItem(id="russia", kind="actor", name="Russia", aliases=["Russia", "Россия"]),
    WatchItem(id="russia-mod", kind="actor", name="Russian MoD",
              aliases=["Минобороны России"], member_of="russia"),
    WatchItem(id="konashenkov", kind="actor", name="Igor Konashenkov",
              aliases=["Konashenkov", "Конашенков"], member_of="russia-mod"),
    WatchItem(id="pashinyan", kind="actor", name="Nikol Pashinyan",
              aliases=["Pashinyan", "Paşinyan"], member_of="armenia"),
]


@pytest.fixture(scope="module")
def detector():
    return Detector(WATCHLIST)


def claims(detector, text):
    return [(c.subject, c.predicate, c.object, c.polarity)
            for s in detector.detect(text).statements for c in s.claims]


def test_inflected_russian_and_azerbaijani_forms_are_matched_with_offsets(detector):
    text = "О применении «Искандеров» говорил Конашенковым; Paşinyanın sözləri, İsgəndərlər."
    found = detector.detect(text).mentions
    assert [(m.entity, m.surface) for m in found] == [
        ("iskander", "Искандеров"), ("konashenkov", "Конашенковым"),
        ("pashinyan", "Paşinyanın"), ("iskander", "İsgəndərlər")]
    assert all(text[m.start:m.end] == m.surface for m in found)


def test_alias_inside_a_longer_word_is_not_a_mention(detector):
    assert detector.detect("The Iskanderov family and TB2000 printers.").mentions == []


def test_weapon_alias_used_as_a_first_name_is_not_a_weapon(detector):
    text = "Iskander Aliyev, a chef, said the soup needs time. Iskander missiles are Russian."
    found = detector.detect(text).mentions
    assert [(m.entity, m.start) for m in found] == [("iskander", text.index("Iskander missiles"))]


def test_english_reported_speech_denial(detector):
    text = "Konashenkov said that not a single Iskander missile was used by Armenia."
    result = detector.detect(text).statements
    assert result[0].speaker.id == "konashenkov"
    assert result[0].text == "not a single Iskander missile was used by Armenia"
    assert claims(detector, text) == [("armenia", "use", "iskander", "deny")]


def test_russian_quote_with_inverted_attribution(detector):
    text = "«Ни одна ракета „Искандер“ армянскими военными не применялась», — заявил Конашенков."
    [statement] = detector.detect(text).statements
    assert statement.speaker.id == "konashenkov" and statement.speaker.surface == "Конашенков"
    assert claims(detector, text) == [("armenia", "use", "iskander", "deny")]


def test_drone_shootdown_in_another_war_is_read_generally(detector):
    text = ("Konashenkov said Russian air defences shot down three Bayraktar drones "
            "launched by Ukraine.")
    found = claims(detector, text)
    assert ("ukraine", "use", "bayraktar", "affirm") in found
    denial = "Ukraine denied that its forces used Bayraktar drones near the border."
    assert claims(detector, denial) == [("ukraine", "use", "bayraktar", "deny")]


def test_hedges_and_refusals_carry_no_claim(detector):
    text = "Pashinyan declined to say whether Armenian forces used Iskander missiles."
    [statement] = detector.detect(text).statements
    assert statement.claims == []


def test_failure_to_explode_implies_use(detector):
    text = "Pashinyan said the Iskander missiles fired by Armenian forces did not explode."
    found = claims(detector, text)
    assert ("armenia", "use", "iskander", "affirm") in found
    assert ("iskander", "explode", "iskander", "deny") in found


def test_remains_found_imply_use_with_subject_from_context_and_quantity(detector):
    text = ("Armenian forces held the town until November.\n"
            "According to the deminers' chief Ali Hasanov, fragments of two Iskander "
            "missiles were found in Shusha.")
    [statement] = detector.detect(text).statements
    assert statement.speaker.id is None and statement.speaker.name == "Ali Hasanov"
    [claim] = statement.claims
    assert (claim.subject, claim.predicate, claim.polarity, claim.quantity) == (
        "armenia", "use", "affirm", 2)


def test_role_given_in_the_text_is_kept(detector):
    text = ("Igor Ivanov, the former head of the inspection service, said Armenian forces "
            "fired Iskander missiles.")
    [statement] = detector.detect(text).statements
    assert statement.speaker.name == "Igor Ivanov"
    assert statement.role == "the former head of the inspection service"


def test_pronoun_refers_to_the_last_speaker_in_the_paragraph(detector):
    text = ("Pashinyan said the war was over. He said Armenian forces never fired Iskander "
            "missiles at towns.")
    statements = detector.detect(text).statements
    assert [s.speaker.id for s in statements] == ["pashinyan", "pashinyan"]
    assert claims(detector, text) == [("armenia", "use", "iskander", "deny")]


def record(statement_id, speaker, polarity, quantity=None, institution=None):
    return ClaimRecord(statement_id, speaker, speaker, institution, "armenia use iskander",
                       polarity, quantity, None, None)


def test_conflict_kinds():
    assert compare(record(2, "a", "deny"), record(1, "b", "affirm")).kind == "contradiction"
    assert compare(record(2, "a", "deny"), record(1, "a", "affirm")).kind == "reversal"
    assert compare(record(2, "a", "affirm", 2), record(1, "b", "affirm", 5)).kind == "quantity"
    assert compare(record(2, "a", "affirm"), record(1, "b", "affirm")) is None  # support
    explanation = compare(record(2, "a", "deny"), record(1, "b", "affirm")).explanation
    assert "denies 'armenia use iskander'" in explanation and "affirms it" in explanation
