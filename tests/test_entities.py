"""Entities: mention clean-up, grouping into entities, labels, ids and span lookups.

Rules are tested on hand-built Docs (words, entity tags and, where a rule reads it, the parse)
so they do not depend on what the statistical model predicts; a few tolerant checks run the
real pipeline on sentences of the corpus.
"""
from __future__ import annotations

import pytest
from spacy.tokens import Doc

from pipeline.entities import entity_for_span, find_entities, mention_of, slug


def build(nlp, words: list[str], ents: list[str], **parse) -> Doc:
    """A Doc from words and IOB entity tags ('B-PERSON', 'I-PERSON', 'O')."""
    return Doc(nlp.vocab, words=words, ents=ents, **parse)


def by_name(entities, name: str):
    found = [e for e in entities if e.name == name]
    assert len(found) == 1, [e.name for e in entities]
    return found[0]


def test_mentions_lose_article_and_possessive_but_keep_exact_offsets(nlp):
    words = ["The", "Peruvian", "Air", "Force", "'s", "pilots", "met", "Roni", "Bowers", "."]
    doc = build(nlp, words, ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O",
                             "B-PERSON", "I-PERSON", "O"],
                tags=["DT", "NNP", "NNP", "NNP", "POS", "NNS", "VBD", "NNP", "NNP", "."])
    force = by_name(find_entities(doc), "Peruvian Air Force")
    mention = force.mentions[0]
    assert doc.text[mention.start:mention.end] == mention.text == "Peruvian Air Force"
    assert force.entity_id == "org/peruvian-air-force"


def test_misfires_without_letters_or_on_a_lone_stop_word_are_dropped(nlp):
    doc = build(nlp, ["the", "report", "from", "2001", "by", "Reuters"],
                ["B-ORG", "O", "O", "B-ORG", "O", "B-ORG"])
    assert [e.name for e in find_entities(doc)] == ["Reuters"]


def test_surname_folds_into_the_most_recent_full_name(nlp):
    words = ["Alberto", "Fujimori", "met", "Keiko", "Fujimori", ".", "Fujimori", "spoke", "."]
    doc = build(nlp, words, ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-PERSON", "O",
                             "B-ORG", "O", "O"])
    entities = find_entities(doc)
    assert [e.name for e in entities] == ["Alberto Fujimori", "Keiko Fujimori"]
    keiko = entities[1]
    assert keiko.aliases == ["Fujimori"] and len(keiko.mentions) == 2
    assert keiko.label == "PERSON"  # a tie between PERSON and ORG goes to the first mention


def test_acronym_in_brackets_and_later_bare_acronym_join_the_expansion(nlp):
    words = ["Servicio", "de", "Inteligencia", "Nacional", "(", "SIN", ")", "agents", "said",
             "the", "SIN", "paid", "."]
    ents = ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-ORG", "O", "O", "O", "O", "B-GPE",
            "O", "O"]
    entities = find_entities(build(nlp, words, ents))
    assert len(entities) == 1
    sin = entities[0]
    assert (sin.name, sin.label, sin.aliases) == ("Servicio de Inteligencia Nacional", "ORG",
                                                  ["SIN"])
    assert sin.entity_id == "org/servicio-de-inteligencia-nacional"
    assert [m.text for m in sin.mentions] == ["Servicio de Inteligencia Nacional", "SIN", "SIN"]


def test_full_name_after_its_acronym_becomes_the_name(nlp):
    words = ["The", "FBI", "said", "the", "Federal", "Bureau", "of", "Investigation", "acted"]
    ents = ["O", "B-ORG", "O", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "O"]
    (fbi,) = find_entities(build(nlp, words, ents))
    assert fbi.name == "Federal Bureau of Investigation" and fbi.aliases == ["FBI"]


def test_majority_label_and_one_entity_per_surface_form(nlp):
    words = ["VRAEM", "and", "VRAEM", "and", "VRAEM", "and", "Lima"]
    ents = ["B-ORG", "O", "B-GPE", "O", "B-GPE", "O", "B-GPE"]
    entities = find_entities(build(nlp, words, ents))
    assert [(e.name, e.label, len(e.mentions)) for e in entities] == [
        ("VRAEM", "GPE", 3), ("Lima", "GPE", 1)]
    assert [m.label for m in entities[0].mentions] == ["ORG", "GPE", "GPE"]


