"""`--format xlsx`: the tables as one Excel workbook, a sheet a table, for spreadsheet users
who should not need an import dialog. Built from the committed CSVs (the data package stays
the source of truth)."""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from itertools import islice
from pathlib import Path

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

WORKBOOK = "tables.xlsx"
XLSX_MAX_ROWS = 1_048_576  # Excel's rows a sheet, the header's included
XLSX_MAX_CHARS = 32_767  # Excel's characters a cell
XLSX_CUT = " … [truncated: {:,} characters; see the CSV]"  # ends a cut cell
CSV_FIELD_LIMIT = 2**31 - 1  # the csv module's own limit is 131,072 characters a field
# Excel's calendar starts in 1900 and counts a 29 February 1900 that never was: an earlier
# day stays ISO text.
XLSX_FIRST_DAY = date(1900, 3, 1)


def write_workbook(folder: str | Path, path: str | Path, tables: Iterable) -> None:
    """One workbook of the CSV `tables` (`pipeline.tables.TABLES`) in `folder`, a sheet a
    table: cells typed by the schema, so no import dialog can guess them wrong (ids and
    other text stay text, numbers are numbers, booleans booleans, dates dates shown as ISO
    8601), the header row bold and frozen. Streamed from the CSVs (openpyxl's write-only
    mode), so memory stays flat. Excel's limits: a table past its rows a sheet goes on in
    sheets "mentions (2)", ...; a text past its characters a cell is cut, saying so. Text
    keeps the CSV's neutralising apostrophe; with `--keep-formulas` a cell "=..." is still
    text."""
    workbook = openpyxl.Workbook(write_only=True)
    with _long_fields():
        _write_sheets(workbook, Path(folder), tables)
    workbook.save(path)


@contextmanager
def _long_fields() -> Iterator[None]:
    """Let the csv module read a cell of any length (a removed line of a minified page can
    be a megabyte), as the CSVs hold them, for as long as the workbook is built."""
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _write_sheets(workbook, folder: Path, tables: Iterable) -> None:
    per_sheet = XLSX_MAX_ROWS - 1
    for table in tables:
        source = folder / f"{table.name}.csv"
        widths = _column_widths(source)
        convert = [_XLSX_VALUES.get(c.type, _xlsx_text) for c in table.columns]
        with source.open(encoding="utf-8-sig", newline="") as handle:
            rows = csv.reader(handle)
            next(rows)  # the header, which _sheet writes
            sheet = _sheet(workbook, table.name, table.column_names, widths)
            for number, row in enumerate(rows):
                if number and number % per_sheet == 0:
                    name = f"{table.name} ({number // per_sheet + 1})"
                    sheet = _sheet(workbook, name, table.column_names, widths)
                values = [to(text) for to, text in zip(convert, row)]
                sheet.append([_text_cell(sheet, v) if isinstance(v, str) and v[:1] == "="
                              else v for v in values])  # openpyxl would make it a formula


def _sheet(workbook, name: str, header: list[str], widths: list[int]):
    sheet = workbook.create_sheet(name)
    sheet.freeze_panes = "A2"
    for number, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    bold = [WriteOnlyCell(sheet, label) for label in header]
    for cell in bold:
        cell.font = Font(bold=True)
    sheet.append(bold)
    return sheet


def _text_cell(sheet, text: str):
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"
    return cell


def _column_widths(path: Path, sample: int = 1000) -> list[int]:
    """Each column as wide as its header or the longest of its first cells, within 8 to 60
    characters (a longer text shows cut off on screen, whole in the cell)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(islice(csv.reader(handle), sample + 1))
    return [min(60, max(8, *(len(row[i]) for row in rows))) + 2 for i in range(len(rows[0]))]


def _xlsx_text(text: str) -> str | None:
    text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", text)  # control characters XML cannot hold
    if len(text) > XLSX_MAX_CHARS:
        cut = XLSX_CUT.format(len(text))
        return text[:XLSX_MAX_CHARS - len(cut)] + cut
    return text or None


def _xlsx_date(text: str) -> date | str | None:
    """A date cell, or the text for a day before Excel's calendar (or for no day)."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return _xlsx_text(text)
    return day if day >= XLSX_FIRST_DAY else text


_XLSX_VALUES: dict[str, Callable[[str], object]] = {
    "integer": lambda text: int(text) if text else None,
    "number": lambda text: float(text) if text else None,
    "boolean": lambda text: text == "TRUE" if text else None,
    "date": _xlsx_date,
}
