"""Corpus-level orchestration: sources in, tables out, one broken file never stopping a run.

Each stage is called in flow order: ingest -> clean -> spaCy (our components) -> tables.
Documents flow in batches: `process_batch` turns a batch of jobs into each document's rows,
in this process, in worker processes (`workers`; with a core to spare, they run the model
alone while this process cleans the next batches and runs our components on the Docs they
send back) or on a Dask cluster (`engine="dask"`);
the caller receives them in input order, one document at a time, and may write them out
as they come (`extract_to`), so memory does not grow with the corpus.
"""
from __future__ import annotations

import functools
import multiprocessing
import multiprocessing.pool
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline import nlp as nlp_stage
from pipeline.cache import Cache, document_key, pipeline_version
from pipeline.claims import CLAIM_MODELS
from pipeline.clean import Cleaned, Removed, clean, corpus_lines, furniture_key
from pipeline.consolidate import CorpusLabels
from pipeline.html import strip_inline_data
from pipeline.ingest import Found, Source, find_files, read_found, read_source, strip_controls
from pipeline.nlp import after_the_model, model_name
from pipeline.outfolder import hold
from pipeline.result import Result
from pipeline.rows import doc_rows, error_rows
from pipeline.schema import Rows, empty_rows
from pipeline.workbook import WORKBOOK
from pipeline.writer import TableWriter

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
RAW_LIMIT = 10_000_000  # characters of a raw page: past this it is refused, not read
TEXT_LIMIT = 2_000_000  # characters of cleaned text (about 1 GB of memory at the peak)
ENGINES = ("local", "dask")
MINIMUM = {"batch_size": 1, "workers": 0}  # the least each count of `Options` may be
DASK_CONNECT_SECONDS = 10  # a scheduler that does not answer by then is reported unreachable


class EngineUnreachable(ConnectionError):
    """The Dask scheduler does not answer, or Dask is not installed."""


@dataclass(frozen=True)
class Options:
    """The settings of a run, with the one set of defaults the command line and the library
    functions share (they take them as keywords): `model` (the spaCy package or a saved
    pipeline), `claims` (the claims classifier, "textcat" or "accurate"), `batch_size`
    (documents per nlp.pipe batch), `workers` (processes; 0: one per core, and none for a
    single batch), `engine` ("local" or "dask"), `scheduler` (the
    Dask scheduler's address), `cache` (SQLite file of finished documents), `follow_links`
    (read links that lead out of an input folder, which are error rows otherwise).

    >>> extract("corpus/", workers=2, cache=Path("outputs/.cache.sqlite"))
    """

    model: str | None = None  # spaCy model package; default: en_core_web_sm, else the re-upload
    claims: str = "textcat"  # the claims classifier: "textcat" (fast) or "accurate" (MiniLM)
    batch_size: int = 16  # documents per nlp.pipe batch
    workers: int = 0  # processes, each loading the model once; 0 = one per core
    engine: str = "local"  # or "dask"
    scheduler: str | None = None  # the Dask scheduler's address ("tcp://host:8786")
    cache: Path | None = None  # SQLite file of finished documents; None: no cache
    follow_links: bool = False  # read symbolic links that lead out of the input folders

    def __post_init__(self) -> None:
        """Refuse settings a run cannot work with (a batch of no documents would write empty
        tables and have the cache remember them as the run's result)."""
        if isinstance(self.cache, str):
            object.__setattr__(self, "cache", Path(self.cache))
        for name, least in MINIMUM.items():
            value = getattr(self, name)
            if type(value) is not int or value < least:
                raise ValueError(f"{name} must be a whole number of at least {least}, "
                                 f"not {value!r}")
        if self.claims not in CLAIM_MODELS:
            raise ValueError(f"claims must be one of {', '.join(CLAIM_MODELS)}, "
                             f"not {self.claims!r}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {self.engine!r}")
        if self.scheduler and self.engine != "dask":
            raise ValueError("a scheduler is only for engine dask")