def test_a_cue_noun_outranks_the_model_label(nlp):
    # "airline Aero Continente": the compound modifier names the kind of thing.
    words = ["founder", "of", "airline", "Aero", "Continente"]
    doc = build(nlp, words, ["O", "O", "O", "B-PERSON", "I-PERSON"],
                heads=[0, 0, 4, 4, 1], deps=["ROOT", "prep", "compound", "compound", "pobj"],
                pos=["NOUN", "ADP", "NOUN", "PROPN", "PROPN"])
    (aero,) = find_entities(doc)
    assert (aero.name, aero.label, aero.entity_id) == ("Aero Continente", "ORG",
                                                        "org/aero-continente")


def test_unlabelled_repeats_are_recovered_with_their_first_names(nlp):
    words = ["Vladimiro", "Montesinos", "fled", ".", "Montesinos", "hid", "."]
    doc = build(nlp, words, ["O", "O", "O", "O", "B-PERSON", "O", "O"],
                heads=[1, 2, 2, 2, 5, 5, 5],
                deps=["compound", "nsubj", "ROOT", "punct", "nsubj", "ROOT", "punct"],
                pos=["PROPN", "PROPN", "VERB", "PUNCT", "PROPN", "VERB", "PUNCT"])
    (person,) = find_entities(doc)
    assert person.name == "Vladimiro Montesinos" and person.aliases == ["Montesinos"]
    assert [m.start for m in person.mentions] == [0, doc[4].idx]


def test_colliding_ids_are_one_entity(nlp):
    doc = build(nlp, ["E.C.O.W.A.S.", "and", "ECOWAS", "troops"], ["B-ORG", "O", "B-ORG", "O"])
    (ecowas,) = find_entities(doc)
    assert ecowas.entity_id == "org/ecowas" and len(ecowas.mentions) == 2


@pytest.mark.parametrize("name, expected", [
    ("Vladimiro Montesinos", "vladimiro-montesinos"),
    ("Perú Posible", "peru-posible"),
    ("U.N.", "un"),
    ("O’Brien & Sons", "obrien-sons"),
])
def test_slug_is_ascii_and_hyphenated(name, expected):
    assert slug(name) == expected


def test_lookup_by_span_prefers_the_largest_overlap(nlp):
    words = ["Roni", "Bowers", "met", "Peru", "officials"]
    doc = build(nlp, words, ["B-PERSON", "I-PERSON", "O", "B-GPE", "O"])
    doc._.entities = find_entities(doc)
    assert entity_for_span(doc, 0, len("Roni Bowers")).name == "Roni Bowers"
    assert entity_for_span(doc, doc[1].idx + 4, doc[3].idx + 4).name == "Peru"  # 'rs met Peru'
    assert entity_for_span(doc, doc[2].idx, doc[2].idx + 3) is None
    assert mention_of(doc[3])[1].entity_id == "gpe/peru"
    assert mention_of(doc[4]) is None


def test_corpus_paragraph_groups_names(make_doc):
    doc = make_doc(
        "Vladimiro Montesinos was the long-standing head of Peru's intelligence service, "
        "Servicio de Inteligencia Nacional (SIN), under President Alberto Fujimori. The "
        "ensuing scandal caused Montesinos to flee the country, hastening the resignation "
        "of Fujimori. Montesinos had strong connections with the CIA, the American "
        "Intelligence Agency.")
    names = {e.name: e for e in doc._.entities}
    assert names["Vladimiro Montesinos"].label == "PERSON"
    assert "Montesinos" in names["Vladimiro Montesinos"].aliases
    assert names["Servicio de Inteligencia Nacional"].aliases == ["SIN"]
    assert "Fujimori" in names["Alberto Fujimori"].aliases
    assert not {"Montesinos", "Fujimori", "SIN"} & set(names)
    for entity in doc._.entities:
        assert all(doc.text[m.start:m.end] == m.text for m in entity.mentions)


