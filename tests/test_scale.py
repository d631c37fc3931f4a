"""Engines, cache and interruption: the same tables however the work is spread, and only
new work done again."""
from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline.ingest import find_files
from pipeline.outfolder import LOCK_FILE
from pipeline.runner import (
    annotate_batch,
    corpus_jobs,
    extract_to,
    finish_batch,
    parse_batch,
    prepare_batch,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "corpus").glob("*.txt"))


def corpus_of(folder: Path, copies: int = 1) -> Path:
    """The seed articles, each `copies` times with a distinct closing line (so no two files
    are the same bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS:
        for n in range(copies):
            text = seed.read_text(encoding="utf-8") + f"\n\nThe copy {n} was filed on day {n}.\n"
            (folder / f"{seed.stem}-{n}.txt").write_text(text, encoding="utf-8")
    return folder


CITIES = ("Lima", "Cusco", "Arequipa", "Trujillo", "Piura", "Iquitos", "Tacna", "Puno")


def articles_in(folder: Path, n: int) -> Path:
    """`n` different short news articles (no line shared by two, so no site furniture)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        city, other = CITIES[i % 8], CITIES[(i + 3) % 8]
        paragraphs = [
            f"Police in {city} arrested {i + 2} men on Monday after a raid on a warehouse "
            f"that held {100 + i} kilos of cocaine, the Interior Ministry said.",
            f"“This is the largest seizure in {city} since {1990 + i},” said Commander Ana "
            f"Torres{i}, who led the operation with officers from {other}.",
            f"The men were flown to {other} on Tuesday. Prosecutors said they would ask for "
            f"{10 + i} years in prison. A court in {city} will hear the case in {2000 + i}.",
        ]
        (folder / f"article-{i:02d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    return folder


def tables_of(out: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
            for p in sorted(out.glob("*.csv"))}


def mtimes(out: Path) -> dict[Path, int]:
    """When each output file was last written; not the lock, which holds the last run's pid."""
    return {p: p.stat().st_mtime_ns for p in out.rglob("*")
            if p.is_file() and p.name != LOCK_FILE}


def assert_same_results(one, other) -> None:
    for name, df in one.tables().items():
        pd.testing.assert_frame_equal(df, other.tables()[name], obj=name)
    assert one.texts == other.texts


@pytest.fixture(scope="module")
def four(tmp_path_factory) -> Path:
    return corpus_of(tmp_path_factory.mktemp("four"), copies=2)


@pytest.fixture(scope="module")
def serial(four):
    return pipeline.extract(four, batch_size=1)


def test_two_worker_processes_give_the_serial_tables(four, serial):
    assert_same_results(pipeline.extract(four, batch_size=1, workers=2), serial)


def test_one_worker_beside_the_parent_gives_the_serial_tables(four, serial):
    """On two cores one worker runs the model alone and the parent the rest
    (`parse_batch`, then `finish_batch` on the Docs it packed)."""
    assert_same_results(pipeline.extract(four, batch_size=1, workers=1), serial)


def test_a_doc_the_parent_cannot_finish_is_an_error_row_and_its_batch_goes_on(four):
    prepared = prepare_batch(list(corpus_jobs(find_files(four))))
    parsed = parse_batch([(cleaned.text, source.doc_id, published)
                          for source, cleaned, published in prepared])
    data, user_data, spans = parsed[1]
    del data["array_body"]  # its tokens lost on the way back from the worker
    finished, whole = finish_batch(prepared, parsed), annotate_batch(prepared)

    assert [d.doc_id for d in finished] == [d.doc_id for d in whole]
    assert finished[1].text is None and finished[1].rows["documents"][0]["status"] == "error"
    for i in (0, 2, 3):
        assert finished[i].rows == whole[i].rows and finished[i].text == whole[i].text


def test_a_dask_cluster_gives_the_local_tables(four, serial):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_cluster = pipeline.extract(four, batch_size=1, engine="dask",
                                      scheduler=cluster.scheduler_address)
    assert_same_results(on_cluster, serial)


def test_a_rerun_processes_only_the_new_article_and_writes_the_same_tables(tmp_path):
    corpus = corpus_of(tmp_path / "in")
    out, cache = tmp_path / "out", tmp_path / "out" / ".cache.sqlite"
    first = extract_to(corpus, out, cache=cache)
    assert (first.documents, first.from_cache) == (2, 0)
    shutil.copy(SEEDS[0], corpus / "added.txt")
    second = extract_to(corpus, out, cache=cache)
    assert (second.documents, second.from_cache) == (3, 2)
    written = mtimes(out)
    third = extract_to(corpus, out, cache=cache)  # nothing changed: nothing is rewritten
    assert (third.documents, third.from_cache, third.rows) == (3, 3, second.rows)
    assert written == mtimes(out)
    (out / "text" / "added.txt").unlink()  # an output gone: the run writes it again
    assert extract_to(corpus, out, cache=cache).from_cache == 3
    assert (out / "text" / "added.txt").exists()
    extract_to(corpus, tmp_path / "fresh")
    for table in out.glob("*.csv"):
        assert table.read_bytes() == (tmp_path / "fresh" / table.name).read_bytes(), table.name
    documents = tables_of(out)["documents"].set_index("doc_id")
    assert documents.loc["added", "duplicate_of"] == "" and documents.loc["added", "status"] == "ok"


def test_identical_files_both_get_rows_and_the_second_names_the_first(tmp_path):
    corpus = tmp_path / "in"
    corpus.mkdir()
    shutil.copy(SEEDS[1], corpus / "a.txt")
    shutil.copy(SEEDS[1], corpus / "b.txt")
    result = pipeline.extract(corpus)
    documents = result.documents.set_index("doc_id")
    assert pd.isna(documents.loc["a", "duplicate_of"])
    assert documents.loc["b", "duplicate_of"] == "a"
    assert (result.sentences.doc_id == "a").sum() == (result.sentences.doc_id == "b").sum() > 10


def test_an_interrupted_run_leaves_the_old_tables_and_the_next_one_resumes(tmp_path):
    corpus = articles_in(tmp_path / "in", 24)
    out = tmp_path / "out"
    out.mkdir()
    (out / "documents.csv").write_text("the previous run's table\n", encoding="utf-8")
    command = [sys.executable, "-m", "pipeline", "extract", str(corpus), "--out", str(out),
               "--workers", "1", "--batch-size", "1"]
    running = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    cache = out / ".cache.sqlite"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and running.poll() is None:
        if cache.exists():
            with sqlite3.connect(cache) as db:
                if db.execute("SELECT count(*) FROM documents").fetchone()[0] >= 2:
                    break
        time.sleep(0.2)
    running.send_signal(signal.SIGTERM)
    _, stderr = running.communicate(timeout=120)

    assert running.returncode == 130, stderr
    assert "interrupted" in stderr
    assert (out / "documents.csv").read_text(encoding="utf-8") == "the previous run's table\n"
    assert not list(out.glob(".staging-*"))
    resumed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert "24 documents (0 errors," in resumed.stderr
    assert int(resumed.stderr.split("errors, ")[1].split(" from")[0]) >= 2
    assert len(pd.read_csv(out / "documents.csv")) == 24


def test_formula_cells_are_neutralised_in_the_csv_but_not_in_the_dataframes(tmp_path):
    text = ("=HYPERLINK(\"http://evil\") is not a name.\n\n"
            "@Peru and +51 groups met in Lima on Monday.")
    result = pipeline.extract_text(text, clean=False)
    assert result.sentences.text[0].startswith("=HYPERLINK")
    result.to_csv(tmp_path / "safe")
    result.to_csv(tmp_path / "raw", neutralise=False)
    safe = pd.read_csv(tmp_path / "safe" / "sentences.csv")
    raw = pd.read_csv(tmp_path / "raw" / "sentences.csv")
    assert safe.text[0].startswith("'=HYPERLINK") and safe.text[1].startswith("'@Peru")
    assert raw.text[0].startswith("=HYPERLINK")
    assert safe.start.tolist() == raw.start.tolist()  # numbers are left alone
