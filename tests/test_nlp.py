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
