"""No state that needs repair by hand: bad options, dead runs' leftovers, a damaged cache,
two runs at once, a full disk and the other run-level failures each end in one line on
stderr and an exit status of their own, and leave the output folder usable."""
from __future__ import annotations

import dataclasses
import errno
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

import pipeline
from pipeline import cli, outfolder, report, runner, writer
from pipeline.nlp import ModelMissing
from pipeline.result import Result
from pipeline.runner import EngineUnreachable, Options, extract_to
from pipeline.workbook import WORKBOOK, XLSX_CUT, XLSX_MAX_CHARS

ARTICLES = {
    "lima-raid": (
        "Police in Lima arrested four men on Monday after a raid on a warehouse that held 120 "
        "kilos of cocaine, the Interior Ministry said.\n\n"
        "“This is the largest seizure in Lima this year,” said Commander Ana Torres, who led "
        "the operation.\n\nThe men will appear before a judge in Lima on Friday."
    ),
    "cusco-drought": (
        "Coffee growers near Cusco say the drought has cut the harvest by half.\n\n"
        "José Pérez, the mayor of Quillabamba, said on 12 March 2015 that exports had fallen "
        "to their lowest level since 1990.\n\nThe regional government will meet on Tuesday."
    ),
}


def corpus_in(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for doc_id, text in ARTICLES.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder


def extract(corpus: Path, out: Path, *options: str) -> int:
    return cli.main(["extract", str(corpus), "--out", str(out), "--workers", "1", "--quiet",
                     *options])


def one_error_line(capsys) -> str:
    """The run's stderr, which must be a single `error:` line and no traceback."""
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    return lines[0]


def tables_bytes(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("*.csv"))}


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> tuple[Path, Path]:
    """A finished run (corpus, out) with its cache; tests work on copies of it."""
    root = tmp_path_factory.mktemp("first")
    corpus, out = corpus_in(root / "in"), root / "out"
    assert extract(corpus, out) == cli.EXIT_OK
    return corpus, out


@pytest.fixture
def previous(first, tmp_path) -> tuple[Path, Path]:
    """A copy of the finished run's corpus and output folder, cache included."""
    corpus, out = first
    return (Path(shutil.copytree(corpus, tmp_path / "in")),
            Path(shutil.copytree(out, tmp_path / "out")))


@pytest.mark.parametrize("option", [["--batch-size", "0"], ["--workers", "-1"],
                                    ["--batch-size", "two"], ["--scheduler", "tcp://h:1"]])
def test_a_bad_option_is_a_usage_error_and_touches_nothing(previous, option, capsys):
    corpus, out = previous
    before = tables_bytes(out)
    with pytest.raises(SystemExit) as exited:
        extract(corpus, out, *option)
    assert exited.value.code == cli.EXIT_USAGE
    err = capsys.readouterr().err
    assert "error: " in err and ("batch_size" in err or "workers" in err
                                 or "scheduler" in err or "invalid int" in err), err
    assert tables_bytes(out) == before


def test_the_library_refuses_the_same_options_so_it_cannot_poison_the_cache(previous):
    corpus, out = previous
    before = tables_bytes(out)
    for bad in ({"batch_size": 0}, {"batch_size": 1.5}, {"workers": -2}, {"engine": "spark"},
                {"scheduler": "tcp://h:1"}):
        with pytest.raises(ValueError):
            extract_to(corpus, out, cache=out / cli.CACHE_FILE, **bad)
        with pytest.raises(ValueError):
            Options(**bad)
    with pytest.raises(ValueError, match="batch_size"):
        pipeline.extract(corpus, batch_size=0)
    assert tables_bytes(out) == before
    summary = extract_to(corpus, out, cache=out / cli.CACHE_FILE)  # the normal run after
    assert summary.documents == 2 and summary.rows["sentences"] > 4


