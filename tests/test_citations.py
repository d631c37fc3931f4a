"""Citations: reference parsing, credits, markers, and who said what."""
from __future__ import annotations

import pytest

from pipeline.references import find_credits, parse_references
from tests.conftest import TELESUR, WIKIPEDIA

WIKIPEDIA_REFERENCES = [
    '"Stopping it, How Government Try--And Fail--to Stem the Flow of Drugs". The Economist. '
    'July 26, 2001.  "The main targets of American supply-reduction campaigns over the years '
    'have been Bolivia, Peru, Colombia and Mexico."',
    "Angel Paez, CIA Gave $10 Million to Peru's Ex-Spymaster, 'AlterNet News, July 3, 2001. "
    "Accessed online 21 March 2010.",
    'Amanda Ripley (Apr 29, 2001). "A Mission Interrupted". Time. Retrieved 2008-09-13.',
]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (WIKIPEDIA_REFERENCES[0],
         {"title": "Stopping it, How Government Try--And Fail--to Stem the Flow of Drugs",
          "publisher": "The Economist", "date": "2001-07-26", "source": ""}),
        (WIKIPEDIA_REFERENCES[1],
         {"source": "Angel Paez", "title": "CIA Gave $10 Million to Peru's Ex-Spymaster",
          "publisher": "AlterNet News", "date": "2001-07-03", "accessed": "2010-03-21"}),
        (WIKIPEDIA_REFERENCES[2],
         {"source": "Amanda Ripley", "title": "A Mission Interrupted", "publisher": "Time",
          "date": "2001-04-29", "accessed": "2008-09-13"}),
        ('Ripley, Amanda (April 29, 2001). "A Mission Interrupted". Time. '
         "Retrieved September 13, 2008.",
         {"source": "Amanda Ripley", "date": "2001-04-29", "accessed": "2008-09-13"}),
        ("Smith, J. (2020). The economics of coca. Oxford University Press.",
         {"title": "The economics of coca", "publisher": "Oxford University Press",
          "date": "2020"}),
        ('Smith, John. "Coca and Power." The Guardian, 12 May 2019, '
         "www.theguardian.com/world/coca.",
         {"source": "John Smith", "title": "Coca and Power", "publisher": "The Guardian",
          "date": "2019-05-12", "url": "www.theguardian.com/world/coca"}),
        ("Doe, Jane. Cocaine Nation. Penguin, 2010.",
         {"source": "Jane Doe", "title": "Cocaine Nation", "publisher": "Penguin",
          "date": "2010"}),
        ("https://www.bbc.co.uk/news/world-latin-america-123",
         {"url": "https://www.bbc.co.uk/news/world-latin-america-123",
          "publisher": "bbc.co.uk", "title": ""}),
    ],
)
def test_parse_reference(entry, expected):
    (citation,) = parse_references([entry])
    assert citation.kind == "reference"
    assert citation.marker == "1"
    for field, value in expected.items():
        assert getattr(citation, field) == value, field


def test_reference_markers_follow_list_order():
    assert [c.marker for c in parse_references(WIKIPEDIA_REFERENCES)] == ["1", "2", "3"]


@pytest.mark.parametrize(
    ("line", "source", "publisher"),
    [
        ("Military base in the valley. | Photo: Agencia AndinaAgencia Andina",
         "Agencia Andina", ""),
        ("Photograph: Jane Doe/Getty Images", "Jane Doe", "Getty Images"),
        ("AP Photo/Martin Mejia", "Martin Mejia", "AP"),
        ("LIMA (Reuters) - Peru's army said on Sunday", "Reuters", ""),
        ("Image: NASA", "NASA", ""),
        ("Credit: John Smith", "John Smith", ""),
        ("Protesters in Lima on Monday. (Photo by Jane Doe)", "Jane Doe", ""),
        ("Protesters march in Lima. Ernesto Benavides / AFP via Getty Images",
         "Ernesto Benavides", "AFP"),
        ("(Reuters)", "Reuters", ""),
    ],
)
def test_find_credits(line, source, publisher):
    (credit,) = find_credits([line])
    assert (credit.kind, credit.source, credit.publisher) == ("credit", source, publisher)


