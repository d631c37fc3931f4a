"""Claims: every sentence scored, typed and flagged for hedging."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from spacy.util import load_config

from pipeline.cache import pipeline_version
from pipeline.claims import (
    ACCURATE_DIR,
    MODEL_DIR,
    RULES,
    load_classifier,
    model_scores,
    score,
    sentence_doc,
)
from pipeline.runner import Options
from tests.conftest import TELESUR

ROOT = Path(__file__).resolve().parent.parent
# A liveblog entry as a cleaned page gives it: its lines, whether each is a claim, and the
# exclusion that must say why not.
LIVEBLOG = [
    ("# Jobs report: live updates", False, "heading"),  # Markdown
    ("Unemployment Falls to Lowest Level Since 2001", False, "heading"),  # title case
    ("By Jane Smith", False, "byline"),
    ("07.45 BST", False, "timestamp"),
    ("Unemployment fell to 4.1% in March, the lowest rate since 2001.", True, ""),
    ('"', False, "verbless"),  # a lone quote mark, left by a quote split over lines
    ("Economic outlook", False, "verbless"),  # a fragment
    ("Reporting by Jane Smith; Editing by John Doe", False, "byline"),  # the wire's credit
]
LIVEBLOG_TEXT = "\n".join(line for line, _, _ in LIVEBLOG)


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


@pytest.fixture(scope="module")
def accurate_doc():
    """Docs through the pipeline with the accurate claims model."""
    from pipeline.nlp import load

    nlp = load(claims="accurate")
    return lambda text: nlp(nlp.make_doc(text))


def _liveblog_claims(doc) -> list[tuple[str, bool, str]]:
    """Each line, whether it is a claim, and the expected exclusion if it is among the
    reasons given."""
    return [(doc.text[c.start:c.end].strip(), c.is_claim, reason if reason in c.reasons else "")
            for c, (_, _, reason) in zip(doc._.claims, LIVEBLOG)]


def test_what_is_no_statement_is_never_a_claim(make_doc):
    """Headings, bylines, timestamps, a lone quote mark, verbless fragments: excluded and
    scored 0, each for its own reason; the statistic between them is a claim."""
    doc = make_doc(LIVEBLOG_TEXT)
    assert len(doc._.claims) == len(LIVEBLOG)
    assert _liveblog_claims(doc) == LIVEBLOG
    assert all(c.score == 0 for c in doc._.claims if not c.is_claim)


def test_the_accurate_model_keeps_the_exclusions(accurate_doc):
    assert _liveblog_claims(accurate_doc(LIVEBLOG_TEXT)) == LIVEBLOG


@pytest.mark.parametrize("text", [
    "By Tuesday, the army had withdrawn from the city.",  # "By" and a finite verb: no byline
    "The rebels seized Goma at 07.45 on Tuesday, the army said.",  # a time inside a sentence
    "Peru has been the number one exporter of cocaine since 2012.",  # a full stop: no heading
])
def test_statements_that_look_like_furniture_are_still_claims(make_doc, text):
    assert claim(make_doc, text).is_claim


def test_the_accurate_model_tags_claims(accurate_doc):
    doc = accurate_doc("The company spent $40 million on the new plant in Ohio last year.\n"
                       "Thank you very much.")
    found, courtesy = doc._.claims
    assert found.is_claim and found.claim_type == "statistic"
    assert found.reasons[0].startswith("accurate ")
    assert not courtesy.is_claim


def test_the_accurate_model_runs_without_torch():
    """A fresh interpreter where torch cannot be imported loads the ONNX model and ranks a
    check-worthy debate line above a courtesy."""
    script = textwrap.dedent("""
        import sys
        class NoTorch:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] == "torch":
                    raise ImportError("torch is not for run time")
        sys.meta_path.insert(0, NoTorch())
        from pipeline.claims import Encoder
        factual, courtesy = Encoder().probabilities([
            "We have lost 800,000 manufacturing jobs since 2001.",
            "I want to thank the University of Denver for its hospitality."])
        assert "torch" not in sys.modules
        print(factual, courtesy)
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    factual, courtesy = map(float, done.stdout.split())
    assert factual > 0.5 > courtesy


def test_the_accurate_model_is_tens_of_megabytes_at_most():
    size = (ACCURATE_DIR / "model.onnx").stat().st_size
    assert 5_000_000 < size < 30_000_000  # int8: a float32 MiniLM would be 90 MB
    assert (ACCURATE_DIR / "tokenizer.json").is_file()


def test_the_claims_model_is_an_option_and_part_of_the_cache_key():
    assert Options().claims == "textcat"
    with pytest.raises(ValueError, match="claims must be one of"):
        Options(claims="bert")
    assert pipeline_version("en_core_web_sm", "textcat") != pipeline_version(
        "en_core_web_sm", "accurate")