def test_a_name_extending_an_organisation_is_an_organisation(nlp):
    words = ["Aero", "Continente", "flies", ".", "Aero", "Continente", "Chile", "was",
             "grounded", "."]
    doc = Doc(nlp.vocab, words=words,
              ents=["B-ORG", "I-ORG", "O", "O", "B-PERSON", "I-PERSON", "I-PERSON", "O", "O",
                    "O"])
    labels = {e.name: e.label for e in find_entities(doc)}
    assert labels == {"Aero Continente": "ORG", "Aero Continente Chile": "ORG"}


def patterned(nlp, words: list[str], pos: list[str], ents: list[str]) -> list[tuple[str, str]]:
    """The entities after the pattern file runs over a hand-tagged Doc."""
    doc = nlp.get_pipe("entity_patterns")(Doc(nlp.vocab, words=words, pos=pos, ents=ents))
    return [(e.text, e.label_) for e in doc.ents]


def test_a_pattern_relabels_the_name_it_covers(nlp):
    # GUM news: "The Museum of Flight" is a building the model calls an organisation.
    words = ["The", "Museum", "of", "Flight", "is", "in", "Seattle", "."]
    pos = ["DET", "PROPN", "ADP", "PROPN", "AUX", "ADP", "PROPN", "PUNCT"]
    ents = ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O", "B-GPE", "O"]
    assert patterned(nlp, words, pos, ents) == [("The Museum of Flight", "FAC"),
                                                ("Seattle", "GPE")]


def test_a_longer_model_name_outlasts_the_pattern_inside_it(nlp):
    words = ["She", "taught", "at", "the", "University", "of", "California", "at", "Berkeley"]
    pos = ["PRON", "VERB", "ADP", "DET", "PROPN", "ADP", "PROPN", "ADP", "PROPN"]
    ents = ["O", "O", "O", "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG"]
    assert patterned(nlp, words, pos, ents) == [
        ("the University of California at Berkeley", "ORG")]


def test_patterns_add_names_the_model_missed(nlp):
    words = ["Delegates", "of", "the", "Communist", "Party", "of", "China", "sailed", "the",
             "Gulf", "of", "Mexico", "after", "World", "War", "II", "."]
    pos = ["NOUN", "ADP", "DET", "PROPN", "PROPN", "ADP", "PROPN", "VERB", "DET", "PROPN",
           "ADP", "PROPN", "ADP", "PROPN", "PROPN", "PROPN", "PUNCT"]
    assert patterned(nlp, words, pos, ["O"] * len(words)) == [
        ("the Communist Party of China", "ORG"), ("the Gulf of Mexico", "LOC"),
        ("World War II", "EVENT")]


def test_a_surname_of_a_person_named_in_full_stays_a_person(make_doc):
    # GUM bio: the model tags the first 'Nida' PERSON and the next three ORG; the full name
    # they fold into must not become an organisation by their vote.
    doc = make_doc(
        "Eugene A. Nida (November 11, 1914 – August 25, 2011) was a linguist who developed "
        "the dynamic-equivalence Bible-translation theory.\n\nNida was born in Oklahoma City, "
        "Oklahoma on November 11, 1914.\nSometime in this period, Nida became a founding "
        "charter member of Wycliffe Bible Translators.\nIn 1937, Nida undertook studies at the "
        "University of Southern California.\nIn 1943, Nida received his Ph.D. in Linguistics "
        "from the University of Michigan.")
    nida = by_name(doc._.entities, "Eugene A. Nida")
    assert (nida.entity_id, nida.aliases, len(nida.mentions)) == (
        "person/eugene-a-nida", ["Nida"], 5)


def test_the_last_word_of_a_name_says_what_it_names(make_doc):
    # GUM news and interview: the model calls the fair and the space centre organisations
    # and the games a law.
    doc = make_doc(
        "The Twitter attention led to outreach from Google and Mohamed was invited to their "
        "Google Science Fair.\nMohamed was a VIP guest at the Google Science Fair this "
        "weekend.\nSenator John Cornyn, Republican from Texas, issued a statement regarding the "
        "rejection of Johnson Space Center (JSC) in Houston, Texas as a location.\nNBC as the "
        "broadcasting rights owner for the United States will use to air the Paralympic Games "
        "on.")
    ids = {e.name: e.entity_id for e in doc._.entities}
    assert ids["Google Science Fair"] == "event/google-science-fair"
    assert ids["Johnson Space Center"] == "fac/johnson-space-center"
    assert ids["Paralympic Games"] == "event/paralympic-games"


