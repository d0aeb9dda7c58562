"""The traps that turn into false or missed alerts, pinned one by one on strings."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from claimwatch.config import WatchItem, load_config
from detection import Detector
from detection.lexicon import LexiconError, build_lexicon, load_lexicon_data
from detection.transliteration import spelling_variants

ROOT = Path(__file__).parent.parent

WATCHLIST = [
    WatchItem(id="iskander", kind="weapon", name="9K720 Iskander", aliases=["Искандер"]),
    WatchItem(id="lancet", kind="weapon", name="Lancet", aliases=["Ланцет"],
              context=["drone", "дрон", "беспилотник"]),
    WatchItem(id="smerch", kind="weapon", name="Smerch", aliases=["Смерч"]),
    WatchItem(id="armenia", kind="actor", name="Armenia",
              aliases=["Armenia", "Armenian forces", "Армения", "армянские военные"]),
    WatchItem(id="russia", kind="actor", name="Russia", aliases=["Russia", "Россия"]),
    WatchItem(id="azerbaijan", kind="actor", name="Azerbaijan", aliases=["Azerbaijan"]),
    WatchItem(id="russia-mod", kind="actor", name="Russian MoD",
              aliases=["Минобороны России"], member_of="russia"),
    WatchItem(id="konashenkov", kind="actor", name="Igor Konashenkov",
              aliases=["Конашенков"], member_of="russia-mod"),
    WatchItem(id="pashinyan", kind="actor", name="Nikol Pashinyan", aliases=["Փաշինյան"],
              member_of="armenia", roles=["Armenian prime minister", "премьер-министр Армении"]),
]


@pytest.fixture(scope="module")
def detector():
    return Detector(WATCHLIST)


def found_claims(detector, text, published_on=None):
    return [(c.subject, c.predicate, c.object, c.polarity)
            for s in detector.detect(text, published_on).statements for c in s.claims]


def test_names_are_matched_in_other_scripts_than_listed(detector):
    text = "Pashinyan met Konashenkov; Iskander launchers were seen."
    assert [(m.entity, m.surface) for m in detector.detect(text).mentions] == [
        ("pashinyan", "Pashinyan"), ("konashenkov", "Konashenkov"), ("iskander", "Iskander")]
    assert "pashinyan" in spelling_variants("փաշինյան")
    assert "konashenkov" in spelling_variants("конашенков")


def test_russian_cases_of_a_transliterated_name_are_matched(detector):
    text = "Заявление Пашиняна обсуждали вместе с «Искандерами»."
    assert [(m.entity, m.surface) for m in detector.detect(text).mentions] == [
        ("pashinyan", "Пашиняна"), ("iskander", "Искандерами")]


def test_an_ambiguous_alias_needs_its_context(detector):
    journal = "A paper in The Lancet said the clinic treated 40 patients."
    assert detector.detect(journal).mentions == []
    drone = "Officials said a Lancet drone hit the radar."
    assert [m.entity for m in detector.detect(drone).mentions] == ["lancet"]


def test_a_weapon_name_used_as_a_first_name_is_a_person(detector):
    text = "Искандер Мамедов рассказал, что кафе снова открыто."
    result = detector.detect(text)
    assert result.mentions == []
    assert [s.speaker.name for s in result.statements] == ["Искандер Мамедов"]


@pytest.mark.parametrize("text", [
    "Pashinyan declined to say whether Armenian forces fired Iskander missiles.",
    "Konashenkov said it was unclear whether Armenia had used Iskander missiles.",
    "Конашенков заявил, что неизвестно, применялись ли «Искандеры» армянскими военными.",
])
def test_refusals_and_hedges_carry_no_polarity(detector, text):
    assert found_claims(detector, text) == []


@pytest.mark.parametrize("text,polarity", [
    ("Konashenkov said it was not true that Armenian forces never fired Iskanders.", "affirm"),
    ("Konashenkov denied that Armenian forces had not fired Iskanders.", "affirm"),
    ("Конашенков заявил, что неправда, будто «Искандеры» не применялись армянскими военными.",
     "affirm"),
    ("«Ни один „Искандер“ армянскими военными не применялся», — заявил Конашенков.", "deny"),
    ("Konashenkov said Armenian forces had fired no Iskanders.", "deny"),
])
def test_negations_are_counted_and_concord_counts_once(detector, text, polarity):
    assert found_claims(detector, text) == [("armenia", "use", "iskander", polarity)]


def test_remains_found_imply_use(detector):
    text = ("Armenian forces shelled the town in October.\n"
            "Azerbaijan said its deminers found fragments of a Smerch rocket there.")
    assert found_claims(detector, text) == [("armenia", "use", "smerch", "affirm")]


def test_a_quote_in_a_related_stories_line_is_not_attributed(detector):
    text = ("Russia said the talks would resume.\n"
            'Related: "Armenia never fired an Iskander," Konashenkov says')
    statements = detector.detect(text).statements
    assert [s.speaker.id for s in statements] == ["russia"]
    assert found_claims(detector, text) == []


def test_pronoun_refers_to_the_person_who_opened_the_paragraph(detector):
    text = "Pashinyan met reporters in Yerevan. He said Armenian forces never used Iskanders."
    [statement] = detector.detect(text).statements
    assert statement.speaker.id == "pashinyan"


def test_speaker_named_by_a_role_and_a_former_holder_is_not_the_incumbent(detector):
    now = "The Armenian prime minister said Armenian forces fired Iskander missiles."
    [statement] = detector.detect(now).statements
    assert statement.speaker.id == "pashinyan"
    former = ("Karen Avetisyan, the former Armenian prime minister, said Armenian forces "
              "fired Iskander missiles.")
    [statement] = detector.detect(former).statements
    assert statement.speaker.id is None and statement.speaker.name == "Karen Avetisyan"
    assert statement.role == "the former Armenian prime minister"


@pytest.mark.parametrize("text,said_on", [
    ("Konashenkov said on Tuesday that Armenia had used Iskanders.", date(2021, 3, 2)),
    ("Konashenkov said on 18 February that Armenia had used Iskanders.", date(2021, 2, 18)),
    ("Конашенков 28 декабря заявил, что Армения применяла «Искандеры».", date(2020, 12, 28)),
    ("Во вторник Конашенков заявил, что Армения применяла «Искандеры».", date(2021, 3, 2)),
    ("Konashenkov said Armenia had used Iskanders.", date(2021, 3, 4)),
])
def test_said_on_comes_from_the_text_else_the_article_date(detector, text, said_on):
    [statement] = detector.detect(text, published_on=date(2021, 3, 4)).statements
    assert statement.said_on == said_on


def test_a_lexicon_entry_yaml_reads_as_true_or_false_is_refused(tmp_path):
    path = tmp_path / "xx.yaml"
    path.write_text("negations: [no, not]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="negations: False is not text"):
        build_lexicon(load_lexicon_data([path]))


def test_example_watchlist_loads_through_a_config_and_builds_a_detector(tmp_path):
    config_path = tmp_path / "claimwatch.yaml"
    config_path.write_text(yaml.safe_dump({
        "database_url": "sqlite:///x.db",
        "watchlist": str(ROOT / "watchlist.example.yaml"),
    }), encoding="utf-8")
    config = load_config(config_path)
    actors = [w for w in config.watchlist if w.kind == "actor"]
    weapons = [w for w in config.watchlist if w.kind == "weapon"]
    assert len(actors) >= 40 and len(weapons) >= 25
    assert sum(1 for w in actors if w.member_of) >= 30
    detector = Detector(config.watchlist)
    text = "Ermənistan İsgəndərlər işlətdi; Конашенков говорил об «Искандерах»."
    assert {m.entity for m in detector.detect(text).mentions} == {
        "armenia", "iskander", "konashenkov"}


def test_predicate_lemmas_match_forms_whose_stem_changes(detector):
    text = "Конашенков заявил, что российская ПВО собьет любые «Искандеры», запущенные Арменией."
    assert ("armenia", "use", "iskander", "affirm") in found_claims(detector, text)
    lexicon = build_lexicon(load_lexicon_data([ROOT / "detection" / "lexicons" / "ru.yaml"]))
    assert lexicon.predicate_forms["собьют"].name == "intercept"


def test_the_possessor_of_a_spokeswoman_is_not_the_speaker(detector):
    text = "Pashinyan's spokeswoman said Armenian forces fired Iskander missiles."
    assert detector.detect(text).statements == []


def test_detect_command_resolves_dates_against_published(tmp_path):
    from typer.testing import CliRunner

    from claimwatch.cli import app

    text = "Конашенков во вторник заявил, что армянские военные не применяли «Искандеры»."
    result = CliRunner().invoke(app, ["detect", "--published", "2021-03-04"], input=text)
    assert result.exit_code == 0, result.output
    [statement] = json.loads(result.stdout)["statements"]
    assert statement["said_on"] == "2021-03-02" and statement["claims"][0]["polarity"] == "deny"
    refused = CliRunner().invoke(app, ["detect", "--published", "4 March"], input=text)
    assert refused.exit_code == 2


def test_a_bare_title_resolves_through_the_institution_named_before(detector):
    text = ("Armenia marked the anniversary on Sunday.\n"
            "In Yerevan the prime minister said Armenian forces never fired Iskanders.")
    [statement] = detector.detect(text).statements
    assert (statement.speaker.id, statement.role) == ("pashinyan", "prime minister")
    former = "Armenia marked the anniversary. The former prime minister said it was over."
    assert detector.detect(former).statements == []


def test_claims_carry_place_time_and_quantity_qualifiers(detector):
    text = "Konashenkov said Armenian forces fired two Iskanders at Shusha during the war."
    [frame] = [c for s in detector.detect(text).statements for c in s.claims]
    assert (frame.quantity, frame.place, frame.time) == (2, "Shusha", "during the war")
    denial = "Конашенков заявил, что ни один «Искандер» армянскими военными в ходе войны не применялся."
    [frame] = [c for s in detector.detect(denial).statements for c in s.claims]
    assert (frame.polarity, frame.quantity, frame.time) == ("deny", None, "в ходе войны")


@pytest.mark.parametrize("text", [
    "Пашинян заявил, что у Армении нет ни одного «Искандера».",
    "Пашинян заявил, что ни одного «Искандера» у Армении нет.",
])
def test_a_negative_predicate_word_and_concord_are_one_negation(detector, text):
    assert found_claims(detector, text) == [("armenia", "own", "iskander", "deny")]


def test_lexicon_terms_match_as_a_longest_first_list_would():
    from detection.lexicon import compile_terms
    from detection.text import fold

    terms = ["shot down", "shot", "shoot down", "примен*", "применение", "n't", "related:",
             "qeyd edib", "qeyd etdi", "հայտարարել է", "հայտարարեց", "no", "not", "not a single"]
    text = fold("Related: they shot the drone, then shot  down two; применил and применение "
                "weren't not a single one; qeyd etdi, qeyd edibmi; հայտարարել է, հայտարարեցին; "
                "nothing, no")
    plain = "|".join(
        re.escape(t.rstrip("*")).replace(r"\ ", r"\s+")
        + (r"\w*" if t.endswith("*") else (r"(?!\w)" if t[-1].isalnum() else ""))
        for t in sorted(map(fold, terms), key=len, reverse=True))
    expected = [m.group() for m in re.finditer(rf"(?<!\w)(?:{plain})", text)]
    assert [m.group() for m in compile_terms(terms).finditer(text)] == expected
    assert "shot  down" in expected and "not a single" in expected and "применил" in expected
