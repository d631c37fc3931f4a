"""The output contract: table schemas, row building from a processed Doc, CSV writing.

Schemas live here and only here; the CSV writer, `datapackage.json` and the tests read them.
"""
from __future__ import annotations

import bisect
import contextlib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from spacy.tokens import Doc

from pipeline.clean import Cleaned
from pipeline.display import show, summary
from pipeline.ingest import Source
from pipeline.outfolder import STAGING_PREFIX, WriteFailed, hold
from pipeline.references import Citation
from pipeline.workbook import WORKBOOK, write_workbook

MULTI_VALUE_SEPARATOR = " | "


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless Table Schema type: string, integer, number, boolean, date
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _columns(*specs: tuple[str, str, str]) -> tuple[Column, ...]:
    return tuple(Column(*spec) for spec in specs)


DOC_ID = ("doc_id", "string", "Input file name without extension.")
SENTENCE_ID = ("sentence_id", "integer", "Sentence number in the document, from 1.")
START = ("start", "integer", "Character offset into the cleaned text (text/<doc_id>.txt).")
END = ("end", "integer", "End offset (exclusive) into the cleaned text.")
TO_DOCUMENT = (("doc_id",), "documents", ("doc_id",))
TO_SENTENCE = (("doc_id", "sentence_id"), "sentences", ("doc_id", "sentence_id"))


def _to_entity(column: str) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    return (("doc_id", column), "entities", ("doc_id", "entity_id"))