@dataclass(frozen=True)
class Job:
    """One document to process: the worker reads `path` itself unless `text` is given, or
    `error` says why it is not to be read (a link out of the input folder)."""

    doc_id: str
    path: str
    text: str | None = None
    sha256: str = ""  # the file's content digest, for the cache and duplicates
    furniture: frozenset[str] = frozenset()  # cross-document lines this document holds
    clean: bool = True
    published: str | None = None
    near_duplicate_of: str = ""  # the first file of the same story (see corpus_lines)
    shared_body: float | None = None  # how alike the two are (see corpus_lines)
    error: str = ""

    def source(self) -> Source:
        if self.error:
            return Source(self.doc_id, self.path, "", 0, "", self.error)
        if self.text is None:
            return read_source(Path(self.path), self.doc_id)
        # text given as is: its control characters become spaces, so offsets stay right
        text, repairs = strip_controls(self.text, keep_offsets=True)
        return Source(self.doc_id, self.path, text, len(self.text.encode()), "", repairs=repairs)


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

    A first pass over the files finds the lines their sites repeat (`corpus_lines`), which
    cleaning then removes; the files are read again rather than all held in memory. Links
    that lead out of an input folder are error rows unless `follow_links` (see `Options`).

    >>> result = extract("corpus/")
    >>> result.entities[["name", "label"]].head()
    """
    settings = Options(**options)
    found = find_files(paths, follow_links=settings.follow_links)
    return _collected(run(corpus_jobs(found), settings))


def extract_to(paths: str | Path | Iterable[str | Path], out: str | Path, *,
               neutralise: bool = True, bom: bool = True, xlsx: bool = False,
               progress: Callable[[Iterable[Done], int], Iterable[Done]] | None = None,
               **options) -> Summary:
    """Process article files and write the tables to `out` as the documents finish, so
    memory stays flat however large the corpus; the previous tables stay in place until
    the run has finished (an interrupted run leaves them as they were, and with a cache
    the next run resumes where this one stopped). `xlsx` also writes the workbook
    (`TableWriter`). `progress(iterable, total)` may wrap the stream of finished documents
    (a progress bar). `out` is never read as input, even inside an input folder;
    `options` as for `extract`. One run at a time writes to `out` (`outfolder.hold`);
    a run-level failure raises, the previous tables left whole: `ValueError` (bad options),
    `ModelMissing`, `OutputUnusable`, `EngineUnreachable`, `WriteFailed` (a full disk).

    >>> extract_to("corpus/", "outputs/", cache=Path("outputs/.cache.sqlite")).errors
    """
    settings, out = Options(**options), Path(out)
    model = model_name(settings.model)
    version = pipeline_version(model, settings.claims)
    found = find_files(paths, exclude=[out], follow_links=settings.follow_links)
    if not found:
        raise FileNotFoundError(f"no article files found in {paths}")
    with hold(out), _Engine(settings, model) as engine:
        if len(found) > settings.batch_size and not (settings.cache and settings.cache.exists()):
            engine.start()  # no earlier run to answer from: the model loads as the corpus is read
        jobs = list(corpus_jobs(found))
        run_key = document_key(version, [job_key(version, job) for job in jobs], neutralise,
                               bom, xlsx)
        if (settings.cache and (not xlsx or (out / WORKBOOK).exists())
                and (unchanged := Cache(settings.cache).last_run(out, run_key))):
            return Summary(**unchanged)  # the same inputs gave the tables that are there
        summary = Summary()
        writer = TableWriter(out, neutralise=neutralise, bom=bom, xlsx=xlsx)
        try:
            finished = run(iter(jobs), settings, engine)
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
            Cache(settings.cache).record_run(out, run_key, asdict(summary)
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
    job = Job(doc_id, "", text, clean=clean, published=published_date(published))
    return _collected(run([job], Options(**options)))


def _collected(finished: Iterable[Done]) -> Result:
    """The library's result: every document's rows gathered into DataFrames."""
    rows, texts, labels = empty_rows(), {}, CorpusLabels()
    for done in finished:
        _add(rows, done.rows)
        labels.add(done.rows.get("entities", ()))
        if done.text is not None:
            texts[done.doc_id] = done.text
    labels.relabel_rows(rows)
    return Result.from_rows(rows, texts)


def published_date(value: str | date | None) -> str | None:
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


def corpus_jobs(found: list[Found]) -> Iterator[Job]:
    """A job per article file that `find_files` found, with the cross-document furniture
    lines it holds and the earlier file that tells the same story, if any.

    Two reads of the corpus: the first finds the furniture and the near-duplicates
    (`corpus_lines`), the second gives each file the furniture lines found in it, so a new
    article of a site changes the jobs (and cache keys) of the pages whose furniture it
    changes, and of no other.
    """
    readable: list[str] = []

    def texts() -> Iterator[str]:
        for source in read_found(found):
            if not source.error:
                readable.append(source.doc_id)
                yield source.text

    shared = corpus_lines(texts())
    near = {readable[page]: (readable[first], share)
            for page, (first, share) in shared.near_duplicates.items()}
    for source in read_found(found):
        normalised = furniture_key(source.text)
        held = frozenset(line for line in shared.furniture if line in normalised)
        story_of, share = near.get(source.doc_id, ("", None))
        yield Job(source.doc_id, source.path, sha256=source.sha256, furniture=held,
                  near_duplicate_of=story_of, shared_body=share,
                  error="" if source.sha256 else source.error)  # not read: not read again


def run(jobs: Iterable[Job], options: Options, engine: _Engine | None = None
        ) -> Iterator[Done]:
    """Every job's rows, in input order: from the cache where it has them, else processed
    batch by batch by the chosen engine. Jobs are taken a window at a time (a few batches
    per worker), so memory stays flat, and the engine is given the next window while this
    one's documents are taken, so it never waits between windows; each finished document
    is committed to the cache at once. Identical files are marked `duplicate_of` the first
    one, and copies of one story `near_duplicate_of` its first file (every copy keeps its
    rows). `engine`: one already open (`extract_to` opens it first); else the run opens its
    own."""
    model = model_name(options.model)
    version = pipeline_version(model, options.claims)
    cache = Cache(options.cache) if options.cache else None
    first_with: dict[str, str] = {}
    try:
        with nullcontext(engine) if engine else _Engine(options, model) as process:
            def started(chunk: list[Job]) -> tuple[list[Job], list[str], dict, Iterator[Done]]:
                """The window's cache keys and hits, and its other jobs handed to the engine
                (a generator's first iterable is evaluated at once: `process` starts)."""
                keys = [job_key(version, job) for job in chunk]
                found = {i: cache.get(k) for i, k in enumerate(keys)} if cache else {}
                todo = [job for i, job in enumerate(chunk) if found.get(i) is None]
                fresh = (done for batch in process(batched(todo, options.batch_size))
                         for done in batch)  # each batch as the engine finishes it
                return chunk, keys, found, fresh

            window = options.batch_size * max(1, _workers(options)) * 4
            windows = map(started, batched(jobs, window))
            following = next(windows, None)
            while following is not None:
                (chunk, keys, found, fresh), following = following, next(windows, None)
                for i, job in enumerate(chunk):
                    if found.get(i) is not None:
                        done = Done(job.doc_id, *found[i], from_cache=True)
                    else:
                        done = next(fresh)
                        if cache is not None and done.text is not None:
                            cache.put(keys[i], done.rows, done.text)
                            cache.commit()  # an interrupted run keeps what it finished
                    _mark_copies(done, job, first_with)
                    yield done
    finally:
        if cache is not None:
            cache.close()


def job_key(version: str, job: Job) -> str:
    """The cache key of a job's rows: everything that decides them."""
    return document_key(version, job.doc_id, job.path, job.sha256, sorted(job.furniture),
                        job.clean, job.published)


def _mark_copies(done: Done, job: Job, first_with: dict[str, str]) -> None:
    """Marked after the cache, since which file came first depends on the whole corpus."""
    row = done.rows["documents"][0]
    if job.sha256:
        original = first_with.setdefault(job.sha256, job.doc_id)
        if original != job.doc_id:
            row["duplicate_of"] = original
    if job.near_duplicate_of:
        row["near_duplicate_of"], row["shared_body"] = job.near_duplicate_of, job.shared_body


def _workers(options: Options) -> int:
    return options.workers or os.cpu_count() or 1


class _Engine:
    """`engine(batches)`: each batch's Done list, in order; a context manager so worker
    processes and cluster connections are closed however the run ends. Workers start with
    the first call of more than one batch, or before it with `start()`."""

    def __init__(self, options: Options, model: str) -> None:
        self.options, self.model = options, model
        self.pool = self.client = None
        self.work = functools.partial(process_batch, model=model, claims=options.claims)

    def __enter__(self) -> _Engine:
        return self

    def start(self) -> None:
        """Start the worker processes now: each loads the model while this process goes on
        (reading the corpus)."""
        if self.options.engine == "local" and self.pool is None:
            self.pool = _worker_pool(_workers(self.options), self.model, self.options.claims)

    def __call__(self, batches: Iterable[list[Job]]) -> Iterator[list[Done]]:
        if self.options.engine == "dask":
            if self.client is None:
                self.client = _dask_client(self.options.scheduler)
            futures = self.client.map(self.work, list(batches), pure=False)  # submitted now
            return map(_released_result, futures)
        batches = list(batches)
        if len(batches) <= 1 and self.pool is None:  # one batch: not worth the workers
            return map(self.work, batches)
        self.start()
        if _workers(self.options) >= (os.cpu_count() or 1):  # no core to spare: the workers
            return self.pool.imap(self.work, batches)  # do it all
        return self._beside(batches)

    def _beside(self, batches: list[list[Job]]) -> Iterator[list[Done]]:
        """With a core to spare, the workers run the statistical model only: the pool's
        feeder thread reads and cleans the next batches here, in the parent, and the parent
        runs our components and builds the rows of the Docs the workers send back, so the
        model never waits for Python (with every core a worker, the workers do it all:
        the parent's share then slowed them down)."""
        sent: deque[list[Prepared | Done]] = deque()  # prepared here, parsed by a worker

        def texts(batch: list[Job]) -> list[tuple[str, str, str | None]]:
            sent.append(prepare_batch(batch))
            return _texts(sent[-1])

        parse = functools.partial(parse_batch, model=self.model, claims=self.options.claims)
        return (finish_batch(sent.popleft(), parsed, self.model, self.options.claims)
                for parsed in self.pool.imap(parse, map(texts, batches)))

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            # every result is in, or the run was interrupted or failed: the workers are
            # stopped now, not left to exit on their own (tearing down a worker's heap took
            # 0.75 s that a 1,000-article run waited for)
            self.pool.terminate()
            self.pool.join()
        if self.client is not None:
            self.client.close()


def _released_result(future):
    """A Dask future's value; the cluster may forget it then."""
    value = future.result()
    future.release()
    return value


def _dask_client(scheduler: str | None):
    """A client of the scheduler at `scheduler`, else of a new cluster on this machine."""
    try:
        from distributed import Client  # optional extra: pip install .[dask]
    except ImportError:
        raise EngineUnreachable("engine dask needs Dask: pip install .[dask]") from None
    if not scheduler:
        return Client()
    try:
        return Client(scheduler, timeout=DASK_CONNECT_SECONDS)
    except (OSError, TimeoutError, ValueError) as error:  # refused, timed out, bad address
        raise EngineUnreachable(f"cannot reach the Dask scheduler {scheduler}: "
                                f"{error}") from error


def _worker_pool(workers: int, model: str, claims: str) -> multiprocessing.pool.Pool:
    """Spawned processes that each load the model once. Each gets one BLAS thread: the
    workers already fill the cores, and threads on top of them fight over the same cores
    (measured on 2 cores: 2 workers went from 1.34x to 1.8x one worker)."""
    saved = {variable: os.environ.get(variable) for variable in BLAS_THREADS}
    os.environ.update({v: value or "1" for v, value in saved.items()})
    try:
        return multiprocessing.get_context("spawn").Pool(
            workers, initializer=shared_nlp, initargs=(model, claims))
    finally:
        for variable, value in saved.items():
            if value is None:
                os.environ.pop(variable)
            else:
                os.environ[variable] = value


@functools.lru_cache(maxsize=2)
def shared_nlp(model: str | None, claims: str = "textcat") -> Language:
    """One loaded pipeline per model for the whole process: loading takes seconds."""
    return nlp_stage.load(model, claims=claims)


Prepared = tuple[Source, Cleaned, str | None]  # a document read and cleaned, its date


def process_batch(jobs: list[Job], model: str | None = None,
                  claims: str = "textcat") -> list[Done]:
    """Every stage over a batch of jobs: each document's rows and cleaned text. The one
    function the in-process and cluster engines run; with a core to spare, worker
    processes run its model alone (`parse_batch`) and the parent the rest."""
    return annotate_batch(prepare_batch(jobs), model, claims)


def prepare_batch(jobs: list[Job]) -> list[Prepared | Done]:
    """The stages before the model, reading and cleaning: each job prepared, or its error
    rows (`Done`)."""
    prepared: list[Prepared | Done] = []
    for job in jobs:
        source = job.source()
        try:
            prepared.append(_prepare(source, job))
        except Exception as error:  # noqa: BLE001  (reported as the document's error row)
            prepared.append(Done(job.doc_id, error_rows(source, error), None))
    return prepared


def annotate_batch(prepared: list[Prepared | Done], model: str | None = None,
                   claims: str = "textcat") -> list[Done]:
    """The model, our components and row building over a prepared batch, in order."""
    return _done(prepared, _pipe(shared_nlp(model, claims), _texts(prepared)))


Packed = tuple[dict, dict, dict]  # a Doc on its way from a worker (see `_packed`)


def parse_batch(texts: list[tuple[str, str, str | None]], model: str | None = None,
                claims: str = "textcat") -> list[Packed | str]:
    """The statistical model alone over a batch of (text, doc_id, published): each Doc
    packed (`_packed`), or why it failed, for `finish_batch` to take on."""
    nlp = shared_nlp(model, claims)
    with nlp.select_pipes(disable=after_the_model(nlp)):
        return [f"{type(doc).__name__}: {doc}" if isinstance(doc, Exception) else _packed(doc)
                for doc in _pipe(nlp, texts)]


def _packed(doc: Doc) -> Packed:
    """A Doc for the trip to another process: its annotations as `Doc.to_dict` gives them
    (pickle carries the dict: msgpack in `to_bytes` and `from_bytes` added 0.5 ms per bench
    article), and its user data and span groups as plain values, which pickle carries
    faster than `to_dict` packs them (1.8 of its 2.7 ms per bench article)."""
    spans = {key: [(span.start, span.end, span.label_) for span in group]
             for key, group in doc.spans.items()}
    return doc.to_dict(exclude=["user_data", "spans"]), dict(doc.user_data), spans


def _unpacked(nlp: Language, packed: Packed) -> Doc:
    data, user_data, spans = packed
    doc = Doc(nlp.vocab).from_dict(data)
    doc.user_data.update(user_data)
    for key, found in spans.items():
        doc.spans[key] = [Span(doc, start, end, label) for start, end, label in found]
    return doc


def finish_batch(prepared: list[Prepared | Done], parsed: list[Packed | str],
                 model: str | None = None, claims: str = "textcat") -> list[Done]:
    """Our components and row building over the Docs `parse_batch` made of a prepared
    batch: the same rows as `annotate_batch` gives."""
    return _done(prepared, _components(shared_nlp(model, claims), parsed))


def _texts(prepared: list[Prepared | Done]) -> list[tuple[str, str, str | None]]:
    """What the pipeline takes of each prepared document: its cleaned text, id and date."""
    return [(cleaned.text, source.doc_id, published)
            for source, cleaned, published in _ready(prepared)]


def _ready(prepared: list[Prepared | Done]) -> list[Prepared]:
    return [item for item in prepared if not isinstance(item, Done)]


def _done(prepared: list[Prepared | Done], docs: Iterable[Doc | Exception | str]) -> list[Done]:
    """Each prepared document's rows from its finished Doc (or why it failed), in order."""
    done: dict[str, Done] = {}
    for (source, cleaned, _), doc in zip(_ready(prepared), docs):
        if not isinstance(doc, Doc):
            done[source.doc_id] = Done(source.doc_id, error_rows(source, doc), None)
            continue
        try:
            rows = doc_rows(source, cleaned, doc)
            done[source.doc_id] = Done(source.doc_id, rows, cleaned.text)
        except Exception as error:  # noqa: BLE001
            done[source.doc_id] = Done(source.doc_id, error_rows(source, error), None)
    return [item if isinstance(item, Done) else done[item[0].doc_id] for item in prepared]


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Successive lists of `size` items (itertools.batched arrived only in Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _prepare(source: Source, job: Job) -> Prepared:
    """The document cleaned, with its publication date: what the pipeline takes."""
    if source.error:
        raise ValueError(source.error)
    raw = source.text
    if len(raw) > RAW_LIMIT and job.clean:  # a saved page's inline images are no text
        raw = strip_inline_data(raw)  # (cleaning strips them anyway: only here when it counts)
    if len(raw) > RAW_LIMIT:
        raise ValueError(f"file too large: {len(raw):,} characters, above the "
                         f"{RAW_LIMIT:,} a page may have; split the file")
    cleaned = (clean(raw, furniture=job.furniture, suffix=Path(job.path).suffix) if job.clean
               else Cleaned(text=raw))
    # what decoding repaired, as lines of the whole file (line 0)
    cleaned.removed[:0] = [Removed(0, repair, "control-characters") for repair in source.repairs]
    if not cleaned.text.strip():
        found = "a reference list" if cleaned.references else "menus, links and other furniture"
        raise ValueError(f"no article text left after cleaning: the page is only {found}")
    if len(cleaned.text) > TEXT_LIMIT:
        raise ValueError(f"text too long: {len(cleaned.text):,} characters after cleaning, "
                         f"above the {TEXT_LIMIT:,} one document may have; split the file")
    return source, cleaned, job.published or cleaned.published or None


def _pipe(nlp: Language, texts: list[tuple[str, str, str | None]]
          ) -> Iterator[Doc | Exception]:
    """The pipeline over a batch of (text, doc_id, published): the short texts together
    (nlp.pipe), a long one alone and in pieces (`nlp.annotate`); if the batch fails, each
    document alone, so only the document at fault is lost."""
    short = [i for i, (text, _, _) in enumerate(texts) if len(text) <= nlp_stage.PIECE_CHARS]
    try:
        done = dict(zip(short, nlp.pipe(nlp_stage.new_doc(nlp, *texts[i]) for i in short)))
    except Exception:  # noqa: BLE001
        done = {}
    for i, item in enumerate(texts):
        if i in done:
            yield done[i]
            continue
        try:
            yield nlp_stage.annotate(nlp, *item)
        except Exception as error:  # noqa: BLE001
            yield error


def _components(nlp: Language, parsed: list[Packed | str]) -> list[Doc | str]:
    """Our pipes over Docs the model made (packed; a str says why one failed), the
    batch together; if the batch fails, each Doc alone, so only the one at fault is lost."""
    with nlp.select_pipes(enable=after_the_model(nlp)):
        try:
            finished = iter(list(nlp.pipe(_unpacked(nlp, item)
                                          for item in parsed if not isinstance(item, str))))
        except Exception:  # noqa: BLE001
            finished = None
        out: list[Doc | str] = []
        for item in parsed:
            if isinstance(item, str):
                out.append(item)
            elif finished is not None:
                out.append(next(finished))
            else:
                try:
                    out.append(nlp(_unpacked(nlp, item)))
                except Exception as error:  # noqa: BLE001
                    out.append(f"{type(error).__name__}: {error}")
        return out


def _add(rows: Rows, more: Rows) -> None:
    for name, extra in more.items():
        rows[name].extend(extra)
