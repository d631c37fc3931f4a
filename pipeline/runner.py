"""Corpus-level orchestration: sources in, tables out, one broken file never stopping a run.

Each stage is called in flow order: ingest -> clean -> spaCy (our components) -> tables.
Documents flow in batches: `process_batch` turns a batch of jobs into each document's rows,
in this process, in worker processes (`workers`) or on a Dask cluster (`engine="dask"`);
the caller receives them in input order, one document at a time, and may write them out
as they come (`extract_to`), so memory does not grow with the corpus.
"""
from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.pool
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline import nlp as nlp_stage
from pipeline.cache import Cache, document_key, pipeline_version
from pipeline.citations import find_credits, parse_references
from pipeline.clean import Cleaned, clean, furniture_key, site_furniture
from pipeline.html import strip_inline_data
from pipeline.ingest import Source, read_source, read_sources
from pipeline.nlp import model_name
from pipeline.tables import Result, Rows, TableWriter, doc_rows, document_row, empty_rows
from pipeline.workbook import WORKBOOK

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
RAW_LIMIT = 10  # a raw page may be this many times what spaCy takes at once (max_length)


@dataclass(frozen=True)
class Options:
    """Settings shared by the command line and the library functions, which take them as
    keywords: `model` (the spaCy package), `batch_size` (documents per nlp.pipe batch),
    `workers` (processes; 0: one per core), `engine` ("local" or "dask"), `scheduler`
    (the Dask scheduler's address), `cache` (SQLite file of finished documents).

    >>> extract("corpus/", workers=2, cache=Path("outputs/.cache.sqlite"))
    """

    model: str | None = None  # spaCy model package; default: en_core_web_sm, else the re-upload
    batch_size: int = 16  # documents per nlp.pipe batch
    workers: int = 1  # processes, each loading the model once; 0 = one per core
    engine: str = "local"  # or "dask"
    scheduler: str | None = None  # the Dask scheduler's address ("tcp://host:8786")
    cache: Path | None = None  # SQLite file of finished documents; None: no cache


@dataclass(frozen=True)
class Job:
    """One document to process: the worker reads `path` itself unless `text` is given."""

    doc_id: str
    path: str
    text: str | None = None
    sha256: str = ""  # the file's content digest, for the cache and duplicates
    furniture: frozenset[str] = frozenset()  # cross-document lines this document holds
    clean: bool = True
    published: str | None = None

    def source(self) -> Source:
        if self.text is None:
            return read_source(Path(self.path), self.doc_id)
        return Source(self.doc_id, self.path, self.text, len(self.text.encode()), "")


@dataclass
class Done:
    """One document's rows and cleaned text (None when it failed)."""

    doc_id: str
    rows: Rows
    text: str | None
    from_cache: bool = False


@dataclass
class Summary:
    """What a run did, for the one-line report at its end."""

    documents: int = 0
    errors: int = 0
    from_cache: int = 0
    rows: dict[str, int] = field(default_factory=dict)


def extract(paths: str | Path | Iterable[str | Path] = "corpus", **options) -> Result:
    """Process article files (a folder, a file, or a list of them) into tables.

    A first pass over the files finds the lines their sites repeat (`site_furniture`), which
    cleaning then removes; the files are read again rather than all held in memory.

    >>> result = extract("corpus/")
    >>> result.entities[["name", "label"]].head()
    """
    return _collected(run(corpus_jobs(paths), Options(**options)))


