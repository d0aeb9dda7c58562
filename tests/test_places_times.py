"""Where and when claims say something happened: the gazetteer, time periods, qualifier scopes,
and the place and time conflict rules, on strings and records."""

from __future__ import annotations

from datetime import date

import pytest

from claimwatch.config import WatchItem
from detection import Detector
from detection.conflicts import (
    CONTRADICTION,
    MEANINGS,
    PLACE,
    QUANTITY,
    REVERSAL,
    TIME,
    ClaimRecord,
    agrees,
    compare,
)
from detection.dates import claim_period
from detection.lexicon import build_lexicon, default_lexicon, lexicon_paths, load_lexicon_data
from detection.places import GazetteerError, build_gazetteer, default_gazetteer
from detection.qualifiers import NOT, ONLY, Qualifiers
from detection.text import fold_aligned

WATCHLIST = [
    WatchItem(id="iskander", kind="weapon", name="9K720 Iskander", aliases=["Iskander", "Искандер"]),
    WatchItem(id="shahed", kind="weapon", name="Shahed-136", aliases=["Shahed", "Шахед"]),
    WatchItem(id="s-300", kind="weapon", name="S-300", aliases=["S-300", "С-300"]),
    WatchItem(id="armenia", kind="actor", name="Armenia",
              aliases=["Armenia", "Armenian forces", "армянские военные"]),
    WatchItem(id="russia", kind="actor", name="Russia", aliases=["Russia", "Russian forces", "Россия"]),
    WatchItem(id="iran", kind="actor", name="Iran", aliases=["Iran"]),
    WatchItem(id="kirby", kind="actor", name="John Kirby", aliases=["Kirby"]),
    WatchItem(id="ihnat", kind="actor", name="Yuriy Ihnat", aliases=["Ihnat", "Игнат"]),
]
PUBLISHED = date(2022, 12, 1)


@pytest.fixture(scope="module")
def detector():
    return Detector(WATCHLIST)


def frame_of(detector, text, published_on=PUBLISHED):
    [frame] = [c for s in detector.detect(text, published_on).statements for c in s.claims]
    return frame


# The gazetteer

def test_containment_is_transitive_and_siblings_are_apart():
    places = default_gazetteer()
    assert places.within("shusha", "nagorno-karabakh") and places.within("shusha", "azerbaijan")
    assert not places.within("nagorno-karabakh", "shusha")
    # The false alert of old: a place and the region it lies in are never apart.
    assert not places.apart("shusha", "nagorno-karabakh")
    assert not places.apart("nagorno-karabakh", "shusha")
    assert not places.apart("kharkiv", "ukraine") and not places.apart("shusha", "shusha")
    assert places.apart("shusha", "ganja") and places.apart("kharkiv", "izium")
    assert places.apart("kyiv", "moscow") and places.apart("tel-aviv", "isfahan")
    assert not places.apart("shusha", "atlantis")  # an unknown place is never apart


@pytest.mark.parametrize(("text", "expected"), [
    ("в Нагорном Карабахе", [("nagorno-karabakh", "Нагорном Карабахе")]),
    ("по Шуше", [("shusha", "Шуше")]),
    ("Şuşada və Xankəndidə", [("shusha", "Şuşada"), ("stepanakert", "Xankəndidə")]),
    ("у Харкові", [("kharkiv", "Харкові")]),
    ("over the Kharkiv region", [("kharkiv-oblast", "Kharkiv region")]),
    ("в Киеве и Крыму", [("kyiv", "Киеве"), ("crimea", "Крыму")]),
    ("Շուշիում", [("shusha", "Շուշիում")]),
    ("near Nevatim in Israel", [("nevatim", "Nevatim"), ("israel", "Israel")]),
])
def test_places_are_matched_inflected_and_in_other_scripts(text, expected):
    assert [(m.entity, m.surface) for m in default_gazetteer().find(text)] == expected


