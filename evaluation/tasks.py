"""One evaluation task per stage: predictions from our pipeline (and, to compare, from
baselines), scored by the reference scorer of ../shared/eval/."""
from __future__ import annotations

import functools
import html
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import justext
import spacy
from spacy.language import Language

from pipeline.claims import rules_for
from pipeline.clean import Cleaned, clean
from pipeline.consolidate import CorpusLabels
from pipeline.entities import Entity, slug
from pipeline.events import calendar_dates
from pipeline.nlp import model_name
from pipeline.runner import shared_nlp

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("NEWS_SHARED", ROOT.parent / "shared"))
DATA, SCORERS = SHARED / "data", SHARED / "eval"


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def parsed(rows: list[dict], *, published: str | None = None,
           claims: str = "textcat") -> Iterator:
    """(row, Doc) pairs for already clean texts, through the full pipeline (with the claims
    classifier `claims`) in batches."""
    nlp = shared_nlp(None, claims)
    docs = []
    for row in rows:
        doc = nlp.make_doc(row["text"])
        doc._.doc_id = row.get("doc_id", row.get("id", ""))
        doc._.published = row.get(published) if published else None
        docs.append(doc)
    return zip(rows, nlp.pipe(docs, batch_size=32))


@functools.cache
def tempeval() -> tuple[list[dict], list[dict], list[dict]]:
    """Timex, event and baseline event predictions from one pass over the TempEval-3
    documents."""
    timexes, events, baseline = [], [], []
    for row, doc in parsed(list(read_jsonl(DATA / "tempeval3_train.jsonl")), published="dct"):
        doc_id = row["doc_id"]
        baseline += root_verb_events(doc_id, doc)
        timexes += [
            {"doc_id": doc_id, "start": t.start, "end": t.end, "text": t.text,
             "value": t.value, "type": t.type}
            for t in doc._.dates
        ]
        for event in doc._.events:
            prediction = {"doc_id": doc_id, "start": event.start, "end": event.end,
                          "text": event.trigger}
            if event.date is not None:
                prediction |= {"date_value": event.date.value,
                               "date_start": event.date.start, "date_end": event.date.end}
            events.append(prediction)
    return timexes, events, baseline


def root_verb_events(doc_id: str, doc) -> list[dict]:
    """The data README's naive baseline: each sentence's root verb, dated by the first
    calendar date of the sentence."""
    rows = []
    for sent in doc.sents:
        if sent.root.pos_ != "VERB":
            continue
        root = sent.root
        row = {"doc_id": doc_id, "start": root.idx, "end": root.idx + len(root),
               "text": root.text}
        first = next((t for t in calendar_dates(doc)
                      if sent.start_char <= t.start < sent.end_char), None)
        if first is not None:
            row |= {"date_value": first.value, "date_start": first.start, "date_end": first.end}
        rows.append(row)
    return rows


def boilerplate(raw_field: str, extract: Callable[[str], str]) -> Callable[[], list[dict]]:
    """`extract` run on one input form (`raw_field`) of every development page."""
    def predict() -> list[dict]:
        return [{"id": row["id"], "text": extract(row[raw_field])}
                for row in read_jsonl(DATA / "boilerplate_dev.jsonl")]
    return predict


@functools.cache
def cleaned_pages(raw_field: str) -> tuple[tuple[dict, Cleaned], ...]:
    """Every development page cleaned from one input form, once for all the figures."""
    return tuple((row, clean(row[raw_field]))
                 for row in read_jsonl(DATA / "boilerplate_dev.jsonl"))


def ours(raw_field: str) -> Callable[[], list[dict]]:
    return lambda: [{"id": row["id"], "text": c.text} for row, c in cleaned_pages(raw_field)]


def title_share(raw_field: str) -> Callable[[], dict[str, float]]:
    """The share of pages with an annotated title whose title we found exactly (ignoring
    case, which pages style apart from their markup): no reference scorer measures it."""
    def measure() -> dict[str, float]:
        pairs = [(c.title, row["meta"]["title"]) for row, c in cleaned_pages(raw_field)
                 if row["meta"].get("title")]
        right = sum(" ".join(ours.split()).casefold() == " ".join(gold.split()).casefold()
                    for ours, gold in pairs)
        return {"titles": round(right / len(pairs), 4)}
    return measure


def keep_all(raw: str) -> str:
    """The baseline that removes nothing: the input form itself is the output."""
    return raw


