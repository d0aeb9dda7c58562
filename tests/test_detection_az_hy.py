"""Statements in Azerbaijani and Armenian: speech verbs, sources, negation and hedges."""

from __future__ import annotations

import pytest

from claimwatch.config import WatchItem
from detection import Detector
from detection.lexicon import lexicon_paths

WATCHLIST = [
    WatchItem(id="iskander", kind="weapon", name="9K720 Iskander",
              aliases=["Iskander", "İsgəndər", "Իսկանդեր"]),
    WatchItem(id="smerch", kind="weapon", name="Smerch", aliases=["Smerç", "Սմերչ"]),
    WatchItem(id="bayraktar", kind="weapon", name="Bayraktar TB2",
              aliases=["Bayraktar", "Բայրաքթար"]),
    WatchItem(id="armenia", kind="actor", name="Armenia",
              aliases=["Ermənistan", "Ermənistan ordusu", "Հայաստան"]),
    WatchItem(id="azerbaijan", kind="actor", name="Azerbaijan",
              aliases=["Azərbaycan", "Azərbaycan ordusu", "Ադրբեջան"]),
    WatchItem(id="azerbaijan-mod", kind="actor", name="Ministry of Defence of Azerbaijan",
              aliases=["Müdafiə Nazirliyi", "Azərbaycan Müdafiə Nazirliyi"],
              member_of="azerbaijan"),
    WatchItem(id="hajiyev", kind="actor", name="Hikmet Hajiyev", aliases=["Hikmət Hacıyev"],
              member_of="azerbaijan"),
    WatchItem(id="pashinyan", kind="actor", name="Nikol Pashinyan",
              aliases=["Paşinyan", "Փաշինյան"], member_of="armenia"),
    WatchItem(id="stepanyan", kind="actor", name="Shushan Stepanyan",
              aliases=["Շուշան Ստեփանյան"], member_of="armenia"),
]


@pytest.fixture(scope="module")
def detector():
    return Detector(WATCHLIST)


def read(detector, text):
    """(speaker id or name, statement text, claims) for each statement."""
    return [(s.speaker.id or s.speaker.name, s.text,
             [(c.subject, c.predicate, c.object, c.polarity) for c in s.claims])
            for s in detector.detect(text).statements]


def test_the_lexicons_of_both_languages_are_loaded_with_the_others():
    assert {p.stem for p in lexicon_paths()} >= {"en", "ru", "az", "hy"}


@pytest.mark.parametrize("text,speaker,said,claims", [
    # "bildirib ki, ...": the speaker before the verb, what was said after "ki".
    ("Hikmət Hacıyev bildirib ki, Ermənistan İsgəndər raketlərindən istifadə etməyib.",
     "hajiyev", "Ermənistan İsgəndər raketlərindən istifadə etməyib",
     [("armenia", "use", "iskander", "deny")]),
    # A quotation before the verb: «...», - deyə X bildirib.
    ("«Ermənistan ordusu Smerç raketləri atıb», - deyə Hikmət Hacıyev bildirib.",
     "hajiyev", "Ermənistan ordusu Smerç raketləri atıb", [("armenia", "use", "smerch", "affirm")]),
    # "according to" after its source, in the genitive: Nazirliyinin məlumatına görə.
    ("Müdafiə Nazirliyinin məlumatına görə, Ermənistan ordusu Tərtəri Smerç raketləri ilə "
     "atəşə tutub.", "azerbaijan-mod", "Ermənistan ordusu Tərtəri Smerç raketləri ilə atəşə tutub",
     [("armenia", "use", "smerch", "affirm")]),
    # Verb last, what was said between the speaker and the denial verb.
    ("Azərbaycan Müdafiə Nazirliyi Ermənistanın Smerç raketlərindən istifadə etdiyi barədə "
     "məlumatı təkzib edib.", "azerbaijan-mod",
     "Ermənistanın Smerç raketlərindən istifadə etdiyi barədə məlumatı",
     [("armenia", "use", "smerch", "deny")]),
    # "heç bir" with a verb negated by its suffix is one negation, not two.
    ("Paşinyan qeyd edib ki, Ermənistan heç bir İsgəndər raketindən istifadə etməyib.",
     "pashinyan", "Ermənistan heç bir İsgəndər raketindən istifadə etməyib",
     [("armenia", "use", "iskander", "deny")]),
    # A speaker not on the watchlist keeps the name as written, dotted İ and ə included.
    ("İlqar Məmmədov açıqlayıb ki, Azərbaycan ordusu Bayraktar pilotsuz uçuş aparatlarından "
     "istifadə edib.", "İlqar Məmmədov",
     "Azərbaycan ordusu Bayraktar pilotsuz uçuş aparatlarından istifadə edib",
     [("azerbaijan", "use", "bayraktar", "affirm")]),
])
def test_azerbaijani_statements(detector, text, speaker, said, claims):
    assert read(detector, text) == [(speaker, said, claims)]


