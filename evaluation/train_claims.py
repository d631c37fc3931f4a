"""`python -m evaluation.train_claims` (`make train-claims`): train the check-worthiness
classifier of pipeline/claims.py; `--accurate` (the last step of
`make train-claims-accurate`) only refits the weights and debate threshold of the accurate model
(fine-tuned by evaluation/finetune_claims.py) into models/claims_rules_accurate.json.

1. `python -m spacy train models/claims/config.cfg` fits a textcat on the TRAIN debates of
   ../shared/data/claims_dev.jsonl, over the English model's frozen token vectors; the
   checkpoint with the best ROC AUC on the DEV debates is kept, and only its textcat is
   stored, in models/claims/model.
2. On the DEV debates, a logistic regression weighs the textcat's log-odds together with
   the transparent features of pipeline/claims.py (numbers, dates, questions, ...); its
   weights, and the cut with the best F1 there (`debate_threshold`; news is cut at
   pipeline.claims.NEWS_THRESHOLD), go to models/claims_rules.json.

The debates are split by debate, never by sentence, so one debate's wording and topics
never sit on both sides (evaluation/tasks.py names them); the held-out debates are only
scored, by `make eval TASKS=claims`.
"""
from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import spacy
from sklearn.linear_model import LogisticRegression
from spacy.tokens import DocBin

from evaluation.tasks import debates, parsed
from pipeline.claims import (
    CLAIM_LABEL,
    EXCLUSIONS,
    MODEL_DIR,
    RULES,
    Encoder,
    features,
    load_classifier,
    model_scores,
    sentence_doc,
    tok2vec_digest,
)
from pipeline.nlp import model_name
from pipeline.resources import MODELS

# Set by hand, not fitted: debates have no quotes and no headings.
HAND_SET = ("quote", "fragment")
ACCURATE_ABOUT = (
    "Check-worthiness with the accurate model: score = logistic(bias + weights.model x "
    "the log-odds of the fine-tuned MiniLM in models/claims/accurate + the sum of the "
    "weights of the features it has), the features and phrases as in claims_rules.json; a"
    " claim when score >= 0.5 (NEWS_THRESHOLD in pipeline/claims.py: more likely check-"
    "worthy than not); debate_threshold is the cut with the best F1 on the dev debates. "
    "The encoder is fine-tuned on the 13 TRAIN debates, its checkpoint chosen by ROC AUC "
    "on the 4 DEV debates (evaluation/finetune_claims.py); the weights and "
    "debate_threshold are fitted on the DEV debates by `python -m evaluation.train_claims"
    " --accurate`. 'quote' and 'fragment' are set by hand, as for the textcat.")
MODEL_FEATURE = "model"  # the textcat's log-odds, as one more weighted feature
# The regularisation of the weights: for the accurate model chosen by leaving one dev debate
# out at a time (mean F1 0.749 at C=0.1 against 0.723 at C=1, ROC AUC 0.922 either way).
STRENGTH = {"textcat": 1.0, "accurate": 0.1}


def _docbin(rows: list[dict], path: Path) -> None:
    nlp = spacy.blank("en")
    docs = DocBin()
    for row, doc in zip(rows, nlp.tokenizer.pipe(r["text"] for r in rows)):
        claim = row["label"] == "claim"
        doc.cats = {CLAIM_LABEL: float(claim), "NOT_CLAIM": float(not claim)}
        docs.add(doc)
    docs.to_disk(path)


def train_textcat() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _docbin(debates("train"), work / "train.spacy")
        _docbin(debates("dev"), work / "dev.spacy")
        subprocess.run([sys.executable, "-m", "spacy", "train", str(MODEL_DIR / "config.cfg"),
                        "--output", str(work / "out"), "--paths.train", str(work / "train.spacy"),
                        "--paths.dev", str(work / "dev.spacy"),
                        "--paths.base_model", model_name()], check=True)
        trained = spacy.load(work / "out" / "model-best")
    textcat_only = spacy.blank("en")
    textcat_only.add_pipe("textcat", source=trained)
    base = spacy.load(model_name())  # the textcat is only right on this model's vectors
    textcat_only.meta["base_model"] = {"name": model_name(), "version": base.meta["version"],
                                       "tok2vec_sha256": tok2vec_digest(base)}
    shutil.rmtree(MODEL_DIR / "model", ignore_errors=True)
    textcat_only.to_disk(MODEL_DIR / "model")


def best_threshold(scores: list[float], gold: list[bool]) -> tuple[float, float]:
    """(threshold, F1) with the best F1 over every distinct score as the cut."""
    best = (0.5, 0.0)
    positives = sum(gold)
    for cut in sorted(set(scores)):
        tp = sum(s >= cut and g for s, g in zip(scores, gold))
        predicted = sum(s >= cut for s in scores)
        f1 = 2 * tp / (predicted + positives) if predicted + positives else 0.0
        if f1 > best[1]:
            best = (cut, f1)
    return best


def fit_weights(accurate: bool = False) -> None:
    """Weigh the classifier (the textcat, or with `accurate` the fine-tuned MiniLM) and the
    features on the dev debates; rewrite claims_rules.json (claims_rules_accurate.json)."""
    names = sorted(n for n in RULES["weights"] if n not in HAND_SET and n != MODEL_FEATURE)
    rows, gold, excluded = [], [], []
    encoder = Encoder() if accurate else None
    textcat = None if accurate else load_classifier().get_pipe("textcat")
    for row, doc in parsed(debates("dev")):
        # a debate line may hold two sentences: the stronger one; a line that is nothing
        # but excluded sentences scores 0 whatever the weights, so it is not fitted
        sentences = [s for s in doc.sents if not features(s).intersection(EXCLUSIONS)]
        if not sentences:
            excluded.append(row["label"] == "claim")
            continue
        fired = set().union(*(features(sent) for sent in sentences))
        model = max(encoder.probabilities([s.text for s in sentences]) if encoder
                    else model_scores(textcat, [sentence_doc(s) for s in sentences]))
        logit = math.log(max(model, 1e-6) / max(1 - model, 1e-6))
        rows.append([logit] + [name in fired for name in names])
        gold.append(row["label"] == "claim")
    fit = LogisticRegression(C=STRENGTH["accurate" if accurate else "textcat"],
                             max_iter=1000).fit(np.array(rows, float), gold)
    weights = dict(zip([MODEL_FEATURE, *names], fit.coef_[0].round(3).tolist()))
    rules = {"about": ACCURATE_ABOUT} if accurate else json.loads(
        (MODELS / "claims_rules.json").read_text(encoding="utf-8"))
    rules["bias"] = round(float(fit.intercept_[0]), 3)
    rules["weights"] = weights | {n: RULES["weights"][n] for n in HAND_SET}
    scores = fit.predict_proba(np.array(rows, float))[:, 1].tolist()
    threshold, f1 = best_threshold(scores + [0.0] * len(excluded), gold + excluded)
    rules["debate_threshold"] = round(threshold, 3)
    name = "claims_rules_accurate.json" if accurate else "claims_rules.json"
    (MODELS / name).write_text(json.dumps(rules, indent=2) + "\n", encoding="utf-8")
    print(f"weights {weights}\ndebate threshold {threshold:.3f} (F1 {f1:.3f} on the dev "
          f"debates; {len(excluded)} lines excluded, {sum(excluded)} of them check-worthy)")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m evaluation.train_claims",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--accurate", action="store_true",
                        help="refit the accurate model's weights and debate threshold only")
    if parser.parse_args().accurate:
        fit_weights(accurate=True)
        return
    train_textcat()
    fit_weights()


if __name__ == "__main__":
    main()
