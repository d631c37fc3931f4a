"""Corpus-level orchestration: sources in, `Result` out, one broken file never stopping a run.

Each stage is called in flow order: ingest -> clean -> spaCy (our components) -> tables.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline import nlp as nlp_stage
from pipeline.citations import find_credits, parse_references
from pipeline.clean import Cleaned, clean, site_furniture
from pipeline.ingest import Source, read_sources
from pipeline.tables import Result, Rows, doc_rows, document_row, empty_rows


@dataclass(frozen=True)
class Options:
    """Settings shared by the command line and the library functions."""

    model: str | None = None  # spaCy model package; default: en_core_web_sm, else the re-upload
    batch_size: int = 16  # documents per nlp.pipe batch


def extract(paths: str | Path | Iterable[str | Path] = "corpus", **options) -> Result:
    """Process article files (a folder, a file, or a list of them) into tables.

    A first pass over the files finds the lines their sites repeat (`site_furniture`), which
    cleaning then removes; the files are read again rather than all held in memory.

    >>> result = extract("corpus/")
    >>> result.entities[["name", "label"]].head()
    """
    furniture = site_furniture(s.text for s in read_sources(paths) if not s.error)
    return run(read_sources(paths), Options(**options), furniture=furniture)


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
    source = Source(doc_id, "", text, len(text.encode()), "")
    return run([source], Options(**options), clean=clean, published=iso_date(published))


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


@functools.lru_cache(maxsize=2)
def shared_nlp(model: str | None) -> Language:
    """One loaded pipeline per model for the whole process: loading takes seconds."""
    return nlp_stage.load(model)


def run(
    sources: Iterable[Source],
    options: Options,
    *,
    clean: bool = True,
    published: str | None = None,
    furniture: AbstractSet[str] = frozenset(),
) -> Result:
    """Run every stage over the sources, batch by batch, and collect the tables. Lines in
    `furniture` (see `site_furniture`) are removed from every document as cross-document."""
    nlp = shared_nlp(options.model)
    rows, texts = empty_rows(), {}
    for batch in batched(sources, options.batch_size):
        prepared = []
        for source in batch:
            try:
                prepared.append(_prepare(nlp, source, clean, published, furniture))
            except Exception as error:  # noqa: BLE001  (reported as the document's error row)
                _add(rows, _error_rows(source, error))
        docs = _pipe(nlp, [doc for _, _, doc in prepared])
        for (source, cleaned, _), doc in zip(prepared, docs):
            if isinstance(doc, Exception):
                _add(rows, _error_rows(source, doc))
                continue
            try:
                _add(rows, doc_rows(source, cleaned, doc, _outside_citations(cleaned)))
                texts[source.doc_id] = cleaned.text
            except Exception as error:  # noqa: BLE001
                _add(rows, _error_rows(source, error))
    return Result.from_rows(rows, texts)


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Successive lists of `size` items (itertools.batched arrived only in Python 3.12)."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _prepare(nlp: Language, source: Source, do_clean: bool, published: str | None,
             furniture: AbstractSet[str]):
    if source.error:
        raise ValueError(source.error)
    cleaned = clean(source.text, furniture=furniture) if do_clean else Cleaned(text=source.text)
    doc = nlp.make_doc(cleaned.text)
    doc._.doc_id = source.doc_id
    doc._.published = published or cleaned.published or None
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
