"""`python -m evaluation.train_boilerplate`: fit the dump line classifier and write
models/boilerplate_model.json.

Training data: the w3m and lynx dumps of the development pages, cut into units by clean.py.
A unit's label comes from the annotators' snippets where one falls on it (`with`: keep,
`without`: remove, weighted GOLD_WEIGHT), else from trafilatura's extraction of the same
page's HTML (keep when the unit's text is in it): trafilatura sees the markup the dump lost,
so it is a fair teacher for the many units no snippet covers. Units a hard rule removes are
left out: the model never decides them.

The figures printed (and kept in the model file) are cross-validation with sites held out:
each fold's pages are cleaned by a model fitted without any page of their sites, with both
dumps of a page in one fold.
scikit-learn (dev extra) fits the models; at run time they are plain weights.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
import zlib

import numpy as np
import trafilatura
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from evaluation.dump_corpus import dev_site
from evaluation.tasks import DATA, read_jsonl
from pipeline.boilerplate import (
    MODEL,
    Logistic,
    Model,
    title_candidates,
    title_features,
    unit_features,
)
from pipeline.clean import HARD_RULES, _clean_dump, read_dump
from pipeline.resources import MODELS

FIELDS = ("raw_text", "raw_text_lynx")
GOLD_WEIGHT = 30.0  # an annotated snippet against one teacher label
FOLDS = 5
C = 1.0  # inverse regularisation strength of the unit model
RANKER_L2 = 3.0  # the headline ranker's penalty (page-level cross-validation chose it)


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class Page:
    """One dump of one development page: its units' features and labels."""

    def __init__(self, row: dict, field: str, teacher: str):
        self.row, self.field = row, field
        units = read_dump(row[field])[0]
        self.features = unit_features(units)
        self.decided = [i for i, unit in enumerate(units) if unit.rule not in HARD_RULES]
        self.labels, self.weights = [], []
        keep, remove = [norm(s) for s in row["with"]], [norm(s) for s in row["without"]]
        teacher_lines = [norm(line) for line in teacher.splitlines() if line.strip()]
        for i in self.decided:
            text = norm(units[i].text)
            label, weight = None, GOLD_WEIGHT
            if _covers(text, keep):
                label = 1
            elif _covers(text, remove):
                label = 0
            else:
                weight = 1.0
                label = int(any(text in line for line in teacher_lines) if len(text) >= 20
                            else text in teacher_lines)
            self.labels.append(label)
            self.weights.append(weight)
        # The headline model's candidates, scored by the unit model as at run time.
        self.units = units
        self.title = norm(row["meta"].get("title") or "").lower()  # pages style case apart


def title_examples(page: Page, units_model: Logistic,
                   threshold: float) -> list[tuple[dict[str, float], int]]:
    """(features, label) of each headline candidate of a page whose annotated title is among
    them; a page without one teaches the ranker nothing."""
    if not page.title:
        return []
    keep = [units_model.probability(f) for f in page.features]
    candidates = title_candidates(page.units, keep, threshold)
    features = title_features(page.units, keep, candidates, threshold)
    labels = [int(norm(page.units[i].text).lower() == page.title) for i in candidates]
    return list(zip(features, labels)) if any(labels) else []


def _covers(text: str, snippets: list[str]) -> bool:
    return any(s in text or (len(text) >= 15 and text in s) for s in snippets)


def fit(x: np.ndarray, y: list[int], w: list[float], names: list[str]) -> Logistic:
    """Standardised logistic regression, folded back to weights on the raw features."""
    scaler = StandardScaler().fit(x)
    regression = LogisticRegression(C=C, max_iter=5000)
    regression.fit(scaler.transform(x), y, sample_weight=w)
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    weights = regression.coef_[0] / scale
    bias = regression.intercept_[0] - float(np.dot(weights, scaler.mean_))
    return Logistic(round(float(bias), 6),
                    {n: round(float(v), 6) for n, v in zip(names, weights) if v != 0},
                    {n: round(float(m), 6) for n, m in zip(names, scaler.mean_)})