def test_credits_are_one_per_source_and_ignore_other_lines():
    lines = ["Coca field. | Photo: Agencia Andina", "Base. | Photo: Agencia AndinaAgencia Andina",
             "google plus", "News > Peru", ""]
    assert [c.source for c in find_credits(lines)] == ["Agencia Andina"]


def test_markers_are_kept_as_spans(make_doc):
    doc = make_doc("Cultivation moved.[1] Prices fell.[2][3] Nobody knows.[citation needed]")
    assert [s.text for s in doc.spans["markers"]] == ["[1]", "[2]", "[3]", "[citation needed]"]
    assert not doc.ents and len(list(doc.sents)) == 3


def quotes(make_doc, text: str):
    return [(q.kind, q.source, q.content) for q in make_doc(text)._.quotes]


def test_quote_spanning_sentences_with_colon(make_doc):
    text = 'John Smith, the mayor, said: "The budget is balanced. We have no debt."'
    assert quotes(make_doc, text) == [
        ("quote", "John Smith", "The budget is balanced. We have no debt.")]


def test_unclosed_quote_ends_at_paragraph(make_doc):
    text = ("Maria Lopez spoke first.\n\n“The fight goes on,” she said. “We will win.\n\n"
            "The rally ended.")
    found = make_doc(text)._.quotes
    assert [q.content for q in found] == ["The fight goes on,” she said. “We will win."]
    assert found[0].source == "Maria Lopez"


def test_a_quote_split_by_its_attribution_is_one_quote(make_doc):
    # PolNeAR's convention: one content, the attribution inside it
    text = ("“We will not give up,” said Maria Lopez. “The fight goes on.”\n\n"
            "“We are not done yet,” Lopez said. She left the stage. “We will be back soon.”")
    found = make_doc(text)._.quotes
    assert [q.content for q in found] == [
        "We will not give up,” said Maria Lopez. “The fight goes on.",
        "We are not done yet,", "We will be back soon."]
    assert found[0].source == "Maria Lopez"
    assert text[found[0].source_start:found[0].source_end] == "Maria Lopez"


def test_a_quoted_fragment_of_reported_speech_is_the_whole_statement(make_doc):
    text = "She said she wanted to speak “directly to white people” about the attacks."
    (statement,) = make_doc(text)._.quotes
    assert statement.content == "she wanted to speak “directly to white people” about the attacks"
    assert statement.cue == "said"
    assert text[statement.source_start:statement.source_end] == "She"


def test_wire_service_doubled_apostrophes_are_quote_marks(make_doc):
    text = "''It was a spectacular deal,'' said Patrick McGinley. ``We lost,'' he added."
    found = make_doc(text)._.quotes
    assert [q.content for q in found] == ["It was a spectacular deal,", "We lost,"]
    assert [q.source for q in found] == ["Patrick McGinley"] * 2


def test_guillemets_and_cue(make_doc):
    (quote,) = make_doc("Emmanuel Macron said « we will win this battle » on Monday.")._.quotes
    assert (quote.content, quote.cue, quote.source) == (
        "we will win this battle", "said", "Emmanuel Macron")


def test_dash_form_names_the_speaker(make_doc):
    (quote,) = make_doc('"This is a disgrace to the whole country." -Ollanta Humala')._.quotes
    assert quote.source == "Ollanta Humala"


def test_scare_quotes_and_titles_are_not_quotes(make_doc):
    text = 'The so-called "war on drugs" failed. Peru signed the "Plan of Action on Drugs".'
    assert make_doc(text)._.quotes == []


def test_according_to(make_doc):
    text = "According to the United Nations, coca cultivation rose by 10 percent in 2015."
    (statement,) = make_doc(text)._.quotes
    assert statement.kind == "statement"
    assert statement.cue == "according to"
    assert "United Nations" in statement.source
    assert statement.content == "coca cultivation rose by 10 percent in 2015"


def test_pronoun_resolves_to_the_preceding_person(make_doc):
    doc = make_doc("Angela Merkel arrived late. She told reporters that the talks had failed.")
    (statement,) = doc._.quotes
    assert (statement.kind, statement.source, statement.content) == (
        "statement", "Angela Merkel", "the talks had failed")
    assert statement.confidence < 0.8
    assert doc.text[statement.start:statement.end] == statement.content


