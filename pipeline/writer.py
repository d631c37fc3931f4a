"""The CSV writer: rows appended batch by batch to staged files, renamed over the previous
tables at the end, with the cleaned texts, `datapackage.json` and (on request) the
workbook; formatting follows RFC 4180 and what spreadsheets need (see `TableWriter`).
"""
from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.consolidate import ID_COLUMNS, CorpusLabels
from pipeline.outfolder import STAGING_PREFIX, WriteFailed
from pipeline.schema import TABLE_BY_NAME, TABLES, Rows, Table, cell_text, datapackage, missing
from pipeline.workbook import WORKBOOK, write_workbook

# OWASP's CSV injection guidance: a cell starting with one of these may run as a formula
# in a spreadsheet, so it is written with a leading apostrophe (shown as text, not run).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FIRST_FIELD = re.compile(r'"((?:[^"]|"")*)"')  # a row's doc_id: text, so always quoted


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
    OSError while the tables are staged (a full disk) is `WriteFailed`. At `commit()`,
    the entity ids take the corpus vote's labels (`CorpusLabels`), in place in the staged
    files, which are then read once more.
    """

    def __init__(self, out: Path, *, neutralise: bool = True, bom: bool = True,
                 xlsx: bool = False) -> None:
        self.out, self.neutralise, self.xlsx = out, neutralise, xlsx
        out.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(dir=out, prefix=STAGING_PREFIX))
        self.counts = {table.name: 0 for table in TABLES}
        self.files = {}
        self.texts: set[str] = set()  # the text files of this run's documents
        self.labels = CorpusLabels()
        with self._writing():
            (self.staging / "text").mkdir()
            for table in TABLES:
                handle = (self.staging / f"{table.name}.csv").open("w", encoding="utf-8",
                                                                    newline="")
                self.files[table.name] = handle
                handle.write(("\ufeff" if bom else "") + ",".join(table.column_names) + "\n")

    def add(self, rows: Rows, texts: dict[str, str]) -> None:
        self.labels.add(rows.get("entities", ()))
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
            if self.labels.winners():
                changed = self.labels.changed_documents()
                for name in ID_COLUMNS:
                    self._relabel(TABLE_BY_NAME[name], changed)
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

    def _relabel(self, table: Table, changed: set[str]) -> None:
        """Rewrite a staged table with the corpus vote's entity ids; every other field is
        written back as it was, and the rows of a document not `changed` are copied."""
        path = self.staging / f"{table.name}.csv"
        relabelled = path.with_suffix(".relabelled")
        types = [c.type for c in table.columns]
        with path.open(encoding="utf-8", newline="") as old, \
                relabelled.open("w", encoding="utf-8", newline="") as new:
            new.write(old.readline())  # the header, with its byte order mark
            for record in _records(old):
                written = FIRST_FIELD.match(record)[1].replace('""', '"')  # doc_id, quoted
                doc_id = _unneutralised(written) if self.neutralise else written
                if doc_id not in changed:
                    new.write(record)
                    continue
                (cells,) = csv.reader([record])
                row = dict(zip(table.column_names, cells)) | {"doc_id": doc_id}
                row = self.labels.relabel(table.name, row) | {"doc_id": written}
                new.write(",".join(_quoted(text) if text and kind == "string" else _field(text)
                                   for text, kind in zip(row.values(), types)) + "\n")
        os.replace(relabelled, path)

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


def _records(lines: Iterable[str]) -> Iterator[str]:
    """The CSV records of the lines, each with its line end: a record goes on while a
    quoted field is open (an odd number of quote marks so far)."""
    record, quotes = "", 0
    for line in lines:
        record, quotes = record + line, quotes + line.count('"')
        if quotes % 2 == 0:
            yield record
            record, quotes = "", 0


def _unneutralised(text: str) -> str:
    """A cell's text as it was before its formula start was neutralised (`_formatter`)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def _holds(path: Path, text: str) -> bool:
    try:
        return path.read_text(encoding="utf-8") == text
    except OSError:
        return False


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _field(text: str) -> str:
    """A number or date cell, quoted only if it holds what would break the row."""
    return _quoted(text) if any(c in text for c in ',"\r\n') else text


def _formatter(column_type: str, neutralise: bool) -> Callable[[object], str]:
    """How a column's values become CSV fields (RFC 4180): empty for missing, TRUE/FALSE
    for booleans, text always quoted (see `TableWriter`), formula-like text neutralised."""
    if column_type == "boolean":
        return lambda value: "" if missing(value) else "TRUE" if value else "FALSE"
    if column_type == "integer":
        return lambda value: str(value) if type(value) is int else (
            "" if missing(value) else str(int(value)))
    if column_type == "string":
        def string(value: object) -> str:  # most cells: two calls each
            text = value if type(value) is str else cell_text(value)
            if not text:
                return ""
            if neutralise and text.startswith(FORMULA_STARTS):
                text = "'" + text
            return _quoted(text)
        return string
    return lambda value: _field(cell_text(value))


