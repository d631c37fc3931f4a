"""The report: one self-contained HTML page over a run's tables, for reading a run without
a spreadsheet. The summary (documents, failures, rows per table), a timeline of the events,
the entities found most across the corpus, then the first DOCUMENTS_SHOWN documents, folded,
with their cleaned text highlighted as `Result.show` highlights it and their citations
listed. The tables are read a chunk at a time and only what the page shows is kept
(`Overview`), so drawing the page of a run of any size takes the memory of a thousand
documents. Nothing is fetched from the network (the style is inline, the chart a PNG inside
the page) and every piece of article text is escaped.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline import display, schema
from pipeline import result as result_module
from pipeline.cache import files_digest
from pipeline.display import escaped, highlight, summary_of
from pipeline.result import Result, frame, read_table, read_texts
from pipeline.schema import TABLES, Table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

REPORT_FILE = "report.html"  # in the output folder
TOP_ENTITIES = 15
DOCUMENTS_SHOWN = 1000  # documents drawn in full; every one is in the tables and text/
CHUNK_ROWS = 20_000  # rows of a table read at a time
MADE_FROM = '<meta name="made-from" content="{}">'  # what the page shows, as a digest
PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{meta}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Extraction report</title>
<style>{style}</style></head>
<body><h1>Extraction report</h1>
<nav><a href="#summary">Summary</a> <a href="#timeline">Timeline</a>
<a href="#entities">Top entities</a> <a href="#documents">Documents</a></nav>
{body}</body></html>
"""
STYLE = """
body { font: 15px/1.5 system-ui, sans-serif; color: #222; max-width: 1200px;
  margin: 0 auto; padding: 1em 2em 4em; }
h1 { margin-bottom: 0.2em; } nav a { margin-right: 1em; }
h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { text-align: left; vertical-align: top; padding: 0.2em 0.8em 0.2em 0; }
th { border-bottom: 1px solid #ccc; } td.n { text-align: right; }
.summary table { display: inline-table; margin-right: 3em; }
.bar { display: inline-block; height: 0.8em; background: #7aa6d8; margin-right: 0.4em; }
.muted, summary .counts { color: #777; }
details { border: 1px solid #ddd; border-radius: 4px; margin: 0.4em 0; }
summary { cursor: pointer; padding: 0.4em 0.7em; background: #f6f6f6; }
details > div { padding: 0 1em 0.5em; }
.error { color: #b00020; } .legend mark { margin-right: 0.5em; }
img { max-width: 100%; }
.overview { display: grid; grid-template-columns: minmax(0, 1.3fr) minmax(0, 1fr);
  column-gap: 2.5em; }
@media (max-width: 900px) { .overview { grid-template-columns: minmax(0, 1fr); } }
td.bars { white-space: nowrap; }
""" + display.STYLE
LEGEND = ('<p class="legend news-view">' + "".join(
    f'<mark class="{label}" data-label="{label}">{example}</mark>' for label, example in
    (("PERSON", "a person"), ("ORG", "an organisation"), ("GPE", "a place"), ("DATE", "a date")))
    + '<mark class="claim">a claim worth checking</mark><mark class="claim" data-label="CLAIM">'
    '</mark> <span class="muted">(hover over a mark for its entity id, date value or claim '
    'score)</span></p>')


def write(out: str | Path) -> Path:
    """Write `out/report.html` from the tables and texts a run wrote to `out`. The page
    records a digest of them and of the code that draws it; while both are the same the
    page is left as it is, so an unchanged re-run neither redraws nor rewrites it.

    >>> write("outputs/")
    PosixPath('outputs/report.html')
    """
    out = Path(out)
    path = out / REPORT_FILE
    made_from = hashlib.sha256(files_digest(out).encode())
    # what draws the page and reads the tables
    for module in (__file__, display.__file__, result_module.__file__, schema.__file__):
        made_from.update(Path(module).read_bytes())
    meta = MADE_FROM.format(made_from.hexdigest())
    if path.is_file():
        with path.open(encoding="utf-8") as page:
            if meta in page.read(1000):
                return path
    partial = path.with_name(f".{REPORT_FILE}.partial")  # never a half-written page
    try:
        partial.write_text(draw(Overview.read(out), meta), encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)  # a full disk leaves no part of a page behind
    return path