def justext_html(page: str) -> str:
    """The baseline of the data README: the paragraphs jusText (English stoplist) keeps."""
    paragraphs = justext.justext(page.encode("utf-8"), justext.get_stoplist("English"),
                                 encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def justext_dump(dump: str) -> str:
    """jusText reads HTML only, so each dump line becomes one <p>, as for the README's 0.766."""
    return justext_html("".join(f"<p>{html.escape(line)}</p>" for line in dump.splitlines()))


@functools.cache
def raw_model() -> Language:
    """The spaCy model alone, without our components: the baseline our entity stage beats."""
    return spacy.load(model_name())


def ner_raw_model(gold: str) -> Callable[[], list[dict]]:
    def predict() -> list[dict]:
        rows = list(read_jsonl(DATA / gold))
        docs = raw_model().pipe((row["text"] for row in rows), batch_size=32)
        return [
            {"doc_id": row["doc_id"], "start": ent.start_char, "end": ent.end_char,
             "text": ent.text, "label": ent.label_}
            for row, doc in zip(rows, docs)
            for ent in doc.ents
        ]
    return predict


@functools.cache
def gum_entities(gold: str) -> tuple[tuple[str, tuple[Entity, ...]], ...]:
    """(doc_id, entities) of every document of a GUM genre, parsed once."""
    return tuple((row["doc_id"], tuple(doc._.entities))
                 for row, doc in parsed(list(read_jsonl(DATA / gold))))


def corpus_vote(docs: Iterable[tuple[str, Iterable[Entity]]]) -> CorpusLabels:
    """The corpus vote of `make extract` over these documents' entities."""
    labels = CorpusLabels()
    for doc_id, entities in docs:
        labels.add({"doc_id": doc_id, "entity_id": e.entity_id, "n_mentions": len(e.mentions)}
                   for e in entities)
    return labels


def ner(gold: str) -> Callable[[], list[dict]]:
    """Our mentions, with the label their entity has after the corpus vote."""
    def predict() -> list[dict]:
        docs = gum_entities(gold)
        labels = corpus_vote(docs)
        return [
            {"doc_id": doc_id, "start": m.start, "end": m.end, "text": m.text,
             "label": labels.new_id(doc_id, entity.entity_id).partition("/")[0].upper()}
            for doc_id, entities in docs
            for entity in entities
            for m in entity.mentions
        ]
    return predict


def names_split(docs: Iterable[tuple[str, Iterable[Entity]]],
                labels: CorpusLabels | None) -> float:
    """The share of names, among those found in two documents or more, that get more than
    one entity_id across them ('U.S.' gpe/us here and gpe/united-states there; a city
    PERSON here and GPE there), with the corpus vote's ids or, without `labels`, each
    document's own. A name is a mention's text, slugged; a person's surname alone is left
    out, as it may name different people in different documents."""
    ids, seen_in = defaultdict(set), defaultdict(set)
    for doc_id, entities in docs:
        for entity in entities:
            entity_id = labels.new_id(doc_id, entity.entity_id) if labels else entity.entity_id
            for mention in entity.mentions:
                if entity.label == "PERSON" and \
                        len(mention.text.split()) < len(entity.name.split()):
                    continue
                ids[slug(mention.text)].add(entity_id)
                seen_in[slug(mention.text)].add(doc_id)
    shared = [name for name, docs_in in seen_in.items() if len(docs_in) > 1]
    return round(sum(len(ids[name]) > 1 for name in shared) / max(len(shared), 1), 4)


def names_split_figures(gold: str) -> Callable[[], dict[str, float]]:
    def figures() -> dict[str, float]:
        docs = gum_entities(gold)
        return {"names_split": names_split(docs, corpus_vote(docs)),
                "names_split_per_document": names_split(docs, None)}
    return figures


def attribution_sample() -> list[dict]:
    """Every fourth PolNeAR document (167 of 667): parsing all of them takes ten minutes
    on two cores, too long for a test run; the sample is fixed, so figures compare."""
    return list(read_jsonl(DATA / "attribution_dev.jsonl"))[::4]


def textacy_quotations() -> list[dict]:
    """The issue's baseline: textacy's direct_quotations over the raw model's parse; a
    document it raises on (an odd number of quote marks) gets no predictions."""
    from textacy.extract.triples import direct_quotations

    rows = attribution_sample()
    predictions = []
    for row, doc in zip(rows, raw_model().pipe((r["text"] for r in rows), batch_size=32)):
        try:
            triples = list(direct_quotations(doc))
        except ValueError:
            continue
        predictions += [
            {"doc_id": row["doc_id"], "source_text": " ".join(t.text for t in triple.speaker),
             "cue_text": " ".join(t.text for t in triple.cue),
             "content_start": triple.content.start_char, "content_end": triple.content.end_char}
            for triple in triples
        ]
    return predictions


def attribution() -> list[dict]:
    """Quotes and statements; the source is where the text names the speaker ("he"), as
    PolNeAR marks it, not the fullest name it resolves to."""
    return [
        {"doc_id": row["doc_id"], "cue_text": q.cue, "content_start": q.start,
         "content_end": q.end} | (
            {"source_start": q.source_start, "source_end": q.source_end}
            if q.source_start is not None else {"source_text": q.source})
        for row, doc in parsed(attribution_sample())
        for q in doc._.quotes
    ]


# The ClaimBuster debates, split by debate (`make train-claims` trains the textcat on "train"
# and fits its weights and threshold on "dev"; `make train-claims-accurate` cross-validates
# over both, "tuning"): one debate in four, spread over the six decades, is held out for
# scoring.
HELD_OUT_DEBATES = frozenset({"1960-10-07", "1984-10-21", "1992-10-15", "2000-10-11",
                              "2008-10-15", "2016-10-09"})
DEV_DEBATES = frozenset({"1976-09-23", "1996-10-06", "2004-09-30", "2012-10-16"})


def debates(part: str) -> list[dict]:
    """The sentences of the `train`, `dev`, `tuning` (train and dev) or `held_out` debates."""
    rows = list(read_jsonl(DATA / "claims_dev.jsonl"))
    chosen = {"held_out": HELD_OUT_DEBATES, "dev": DEV_DEBATES}.get(part)
    if chosen is not None:
        return [r for r in rows if r["debate"] in chosen]
    left_out = {"tuning": HELD_OUT_DEBATES, "train": HELD_OUT_DEBATES | DEV_DEBATES}[part]
    return [r for r in rows if r["debate"] not in left_out]


def held_out_debates() -> list[dict]:
    return debates("held_out")


@functools.cache
def debate_lines(model: str) -> tuple[tuple[str, float, bool], ...]:
    """(id, score, is_claim) of each held-out debate line with the claims classifier
    `model`: its best-scored sentence decides it (a line may hold two)."""
    lines = []
    for row, doc in parsed(held_out_debates(), claims=model):
        best = max(doc._.claims, key=lambda c: c.score, default=None)
        lines.append((row["id"], best.score if best else 0.0, bool(best and best.is_claim)))
    return tuple(lines)


def claims(model: str) -> Callable[[], list[dict]]:
    """The held-out debates cut at the debate threshold (the best F1 on the dev debates):
    the classifier's figures on the kind of text it was trained on."""
    def predict() -> list[dict]:
        cut = rules_for(model)["debate_threshold"]
        return [{"id": id_, "label": "claim" if score >= cut and score > 0 else "not_claim",
                 "score": score} for id_, score, _ in debate_lines(model)]
    return predict


# Ordinary news to see how much of it the claims stage tags: the first documents of the
# PolNeAR, GUM news and TempEval-3 development texts (40 of each, fixed, so figures compare).
NEWS_SOURCES = ("attribution_dev.jsonl", "gum_news_ner.jsonl", "tempeval3_train.jsonl")
NEWS_SAMPLE = 40


def news_texts() -> list[dict]:
    return [row for name in NEWS_SOURCES
            for row in list(read_jsonl(DATA / name))[:NEWS_SAMPLE]]


def at_news_threshold(model: str) -> Callable[[], dict[str, float]]:
    """What the default cut (pipeline.claims.NEWS_THRESHOLD) gives: the share of the news
    sentences tagged, which no gold fixes (in the debates a quarter of the lines are
    check-worthy), and F1 on the held-out debates at that cut."""
    def measure() -> dict[str, float]:
        tagged = [c.is_claim for _, doc in parsed(news_texts(), claims=model)
                  for c in doc._.claims]
        gold = {row["id"]: row["label"] == "claim" for row in held_out_debates()}
        lines = debate_lines(model)
        hits = sum(claim and gold[id_] for id_, _, claim in lines)
        predicted = sum(claim for _, _, claim in lines)
        return {"news_tagged_share": round(sum(tagged) / len(tagged), 4),
                "news_cut_claim_f1": round(2 * hits / (predicted + sum(gold.values())), 4)}
    return measure


def claims_number_baseline() -> list[dict]:
    """The issue's baseline: a line is a claim when it contains a number."""
    nlp = spacy.blank("en")
    rows = held_out_debates()
    return [{"id": row["id"], "label": "claim" if number else "not_claim",
             "score": float(number)}
            for row, doc in zip(rows, nlp.pipe(r["text"] for r in rows))
            for number in [any(t.like_num for t in doc)]]


@dataclass(frozen=True)
class Task:
    name: str
    gold: str  # file in ../shared/data
    scorer: str  # file in ../shared/eval
    predict: Callable[[], list[dict]]
    metrics: tuple[str, ...]  # summary keys kept in scores.json (dotted for nested ones)
    sample: Callable[[], list[dict]] | None = None  # gold rows scored, when not the whole file
    # Other systems' predictions, named, scored on the same metrics: not ours, no floors.
    baselines: dict[str, Callable[[], list[dict]]] = field(default_factory=dict)
    extra: Callable[[], dict[str, float]] | None = None  # our own figures beside the scorer's

    def score(self, *, baselines: bool = False) -> dict[str, float]:
        """Run the reference scorer on our predictions; the headline metrics it prints, and
        with `baselines` each baseline's (`<baseline>_<metric>`) to compare."""
        summary = self._summary(self.predict)
        scores = {metric: _lookup(summary, metric) for metric in self.metrics}
        if self.extra is not None:
            scores |= self.extra()
        if baselines:
            for name, predict in self.baselines.items():
                summary = self._summary(predict)
                scores |= {f"{name}_{metric}": _lookup(summary, metric)
                           for metric in self.metrics}
        return scores

    def _summary(self, predict: Callable[[], list[dict]]) -> dict:
        """The reference scorer's one-line JSON summary of these predictions."""
        with tempfile.TemporaryDirectory() as folder:
            predictions, gold = Path(folder) / "pred.jsonl", DATA / self.gold
            _write_jsonl(predictions, predict())
            if self.sample is not None:
                gold = Path(folder) / "gold.jsonl"
                _write_jsonl(gold, self.sample())
            done = subprocess.run(
                [sys.executable, str(SCORERS / self.scorer), str(gold), str(predictions)],
                capture_output=True, text=True, check=True,
            )
        return json.loads(done.stdout.strip().splitlines()[-1])


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps(row) + "\n" for row in rows)


