"""The tables as spreadsheet users get them: every CSV opened in a real LibreOffice Calc
(headless, read back with openpyxl), datapackage.json checked by the real frictionless
validator, and the `--format xlsx` workbook, on the two sample articles and a crafted one
with accents, curly quotes, a decade, digit-only text and a formula."""
from __future__ import annotations

import csv
import dataclasses
import json
import shutil
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from pipeline import schema, workbook
from pipeline.schema import TABLES
from pipeline.workbook import WORKBOOK, XLSX_CUT, XLSX_MAX_CHARS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CRAFTED_ID = "000123"  # a doc_id that is digits with a leading zero
CRAFTED = (
    "Coffee growers near Cusco count the cost of a “historic” drought\n\n"
    "José Pérez, the mayor of Quillabamba, said on 12 March 2015 that the harvest had fallen "
    "to its lowest level since the 1990s.\n\n"
    "“We have never seen anything like this,” Pérez told reporters in Cusco. María Núñez said "
    "exports fell by half in 2014; prices fell too.\n\n"
    '=HYPERLINK("http://example.com/claim") was posted under the report by a reader.\n\n'
    "The cooperative sold 2012 sacks of coffee to Lima in 2013.\n"
)
SEMICOLON = "María Núñez said exports fell by half in 2014; prices fell too."
QUOTE = "“We have never seen anything like this,” Pérez told reporters in Cusco."
FORMULA = "'=HYPERLINK(\"http://example.com/claim\") was posted under the report by a reader."

# LibreOffice's CSV filter options (its help page "CSV Filter Options"), token by token:
# separators (character codes), text delimiter ("), character set (76: UTF-8, which the
# dialog detects from the byte order mark), first line, column formats (none: Standard),
# language (0: the user's; 1033: English (USA)), "Format quoted field as text", "Detect
# special numbers", three export-only tokens, "Evaluate formulas". Every token is spelled
# out: 7.4 evaluates formulas when the last one is left out, whatever its help says.
# What the Text Import dialog of a fresh profile proposes (Calc.xcs, Dialogs/CSVImport):
# comma, semicolon and tab, nothing ticked.
DEFAULT_IMPORT = "CSV:44/59/9,34,76,1,,0,false,false,false,false,false,false,false"
# What the README asks for: comma, English (USA), "Format quoted field as text" and
# "Detect special numbers" ticked.
ADVISED_IMPORT = "CSV:44,34,76,1,,1033,true,true,false,false,false,false,false"


def extract(out: Path, *options: str) -> Path:
    """`python -m pipeline extract` over corpus/ and the crafted article, as users run it."""
    article = out.parent / f"{out.name}-in" / f"{CRAFTED_ID}.txt"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(CRAFTED, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pipeline", "extract", str(CORPUS), str(article),
         "--out", str(out), "--quiet", *options],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    return extract(tmp_path_factory.mktemp("spreadsheets") / "out", "--format", "xlsx")


@pytest.fixture(scope="module")
def calc(tmp_path_factory):
    """`convert(files, out, infilter)`: each file saved as xlsx by headless LibreOffice, all
    in one call (it starts slowly), with a profile of its own (a user's profile or a running
    LibreOffice would get in the way)."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; .ci/run installs "
                    "libreoffice-calc-nogui")
    profile = tmp_path_factory.mktemp("libreoffice-profile").as_uri()

    def convert(files: list[Path], out: Path, infilter: str | None = None) -> dict[str, Path]:
        command = [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore"]
        command += [f"--infilter={infilter}"] if infilter else []
        done = subprocess.run([*command, "--convert-to", "xlsx", "--outdir", str(out),
                               *map(str, files)],
                              capture_output=True, text=True, timeout=300, check=False)
        converted = {f.stem: out / f"{f.stem}.xlsx" for f in files}
        assert all(p.exists() for p in converted.values()), done.stdout + done.stderr
        return converted

    return convert


def csv_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def meant(table: schema.Table, text: str, column: int):
    """What a CSV cell means by the schema: (kind, value), None when empty."""
    kind = table.columns[column].type
    if text == "":
        return None
    if kind in ("integer", "number"):
        return "number", float(text)
    if kind == "boolean":
        return "boolean", text == "TRUE"
    if kind == "date":
        return "date", date.fromisoformat(text)
    return "text", text


def got(value):
    """What a spreadsheet cell holds, in the same terms as `meant`."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean", value
    if isinstance(value, int | float):
        return "number", float(value)
    if isinstance(value, datetime):
        return "date", value.date()
    return "text", value


def sheet_rows(sheet) -> list[tuple]:
    return [tuple(got(v) for v in row) for row in sheet.iter_rows(values_only=True)]