@dataclass
class Overview:
    """What the page shows of a run, whatever its size: the rows of every table, the failed
    documents, the dated events as distinct (type, start, end) with how many share them,
    the documents and mentions of every entity, and the first `shown` documents whole."""

    counts: dict[str, int]
    failed: pd.DataFrame  # rows of the documents table
    events: int  # in all, dated or not
    dated: pd.DataFrame  # event_type, start, end, n (see `_dated`)
    entities: pd.DataFrame  # entity_id, name, label, documents, mentions (see `_counted`)
    shown: Result

    @classmethod
    def of(cls, result: Result, shown: int = DOCUMENTS_SHOWN) -> Overview:
        """The overview of a result in memory."""
        tables = result.tables()
        return cls._gathered({table: [tables[table.name]] for table in TABLES},
                             lambda documents: {d: result.texts[d] for d in documents["doc_id"]
                                                if d in result.texts}, shown)

    @classmethod
    def read(cls, folder: Path, shown: int = DOCUMENTS_SHOWN) -> Overview:
        """The overview of the tables a run wrote to `folder`, each read once, a chunk at a
        time."""
        return cls._gathered({table: read_table(folder, table, CHUNK_ROWS) for table in TABLES},
                             lambda documents: read_texts(folder, documents), shown)

    @classmethod
    def _gathered(cls, parts_of: dict[Table, Iterable[pd.DataFrame]],
                  texts_of: Callable[[pd.DataFrame], dict[str, str]], shown: int) -> Overview:
        """The overview from every table in parts, in the order of `TABLES` (the documents
        table first: it says which documents are shown); `texts_of` gives the cleaned texts
        of the shown documents' rows."""
        counts, kept, first = {}, {}, set()
        failed, dated, entities = [], [], None
        for table, parts in parts_of.items():
            counts[table.name], mine = 0, []
            for part in parts:
                counts[table.name] += len(part)
                if table.name == "documents":
                    first.update(part["doc_id"].head(shown - len(first)))
                    failed.append(part[part["status"] == "error"])
                elif table.name == "events":
                    dated.append(_dated(part))
                elif table.name == "entities":
                    counted = _counted(part)
                    entities = counted if entities is None else _merged(
                        pd.concat([entities, counted]))
                mine.append(part[part["doc_id"].isin(first)])
            kept[table.name] = pd.concat(mine, ignore_index=True) if mine else frame(table, [])
        return cls(counts, pd.concat(failed) if failed else kept["documents"].head(0),
                   counts["events"], _merged_dated(dated) if dated else _dated(kept["events"]),
                   _counted(kept["entities"]) if entities is None else entities,
                   Result(**kept, texts=texts_of(kept["documents"])))


def render(result: Result, *, meta: str = "") -> str:
    """The report page of a run, as HTML; `meta` goes into its head.

    >>> Path("report.html").write_text(render(pipeline.extract("corpus/")), encoding="utf-8")
    """
    return draw(Overview.of(result), meta)


def draw(overview: Overview, meta: str = "") -> str:
    """The report page of an overview (`Overview.of`, `Overview.read`), as HTML."""
    body = "".join([
        f'<h2 id="summary">Summary</h2>{summary_of(overview.counts, overview.failed)}',
        f'<div class="overview"><section><h2 id="timeline">Timeline</h2>'
        f"{_timeline(overview.dated, overview.events)}</section><section>"
        f'<h2 id="entities">Top entities</h2>{_entities(_top(overview.entities))}</section>'
        f'</div><h2 id="documents">Documents</h2>{_documents(overview)}',
    ])
    return PAGE.format(meta=meta, style=STYLE, body=body)


def top_entities(entities: pd.DataFrame, n: int = TOP_ENTITIES) -> pd.DataFrame:
    """The entities of the most documents, then of the most mentions, across a corpus:
    one row per entity_id with its name (as in its first document), label, documents and
    mentions.

    >>> top_entities(result.entities, 10)
    """
    return _top(_counted(entities), n)