@pytest.mark.parametrize("text,speaker,said,claims", [
    # "հերքել է, որ ...": a denial verb; what was said follows "որ", up to the ։ full stop.
    ("Շուշան Ստեփանյանը հերքել է, որ Հայաստանը կիրառել է Իսկանդերները։", "stepanyan",
     "Հայաստանը կիրառել է Իսկանդերները", [("armenia", "use", "iskander", "deny")]),
    # "ըստ X-ի, ...": according to X.
    ("Ըստ Փաշինյանի, Ադրբեջանը կիրառել է Բայրաքթարներ։", "pashinyan",
     "Ադրբեջանը կիրառել է Բայրաքթարներ", [("azerbaijan", "use", "bayraktar", "affirm")]),
    # "X-ի խոսքով, ...": in X's words.
    ("Փաշինյանի խոսքով, Ադրբեջանը կիրառել է Բայրաքթար։", "pashinyan",
     "Ադրբեջանը կիրառել է Բայրաքթար", [("azerbaijan", "use", "bayraktar", "affirm")]),
    # "ոչ մի ... չի" is one negation.
    ("Փաշինյանը նշել է, որ Հայաստանը ոչ մի Իսկանդեր չի կիրառել։", "pashinyan",
     "Հայաստանը ոչ մի Իսկանդեր չի կիրառել", [("armenia", "use", "iskander", "deny")]),
])
def test_armenian_statements(detector, text, speaker, said, claims):
    assert read(detector, text) == [(speaker, said, claims)]


def test_armenian_full_stop_ends_a_sentence(detector):
    text = ("Փաշինյանը հայտարարել է, որ Հայաստանը կիրառել է Իսկանդեր։ "
            "Շուշան Ստեփանյանը ասել է, որ Ադրբեջանը կիրառել է Սմերչ։")
    assert [(speaker, claims) for speaker, _, claims in read(detector, text)] == [
        ("pashinyan", [("armenia", "use", "iskander", "affirm")]),
        ("stepanyan", [("azerbaijan", "use", "smerch", "affirm")])]


@pytest.mark.parametrize("text", [
    "Hikmət Hacıyev bildirib ki, Ermənistanın İsgəndər raketlərindən istifadə etdiyi məlum "
    "deyil.",
    "Փաշինյանը նշել է, որ հայտնի չէ, արդյոք Հայաստանը կիրառել է Իսկանդեր։",
])
def test_hedges_carry_no_claim(detector, text):
    [(_, _, claims)] = read(detector, text)
    assert claims == []


def test_a_comma_before_a_final_verb_keeps_the_speaker_out_of_what_was_said(detector):
    # Not verb-final speech of the sentence's first name: "..., yerli rəsmilər bildirib".
    text = "Azərbaycan ordusu Smerç raketlərini cəbhəyə aparıb, yerli rəsmilər bildirib."
    assert read(detector, text) == []