def extract_to(paths: str | Path | Iterable[str | Path], out: str | Path, *,
               neutralise: bool = True, bom: bool = True, xlsx: bool = False,
               progress: Callable[[Iterable[Done], int], Iterable[Done]] | None = None,
               **options) -> Summary:
    """Process article files and write the tables to `out` as the documents finish, so
    memory stays flat however large the corpus; the previous tables stay in place until
    the run has finished (an interrupted run leaves them as they were, and with a cache
    the next run resumes where this one stopped). `xlsx` also writes the workbook
    (`TableWriter`). `progress(iterable, total)` may wrap the stream of finished documents
    (a progress bar).

    >>> extract_to("corpus/", "outputs/", cache=Path("outputs/.cache.sqlite")).errors
    """
    jobs = list(corpus_jobs(paths))
    if not jobs:
        raise FileNotFoundError(f"no article files found in {paths}")
    settings = Options(**options)
    version = pipeline_version(settings.model or model_name())
    run_key = document_key(version, [job_key(version, job) for job in jobs], neutralise, bom,
                           xlsx)
    if (settings.cache and (not xlsx or (Path(out) / WORKBOOK).exists())
            and (unchanged := Cache(settings.cache).last_run(Path(out), run_key))):
        return Summary(**unchanged)  # the same inputs gave the tables that are there
    summary = Summary()
    writer = TableWriter(Path(out), neutralise=neutralise, bom=bom, xlsx=xlsx)
    try:
        finished = run(iter(jobs), settings)
        for done in progress(finished, len(jobs)) if progress else finished:
            writer.add(done.rows, {done.doc_id: done.text} if done.text is not None else {})
            summary.documents += 1
            summary.errors += any(r["status"] == "error" for r in done.rows["documents"])
            summary.from_cache += done.from_cache
        writer.commit()
    finally:
        writer.discard()
    summary.rows = writer.counts
    if settings.cache:
        Cache(settings.cache).record_run(Path(out), run_key, asdict(summary)
                                         | {"from_cache": summary.documents})
    return summary


def extract_text(
    text: str,
    *,
    published: str | date | None = None,
    doc_id: str = "text",
    clean: bool = True,
    **options,
) -> Result:
    """Process one article given as a string.

    `published` (ISO date) anchors relative dates such as "last year"; `clean=False` skips
    cleaning for text that is already an article body, so offsets point into `text` itself.

    >>> extract_text("Peru's army was attacked on Saturday.", published="2016-04-19").dates
    """
    job = Job(doc_id, "", text, clean=clean, published=iso_date(published))
    return _collected(run([job], Options(**options)))


def _collected(finished: Iterable[Done]) -> Result:
    """The library's result: every document's rows gathered into DataFrames."""
    rows, texts = empty_rows(), {}
    for done in finished:
        _add(rows, done.rows)
        if done.text is not None:
            texts[done.doc_id] = done.text
    return Result.from_rows(rows, texts)


def iso_date(value: str | date | None) -> str | None:
    """A publication date as YYYY-MM-DD; a clear error for anything else."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise ValueError(
            f"published must be an ISO date such as 2016-04-19, not {value!r}"
        ) from None


def corpus_jobs(paths: str | Path | Iterable[str | Path]) -> Iterator[Job]:
    """A job per article file, with the cross-document furniture lines it holds.

    Two reads of the corpus: the first finds the furniture (`site_furniture`), the second
    gives each file the furniture lines found in it, so a new article of a site changes the
    jobs (and cache keys) of the pages whose furniture it changes, and of no other.
    """
    furniture = site_furniture(s.text for s in read_sources(paths) if not s.error)
    for source in read_sources(paths):
        normalised = furniture_key(source.text)
        held = frozenset(line for line in furniture if line in normalised)
        yield Job(source.doc_id, source.path, sha256=source.sha256, furniture=held)


def run(jobs: Iterable[Job], options: Options) -> Iterator[Done]:
    """Every job's rows, in input order: from the cache where it has them, else processed
    batch by batch by the chosen engine. Jobs are taken a window at a time (a few batches
    per worker), so memory stays flat; each finished document is committed to the cache
    at once. Identical files are marked `duplicate_of` the first one (both keep their
    rows)."""
    model = options.model or model_name()
    version = pipeline_version(model)
    cache = Cache(options.cache) if options.cache else None
    first_with: dict[str, str] = {}
    try:
        with _Engine(options, model) as process:
            window = options.batch_size * max(1, _workers(options)) * 4
            for chunk in batched(jobs, window):
                keys = [job_key(version, job) for job in chunk]
                found = {i: cache.get(k) for i, k in enumerate(keys)} if cache else {}
                todo = [job for i, job in enumerate(chunk) if found.get(i) is None]
                fresh = (done for batch in process(batched(todo, options.batch_size))
                         for done in batch)  # each batch as the engine finishes it
                for i, job in enumerate(chunk):
                    if found.get(i) is not None:
                        done = Done(job.doc_id, *found[i], from_cache=True)
                    else:
                        done = next(fresh)
                        if cache is not None and done.text is not None:
                            cache.put(keys[i], done.rows, done.text)
                            cache.commit()  # an interrupted run keeps what it finished
                    _mark_duplicate(done, job, first_with)
                    yield done
    finally:
        if cache is not None:
            cache.close()


def job_key(version: str, job: Job) -> str:
    """The cache key of a job's rows: everything that decides them."""
    return document_key(version, job.doc_id, job.path, job.sha256, sorted(job.furniture),
                        job.clean, job.published)


