"""Weapon anaphora: pronouns and generic nouns in a claim take the weapon named before them."""

from __future__ import annotations

import pytest

from claimwatch.config import WatchItem
from detection import Detector
from detection.anaphora import find_anaphors
from detection.lexicon import (
    LexiconError,
    build_lexicon,
    default_lexicon,
    lexicon_paths,
    load_lexicon_data,
)
from detection.text import fold_aligned

WATCHLIST = [
    WatchItem(id="smerch", kind="weapon", name="Smerch", aliases=["Смерч"]),
    WatchItem(id="tochka-u", kind="weapon", name="Tochka-U", aliases=["Точка-У"]),
    WatchItem(id="kinzhal", kind="weapon", name="Kinzhal", aliases=["Кинжал"]),
    WatchItem(id="shahed", kind="weapon", name="Shahed-136", aliases=["Shahed", "Шахед"]),
    WatchItem(id="iris-t", kind="weapon", name="IRIS-T", aliases=["IRIS-T"]),
    WatchItem(id="caesar", kind="weapon", name="CAESAR", aliases=["CAESAR"]),
    WatchItem(id="armenia", kind="actor", name="Armenia",
              aliases=["Armenia", "Armenian forces", "армянские военные"]),
    WatchItem(id="azerbaijan", kind="actor", name="Azerbaijan",
              aliases=["Azerbaijan", "Azerbaijani forces", "Азербайджан"]),
    WatchItem(id="russia", kind="actor", name="Russia",
              aliases=["Russia", "Russian forces", "Россия"]),
    WatchItem(id="ukraine", kind="actor", name="Ukraine", aliases=["Ukraine", "Украина"]),
    WatchItem(id="hajiyev", kind="actor", name="Hikmet Hajiyev",
              aliases=["Hajiyev", "Гаджиев"], member_of="azerbaijan"),
    WatchItem(id="ihnat", kind="actor", name="Yuriy Ihnat", aliases=["Ihnat", "Игнат"],
              member_of="ukraine"),
    WatchItem(id="stepanyan", kind="actor", name="Shushan Stepanyan",
              aliases=["Stepanyan", "Степанян"], member_of="armenia"),
]


@pytest.fixture(scope="module")
def detector():
    return Detector(WATCHLIST)


def frames(detector, text):
    return [c for s in detector.detect(text).statements for c in s.claims]


def claims(detector, text):
    return [(c.subject, c.predicate, c.object, c.polarity) for c in frames(detector, text)]


def test_a_pronoun_takes_the_weapon_of_the_sentence_before_and_points_to_both(detector):
    text = ("Armenian forces fired Smerch rockets at Barda overnight. "
            "Hajiyev said they were fired late and they barely exploded.")
    found = frames(detector, text)
    assert [(c.subject, c.predicate, c.object, c.polarity) for c in found] == [
        ("armenia", "use", "smerch", "affirm"), ("smerch", "explode", "smerch", "affirm")]
    use, explode = found
    # Explainable: the weapon's name and the words that refer to it, both with offsets.
    assert (use.object_mention.surface, use.anaphor.surface) == ("Smerch", "they")
    assert text[use.object_mention.start:use.object_mention.end] == "Smerch"
    assert text[use.anaphor.start:use.anaphor.end] == "they"
    assert explode.anaphor.start == text.index("they barely")
    exported = detector.detect(text).as_dict()["statements"][0]["claims"][0]
    assert exported["anaphor"] == {"surface": "they", "start": use.anaphor.start,
                                   "end": use.anaphor.end}
    assert exported["object_mention"]["surface"] == "Smerch"


def test_a_claim_naming_its_weapon_has_no_anaphor(detector):
    text = "Hajiyev said Armenian forces fired Smerch rockets at Barda."
    [frame] = frames(detector, text)
    assert frame.anaphor is None
    assert text[frame.object_mention.start:frame.object_mention.end] == "Smerch"


@pytest.mark.parametrize("text,expected,words", [
    ("Армянские военные выпустили по Барде ракеты «Смерч». Гаджиев заявил, что они не "
     "взорвались.", ("smerch", "explode", "smerch", "deny"), "они"),
    ("Армянские военные выпустили по Барде ракеты «Смерч». Гаджиев заявил, что эти ракеты не "
     "взорвались.", ("smerch", "explode", "smerch", "deny"), "эти ракеты"),
    # No articles in Russian: a bare noun before its verb refers back.
    ("Армянские военные применили «Смерч». Гаджиев заявил, что ракеты не взорвались.",
     ("smerch", "explode", "smerch", "deny"), "ракеты"),
    ("Россия запустила «Шахеды». Игнат сообщил, что их сбили над морем.",
     ("ukraine", "intercept", "shahed", "affirm"), "их"),
])
def test_russian_pronouns_demonstratives_and_bare_nouns(detector, text, expected, words):
    [frame] = [f for f in frames(detector, text) if f.anaphor is not None][:1]
    assert (frame.subject, frame.predicate, frame.object, frame.polarity) == expected
    assert frame.anaphor.surface == words


@pytest.mark.parametrize("text", [
    "Armenian forces fired Smerch rockets at Barda.\nHajiyev said they did not explode.",
    "Армянские военные выпустили ракеты «Смерч».\nГаджиев заявил, что они не взорвались.",
])
def test_nothing_refers_across_paragraphs(detector, text):
    assert claims(detector, text) == []


def test_a_pronoun_that_speaks_is_a_person_not_a_weapon():
    lexicon = default_lexicon()
    folded = fold_aligned("they said the missiles failed")
    assert [folded[a.start:a.end] for a in find_anaphors(folded, lexicon, [])] == [
        "the missiles"]
    folded = fold_aligned("они заявили, что ракеты не взорвались")
    assert [folded[a.start:a.end] for a in find_anaphors(folded, lexicon, [])] == ["ракеты"]


