"""Find article files and turn their bytes into text, one `Source` per file.

A file that cannot be read is not an exception for the run: it becomes a `Source` with an
`error`, so the caller can report it in `documents.csv` and go on with the others. So does
anything found in an input folder that is no article file to read: a folder that cannot be
listed, a device or a FIFO, a link that leads out of the folder.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import ftfy

SUFFIXES = (".txt", ".html", ".htm", ".md")
MAX_BYTES = 256 * 2**20  # a file this large is refused before it is read into memory
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# The first bytes of the binary formats a scraper saves by mistake under a text name.
MAGIC = (b"\x89PNG", b"%PDF", b"\x1f\x8b", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\x7fELF",
         b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf", b"RIFF", b"OggS", b"ID3", b"SQLite format 3",
         b"\xd0\xcf\x11\xe0", b"wOFF", b"wOF2", b"\x00\x00\x01\x00")
# Control bytes that text never holds (tab, newlines, form feed, vertical tab, escape and
# Ctrl-Z excluded: lynx, old editors and DOS tools write those into real text).
BINARY_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\v\x1a\x1b") + b"\x7f"
BINARY_SHARE = 0.05  # of the first 4 KB: more of those bytes than this is no text
ANSI_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")  # colours, cursor moves
LINE_BREAKS = re.compile(r"[\v\f]")
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0 and C1, but tab and newlines
CONTROL_NAMES = {"\x00": "NUL", "\x1a": "Ctrl-Z", "\x1b": "ESC", "\x7f": "DEL"}


@dataclass(frozen=True)
class Source:
    """One input file, decoded. `repairs` says what decoding changed in the text (control
    characters removed), for `removed.csv`."""

    doc_id: str
    path: str
    text: str
    n_bytes: int
    sha256: str
    error: str = ""
    repairs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    """A path found in the inputs; `error` when it is not to be read (why not)."""

    path: Path
    root: Path  # the input folder (or the file itself) it was found under
    error: str = ""


def find_files(paths: str | Path | Iterable[str | Path], *, exclude: Iterable[Path] = (),
               follow_links: bool = False) -> list[Found]:
    """Expand folders into their article files (recursively, hidden ones skipped), leaving
    out anything under `exclude` (the output folder). A folder that cannot be listed is
    found with its error; so is a link that leads out of its input folder, unless
    `follow_links` (which also descends into linked folders, each once). A file named
    explicitly is taken whatever its suffix; a missing path is an error.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    skipped = [_real(Path(p)) for p in exclude]
    found: list[Found] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(_walk(path, skipped, follow_links), key=lambda f: f.path)
        elif path.is_symlink() or path.exists():
            found.append(Found(path, path))
        else:
            raise FileNotFoundError(f"no such file or folder: {path}")
    return found


def _walk(root: Path, skipped: list[Path], follow_links: bool) -> Iterator[Found]:
    unlistable: list[OSError] = []
    inside, seen = _real(root), {_real(root)}
    for folder, folders, files in os.walk(root, onerror=unlistable.append,
                                          followlinks=follow_links):
        here = Path(folder)
        kept = []
        for name in folders:
            real = _real(here / name)
            if not name.startswith(".") and real not in seen and not _under(real, skipped):
                seen.add(real)
                kept.append(name)
        folders[:] = kept
        for name in files:
            path = here / name
            if name.startswith(".") or path.suffix.lower() not in SUFFIXES:
                continue
            real = _real(path)
            if _under(real, skipped):
                continue
            if path.is_symlink() and not follow_links and path.exists() \
                    and not _under(real, [inside]):
                yield Found(path, root, f"symlink leads outside the input folder (to {real}); "
                            "pass --follow-links to read it")
            else:
                yield Found(path, root)
    for error in unlistable:
        yield Found(Path(error.filename), root, f"cannot read folder: {error.strerror}")


def _real(path: Path) -> Path:
    """Where a path really leads; a link loop or a broken link resolves as far as it goes."""
    return Path(os.path.realpath(path))


def _under(path: Path, folders: list[Path]) -> bool:
    return any(path == folder or folder in path.parents for folder in folders)


def doc_ids(found: list[Found]) -> list[str]:
    """A unique id per path that depends only on the set of paths: the file name without
    its extension; where two files share that, the name with it ("x.txt", "x.html");
    where they share that too, the path inside the input folder ("2024~x.txt"); and where
    even that collides (the same path under two input folders), a digest of the path.
    Ids are file names (`text/<doc_id>.txt`): no "/"."""
    tiers = [[f.path.stem for f in found], [f.path.name for f in found],
             [f.path.relative_to(f.root).as_posix().replace("/", "~") if f.path != f.root
              else f.path.name for f in found]]
    ids = list(tiers[0])
    for tier in tiers[1:]:
        taken = Counter(ids)
        ids = [better if taken[current] > 1 else current for current, better in zip(ids, tier)]
    taken = Counter(ids)
    return [f"{current}-{hashlib.sha1(str(f.path).encode()).hexdigest()[:8]}"
            if taken[current] > 1 else current for current, f in zip(ids, found)]