def test_an_analyst_extends_the_gazetteer_with_another_file(tmp_path):
    base = tmp_path / "a.yaml"
    base.write_text("places:\n"
                    "  - {id: donbas, name: Donbas, aliases: [Donbas]}\n"
                    "  - {id: donetsk-oblast, name: Donetsk region, within: donbas,"
                    " aliases: [Donetsk region]}\n"
                    "  - {id: azov-coast, name: Azov coast, overlaps: [donetsk-oblast]}\n"
                    "  - {id: mariupol, name: Mariupol, within: [donetsk-oblast]}\n"
                    "  - {id: berdiansk, name: Berdiansk, within: azov-coast}\n"
                    "  - {id: ukraine-west, name: Western Ukraine}\n", encoding="utf-8")
    extra = tmp_path / "b.yaml"
    extra.write_text("places:\n  - {id: mariupol, aliases: [Маріуполь]}\n", encoding="utf-8")
    places = build_gazetteer([base, extra])
    assert [m.entity for m in places.find("у Маріуполь, Mariupol")] == ["mariupol", "mariupol"]
    assert places.within("mariupol", "donbas")
    # Ground shared by overlapping areas is never taken for two separate places.
    assert not places.apart("berdiansk", "mariupol") and not places.apart("azov-coast", "donbas")
    assert not places.apart("berdiansk", "donbas") and places.apart("berdiansk", "ukraine-west")


@pytest.mark.parametrize(("yaml_text", "problem"), [
    ("places:\n  - {id: a, within: b}\n", "unknown place 'b'"),
    ("places:\n  - {id: a, within: b}\n  - {id: b, within: a}\n", "loops back"),
    ("places:\n  - {id: A}\n", "needs an id"),
    ("places:\n  - {id: a, inside: b}\n", "unknown key 'inside'"),
    ("places:\n  - {id: a, aliases: [no]}\n", "a list of text"),
])
def test_a_broken_gazetteer_is_refused_with_its_problem(tmp_path, yaml_text, problem):
    path = tmp_path / "places.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(GazetteerError, match=problem):
        build_gazetteer([path])


# Time periods

@pytest.mark.parametrize(("text", "first", "last", "words"), [
    ("on 9 November 2020", date(2020, 11, 9), date(2020, 11, 9), "on 9 November 2020"),
    ("on 9 November", date(2022, 11, 9), date(2022, 11, 9), "on 9 November"),
    # A day after the article's date is last year's: news reports the past.
    ("on 28 December", date(2021, 12, 28), date(2021, 12, 28), "on 28 December"),
    ("in October", date(2022, 10, 1), date(2022, 10, 31), "in October"),
    ("in October 2020", date(2020, 10, 1), date(2020, 10, 31), "in October 2020"),
    ("в ноябре 2020 года", date(2020, 11, 1), date(2020, 11, 30), "в ноябре 2020 года"),
    ("в ноябре", date(2022, 11, 1), date(2022, 11, 30), "в ноябре"),
    ("в 2020 году", date(2020, 1, 1), date(2020, 12, 31), "в 2020 году"),
    ("before 10 November", None, date(2022, 11, 9), "before 10 November"),
    ("after 9 November", date(2022, 11, 10), None, "after 9 November"),
    ("до 10 ноября", None, date(2022, 11, 9), "до 10 ноября"),
    ("после 9 ноября", date(2022, 11, 10), None, "после 9 ноября"),
    ("since 24 February", date(2022, 2, 24), None, "since 24 February"),
    ("не ранее 10 ноября", date(2022, 11, 10), None, "не ранее 10 ноября"),
    ("from 27 September to 10 November 2020", date(2020, 9, 27), date(2020, 11, 10),
     "from 27 September to 10 November 2020"),
    ("с 1 по 5 октября", date(2022, 10, 1), date(2022, 10, 5), "с 1 по 5 октября"),
    ("between 1 and 5 October", date(2022, 10, 1), date(2022, 10, 5), "between 1 and 5 October"),
    ("on Tuesday", date(2022, 11, 29), date(2022, 11, 29), "on Tuesday"),
    ("2022-10-10", date(2022, 10, 10), date(2022, 10, 10), "2022-10-10"),
])
def test_time_words_become_periods_of_days(text, first, last, words):
    period = claim_period(fold_aligned(text), PUBLISHED, default_lexicon())
    assert (period.first, period.last, text[period.start : period.end]) == (first, last, words)


@pytest.mark.parametrize("text", ["during the war", "they may have", "2020 missiles",
                                  "ten drones in 44 days", "в ходе конфликта"])
def test_words_without_a_calendar_give_no_period(text):
    assert claim_period(fold_aligned(text), PUBLISHED, default_lexicon()) is None


def test_a_date_without_a_year_needs_the_article_date():
    assert claim_period(fold_aligned("on 9 November"), None, default_lexicon()) is None
    assert claim_period(fold_aligned("on 9 November 2020"), None, default_lexicon()) is not None


# Qualifiers of claims