TABLES: tuple[Table, ...] = (
    Table(
        "documents",
        "One row per input file, with its metadata and whether it was processed.",
        _columns(
            DOC_ID,
            ("path", "string", "Input file path."),
            ("title", "string", "Headline."),
            ("published", "date", "Publication date (ISO 8601)."),
            ("modified", "date", "Last-modified date (ISO 8601), when the page gives a later one."),
            ("publisher", "string", "Site or publication."),
            ("section", "string", "Site section, from the breadcrumb."),
            ("byline", "string", "Author line."),
            ("metadata_sources", "string",
             "Where each metadata value came from (an input line and the rule that read it, or "
             "the HTML metadata), as 'field: source' pairs joined by ' | '."),
            ("n_chars_raw", "integer", "Characters in the decoded input."),
            ("n_chars_clean", "integer", "Characters in the cleaned text."),
            ("n_lines_removed", "integer", "Lines removed by cleaning (see removed.csv)."),
            ("status", "string", "ok, or error when the file could not be processed."),
            ("error", "string", "Why the file could not be processed."),
            ("duplicate_of", "string",
             "The doc_id of an earlier file with the same bytes (both keep their rows)."),
            ("near_duplicate_of", "string",
             "The doc_id of the first file that tells the same story: a copy of a wire story "
             "on another site, an updated version, or the same bytes (every copy keeps its "
             "rows; count the rows where this is empty to count each story once)."),
            ("shared_body", "number",
             "How alike the two are, 0 to 1: the share of the shorter file's story sentences "
             "(by length) found in the other (1 for the same text). Compared with the story's "
             "file from the same site when there is one, and then of the longer file."),
        ),
        ("doc_id",),
    ),
    Table(
        "sentences",
        "One row per sentence of the cleaned text, with its claim tag.",
        _columns(
            DOC_ID,
            SENTENCE_ID,
            START,
            END,
            ("text", "string", "The sentence."),
            ("is_claim", "boolean", "A factual claim worth checking."),
            ("claim_score", "number", "Check-worthiness from 0 to 1."),
            ("claim_type", "string", "Kind of claim: statistic, comparison, causal, prediction, "
                           "attribution, event or other."),
            ("claim_reasons", "string",
             "The textcat's probability, then the features behind the score, strongest "
             "first, joined by ' | '."),
            ("hedged", "boolean", "Softened by may, reportedly, allegedly, ..."),
            ("citation_ids", "string", "Citations backing the sentence, joined by ' | '."),
            ("citation_needed", "boolean", "The text flags the sentence [citation needed]."),
        ),
        ("doc_id", "sentence_id"),
        (TO_DOCUMENT,),
    ),
    Table(
        "entities",
        "One row per distinct entity in a document.",
        _columns(
            DOC_ID,
            ("entity_id", "string", "Stable id across documents: label/name-slug."),
            ("name", "string", "Fullest name used in the document."),
            ("label", "string", "spaCy entity label (PERSON, ORG, GPE, ...)."),
            ("n_mentions", "integer", "Number of mentions in the document."),
            ("aliases", "string", "Other names used for it, joined by ' | '."),
            ("first_start", "integer", "Offset of the first mention."),
        ),
        ("doc_id", "entity_id"),
        (TO_DOCUMENT,),
    ),
    Table(
        "mentions",
        "One row per entity mention.",
        _columns(
            DOC_ID,
            ("entity_id", "string", "The entity mentioned."),
            SENTENCE_ID,
            START,
            END,
            ("text", "string", "The mention as written."),
            ("label", "string", "The entity's label."),
        ),
        ("doc_id", "start"),
        (_to_entity("entity_id"), TO_SENTENCE),
    ),
    Table(
        "dates",
        "One row per temporal expression, normalised like TIMEX3.",
        _columns(
            DOC_ID,
            ("date_id", "string", "Id within the document: t1, t2, ..."),
            SENTENCE_ID,
            START,
            END,
            ("text", "string", "The expression as written."),
            ("type", "string", "DATE, TIME, DURATION or SET."),
            ("value", "string", "TIMEX3 value (2016-03-30, 199X, P3Y, PRESENT_REF, ...)."),
            ("date_start", "date", "First day of the calendar range covered."),
            ("date_end", "date", "Last day of the calendar range covered."),
            ("granularity", "string", "day, month, quarter, year, decade, century, ..."),
            ("anchor", "string", "What a relative expression was resolved against."),
        ),
        ("doc_id", "date_id"),
        (TO_DOCUMENT, TO_SENTENCE),
    ),
    Table(
        "events",
        "One row per event: who did what to whom, where and when.",
        _columns(
            DOC_ID,
            ("event_id", "string", "Id within the document: e1, e2, ..."),
            SENTENCE_ID,
            ("start", "integer", "Offset of the trigger."),
            ("end", "integer", "End offset of the trigger."),
            ("trigger", "string", "The word(s) naming the event."),
            ("event_type", "string", "Coarse type (ARREST, ATTACK, ...; OTHER when unknown)."),
            ("date_id", "string", "The event's date in dates.csv."),
            ("date_text", "string", "The date as written."),
            ("date_value", "string", "TIMEX3 value of the date."),
            ("date_start", "date", "First day the date covers."),
            ("date_end", "date", "Last day the date covers."),
            ("actor", "string", "Who did it."),
            ("actor_id", "string", "The actor's entity_id."),
            ("target", "string", "To whom or what."),
            ("target_id", "string", "The target's entity_id."),
            ("location", "string", "Where."),
            ("location_id", "string", "The location's entity_id."),
            ("negated", "boolean", "The text says it did not happen ('did not attack')."),
            ("hedged", "boolean", "The text softens it ('may attack', 'reportedly fled')."),
            ("modality", "string", "The word that hedges it: may, reportedly, alleged, ..."),
            ("sentence", "string", "The sentence, for reading in a spreadsheet."),
        ),
        ("doc_id", "event_id"),
        (
            TO_DOCUMENT,
            TO_SENTENCE,
            (("doc_id", "date_id"), "dates", ("doc_id", "date_id")),
            _to_entity("actor_id"),
            _to_entity("target_id"),
            _to_entity("location_id"),
        ),
    ),
    Table(
        "citations",
        "One row per reference, quote, reported statement or credit.",
        _columns(
            DOC_ID,
            ("citation_id", "string", "Id within the document: c1, c2, ..."),
            ("kind", "string", "reference, quote, statement or credit."),
            ("marker", "string", "In-text marker of a reference ([1] -> 1)."),
            ("source", "string", "Author, speaker or credited agency."),
            ("source_id", "string", "The source's entity_id."),
            ("cue", "string", "Speech verb or phrase (said, according to, ...)."),
            ("content", "string", "What was said, or the reference text."),
            ("start", "integer", "Offset of the content (quotes and statements)."),
            ("end", "integer", "End offset of the content."),
            ("title", "string", "Title of the referenced work."),
            ("publisher", "string", "Publisher of the referenced work."),
            ("date", "date", "Date of the referenced work."),
            ("accessed", "date", "When the reference was retrieved or accessed."),
            ("url", "string", "Address of the referenced work."),
            SENTENCE_ID,
            ("confidence", "number", "How sure the speaker attribution is, from 0 to 1."),
            ("source_start", "integer",
             "Offset of the words naming the speaker at this quote (he, the minister, ...)."),
            ("source_end", "integer", "End offset of those words."),
        ),
        ("doc_id", "citation_id"),
        (TO_DOCUMENT, TO_SENTENCE, _to_entity("source_id")),
    ),
    Table(
        "removed",
        "One row per line that cleaning removed, with the reason.",
        _columns(
            DOC_ID,
            ("line", "integer", "Line number in the input (from 1); for HTML, in the "
             "extracted text, and 0 for a block of the page that the extraction dropped."),
            ("text", "string", "The removed line or block."),
            ("reason", "string", "Why it was removed."),
        ),
        ("doc_id", "line", "text"),  # a page's dropped blocks all have line 0
        (TO_DOCUMENT,),
    ),
)
TABLE_BY_NAME = {table.name: table for table in TABLES}
Rows = dict[str, list[dict]]


