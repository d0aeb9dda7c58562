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


def test_an_agentless_affirmation_is_anyones_and_the_speakers_own_words_are_his(detector):
    # Someone fired them, the statement does not say who: never an actor named before.
    assert claims(detector, "Armenia denied it. Ivanov said Iskander missiles were fired at "
                            "the town.") == [("anyone", "use", "iskander", "affirm")]
    assert claims(detector, "Иванов заявил, что «Искандеры» были применены.") == [
        ("anyone", "use", "iskander", "affirm")]
    # Words standing for a weapon whose user was named before keep that user.
    assert claims(detector, "Armenian forces fired Iskander missiles at Shusha. Ivanov said "
                            "they were fired too late.") == [
        ("armenia", "use", "iskander", "affirm")]
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


CLASSED = [
    WatchItem(id="russia", kind="actor", name="Russia", aliases=["Russia", "Russian", "российский"]),
    WatchItem(id="georgia", kind="actor", name="Georgia", aliases=["Georgia", "Georgian"]),
    WatchItem(id="petrov", kind="actor", name="Oleg Petrov", aliases=["Petrov", "Петров"],
              member_of="russia"),
    WatchItem(id="beridze", kind="actor", name="Nika Beridze", aliases=["Beridze"],
              member_of="georgia"),
    WatchItem(id="su-25", kind="weapon", name="Su-25", aliases=["Su-25"], weapon_class="aircraft"),
    WatchItem(id="tu-22", kind="weapon", name="Tu-22", aliases=["Tu-22"], weapon_class="aircraft"),
    WatchItem(id="pantsir", kind="weapon", name="Pantsir", aliases=["Pantsir"],
              weapon_class="air-defence"),
]


@pytest.fixture(scope="module")
def classed():
    return Detector(CLASSED)


def losses(detector, text):
    return [(c.proposition, c.polarity, c.quantity)
            for s in detector.detect(text).statements for c in s.claims]


@pytest.mark.parametrize(("text", "expected"), [
    ("Beridze said Georgian air defences shot down 21 Russian aircraft.",
     [("russia lose aircraft", "affirm", 21)]),
    ("Beridze said they had downed six of Russia's jets.", [("russia lose aircraft", "affirm", 6)]),
    ("Петров заявил: «С начала операции мы потеряли четыре самолёта».",
     [("russia lose aircraft", "affirm", 4)]),
    ("Beridze said: \"Our combat jets are intact.\"", [("georgia lose aircraft", "deny", None)]),
    ("Beridze said Georgia lost no aircraft in the fighting.",
     [("georgia lose aircraft", "deny", None)]),
])
def test_an_owned_class_noun_is_what_its_owner_lost(classed, text, expected):
    assert losses(classed, text) == expected


def test_named_weapons_of_a_class_add_up_and_a_maker_is_no_owner(classed):
    assert sorted(losses(classed, "Petrov said Russia lost one Su-25 and one Tu-22.")) == [
        ("russia lose aircraft", "affirm", 2), ("russia lose su-25", "affirm", 1),
        ("russia lose tu-22", "affirm", 1)]
    # Made in Russia, not Russia's: no loss of Russia's.
    found = losses(classed, "Beridze said drones destroyed three Russian-made air-defence systems.")
    assert not any(p.startswith("russia lose") for p, _, _ in found)


def test_a_weapon_that_acts_on_an_object_of_its_own_is_the_instrument(classed):
    # The Pantsirs did the downing; nothing was said of Pantsirs downed.
    assert losses(classed, "Petrov said its Pantsir systems downed eight Georgian drones.") == [
        ("georgia lose drone", "affirm", 8)]
    assert losses(classed, "Beridze said Georgian drones destroyed two Pantsir systems.") == [
        ("georgia intercept pantsir", "affirm", 2)]


def test_a_relative_clause_is_not_what_a_denial_verb_denies(classed):
    text = ("Petrov denied that Russian officers manned the Georgian systems that shot down "
            "Russian planes.")
    assert ("russia lose aircraft", "affirm", None) in losses(classed, text)


