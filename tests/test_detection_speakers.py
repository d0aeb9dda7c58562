"""Speakers as news names them: appositions, titles, surnames after a full name."""

from __future__ import annotations

import pytest

from claimwatch.config import WatchItem
from detection import Detector

WATCHLIST = [
    WatchItem(id="iskander", kind="weapon", name="Iskander", aliases=["Iskander", "Искандер"]),
    WatchItem(id="armenia", kind="actor", name="Armenia", aliases=["Armenia", "Армения"]),
    WatchItem(id="russia", kind="actor", name="Russia", aliases=["Russia", "Россия"]),
    WatchItem(id="iran", kind="actor", name="Iran", aliases=["Iran"]),
]


@pytest.fixture(scope="module")
def detector():
    return Detector(WATCHLIST)


def speakers(detector, text):
    return [(s.speaker.id, s.speaker.name) for s in detector.detect(text).statements]


def test_a_name_closing_an_apposition_is_the_speaker_and_what_follows_that_is_not(detector):
    text = ("A former Armenian defence official, Movses Hakobyan, said that Armenia had fired "
            "Iskander missiles during the war.")
    found = detector.detect(text).statements
    assert [(s.speaker.id, s.speaker.name) for s in found] == [(None, "Movses Hakobyan")]
    assert [(c.subject, c.predicate, c.object, c.polarity) for c in found[0].claims] == [
        ("armenia", "use", "iskander", "affirm")]


def test_a_place_at_the_end_of_an_apposition_is_not_the_speaker(detector):
    text = "Karen Vardanyan, a defence analyst in Armenia, said the war was lost in the air."
    assert speakers(detector, text) == [(None, "Karen Vardanyan")]


def test_titles_are_not_part_of_a_name(detector):
    text = ("The army spokesman, Colonel Ivan Petrov, said Russia had fired Iskander missiles "
            "at the town.")
    assert speakers(detector, text) == [(None, "Ivan Petrov")]


def test_a_lone_surname_after_the_full_name_is_that_person(detector):
    text = ("Hillary Clinton visited the region on Monday.\n"
            "Clinton said Russia had supplied Iskander systems to Armenia.")
    assert speakers(detector, text) == [(None, "Hillary Clinton")]
    # Without the full name first, a capitalised word before "said" is nobody.
    assert speakers(detector, "Officials said Russia had supplied Iskander systems.") == []


def test_a_declined_russian_surname_stands_for_the_full_name(detector):
    text = ("На брифинге выступил Мовсес Акопян.\n"
            "По словам Акопяна, Армения применяла «Искандеры».")
    assert speakers(detector, text) == [(None, "Мовсес Акопян")]


def test_a_titled_surname_is_a_speaker_without_a_full_name(detector):
    assert speakers(detector, "General Nogovitsyn said Iran had no Iskander systems.") == [
        (None, "Nogovitsyn")]


def test_a_dateline_in_capitals_and_an_honorific_are_not_names(detector):
    text = ("ABU DHABI, Jan 12 - Russia had supplied Iskander systems to Iran, Ali Saleh said.\n"
            "Mr Saleh said Iran had no Iskander missiles.")
    assert speakers(detector, text) == [(None, "Ali Saleh"), (None, "Ali Saleh")]


def test_an_institution_after_a_title_in_an_apposition_is_not_the_speaker():
    detector = Detector(WATCHLIST + [
        WatchItem(id="russia-mod", kind="actor", name="Russian MoD",
                  aliases=["Минобороны России"], member_of="russia"),
        WatchItem(id="konashenkov", kind="actor", name="Igor Konashenkov",
                  aliases=["Конашенков"], member_of="russia-mod")])
    text = ("Игорь Конашенков, официальный представитель Минобороны России, заявил, что "
            "Армения не применяла «Искандеры».")
    assert speakers(detector, text) == [("konashenkov", "Igor Konashenkov")]