def test_a_dead_runs_staging_folder_is_removed_by_the_next_run(previous, capsys):
    corpus, out = previous
    stale = out / f"{outfolder.STAGING_PREFIX}k2j4x9"
    (stale / "text").mkdir(parents=True)
    (stale / "sentences.csv").write_bytes(b"x" * 100_000)
    (out / outfolder.LOCK_FILE).write_text("4321\n")  # the dead run's pid
    assert extract(corpus, out) == cli.EXIT_OK
    assert not list(out.glob(f"{outfolder.STAGING_PREFIX}*"))
    assert (out / outfolder.LOCK_FILE).read_text().strip() == str(os.getpid())
    assert capsys.readouterr().err == ""


def test_a_second_run_is_refused_while_another_holds_the_folder(previous, capsys):
    corpus, out = previous
    live = out / f"{outfolder.STAGING_PREFIX}live"
    live.mkdir()
    holder = subprocess.Popen(  # another run: flock on OUT/.lock, its pid written in it
        [sys.executable, "-c", "import fcntl, os, sys\n"
         f"lock = open({str(out / outfolder.LOCK_FILE)!r}, 'a+')\n"
         "fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
         "lock.truncate(0); lock.write(str(os.getpid())); lock.flush()\n"
         "print('held', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        before = tables_bytes(out)
        assert extract(corpus, out) == cli.EXIT_OUTPUT
        assert one_error_line(capsys) == (
            f"error: another run is writing to {out} (pid {holder.pid})")
        assert live.is_dir()  # the live run's staging folder is left to it
        assert tables_bytes(out) == before
        with pytest.raises(outfolder.OutputUnusable):  # the library is held back too
            Result.read_csv(out).to_csv(out)
    finally:
        holder.communicate("", timeout=30)
    assert extract(corpus, out) == cli.EXIT_OK  # the lock went with the process
    assert not live.exists()
    with outfolder.hold(out), pytest.raises(outfolder.OutputUnusable, match="another run"):
        extract_to(corpus, out)  # one process, two runs: still one at a time


@pytest.mark.parametrize("damage", ["garbage", "truncated", "folder"])
def test_a_damaged_cache_is_set_aside_with_a_warning_and_rebuilt(previous, damage, capsys):
    corpus, out = previous
    cache = out / cli.CACHE_FILE
    before = tables_bytes(out)
    del before["documents.csv"]  # its paths are those of the first run's corpus
    if damage == "garbage":
        cache.write_bytes(b"this is not a database\n" * 200)
    elif damage == "truncated":
        cache.write_bytes(cache.read_bytes()[:3000])
    else:
        cache.unlink()
        (cache / "something").mkdir(parents=True)
    assert extract(corpus, out) == cli.EXIT_OK
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert err.startswith(f"warning: the cache {cache} cannot be used")
    aside = list(out.glob(f"{cli.CACHE_FILE}.corrupt-*"))
    assert len(aside) == 1 and aside[0].name in err
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    assert tables_bytes(out).items() >= before.items()
    assert extract(corpus, out) == cli.EXIT_OK  # and the rebuilt cache serves the next run
    assert capsys.readouterr().err == ""


def test_an_output_folder_that_is_a_file_is_its_own_failure(first, tmp_path, capsys):
    corpus, _ = first
    file = tmp_path / "tables"
    file.write_text("not a folder\n", encoding="utf-8")
    assert extract(corpus, file) == cli.EXIT_OUTPUT
    assert one_error_line(capsys) == f"error: the output folder {file} is a file"
    assert extract(corpus, file / "inside") == cli.EXIT_OUTPUT
    assert "cannot write to the output folder" in one_error_line(capsys)
    assert file.read_text(encoding="utf-8") == "not a folder\n"


def test_a_missing_model_is_its_own_failure(first, tmp_path, capsys):
    corpus, _ = first
    out = tmp_path / "out"
    assert extract(corpus, out, "--model", "no_such_model_xyz") == cli.EXIT_MODEL
    assert "no_such_model_xyz" in one_error_line(capsys)
    assert not out.exists()
    with pytest.raises(ModelMissing):
        pipeline.extract_text("Lima is a city.", model="no_such_model_xyz")


def test_an_unreachable_scheduler_is_its_own_failure_and_fails_fast(
        first, tmp_path, capsys, monkeypatch):
    pytest.importorskip("distributed")
    corpus, _ = first
    out = tmp_path / "out"
    monkeypatch.setattr(runner, "DASK_CONNECT_SECONDS", 2)
    began = time.monotonic()
    code = extract(corpus, out, "--engine", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert code == cli.EXIT_ENGINE
    assert time.monotonic() - began < 30
    assert "cannot reach the Dask scheduler tcp://127.0.0.1:1" in one_error_line(capsys)
    assert not list(out.glob(f"{outfolder.STAGING_PREFIX}*"))
    assert not (out / "documents.csv").exists()
    with pytest.raises(EngineUnreachable):
        pipeline.extract(corpus, engine="dask", scheduler="tcp://127.0.0.1:1")


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failing", ["open", "write_text"])  # the tables' files, a text
def test_a_full_disk_while_staging_leaves_the_previous_tables(
        previous, failing, capsys, monkeypatch):
    corpus, out = previous
    before = tables_bytes(out) | {"datapackage.json": (out / "datapackage.json").read_bytes()}
    (out / "text" / "lima-raid.txt").unlink()  # so the run writes that text again
    real = getattr(Path, failing)

    def full_in_staging(path: Path, *args, **kwargs):
        if outfolder.STAGING_PREFIX in str(path):
            disk_full()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(Path, failing, full_in_staging)
    assert extract(corpus, out) == cli.EXIT_WRITE
    assert "the disk is full" in one_error_line(capsys)
    assert before == tables_bytes(out) | {
        "datapackage.json": (out / "datapackage.json").read_bytes()}
    assert not list(out.glob(".*staging*")) and not list(out.glob(".*partial"))


def test_a_full_disk_while_writing_the_workbook_leaves_nothing_behind(
        previous, capsys, monkeypatch):
    corpus, out = previous
    before = tables_bytes(out)

    def half_a_workbook(folder, path, table_list):
        Path(path).write_bytes(b"PK\x03\x04" + b"\x00" * 1000)
        disk_full()

    monkeypatch.setattr(writer, "write_workbook", half_a_workbook)
    assert extract(corpus, out, "--format", "xlsx") == cli.EXIT_WRITE
    line = one_error_line(capsys)
    assert "the disk is full" in line and "previous tables are unchanged" in line
    assert tables_bytes(out) == before
    assert not (out / WORKBOOK).exists()
    assert not list(out.glob(f"{outfolder.STAGING_PREFIX}*"))


def test_a_cell_of_any_length_is_cut_in_the_workbook_and_the_report_draws(previous):
    _, out = previous
    result = Result.read_csv(out)
    sentences = result.sentences.copy()
    sentences.loc[0, "text"] = "coca " * 40_000  # 200,000 characters
    dataclasses.replace(result, sentences=sentences).to_csv(out, xlsx=True)
    cell = openpyxl.load_workbook(out / WORKBOOK, read_only=True)["sentences"]["E2"].value
    assert len(cell) == XLSX_MAX_CHARS and cell.startswith("coca coca")
    assert cell.endswith(XLSX_CUT.format(200_000)) and "200,000 characters" in cell
    assert len(Result.read_csv(out).sentences.loc[0, "text"]) == 200_000  # the CSV has it all
    assert report.write(out).stat().st_size > 0


def test_the_text_of_a_removed_input_is_removed_with_it(previous, capsys):
    corpus, out = previous
    assert (out / "text" / "cusco-drought.txt").exists()
    (corpus / "cusco-drought.txt").unlink()
    assert extract(corpus, out) == cli.EXIT_OK
    assert sorted(p.name for p in (out / "text").iterdir()) == ["lima-raid.txt"]
    assert set(Result.read_csv(out).documents["doc_id"]) == {"lima-raid"}
