"""The command line, run as users run it: a subprocess with exit codes and files."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600, check=False,
    )


def test_help_explains_every_option():
    out = run("extract", "--help").stdout
    for option in ("PATH", "--out", "--model", "--batch-size", "Exit status"):
        assert option in out


def test_usage_errors_exit_2(tmp_path):
    assert run("frobnicate").returncode == 2
    missing = run("extract", str(tmp_path / "missing"), "--out", str(tmp_path / "out"))
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("extract", str(empty), "--out", str(tmp_path / "out")).returncode == 2


def test_a_broken_file_gives_an_error_row_and_the_others_still_produce_rows(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_bytes((ROOT / "corpus" / "002_159aca854b71736f.txt").read_bytes())
    (corpus / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    (corpus / "blank.txt").write_text("\n\n  \n", encoding="utf-8")
    out = tmp_path / "out"

    done = run("extract", str(corpus), "--out", str(out))

    assert done.returncode == 1, done.stderr
    documents = pd.read_csv(out / "documents.csv").set_index("doc_id")
    assert documents.loc["good", "status"] == "ok"
    assert documents.loc["photo", "status"] == "error"
    assert "binary" in documents.loc["photo", "error"]
    assert "empty" in documents.loc["blank", "error"]
    assert "failed:" in done.stderr and "photo.txt" in done.stderr
    sentences = pd.read_csv(out / "sentences.csv")
    assert set(sentences["doc_id"]) == {"good"} and len(sentences) > 10
    assert (out / "text" / "good.txt").exists()


def test_claims_accurate_is_a_choice_the_cache_keeps_apart(tmp_path):
    """Rows cached with the textcat are not reused for --claims accurate, nor back."""
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "good.txt").write_bytes((ROOT / "corpus" / "002_159aca854b71736f.txt").read_bytes())
    out = tmp_path / "out"

    def classifiers(*options: str) -> set[str]:
        done = run("extract", str(corpus), "--out", str(out), "--quiet", *options)
        assert done.returncode == 0, done.stderr
        reasons = pd.read_csv(out / "sentences.csv")["claim_reasons"].dropna()
        return {r.split()[0] for r in reasons if r.split()[0] in ("textcat", "accurate")}

    assert classifiers() == {"textcat"}
    assert classifiers("--claims", "accurate") == {"accurate"}
    assert classifiers() == {"textcat"}
    assert run("extract", str(corpus), "--claims", "bert").returncode == 2
