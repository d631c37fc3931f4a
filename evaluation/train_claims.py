"""`python -m evaluation.train_claims`: train the check-worthiness classifier stored in
models/claims/ with spaCy's own `spacy train` and models/claims/config.cfg.

The ClaimBuster debates of ../shared/data are split by debate, never by sentence, so one
debate's wording and topics never sit on both sides: TRAIN debates fit the model, DEV
debates pick the best checkpoint and the `is_claim` threshold (the one with the best F1
there), and HELD_OUT debates are only scored, by `make eval TASKS=claims`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from evaluation.tasks import DATA, read_jsonl
from pipeline.claims import CLAIM_LABEL, MODEL_DIR, THRESHOLD_FILE

# One debate in four, spread over the six decades, is held out; four more choose the
# checkpoint and threshold; the other thirteen train.
HELD_OUT = frozenset({"1960-10-07", "1984-10-21", "1992-10-15", "2000-10-11", "2008-10-15",
                      "2016-10-09"})
DEV = frozenset({"1976-09-23", "1996-10-06", "2004-09-30", "2012-10-16"})
CONFIG = MODEL_DIR / "config.cfg"


def debates(part: str) -> list[dict]:
    """The sentences of the `train`, `dev` or `held_out` debates."""
    rows = list(read_jsonl(DATA / "claims_dev.jsonl"))
    if part == "held_out":
        return [r for r in rows if r["debate"] in HELD_OUT]
    if part == "dev":
        return [r for r in rows if r["debate"] in DEV]
    return [r for r in rows if r["debate"] not in HELD_OUT | DEV]


def _docbin(rows: list[dict], path: Path) -> None:
    nlp = spacy.blank("en")
    docs = DocBin()
    for row, doc in zip(rows, nlp.tokenizer.pipe(r["text"] for r in rows)):
        claim = row["label"] == "claim"
        doc.cats = {CLAIM_LABEL: float(claim), "NOT_CLAIM": float(not claim)}
        docs.add(doc)
    docs.to_disk(path)


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


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        _docbin(debates("train"), work / "train.spacy")
        _docbin(debates("dev"), work / "dev.spacy")
        subprocess.run([sys.executable, "-m", "spacy", "train", str(CONFIG),
                        "--output", str(work / "out"), "--paths.train", str(work / "train.spacy"),
                        "--paths.dev", str(work / "dev.spacy")], check=True)
        shutil.rmtree(MODEL_DIR / "model", ignore_errors=True)
        shutil.copytree(work / "out" / "model-best", MODEL_DIR / "model")
    nlp = spacy.load(MODEL_DIR / "model")
    dev = debates("dev")
    scores = [doc.cats[CLAIM_LABEL] for doc in nlp.pipe(r["text"] for r in dev)]
    threshold, f1 = best_threshold(scores, [r["label"] == "claim" for r in dev])
    THRESHOLD_FILE.write_text(json.dumps({
        "threshold": round(threshold, 4), "dev_f1": round(f1, 4),
        "chosen_on": sorted(DEV), "trained_on": "the other ClaimBuster debates, less "
        + ", ".join(sorted(HELD_OUT)) + " (held out)"}, indent=2) + "\n", encoding="utf-8")
    print(f"is_claim threshold {threshold:.4f} (F1 {f1:.3f} on the dev debates)")


if __name__ == "__main__":
    main()