def _mark_duplicate(done: Done, job: Job, first_with: dict[str, str]) -> None:
    if job.sha256:
        original = first_with.setdefault(job.sha256, job.doc_id)
        if original != job.doc_id:
            done.rows["documents"][0]["duplicate_of"] = original


def _workers(options: Options) -> int:
    return options.workers or os.cpu_count() or 1


class _Engine:
    """`process(batches)`: each batch's Done list, in order; a context manager so worker
    processes and cluster connections are closed however the run ends."""

    def __init__(self, options: Options, model: str) -> None:
        self.options, self.model = options, model
        self.pool = self.client = None

    def __enter__(self) -> Callable[[Iterable[list[Job]]], Iterator[list[Done]]]:
        work = functools.partial(process_batch, model=self.model)
        if self.options.engine == "dask":
            from distributed import Client  # optional extra: pip install .[dask]

            self.client = Client(self.options.scheduler) if self.options.scheduler else Client()
            client = self.client

            def on_cluster(batches: Iterable[list[Job]]) -> Iterator[list[Done]]:
                futures = client.map(work, list(batches), pure=False)
                for future in futures:
                    yield future.result()
                    future.release()
            return on_cluster
        if self.options.engine != "local":
            raise ValueError(f"engine must be local or dask, not {self.options.engine!r}")
        if _workers(self.options) == 1:
            return lambda batches: map(work, batches)

        def on_workers(batches: Iterable[list[Job]]) -> Iterator[list[Done]]:
            batches = list(batches)
            if len(batches) <= 1 and self.pool is None:  # one batch: not worth the workers
                return map(work, batches)
            if self.pool is None:
                self.pool = _worker_pool(_workers(self.options), self.model)
            return self.pool.imap(work, batches)
        return on_workers

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            if exc[0] is None:
                self.pool.close()  # let the workers finish
            else:
                self.pool.terminate()  # interrupted or failed: stop them now
            self.pool.join()
        if self.client is not None:
            self.client.close()


def _worker_pool(workers: int, model: str) -> multiprocessing.pool.Pool:
    """Spawned processes that each load the model once. Each gets one BLAS thread: the
    workers already fill the cores, and threads on top of them fight over the same cores
    (measured on 2 cores: 2 workers went from 1.34x to 1.8x one worker)."""
    saved = {variable: os.environ.get(variable) for variable in BLAS_THREADS}
    os.environ.update({v: value or "1" for v, value in saved.items()})
    try:
        return multiprocessing.get_context("spawn").Pool(
            workers, initializer=shared_nlp, initargs=(model,))
    finally:
        for variable, value in saved.items():
            if value is None:
                os.environ.pop(variable)
            else:
                os.environ[variable] = value