def decode(data: bytes) -> tuple[str, tuple[str, ...]]:
    """Bytes to text, and what was repaired. A BOM wins, then UTF-32/16 told by where their
    NUL bytes fall, then UTF-8, cp1252 (the usual web mis-declaration) and Latin-1, which
    accepts anything; text decoded wrongly before it reached us ("PerÃº", "itâ€™s") is
    repaired by ftfy, and control characters are taken out (`strip_controls`). Raises
    ValueError for binary or empty content: a known binary format, or many control bytes."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    else:
        text = _wide_unicode(data)
        if text is None:
            head = data[:4096]
            if head.startswith(MAGIC) or (
                    len(head) - len(head.translate(None, BINARY_BYTES)) > BINARY_SHARE * len(head)):
                raise ValueError("binary file (not text)")
            for encoding in ("utf-8", "cp1252", "latin-1"):
                try:
                    text = data.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
    text = ftfy.fix_encoding(text.replace("\r\n", "\n").replace("\r", "\n"))
    text, repairs = strip_controls(text)
    if not text.strip():
        raise ValueError("empty file")
    return text, repairs


def _wide_unicode(data: bytes) -> str | None:
    """UTF-32 or UTF-16 text without a BOM, told by its NUL bytes: in Latin-script text
    every other byte (UTF-16) or three bytes in four (UTF-32) are NUL, on one side."""
    head = data[:4096]
    if len(head) < 8 or b"\x00" not in head:
        return None
    share = [head[k::4].count(0) / len(head[k::4]) for k in range(4)]
    odd, even = (share[1] + share[3]) / 2, (share[0] + share[2]) / 2
    for encoding, fits in (("utf-32-le", min(share[1:]) > 0.9), ("utf-32-be", min(share[:3]) > 0.9),
                           ("utf-16-le", odd > 0.5 and even < 0.1),
                           ("utf-16-be", even > 0.5 and odd < 0.1)):
        if fits:
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    return None


def strip_controls(text: str, *, keep_offsets: bool = False) -> tuple[str, tuple[str, ...]]:
    """Text without terminal escape sequences (a lynx dump's bold and colours) and control
    characters, which no CSV cell or spreadsheet should hold; vertical tab and form feed
    become line breaks. With `keep_offsets`, each is replaced by as many spaces, so offsets
    into the given text stay right. Returns the text and what was changed, in words."""
    repairs = []
    if escapes := ANSI_ESCAPE.findall(text):
        repairs.append(f"removed {len(escapes)} terminal escape sequences")
        text = ANSI_ESCAPE.sub((lambda m: " " * len(m[0])) if keep_offsets else "", text)
    if breaks := len(LINE_BREAKS.findall(text)):
        repairs.append(f"turned {breaks} vertical tabs and form feeds into line breaks")
        text = LINE_BREAKS.sub("\n", text)
    if controls := Counter(CONTROL.findall(text)):
        names = ", ".join(f"{n} {CONTROL_NAMES.get(c, f'U+{ord(c):04X}')}"
                          for c, n in sorted(controls.items()))
        repairs.append(f"removed {sum(controls.values())} control characters ({names})")
        text = CONTROL.sub(" " if keep_offsets else "", text)
    return text, tuple(repairs)


def read_sources(paths: str | Path | Iterable[str | Path], *, exclude: Iterable[Path] = (),
                 follow_links: bool = False) -> Iterator[Source]:
    """Each article file found (`find_files`) as a `Source`, with its `doc_ids` id."""
    return read_found(find_files(paths, exclude=exclude, follow_links=follow_links))


def read_found(found: list[Found]) -> Iterator[Source]:
    """Each file of a `find_files` listing as a `Source`, with its `doc_ids` id."""
    for item, doc_id in zip(found, doc_ids(found)):
        if item.error:
            yield Source(doc_id, item.path.as_posix(), "", 0, "", item.error)
        else:
            yield read_source(item.path, doc_id)


def read_source(path: Path, doc_id: str) -> Source:
    """Read and decode one file; failures become the Source's `error`. Only a regular file
    is read: a device (a link to /dev/zero) would never end, a FIFO would wait forever."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        return Source(doc_id, path.as_posix(), "", 0, "", f"cannot read file: {error.strerror}")
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            problem = "not a regular file (a device, FIFO or socket)"
        elif info.st_size > MAX_BYTES:
            problem = f"file too large: {info.st_size:,} bytes, above the {MAX_BYTES:,} read"
        else:
            problem = ""
            with os.fdopen(descriptor, "rb") as handle:
                descriptor = -1
                data = handle.read()
    except OSError as error:
        problem = f"cannot read file: {error.strerror}"
    finally:
        if descriptor >= 0:
            os.close(descriptor)
    if problem:
        return Source(doc_id, path.as_posix(), "", 0, "", problem)
    digest = hashlib.sha256(data).hexdigest()
    try:
        text, repairs = decode(data)
    except ValueError as error:
        return Source(doc_id, path.as_posix(), "", len(data), digest, str(error))
    return Source(doc_id, path.as_posix(), text, len(data), digest, repairs=repairs)
