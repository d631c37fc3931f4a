"""The package as others use it: a wheel installed away from the checkout, our components
saved and loaded the spaCy way, processed Docs serialised, a Dask cluster of separate
processes that import the installed wheel."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin

from pipeline.nlp import COMPONENTS
from pipeline.resources import MODELS
from tests.conftest import CORPUS, ROOT, TELESUR, WIKIPEDIA

EXTENSIONS = ("entities", "dates", "events", "quotes", "claims", "doc_id", "published")


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def tables(out: Path) -> dict[str, bytes]:
    """What a run writes that must not depend on how it ran: tables, texts, data package."""
    files = [*out.glob("*.csv"), *out.glob("text/*"), out / "datapackage.json"]
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in files}


def annotations(doc: Doc) -> dict:
    return {name: list(value) if isinstance(value := getattr(doc._, name), tuple) else value
            for name in EXTENSIONS}


@pytest.fixture(scope="module")
def checkout_tables(tmp_path_factory) -> dict[str, bytes]:
    """`make extract` on corpus/, from the checkout."""
    out = tmp_path_factory.mktemp("checkout") / "out"
    run("-m", "pipeline", "extract", str(CORPUS), "--out", str(out), "--quiet", cwd=ROOT)
    return tables(out)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The wheel built from a copy of the sources and installed into a folder of its own."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in ("pipeline", "models"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    run("-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(work / "dist"),
        str(source), cwd=work)
    (wheel,) = (work / "dist").glob("news_pipeline-*.whl")
    run("-m", "pip", "install", "--quiet", "--no-deps", "--target", str(work / "site"),
        str(wheel), cwd=work)
    return work / "site"


def outside(installed: Path) -> dict:
    """The environment of a process that imports the installed wheel, not the checkout."""
    return {**os.environ, "PYTHONPATH": str(installed)}


def test_the_installed_wheel_runs_anywhere_and_gives_the_checkout_s_tables(
        installed, checkout_tables, tmp_path):
    found = run("-c", "import pipeline; print(pipeline.__file__)", cwd=tmp_path,
                env=outside(installed))
    assert Path(found.stdout.strip()).is_relative_to(installed)
    version = run("-m", "pipeline", "--version", cwd=tmp_path, env=outside(installed))
    assert version.stdout.strip() == "news-pipeline 0.1.0"
    run("-m", "pipeline", "extract", str(CORPUS), "--out", str(tmp_path / "out"), "--quiet",
        cwd=tmp_path, env=outside(installed))
    assert tables(tmp_path / "out") == checkout_tables


def test_a_saved_pipeline_loads_in_a_fresh_process_and_gives_the_same_tables(
        nlp, checkout_tables, tmp_path):
    nlp.to_disk(tmp_path / "saved")
    loaded = run("-c", "import spacy, sys; print(spacy.load(sys.argv[1]).pipe_names)",
                 str(tmp_path / "saved"), cwd=tmp_path)
    assert all(name in loaded.stdout for name in COMPONENTS)
    run("-m", "pipeline", "extract", str(CORPUS), "--out", str(tmp_path / "out"), "--quiet",
        "--model", str(tmp_path / "saved"), cwd=ROOT)
    assert tables(tmp_path / "out") == checkout_tables


def test_a_saved_pipeline_keeps_the_lexicons_it_was_built_with(nlp, tmp_path):
    """Each rule component's lexicon is named in its config and saved with the pipeline:
    a cue verb added to the saved copy is a cue after loading, and not before."""
    assert nlp.config["components"]["news_quotes"]["lexicon"] == "speech_cues.txt"
    nlp.to_disk(tmp_path / "saved")
    for component in ("news_entities", "news_events", "news_quotes"):
        assert list((tmp_path / "saved" / component).glob("lexicon.*")), component
    cues = tmp_path / "saved" / "news_quotes" / "lexicon.txt"
    assert cues.read_text(encoding="utf-8") == (MODELS / "speech_cues.txt").read_text(
        encoding="utf-8")
    cues.write_text(cues.read_text(encoding="utf-8") + "\nchirp\n", encoding="utf-8")
    text = "Ana Torres chirped that the talks had failed."
    assert nlp(text)._.quotes == []
    (statement,) = spacy.load(tmp_path / "saved")(text)._.quotes
    assert (statement.kind, statement.cue, statement.content) == (
        "statement", "chirped", "the talks had failed")


@pytest.fixture(scope="module")
def docs(make_doc) -> list[Doc]:
    return [make_doc(path.read_text(encoding="utf-8"), published="2016-04-19")
            for path in (WIKIPEDIA, TELESUR)]


def test_processed_docs_survive_to_bytes_and_a_docbin(nlp, docs):
    for doc in docs:
        again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert annotations(again) == annotations(doc)
        assert [(s.start_char, s.end_char, s.label_) for s in again.spans["dates"]] == [
            (s.start_char, s.end_char, s.label_) for s in doc.spans["dates"]]
    stored = DocBin(store_user_data=True, docs=docs).to_bytes()
    back = list(DocBin().from_bytes(stored).get_docs(nlp.vocab))
    assert [annotations(d) for d in back] == [annotations(d) for d in docs]
    assert all(d._.entities and d._.events and d._.claims for d in back)


def test_spacy_s_own_multiprocessing_gives_the_serial_docs(nlp, docs):
    texts = [doc.text for doc in docs]
    serial = [annotations(d) for d in nlp.pipe(texts)]
    assert [annotations(d) for d in nlp.pipe(texts, n_process=2)] == serial


def test_spacy_sees_what_each_component_needs_and_gives(nlp):
    analysis = nlp.analyze_pipes()
    assert not any(analysis["problems"].values())
    assert "doc._.dates" in analysis["summary"]["news_events"]["requires"]
    assert "doc.tensor" in analysis["summary"]["news_claims"]["requires"]


def test_the_claims_component_refuses_token_vectors_it_was_not_trained_on():
    other = spacy.blank("en")
    other.add_pipe("tok2vec")
    other.add_pipe("parser")  # sentences, which the claims need besides the vectors
    other.add_pipe("news_claims")
    other.initialize()
    with pytest.raises(ValueError, match="tok2vec is another"):
        other("The deficit tripled to $1.4 trillion in 2009.")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_cluster_of_separate_processes_gives_the_serial_tables(
        installed, checkout_tables, tmp_path):
    """A scheduler and two workers started from the command line, as on real machines; the
    workers import the installed wheel from their own folder, not the checkout."""
    pytest.importorskip("distributed")
    address = f"tcp://127.0.0.1:{free_port()}"
    env = outside(installed)
    started = [subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
        cwd=tmp_path, env=env, stderr=subprocess.DEVNULL)]
    try:
        started += [subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
             "--no-dashboard", "--name", f"worker-{n}"],
            cwd=tmp_path, env=env, stderr=subprocess.DEVNULL) for n in range(2)]
        from distributed import Client

        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
            where = client.run(lambda: __import__("pipeline").__file__)
        assert len(where) == 2
        assert all(Path(path).is_relative_to(installed) for path in where.values())
        run("-m", "pipeline", "extract", str(CORPUS), "--out", str(tmp_path / "out"),
            "--quiet", "--engine", "dask", "--scheduler", address, "--batch-size", "1",
            cwd=ROOT)
        assert tables(tmp_path / "out") == checkout_tables
    finally:
        for process in reversed(started):
            process.terminate()
        deadline = time.monotonic() + 30
        for process in started:
            process.wait(timeout=max(1.0, deadline - time.monotonic()))
