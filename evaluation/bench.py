"""`python -m evaluation.bench [N]` (`make bench N=1000`): speed and memory of `make extract`.

Builds a corpus of N articles (the corpus/ articles and the TempEval-3 texts, each copy with
its own words in every paragraph, so neither the cache nor the cross-document furniture
pass can take a shortcut) and prints:
  - documents/s and words/s of the extract command with the cache off, on 1 and 2 workers,
    and of the raw spaCy model's nlp.pipe over the same cleaned texts with the same number
    of processes (the floor cost), and the ratio of the two. A shared machine's speed drifts
    by a third within minutes, so each extract run is followed at once by its raw run, the
    pair repeated for `--rounds` rounds (3), and the medians are the figures;
  - the time per document and the peak memory (all processes) at N and at 5 x N documents;
  - an unchanged re-run with the cache on, against the first run that filled it;
  - where the time of a one-worker run goes, by stage, from one run under cProfile (its
    output stays in the temporary folder): each function's own time goes to the stage of
    its file, and the time of the standard library and of builtins to the stage that called
    them. Compiled code (spaCy's Cython, the regex engine) counts for its Python caller.
`--claims` measures what each claims model costs instead: one-worker extract runs with the
textcat and with the accurate model against raw nlp.pipe in one process, and the accurate
model's extra milliseconds per sentence.
`--scale BIG` measures, instead, the time per document and the peak memory of 2-worker runs
at N and at BIG documents (`make bench SCALE=20000`: at 1,000 and 20,000).
`--long` measures one long article instead: the peak memory and time of extracting it at
1,000,000 characters, and the report's time per character at 10k, 100k and 1M.
Each run is a separate process tree, sampled every 0.2 s for its memory.
"""
from __future__ import annotations

import argparse
import pstats
import statistics
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


def extract(corpus: Path, out: Path, workers: int, cache: bool = False,
            claims: str = "textcat") -> list[str]:
    return [sys.executable, "-m", "pipeline", "extract", str(corpus), "--out", str(out),
            "--workers", str(workers), "--quiet", "--claims", claims,
            *([] if cache else ["--no-cache"])]


def bench_claims(work: Path, n: int) -> None:
    """Each claims model's cost: one worker each, so the difference is the encoder's."""
    seconds = {model: timed(extract(work / "corpus", work / model, 1, claims=model))[0]
               for model in ("textcat", "accurate")}
    raw, _ = timed(raw_pipe(work / "textcat" / "text", 1))
    sentences = sum(1 for _ in (work / "textcat" / "sentences.csv").open(encoding="utf-8")) - 1
    for label, spent in (*seconds.items(), ("raw nlp.pipe", raw)):
        print(f"{label:14s} {spent:7.1f} s  {n / spent:6.2f} docs/s  "
              f"{1000 * spent / n:6.0f} ms/doc  raw nlp.pipe / this: {raw / spent:.2f}")
    extra = seconds["accurate"] - seconds["textcat"]
    print(f"accurate over textcat: {extra / n * 1000:.0f} ms/doc, "
          f"{extra / sentences * 1000:.2f} ms/sentence ({sentences} sentences)")


RAW_PIPE = """
import sys, pathlib, spacy
from pipeline.nlp import model_name
texts = [p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[1]).glob("*.txt"))]
nlp = spacy.load(model_name())
for _ in nlp.pipe(texts, batch_size=16, n_process=int(sys.argv[2])):
    pass
"""


