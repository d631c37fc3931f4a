"""The output contract: every table's name, columns (with their Frictionless types and
meanings), keys and links, and the Data Package that describes the CSVs. Row building
(rows.py), the writer (writer.py), the DataFrames (result.py) and the tests read it here.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

MULTI_VALUE_SEPARATOR = " | "  # a cell holding several values joins them with this
PANDAS_TYPES = {"integer": "Int64", "number": "float64", "boolean": "boolean"}


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
            ("dateline", "string",
             "The place of the wire dateline that opens the story ('LIMA, Peru'), as written."),
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
            ("is_claim", "boolean", "A factual claim worth checking: claim_score of 0.5 or more."),
            ("claim_score", "number",
             "Check-worthiness from 0 to 1, a probability (calibrated on debates)."),
            ("claim_type", "string", "Kind of claim: statistic, comparison, causal, prediction, "
                           "attribution, event or other."),
            ("claim_reasons", "string",
             "The classifier's probability, then the features behind the score, strongest "
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


def missing(value: object) -> bool:
    """A missing cell: None, pandas' <NA> or NaN."""
    return value is None or value is pd.NA or value != value


def cell_text(value: object) -> str:
    """A cell as text; empty when missing."""
    if type(value) is str:  # most cells: the fast way out
        return value
    return "" if missing(value) else str(value)


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