def test_a_subject_pronoun_before_an_active_verb_acted(detector):
    text = ("Azerbaijan says Armenian forces fired Smerch rockets at Barda. "
            "Stepanyan said they had never targeted civilians.")
    assert claims(detector, text) == [("armenia", "use", "smerch", "affirm")]
    russian = ("Азербайджан заявил, что армянские военные применили «Смерч». "
               "Степанян заявила, что они не обстреливали жилые дома.")
    assert claims(detector, russian) == [("armenia", "use", "smerch", "affirm")]


def test_weapons_that_acted_are_used_but_not_intercepted(detector):
    fired = ("Armenian forces moved Smerch launchers to the front. "
             "Hajiyev said the launchers had fired at Tartar.")
    assert claims(detector, fired) == [("armenia", "use", "smerch", "affirm")]
    # The systems shot the drones down; nothing says the systems were shot down.
    shot = ("Germany delivered IRIS-T systems to Ukraine. "
            "Ihnat said the systems shot down 20 drones overnight.")
    assert claims(detector, shot) == []


def test_a_noun_of_one_kind_skips_a_weapon_of_another(detector):
    text = ("Russia fired Shahed drones and Kinzhal missiles at Kyiv. "
            "Ihnat said the drones were shot down and the missiles were not.")
    found = frames(detector, text)
    assert [(c.object, c.anaphor.surface) for c in found] == [("shahed", "the drones")]
    kinds = ("Russia fired Kinzhal missiles and Shahed drones at Kyiv. "
             "Ihnat said the missiles were shot down.")
    assert claims(detector, kinds) == [("ukraine", "intercept", "kinzhal", "affirm")]


def test_a_plural_pronoun_skips_a_weapon_named_as_one(detector):
    text = ("Armenian forces fired Smerch rockets at Barda and a Tochka-U missile at Ganja. "
            "Hajiyev said they were fired from the north.")
    [frame] = frames(detector, text)
    assert (frame.object, frame.anaphor.surface) == ("smerch", "they")
    single = "A Tochka-U missile hit a field near Barda. Hajiyev said it did not explode."
    [frame] = frames(detector, single)
    # "it" stands for the missile here, so it does not make the speaker's side the subject.
    assert (frame.subject, frame.predicate, frame.polarity) == ("tochka-u", "explode", "deny")


@pytest.mark.parametrize("text", [
    # English: bare or counted nouns are new ones, before or after the verb.
    "Russia launched Shahed drones at Odesa. Ihnat said air defences shot down eight drones.",
    "Ukraine received IRIS-T systems. Ihnat said Russia still launched missiles every night.",
    "Ukraine received IRIS-T systems. Ihnat said eight drones were shot down.",
    "Ukraine received IRIS-T systems. Ihnat said missiles were shot down over Lviv.",
    # Russian: a number or an adjective before it, or its place after the verb, makes a new one.
    "Украина получила комплексы IRIS-T. Игнат сообщил, что ПВО сбила пять ракет.",
    "Украина получила комплексы IRIS-T. Игнат сообщил, что пять ракет были сбиты.",
    "Украина получила комплексы IRIS-T. Игнат сообщил, что российские ракеты не взорвались.",
    "Украина получила комплексы IRIS-T. Игнат сообщил, что ПВО ночью сбила ракету.",
])
def test_new_referents_do_not_refer_back(detector, text):
    assert claims(detector, text) == []


@pytest.mark.parametrize("text", [
    "Россия получила «Шахеды». Игнат сообщил, что их позиции никто не обстреливал.",
    # "их ракеты" are their missiles, not the IRIS-T named before.
    "Украина получила комплексы IRIS-T. Игнат сообщил, что Россия запустила их ракеты по Киеву.",
])
def test_a_possessive_pronoun_is_not_the_weapon(detector, text):
    assert claims(detector, text) == []


def test_an_order_to_use_them_is_not_a_use(detector):
    text = ("Armenia kept Tochka-U missiles near Yerevan. "
            "Stepanyan said the army was never ordered to use them.")
    assert claims(detector, text) == []


def test_the_lexicon_decides_which_nouns_refer(tmp_path):
    text = ("Russian forces captured CAESAR howitzers near Avdiivka. "
            "Ihnat said the howitzers were destroyed before the retreat.")
    assert claims(Detector(WATCHLIST), text) == []
    extra = tmp_path / "artillery.yaml"
    extra.write_text("anaphora:\n  nouns:\n    artillery: [howitzer, howitzers]\n",
                     encoding="utf-8")
    lexicon = build_lexicon(load_lexicon_data([*lexicon_paths(), extra]))
    [frame] = frames(Detector(WATCHLIST, lexicon), text)
    assert (frame.subject, frame.predicate, frame.object) == ("ukraine", "intercept", "caesar")
    assert frame.anaphor.surface == "the howitzers"


def test_an_unknown_key_in_the_anaphora_section_is_refused(tmp_path):
    path = tmp_path / "xx.yaml"
    path.write_text("anaphora:\n  pronoun: [they]\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown key"):
        load_lexicon_data([path])


def test_every_bundled_lexicon_has_anaphora_cues():
    data = load_lexicon_data([p for p in lexicon_paths() if p.stem in ("en", "ru")])
    assert {kind for kind, _ in data["anaphora"]["nouns"]} >= {"missile", "drone", "any"}
    assert set(data["anaphora"]["pronouns"]) == {"plural", "singular"}