def empty_rows() -> Rows:
    return {table.name: [] for table in TABLES}


def document_row(source: Source, cleaned: Cleaned | None, published: str | None) -> dict:
    """The `documents.csv` row; `cleaned` is None when the file failed."""
    row = {"doc_id": source.doc_id, "path": source.path, "n_chars_raw": len(source.text)}
    if source.error or cleaned is None:
        return row | {"status": "error", "error": source.error or "not processed"}
    return row | {
        "title": cleaned.title,
        "published": published,
        "modified": cleaned.modified or None,
        "publisher": cleaned.publisher,
        "section": cleaned.section,
        "byline": cleaned.byline,
        "metadata_sources": metadata_sources(cleaned, published),
        "n_chars_clean": len(cleaned.text),
        "n_lines_removed": len(cleaned.removed),
        "status": "ok",
    }


def metadata_sources(cleaned: Cleaned, published: str | None) -> str:
    """The `metadata_sources` cell: 'field: source' pairs in the table's column order. A
    publication date that is not the one cleaning found was given by the caller."""
    sources = dict(cleaned.sources)
    if published and published != cleaned.published:
        sources["published"] = "given by the caller"
    columns = TABLE_BY_NAME["documents"].column_names
    return MULTI_VALUE_SEPARATOR.join(f"{c}: {sources[c]}" for c in columns if c in sources)


