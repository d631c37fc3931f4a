"""Decoding and file discovery: every file becomes a Source, readable or with an error."""
from __future__ import annotations

import codecs

import pytest

from pipeline.ingest import decode, find_files, read_sources

TEXT = "Café «Perú» – “quoted” article\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        TEXT.encode("cp1252"),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16 with BOM", "cp1252"],
)
def test_decode_recovers_the_text(data):
    assert decode(data) == TEXT


def test_decode_falls_back_to_latin1_for_bytes_cp1252_lacks():
    assert decode(b"caf\xe9 \x81 bar") == "café \x81 bar"


def test_decode_normalises_line_ends():
    assert decode(b"one\r\ntwo\rthree") == "one\ntwo\nthree"


@pytest.mark.parametrize(
    "data, message",
    [(b"", "empty"), (b" \n\t\n", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary")],
)
def test_decode_rejects_empty_and_binary(data, message):
    with pytest.raises(ValueError, match=message):
        decode(data)


def test_read_sources_ids_errors_and_order(tmp_path):
    (tmp_path / "b.txt").write_text("An article.", encoding="utf-8")
    (tmp_path / "a.html").write_text("<p>A page.</p>", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("Same name, other folder.", encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "notes.csv").write_text("not an article", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("skipped", encoding="utf-8")

    sources = list(read_sources(tmp_path))

    assert [s.doc_id for s in sources] == ["a", "b", "broken", "b-2"]
    assert sources[1].text == "An article." and not sources[1].error
    assert sources[2].error == "binary file (not text)" and sources[2].text == ""
    assert len(sources[1].sha256) == 64


def test_find_files_takes_named_files_and_rejects_missing_paths(tmp_path):
    named = tmp_path / "article.data"
    named.write_text("text", encoding="utf-8")
    assert find_files([named]) == [named]
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        find_files(tmp_path / "missing")