def _counted(entities: pd.DataFrame) -> pd.DataFrame:
    """Each entity's name and label (as in its first row), documents and mentions."""
    return entities.groupby("entity_id", as_index=False, sort=False).agg(
        name=("name", "first"), label=("label", "first"),
        documents=("doc_id", "nunique"), mentions=("n_mentions", "sum"))


def _merged(counted: pd.DataFrame) -> pd.DataFrame:
    """`_counted` of parts of the entities table, added up (a document's entity is one row,
    so no document is counted in two parts)."""
    return counted.groupby("entity_id", as_index=False, sort=False).agg(
        name=("name", "first"), label=("label", "first"),
        documents=("documents", "sum"), mentions=("mentions", "sum"))


def _top(counted: pd.DataFrame, n: int = TOP_ENTITIES) -> pd.DataFrame:
    return counted.sort_values(["documents", "mentions", "entity_id"],
                               ascending=[False, False, True]).head(n).reset_index(drop=True)


def timeline(events: pd.DataFrame) -> Figure | None:
    """A chart of the dated events that the text does not deny: one row per event type,
    each event a dot at the middle of its date over a bar of the days the date covers;
    None when no event has a date. A matplotlib Figure, drawn without pyplot, so it leaves the
    caller's backend alone.

    >>> timeline(result.events).savefig("timeline.png")
    """
    return _chart(_dated(events))


