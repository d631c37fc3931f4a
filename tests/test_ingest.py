"""Decoding and file discovery: every file becomes a Source, readable or with an error."""
from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from pipeline.ingest import decode, doc_ids, find_files, read_sources, strip_controls

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
    assert decode(data) == (TEXT, ())


def test_decode_falls_back_to_latin1_and_takes_out_the_control_it_gives():
    assert decode(b"caf\xe9 \x81 bar") == ("café  bar", ("removed 1 control characters "
                                                          "(1 U+0081)",))


def test_decode_normalises_line_ends():
    assert decode(b"one\r\ntwo\rthree") == ("one\ntwo\nthree", ())


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

    assert [s.doc_id for s in sources] == ["a", "b.txt", "broken", "b.md"]
    assert sources[1].text == "An article." and not sources[1].error
    assert sources[2].error == "binary file (not text)" and sources[2].text == ""
    assert len(sources[1].sha256) == 64


def test_find_files_takes_named_files_and_rejects_missing_paths(tmp_path):
    named = tmp_path / "article.data"
    named.write_text("text", encoding="utf-8")
    assert [found.path for found in find_files([named])] == [named]
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        find_files(tmp_path / "missing")


# --- ids ---------------------------------------------------------------------------------


def test_ids_are_unique_and_never_take_another_files_name(tmp_path):
    """x.txt, x.html and a real x-2.txt: no id is given twice, none is another's."""
    for name in ("x.txt", "x.html", "x-2.txt", "2024/x.txt", "2025/x.txt", "x.txt.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(f"An article called {name}.", encoding="utf-8")
    ids = {Path(s.path).relative_to(tmp_path).as_posix(): s.doc_id
           for s in read_sources(tmp_path)}
    assert len(set(ids.values())) == len(ids) == 6
    assert ids["x-2.txt"] == "x-2" and ids["x.html"] == "x.html"
    assert ids["2024/x.txt"] == "2024~x.txt" and ids["2025/x.txt"] == "2025~x.txt"
    assert all("/" not in doc_id for doc_id in ids.values())


def test_an_id_depends_on_the_files_not_on_their_order(tmp_path):
    for name in ("b.txt", "a.txt", "a.html"):
        (tmp_path / name).write_text("Text.", encoding="utf-8")
    found = find_files(tmp_path)
    forward = dict(zip([f.path for f in found], doc_ids(found)))
    backward = dict(zip([f.path for f in found[::-1]], doc_ids(found[::-1])))
    assert forward == backward and forward[tmp_path / "b.txt"] == "b"


def test_the_same_path_under_two_input_folders_gets_two_ids(tmp_path):
    for folder in ("one", "two"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.txt").write_text("Text.", encoding="utf-8")
    ids = [s.doc_id for s in read_sources([tmp_path / "one", tmp_path / "two"])]
    assert len(set(ids)) == 2 and all(i.startswith("x.txt-") for i in ids)


# --- decoding ----------------------------------------------------------------------------

ARTICLE = "Police in Lima arrested two men on Monday, the Interior Ministry said.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_bom_are_read(encoding):
    assert decode(ARTICLE.encode(encoding)) == (ARTICLE, ())


@pytest.mark.parametrize(("data", "text", "repair"), [
    (b"Police \x00arrested two men.", "Police arrested two men.", "1 NUL"),
    (b"First line.\vSecond line.", "First line.\nSecond line.", "vertical tabs"),
    (b"Police arrested two men.\x1a", "Police arrested two men.", "1 Ctrl-Z"),
    (b"\x1b[1mPeru\x1b[0m police arrested two men.", "Peru police arrested two men.",
     "2 terminal escape sequences"),
])
def test_one_control_character_is_taken_out_and_said_not_a_binary_file(data, text, repair):
    decoded, repairs = decode(data)
    assert decoded == text and repair in " ".join(repairs)


def test_a_nul_far_into_a_file_is_taken_out_too():
    decoded, repairs = decode(ARTICLE.encode() * 500 + b"\x00" + ARTICLE.encode())
    assert "\x00" not in decoded and repairs


@pytest.mark.parametrize("data", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\nendobj", b"PK\x03\x04\x14\x00\x00\x00",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00", bytes(range(256)) * 4,
])
def test_real_binary_files_are_still_binary(data):
    with pytest.raises(ValueError, match="binary"):
        decode(data)


def test_text_given_as_is_keeps_its_offsets():
    text, repairs = strip_controls("a\x00b\x1b[1mc", keep_offsets=True)
    assert text == "a b    c" and len(repairs) == 2


# --- what is found -------------------------------------------------------------------------


def test_devices_and_fifos_are_error_rows_read_without_waiting(tmp_path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    sources = {s.doc_id: s for s in read_sources(tmp_path, follow_links=True)}
    assert sources["zero"].error == sources["pipe"].error == (
        "not a regular file (a device, FIFO or socket)")
    assert sources["good"].text == ARTICLE


def test_a_link_out_of_the_input_folder_is_not_followed_unless_asked(tmp_path):
    outside, inside = tmp_path / "outside", tmp_path / "inside"
    outside.mkdir(), inside.mkdir()
    (outside / "secret.txt").write_text("Not for the corpus.", encoding="utf-8")
    (inside / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (inside / "secret.txt").symlink_to(outside / "secret.txt")
    (inside / "same.txt").symlink_to(inside / "article.txt")  # inside: read
    sources = {s.doc_id: s for s in read_sources(inside)}
    assert "outside the input folder" in sources["secret"].error and not sources["secret"].text
    assert sources["same"].text == ARTICLE
    assert next(s for s in read_sources(inside, follow_links=True)
                if s.doc_id == "secret").text == "Not for the corpus."


def test_a_folder_that_cannot_be_listed_is_an_error_row(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "good.txt").write_text(ARTICLE, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path):
        if isinstance(path, str | os.PathLike) and Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    sources = {s.doc_id: s for s in read_sources(tmp_path)}
    assert sources["locked"].error == "cannot read folder: Permission denied"
    assert sources["good"].text == ARTICLE


def test_an_excluded_folder_inside_the_input_is_not_read(tmp_path):
    (tmp_path / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "out" / "text").mkdir(parents=True)
    (tmp_path / "out" / "text" / "article.txt").write_text(ARTICLE, encoding="utf-8")
    assert [s.doc_id for s in read_sources(tmp_path, exclude=[tmp_path / "out"])] == ["article"]