def test_inverted_reported_speech(make_doc):
    text = "Peru is the largest exporter of cocaine, officials told reporters on Monday."
    (statement,) = make_doc(text)._.quotes
    assert (statement.source, statement.cue, statement.content) == (
        "officials", "told", "Peru is the largest exporter of cocaine")


def test_no_speech_no_quotes(make_doc):
    assert make_doc("The river floods every spring. Farmers plant rice.")._.quotes == []


def test_corpus_quotes_are_attributed(make_doc):
    doc = make_doc(TELESUR.read_text(encoding="utf-8"))
    by_source = {q.source: q for q in doc._.quotes if q.kind == "quote"}
    assert any("Humala" in s for s in by_source), by_source
    assert any("Chiabra" in s for s in by_source), by_source
    chiabra = next(q for s, q in by_source.items() if "Chiabra" in s)
    assert chiabra.content.startswith("they talk about terrorists")
    assert all(doc.text[q.start:q.end] == q.content for q in doc._.quotes)


def test_corpus_has_no_scare_quote_from_caption(make_doc):
    doc = make_doc(WIKIPEDIA.read_text(encoding="utf-8"))
    assert all(len(q.content.split()) >= 4 for q in doc._.quotes)


def test_a_line_led_by_a_speaker_and_a_colon_is_a_statement(make_doc):
    text = ("Elizabeth Warren: Donald Trump Is a ‘Proven Failure’ in Business\n\n"
            "TAPPER: And obviously, you are supporting the senator.\n\n"
            "Note: the poll closes at noon.")
    found = make_doc(text)._.quotes
    assert [(q.source, q.cue, q.content) for q in found] == [
        ("Elizabeth Warren", ":", "Donald Trump Is a ‘Proven Failure’ in Business"),
        ("Tapper", ":", "And obviously, you are supporting the senator.")]


def test_a_participle_cue_takes_the_subject_of_its_clause(make_doc):
    text = "Senator Ted Cruz attacked the plan on Monday, saying that it would raise taxes."
    (statement,) = make_doc(text)._.quotes
    assert (statement.source, statement.cue, statement.content) == (
        "Ted Cruz", "saying", "it would raise taxes")


def test_calling_something_a_name_is_a_statement_with_the_quote_inside(make_doc):
    text = "Hillary Clinton called the agreement “an historic step forward” for the planet."
    (statement,) = make_doc(text)._.quotes
    assert statement.kind == "statement"
    assert statement.content == "the agreement “an historic step forward” for the planet"
    assert statement.source == "Hillary Clinton"


def test_a_quoted_term_is_attributed_to_the_verb_that_uses_it(make_doc):
    text = "It is strange that Trump would denounce “self-deportation,” which he once backed."
    (statement,) = make_doc(text)._.quotes
    assert statement.kind == "statement"
    assert statement.cue == "denounce"
    assert "self-deportation" in statement.content
    assert text[statement.source_start:statement.source_end] == "Trump"


def test_a_quote_deep_in_a_reported_clause_takes_the_outer_cue(make_doc):
    text = ("Trump said Sunday that he believed the United States would win its fight against "
            "ISIS, but not until Obama “admits this is a problem.”")
    (statement,) = make_doc(text)._.quotes
    assert statement.cue == "said"
    assert statement.content.startswith("he believed the United States would win")
    assert "admits this is a problem" in statement.content


def test_a_short_reply_introduced_by_a_speech_verb_is_a_quote(make_doc):
    text = "Ed Rendell was resolute. “Absolutely not,” he said of the idea."
    (quote,) = make_doc(text)._.quotes
    assert (quote.kind, quote.content, quote.cue) == ("quote", "Absolutely not,", "said")
    assert quote.source == "Ed Rendell"


def test_a_reported_clause_between_two_quotes_keeps_them_apart(make_doc):
    text = ("“I'm going to have the delegates,” he said, adding that there should be no focus "
            "on some number. “Whoever gets the most delegates should win.”")
    found = make_doc(text)._.quotes
    assert [(q.kind, q.cue) for q in found] == [
        ("quote", "said"), ("statement", "adding"), ("quote", "")]
    assert found[2].content == "Whoever gets the most delegates should win."