def _lookup(summary: dict, dotted: str) -> float:
    value = summary
    for key in dotted.split("."):
        value = value[key]
    return value


def _events() -> list[dict]:
    return tempeval()[1]


def _root_verb_events() -> list[dict]:
    return tempeval()[2]


def _timexes() -> list[dict]:
    return tempeval()[0]


def boilerplate_task(name: str, raw_field: str, justext_form: Callable[[str], str]) -> Task:
    """Cleaning of one input form, with keep-everything and jusText as baselines."""
    return Task(name, "boilerplate_dev.jsonl", "score_boilerplate.py",
                ours(raw_field), ("f1", "precision", "recall"),
                baselines={"keep_all": boilerplate(raw_field, keep_all),
                           "justext": boilerplate(raw_field, justext_form)},
                extra=title_share(raw_field))


def ner_task(name: str, gold: str) -> Task:
    """Entities of one GUM genre, with the raw spaCy model as the baseline."""
    return Task(name, gold, "score_ner_onto.py", ner(gold),
                ("labeled_exact.f1", "labeled_overlap.f1", "consistency.rate"),
                baselines={"raw_model": ner_raw_model(gold)}, extra=names_split_figures(gold))


TASKS = (
    boilerplate_task("boilerplate_w3m", "raw_text", justext_dump),
    boilerplate_task("boilerplate_lynx", "raw_text_lynx", justext_dump),
    boilerplate_task("boilerplate_html", "html", justext_html),
    Task("timex", "tempeval3_train.jsonl", "score_timex.py", _timexes,
         ("strict_f1", "relaxed_f1", "value_f1")),
    Task("events", "tempeval3_train.jsonl", "score_events.py", _events,
         ("trigger_p", "dated_p", "dated_r", "dated_f1", "dated_f1_value_only"),
         baselines={"root_verb": _root_verb_events}),
    ner_task("ner_news", "gum_news_ner.jsonl"),
    ner_task("ner_interview", "gum_interview_ner.jsonl"),
    ner_task("ner_bio", "gum_bio_ner.jsonl"),
    Task("attribution", "attribution_dev.jsonl", "score_attribution.py", attribution,
         ("content_f1", "content_p", "content_r", "direct_r", "source_acc", "cue_acc"),
         sample=attribution_sample, baselines={"textacy": textacy_quotations}),
    Task("claims", "claims_dev.jsonl", "score_claims.py", claims("textcat"),
         ("claim_f1", "roc_auc"), sample=held_out_debates,
         baselines={"contains_number": claims_number_baseline},
         extra=at_news_threshold("textcat")),
    Task("claims_accurate", "claims_dev.jsonl", "score_claims.py", claims("accurate"),
         ("claim_f1", "roc_auc"), sample=held_out_debates,
         extra=at_news_threshold("accurate")),
)
TASK_BY_NAME = {task.name: task for task in TASKS}
# Metrics where lower is better; every other metric must stay at or above its floor.
# (names split across documents and the share of news sentences tagged as claims: their
# floors are ceilings, so they do not creep up)
LOWER_IS_BETTER = {"consistency.rate", "names_split", "news_tagged_share"}
