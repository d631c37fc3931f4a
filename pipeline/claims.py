"""Claims: a check-worthiness score for every sentence, from a trained sentence classifier
and a few transparent features.

Two classifiers can be chosen (the component's `model`, the `--claims` option):
`textcat`, the default, a spaCy textcat trained on check-worthy debate sentences
(models/claims/model, `make train-claims`) that reads the token vectors the English model
has already computed, almost free; and `accurate`, all-MiniLM-L6-v2 fine-tuned on the same
debates and run as int8 ONNX by onnxruntime (models/claims/accurate,
`make train-claims-accurate`), better and dearer. Each feature is a yes/no signal read off
the parse (numbers, entities, dates, comparisons, tense, causal links, questions,
first-person opinions, imperatives, ...). The score is the logistic of the classifier's
log-odds and the features, each times its weight (models/claims_rules.json, or
claims_rules_accurate.json for the accurate model), so anyone can see why a sentence scored
as it did. Lines that are no statement at all (headings, verbless fragments, a lone quote
mark, liveblog timestamps, bylines) are never claims, whatever the classifier says.

A sentence is tagged a claim from a score of NEWS_THRESHOLD. The score is a probability,
calibrated on debates the classifier never saw (it is fitted there by logistic regression:
the dev debates for the textcat, the accurate encoder's out-of-fold scores for it; on the
held-out debates the sentences scored about 0.3, 0.5, 0.7 and 0.9 are check-worthy about
that often), so 0.5 tags a sentence when check-worthy is more likely than not. The cut with
the best F1 on the debates (`debate_threshold` in the rules: 0.33, and 0.361 for the
accurate model) is lower because F1 rewards recall where a quarter of the lines are
claims; on news, where most sentences state facts, it tagged two sentences in three, and a
tag is there to choose what to check.
"""
from __future__ import annotations

import hashlib
import math
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import spacy
from spacy.language import Language
from spacy.pipeline import TextCategorizer
from spacy.tokens import Doc, Span
from spacy.util import minibatch

from pipeline.entities import SMALL_WORDS
from pipeline.records import doc_text, record, span_text
from pipeline.resources import HEDGES, MODELS, read_json
from pipeline.temporal import alternation

MODEL_DIR = MODELS / "claims"  # config.cfg and the trained textcat (model/)
ACCURATE_DIR = MODEL_DIR / "accurate"  # the fine-tuned MiniLM: int8 ONNX and its tokenizer
MAX_TOKENS = 128  # word pieces of a sentence the encoder reads; debate lines average 24
CLAIM_LABEL = "CLAIM"
RULES = read_json("claims_rules.json")
NEWS_THRESHOLD = 0.5  # the default cut: more likely check-worthy than not (see above)
CLAIM_MODELS = ("textcat", "accurate")
# each kind's phrases as one pattern, a trie: ' the biggest ' in a sentence's spaced words
PHRASES = {kind: re.compile(alternation(f" {p} " for p in phrases))
           for kind, phrases in (RULES["phrases"] | {"hedge": sorted(HEDGES)}).items()}
NAMED = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW", "PRODUCT", "WORK_OF_ART"}
COUNTED = {"CARDINAL", "QUANTITY", "PERCENT", "MONEY"}
SPEAKERS = {"i", "we", "you"}
# The type a claim gets: the first of these features it has, else "other".
TYPES = (("number", "statistic"), ("money", "statistic"), ("comparison", "comparison"),
         ("causal", "causal"), ("prediction", "prediction"), ("quote", "attribution"),
         ("past", "event"), ("date", "event"))
# Features that make a sentence no claim at all: it scores 0 and the classifier is not run.
EXCLUSIONS = ("heading", "verbless", "timestamp", "byline")
FINITE = {"VBD", "VBZ", "VBP", "MD"}
COMPARATIVES = {"JJR", "JJS", "RBR", "RBS"}
# "07.45 BST", "7:45pm", "Updated 10.02 ET": a liveblog entry's time, alone on its line
TIMESTAMP = re.compile(r"(?:(?:updated|posted|published)\s+)?\d{1,2}[.:]\d{2}"
                       r"(?:\s*[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?", re.IGNORECASE)
