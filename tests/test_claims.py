"""Claims: every sentence scored, typed and flagged for hedging."""
from __future__ import annotations

import pytest
from spacy.util import load_config

from pipeline.claims import MODEL_DIR, RULES, load_classifier, model_scores, score, sentence_doc
from tests.conftest import TELESUR


def claim(make_doc, text: str):
    (found,) = make_doc(text)._.claims
    return found


@pytest.mark.parametrize(
    ("text", "claim_type"),
    [
        ("Unemployment fell to 4.1 percent in 2018, the lowest rate in a decade.", "statistic"),
        ("Brazil exported more coffee than Colombia in 2019.", "comparison"),
        ("The Chilean government grounded the airline in June 2002.", "event"),
        ("The company spent $40 million on the new plant in Ohio last year.", "statistic"),
    ],
)
def test_clear_claims(make_doc, text, claim_type):
    found = claim(make_doc, text)
    assert found.is_claim, found
    assert found.claim_type == claim_type


@pytest.mark.parametrize(
    "text",
    [
        "What are we going to do about it?",
        "I think we should all work together.",
        "Thank you very much.",
        "Look at the record and make your decision.",
        "Opinion",
        "Illegal drug trade in Peru",  # a heading: no verb
    ],
)
def test_clear_non_claims(make_doc, text):
    found = claim(make_doc, text)
    assert not found.is_claim, found
    assert found.claim_type == ""


def test_hedged(make_doc):
    assert claim(make_doc, "The minister reportedly took $2 million in bribes.").hedged
    assert not claim(make_doc, "The minister took $2 million in bribes in 2001.").hedged


def test_one_claim_per_sentence_in_order(make_doc):
    doc = make_doc("Prices rose 5% in May.\nWhy?\nThe bank cut rates twice in 2019.")
    assert [(c.start, c.end) for c in doc._.claims] == [
        (s.start_char, s.end_char) for s in doc.sents]
    assert [c.is_claim for c in doc._.claims] == [True, False, True]
    assert all(0.0 <= c.score <= 1.0 for c in doc._.claims)


def test_score_is_the_logistic_of_the_weights():
    even = 0.5  # the textcat undecided: its log-odds add nothing
    assert score(set(), even) == pytest.approx(1 / (1 + 2.718281828 ** -RULES["bias"]), rel=1e-6)
    assert score({"money"}, even) > score(set(), even) > score({"question"}, even)
    assert score(set(), 0.9) > score(set(), even) > score(set(), 0.1)


def test_the_textcat_reads_the_pipelines_token_vectors(make_doc):
    doc = make_doc("The deficit tripled to $1.4 trillion in 2009. Thank you all for coming.")
    sentences = [sentence_doc(s) for s in doc.sents]
    assert all(s.tensor.shape == (len(s), 96) for s in sentences)
    textcat = load_classifier().get_pipe("textcat")
    factual, courtesy = model_scores(textcat, sentences)
    assert factual > 0.5 > courtesy
    blind = [s.copy() for s in sentences]  # the same words without the token vectors
    for sentence in blind:
        sentence.tensor = sentence.tensor[:0]
    assert model_scores(textcat, blind) != [factual, courtesy]
    assert doc._.claims[0].reasons[0] == f"textcat {factual:.2f}"


def test_the_claim_model_is_small_and_trained_with_spacy_s_lookups():
    size = sum(f.stat().st_size for f in (MODEL_DIR / "model").rglob("*") if f.is_file())
    assert size < 5_000_000
    config = load_config(MODEL_DIR / "config.cfg")
    assert config["initialize"]["lookups"]["tables"] == ["lexeme_norm"]
    assert config["nlp"]["pipeline"] == ["tok2vec", "textcat"]


def test_corpus_claim(make_doc):
    doc = make_doc(TELESUR.read_text(encoding="utf-8"), published="2016-04-19")
    sentence = "Peru has been the number one exporter of cocaine since 2012"
    found = [c for c in doc._.claims if doc.text[c.start:c.end].startswith(sentence)]
    assert found and found[0].is_claim
    assert not any(c.is_claim for c in doc._.claims if doc.text[c.start:c.end].strip()
                   in ("facebook", "twitter", "Post with no comments."))