def test_names_of_one_noun_phrase_speak_through_its_head():
    detector = Detector(WATCHLIST + [
        WatchItem(id="orlov", kind="actor", name="Pavel Orlov", aliases=["Павел Орлов"],
                  member_of="russia"),
        WatchItem(id="staff", kind="actor", name="Armenian General Staff",
                  aliases=["Armenian General Staff"], member_of="armenia"),
        WatchItem(id="sarkis", kind="actor", name="Sarkis Danielyan",
                  aliases=["Sarkis Danielyan"], member_of="staff")])
    # The last name of the phrase is its head ...
    text = ("Постпред России при ОДКБ Павел Орлов, выступая в Ереване, заявил, что Армения "
            "не получала «Искандеры».")
    assert speakers(detector, text) == [("orlov", "Pavel Orlov")]
    # ... unless a preposition makes it a modifier of the name before it.
    text = "General Sarkis Danielyan of the Armenian General Staff said Iran had no Iskanders."
    assert speakers(detector, text) == [("sarkis", "Sarkis Danielyan")]


def test_a_name_after_a_preposition_is_not_the_speaker(detector):
    text = "«Армения применяла «Искандеры» в ходе войны», — сказал генерал на брифинге в России."
    assert speakers(detector, text) == []
    # A Russian plural verb with no subject speaks for the place: "in Moscow they deny it".
    assert speakers(detector, "В России это по-прежнему отрицают.") == [("russia", "Russia")]


def test_a_capitalised_speech_verb_is_part_of_a_name(detector):
    # "States" in a country's name is no speech verb: the sentence has no speaker.
    text = "Neither Armenia nor the Iskander's makers in the Federated States took part."
    assert speakers(detector, text) == []


def test_a_name_closing_an_apposition_speaks_across_an_auxiliary(detector):
    text = ("Iran bought Iskanders too, a fact Armenia's defence minister, Aram Sargsyan, "
            "has acknowledged.")
    assert speakers(detector, text) == [(None, "Aram Sargsyan")]


def test_written_and_called_for_are_speech_in_russian(detector):
    text = "Мовсес Акопян написал в соцсетях, что Армения не получала «Искандеры» от России."
    assert speakers(detector, text) == [(None, "Мовсес Акопян")]


def test_he_said_after_an_introductory_phrase_is_the_clause_subject(detector):
    text = ("Hillary Clinton spoke on Monday.\n"
            "At a briefing in Iran, Colonel-General Aram Sargsyan, the deputy chief of staff, "
            "was asked about the missiles. \"Armenia never had Iskander systems,\" he said.")
    assert speakers(detector, text)[-1] == (None, "Aram Sargsyan")


def test_a_relative_clause_gives_the_name_before_it_a_statement_of_its_own(detector):
    text = ("Генерал Мовсес Акопян отверг выводы Армении, которая обвинила Россию в применении "
            "«Искандеров».")
    assert speakers(detector, text) == [(None, "Мовсес Акопян"), ("armenia", "Armenia")]


def test_a_bare_title_refers_back_to_whoever_spoke_last(detector):
    text = ('Colonel Ivan Petrov said Russia had fired Iskander missiles.\n'
            '"Armenia had none left," the colonel added.')
    assert speakers(detector, text) == [(None, "Ivan Petrov"), (None, "Ivan Petrov")]
    # A name only mentioned before is no antecedent of a bare title.
    text = "Russia and Iran traded accusations. The spokesman said Iskanders had been fired."
    assert speakers(detector, text) == []


def test_a_lede_summing_up_a_member_s_statement_is_not_the_institution_s_own():
    detector = Detector(WATCHLIST + [
        WatchItem(id="armenia-mfa", kind="actor", name="Armenian MFA",
                  aliases=["Armenian Foreign Ministry"], member_of="armenia"),
        WatchItem(id="badalyan", kind="actor", name="Ani Badalyan", aliases=["Ani Badalyan"],
                  member_of="armenia-mfa")])
    text = ("Armenia denies it received Iskander systems\n"
            "YEREVAN, May 3 - Armenia on Friday denied reports that Russia had sent it Iskander "
            "systems.\n"
            "\"Armenia received no such systems,\" Armenian Foreign Ministry spokeswoman Ani "
            "Badalyan told reporters.")
    assert speakers(detector, text) == [("badalyan", "Ani Badalyan")]
    # Without a member of the institution speaking in the body, the lede's statement stays.
    assert set(speakers(detector, text.rsplit("\n", 1)[0])) == {("armenia", "Armenia")}