def test_only_a_disputed_class_noun_makes_claims_beyond_losses(classed):
    # "missiles" alone says nothing checkable; "chemical weapons" is itself the dispute.
    assert losses(classed, "Petrov said Georgia fired missiles every night.") == []
    assert losses(classed, "Petrov said Georgia had never used chemical weapons.") == [
        ("georgia use chemical-agent", "deny", None)]
    assert losses(classed, "Петров заявил: «Мы никогда не применяли химического оружия».") == [
        ("russia use chemical-agent", "deny", None)]


@pytest.mark.parametrize(("text", "polarity"), [
    ("Ivanov called reports that Armenian forces had fired Iskander missiles nonsense.", "deny"),
    ("Ivanov said claims that Armenian forces used Iskander missiles were false.", "deny"),
    ("Ivanov said: \"Reports that Armenian forces used Iskanders are pure invention.\"", "deny"),
    ("Иванов заявил, что сообщения о том, что Армения применяла «Искандеры», — вымысел.", "deny"),
    ("Иванов заявил, что информация о применении Арменией «Искандеров» — ложь.", "deny"),
    # A denial verb says it once: the verdict does not turn it back.
    ("Ivanov dismissed as fabrications the claims that Armenian forces fired Iskanders.", "deny"),
    ("Ivanov confirmed reports that Armenian forces had fired Iskander missiles.", "affirm"),
])
def test_a_report_the_speaker_calls_false_is_denied(detector, text, polarity):
    assert claims(detector, text) == [("armenia", "use", "iskander", polarity)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Ivanov said there were no Iskander launches during the war.",
     [("anyone", "use", "iskander", "deny")]),
    ("Иванов заявил, что пусков «Искандеров» в ходе войны не было.",
     [("anyone", "use", "iskander", "deny")]),
    ("Ivanov said an Iskander strike on the airfield took place on Tuesday.",
     [("anyone", "use", "iskander", "affirm")]),
    # Without an event noun next to the weapon, "happened" says nothing of its use.
    ("Ivanov said nothing happened to the Iskander launchers.", []),
])
def test_an_event_said_to_have_happened_or_not_is_anyones_use(detector, text, expected):
    assert claims(detector, text) == expected


def test_a_chemical_attack_that_did_not_take_place_denies_every_agents_use(classed):
    assert losses(classed, "Petrov said no chemical attack took place in the town.") == [
        ("anyone use chemical-agent", "deny", None)]
    assert losses(classed, "Петров заявил, что никакой химической атаки в городе не было.") == [
        ("anyone use chemical-agent", "deny", None)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Ivanov said inspectors found the remains of two Iskander missiles which Armenian forces "
     "fired at the depot.", [("armenia use iskander affirm", 2)]),
    ("Ivanov said the Iskander missiles, fired by Armenian forces at dawn, missed.",
     [("armenia use iskander affirm", None)]),
    ("Ivanov said Armenia's use of Iskander missiles was a mistake.",
     [("armenia use iskander affirm", None)]),
    ("Ivanov said Armenian forces launched nine missiles, including three Iskanders.",
     [("armenia use iskander affirm", 3)]),
    ("Иванов заявил, что армянские военные выпустили девять ракет, в том числе три «Искандера».",
     [("armenia use iskander affirm", 3)]),
    ("Иванов заявил, что обломки «Искандеров», которые выпустили армянские военные, нашли у "
     "склада.", [("armenia use iskander affirm", None)]),
])
def test_a_weapon_outside_subject_verb_object_order(detector, text, expected):
    found = [(f"{c.proposition} {c.polarity}", c.quantity)
             for s in detector.detect(text).statements for c in s.claims]
    assert found == expected


def test_any_class_noun_may_be_denied_but_only_a_disputed_one_affirmed(classed):
    assert losses(classed, "Petrov said Russia had sent no aircraft to Georgia.") == [
        ("russia supply aircraft", "deny", None)]
    assert losses(classed, "Petrov said Russia sent aircraft to Georgia.") == []


