"""`python -m evaluation.train_claims` (`make train-claims`): train the check-worthiness
classifier of pipeline/claims.py; `--accurate` (the last step of
`make train-claims-accurate`) only refits the weights and debate threshold of the accurate model
(fine-tuned by evaluation/finetune_claims.py) into models/claims_rules_accurate.json, on that
encoder's out-of-fold log-odds over the 17 TRAIN and DEV debates.

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
    ACCURATE_DIR,
    CLAIM_LABEL,
    EXCLUSIONS,
    MODEL_DIR,
    RULES,
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
    "worthy than not); debate_threshold is the cut with the best F1 on the tuning debates. "
    "The encoder is fine-tuned on the 17 tuning debates (the TRAIN and DEV debates), for "
    "as long as four-fold cross-validation over them chose (evaluation/finetune_claims.py,"
    " models/claims/accurate/training.json); the weights and debate_threshold are fitted "
    "by `python -m evaluation.train_claims --accurate` on its out-of-fold log-odds over "
    "the same 17 debates (models/claims/accurate/out_of_fold.json), each line scored by an "
    "encoder that never saw its debate. 'quote' and 'fragment' are set by hand, as for the "
    "textcat.")
MODEL_FEATURE = "model"  # the textcat's log-odds, as one more weighted feature
# The regularisation of the weights. For the accurate model, leaving one of the 17 tuning
# debates out at a time over the out-of-fold scores, C from 0.01 to 10 moves the mean ROC
# AUC between 0.904 and 0.908 and the mean F1 between 0.703 and 0.710; 0.1 is in between.
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
    """Weigh the classifier and the features; rewrite claims_rules.json (with `accurate`,
    claims_rules_accurate.json). The textcat is weighed on the dev debates it never saw;
    the fine-tuned MiniLM by its out-of-fold log-odds over all 17 tuning debates (each
    scored by the fold's encoder that did not see it, evaluation/finetune_claims.py)."""
    names = sorted(n for n in RULES["weights"] if n not in HAND_SET and n != MODEL_FEATURE)
    rows, gold, excluded = [], [], []
    if accurate:
        out_of_fold = json.loads((ACCURATE_DIR / "out_of_fold.json").read_text())
    else:
        textcat = load_classifier().get_pipe("textcat")
    for row, doc in parsed(debates("tuning" if accurate else "dev")):
        # a debate line may hold two sentences: the stronger one; a line that is nothing
        # but excluded sentences scores 0 whatever the weights, so it is not fitted
        signals = [(sent, features(sent)) for sent in doc.sents]
        kept = [(sent, found) for sent, found in signals if not found.intersection(EXCLUSIONS)]
        if not kept:
            excluded.append(row["label"] == "claim")
            continue
        sentences = [sent for sent, _ in kept]
        fired = set().union(*(found for _, found in kept))
        if accurate:
            scored = dict(out_of_fold[row["id"]])
            logit = max(scored[sent.text] for sent in sentences)
        else:
            model = max(model_scores(textcat, [sentence_doc(s) for s in sentences]))
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
    print(f"weights {weights}\ndebate threshold {threshold:.3f} (F1 {f1:.3f} on the "
          f"{'tuning' if accurate else 'dev'} debates; {len(excluded)} lines excluded, "
          f"{sum(excluded)} of them check-worthy)")


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