def test_the_owner_of_the_subject_is_not_the_speaker(detector):
    text = "Russia's forces said Armenia had fired Iskander missiles."
    assert speakers(detector, text) == []


def test_a_source_phrase_names_the_head_of_its_noun_phrase():
    detector = Detector(WATCHLIST + [
        WatchItem(id="storm", kind="actor", name="Operation Storm", aliases=["Буря"],
                  member_of="armenia"),
        WatchItem(id="gevorgyan", kind="actor", name="Aram Gevorgyan",
                  aliases=["Арам Геворгян", "Арама Геворгяна"], member_of="storm")])
    text = "По данным представителя операции «Буря» Арама Геворгяна, Армения не получала «Искандеры»."
    assert speakers(detector, text) == [("gevorgyan", "Aram Gevorgyan")]


def test_a_name_does_not_run_across_a_line_break(detector):
    text = ("Russia fired Iskanders near Gyumri\n"
            "GYUMRI, May 3 - Diplomats say Russia had fired Iskander missiles.")
    assert speakers(detector, text) == []


def test_a_russian_speaker_may_follow_the_verb_when_nobody_precedes_it(detector):
    text = ("Армения не получала «Искандеры». Об этом во вторник заявил официальный "
            "представитель генерал Мовсес Акопян.")
    assert speakers(detector, text) == [(None, "Мовсес Акопян")]
    # In English a name right after "said" is what was said about.
    assert speakers(detector, "The spokeswoman said Armenia had fired Iskanders.") == []


def test_a_parenthetical_source_and_a_pronoun_source_name_the_speaker(detector):
    text = ("Мовсес Акопян заявил, что Армения не получала «Искандеры».\n"
            "По его словам, Россия поставила их Ирану. На складах, как уточнил Акопян, ракет "
            "нет.")
    assert speakers(detector, text) == [(None, "Мовсес Акопян")] * 3


def test_a_report_s_author_concludes_and_an_imperfective_reports():
    detector = Detector(WATCHLIST + [
        WatchItem(id="panel", kind="actor", name="Arms Panel", aliases=["Arms Panel",
                  "группа по вооружениям"])])
    text = "A report by the Arms Panel concluded that Russia had sent Iskander systems to Iran."
    assert speakers(detector, text) == [("panel", "Arms Panel")]
    text = ("Ранее группа по вооружениям в своем закрытом докладе Совету Европы сообщала, что "
            "Россия поставляла «Искандеры» Ирану.")
    assert speakers(detector, text) == [("panel", "Arms Panel")]


def test_a_name_starts_after_the_last_title_before_it(detector):
    text = "Armenian Foreign Minister Movses Hakobyan said Iran had no Iskander systems."
    assert speakers(detector, text) == [(None, "Movses Hakobyan")]
    text = "Navy Captain Aram Petrosyan said Iran had no Iskander systems."
    assert speakers(detector, text) == [(None, "Aram Petrosyan")]


def test_a_lone_surname_of_a_watchlist_actor_is_that_actor():
    detector = Detector(WATCHLIST + [
        WatchItem(id="petrosyan", kind="actor", name="Aram Petrosyan",
                  aliases=["Captain Aram Petrosyan", "Aram Petrosyan"], member_of="armenia")])
    text = ("Captain Aram Petrosyan spoke on Monday.\n"
            "Mr Petrosyan said Iran had no Iskander systems.")
    assert speakers(detector, text) == [("petrosyan", "Aram Petrosyan")]


def test_an_institution_off_the_watchlist_speaks_as_written(detector):
    text = "Two Iskander missiles hit the port, the Freedonian navy said."
    assert speakers(detector, text) == [(None, "the Freedonian navy")]
    # Unnamed people, and an institution of a name already weighed, are nobody's.
    assert speakers(detector, "Two Iskander missiles hit the port, officials said.") == []
    assert speakers(detector, "Russia's military said Iskanders hit the port.") == []


