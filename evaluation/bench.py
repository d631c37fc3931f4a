"""`python -m evaluation.bench [N]` (`make bench N=1000`): speed and memory of `make extract`.

Builds a corpus of N articles (the corpus/ articles and the TempEval-3 texts, each copy with
its own words in every paragraph, so neither the cache nor the cross-document furniture
pass can take a shortcut) and prints, from one run of each:
  - documents/s and words/s of the extract command with the cache off, on 1 and 2 workers;
  - the same for the raw spaCy model's nlp.pipe over the same cleaned texts, with the same
    number of processes (the floor cost), and the ratio of the two;
  - the peak memory (all processes) at N and at 5 x N documents;
  - an unchanged re-run with the cache on, against the first run that filled it.
`--long` measures one long article instead: the peak memory and time of extracting it at
1,000,000 characters, and the report's time per character at 10k, 100k and 1M.
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


def long_article(path: Path, n_chars: int) -> None:
    """One article of about n_chars characters: the TempEval texts' paragraphs in turn,
    each with its own number, so no two paragraphs are the same."""
    paragraphs = [p.strip() for row in read_jsonl(DATA / "tempeval3_train.jsonl")
                  for p in row["text"].split("\n") if len(p.strip()) > 80]
    body, size, i = [], 0, 0
    while size < n_chars:
        body.append(f"{paragraphs[i % len(paragraphs)]} The figure for section {i} was "
                    f"{i * 7 % 1000} units.")
        size, i = size + len(body[-1]) + 2, i + 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("Long Report On The Economy\n\n" + "\n\n".join(body), encoding="utf-8")


REPORT = """
import sys, time
from pipeline import report
began = time.monotonic()
report.write(sys.argv[1])
print(time.monotonic() - began)
"""


def bench_long(work: Path) -> None:
    for n_chars in (10_000, 100_000, 1_000_000):
        long_article(work / f"long{n_chars}" / "article.txt", n_chars)
        out = work / f"out-long{n_chars}"
        seconds, peak = timed([*extract(work / f"long{n_chars}", out, 1), "--no-report"])
        drawn = subprocess.run([sys.executable, "-c", REPORT, str(out)], cwd=ROOT, check=True,
                               capture_output=True, text=True)
        report_seconds = float(drawn.stdout)
        print(f"one article of {n_chars:>9,} characters: extract {seconds:6.1f} s, peak "
              f"{peak:5.0f} MB; report {report_seconds:5.2f} s = "
              f"{report_seconds / n_chars * 1e6:5.2f} s per million characters")


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
    parser.add_argument("--long", action="store_true", help="one long article instead")
    args = parser.parse_args()
    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.long:
            return bench_long(work)
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
