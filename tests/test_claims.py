"""Claims: every sentence scored, typed and flagged for hedging."""
from __future__ import annotations

import pytest

from pipeline.claims import RULES, score
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
    assert score(set()) == pytest.approx(1 / (1 + 2.718281828 ** -RULES["bias"]), rel=1e-6)
    assert score({"money"}) > score(set()) > score({"question"})


def test_corpus_claim(make_doc):
    doc = make_doc(TELESUR.read_text(encoding="utf-8"), published="2016-04-19")
    sentence = "Peru has been the number one exporter of cocaine since 2012"
    found = [c for c in doc._.claims if doc.text[c.start:c.end].startswith(sentence)]
    assert found and found[0].is_claim
    assert not any(c.is_claim for c in doc._.claims if doc.text[c.start:c.end].strip()
                   in ("facebook", "twitter", "Post with no comments."))