def test_a_name_opening_the_sentence_before_an_apposition_is_the_speaker(detector):
    text = "Korvex, an Iranian shipping insurer, said Russia had sent Iskander systems."
    assert speakers(detector, text) == [(None, "Korvex")]


PEOPLE = [
    *WATCHLIST,
    WatchItem(id="peskov", kind="actor", name="Dmitry Peskov",
              aliases=["Dmitry Peskov", "Дмитрий Песков"], member_of="russia"),
    WatchItem(id="jim", kind="actor", name="Joint Investigative Mechanism",
              aliases=["Joint Investigative Mechanism", "Совместный механизм расследования"]),
]


@pytest.mark.parametrize("text", [
    # A titled name opening a sentence without speaking is whom "он" stands for.
    "Пресс-секретарь президента России Дмитрий Песков от прямого ответа уклонился. "
    "«Мы не участвуем в этом споре», — сказал он.",
    "Пресс-секретарь президента России Дмитрий Песков в среду уклонился от ответа. "
    "Он подчеркнул, что Россия не применяла «Искандеры».",
])
def test_a_pronoun_stands_for_the_titled_name_that_opened_the_sentence_before(text):
    assert speakers(Detector(PEOPLE), text) == [("peskov", "Dmitry Peskov")]


@pytest.mark.parametrize(("text", "expected"), [
    ("The Joint Investigative Mechanism met on Monday. The mechanism said Armenia fired "
     "Iskander missiles.", [("jim", "Joint Investigative Mechanism")]),
    ("Совместный механизм расследования собрался в понедельник. Механизм заявил, что Армения "
     "применяла «Искандеры».", [("jim", "Joint Investigative Mechanism")]),
    # A description with no name before it to stand for is nobody's.
    ("Reporters gathered on Monday. The mechanism said Armenia fired Iskander missiles.", []),
])
def test_a_description_by_a_word_of_a_name_named_before_is_that_actor(text, expected):
    assert speakers(Detector(PEOPLE), text) == expected


def test_a_speech_verb_after_a_plural_marker_is_a_noun():
    text = ("Dmitry Peskov was categorical. In a letter to member states he wrote that Armenia "
            "fired Iskander missiles.")
    assert speakers(Detector(PEOPLE), text) == [("peskov", "Dmitry Peskov")]


def test_dashed_answers_of_an_interview_are_the_interviewees_and_questions_are_not():
    text = "\n\n".join([
        "Война закончилась в ноябре.",
        "В среду пресс-секретарь президента России Дмитрий Песков провёл брифинг.",
        "— Применяла ли Армения «Искандеры»?",
        "— Армения применяла «Искандеры» в конце войны.",
        "— А сколько их было?",
        "— Я не буду это комментировать.",
    ])
    found = Detector(PEOPLE).detect(text).statements
    assert [(s.speaker.id, s.text) for s in found] == [
        ("peskov", "Армения применяла «Искандеры» в конце войны"),
        ("peskov", "Я не буду это комментировать")]
    assert [(c.subject, c.object, c.polarity) for c in found[0].claims] == [
        ("armenia", "iskander", "affirm")]


def test_labelled_answers_are_the_labels_and_the_asking_label_says_nothing():
    text = "\n".join([
        "Dmitry Peskov spoke to the Courier about the war.",
        "Courier: Did Armenia fire Iskander missiles?",
        "Peskov: Armenia fired Iskander missiles late in the war.",
        "Courier: How many?",
        "Peskov: I will not give a number.",
    ])
    found = Detector(PEOPLE).detect(text).statements
    assert [(s.speaker.id, s.text) for s in found] == [
        ("peskov", "Armenia fired Iskander missiles late in the war"),
        ("peskov", "I will not give a number")]


def test_a_few_dashed_lines_in_a_report_are_no_interview():
    text = "\n".join(["Война закончилась в ноябре.", "— Армения применяла «Искандеры».",
                      "— Это ложь."])
    assert speakers(Detector(PEOPLE), text) == []