def expected_rows(table: schema.Table, rows: list[list[str]]) -> list[tuple]:
    header = [("text", name) for name in rows[0]]
    return [tuple(header)] + [tuple(meant(table, t, i) for i, t in enumerate(row))
                              for row in rows[1:]]


def test_the_crafted_article_gives_the_cells_a_spreadsheet_gets_wrong(written):
    sentences = {row[4] for row in csv_rows(written / "sentences.csv")}
    assert SEMICOLON in sentences and FORMULA in sentences
    dates = [row for row in csv_rows(written / "dates.csv") if row[0] == CRAFTED_ID]
    assert {(row[5], row[7]) for row in dates} >= {("the 1990s", "199X"), ("2014", "2014")}
    names = {row[2] for row in csv_rows(written / "entities.csv")}
    assert {"José Pérez", "María Núñez"} <= names
    text = (written / "sentences.csv").read_text(encoding="utf-8")
    assert f'\n"{CRAFTED_ID}",' in text  # every text cell is quoted, ids too


def test_libreoffice_with_the_advised_import_keeps_every_cell_as_the_schema_types_it(
        written, calc, tmp_path):
    files = [written / f"{table.name}.csv" for table in TABLES]
    sheets = calc(files, tmp_path, ADVISED_IMPORT)
    for table in TABLES:
        workbook = openpyxl.load_workbook(sheets[table.name])
        actual = sheet_rows(workbook.active)
        expected = expected_rows(table, csv_rows(written / f"{table.name}.csv"))
        assert len(actual) == len(expected) and len(actual[0]) == len(table.columns)
        wrong = [(a, e) for a, e in zip(actual, expected) if a != e]
        assert not wrong, (table.name, wrong[:2])
        formulas = [c.coordinate for row in workbook.active.iter_rows() for c in row
                    if c.data_type == "f"]
        assert not formulas, (table.name, formulas)
    documents = openpyxl.load_workbook(sheets["documents"]).active
    assert [row[0] for row in documents.iter_rows(values_only=True)][1:] == [
        "000_37982e361877194f", "002_159aca854b71736f", CRAFTED_ID]


def test_libreoffice_with_its_default_import_keeps_rows_accents_and_quotes_but_not_digit_text(
        written, calc, tmp_path):
    files = [written / f"{table.name}.csv" for table in TABLES]
    sheets = calc(files, tmp_path, DEFAULT_IMPORT)
    cells = {}
    for table in TABLES:
        sheet = openpyxl.load_workbook(sheets[table.name]).active
        rows = list(sheet.iter_rows(values_only=True))
        written_rows = csv_rows(written / f"{table.name}.csv")
        assert (len(rows), len(rows[0])) == (len(written_rows), len(table.columns)), table.name
        assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]
        cells[table.name] = rows
    sentences = {row[4] for row in cells["sentences"]}
    assert SEMICOLON in sentences  # quoted, so the semicolon separator cannot split it
    assert FORMULA in sentences  # shown, not run
    assert {"José Pérez", "María Núñez"} <= {row[2] for row in cells["entities"]}
    assert QUOTE in sentences
    assert "the 1990s" in {row[5] for row in cells["dates"]}
    # Why the README asks for "Format quoted field as text": by default digits are a number.
    assert 123 in {row[0] for row in cells["documents"]}
    assert 2014 in {row[5] for row in cells["dates"]}


def frictionless(path: Path) -> dict:
    done = subprocess.run([sys.executable, "-m", "frictionless", "validate", "--json",
                           str(path)], capture_output=True, text=True, timeout=300, check=False)
    return json.loads(done.stdout)


def errors(report: dict) -> list[tuple[str, str, str]]:
    return [(task["name"], error["type"], error["note"])
            for task in report["tasks"] for error in task["errors"]]


@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_datapackage_passes_frictionless_validate(written, tmp_path, bom):
    out = written if bom else extract(tmp_path / "out", "--no-bom")
    assert (out / "documents.csv").read_bytes().startswith(b"\xef\xbb\xbf" if bom else b"doc_id")
    report = frictionless(out / "datapackage.json")
    assert report["valid"], errors(report)[:5]
    rows = {task["name"]: task["stats"]["rows"] for task in report["tasks"]}
    assert rows == {t.name: len(csv_rows(out / f"{t.name}.csv")) - 1 for t in TABLES}
    assert rows["documents"] == 3