@functools.lru_cache(maxsize=2)
def shared_nlp(model: str | None) -> Language:
    """One loaded pipeline per model for the whole process: loading takes seconds."""
    return nlp_stage.load(model)


def process_batch(jobs: list[Job], model: str | None = None) -> list[Done]:
    """Every stage over a batch of jobs: each document's rows and cleaned text. The one
    function every engine runs, in this process, a worker or on a cluster node."""
    nlp = shared_nlp(model)
    done: dict[str, Done] = {}
    prepared = []
    for job in jobs:
        source = job.source()
        try:
            prepared.append(_prepare(nlp, source, job))
        except Exception as error:  # noqa: BLE001  (reported as the document's error row)
            done[job.doc_id] = Done(job.doc_id, _error_rows(source, error), None)
    docs = _pipe(nlp, [doc for _, _, doc in prepared])
    for (source, cleaned, _), doc in zip(prepared, docs):
        if isinstance(doc, Exception):
            done[source.doc_id] = Done(source.doc_id, _error_rows(source, doc), None)
            continue
        try:
            rows = doc_rows(source, cleaned, doc, _outside_citations(cleaned))
            done[source.doc_id] = Done(source.doc_id, rows, cleaned.text)
        except Exception as error:  # noqa: BLE001
            done[source.doc_id] = Done(source.doc_id, _error_rows(source, error), None)
    return [done[job.doc_id] for job in jobs]


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Successive lists of `size` items (itertools.batched arrived only in Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _prepare(nlp: Language, source: Source, job: Job):
    if source.error:
        raise ValueError(source.error)
    # a saved page's inline images are no text: they do not count towards its size
    raw = strip_inline_data(source.text) if job.clean else source.text
    if len(raw) > RAW_LIMIT * nlp.max_length:
        raise ValueError(f"file too large: {len(raw):,} characters, above the "
                         f"{RAW_LIMIT * nlp.max_length:,} a page may have; split the file")
    cleaned = (clean(raw, furniture=job.furniture, suffix=Path(job.path).suffix) if job.clean
               else Cleaned(text=raw))
    if not cleaned.text.strip():
        found = "a reference list" if cleaned.references else "menus, links and other furniture"
        raise ValueError(f"no article text left after cleaning: the page is only {found}")
    if len(cleaned.text) > nlp.max_length:
        raise ValueError(f"text too long: {len(cleaned.text):,} characters after cleaning, "
                         f"above the {nlp.max_length:,} spaCy takes at once; split the file")
    doc = nlp.make_doc(cleaned.text)
    doc._.doc_id = source.doc_id
    doc._.published = job.published or cleaned.published or None
    return source, cleaned, doc


def _pipe(nlp: Language, docs: list[Doc]) -> Iterator[Doc | Exception]:
    """Run the pipeline over a batch; if the batch fails, retry document by document so
    only the document at fault is lost."""
    try:
        yield from list(nlp.pipe(docs))
    except Exception:  # noqa: BLE001
        for doc in docs:
            fresh = nlp.make_doc(doc.text)
            fresh._.doc_id, fresh._.published = doc._.doc_id, doc._.published
            try:
                yield nlp(fresh)
            except Exception as error:  # noqa: BLE001
                yield error


def _outside_citations(cleaned: Cleaned):
    """References and credits live outside the body text, so they come from cleaning."""
    credit_lines = [removed.text for removed in cleaned.removed] + [cleaned.byline]
    return parse_references(cleaned.references) + find_credits(credit_lines)


def _error_rows(source: Source, error: Exception | str) -> Rows:
    rows = empty_rows()
    message = source.error or f"{type(error).__name__}: {error}"
    rows["documents"].append(document_row(replace(source, error=message), None, None))
    return rows


def _add(rows: Rows, more: Rows) -> None:
    for name, extra in more.items():
        rows[name].extend(extra)