def test_a_clause_after_a_semicolon_with_its_own_speech_verb_is_its_own_statement(detector):
    text = ("Russia insisted the missiles were Armenian; Armenia said they were never fired; "
            "the dispute went on.")
    found = detector.detect(text).statements
    assert [(s.speaker.id, s.text) for s in found] == [
        ("russia", "the missiles were Armenian"),
        ("armenia", "they were never fired; the dispute went on")]


def test_a_states_government_speaks_as_the_state_but_its_forces_do_not(detector):
    assert speakers(detector, "Armenia's government said the Iskanders were never fired.") == [
        ("armenia", "Armenia")]
    assert speakers(detector, "Armenia's forces said the Iskanders were never fired.") == []


@pytest.mark.parametrize("text", [
    "«Эти ракеты не долетели до цели», — считает аналитик Павел Смирнов.",
    "«Удары продолжатся», — пригрозил аналитик Павел Смирнов.",
    "«Ракеты долетели до цели», — отмечает аналитик Павел Смирнов.",
])
def test_opinions_and_warnings_are_statements_too(detector, text):
    assert speakers(detector, text) == [(None, "Павел Смирнов")]


@pytest.mark.parametrize(("text", "content"), [
    ("Armenia fired Iskander missiles at Shusha, Ivanov said on Tuesday.",
     "Armenia fired Iskander missiles at Shusha"),
    ("Armenia fired Iskander missiles, Ivanov said, adding that more were ready.",
     "Armenia fired Iskander missiles"),
    ("Армения применяла «Искандеры» в конце войны, — заявил Иванов в понедельник.",
     "Армения применяла «Искандеры» в конце войны"),
    # An introduction before the speaker is no content: what follows the verb is.
    ("In a statement on Monday, Ivanov said Armenia fired Iskander missiles.",
     "Armenia fired Iskander missiles"),
])
def test_what_was_said_before_the_attribution_stays_the_content(text, content):
    watchlist = [*WATCHLIST, WatchItem(id="ivanov", kind="actor", name="Pavel Ivanov",
                                       aliases=["Ivanov", "Иванов"], member_of="russia")]
    found = Detector(watchlist).detect(text).statements
    assert [(s.speaker.id, s.text) for s in found] == [("ivanov", content)]
    assert [(c.subject, c.object) for c in found[0].claims] == [("armenia", "iskander")]


def test_a_description_no_earlier_name_explains_is_the_one_actor_whose_names_fit_it():
    watchlist = [*WATCHLIST,
                 WatchItem(id="armenia-mia", kind="actor", name="Armenian Interior Ministry",
                           aliases=["Armenian Interior Ministry"], member_of="armenia"),
                 WatchItem(id="armenia-mod", kind="actor", name="Armenian Defence Ministry",
                           aliases=["Armenian Defence Ministry"], member_of="armenia")]
    detector = Detector(watchlist)
    assert speakers(detector, "The Interior Ministry said Iskander missiles were fired.") == [
        ("armenia-mia", "Armenian Interior Ministry")]
    assert speakers(detector, "The Interior Ministry also said Iskander missiles were "
                              "fired.") == [("armenia-mia", "Armenian Interior Ministry")]
    # Two ministries fit "the ministry": nobody is picked.
    assert speakers(detector, "The ministry said Iskander missiles were fired.") == []


def test_after_a_quote_the_speaker_may_follow_a_day_a_place_and_a_long_title():
    watchlist = [*PEOPLE,
                 WatchItem(id="gna", kind="actor", name="Government of National Accord",
                           aliases=["Правительство национального согласия",
                                    "Правительства национального согласия", "ПНС"]),
                 WatchItem(id="bashagha", kind="actor", name="Fathi Bashagha",
                           aliases=["Фатхи Башага"], member_of="gna")]
    text = ("«Армения применяла ракеты в конце войны», — заявил в субботу на пресс-конференции "
            "министр "
            "внутренних дел Правительства национального согласия (ПНС) Фатхи Башага.")
    assert speakers(Detector(watchlist), text) == [("bashagha", "Fathi Bashagha")]
    # Without a quote before it, a name that far after the verb is what was said about.
    text = ("Фатхи Башага выступил. Министр заявил в субботу на пресс-конференции в Триполи, "
            "что Армения применяла «Искандеры».")
    assert ("armenia", "Armenia") not in speakers(Detector(watchlist), text)


