"""`python -m evaluation.bench [N]` (`make bench N=1000`): speed and memory of `make extract`.

Builds a corpus of N articles (the corpus/ articles and the TempEval-3 texts, each copy with
its own words in every paragraph, so neither the cache nor the cross-document furniture
pass can take a shortcut) and prints, from one run of each:
  - documents/s and words/s of the extract command with the cache off, on 1 and 2 workers;
  - the same for the raw spaCy model's nlp.pipe over the same cleaned texts, with the same
    number of processes (the floor cost), and the ratio of the two;
  - the peak memory (all processes) at N and at 5 x N documents;
  - an unchanged re-run with the cache on, against the first run that filled it.
Each run is a separate process tree, sampled every 0.2 s for its memory.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

from evaluation.tasks import DATA, ROOT, read_jsonl


def build_corpus(folder: Path, n: int) -> int:
    """N article files; returns their word count."""
    bases = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]
    bases += [row["text"] for row in read_jsonl(DATA / "tempeval3_train.jsonl")]
    folder.mkdir(parents=True, exist_ok=True)
    words = 0
    for i in range(n):
        base = bases[i % len(bases)]
        copy = "\n".join(f"{line} Copy {i}." if line.strip() else line
                         for line in base.splitlines())
        (folder / f"bench-{i:05d}.txt").write_text(copy, encoding="utf-8")
        words += len(copy.split())
    return words


def timed(command: list[str]) -> tuple[float, float]:
    """(seconds, peak resident memory in MB over the process and all its children)."""
    began = time.monotonic()
    process = psutil.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process, *process.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            process.wait(timeout=0.2)  # returns as soon as the run ends
        except (psutil.Error, subprocess.TimeoutExpired):
            pass
    if process.returncode not in (0, 1):
        raise RuntimeError(process.stderr.read().decode())
    return time.monotonic() - began, peak / 2**20


def extract(corpus: Path, out: Path, workers: int, cache: bool = False) -> list[str]:
    return [sys.executable, "-m", "pipeline", "extract", str(corpus), "--out", str(out),
            "--workers", str(workers), "--quiet", *([] if cache else ["--no-cache"])]


RAW_PIPE = """
import sys, pathlib, spacy
from pipeline.nlp import model_name
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))]
nlp = spacy.load(model_name())
for _ in nlp.pipe(texts, batch_size=16, n_process=int(sys.argv[2])):
    pass
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="documents (default 1000)")
    n = parser.parse_args().n
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        words = build_corpus(work / "corpus", n)
        print(f"corpus: {n} documents, {words:,} words")
        one, mem_one = timed(extract(work / "corpus", work / "out1", 1))
        two, mem_two = timed(extract(work / "corpus", work / "out2", 2))
        clean_words = sum(len(p.read_text(encoding="utf-8").split())
                          for p in (work / "out2" / "text").glob("*.txt"))
        raw, _ = timed([sys.executable, "-c", RAW_PIPE, str(work / "out2" / "text"), "2"])
        raw_one, _ = timed([sys.executable, "-c", RAW_PIPE, str(work / "out2" / "text"), "1"])
        for label, seconds in (("extract, 1 worker", one), ("extract, 2 workers", two),
                               ("raw nlp.pipe, 1 process", raw_one),
                               ("raw nlp.pipe, 2 processes", raw)):
            print(f"{label:28s} {seconds:7.1f} s  {n / seconds:6.1f} docs/s  "
                  f"{clean_words / seconds:8.0f} words/s (cleaned words)")
        print(f"end-to-end / raw nlp.pipe throughput: {raw_one / one:.2f} (1 process), "
              f"{raw / two:.2f} (2 processes)")
        print(f"speed-up from 1 to 2 workers: {one / two:.2f}x")
        build_corpus(work / "big", 5 * n)
        _, mem_big = timed(extract(work / "big", work / "out3", 2))
        print(f"peak memory, 2 workers: {mem_two:.0f} MB at {n} documents, {mem_big:.0f} MB "
              f"at {5 * n} ({mem_big / mem_two:.2f}x); 1 worker at {n}: {mem_one:.0f} MB")
        first, _ = timed(extract(work / "corpus", work / "out4", 2, cache=True))
        again, _ = timed(extract(work / "corpus", work / "out4", 2, cache=True))
        print(f"with the cache: first run {first:.1f} s, unchanged re-run {again:.1f} s "
              f"({first / again:.0f}x faster)")


if __name__ == "__main__":
    main()