def test_a_state_adjective_the_watchlist_does_not_list_names_who_acted_not_a_mention():
    watchlist = [
        WatchItem(id="syria", kind="actor", name="Syria", aliases=["Syria", "Сирия"]),
        WatchItem(id="sidorov", kind="actor", name="Pyotr Sidorov", aliases=["Sidorov", "Сидоров"]),
    ]
    detector = Detector(watchlist)
    text = "Сидоров заявил: «Никаких химических боеприпасов сирийские самолёты не применяли»."
    found = detector.detect(text)
    assert [(c.proposition, c.polarity) for s in found.statements for c in s.claims] == [
        ("syria use chemical-agent", "deny")]
    # "сирийские" is read for the claim; the state is not mentioned by name.
    assert {m.entity for m in found.mentions} == {"sidorov"}
    english = detector.detect("Sidorov said Syrian jets had never dropped chemical weapons.")
    assert [(c.proposition, c.polarity) for s in english.statements for c in s.claims] == [
        ("syria use chemical-agent", "deny")]


def test_a_ship_or_a_weapon_fired_at_is_the_target_not_what_was_used():
    watchlist = [
        WatchItem(id="rebels", kind="actor", name="Rebels", aliases=["rebels", "повстанцы"]),
        WatchItem(id="lee", kind="actor", name="Dana Lee", aliases=["Lee", "Ли"]),
        WatchItem(id="fortune", kind="weapon", name="MV Fortune", aliases=["Fortune", "Фортуна"],
                  weapon_class="ship"),
        WatchItem(id="patriot", kind="weapon", name="Patriot", aliases=["Patriot"],
                  weapon_class="air-defence"),
    ]
    detector = Detector(watchlist)

    def read(text):
        return [(c.proposition, c.polarity) for s in detector.detect(text).statements
                for c in s.claims]

    assert read("Lee said the rebels fired two missiles at the cargo ship Fortune.") == [
        ("rebels strike fortune", "affirm")]
    assert read("Lee said the Fortune had not been hit.") == [("anyone strike fortune", "deny")]
    assert read("Ли заявил, что повстанцы нанесли удар по судну «Фортуна».") == [
        ("rebels strike fortune", "affirm")]
    assert read("Lee said the rebels fired at a Patriot battery.") == [
        ("rebels strike patriot", "affirm")]


def test_a_part_of_a_whole_counts_the_part(detector):
    found = [(c.proposition, c.quantity) for s in detector.detect(
        "Ivanov said Armenian forces fired 12 of their 40 Iskander missiles.").statements
        for c in s.claims]
    assert found == [("armenia use iskander", 12)]
    found = [(c.proposition, c.quantity) for s in detector.detect(
        "Иванов заявил, что армянские военные выпустили 12 из 40 «Искандеров».").statements
        for c in s.claims]
    assert found == [("armenia use iskander", 12)]


@pytest.mark.parametrize("text", [
    "Ivanov said his government had never used Iskander missiles.",
    "Ivanov said their forces had never used Iskander missiles.",
    "Иванов заявил, что его правительство никогда не применяло «Искандеры».",
])
def test_the_speakers_side_in_the_third_person_is_his(detector, text):
    # Armenia named before is not who "his government" is.
    assert claims(detector, f"Armenia was accused. {text}") == [
        ("russia", "use", "iskander", "deny")]


def test_a_sentence_inside_a_quote_ends_the_clause_before_it(detector):
    # The weapon opening the next sentence is not what "there were no launches" is about.
    text = ("Иванов заявил: «Пусков «Искандеров» не было. Ракеты «Точка» лежали на складе».")
    assert claims(detector, text) == [("anyone", "use", "iskander", "deny")]


@pytest.mark.parametrize(("text", "expected"), [
    # No trace at all: nobody used it, whoever looked.
    ("Ivanov said Russian experts found no trace of Iskander missiles in the town.",
     [("anyone", "use", "iskander", "deny")]),
    ("Иванов заявил, что эксперты не нашли следов «Искандеров».",
     [("anyone", "use", "iskander", "deny")]),
    # Remains with no user named: somebody used it, never who found them.
    ("Ivanov said Russian deminers found fragments of an Iskander near the town.",
     [("anyone", "use", "iskander", "affirm")]),
    # With the user named, the named claim says it all.
    ("Ivanov said deminers found fragments of an Iskander, fired by Armenian forces.",
     [("armenia", "use", "iskander", "affirm")]),
])
def test_remains_and_their_absence_speak_of_use(detector, text, expected):
    assert claims(detector, text) == expected