# Stage of a profiled function, by the first of these path parts its file contains.
STAGES = (
    ("ingest", ("pipeline/ingest.py", "pipeline/cache.py")),
    ("cleaning", ("pipeline/clean.py", "pipeline/boilerplate.py", "pipeline/html.py",
                  "pipeline/markdown.py", "trafilatura/", "justext/", "htmldate/", "lxml/",
                  "courlan/", "charset_normalizer/", "dateparser/")),
    ("dates (ours)", ("pipeline/dates.py", "pipeline/temporal.py")),
    ("entities (ours)", ("pipeline/entities.py",)),
    ("events (ours)", ("pipeline/events.py",)),
    ("citations (ours)", ("pipeline/citations.py", "pipeline/references.py")),
    ("claims (ours)", ("pipeline/claims.py",)),
    ("model set-up (ours)", ("pipeline/nlp.py", "pipeline/resources.py", "pipeline/records.py")),
    ("spaCy model", ("spacy/", "thinc/", "numpy/", "blis/", "srsly/")),
    ("rows", ("pipeline/rows.py", "pipeline/result.py", "pipeline/schema.py")),
    ("writing", ("pipeline/writer.py", "pipeline/workbook.py", "pipeline/outfolder.py",
                 "pipeline/consolidate.py")),
    ("report", ("pipeline/report.py", "pipeline/display.py")),
    ("engine", ("pipeline/",)),
)


def stage_of(filename: str) -> str | None:
    """The stage of a file; None for the standard library and builtins."""
    path = filename.replace("\\", "/")
    for stage, parts in STAGES:
        if any(part in path for part in parts):
            return stage
    return "other libraries" if "site-packages/" in path else None


def breakdown(profile: Path) -> dict[str, float]:
    """Seconds per stage of a cProfile output: own time by file, and the standard library's
    and builtins' time handed to their callers' stage, in proportion to what each caller
    spent in them."""
    stats = pstats.Stats(str(profile)).stats
    memo: dict[tuple, dict[str, float]] = {}

    def shares(function: tuple, seen: frozenset = frozenset()) -> dict[str, float]:
        """How a unit of this function's own time divides between stages."""
        if function in memo:
            return memo[function]
        stage = stage_of(function[0])
        if stage:
            return {stage: 1.0}
        callers = {caller: caller_stats[2] for caller, caller_stats
                   in stats.get(function, (0, 0, 0, 0, {}))[4].items()
                   if caller not in seen and caller_stats[2] > 0}  # a cycle counts once
        total = sum(callers.values())
        out: dict[str, float] = {}
        for caller, spent in callers.items():
            for name, share in shares(caller, seen | {function}).items():
                out[name] = out.get(name, 0.0) + share * spent / total
        memo[function] = out or {"start-up (imports)": 1.0}
        return memo[function]

    seconds: dict[str, float] = {}
    for function, (_, _, own, _, _) in stats.items():
        for stage, share in shares(function).items():
            seconds[stage] = seconds.get(stage, 0.0) + own * share
    return seconds


def profiled_stages(corpus: Path, out: Path) -> None:
    """Print where a one-worker run's time goes, stage by stage."""
    profile = out.parent / "extract.pstats"
    n = len(list(corpus.glob("*.txt")))  # one batch: the whole run in the profiled process
    subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "pipeline",
                    "extract", str(corpus), "--out", str(out), "--workers", "1", "--quiet",
                    "--no-cache", "--batch-size", str(n)], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL)
    seconds = breakdown(profile)
    total = sum(seconds.values())
    print(f"where the time goes (one worker, under cProfile, {total:.1f} s; its overhead "
          "weighs on Python code more than on compiled code):")
    for stage, spent in sorted(seconds.items(), key=lambda item: -item[1]):
        print(f"  {stage:22s} {spent:7.1f} s  {100 * spent / total:5.1f}%")