def _chart(dated: pd.DataFrame) -> Figure | None:
    if dated.empty:
        return None
    # imported here: it takes a third of a second, and an unchanged re-run draws nothing
    from matplotlib.figure import Figure

    types = dated.groupby("event_type")["n"].sum().sort_values(kind="stable").index
    row = dated["event_type"].map({name: i for i, name in enumerate(types)})
    end = dated["end"] + pd.Timedelta(days=1)
    figure = Figure(figsize=(6.5, 1.2 + 0.3 * len(types)), layout="constrained")
    axes = figure.subplots()
    axes.hlines(row, dated["start"], end, linewidth=7, color="#7aa6d8", alpha=0.5)
    axes.scatter(dated["start"] + (end - dated["start"]) / 2, row, s=14, color="#1f4e8c",
                 zorder=3)
    axes.set_yticks(range(len(types)), types)
    axes.set_ylim(-0.7, len(types) - 0.3)
    axes.grid(axis="x", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def _dated(events: pd.DataFrame) -> pd.DataFrame:
    """The events with a calendar date that are not negated, as distinct (event_type,
    start, end) timestamps with `n`, how many events share them (one dot on the chart); a
    date pandas cannot hold, before 1677, is dropped."""
    dated = events.assign(start=pd.to_datetime(events["date_start"], errors="coerce"),
                          end=pd.to_datetime(events["date_end"], errors="coerce"))
    dated = dated[dated["start"].notna() & ~dated["negated"].fillna(False)].assign(
        end=lambda df: df["end"].fillna(df["start"]))
    return dated.groupby(["event_type", "start", "end"], as_index=False).size().rename(
        columns={"size": "n"})


def _merged_dated(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """`_dated` of parts of the events table, added up."""
    return pd.concat(parts).groupby(["event_type", "start", "end"], as_index=False)["n"].sum()


def _timeline(dated: pd.DataFrame, events: int) -> str:
    figure = _chart(dated)
    if figure is None:
        return '<p class="muted">No event has a date.</p>'
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=100, metadata={"Software": None})
    encoded = base64.b64encode(png.getvalue()).decode("ascii")
    shown = int(dated["n"].sum())
    return (f'<img alt="timeline of {shown} dated events" src="data:image/png;base64,'
            f'{encoded}"><p class="muted">{shown:,} of {events:,} events have a date '
            "and are not negated. Each is a dot at the middle of its date, over a bar of the "
            "days the date covers when they are more than one (a year, a decade).</p>")


def _entities(top: pd.DataFrame) -> str:
    if top.empty:
        return '<p class="muted">No entities.</p>'
    widest = top["mentions"].max()
    rows = "".join(
        f"<tr><td>{escaped(e.name)}</td><td>{escaped(e.label)}</td>"
        f'<td class="n">{e.documents:,}</td><td class="bars"><span class="bar" style="width: '
        f'{8 * e.mentions / widest:.1f}em"></span>{e.mentions:,}</td></tr>'
        for e in top.itertuples())
    return ("<table><tr><th>entity</th><th>label</th><th>documents</th><th>mentions</th>"
            f"</tr>{rows}</table>")


def _documents(overview: Overview) -> str:
    """A folded section per shown document, in the documents table's order, the first open,
    and how many are not shown. Each table's rows are split by document in one pass (a
    DataFrame per document would cost a thousand times pandas' per-call overhead on a
    thousand documents)."""
    result = overview.shown
    by_doc: dict[str, dict[str, list]] = {}
    for name, table in result.tables().items():
        for row in table.astype(object).itertuples(index=False):  # pandas' string arrays
            # are slow to iterate cell by cell
            by_doc.setdefault(row.doc_id, {}).setdefault(name, []).append(row)
    sections = []
    for number, doc in enumerate(result.documents.itertuples(index=False)):
        own = defaultdict(list, by_doc[doc.doc_id])
        body = (f'<p class="muted">file: {escaped(doc.path)}</p>' if doc.status == "error"
                else _document(doc, own, result.texts[doc.doc_id]))
        sections.append(f'<details id="doc-{escaped(doc.doc_id)}"{" open" * (number == 0)}>'
                        f"<summary>{_heading(doc, own)}</summary><div>{body}</div></details>")
    rest = overview.counts["documents"] - len(result.documents)
    more = (f'<p class="muted">The first {len(result.documents):,} documents are shown; the '
            f"other {rest:,} are in the tables and in text/.</p>" if rest else "")
    return LEGEND + more + "".join(sections)


def _heading(doc, own: dict[str, list]) -> str:
    if doc.status == "error":
        return (f'<b>{escaped(doc.doc_id)}</b> <span class="error">failed: '
                f'{escaped(doc.error)}</span>')
    counts = ", ".join(f"{len(own[name]):,} {name}" for name in ("entities", "dates", "events"))
    claims = sum(bool(s.is_claim) for s in own["sentences"] if s.is_claim is not pd.NA)
    return (f"<b>{escaped(doc.doc_id)}</b> {escaped(doc.title)} <span class=\"counts\">"
            f"· {counts}, {claims:,} claims, {len(own['citations']):,} citations</span>")


def _document(doc, own: dict[str, list], text: str) -> str:
    fields = [("published", doc.published), ("modified", doc.modified),
              ("publisher", doc.publisher), ("section", doc.section), ("byline", doc.byline),
              ("file", doc.path), ("same bytes as", doc.duplicate_of),
              ("same story as", doc.near_duplicate_of)]
    metadata = " · ".join(f"{name}: {escaped(value)}" for name, value in fields
                          if escaped(value))
    marked = highlight(text, own["mentions"], own["dates"], own["sentences"])
    return (f'<p class="muted">{metadata}</p><div class="news-view">{marked}</div>'
            f"{_citations(own['citations'])}")


def _citations(citations: list) -> str:
    """Quotes and statements with their speaker and cue; references and credits with
    what is known of the work."""
    if not citations:
        return '<p class="muted">No citations.</p>'
    rows = []
    for c in citations:
        work = [c.content] if escaped(c.content) else [c.title, c.publisher, c.date, c.url]
        cited = " · ".join(escaped(part) for part in work if escaped(part))
        rows.append(f"<tr><td>{escaped(c.citation_id)}</td><td>{escaped(c.kind)}</td>"
                    f"<td>{escaped(c.source)}</td><td>{escaped(c.cue)}</td><td>{cited}</td></tr>")
    return ("<h4>Citations</h4><table><tr><th>id</th><th>kind</th><th>source</th><th>cue</th>"
            f"<th>what was said, or the work cited</th></tr>{''.join(rows)}</table>")