@pytest.mark.parametrize("text", [
    "Ivanov said Armenia was responsible for the Iskander strike on the town.",
    "Ivanov said it was clear that Armenia was behind the Iskander attack.",
    "Иванов заявил, что Армения несёт ответственность за удар «Искандером».",
])
def test_responsibility_for_an_attack_is_its_use(detector, text):
    assert claims(detector, text) == [("armenia", "use", "iskander", "affirm")]


def test_a_perfect_auxiliary_is_no_owning_but_had_with_a_count_is(detector):
    assert claims(detector, "Ivanov said Russian experts have shown the Iskander to "
                            "attaches.") == []
    assert claims(detector, "Ivanov said Armenia had ten Iskander missiles.") == [
        ("armenia", "own", "iskander", "affirm")]


@pytest.mark.parametrize(("text", "expected"), [
    # Who is sure of a use is not who used it.
    ("Иванов заявил, что Россия уверена в применении «Искандеров».",
     [("anyone", "use", "iskander", "affirm")]),
    ("Ivanov said Russia was sure of the use of Iskander missiles.",
     [("anyone", "use", "iskander", "affirm")]),
    # The actor right before the noun, after "by", or in the Russian instrumental after it.
    ("Ivanov said Armenia's use of Iskander missiles was proven.",
     [("armenia", "use", "iskander", "affirm")]),
    ("Ivanov said the use of Iskander missiles by Armenia was proven.",
     [("armenia", "use", "iskander", "affirm")]),
    ("Иванов заявил, что применение Арменией «Искандеров» доказано.",
     [("armenia", "use", "iskander", "affirm")]),
])
def test_a_predicate_named_as_a_noun_has_the_agent_its_noun_phrase_gives(detector, text,
                                                                       expected):
    assert claims(detector, text) == expected


def test_a_hedge_holds_for_its_own_clause_not_for_the_statement(detector):
    text = ("Ivanov said Armenia fired Iskander missiles at Shusha; that they also fired Tochka "
            "missiles may be true.")
    assert claims(detector, text) == [("armenia", "use", "iskander", "affirm")]
    assert claims(detector, "Ivanov said Armenia may have fired Iskander missiles.") == []
    assert claims(detector, "Ivanov declined to confirm that Armenia fired Iskanders.") == []


def test_a_class_noun_may_stand_for_a_weapon_of_its_class_named_a_paragraph_before():
    watchlist = [*WATCHLIST,
                 WatchItem(id="eisenhower", kind="weapon", name="USS Dwight D. Eisenhower",
                           aliases=["Eisenhower"], **{"class": "ship"})]
    detector = Detector(watchlist)
    text = ("Armenia said it had fired missiles at the aircraft carrier Eisenhower.\n"
            "Ivanov said Armenian forces had hit the carrier twice.")
    found = detector.detect(text).statements
    assert [(c.subject, c.predicate, c.object) for c in found[-1].claims] == [
        ("armenia", "strike", "eisenhower")]
    # Only a weapon of that class: "the carrier" is no Iskander.
    text = ("Armenia said it had fired Iskander missiles.\n"
            "Ivanov said Armenian forces had hit the carrier twice.")
    assert detector.detect(text).statements[-1].claims == []


def test_a_subject_shared_across_and_and_a_target_named_before_is_no_user():
    watchlist = [*WATCHLIST,
                 WatchItem(id="eisenhower", kind="weapon", name="USS Dwight D. Eisenhower",
                           aliases=["Eisenhower", "Эйзенхауэр"], **{"class": "ship"})]
    detector = Detector(watchlist)
    # "its forces" is the subject of "a precise and direct hit" too: not Armenia, named before.
    text = ("Armenia protested. Ivanov said its forces had scored a precise and direct hit on "
            "the Eisenhower.")
    assert claims(detector, text) == [("russia", "strike", "eisenhower", "affirm")]
    # The ship named before was hit by nobody named: its owner did not hit it.
    text = ("Армения отправила авианосец «Эйзенхауэр» в море.\n"
            "Иванов заявил, что по кораблю был нанесён удар.")
    assert claims(detector, text) == [("anyone", "strike", "eisenhower", "affirm")]