def side_by_side(work: Path, n: int, rounds: int) -> tuple[dict[str, float], tuple[float, float]]:
    """Extract and raw nlp.pipe in turn, on 1 then 2 processes, `rounds` times: prints each
    round and the medians. Returns the median seconds of each kind of run, and the peak
    memory of the first round's extract runs on 1 and 2 workers."""
    corpus, text = work / "corpus", work / "out1" / "text"  # raw takes extract's cleaned text
    pairs = {processes: (f"extract, {processes} worker{'s' * (processes > 1)}",
                         f"raw nlp.pipe, {processes} process{'es' * (processes > 1)}")
             for processes in (1, 2)}
    seconds: dict[str, list[float]] = {label: [] for pair in pairs.values() for label in pair}
    ratios: dict[int, list[float]] = {processes: [] for processes in pairs}
    memory = []
    for round_ in range(1, rounds + 1):
        for processes, (ours, raw) in pairs.items():
            spent, peak = timed(extract(corpus, work / f"out{processes}", processes))
            seconds[ours].append(spent)
            if round_ == 1:
                memory.append(peak)
            seconds[raw].append(timed(raw_pipe(text, processes))[0])
            ratios[processes].append(seconds[raw][-1] / spent)
        print(f"round {round_}: " + "; ".join(
            f"{ours} {seconds[ours][-1]:.1f} s, raw {seconds[raw][-1]:.1f} s "
            f"({ratios[processes][-1]:.2f})" for processes, (ours, raw) in pairs.items()))
    medians = {label: statistics.median(spent) for label, spent in seconds.items()}
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in text.glob("*.txt"))
    print(f"median of {rounds} rounds:")
    for label, spent in medians.items():
        print(f"{label:28s} {spent:7.1f} s  {n / spent:6.1f} docs/s  "
              f"{words / spent:8.0f} words/s (cleaned words)")
    print("end-to-end / raw nlp.pipe throughput (median of the rounds): "
          f"{statistics.median(ratios[1]):.2f} (1 process), "
          f"{statistics.median(ratios[2]):.2f} (2 processes)")
    print(f"speed-up from 1 to 2 workers: "
          f"{medians[pairs[1][0]] / medians[pairs[2][0]]:.2f}x")
    return medians, (memory[0], memory[1])


def raw_pipe(texts: Path, processes: int) -> list[str]:
    return [sys.executable, "-c", RAW_PIPE, str(texts), str(processes)]


def growth(n: int, seconds: float, peak: float, big: int, big_seconds: float,
           big_peak: float) -> str:
    return (f"2 workers, {n} / {big} documents: {1000 * seconds / n:.1f} / "
            f"{1000 * big_seconds / big:.1f} ms per document "
            f"({big_seconds / big / (seconds / n):.2f}x), peak memory {peak:.0f} / "
            f"{big_peak:.0f} MB ({big_peak / peak:.2f}x)")


def bench_scale(work: Path, n: int, big: int) -> None:
    """Time per document and peak memory at n and at `big` documents, 2 workers each."""
    runs = []
    for size in (n, big):
        build_corpus(work / f"corpus{size}", size)
        runs += timed(extract(work / f"corpus{size}", work / f"out{size}", 2))
    print(growth(n, runs[0], runs[1], big, runs[2], runs[3]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=1000, help="documents (default 1000)")
    parser.add_argument("--long", action="store_true", help="one long article instead")
    parser.add_argument("--claims", action="store_true",
                        help="the cost of each claims model instead")
    parser.add_argument("--scale", type=int, metavar="BIG",
                        help="time per document and memory at n and at BIG documents instead")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of extract and raw nlp.pipe side by side (default 3)")
    args = parser.parse_args()
    n = args.n
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.long:
            return bench_long(work)
        if args.scale:
            return bench_scale(work, n, args.scale)
        words = build_corpus(work / "corpus", n)
        print(f"corpus: {n} documents, {words:,} words")
        if args.claims:
            return bench_claims(work, n)
        seconds, (mem_one, mem_two) = side_by_side(work, n, args.rounds)
        two = seconds["extract, 2 workers"]
        profiled_stages(work / "corpus", work / "out-profiled")
        build_corpus(work / "big", 5 * n)
        big, mem_big = timed(extract(work / "big", work / "out3", 2))
        print(growth(n, two, mem_two, 5 * n, big, mem_big) + f"; 1 worker at {n}: {mem_one:.0f} MB")
        first, _ = timed(extract(work / "corpus", work / "out4", 2, cache=True))
        again, _ = timed(extract(work / "corpus", work / "out4", 2, cache=True))
        print(f"with the cache: first run {first:.1f} s, unchanged re-run {again:.1f} s "
              f"({first / again:.0f}x faster)")


if __name__ == "__main__":
    main()