BYLINE = re.compile(r"(?:(?:additional\s+)?(?:reporting|writing|editing|words|story|text)"
                    r"\s+by|compiled\s+by|written\s+by|by)\s+[A-Z]", re.IGNORECASE)
BYLINE_WORDS = 16  # a longer sentence opening "By ..." is a statement ("By 2020, ...")


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
    return PHRASES[kind].search(text) is not None


def _own_line(sent: Span, said: str, text: str) -> bool:
    """The sentence (`said` is its text) is a whole line of `text`, its Doc's (a headline
    stands alone on its line)."""
    end = sent.start_char + len(said.rstrip())
    before, after = text[:sent.start_char].rstrip(" \t"), text[end:].lstrip(" \t")
    return (not before or before.endswith("\n")) and (not after or after.startswith("\n"))


def _heading(sent: Span, said: str, words: list, text: str) -> bool:
    """A Markdown heading, or a line of `text` in title case (or capitals) that ends in no
    full stop: 'Illegal Drug Trade Surges in Peru'."""
    line = said.strip()
    if line.startswith("#"):
        return True
    if not _own_line(sent, said, text) or line[-1:] in ".!?:;…" or line[-2:-1] in (".", "!", "?"):
        return False
    content = [t.text for t in words if t.is_alpha and t.lower_ not in SMALL_WORDS]
    return len(content) >= 2 and all(w[0].isupper() for w in content)


def _byline(said: str, words: list) -> bool:
    """'By Jane Smith', 'Reporting by Jane Smith; Editing by John Doe': a short credit line
    with no finite verb ('By Tuesday the army had withdrawn' has one)."""
    return (BYLINE.match(said.strip()) is not None and len(words) <= BYLINE_WORDS
            and not any(t.tag_ in FINITE for t in words))


def features(sent: Span, quoted: bool = False) -> set[str]:
    """The yes/no signals of one sentence (see models/claims_rules.json for the lexicons)."""
    text, said = doc_text(sent.doc), span_text(sent)
    tokens = list(sent)  # each pass over a Span makes its Token objects anew
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    tags, poses = {t.tag_ for t in words}, {t.pos_ for t in words}  # read once, asked often
    lower = " " + " ".join(t.lower_ for t in words) + " "
    lemmas = " " + " ".join(t.lemma_.lower() for t in words) + " "
    labels = {t.ent_type_ for t in tokens if t.ent_type_}  # sent.ents reads the whole Doc
    subjects = {t.lower_ for t in tokens if t.dep_ in ("nsubj", "nsubjpass")}
    first = words[0] if words else None
    found = {
        "number": bool(labels & COUNTED) or "NUM" in poses and any(
            t.pos_ == "NUM" and t.ent_type_ not in ("DATE", "TIME", "ORDINAL") for t in words),
        "money": bool(labels & {"PERCENT", "MONEY"}) or _has(lower, "money"),
        "entity": bool(labels & NAMED),
        "date": "DATE" in labels,
        "comparison": bool(tags & COMPARATIVES) or _has(lower, "comparison"),
        "causal": _has(lower, "causal") or _has(lemmas, "causal"),
        "prediction": _has(lower, "prediction"),
        "past": "VBD" in tags,
        "perfect": "VBN" in tags and any(
            t.tag_ == "VBN" and any(c.lemma_ == "have" and c.dep_ == "aux" for c in t.children)
            for t in words),
        "third_person": bool(subjects) and not subjects & SPEAKERS,
        "hedge": _has(lower, "hedge"),
        "question": said.rstrip().endswith("?"),
        "speaker_opinion": bool(subjects & SPEAKERS) and any(
            t.lemma_.lower() in RULES["phrases"]["opinion"] and any(
                c.lower_ in SPEAKERS and c.dep_ == "nsubj" for c in t.children) for t in words),
        "speaker": bool(subjects & SPEAKERS),
        "obligation": _has(lower, "obligation"),
        "imperative": first is not None and first.tag_ == "VB" and not subjects,
        "fragment": len(words) < RULES["min_words"],  # "Thank you.", "Opinion"
        "quote": quoted,
        # the exclusions: no statement to check
        "verbless": poses.isdisjoint(("VERB", "AUX")),  # also a lone '"'
        "heading": _heading(sent, said, words, text),
        "timestamp": TIMESTAMP.fullmatch(said.strip()) is not None,
        "byline": _byline(said, words),
    }
    return {name for name, fired in found.items() if fired}


