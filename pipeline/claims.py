"""Claims: a check-worthiness score for every sentence, from a trained text classifier and
a few transparent features.

The classifier is a spaCy textcat trained on check-worthy debate sentences (models/claims/,
`make train-claims`); it reads the token vectors the English model has already computed.
Each feature is a yes/no signal read off the parse (numbers, entities, dates, comparisons,
tense, causal links, questions, first-person opinions, imperatives, ...). The score is the
logistic of the classifier's log-odds and the features, each times its weight in
models/claims_rules.json, so anyone can see why a sentence scored as it did.
"""
from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc, Span

from pipeline.records import record
from pipeline.resources import HEDGES, MODELS, read_json

MODEL_DIR = MODELS / "claims"  # config.cfg and the trained textcat (model/)
CLAIM_LABEL = "CLAIM"
RULES = read_json("claims_rules.json")
PHRASES = {kind: tuple(f" {p} " for p in phrases)
           for kind, phrases in (RULES["phrases"] | {"hedge": sorted(HEDGES)}).items()}
NAMED = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
COUNTED = {"CARDINAL", "QUANTITY", "PERCENT", "MONEY"}
SPEAKERS = {"i", "we", "you"}
# The type a claim gets: the first of these features it has, else "other".
TYPES = (("number", "statistic"), ("money", "statistic"), ("comparison", "comparison"),
         ("causal", "causal"), ("prediction", "prediction"), ("quote", "attribution"),
         ("past", "event"), ("date", "event"))


@record
@dataclass(frozen=True)
class Claim:
    start: int  # the sentence span
    end: int
    score: float
    is_claim: bool
    claim_type: str = ""
    hedged: bool = False
    reasons: tuple[str, ...] = ()  # the features that fired, strongest weight first


if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=[])


def _has(text: str, kind: str) -> bool:
    return any(phrase in text for phrase in PHRASES[kind])


def features(sent: Span, quoted: bool = False) -> set[str]:
    """The yes/no signals of one sentence (see models/claims_rules.json for the lexicons)."""
    words = [t for t in sent if not (t.is_punct or t.is_space)]
    lower = " " + " ".join(t.lower_ for t in words) + " "
    lemmas = " " + " ".join(t.lemma_.lower() for t in words) + " "
    labels = {t.ent_type_ for t in sent if t.ent_type_}  # sent.ents reads the whole Doc
    subjects = {t.lower_ for t in sent if t.dep_ in ("nsubj", "nsubjpass")}
    first = words[0] if words else None
    found = {
        "number": bool(labels & COUNTED) or any(
            t.pos_ == "NUM" and t.ent_type_ not in ("DATE", "TIME", "ORDINAL") for t in words),
        "money": bool(labels & {"PERCENT", "MONEY"}) or _has(lower, "money"),
        "entity": bool(labels & NAMED),
        "date": "DATE" in labels,
        "comparison": any(t.tag_ in ("JJR", "JJS", "RBR", "RBS") for t in words)
        or _has(lower, "comparison"),
        "causal": _has(lower, "causal") or _has(lemmas, "causal"),
        "prediction": _has(lower, "prediction"),
        "past": any(t.tag_ == "VBD" for t in words),
        "perfect": any(t.tag_ == "VBN" and any(c.lemma_ == "have" and c.dep_ == "aux"
                                               for c in t.children) for t in words),
        "third_person": bool(subjects) and not subjects & SPEAKERS,
        "hedge": _has(lower, "hedge"),
        "question": sent.text.rstrip().endswith("?"),
        "speaker_opinion": bool(subjects & SPEAKERS) and any(
            t.lemma_.lower() in RULES["phrases"]["opinion"] and any(
                c.lower_ in SPEAKERS and c.dep_ == "nsubj" for c in t.children) for t in words),
        "speaker": bool(subjects & SPEAKERS),
        "obligation": _has(lower, "obligation"),
        "imperative": first is not None and first.tag_ == "VB" and not subjects,
        # a heading or a fragment: too short, or no verb ("Illegal drug trade in Peru")
        "fragment": len(words) < RULES["min_words"]
        or not any(t.pos_ in ("VERB", "AUX") for t in words),
        "quote": quoted,
    }
    return {name for name, fired in found.items() if fired}


def load_classifier(folder: Path = MODEL_DIR / "model") -> Language:
    """The trained textcat, alone in a pipeline of its own (as `make train-claims` saves
    it); its meta names the base model whose token vectors it reads."""
    return spacy.load(folder)


