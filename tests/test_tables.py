"""The output contract: files, headers, datapackage.json, determinism."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import pipeline
from pipeline.schema import TABLES

CORPUS = Path(__file__).resolve().parent.parent / "corpus"

CONTRACT = {  # DESIGN.md's required columns, in order
    "documents": "doc_id, path, title, published, publisher, section, byline, n_chars_raw, "
    "n_chars_clean, n_lines_removed, status, error",
    "sentences": "doc_id, sentence_id, start, end, text, is_claim, claim_score, claim_type, "
    "hedged, citation_ids",
    "entities": "doc_id, entity_id, name, label, n_mentions, aliases, first_start",
    "mentions": "doc_id, entity_id, sentence_id, start, end, text, label",
    "dates": "doc_id, date_id, sentence_id, start, end, text, type, value, date_start, "
    "date_end, granularity, anchor",
    "events": "doc_id, event_id, sentence_id, start, end, trigger, event_type, date_id, "
    "date_text, date_value, date_start, date_end, actor, actor_id, target, target_id, "
    "location, location_id, sentence",
    "citations": "doc_id, citation_id, kind, marker, source, source_id, cue, content, start, "
    "end, title, publisher, date, url, sentence_id",
    "removed": "doc_id, line, text, reason",
}


@pytest.fixture(scope="module")
def written(tmp_path_factory, corpus_result):
    out = tmp_path_factory.mktemp("out")
    corpus_result.to_csv(out)
    return out


def test_schemas_keep_every_contract_column_in_order():
    for table in TABLES:
        required = CONTRACT[table.name].split(", ")
        present = [c for c in table.column_names if c in required]
        assert present == required, table.name


def test_every_csv_header_equals_its_schema_after_a_byte_order_mark(written, tmp_path):
    for table in TABLES:
        text = (written / f"{table.name}.csv").read_text(encoding="utf-8")
        assert text.startswith("\ufeff")  # Excel reads the file as UTF-8 only with it
        assert text[1:].splitlines()[0].split(",") == table.column_names
    pipeline.extract_text("Peru exports coffee.", clean=False).to_csv(tmp_path, bom=False)
    assert (tmp_path / "documents.csv").read_bytes().startswith(b"doc_id,")


def test_documents_csv_says_where_the_seed_metadata_came_from(written):
    with (written / "documents.csv").open(encoding="utf-8-sig", newline="") as handle:
        sources = {row["doc_id"]: row["metadata_sources"] for row in csv.DictReader(handle)}
    assert sources == {
        "000_37982e361877194f": "title: line 1 (headline model) | publisher: line 3 (tagline)",
        "002_159aca854b71736f": "title: line 8 (headline model) | published: line 22 (dateline "
        "'Published 19 April 2016') | section: line 6 (breadcrumb)",
    }


def test_a_publication_date_passed_in_is_said_to_be_given_by_the_caller():
    text = "Peru's army was attacked on Saturday."
    documents = pipeline.extract_text(text, published="2016-04-19", clean=False).documents
    assert list(documents["metadata_sources"]) == ["published: given by the caller"]


def test_datapackage_lists_every_table_with_keys(written):
    package = json.loads((written / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {t.name for t in TABLES}
    for table in TABLES:
        schema = resources[table.name]["schema"]
        assert [f["name"] for f in schema["fields"]] == table.column_names
        assert schema["primaryKey"]
        for key in schema["foreignKeys"]:
            assert key["reference"]["resource"] in resources


def test_primary_keys_are_unique_and_foreign_keys_resolve(corpus_result):
    frames = corpus_result.tables()
    for table in TABLES:
        df = frames[table.name]
        assert not df.duplicated(list(table.primary_key)).any(), table.name
        for fields, resource, target in table.foreign_keys:
            keys = df[list(fields)].dropna()
            known = set(map(tuple, frames[resource][list(target)].itertuples(index=False)))
            missing = set(map(tuple, keys.itertuples(index=False))) - known
            assert not missing, (table.name, fields, sorted(missing)[:3])


def test_two_runs_write_byte_identical_files(written, tmp_path):
    pipeline.extract(CORPUS).to_csv(tmp_path)
    for path in sorted(written.rglob("*")):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / path.relative_to(written)).read_bytes()


def test_offsets_point_into_the_cleaned_text(corpus_result):
    result = corpus_result
    for name in ("sentences", "mentions", "dates"):
        for row in result.tables()[name].itertuples():
            assert result.texts[row.doc_id][row.start:row.end] == row.text, (name, row)
    for row in result.events.itertuples():
        assert result.texts[row.doc_id][row.start:row.end] == row.trigger


def test_a_citation_needed_marker_flags_its_sentence():
    text = ("Coca cultivation moved to the valley in 2012.[citation needed] Prices fell in "
            "2013.[1]\n\nReferences\n\n1. ^ \"Coca report\". UNODC. 2014.")
    sentences = pipeline.extract_text(text).sentences
    flagged = sentences[sentences.citation_needed]
    assert list(flagged.text) == ["Coca cultivation moved to the valley in 2012.[citation needed]"]
    assert not sentences.citation_needed.iloc[1:].any()


def test_row_building_gives_every_table_the_schema_s_columns():
    """rows.py builds each table's rows with exactly the schema's column names (the writer
    would leave a misspelt key out of the CSV without a word); a documents row also
    leaves out what it has not got (error, duplicate_of, ...)."""
    from pipeline.runner import Job, process_batch

    jobs = [Job(path.stem, str(path)) for path in sorted(CORPUS.glob("*.txt"))]
    built = {name: [] for name in (t.name for t in TABLES)}
    for done in process_batch(jobs):
        for name, rows in done.rows.items():
            built[name] += rows
    for table in TABLES:
        assert built[table.name], table.name
        for row in built[table.name]:
            if table.name == "documents":
                assert set(row) <= set(table.column_names), set(row) - set(table.column_names)
            else:
                assert list(row) == table.column_names, table.name