@pytest.mark.parametrize(("text", "polarity", "place_id", "scope"), [
    ("Kirby said Armenian forces fired Iskander missiles only at Shusha.", "affirm", "shusha", ONLY),
    ("Kirby said Armenian forces fired Iskander missiles at Shusha and nowhere else.", "affirm",
     "shusha", ONLY),
    ("Kirby said Armenian forces fired Iskander missiles at Shusha only.", "affirm", "shusha", ONLY),
    ("Kirby said Armenian forces fired Iskander missiles, but not at Shusha.", "affirm", "shusha",
     NOT),
    ("Kirby said Armenian forces did not fire Iskander missiles at Shusha.", "deny", "shusha", None),
    # "not only" widens; an "only" that leads into a time is the time's, not the place's.
    ("Kirby said Armenian forces fired Iskander missiles not only at Shusha.", "affirm", "shusha",
     None),
    ("Kirby said Armenian forces fired Iskander missiles toward Shusha only at the end of the war.",
     "affirm", "shusha", None),
    ("Игнат заявил, что армянские военные применяли «Искандеры» только по Шуше.", "affirm",
     "shusha", ONLY),
    # The negation is the place's: the predicate stays affirmed.
    ("Игнат заявил, что армянские военные «Искандеры» не по Шуше применяли.", "affirm", "shusha",
     NOT),
    ("Ihnat said Russian forces launched Shahed drones near the city of Odesa.", "affirm", "odesa",
     None),
    ("Ihnat said that in Kharkiv, Russian forces launched Shahed drones.", "affirm", "kharkiv",
     None),
])
def test_place_qualifiers_and_their_scope(detector, text, polarity, place_id, scope):
    frame = frame_of(detector, text)
    assert (frame.polarity, frame.place_id, frame.place_scope) == (polarity, place_id, scope)


def test_a_place_the_gazetteer_does_not_list_is_kept_as_written_without_an_id(detector):
    frame = frame_of(detector, "Kirby said Russian forces fired S-300 missiles at Starobilsk.")
    assert (frame.place, frame.place_id) == ("Starobilsk", None)
    # A place named without a locative word is not where it happened: Russia is the recipient.
    frame = frame_of(detector, "Kirby said Iran supplied Shahed drones to Russia.")
    assert frame.place_id is None


@pytest.mark.parametrize(("text", "words", "start", "end", "scope"), [
    ("Ihnat said Russian forces launched Shahed drones only on 9 October 2022.",
     "on 9 October 2022", date(2022, 10, 9), date(2022, 10, 9), ONLY),
    ("Игнат заявил, что Россия запускала «Шахеды» лишь после 9 ноября.", "после 9 ноября",
     date(2022, 11, 10), None, ONLY),
    ("Ihnat said Russian forces launched Shahed drones, but not before 10 October.",
     "not before 10 October", date(2022, 10, 10), None, None),
    ("Ihnat said Russian forces launched Shahed drones in October.", "in October",
     date(2022, 10, 1), date(2022, 10, 31), None),
    ("Ihnat said Russian forces launched Shahed drones during the war.", "during the war",
     None, None, None),
])
def test_time_qualifiers_and_their_scope(detector, text, words, start, end, scope):
    frame = frame_of(detector, text)
    assert (frame.time, frame.time_start, frame.time_end, frame.time_scope) == (
        words, start, end, scope)


# Conflict rules

def record(statement_id, *, polarity="affirm", speaker="a", place=None, place_scope=None,
           period=None, time_scope=None, quantity=None):
    first, last = period or (None, None)
    return ClaimRecord(statement_id, speaker, speaker.title(), None, "armenia use iskander",
                       polarity, quantity, place, date(2021, 3, statement_id), "wire",
                       place_id=place, place_scope=place_scope,
                       time="the words" if period else None, time_start=first, time_end=last,
                       time_scope=time_scope)


NOV = (date(2020, 11, 1), date(2020, 11, 30))
NOV_9 = (date(2020, 11, 9), date(2020, 11, 9))
NOV_11 = (date(2020, 11, 11), date(2020, 11, 11))
BEFORE_NOV_10 = (None, date(2020, 11, 9))
AFTER_NOV_9 = (date(2020, 11, 10), None)


