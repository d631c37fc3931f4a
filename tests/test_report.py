"""The report page and the views it shares with the notebook: written by the command line
beside the tables, every document in it, nothing fetched from the network, article text
escaped; the highlighted text is the cleaned text, marked."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections import namedtuple
from pathlib import Path

import pandas as pd

import pipeline
from pipeline import report
from pipeline.display import highlight
from pipeline.result import Result

ROOT = Path(__file__).resolve().parent.parent
TELESUR = "002_159aca854b71736f"
HOSTILE = ('Hackers strike Lima\n\nThe police said on Monday that <script>alert("pwned")</script> '
           "ran on a server in Lima, Peru. <img src=x onerror=alert(1)> was found too.\n")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=600, check=False)


def test_the_command_line_writes_a_self_contained_page_of_every_document(tmp_path):
    corpus, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(ROOT / "corpus", corpus)
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    (corpus / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")

    assert run("extract", str(corpus), "--out", str(out)).returncode == 1  # photo fails
    page = (out / "report.html").read_text(encoding="utf-8")

    documents = pd.read_csv(out / "documents.csv")
    assert len(documents) == 4
    for doc_id in documents["doc_id"]:
        assert f'<details id="doc-{doc_id}"' in page
    assert "binary file (not text)" in page
    fetched = r"<[^>]*\s(?:src|href)\s*=\s*(?![\"']?(?:data:|#))"  # an attribute naming a file
    assert re.findall(fetched, page) == []
    assert "<script" not in page.lower() and "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page
    assert page.count('<img alt="timeline') == 1

    tables = (out / "documents.csv").stat().st_mtime_ns
    (out / "report.html").unlink()
    again = run("extract", str(corpus), "--out", str(out))  # unchanged: no table rewritten
    assert (out / "documents.csv").stat().st_mtime_ns == tables, again.stderr
    assert (out / "report.html").read_text(encoding="utf-8") == page

    run("extract", str(corpus), "--out", str(out), "--no-report")
    assert not (out / "report.html").exists()


def test_the_page_is_redrawn_only_when_the_tables_change(tmp_path, corpus_result):
    corpus_result.to_csv(tmp_path)
    path = report.write(tmp_path)
    drawn = path.stat().st_mtime_ns
    assert report.write(tmp_path).stat().st_mtime_ns == drawn

    documents = tmp_path / "documents.csv"
    documents.write_text(documents.read_text(encoding="utf-8-sig").replace(
        "Illegal drug trade in Peru", "Drugs & <b>Peru</b>"), encoding="utf-8-sig")
    page = report.write(tmp_path).read_text(encoding="utf-8")
    assert "Drugs &amp; &lt;b&gt;Peru&lt;/b&gt;" in page


def test_show_marks_entities_dates_and_claims_over_the_whole_cleaned_text(corpus_result):
    shown = corpus_result.show(TELESUR, jupyter=False)

    assert re.search(r'<mark class="PERSON( claim)?" data-label="PERSON" '
                     r'title="person/victor-crespo">Victor Crespo</mark>', shown)
    assert re.search(r'<mark class="DATE( claim)?" data-label="DATE" title="t\d+: 2016-03-30">'
                     r"this past March 30</mark>", shown)
    sentences = corpus_result.sentences.query("doc_id == @TELESUR")
    assert shown.count('data-label="CLAIM" title=') == sentences["is_claim"].sum() > 0
    without_style = re.sub(r"<style>.*?</style>", "", shown, flags=re.DOTALL)
    text = html.unescape(re.sub(r"<[^>]+>", "", without_style.replace("<br>", "\n")))
    assert text == corpus_result.texts[TELESUR]


def test_show_escapes_the_article_text():
    result = pipeline.extract_text(HOSTILE, clean=False, doc_id="hostile")
    shown = result.show("hostile", jupyter=False)
    assert "<script" not in shown and "&lt;script&gt;" in shown
    assert "<img src=x" not in shown


def test_a_result_in_jupyter_shows_its_counts_and_failures(tmp_path):
    (tmp_path / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01")
    result = pipeline.extract([ROOT / "corpus" / f"{TELESUR}.txt", tmp_path / "photo.txt"])
    shown = result._repr_html_()
    assert "2 documents</b>: 1 processed, 1 failed" in shown
    assert "<td>photo</td>" in shown and "binary file (not text)" in shown
    assert f"<td>{len(result.sentences)}</td>" in shown and len(result.sentences) > 10


def test_read_csv_gives_back_the_tables_and_texts_extract_gave(tmp_path, corpus_result):
    formula = pipeline.extract_text("=SUM(A1:A9) was in the quote, said Peru's minister.",
                                    clean=False)
    # cells that start with an apostrophe and are no neutralised formula stay as they are
    apostrophe = pipeline.extract_text("'Here, no one gives up!' the miners shouted in Lima. "
                                       "'We stay until the end,' one of them said.", clean=False)
    for result, out in ((corpus_result, tmp_path / "corpus"), (formula, tmp_path / "formula"),
                        (apostrophe, tmp_path / "apostrophe")):
        result.to_csv(out)
        back = Result.read_csv(out)
        for name, table in result.tables().items():
            pd.testing.assert_frame_equal(back.tables()[name], table, obj=name)
        assert back.texts == result.texts
    assert (tmp_path / "formula" / "sentences.csv").read_text(encoding="utf-8-sig").count("'=SUM")


def test_top_entities_count_documents_then_mentions_across_the_corpus(corpus_result):
    top = report.top_entities(corpus_result.entities, 3)
    peru = corpus_result.entities.query("entity_id == 'gpe/peru'")
    assert list(top.columns) == ["entity_id", "name", "label", "documents", "mentions"]
    assert top.iloc[0].to_dict() == {"entity_id": "gpe/peru", "name": "Peru", "label": "GPE",
                                     "documents": 2, "mentions": peru["n_mentions"].sum()}
    assert len(top) == 3 and top["documents"].iloc[1] == 1


def test_the_timeline_has_a_row_per_type_of_dated_event_that_happened(corpus_result):
    events = corpus_result.events
    figure = report.timeline(events)
    shown = {label.get_text() for label in figure.axes[0].get_yticklabels()}
    happened = events.dropna(subset=["date_start"]).query("not negated")
    assert shown == set(happened["event_type"]) and "ARREST" in shown
    assert report.timeline(events.assign(date_start=pd.NA)) is None


def test_a_mark_across_the_end_of_a_claim_keeps_the_text_whole():
    row = namedtuple("Row", "start end label entity_id type date_id value is_claim "
                     "claim_type claim_score", defaults=[None] * 10)
    text = "Ann met Lee Kim. Then he left."
    shown = highlight(text, [row(8, 19, "PERSON", "person/lee-kim-then")], [],
                      [row(0, 16, is_claim=True, claim_score=0.9), row(17, 30, is_claim=False)])
    assert '<mark class="claim">Ann met </mark><mark class="PERSON claim"' in shown
    assert html.unescape(re.sub(r"<[^>]+>", "", shown)) == text


def test_a_run_read_a_chunk_at_a_time_gives_the_overview_of_the_whole_tables(
        tmp_path, corpus_result, monkeypatch):
    corpus_result.to_csv(tmp_path)
    monkeypatch.setattr(report, "CHUNK_ROWS", 7)  # every table in several parts
    read, whole = report.Overview.read(tmp_path, shown=1), report.Overview.of(corpus_result)

    assert read.counts == whole.counts and read.counts["mentions"] > 7
    for name in ("entities", "dated"):
        pd.testing.assert_frame_equal(
            getattr(read, name).sort_values(list(getattr(read, name).columns[:3]))
            .reset_index(drop=True),
            getattr(whole, name).sort_values(list(getattr(whole, name).columns[:3]))
            .reset_index(drop=True), obj=name)
    first = corpus_result.documents["doc_id"].iloc[0]
    assert list(read.shown.documents["doc_id"]) == [first]
    assert set(read.shown.mentions["doc_id"]) == {first} and list(read.shown.texts) == [first]

    page = report.draw(read)
    assert page.count("<details") == 1
    assert "The first 1 documents are shown; the other 1 are in the tables and in text/." in page
    assert report.top_entities(corpus_result.entities).iloc[0]["name"] in page
