"""The tables of a run as pandas DataFrames, typed by the schemas, with the cleaned texts
their offsets point into: what `pipeline.extract` returns, `to_csv` writes and `read_csv`
reads back. Jupyter shows one through the view in display.py.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from pipeline.display import show, summary
from pipeline.outfolder import hold
from pipeline.schema import PANDAS_TYPES, TABLES, Rows, Table
from pipeline.writer import FORMULA_STARTS, TableWriter


def frame(table: Table, rows: Iterable[dict]) -> pd.DataFrame:
    """A DataFrame with exactly the table's columns; empty strings become missing values."""
    df = pd.DataFrame(list(rows), columns=table.column_names)
    for column in table.columns:
        series = df[column.name].replace("", None)
        dtype = PANDAS_TYPES.get(column.type, "string")
        df[column.name] = series.astype(dtype)
    return df.reset_index(drop=True)


@dataclass
class Result:
    """The tables of one run, as pandas DataFrames, and the cleaned texts they point into.
    Jupyter shows it as a summary; `show(doc_id)` highlights one document.

    >>> result = pipeline.extract("corpus/")
    >>> result.entities, result.texts["002_159aca854b71736f"]
    """

    documents: pd.DataFrame
    sentences: pd.DataFrame
    entities: pd.DataFrame
    mentions: pd.DataFrame
    dates: pd.DataFrame
    events: pd.DataFrame
    citations: pd.DataFrame
    removed: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Rows, texts: dict[str, str]) -> Result:
        """The DataFrames of rows as `doc_rows` builds them, typed by the schemas.

        >>> Result.from_rows(empty_rows(), {})
        """
        frames = {table.name: frame(table, rows[table.name]) for table in TABLES}
        return cls(**frames, texts=texts)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in the order of `TABLES`.

        >>> {name: len(df) for name, df in result.tables().items()}
        """
        return {table.name: getattr(self, table.name) for table in TABLES}

    def to_csv(self, out_dir: str | Path, *, neutralise: bool = True, bom: bool = True,
               xlsx: bool = False) -> None:
        """Write every table as CSV, the cleaned texts under `text/`, and `datapackage.json`
        (with `xlsx`, also the workbook `tables.xlsx`).

        Files are written under temporary names and renamed at the end, so a crash never
        leaves a half-written table over a good one; the folder is locked meanwhile (`hold`).
        `neutralise`, `bom` and `xlsx`: see `TableWriter`.

        >>> result.to_csv("outputs/")
        """
        with hold(Path(out_dir)):  # no other run writes there meanwhile
            writer = TableWriter(Path(out_dir), neutralise=neutralise, bom=bom, xlsx=xlsx)
            try:
                writer.add({name: df.to_dict("records") for name, df in self.tables().items()},
                           self.texts)
                writer.commit()
            finally:
                writer.discard()

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(df)}" for name, df in self.tables().items())
        return f"Result({counts})"

    def _repr_html_(self) -> str:
        """Jupyter shows a result as its summary: documents, failures and rows per table."""
        return summary(self)

    def show(self, doc_id: str, *, jupyter: bool | None = None) -> str | None:
        """One document's cleaned text with its entities, dates and claims highlighted
        (displaCy's entity view): displayed in Jupyter, else returned as HTML.

        >>> result.show("002_159aca854b71736f")
        """
        return show(self, doc_id, jupyter)

    @classmethod
    def read_csv(cls, folder: str | Path) -> Result:
        """The tables and cleaned texts that `to_csv` or `make extract` wrote to `folder`,
        typed as `extract` types them; a formula-like cell loses the apostrophe that
        neutralised it (see `TableWriter`).

        >>> result = Result.read_csv("outputs/")
        """
        frames = {table.name: next(read_table(Path(folder), table)) for table in TABLES}
        return cls(**frames, texts=read_texts(Path(folder), frames["documents"]))


def read_texts(folder: Path, documents: pd.DataFrame) -> dict[str, str]:
    """The cleaned texts (`folder/text/`) of the documents (rows of the documents table)
    that were processed."""
    processed = documents.loc[documents["status"] == "ok", "doc_id"]
    return {doc_id: (folder / "text" / f"{doc_id}.txt").read_text(encoding="utf-8")
            for doc_id in processed}


def read_table(folder: Path, table: Table, chunk_rows: int | None = None
               ) -> Iterator[pd.DataFrame]:
    """One table that `to_csv` wrote, typed, whole or `chunk_rows` rows at a time."""
    read = functools.partial(
        pd.read_csv, folder / f"{table.name}.csv", encoding="utf-8-sig", keep_default_na=False,
        na_values=[""], true_values=["TRUE"], false_values=["FALSE"],
        dtype={c.name: PANDAS_TYPES.get(c.type, "string") for c in table.columns})
    if chunk_rows is None:
        yield _restored(read(), table)
        return
    with read(chunksize=chunk_rows) as chunks:
        for df in chunks:
            yield _restored(df, table)


def _restored(df: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Cells as they were before the writer neutralised formula-like ones (only the few
    cells that start with an apostrophe are looked at further)."""
    for column in (c.name for c in table.columns if c.type == "string"):
        quoted = df[column].str.startswith("'").fillna(False)
        if quoted.any():
            rest = df.loc[quoted, column].str[1:]
            neutralised = rest[rest.str.startswith(FORMULA_STARTS)]
            df.loc[neutralised.index, column] = neutralised
    return df