@pytest.mark.parametrize(("new", "old", "kind"), [
    # Contained places never conflict, whichever side is exclusive.
    (dict(place="shusha"), dict(place="nagorno-karabakh", place_scope=ONLY), None),
    (dict(place="nagorno-karabakh"), dict(place="shusha", place_scope=ONLY), None),
    (dict(place="shusha", place_scope=ONLY), dict(place="shusha"), None),
    # Different places, neither side exclusive: both can be true.
    (dict(place="shusha"), dict(place="ganja"), None),
    (dict(place="shusha", place_scope=ONLY), dict(place="ganja"), PLACE),
    (dict(place="shusha", place_scope=ONLY), dict(place="ganja", place_scope=ONLY), PLACE),
    # Unknown places never conflict.
    (dict(place="shusha", place_scope=ONLY), dict(place="atlantis"), None),
    (dict(place="shusha", place_scope=ONLY), dict(), None),
    # "Not at" a place against that place or one within it.
    (dict(place="shusha", place_scope=NOT), dict(place="shusha"), PLACE),
    (dict(place="nagorno-karabakh", place_scope=NOT), dict(place="shusha"), PLACE),
    (dict(place="shusha", place_scope=NOT), dict(place="nagorno-karabakh"), None),
    (dict(place="shusha", place_scope=NOT), dict(place="ganja"), None),
    (dict(place="shusha", place_scope=NOT), dict(place="ganja", place_scope=NOT), None),
    # Times: overlapping periods never conflict; disjoint ones only when one side excludes.
    (dict(period=NOV_9, time_scope=ONLY), dict(period=NOV_11), TIME),
    (dict(period=NOV, time_scope=ONLY), dict(period=NOV_9), None),
    (dict(period=BEFORE_NOV_10), dict(period=AFTER_NOV_9), None),
    (dict(period=BEFORE_NOV_10, time_scope=ONLY), dict(period=AFTER_NOV_9), TIME),
    (dict(period=BEFORE_NOV_10, time_scope=ONLY), dict(period=NOV_9), None),
    (dict(period=BEFORE_NOV_10, time_scope=NOT), dict(period=NOV_9), TIME),
    (dict(period=NOV_9, time_scope=ONLY), dict(), None),
    # A denial and an affirmation about surely different places or periods agree.
    (dict(polarity="deny", place="shusha"), dict(place="ganja"), None),
    (dict(polarity="deny", place="nagorno-karabakh"), dict(place="shusha"), CONTRADICTION),
    (dict(polarity="deny", place="shusha"), dict(place="nagorno-karabakh"), CONTRADICTION),
    (dict(polarity="deny", place="shusha"), dict(), CONTRADICTION),
    (dict(polarity="deny", place="shusha"), dict(place="shusha", place_scope=NOT), None),
    (dict(polarity="deny", period=BEFORE_NOV_10), dict(period=NOV_11), None),
    (dict(polarity="deny", period=BEFORE_NOV_10), dict(period=NOV_9), CONTRADICTION),
    (dict(polarity="deny", speaker="b", period=NOV), dict(speaker="b", period=NOV_9), REVERSAL),
    # Counts compare for one place or where a side names none.
    (dict(place="shusha", quantity=2), dict(place="ganja", quantity=5), None),
    (dict(place="shusha", quantity=2), dict(place="shusha", quantity=5), QUANTITY),
    (dict(place="shusha", quantity=2), dict(quantity=5), QUANTITY),
    (dict(period=NOV_9, quantity=2), dict(period=NOV_11, quantity=5), None),
])
def test_place_and_time_conflict_rules(new, old, kind):
    old.setdefault("speaker", "b" if new.get("speaker") != "b" else "c")
    verdict = compare(record(2, **new), record(1, **old))
    assert (verdict.kind if verdict else None) == kind
    if verdict is not None:
        assert verdict.explanation.count(". ") == 0 and verdict.explanation.endswith(".")


def test_place_and_time_explanations_name_both_sides_and_the_relation():
    verdict = compare(record(2, speaker="b", place="shusha"),
                      record(1, place="nagorno-karabakh", place_scope=NOT))
    assert verdict.explanation == (
        "A (wire) on 2021-03-01 says 'armenia use iskander' did not happen in Nagorno-Karabakh; "
        "B (wire) on 2021-03-02 says it happened in Shusha, which lies within Nagorno-Karabakh.")
    verdict = compare(record(2, speaker="b", period=NOV_11),
                      record(1, period=NOV_9, time_scope=ONLY))
    assert verdict.explanation == (
        "A (wire) on 2021-03-01 says 'armenia use iskander' happened only 'the words' "
        "(on 2020-11-09); B (wire) on 2021-03-02 says it happened 'the words' (on 2020-11-11), "
        "outside that period.")


def test_every_kind_has_a_one_sentence_meaning():
    for kind in (CONTRADICTION, REVERSAL, QUANTITY, PLACE, TIME):
        assert MEANINGS[kind].endswith(".") and MEANINGS[kind].count(". ") == 0