def doc_rows(source: Source, cleaned: Cleaned, doc: Doc, extra: list[Citation]) -> Rows:
    """Every table's rows for one processed document.

    `extra` holds the citations found outside the Doc (references and credits).
    """
    doc_id = source.doc_id
    rows = empty_rows()
    rows["documents"].append(document_row(source, cleaned, doc._.published))
    rows["removed"] = [
        {"doc_id": doc_id, "line": r.line, "text": r.text, "reason": r.reason}
        for r in cleaned.removed
    ]

    sentences = [s for s in doc.sents if s.text.strip()]
    starts = [s.start_char for s in sentences]

    def sentence_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    for entity in doc._.entities:
        rows["entities"].append(
            {
                "doc_id": doc_id,
                "entity_id": entity.entity_id,
                "name": entity.name,
                "label": entity.label,
                "n_mentions": len(entity.mentions),
                "aliases": MULTI_VALUE_SEPARATOR.join(entity.aliases),
                "first_start": entity.mentions[0].start if entity.mentions else None,
            }
        )
        rows["mentions"] += [
            {
                "doc_id": doc_id,
                "entity_id": entity.entity_id,
                "sentence_id": sentence_of(m.start),
                "start": m.start,
                "end": m.end,
                "text": m.text,
                "label": entity.label,
            }
            for m in entity.mentions
        ]
    rows["mentions"].sort(key=lambda r: r["start"])

    date_ids = {}
    for number, timex in enumerate(doc._.dates, 1):
        date_ids[(timex.start, timex.end)] = f"t{number}"
        rows["dates"].append(
            {
                "doc_id": doc_id,
                "date_id": f"t{number}",
                "sentence_id": sentence_of(timex.start),
                "start": timex.start,
                "end": timex.end,
                "text": timex.text,
                "type": timex.type,
                "value": timex.value,
                "date_start": timex.date_start,
                "date_end": timex.date_end,
                "granularity": timex.granularity,
                "anchor": timex.anchor,
            }
        )

    for number, event in enumerate(doc._.events, 1):
        date = event.date
        sentence_id = sentence_of(event.start)
        rows["events"].append(
            {
                "doc_id": doc_id,
                "event_id": f"e{number}",
                "sentence_id": sentence_id,
                "start": event.start,
                "end": event.end,
                "trigger": event.trigger,
                "event_type": event.event_type,
                "date_id": date_ids.get((date.start, date.end)) if date else None,
                "date_text": date.text if date else None,
                "date_value": date.value if date else None,
                "date_start": date.date_start if date else None,
                "date_end": date.date_end if date else None,
                "actor": event.actor,
                "actor_id": event.actor_id,
                "target": event.target,
                "target_id": event.target_id,
                "location": event.location,
                "location_id": event.location_id,
                "negated": event.negated,
                "hedged": event.hedged,
                "modality": event.modality,
                "sentence": sentences[sentence_id - 1].text.strip(),
            }
        )

    citations = extra + sorted(doc._.quotes, key=lambda c: c.start)
    ids_by_sentence: dict[int, list[str]] = {}
    reference_ids: dict[str, str] = {}
    for number, citation in enumerate(citations, 1):
        citation_id = f"c{number}"
        sentence_id = sentence_of(citation.start) if citation.start is not None else None
        if citation.kind == "reference" and citation.marker:
            reference_ids[citation.marker] = citation_id
        if sentence_id is not None:
            for covered in range(sentence_id, sentence_of(citation.end - 1) + 1):
                ids_by_sentence.setdefault(covered, []).append(citation_id)
        rows["citations"].append(
            {
                "doc_id": doc_id,
                "citation_id": citation_id,
                "kind": citation.kind,
                "marker": citation.marker,
                "source": citation.source,
                "source_id": citation.source_id,
                "cue": citation.cue,
                "content": citation.content,
                "start": citation.start,
                "end": citation.end,
                "title": citation.title,
                "publisher": citation.publisher,
                "date": citation.date,
                "accessed": citation.accessed,
                "url": citation.url,
                "sentence_id": sentence_id,
                "confidence": citation.confidence if citation.start is not None else None,
                "source_start": citation.source_start,
                "source_end": citation.source_end,
            }
        )
    flagged = set()
    for span in doc.spans.get("markers", []):
        marker = span.text[1:-1].lower()  # "[2]" -> "2", "[Citation needed]"
        if marker in reference_ids:
            ids_by_sentence.setdefault(sentence_of(span.start_char), []).insert(
                0, reference_ids[marker])
        elif marker == "citation needed":
            flagged.add(sentence_of(span.start_char))

    claims = {claim.start: claim for claim in doc._.claims}
    for sentence_id, sentence in enumerate(sentences, 1):
        text = sentence.text.rstrip()
        claim = claims.get(sentence.start_char)
        rows["sentences"].append(
            {
                "doc_id": doc_id,
                "sentence_id": sentence_id,
                "start": sentence.start_char,
                "end": sentence.start_char + len(text),
                "text": text,
                "is_claim": claim.is_claim if claim else False,
                "claim_score": round(claim.score, 3) if claim else 0.0,
                "claim_type": claim.claim_type if claim else "",
                "claim_reasons": MULTI_VALUE_SEPARATOR.join(claim.reasons) if claim else "",
                "hedged": claim.hedged if claim else False,
                "citation_ids": MULTI_VALUE_SEPARATOR.join(
                    dict.fromkeys(ids_by_sentence.get(sentence_id, []))
                ),
                "citation_needed": sentence_id in flagged,
            }
        )
    return rows


PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean"}


def frame(table: Table, rows: Iterable[dict]) -> pd.DataFrame:
    """A DataFrame with exactly the table's columns; empty strings become missing values."""
    df = pd.DataFrame(list(rows), columns=table.column_names)
    for column in table.columns:
        series = df[column.name].replace("", None)
        dtype = PANDAS_TYPES.get(column.type, "string")
        df[column.name] = series.astype(dtype)
    return df.reset_index(drop=True)


@dataclass
class Result:
    """The tables of one run, as pandas DataFrames, and the cleaned texts they point into.
    Jupyter shows it as a summary; `show(doc_id)` highlights one document.

    >>> result = pipeline.extract("corpus/")
    >>> result.entities, result.texts["002_159aca854b71736f"]
    """

    documents: pd.DataFrame
    sentences: pd.DataFrame
    entities: pd.DataFrame
    mentions: pd.DataFrame
    dates: pd.DataFrame
    events: pd.DataFrame
    citations: pd.DataFrame
    removed: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Rows, texts: dict[str, str]) -> Result:
        """The DataFrames of rows as `doc_rows` builds them, typed by the schemas.

        >>> Result.from_rows(empty_rows(), {})
        """
        frames = {table.name: frame(table, rows[table.name]) for table in TABLES}
        return cls(**frames, texts=texts)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in the order of `TABLES`.

        >>> {name: len(df) for name, df in result.tables().items()}
        """
        return {table.name: getattr(self, table.name) for table in TABLES}

    def to_csv(self, out_dir: str | Path, *, neutralise: bool = True, bom: bool = True,
               xlsx: bool = False) -> None:
        """Write every table as CSV, the cleaned texts under `text/`, and `datapackage.json`
        (with `xlsx`, also the workbook `tables.xlsx`).

        Files are written under temporary names and renamed at the end, so a crash never
        leaves a half-written table over a good one; the folder is locked meanwhile (`hold`).
        `neutralise`, `bom` and `xlsx`: see `TableWriter`.

        >>> result.to_csv("outputs/")
        """
        with hold(Path(out_dir)):  # no other run writes there meanwhile
            writer = TableWriter(Path(out_dir), neutralise=neutralise, bom=bom, xlsx=xlsx)
            try:
                writer.add({name: df.to_dict("records") for name, df in self.tables().items()},
                           self.texts)
                writer.commit()
            finally:
                writer.discard()

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(df)}" for name, df in self.tables().items())
        return f"Result({counts})"

    def _repr_html_(self) -> str:
        """Jupyter shows a result as its summary: documents, failures and rows per table."""
        return summary(self)

    def show(self, doc_id: str, *, jupyter: bool | None = None) -> str | None:
        """One document's cleaned text with its entities, dates and claims highlighted
        (displaCy's entity view): displayed in Jupyter, else returned as HTML.

        >>> result.show("002_159aca854b71736f")
        """
        return show(self, doc_id, jupyter)

    @classmethod
    def read_csv(cls, folder: str | Path) -> Result:
        """The tables and cleaned texts that `to_csv` or `make extract` wrote to `folder`,
        typed as `extract` types them; a formula-like cell loses the apostrophe that
        neutralised it (see `TableWriter`).

        >>> result = Result.read_csv("outputs/")
        """
        folder, frames = Path(folder), {}
        for table in TABLES:
            df = pd.read_csv(folder / f"{table.name}.csv", encoding="utf-8-sig",
                             keep_default_na=False, na_values=[""], true_values=["TRUE"],
                             false_values=["FALSE"], dtype={
                                 c.name: PANDAS_TYPES.get(c.type, "string") for c in table.columns})
            for column in (c.name for c in table.columns if c.type == "string"):
                cells, rest = df[column], df[column].str[1:]
                neutralised = cells.str.startswith("'") & rest.str.startswith(FORMULA_STARTS)
                df[column] = rest.where(neutralised.fillna(False), cells)
            frames[table.name] = df
        processed = frames["documents"].loc[frames["documents"]["status"] == "ok", "doc_id"]
        texts = {doc_id: (folder / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
                 for doc_id in processed}
        return cls(**frames, texts=texts)


# OWASP's CSV injection guidance: a cell starting with one of these may run as a formula
# in a spreadsheet, so it is written with a leading apostrophe (shown as text, not run).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TableWriter:
    """Appends the tables' rows, batch by batch, to temporary CSV files in `out`, renamed
    over the previous tables by `commit()`; `discard()` drops whatever was not committed,
    so an interrupted run leaves the previous outputs as they were.

    `neutralise` (default) writes text cells that a spreadsheet would run as a formula
    ("=HYPERLINK(...)", "+1 555", "@user") with a leading apostrophe; the DataFrames of
    the library keep the raw values. `bom` (default) starts each CSV with a UTF-8 byte
    order mark, without which Excel misreads accents and curly quotes. Every text cell is
    quoted (RFC 4180 allows it), so LibreOffice's "Format quoted field as text" keeps
    all of them text ("000123", "1990") and its default separators, which include the
    semicolon and the tab, cannot split one. `xlsx` also writes `WORKBOOK`
    (`write_workbook`); without it, `commit()` removes an older one, and the text of a
    document no longer in the tables, so the folder never holds two versions of them. An
    OSError while the tables are staged (a full disk) is `WriteFailed`.
    """

    def __init__(self, out: Path, *, neutralise: bool = True, bom: bool = True,
                 xlsx: bool = False) -> None:
        self.out, self.neutralise, self.xlsx = out, neutralise, xlsx
        out.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(dir=out, prefix=STAGING_PREFIX))
        self.counts = {table.name: 0 for table in TABLES}
        self.files = {}
        self.texts: set[str] = set()  # the text files of this run's documents
        with self._writing():
            (self.staging / "text").mkdir()
            for table in TABLES:
                handle = (self.staging / f"{table.name}.csv").open("w", encoding="utf-8",
                                                                    newline="")
                self.files[table.name] = handle
                handle.write(("\ufeff" if bom else "") + ",".join(table.column_names) + "\n")

    def add(self, rows: Rows, texts: dict[str, str]) -> None:
        with self._writing():
            for table in TABLES:
                columns = [(c.name, _formatter(c.type, self.neutralise)) for c in table.columns]
                write = self.files[table.name].write
                for row in rows.get(table.name, ()):
                    write(",".join([cell(row.get(name)) for name, cell in columns]) + "\n")
                    self.counts[table.name] += 1
            for doc_id, text in texts.items():
                name = f"{doc_id}.txt"
                self.texts.add(name)
                if not _holds(self.out / "text" / name, text):  # a re-run rewrites no text
                    (self.staging / "text" / name).write_text(text, encoding="utf-8")

    def commit(self) -> None:
        """Complete the tables in the staging folder, then rename them over the previous
        ones; the text files of documents no longer in the run go."""
        with self._writing():
            for handle in self.files.values():
                handle.close()  # a full disk may only show here, flushing the last rows
            (self.staging / "datapackage.json").write_text(
                json.dumps(datapackage(), indent=2) + "\n", encoding="utf-8")
            if self.xlsx:
                write_workbook(self.staging, self.staging / WORKBOOK, TABLES)
        if not self.xlsx:
            (self.out / WORKBOOK).unlink(missing_ok=True)
        (self.out / "text").mkdir(exist_ok=True)
        for text in (self.staging / "text").iterdir():
            os.replace(text, self.out / "text" / text.name)
        for written in self.staging.iterdir():
            if written.is_file():
                os.replace(written, self.out / written.name)
        for text in (self.out / "text").glob("*.txt"):
            if text.name not in self.texts:
                text.unlink()

    def discard(self) -> None:
        for handle in self.files.values():
            with contextlib.suppress(OSError):  # the error that stopped the run is raised
                handle.close()
        shutil.rmtree(self.staging, ignore_errors=True)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """An OSError while the tables are staged (a full disk) becomes `WriteFailed`, with
        the staging folder removed: the previous tables are still whole."""
        try:
            yield
        except OSError as error:
            self.discard()
            reason = ("the disk is full" if error.errno == errno.ENOSPC
                      else error.strerror or str(error))
            raise WriteFailed(f"cannot write the tables to {self.out}: {reason}; the "
                              "previous tables are unchanged") from error


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except OSError:
        return False


def _missing(value) -> bool:
    return value is None or value is pd.NA or value != value  # None, <NA>, NaN


def _text(value) -> str:
    if type(value) is str:  # most cells: the fast way out
        return value
    return "" if _missing(value) else str(value)


def _neutral_text(value) -> str:
    text = _text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _field(text: str) -> str:
    """A number or date cell, quoted only if it holds what would break the row."""
    return _quoted(text) if any(c in text for c in ',"\r\n') else text


def _formatter(column_type: str, neutralise: bool) -> Callable[[object], str]:
    """How a column's values become CSV fields (RFC 4180): empty for missing, TRUE/FALSE
    for booleans, text always quoted (see `TableWriter`), formula-like text neutralised."""
    if column_type == "boolean":
        return lambda value: "" if _missing(value) else "TRUE" if value else "FALSE"
    if column_type == "integer":
        return lambda value: str(value) if type(value) is int else (
            "" if _missing(value) else str(int(value)))
    if column_type == "string":
        text = _neutral_text if neutralise else _text
        return lambda value: _quoted(cell) if (cell := text(value)) else ""
    return lambda value: _field(_text(value))


# References a row may lack: an event without a date, actor, target or place, a citation
# outside the sentences (references, credits) or without a known speaker. Frictionless
# checks a composite foreign key whole, as SQL's MATCH FULL does (a doc_id beside an empty
# actor_id is a violation to it), so these stay out of datapackage.json;
# tests/test_tables.py checks that every filled one resolves.
OPTIONAL_REFERENCES = {
    "events": {"date_id", "actor_id", "target_id", "location_id"},
    "citations": {"sentence_id", "source_id"},
}


def datapackage() -> dict:
    """A Frictionless Data Package describing every CSV: field types, primary keys and the
    foreign keys a validator can check, their fields required. The encoding is "utf-8"
    with or without the byte order mark (UTF-8's own signature, which readers such as
    frictionless skip); "utf-8-sig" is only Python's name for it, not an IANA one."""
    resources = []
    for table in TABLES:
        optional = OPTIONAL_REFERENCES.get(table.name, set())
        checked = [key for key in table.foreign_keys if not optional & set(key[0])]
        required = set(table.primary_key).union(*(fields for fields, _, _ in checked))
        resources.append({
            "name": table.name,
            "path": f"{table.name}.csv",
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
            "description": table.description,
            "schema": {
                "fields": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "description": c.description,
                        **({"trueValues": ["TRUE"], "falseValues": ["FALSE"]}
                           if c.type == "boolean" else {}),
                        **({"constraints": {"required": True}} if c.name in required else {}),
                    }
                    for c in table.columns
                ],
                "primaryKey": list(table.primary_key),
                "foreignKeys": [
                    {"fields": list(fields), "reference": {"resource": resource,
                                                           "fields": list(target)}}
                    for fields, resource, target in checked
                ],
                "missingValues": [""],
            },
        })
    return {"profile": "tabular-data-package", "name": "news-extraction",
            "resources": resources}