def test_a_newspaper_keeps_its_the_and_its_id(make_doc):
    # GUM news and interview: the papers are printed with 'The'; a text without it names the
    # same paper.
    doc = make_doc(
        "Writing in a blog post, Matthew Ingram of The Globe and Mail dubbed the ongoing "
        "conflict a war.\nHe was quoted by The Canadian Press on his assessment of Google's "
        "response.\nWe start with the headline and then flesh out the story, as opposed to "
        "The New York Times, which writes the issue and then has a headline editor.\nA New "
        "York Times reporter called.")
    papers = {e.entity_id: [m.text for m in e.mentions] for e in doc._.entities
              if e.label == "ORG"}
    assert papers["org/globe-and-mail"] == ["The Globe and Mail"]
    assert papers["org/canadian-press"] == ["The Canadian Press"]
    assert papers["org/new-york-times"] == ["The New York Times", "New York Times"]


def test_a_surname_the_model_missed_is_recovered_after_the_full_name(make_doc):
    # GUM news: the model finds 'Steve Whitmore' and none of the three 'Whitmore' after it.
    doc = make_doc(
        "Steve Whitmore, a representative for the LA Sheriff's office, told LA Weekly in a "
        "statement that the case involving Montalvo was being dealt with as charges relating "
        "to grand theft.\nWhitmore stated Montalvo left Scientology-related employment in Los "
        "Angeles on September 24.\nWhitmore told LA Weekly that on October 6 after traveling "
        "back from Florida, Montalvo \"walked into lobby of the East L.A. Sheriff's station\".\n"
        "Whitmore stated to LA Weekly that the alleged crime involved five hard drives each of "
        "$ 200 in value.")
    whitmore = by_name(doc._.entities, "Steve Whitmore")
    assert whitmore.label == "PERSON"
    assert [m.text for m in whitmore.mentions] == ["Steve Whitmore"] + ["Whitmore"] * 3


def test_a_lone_surname_needs_a_proper_noun_standing_alone(nlp):
    # 'Whitmore Street' is another name; 'Clare' of 'Earl of Clare' is a place.
    words = ["Steve", "Whitmore", "and", "the", "Earl", "of", "Clare", "met", "on", "Whitmore",
             "Street", "in", "Clare", "."]
    doc = build(nlp, words, ["B-PERSON", "I-PERSON", "O", "O", "B-PERSON", "I-PERSON",
                             "I-PERSON", "O", "O", "O", "O", "O", "O", "O"],
                pos=["PROPN", "PROPN", "CCONJ", "DET", "PROPN", "ADP", "PROPN", "VERB", "ADP",
                     "PROPN", "PROPN", "ADP", "PROPN", "PUNCT"])
    assert [m.text for e in find_entities(doc) for m in e.mentions] == [
        "Steve Whitmore", "Earl of Clare"]


def test_a_name_after_a_split_off_stance_prefix_is_no_entity(make_doc):
    # GUM news: the tokenizer splits 'pro-Beijing' into 'pro', '-', 'Beijing' and the model
    # tags the place.
    doc = make_doc(
        "Other pro-Beijing candidates elected in this constituency were Gary Chan of DAB and "
        "Eunice Yung of New People's Party.\nYesterday, North Korea fired artillery rounds "
        "aimed at a loudspeaker in South Korea that broadcasts anti-Pyongyang propaganda into "
        "the North.")
    names = {e.name for e in doc._.entities}
    assert {"Gary Chan", "North Korea"} <= names and not {"Beijing", "Pyongyang"} & names


def test_a_name_is_cut_only_at_an_appositive_set_off_by_punctuation(make_doc):
    # GUM bio: the parser reads 'the Great' as an appositive of 'Peter'; without a comma or
    # bracket before it, it is part of the name.
    doc = make_doc(
        "As a result of his distinguished service for Sweden, Poland and Russia he rose in "
        "ranks from trooper to full general, and became principal advisor and close friend of "
        "Tsar Peter the Great.")
    assert [e.name for e in doc._.entities if e.label == "PERSON"] == ["Tsar Peter the Great"]