def test_claims_at_different_places_support_each_other():
    assert agrees(record(2, speaker="b", place="shusha"), record(1, place="ganja"))
    assert not agrees(record(2, speaker="b", place="shusha", place_scope=ONLY),
                      record(1, place="ganja"))


def test_a_case_suffix_does_the_work_of_a_preposition(tmp_path):
    extra = tmp_path / "suffixes.yaml"
    extra.write_text("place_suffixes: [da, də, ում]\n", encoding="utf-8")
    lexicon = build_lexicon(load_lexicon_data([*lexicon_paths(), extra]))

    def place(text, chosen=lexicon):
        where = Qualifiers(text, fold_aligned(text), chosen, default_gazetteer()).place_after(0)
        return where and (where.surface, where.place_id)

    assert place("raketlər Şuşada partladı") == ("Şuşada", "shusha")
    assert place("Շուշիում պայթյուն") == ("Շուշիում", "shusha")
    assert place("Şuşa raketləri") is None  # the bare name: a subject or a modifier
    assert place("raketlər Şuşada partladı", default_lexicon()) is None


def test_every_state_is_a_place_and_disputed_ground_lies_within_its_recognised_state():
    from detection.places import default_gazetteer

    places = default_gazetteer()
    assert places.apart("syria", "libya") and places.apart("yemen", "eritrea")
    assert places.within("abkhazia", "georgia") and not places.apart("kosovo", "serbia")
    # A state already known keeps its place in the hierarchy and gains the new aliases.
    assert places.within("shusha", "azerbaijan")


@pytest.mark.parametrize(("denied", "affirmed", "kind"), [
    # Places no gazetteer lists, as written: one place in two scripts and cases still meets.
    ("Douma", "Думе", CONTRADICTION),
    ("Khan Shaykhun", "Хан-Шейхуне", CONTRADICTION),
    ("al-Watiya", "аль-Ватыйе", CONTRADICTION),
    ("Damascus", "Дамаске", CONTRADICTION),
    # Two different towns: a denial about one says nothing of the other.
    ("Douma", "Khan Shaykhun", None),
    ("Думе", "Damascus", None),
])
def test_places_the_gazetteer_does_not_list_meet_only_when_they_may_be_one(denied, affirmed,
                                                                            kind):
    def unlisted(statement_id, polarity, place):
        return ClaimRecord(statement_id, f"s{statement_id}", "S", None, "anyone use sarin",
                           polarity, None, place, date(2021, 3, 1), "wire")
    verdict = compare(unlisted(2, "deny", denied), unlisted(1, "affirm", affirmed))
    assert (verdict.kind if verdict else None) == kind


def test_a_month_or_a_weekday_after_a_preposition_is_no_place(detector):
    frame = frame_of(detector, "Kirby said Russian forces fired S-300 missiles on Sunday.")
    assert frame.place is None
    frame = frame_of(detector, "Kirby said Russian forces fired S-300 missiles in August at "
                               "Starobilsk.")
    assert frame.place == "Starobilsk"


def places_of(detector, text):
    return [(c.predicate, c.polarity, c.place) for s in detector.detect(text).statements
            for c in s.claims]


def test_claims_with_no_place_take_the_one_place_the_article_names(detector):
    text = ("Kirby said Russian forces fired S-300 missiles at Starobilsk.\n"
            "Ihnat said Russian forces never fired S-300 missiles.")
    assert places_of(detector, text) == [("use", "affirm", "Starobilsk"),
                                          ("use", "deny", "Starobilsk")]
    # Two places named: no telling which one an unplaced claim means.
    text = ("Kirby said Russian forces fired S-300 missiles at Starobilsk.\n"
            "Ihnat said Russian forces fired S-300 missiles at Svatove.\n"
            "Kirby said Russian forces never fired S-300 missiles.")
    assert places_of(detector, text)[-1] == ("use", "deny", None)


def test_with_no_claim_placed_the_town_the_article_is_about_is_lent(detector):
    text = ("The strike in Starobilsk killed four. Rescuers worked in Starobilsk all night.\n"
            "Officials in Kyiv met on Monday.\n"
            "Ihnat said Russian forces never fired S-300 missiles.")
    assert places_of(detector, text) == [("use", "deny", "Starobilsk")]
    # Named no more often than another town: none.
    text = ("The strike in Starobilsk killed four. Rescuers worked in Svatove.\n"
            "Officials met in Svatove and in Starobilsk.\n"
            "Ihnat said Russian forces never fired S-300 missiles.")
    assert places_of(detector, text) == [("use", "deny", None)]
