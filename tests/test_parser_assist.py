"""bench.parser_assist: how it scores and where it looks for a speaker; the parser itself only
when it is installed."""

from __future__ import annotations

import pytest

from bench import parser_assist
from bench.parser_assist import ArticleRun, NamedSpan, Token, score_pairs, speakers_in, speech_heads
from detection import Mention, default_lexicon
from detection.mentions import Entity

ENTITIES = {e.id: e for e in [
    Entity("russia", "actor", "Russia"),
    Entity("russia-mod", "actor", "Russian Defence Ministry", member_of="russia"),
    Entity("konashenkov", "actor", "Igor Konashenkov", member_of="russia-mod"),
    Entity("usa", "actor", "United States"),
    Entity("buk", "weapon", "Buk"),
]}


def _tokens(sentence: str, parsed: list[tuple[str, str, int, str]]) -> list[Token]:
    """Tokens from (word, lemma, head, relation), heads numbered from 1 as a parser does."""
    tokens, at = [], 0
    for index, (word, lemma, head, rel) in enumerate(parsed, 1):
        start = sentence.index(word, at)
        at = start + len(word)
        tokens.append(Token(f"1_{index}", f"1_{head}", rel, word, lemma, start, at))
    return tokens


def _mention(sentence: str, entity: str, surface: str) -> Mention:
    start = sentence.index(surface)
    return Mention(entity, ENTITIES[entity].kind, surface, start, start + len(surface))


SPOKESMAN = "Об этом сообщил представитель Минобороны Игорь Конашенков, который обвинил США."
SPOKESMAN_PARSE = [
    ("Об", "о", 2, "case"), ("этом", "это", 3, "obl"), ("сообщил", "сообщить", 0, "root"),
    ("представитель", "представитель", 3, "nsubj"), ("Минобороны", "минобороны", 4, "nmod"),
    ("Игорь", "игорь", 4, "appos"), ("Конашенков", "конашенков", 6, "flat:name"),
    (",", ",", 10, "punct"), ("который", "который", 10, "nsubj"),
    ("обвинил", "обвинить", 4, "acl:relcl"), ("США", "сша", 10, "obj"), (".", ".", 3, "punct")]


def test_the_subject_of_a_speech_verb_is_its_most_specific_watchlist_actor():
    tokens = _tokens(SPOKESMAN, SPOKESMAN_PARSE)
    mentions = [_mention(SPOKESMAN, "russia-mod", "Минобороны"),
                _mention(SPOKESMAN, "konashenkov", "Игорь Конашенков"),
                _mention(SPOKESMAN, "usa", "США")]
    heads = speech_heads(tokens, SPOKESMAN, 0, default_lexicon())
    assert [h.text for h in heads] == ["сообщил", "обвинил"]
    # The relative clause names the United States: it says what he did, not who he is; its
    # own subject is "который", which names no one.
    assert speakers_in(tokens, [], heads, mentions, ENTITIES) == [
        {"id": "konashenkov", "name": "Igor Konashenkov"}]


def test_an_unlisted_subject_is_the_name_the_tagger_found_and_else_no_one():
    tokens = _tokens(SPOKESMAN, SPOKESMAN_PARSE)
    heads = speech_heads(tokens, SPOKESMAN, 0, default_lexicon())
    start = SPOKESMAN.index("Игорь")
    person = NamedSpan("PER", "Игорь Конашенков", start, start + len("Игорь Конашенков"))
    assert speakers_in(tokens, [person], heads, [], ENTITIES) == [
        {"id": None, "name": "Игорь Конашенков"}]
    place = NamedSpan("LOC", "Игорь Конашенков", person.start, person.end)
    assert speakers_in(tokens, [place], heads, [], ENTITIES) == []