def load_classifier(folder: Path = MODEL_DIR / "model") -> Language:
    """The trained textcat, alone in a pipeline of its own (as `make train-claims` saves
    it); its meta names the base model whose token vectors it reads."""
    return spacy.load(folder)


def tok2vec_digest(nlp: Language) -> str:
    """A fingerprint of the weights of `nlp`'s tok2vec: the textcat reads its vectors, so it
    only scores right on the base model it was trained on."""
    if "tok2vec" not in nlp.component_names:  # disabled counts: its weights are there
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
    tokens = list(sent)
    doc = Doc(sent.doc.vocab, words=[t.text for t in tokens],
              spaces=[bool(t.whitespace_) for t in tokens])
    doc.tensor = sent.doc.tensor[sent.start: sent.end]
    return doc


class Encoder:
    """The accurate model: the fine-tuned MiniLM as int8 ONNX with its word-piece tokenizer
    (models/claims/accurate/), run by onnxruntime, so no torch at run time. Sentences go in
    batches of similar length, so little time is spent on padding."""

    BATCH = 64  # sentences per session.run

    def __init__(self, folder: Path = ACCURATE_DIR) -> None:
        import onnxruntime  # only when chosen: the default model needs neither library
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        # as many threads as BLAS may use: one in each worker process (runner._worker_pool)
        options.intra_op_num_threads = int(os.environ.get("OMP_NUM_THREADS") or 0)
        self.session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding()

    def probabilities(self, texts: list[str]) -> list[float]:
        """The probability that each text is a check-worthy claim, in order."""
        encoded = self.tokenizer.encode_batch(texts) if texts else []
        order = sorted(range(len(texts)), key=lambda i: sum(encoded[i].attention_mask))
        out = np.zeros(len(texts))
        for chunk in (order[i:i + self.BATCH] for i in range(0, len(order), self.BATCH)):
            longest = max(sum(encoded[i].attention_mask) for i in chunk)
            ids = np.array([encoded[i].ids[:longest] for i in chunk], dtype=np.int64)
            mask = np.array([encoded[i].attention_mask[:longest] for i in chunk], dtype=np.int64)
            (log_odds,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
            out[chunk] = log_odds
        return (1 / (1 + np.exp(-out))).tolist()


def rules_for(model: str) -> dict:
    """The weights, bias and debate threshold fitted for one classifier (`make train-claims`,
    `make train-claims-accurate`)."""
    if model not in CLAIM_MODELS:
        raise ValueError(f"claims model must be one of {', '.join(CLAIM_MODELS)}, "
                         f"not {model!r}")
    return RULES if model == "textcat" else read_json("claims_rules_accurate.json")


def score(fired: set[str], model: float, rules: dict = RULES) -> float:
    """The logistic of the classifier's log-odds (`model` is its probability) and the
    features' weights; 0 for a sentence with an exclusion."""
    if fired.intersection(EXCLUSIONS):
        return 0.0
    weights = rules["weights"]
    log_odds = math.log(max(model, 1e-6) / max(1 - model, 1e-6))
    total = rules["bias"] + weights["model"] * log_odds + sum(
        weights.get(name, 0.0) for name in fired)
    return 1 / (1 + math.exp(-total))


def claim_for(sent: Span, model: float, quoted: bool = False,
              threshold: float = NEWS_THRESHOLD, *, rules: dict = RULES,
              fired: set[str] | None = None, classifier: str = "textcat") -> Claim:
    """Score and type one sentence, given the classifier's probability for it."""
    fired = features(sent, quoted) if fired is None else fired
    value = score(fired, model, rules)
    is_claim = value >= threshold and value > 0
    kind = next((t for name, t in TYPES if name in fired), "other") if is_claim else ""
    excluded = tuple(name for name in EXCLUSIONS if name in fired)
    weights = rules["weights"]
    reasons = excluded or (f"{classifier} {model:.2f}", *sorted(
        (n for n in fired if weights.get(n)), key=lambda n: -weights[n]))
    return Claim(sent.start_char, sent.end_char, round(value, 4), is_claim, kind,
                 "hedge" in fired, reasons)


class ClaimTagger:
    """The `news_claims` component: one Claim per sentence in `doc._.claims`, in order; a
    sentence holding a quote or statement is marked. Its classifier scores the sentences
    of a whole batch of Docs at once (`pipe`). With the textcat it owns that textcat (saved
    and loaded with the pipeline) and checks, before its first Doc, that the pipeline's
    tok2vec is the one the textcat was trained on: other token vectors would give
    confident nonsense. The accurate model reads the words only and ships in models/."""

    def __init__(self, nlp: Language, name: str, threshold: float | None = None,
                 model: str = "textcat") -> None:
        self.nlp, self.name, self.model = nlp, name, model
        self.rules = rules_for(model)
        self.threshold = NEWS_THRESHOLD if threshold is None else threshold
        self.encoder = Encoder() if model == "accurate" else None
        self.checked = model != "textcat"
        if model == "textcat":
            self._use(load_classifier())

    def _use(self, classifier: Language) -> None:
        self.classifier, self.textcat = classifier, classifier.get_pipe("textcat")
        self.checked = False

    def __call__(self, doc: Doc) -> Doc:
        return self._tag([doc])[0]

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128) -> Iterator[Doc]:
        for batch in minibatch(docs, batch_size):
            yield from self._tag(batch)

    def _tag(self, docs: list[Doc]) -> list[Doc]:
        if not self.checked:
            self._check_base_model()
        found = [_sentences(doc) for doc in docs]
        todo = [(sent, fired) for sentences in found for sent, fired in sentences
                if not fired.intersection(EXCLUSIONS)]  # an excluded line is not scored
        probabilities = iter(self._probabilities([sent for sent, _ in todo]))
        for doc, sentences in zip(docs, found):
            doc._.claims = [
                claim_for(sent, 0.0 if fired.intersection(EXCLUSIONS) else next(probabilities),
                          threshold=self.threshold, rules=self.rules, fired=fired,
                          classifier=self.model)
                for sent, fired in sentences]
        return docs

    def _probabilities(self, sentences: list[Span]) -> list[float]:
        if self.encoder is not None:
            return self.encoder.probabilities([sent.text for sent in sentences])
        return model_scores(self.textcat, [sentence_doc(sent) for sent in sentences])

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
        if self.model == "textcat":
            self.classifier.to_disk(Path(path) / "textcat")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ClaimTagger:
        if self.model == "textcat":
            self._use(load_classifier(Path(path) / "textcat"))
        return self


def _sentences(doc: Doc) -> list[tuple[Span, set[str]]]:
    """Each sentence with its features; a sentence holding a quote or statement is marked."""
    spans = sorted((q.start, q.end) for q in doc._.quotes if q.start is not None)
    out, i = [], 0
    for sent in doc.sents:
        while i < len(spans) and spans[i][1] <= sent.start_char:
            i += 1
        quoted = i < len(spans) and spans[i][0] < sent.end_char
        out.append((sent, features(sent, quoted)))
    return out


@Language.factory(
    "news_claims", default_config={"threshold": None, "model": "textcat"},
    requires=["doc.tensor", "doc.sents", "doc.ents", "token.tag", "token.dep", "token.lemma",
              "doc._.quotes"],
    assigns=["doc._.claims"])
def make_claims(nlp: Language, name: str, threshold: float | None,
                model: str) -> ClaimTagger:
    """`model`: the sentence classifier, "textcat" (the default, fast) or "accurate" (the
    fine-tuned MiniLM in ONNX); `threshold`: the score from which a sentence is a claim,
    null for NEWS_THRESHOLD (transcripts of debates: the rules' `debate_threshold`)."""
    return ClaimTagger(nlp, name, threshold, model)
