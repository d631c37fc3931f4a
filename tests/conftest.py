"""Shared fixtures: the spaCy pipeline is loaded once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
WIKIPEDIA = CORPUS / "000_37982e361877194f.txt"
TELESUR = CORPUS / "002_159aca854b71736f.txt"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.nlp import load

    return load()


@pytest.fixture(scope="session")
def make_doc(nlp):
    """Run the whole pipeline on a text, with an optional publication date (ISO)."""

    def run(text: str, published: str | None = None):
        doc = nlp.make_doc(text)
        doc._.published = published
        return nlp(doc)

    return run


@pytest.fixture(scope="session")
def corpus_result():
    """The whole pipeline over corpus/, run once for every test that reads its tables."""
    import pipeline

    return pipeline.extract(CORPUS)