def test_the_source_of_po_slovam_is_the_nmod_of_its_noun():
    sentence = "По последним словам Андрея Ковалёва, поставки шли морем."
    tokens = _tokens(sentence, [
        ("По", "по", 3, "case"), ("последним", "последний", 3, "amod"),
        ("словам", "слово", 7, "parataxis"), ("Андрея", "андрей", 3, "nmod"),
        ("Ковалёва", "ковалёв", 4, "flat:name"), (",", ",", 3, "punct"),
        ("поставки", "поставка", 7, "nsubj"), ("шли", "идти", 0, "root"),
        ("морем", "море", 7, "obl"), (".", ".", 7, "punct")])
    heads = speech_heads(tokens, sentence, 0, default_lexicon())
    assert [h.text for h in heads] == ["словам"]
    start = sentence.index("Андрея")
    person = NamedSpan("PER", "Андрея Ковалёва", start, start + len("Андрея Ковалёва"))
    assert speakers_in(tokens, [person], heads, [], ENTITIES) == [
        {"id": None, "name": "Андрея Ковалёва"}]


def test_a_speech_verb_inside_a_quotation_is_no_attribution():
    sentence = "«Мы этого не заявляли», — сказал он."
    tokens = _tokens(sentence, [
        ("«", "«", 5, "punct"), ("Мы", "мы", 5, "nsubj"), ("этого", "это", 5, "obj"),
        ("не", "не", 5, "advmod"), ("заявляли", "заявлять", 8, "ccomp"), ("»", "»", 5, "punct"),
        (",", ",", 8, "punct"), ("сказал", "сказать", 0, "root"), ("он", "он", 8, "nsubj"),
        (".", ".", 8, "punct")])
    assert [h.text for h in speech_heads(tokens, sentence, 0, default_lexicon())] == ["сказал"]


def test_found_speakers_are_scored_as_the_blind_gate_scores_them():
    watch_ids = {"russia", "russia-mod"}
    runs = [
        # One speaker found twice is one pair; a declined name is the labelled one.
        ArticleRun("a1", 900, gold=["russia-mod", "Игорь Самарин"],
                   rules=[{"id": "russia-mod", "name": "MoD"}, {"id": "russia-mod", "name": "MoD"}],
                   added=[{"id": None, "name": "Игоря Самарина"}]),
        # A listed actor found only by its name is not the labelled watchlist id.
        ArticleRun("a2", 900, gold=["russia"], rules=[{"id": None, "name": "Russia"}],
                   added=[{"id": "russia", "name": "Russia"}, {"id": "usa", "name": "USA"}]),
    ]
    rules = score_pairs(runs, watch_ids, assisted=False)
    assert (rules.tp, rules.fp, rules.fn) == (1, 1, 2)
    assisted = score_pairs(runs, watch_ids, assisted=True)
    assert (assisted.tp, assisted.fp, assisted.fn) == (3, 2, 0)


def test_without_natasha_the_benchmark_skips_and_says_why(monkeypatch, capsys):
    monkeypatch.setattr(parser_assist, "_natasha_installed", lambda: False)
    assert parser_assist.main([]) == 0
    assert "natasha is not installed" in capsys.readouterr().err


def test_the_held_out_set_is_refused_before_anything_is_read(monkeypatch):
    monkeypatch.setattr(parser_assist, "load_set", lambda name: pytest.fail(f"loaded {name}"))
    with pytest.raises(SystemExit) as refused:
        parser_assist.main(["india-pakistan-2019"])
    assert refused.value.code == 2


def test_natasha_finds_the_speaker_the_rules_would_look_for():
    pytest.importorskip("natasha")
    parser = parser_assist.RussianParser()
    sentence = "Об этом в среду сообщил глава комиссии Валерий Коновалюк."
    tokens, names = parser.parse(sentence, 100)
    heads = speech_heads(tokens, sentence, 100, default_lexicon())
    assert [h.text for h in heads] == ["сообщил"]
    assert all(t.start >= 100 for t in tokens)
    found = speakers_in(tokens, names, heads, [], ENTITIES)
    assert found == [{"id": None, "name": "Валерий Коновалюк"}]