def tok2vec_digest(nlp: Language) -> str:
    """A fingerprint of the weights of `nlp`'s tok2vec: the textcat reads its vectors, so it
    only scores right on the base model it was trained on."""
    if "tok2vec" not in nlp.pipe_names:
        return ""
    return hashlib.sha256(nlp.get_pipe("tok2vec").model.to_bytes()).hexdigest()


def model_scores(textcat: TextCategorizer, sentences: list[Doc]) -> list[float]:
    """The textcat's probability that each sentence is a check-worthy claim. The Docs must
    carry the English model's token vectors (`doc.tensor`, see `sentence_doc`)."""
    if not sentences:
        return []
    column = textcat.labels.index(CLAIM_LABEL)
    return [float(row[column]) for row in textcat.model.ops.to_numpy(textcat.predict(sentences))]


def sentence_doc(sent: Span) -> Doc:
    """The sentence as the textcat reads it: its words and their token vectors (lighter
    than `Span.as_doc()`, which copies every annotation)."""
    doc = Doc(sent.doc.vocab, words=[t.text for t in sent],
              spaces=[bool(t.whitespace_) for t in sent])
    doc.tensor = sent.doc.tensor[sent.start: sent.end]
    return doc


def score(fired: set[str], model: float) -> float:
    weights = RULES["weights"]
    log_odds = math.log(max(model, 1e-6) / max(1 - model, 1e-6))
    total = RULES["bias"] + weights["model"] * log_odds + sum(
        weights.get(name, 0.0) for name in fired)
    return 1 / (1 + math.exp(-total))


def claim_for(sent: Span, model: float, quoted: bool = False,
              threshold: float = RULES["threshold"]) -> Claim:
    """Score and type one sentence, given the textcat's probability for it."""
    fired = features(sent, quoted)
    value = score(fired, model)
    is_claim = value >= threshold
    kind = next((t for name, t in TYPES if name in fired), "other") if is_claim else ""
    weights = RULES["weights"]
    reasons = tuple(sorted((n for n in fired if weights.get(n)), key=lambda n: -weights[n]))
    return Claim(sent.start_char, sent.end_char, round(value, 4), is_claim, kind,
                 "hedge" in fired, (f"textcat {model:.2f}", *reasons))


class ClaimTagger:
    """The `news_claims` component: one Claim per sentence in `doc._.claims`, in order; a
    sentence holding a quote or statement is marked. It owns its textcat (saved and loaded
    with the pipeline) and checks, before its first Doc, that the pipeline's tok2vec is the
    one the textcat was trained on: other token vectors would give confident nonsense."""

    def __init__(self, nlp: Language, name: str, threshold: float | None = None) -> None:
        self.nlp, self.name = nlp, name
        self.threshold = RULES["threshold"] if threshold is None else threshold
        self._use(load_classifier())

    def _use(self, classifier: Language) -> None:
        self.classifier, self.textcat = classifier, classifier.get_pipe("textcat")
        self.checked = False

    def __call__(self, doc: Doc) -> Doc:
        if not self.checked:
            self._check_base_model()
        spans = sorted((q.start, q.end) for q in doc._.quotes if q.start is not None)
        sentences = list(doc.sents)
        scores = model_scores(self.textcat, [sentence_doc(s) for s in sentences])
        claims, i = [], 0
        for sent, model in zip(sentences, scores):
            while i < len(spans) and spans[i][1] <= sent.start_char:
                i += 1
            quoted = i < len(spans) and spans[i][0] < sent.end_char
            claims.append(claim_for(sent, model, quoted, self.threshold))
        doc._.claims = claims
        return doc

    def _check_base_model(self) -> None:
        trained_on = self.classifier.meta.get("base_model", {})
        if trained_on and tok2vec_digest(self.nlp) != trained_on["tok2vec_sha256"]:
            raise ValueError(
                f"{self.name}: its textcat reads the token vectors of {trained_on['name']} "
                f"{trained_on['version']}, and this pipeline's tok2vec is another; load "
                "that model, or retrain the textcat on this one (`make train-claims`)")
        self.checked = True

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)
        self.classifier.to_disk(Path(path) / "textcat")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ClaimTagger:
        self._use(load_classifier(Path(path) / "textcat"))
        return self


@Language.factory(
    "news_claims", default_config={"threshold": None},
    requires=["doc.tensor", "doc.sents", "doc.ents", "token.tag", "token.dep", "token.lemma",
              "doc._.quotes"],
    assigns=["doc._.claims"])
def make_claims(nlp: Language, name: str, threshold: float | None) -> ClaimTagger:
    """`threshold`: the score from which a sentence is a claim; null takes the one
    `make train-claims` chose (models/claims_rules.json)."""
    return ClaimTagger(nlp, name, threshold)