def fit_ranker(pages: list[list[tuple[dict[str, float], int]]], names: list[str]) -> Logistic:
    """A listwise ranker: the softmax over each page's candidates puts its weight on the
    annotated headline (conditional logit, L2 penalty RANKER_L2). Which line of a page wins
    is all that matters, so a page is one example, not its candidates one by one (with the
    same features and the unit model held fixed, page-level cross-validation finds 0.75 /
    0.82 of the w3m / lynx titles with a per-candidate logistic model, 0.81 / 0.85 with
    this one)."""
    scaler = StandardScaler().fit(matrix([f for page in pages for f, _ in page], names))
    lists = [(scaler.transform(matrix([f for f, _ in page], names)),
              np.array([y for _, y in page], dtype=float)) for page in pages]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, gradient = RANKER_L2 * w @ w, 2 * RANKER_L2 * w
        for x, y in lists:
            scores = x @ w
            top = scores.max()
            exponentials = np.exp(scores - top)
            target = y / y.sum()
            total += top + math.log(exponentials.sum()) - target @ scores
            gradient += x.T @ (exponentials / exponentials.sum() - target)
        return total, gradient

    w = minimize(loss, np.zeros(len(names)), jac=True, method="L-BFGS-B").x
    scale = np.where(scaler.scale_ == 0, 1.0, scaler.scale_)
    weights = w / scale
    return Logistic(round(-float(np.dot(weights, scaler.mean_)), 6),
                    {n: round(float(v), 6) for n, v in zip(names, weights) if v != 0},
                    {n: round(float(m), 6) for n, m in zip(names, scaler.mean_)})


def matrix(rows: list[dict[str, float]], names: list[str]) -> np.ndarray:
    return np.array([[row.get(name, 0.0) for name in names] for row in rows])


def train(pages: list[Page], threshold: float) -> Model:
    """The unit model, then the headline model on candidates that unit model picks out."""
    names = sorted({k for page in pages for f in page.features for k in f})
    rows = [page.features[i] for page in pages for i in page.decided]
    labels = [label for page in pages for label in page.labels]
    weights = [weight for page in pages for weight in page.weights]
    units = fit(matrix(rows, names), labels, weights, names)
    examples = [e for e in (title_examples(page, units, threshold) for page in pages) if e]
    title_names = sorted({k for page in examples for f, _ in page for k in f})
    return Model(units, fit_ranker(examples, title_names), threshold)


def _fold(page: Page) -> int:
    """Folds by site, so that no site is both fitted and measured."""
    return zlib.crc32(dev_site(page.row).encode()) % FOLDS


def cross_validate(pages: list[Page], threshold: float) -> dict[str, dict[str, float]]:
    """Snippet precision, recall and F1 per dump form, each page cleaned by a model that
    never saw it (counted as the reference scorer counts), and the share of annotated titles
    found exactly."""
    counts = {field: [0, 0, 0] for field in FIELDS}
    titles = {field: [0, 0] for field in FIELDS}  # right, annotated
    for fold in range(FOLDS):
        classifier = train([p for p in pages if _fold(p) != fold], threshold)
        for page in (p for p in pages if _fold(p) == fold):
            cleaned = _clean_dump(page.row[page.field], classifier)
            text = norm(cleaned.text)
            if page.title:
                titles[page.field][0] += norm(cleaned.title).lower() == page.title
                titles[page.field][1] += 1
            tally = counts[page.field]
            tally[0] += sum(norm(s) in text for s in page.row["with"])
            tally[1] += sum(norm(s) in text for s in page.row["without"])
            tally[2] += sum(norm(s) not in text for s in page.row["with"])
    return {field: _figures(*tally) | {"titles": round(titles[field][0] / titles[field][1], 4)}
            for field, tally in counts.items()}


def _figures(tp: int, fp: int, fn: int) -> dict[str, float]:
    return {"precision": round(tp / (tp + fp), 4), "recall": round(tp / (tp + fn), 4),
            "f1": round(2 * tp / (2 * tp + fp + fn), 4)}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m evaluation.train_boilerplate",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--threshold", type=float, default=0.4,
                        help="keep a unit whose probability reaches this (default 0.4: "
                             "losing body text costs more than keeping a stray line)")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    args = parser.parse_args()
    rows = list(read_jsonl(DATA / "boilerplate_dev.jsonl"))
    pages = []
    for row in rows:
        teacher = trafilatura.extract(row["html"], include_comments=False) or ""
        pages += [Page(row, field, teacher) for field in FIELDS]
    report = {} if args.no_cv else cross_validate(pages, args.threshold)
    for field, figures in report.items():
        print(f"cross-validated {field}: " + "  ".join(f"{k}={v}" for k, v in figures.items()))
    classifier = train(pages, args.threshold)
    about = {
        "what": "Line classifier for text dumps (pipeline/boilerplate.py); written by "
                "`python -m evaluation.train_boilerplate` (make train-boilerplate).",
        "trained_on": f"{len(rows)} pages of boilerplate_dev.jsonl, w3m and lynx dumps",
        "cross_validated": report,
    }
    model = {"about": about, "threshold": classifier.threshold,
             "units": vars(classifier.units), "titles": vars(classifier.titles)}
    (MODELS / MODEL).write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODELS / MODEL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
