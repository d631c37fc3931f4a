"""Find article files and turn their bytes into text, one `Source` per file.

A file that cannot be read is not an exception for the run: it becomes a `Source` with an
`error`, so the caller can report it in `documents.csv` and go on with the others.
"""
from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ftfy

SUFFIXES = (".txt", ".html", ".htm", ".md")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in text (tab, newlines and form feed excluded).
BINARY_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f") + b"\x7f"


@dataclass(frozen=True)
class Source:
    """One input file, decoded."""

    doc_id: str
    path: str
    text: str
    n_bytes: int
    sha256: str
    error: str = ""


def find_files(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    """Expand folders into their article files (recursively, hidden ones skipped).

    A file named explicitly is taken whatever its suffix; a missing path is an error.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            # a link that leads nowhere (or to itself) is kept, to be reported as unreadable
            found += sorted(
                p
                for p in path.rglob("*")
                if (p.is_file() or p.is_symlink() and not p.is_dir())
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file() or path.is_symlink():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return found


def decode(data: bytes) -> str:
    """Bytes to text: a BOM wins, then UTF-8, then cp1252 (the usual web mis-declaration),
    then Latin-1, which accepts anything; text decoded wrongly before it reached us
    ("PerÃº", "itâ€™s") is repaired by ftfy. Raises ValueError for binary or empty content."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    else:
        head = data[:4096]
        if len(head.translate(None, BINARY_BYTES)) < len(head):  # holds a control byte
            raise ValueError("binary file (not text)")
        for encoding in ("utf-8", "cp1252", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    text = ftfy.fix_encoding(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise ValueError("empty file")
    return text


def read_sources(paths: str | Path | Iterable[str | Path]) -> Iterator[Source]:
    """Each article file as a `Source`; `doc_id` is the file name without extension,
    with `-2`, `-3`, ... added when two files share a name."""
    seen: dict[str, int] = {}
    for path in find_files(paths):
        doc_id = path.stem
        seen[doc_id] = seen.get(doc_id, 0) + 1
        if seen[doc_id] > 1:
            doc_id = f"{doc_id}-{seen[doc_id]}"
        yield read_source(path, doc_id)


def read_source(path: Path, doc_id: str) -> Source:
    """Read and decode one file; failures become the Source's `error`."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return Source(doc_id, path.as_posix(), "", 0, "", f"cannot read file: {error.strerror}")
    digest = hashlib.sha256(data).hexdigest()
    try:
        text = decode(data)
    except ValueError as error:
        return Source(doc_id, path.as_posix(), "", len(data), digest, str(error))
    return Source(doc_id, path.as_posix(), text, len(data), digest)
