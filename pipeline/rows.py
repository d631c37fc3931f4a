"""Row building: one processed document (its Source, Cleaned text and annotated Doc) as
the rows of every table, keyed by the schema's column names (tests/test_tables.py checks
the keys against schema.py).
"""
from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import replace

from spacy.tokens import Doc

from pipeline.clean import Cleaned
from pipeline.ingest import Source
from pipeline.records import span_text
from pipeline.references import Citation, find_credits, parse_references
from pipeline.schema import MULTI_VALUE_SEPARATOR, TABLE_BY_NAME, Rows, empty_rows


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
        "dateline": cleaned.dateline,
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


def doc_rows(source: Source, cleaned: Cleaned, doc: Doc) -> Rows:
    """Every table's rows for one processed document."""
    doc_id = source.doc_id
    sentences = [(s.start_char, said) for s in doc.sents if (said := span_text(s)).strip()]
    starts = [start for start, _ in sentences]

    def sentence_of(offset: int) -> int:
        return bisect.bisect_right(starts, offset)

    rows = empty_rows()
    rows["documents"] = [document_row(source, cleaned, doc._.published)]
    rows["removed"] = removed_rows(doc_id, cleaned)
    rows["entities"] = entity_rows(doc_id, doc)
    rows["mentions"] = mention_rows(doc_id, doc, sentence_of)
    rows["dates"] = date_rows(doc_id, doc, sentence_of)
    rows["events"] = event_rows(doc_id, doc, sentences, sentence_of, rows["dates"])
    rows["citations"] = citation_rows(doc_id, outside_citations(cleaned) + doc._.quotes,
                                      sentence_of)
    rows["sentences"] = sentence_rows(doc_id, doc, sentences, sentence_of, rows["citations"])
    return rows


def error_rows(source: Source, error: Exception | str) -> Rows:
    """A file that failed: its documents row, with the reason (a str is the message
    itself), and nothing else."""
    rows = empty_rows()
    message = source.error or (error if isinstance(error, str)
                               else f"{type(error).__name__}: {error}")
    rows["documents"].append(document_row(replace(source, error=message), None, None))
    return rows


def outside_citations(cleaned: Cleaned) -> list[Citation]:
    """References and credits live outside the body text, so they come from cleaning: the
    reference list, and the credits in removed lines and the byline."""
    credit_lines = [removed.text for removed in cleaned.removed] + [cleaned.byline]
    return parse_references(cleaned.references) + find_credits(credit_lines)


def removed_rows(doc_id: str, cleaned: Cleaned) -> list[dict]:
    return [{"doc_id": doc_id, "line": r.line, "text": r.text, "reason": r.reason}
            for r in cleaned.removed]


def entity_rows(doc_id: str, doc: Doc) -> list[dict]:
    return [{
        "doc_id": doc_id,
        "entity_id": entity.entity_id,
        "name": entity.name,
        "label": entity.label,
        "n_mentions": len(entity.mentions),
        "aliases": MULTI_VALUE_SEPARATOR.join(entity.aliases),
        "first_start": entity.mentions[0].start if entity.mentions else None,
    } for entity in doc._.entities]


def mention_rows(doc_id: str, doc: Doc, sentence_of: Callable[[int], int]) -> list[dict]:
    rows = [{
        "doc_id": doc_id,
        "entity_id": entity.entity_id,
        "sentence_id": sentence_of(m.start),
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "label": entity.label,
    } for entity in doc._.entities for m in entity.mentions]
    return sorted(rows, key=lambda r: r["start"])


def date_rows(doc_id: str, doc: Doc, sentence_of: Callable[[int], int]) -> list[dict]:
    return [{
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
    } for number, timex in enumerate(doc._.dates, 1)]


def event_rows(doc_id: str, doc: Doc, sentences: list[tuple[int, str]],
               sentence_of: Callable[[int], int], dates: list[dict]) -> list[dict]:
    """Events, each linked to its date's row (`dates`: the document's date rows)."""
    date_ids = {(row["start"], row["end"]): row["date_id"] for row in dates}
    rows = []
    for number, event in enumerate(doc._.events, 1):
        date = event.date
        sentence_id = sentence_of(event.start)
        rows.append({
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
            "sentence": sentences[sentence_id - 1][1].strip(),
        })
    return rows


def citation_rows(doc_id: str, citations: list[Citation],
                  sentence_of: Callable[[int], int]) -> list[dict]:
    """References and credits first (they have no place in the text), then quotes and
    statements in text order."""
    placed = sorted((c for c in citations if c.start is not None), key=lambda c: c.start)
    ordered = [c for c in citations if c.start is None] + placed
    return [{
        "doc_id": doc_id,
        "citation_id": f"c{number}",
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
        "sentence_id": sentence_of(citation.start) if citation.start is not None else None,
        "confidence": citation.confidence if citation.start is not None else None,
        "source_start": citation.source_start,
        "source_end": citation.source_end,
    } for number, citation in enumerate(ordered, 1)]


def sentence_rows(doc_id: str, doc: Doc, sentences: list[tuple[int, str]],
                  sentence_of: Callable[[int], int], citations: list[dict]) -> list[dict]:
    """Sentences with their claim scores and the citations that cover them: a quote's
    sentences, and the reference a marker in the sentence points to ("[2]"), first."""
    ids_by_sentence: dict[int, list[str]] = {}
    for row in citations:
        if row["sentence_id"] is not None:
            for covered in range(row["sentence_id"], sentence_of(row["end"] - 1) + 1):
                ids_by_sentence.setdefault(covered, []).append(row["citation_id"])
    reference_ids = {row["marker"]: row["citation_id"] for row in citations
                     if row["kind"] == "reference" and row["marker"]}
    flagged = set()
    for span in doc.spans.get("markers", []):
        marker = span.text[1:-1].lower()  # "[2]" -> "2", "[Citation needed]"
        if marker in reference_ids:
            ids_by_sentence.setdefault(sentence_of(span.start_char), []).insert(
                0, reference_ids[marker])
        elif marker == "citation needed":
            flagged.add(sentence_of(span.start_char))
    claims = {claim.start: claim for claim in doc._.claims}
    rows = []
    for sentence_id, (start, said) in enumerate(sentences, 1):
        text = said.rstrip()
        claim = claims.get(start)
        rows.append({
            "doc_id": doc_id,
            "sentence_id": sentence_id,
            "start": start,
            "end": start + len(text),
            "text": text,
            "is_claim": claim.is_claim if claim else False,
            "claim_score": round(claim.score, 3) if claim else 0.0,
            "claim_type": claim.claim_type if claim else "",
            "claim_reasons": MULTI_VALUE_SEPARATOR.join(claim.reasons) if claim else "",
            "hedged": claim.hedged if claim else False,
            "citation_ids": MULTI_VALUE_SEPARATOR.join(
                dict.fromkeys(ids_by_sentence.get(sentence_id, []))),
            "citation_needed": sentence_id in flagged,
        })
    return rows
