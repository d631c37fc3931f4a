"""The loaded pipeline: our tokenizer and sentence hints on top of the model."""
from __future__ import annotations


def test_citation_markers_are_split_off_and_stay_with_their_sentence(nlp):
    doc = nlp("Cultivation moved to Colombia.[1] Montesinos fled, he said[2][3] later.")
    assert {"Colombia", "said"} <= {t.text for t in doc}
    sentences = [s.text.strip() for s in doc.sents]
    assert sentences[0] == "Cultivation moved to Colombia.[1]"
    assert [(e.text, e.label_) for e in doc.ents if e.text in ("Colombia", "1", "2")] == [
        ("Colombia", "GPE")]


def test_every_line_break_starts_a_sentence(nlp):
    doc = nlp("Many Peruvians in Denial About Drugs\nPeru has been the top exporter since 2012.")
    assert [s.text.strip() for s in doc.sents] == [
        "Many Peruvians in Denial About Drugs", "Peru has been the top exporter since 2012."]


def test_pipeline_order_follows_the_data(nlp):
    names = nlp.pipe_names
    assert names.index("sentence_hints") < names.index("parser")
    assert names[-5:] == ["news_entities", "news_dates", "news_events", "news_quotes",
                          "news_claims"]


def test_a_long_text_in_pieces_keeps_every_offset_and_the_whole_documents_entities(nlp):
    from pipeline.nlp import annotate, pieces

    paragraph = ("President Dina Boluarte said on Monday that the army would send food to Piura. "
                 "Officials in Lima said {n} families had left their homes.")
    text = "\n\n".join(paragraph.format(n=n) for n in range(40)) + "\n\nBoluarte left Lima."
    assert "".join(pieces(text, 500)) == text
    whole, cut = annotate(nlp, text), annotate(nlp, text, piece_chars=500)
    assert cut.text == text
    assert [(e.start_char, e.end_char) for e in cut.ents] == [
        (e.start_char, e.end_char) for e in whole.ents]
    assert [(s.start_char, s.end_char) for s in cut.sents] == [
        (s.start_char, s.end_char) for s in whole.sents]
    assert {e.entity_id for e in cut._.entities} == {e.entity_id for e in whole._.entities}
