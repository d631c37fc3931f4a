"""Whatever a scraper produced: each hostile file gets a clear error row or a correct result,
and the good articles beside it still get all their rows."""
from __future__ import annotations

import gzip
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.clean import clean
from pipeline.runner import extract_to

ROOT = Path(__file__).resolve().parent.parent
GOOD = sorted((ROOT / "corpus").glob("*.txt"))
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\x00\x01\x02"
ARTICLE = ("Lima police arrested two men on Monday.\n\nThe Interior Ministry said the men had "
           "smuggled 200 kilos of cocaine through the port of Callao in March.")

HOSTILE: dict[str, bytes] = {
    "empty.txt": b"",
    "whitespace.txt": b" \n\t\n   \r\n",
    "image.txt": PNG,
    "document.txt": PDF,
    "archive.txt": gzip.compress(ARTICLE.encode()),
    "utf16.txt": ARTICLE.replace("Lima", "Lima’s").encode("utf-16"),
    "cp1252.txt": "Perú’s “war” on drugs began in Ayacucho.\n\nIt costs €1 million a day."
    .encode("cp1252"),
    "latin1.txt": "El Perú y Bolivia firmaron el acuerdo en São Paulo.".encode("latin-1"),
    "mojibake.txt": "El PerÃº es el primer exportador de cocaína del mundo, dijo el ministro."
    .encode(),
    "huge.txt": b"Peru exports coffee. " * 1_000_000,  # 21 MB
    "scripts.html": b"<html><head><style>p{color:red}</style><script>alert('x')</script>"
    b"<title>Arrests in Lima</title></head><body><div><p>" + ARTICLE.encode()
    + b"<p>Unclosed <b>bold<div>and more text about the arrests in Callao port",
    "furniture.txt": b"Home\nNews\nSports\nLogin\nSubscribe\nShare on Facebook\nTwitter\n"
    b"Privacy Policy\nCookies\n(c) 2016 Example Media\n",
    "quotes.txt": (ARTICLE + "\n\n“We will not stop until the port is clean,” said Ana Torres, "
                   "the minister. “Never.\n\nShe left the press conference early. \"Odd ” marks "
                   "« here, and the talks with the port workers resumed on Tuesday.").encode(),
    "references.txt": b"References\n\n1. ^ \"Coca report\". UNODC. 2014. Retrieved 2015-01-02.\n"
    b"2. ^ Smith, J. (2012). Drugs. Lima Press.\n",
    "São Paulo report é.txt": ARTICLE.replace("Lima", "São Paulo").encode(),
    "twin-a.txt": ARTICLE.encode(),
    "twin-b.txt": ARTICLE.encode(),
}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("hostile")
    for good in GOOD:
        shutil.copy(good, corpus / good.name)
    for name, data in HOSTILE.items():
        (corpus / name).write_bytes(data)
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "gone.txt").symlink_to(corpus / "missing-target.txt")
    out = corpus.parent / f"{corpus.name}-out"
    summary = extract_to(corpus, out)
    documents = pd.read_csv(out / "documents.csv", dtype=str, keep_default_na=False)
    return summary, documents.set_index("doc_id"), out


def status(outcome, doc_id: str) -> tuple[str, str]:
    row = outcome[1].loc[doc_id]
    return row["status"], row["error"]


@pytest.mark.parametrize(("doc_id", "reason"), [
    ("empty", "empty file"), ("whitespace", "empty file"), ("image", "binary"),
    ("document", "binary"), ("archive", "binary"), ("huge", "file too large"),
    ("furniture", "the page is only menus"), ("loop", "cannot read"), ("gone", "cannot read"),
])
def test_unusable_files_get_a_clear_error_row(outcome, doc_id, reason):
    state, error = status(outcome, doc_id)
    assert state == "error" and reason in error, error


@pytest.mark.parametrize(("doc_id", "expected"), [
    ("utf16", "Lima’s police"), ("cp1252", "Perú’s “war”"), ("latin1", "São Paulo"),
    ("mojibake", "El Perú es"), ("scripts", "smuggled 200 kilos"),
    ("São Paulo report é", "São Paulo police"), ("quotes", "We will not stop"),
])
def test_odd_but_readable_files_are_read_right(outcome, doc_id, expected):
    assert status(outcome, doc_id)[0] == "ok"
    text = (outcome[2] / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
    assert expected in text
    assert "alert(" not in text and "color:red" not in text


def test_a_reference_list_without_a_body_is_an_error_row_that_says_so(outcome):
    assert status(outcome, "references") == (
        "error", "ValueError: no article text left after cleaning: the page is only a "
        "reference list")


def test_identical_files_are_marked_and_both_kept(outcome):
    documents = outcome[1]
    assert documents.loc["twin-b", "duplicate_of"] == "twin-a"
    assert documents.loc["twin-a", "status"] == documents.loc["twin-b", "status"] == "ok"


def test_the_good_articles_beside_them_get_every_row(outcome):
    documents, out = outcome[1], outcome[2]
    sentences = pd.read_csv(out / "sentences.csv", dtype=str)
    for good in GOOD:
        assert documents.loc[good.stem, "status"] == "ok"
        assert (sentences.doc_id == good.stem).sum() > 10
    assert outcome[0].documents == len(GOOD) + len(HOSTILE) + 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file: no permission to deny")
def test_a_file_without_read_permission_is_an_error_row(tmp_path):
    (tmp_path / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "locked.txt").chmod(0)
    documents = pipeline.extract(tmp_path).documents
    assert documents.status[0] == "error" and "cannot read" in documents.error[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_cleaning_any_text_never_raises(raw):
    cleaned = clean(raw)
    assert isinstance(cleaned.text, str)


WORDS = st.sampled_from(["Peru", "Lima", "said", "the", "police", "“", "”", "\"", "[1]",
                         "on", "Monday", "2016", ".", ",", "\n\n", "Home", "Share", "Ana",
                         "Torres", "arrested", "$5", "million", "March", "30", ":", "é"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(WORDS, min_size=1, max_size=80).map(" ".join))
def test_every_offset_points_at_the_text_it_names(raw):
    result = pipeline.extract_text(raw)
    text = result.texts.get("text", "")
    for name, column in (("sentences", "text"), ("mentions", "text"), ("dates", "text"),
                         ("events", "trigger")):
        for row in result.tables()[name].itertuples():
            assert 0 <= row.start <= row.end <= len(text)
            assert text[row.start:row.end] == getattr(row, column), (name, row)
    for row in result.citations.dropna(subset=["start"]).itertuples():
        assert 0 <= row.start <= row.end <= len(text)
        if row.kind in ("quote", "statement"):
            assert text[row.start:row.end] == row.content