def test_frictionless_catches_a_broken_key_in_the_tables(written, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(written, broken)
    mentions = broken / "mentions.csv"
    mentions.write_text(mentions.read_text(encoding="utf-8").replace(
        '"person/jose-perez"', '"person/nobody"', 1), encoding="utf-8")
    with (broken / "sentences.csv").open("a", encoding="utf-8") as handle:
        handle.write((broken / "sentences.csv").read_text(encoding="utf-8").splitlines()[-1])
    found = {(name, kind) for name, kind, _ in errors(frictionless(broken / "datapackage.json"))}
    assert found == {("mentions", "foreign-key"), ("sentences", "primary-key")}


def test_datapackage_declares_key_fields_required_and_only_foreign_keys_it_can_check(written):
    package = json.loads((written / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert {r["encoding"] for r in resources.values()} == {"utf-8"}
    events = resources["events"]["schema"]
    assert [key["reference"]["resource"] for key in events["foreignKeys"]] == [
        "documents", "sentences"]  # its date and entity references may be empty
    required = {f["name"] for f in events["fields"] if f.get("constraints", {}).get("required")}
    assert required == {"doc_id", "event_id", "sentence_id"}


def test_the_workbook_has_a_typed_sheet_per_table_with_a_frozen_bold_header(written):
    workbook = openpyxl.load_workbook(written / WORKBOOK)
    assert workbook.sheetnames == [table.name for table in TABLES]
    for table in TABLES:
        sheet = workbook[table.name]
        assert sheet.freeze_panes == "A2"
        assert all(cell.font.b for cell in sheet[1])
        expected = expected_rows(table, csv_rows(written / f"{table.name}.csv"))
        assert sheet_rows(sheet) == expected, table.name
    documents = workbook["documents"]
    assert documents["A4"].value == CRAFTED_ID and documents["A4"].data_type == "s"
    assert documents.column_dimensions["A"].width == len("000_37982e361877194f") + 2
    assert workbook["sentences"].column_dimensions["E"].width == 62  # text: at most 60


def test_libreoffice_reads_the_workbook_as_written(written, calc, tmp_path):
    resaved = calc([written / WORKBOOK], tmp_path)["tables"]
    values = openpyxl.load_workbook(resaved, data_only=True)
    workbook = openpyxl.load_workbook(written / WORKBOOK)
    assert values.sheetnames == workbook.sheetnames
    for name in workbook.sheetnames:
        assert sheet_rows(values[name]) == sheet_rows(workbook[name]), name
    formulas = {c.value for sheet in openpyxl.load_workbook(resaved) for row in sheet.iter_rows()
                for c in row if c.data_type == "f"}
    assert formulas == {"=TRUE()", "=FALSE()"}  # how LibreOffice keeps a boolean cell


def test_the_workbook_cuts_a_cell_past_excels_limit_and_goes_on_in_more_sheets(
        corpus_result, tmp_path, monkeypatch):
    sentences = corpus_result.sentences.copy()
    sentences.loc[0, "text"] = "=" + "coca " * 8000  # 40,001 characters, formula-like
    dates = corpus_result.dates.copy()
    dates.loc[0, "date_start"] = "1850-06-01"  # before Excel's calendar
    result = dataclasses.replace(corpus_result, sentences=sentences, dates=dates)
    monkeypatch.setattr(workbook, "XLSX_MAX_ROWS", 10)
    result.to_csv(tmp_path, xlsx=True, neutralise=False)

    book = openpyxl.load_workbook(tmp_path / WORKBOOK)
    cut = book["sentences"]["E2"]
    assert len(cut.value) == XLSX_MAX_CHARS and cut.value.endswith(XLSX_CUT.format(40_001))
    assert cut.data_type == "s" and cut.value.startswith("=coca coca")
    assert len(csv_rows(tmp_path / "sentences.csv")[1][4]) == 40_001  # the CSV keeps it all
    assert book["dates"]["I2"].value == "1850-06-01"
    assert isinstance(book["dates"]["I3"].value, datetime)
    parts = [name for name in book.sheetnames if name.startswith("mentions")]
    assert parts == ["mentions"] + [f"mentions ({n})" for n in range(2, len(parts) + 1)]
    rows = [row for name in parts for row in book[name].iter_rows(values_only=True)]
    assert len(rows) == len(corpus_result.mentions) + len(parts)  # each part has the header
    assert all(book[name].max_row <= 10 for name in parts) and len(parts) > 2


def test_a_run_without_the_workbook_removes_an_older_one_and_the_cache_rebuilds_it(tmp_path):
    out = extract(tmp_path / "out", "--format", "xlsx")
    (out / WORKBOOK).unlink()
    extract(out, "--format", "xlsx")  # nothing else changed: only the workbook is missing
    assert (out / WORKBOOK).exists()
    extract(out)
    assert not (out / WORKBOOK).exists()