IVANOV = [*WATCHLIST, WatchItem(id="ivanov", kind="actor", name="Pavel Ivanov",
                                 aliases=["Ivanov"], member_of="russia")]


def test_a_quoted_fragment_inside_reported_speech_is_not_all_that_was_said():
    detector = Detector(IVANOV)
    text = ('Ivanov said Armenian forces had fired "a whole battery of missiles" at Shusha '
            'using Iskander launchers.')
    found = detector.detect(text).statements
    assert found[0].text.startswith("Armenian forces had fired")
    assert [(c.subject, c.object) for c in found[0].claims] == [("armenia", "iskander")]
    # A quote that is the statement stays its content.
    text = '"Armenia never fired the Iskander missiles at all," Ivanov said on Tuesday.'
    assert detector.detect(text).statements[0].text.startswith("Armenia never fired")


def test_a_straight_quote_of_two_sentences_is_one_statement():
    detector = Detector(IVANOV)
    text = 'Ivanov said: "These claims are false. Armenia never fired Iskander missiles."'
    found = detector.detect(text).statements
    assert len(found) == 1
    assert [(c.subject, c.object, c.polarity) for c in found[0].claims] == [
        ("armenia", "iskander", "deny")]


def test_names_coordinated_after_of_and_in_brackets_modify_the_head():
    watchlist = [*IVANOV,
                 WatchItem(id="jim", kind="actor", name="Joint Investigative Mechanism",
                           aliases=["Joint Investigative Mechanism"]),
                 WatchItem(id="un", kind="actor", name="United Nations",
                           aliases=["United Nations"]),
                 WatchItem(id="opcw", kind="actor", name="OPCW",
                           aliases=["OPCW", "Organisation for the Prohibition of Chemical "
                                    "Weapons"]),
                 WatchItem(id="africom", kind="actor", name="US Africa Command",
                           aliases=["AFRICOM"])]
    detector = Detector(watchlist)
    text = ("The Joint Investigative Mechanism of the United Nations and the Organisation for "
            "the Prohibition of Chemical Weapons (OPCW) said Armenia fired Iskander missiles.")
    assert speakers(detector, text) == [("jim", "Joint Investigative Mechanism")]
    text = "Armenia fired Iskander missiles, U.S. Africa Command (AFRICOM) said on Tuesday."
    assert speakers(detector, text) == [("africom", "US Africa Command")]


DOCUMENTS = [*IVANOV,
             WatchItem(id="mission", kind="actor", name="UN Support Mission",
                       aliases=["UN mission", "Миссия ООН", "Миссии ООН"]),
             WatchItem(id="council", kind="actor", name="Security Council",
                       aliases=["Security Council", "Совбез"])]


@pytest.mark.parametrize(("text", "content"), [
    ("A report published last week by the UN mission found that Armenia fired Iskander "
     "missiles.", "Armenia fired Iskander missiles"),
    ("Доклад Миссии ООН опубликован в среду. В докладе, направленном в Совбез, "
     "утверждается, что Армения применяла «Искандеры».", "Армения применяла «Искандеры»"),
    ("Доклад Миссии ООН опубликован в среду. Армения применяла «Искандеры», говорится в "
     "документе.", "Армения применяла «Искандеры»"),
])
def test_a_document_speaks_for_its_author(text, content):
    found = Detector(DOCUMENTS).detect(text).statements
    assert [(s.speaker.id, s.text.rstrip("»")) for s in found] == [
        ("mission", content.rstrip("»"))]
    assert [(c.subject, c.object) for c in found[0].claims] == [("armenia", "iskander")]


def test_a_document_sent_to_someone_or_judged_by_someone_is_not_theirs():
    # Sent to the council: not the council's; judged by Ivanov: not his.
    text = ("Ivanov judged the document worthless. В докладе, направленном в Совбез, "
            "утверждается, что Армения применяла «Искандеры».")
    assert Detector(DOCUMENTS).detect(text).statements == []
