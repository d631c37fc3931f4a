"""Views of a `Result` for people: a run's summary, and one document's cleaned text with its
entities, dates and claims highlighted (displaCy's entity view, fed our tables' offsets).
`Result._repr_html_`, `Result.show` and the HTML report share them, so the notebook and the
report show the same thing. Article text is untrusted: every piece of it is HTML-escaped.
"""
from __future__ import annotations

import bisect
import functools
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd
from spacy.displacy.render import DEFAULT_LABEL_COLORS, EntityRenderer
from spacy.util import is_in_jupyter

from pipeline.schema import cell_text

if TYPE_CHECKING:
    from pipeline.result import Result

DATE_TYPES = ("DATE", "TIME", "DURATION", "SET")  # the dates table's TIMEX3 types
COLORS = DEFAULT_LABEL_COLORS | dict.fromkeys(DATE_TYPES, "#bfe1d9")
# displaCy's entity template, with classes instead of inline styles (a long document has
# hundreds of marks) and the label shown from an attribute, so copied text stays clean.
TEMPLATE = '<mark class="{cls}"{attributes}>{text}</mark>'
STYLE = """
.news-view .entities { line-height: 2.1; }
.news-view mark { background: none; color: inherit; padding: 0; }
.news-view mark[data-label] { background: #ddd; padding: 0.15em 0.3em; margin: 0 0.05em;
  border-radius: 0.3em; line-height: 1; }
.news-view mark[data-label]::after { content: attr(data-label); font-size: 0.65em;
  font-weight: bold; margin-left: 0.3em; vertical-align: middle; }
.news-view mark.claim { background-color: #fff8dc; border-bottom: 2px solid #e0a000; }
.news-view mark.claim[data-label="CLAIM"] { color: #8a5d00; padding: 0 0.2em; }
""" + "".join(f".news-view mark.{label} {{ background: {color}; }}\n"
              for label, color in COLORS.items())


def highlight(text: str, mentions: Iterable, dates: Iterable, sentences: Iterable) -> str:
    """One document's text as HTML (style it with `STYLE` inside a `news-view` element):
    entity mentions and dates highlighted with their label (the entity id or date value
    on hover), claim sentences underlined and tagged CLAIM. The rows are the document's
    rows of those tables, as `DataFrame.itertuples()` gives them.

    >>> mine = {name: df[df["doc_id"] == doc_id].itertuples() for name, df in tables.items()}
    >>> highlight(texts[doc_id], mine["mentions"], mine["dates"], mine["sentences"])
    """
    marks = _without_overlaps(
        [(m.start, m.end, m.label, m.entity_id) for m in mentions]
        + [(d.start, d.end, d.type, f"{d.date_id}: {cell_text(d.value)}") for d in dates])
    claims = sorted((s.start, s.end, cell_text(s.claim_type) or "other", s.claim_score)
                    for s in sentences if s.is_claim is not pd.NA and s.is_claim)
    claim_starts = [start for start, *_ in claims]
    ents = [_mark(start, end, label + (" claim" if _inside(start, claims, claim_starts) else ""),
                  label=label, title=title) for start, end, label, title in marks]
    mark_starts, mark_ends = [m[0] for m in marks], [m[1] for m in marks]
    for start, end, claim_type, score in claims:
        # the marks that overlap the sentence, found by bisection: the marks do not
        # overlap, so their ends are sorted as their starts are
        inside = marks[bisect.bisect_right(mark_ends, start):
                       bisect.bisect_left(mark_starts, end)]
        ents += [_mark(a, b, "claim") for a, b in _gaps(start, end, inside)]
        after = max([end] + [b for a, b, *_ in inside if a < end < b])  # not inside a mark
        ents.append(_mark(after, after, "claim", label="CLAIM",
                          title=f"claim: {claim_type}, check-worthiness {score:.2f}"))
    ents.sort(key=lambda ent: (ent["start"], ent["end"]))
    return _renderer().render([{"text": text, "ents": ents}], page=False, minify=False).strip()


@functools.cache
def _renderer() -> EntityRenderer:
    """displaCy's entity renderer, built once: building it looks up every registered colour,
    which `displacy.render` does again for each document."""
    return EntityRenderer(options={"template": TEMPLATE})


def show(result: Result, doc_id: str, jupyter: bool | None = None) -> str | None:
    """`Result.show`: the highlighted document with its style, displayed in Jupyter (as
    displaCy does; `jupyter=None` detects it), else returned as HTML."""
    if doc_id not in result.texts:
        raise KeyError(f"no cleaned text for {doc_id!r}: not in this run, or it failed")
    rows = [df[df["doc_id"] == doc_id].itertuples()
            for df in (result.mentions, result.dates, result.sentences)]
    view = (f'<div class="news-view tex2jax_ignore"><style>{STYLE}</style>'
            f"{highlight(result.texts[doc_id], *rows)}</div>")  # tex2jax_ignore: "$" is no math
    if jupyter or (jupyter is None and is_in_jupyter()):
        from IPython.display import HTML, display  # only ever in Jupyter

        return display(HTML(view))
    return view


def summary(result: Result) -> str:
    """A run at a glance, as HTML: its documents, the ones that failed and why, and the
    rows of every table.

    >>> summary(pipeline.extract("corpus/"))
    """
    documents = result.documents
    return summary_of({name: len(table) for name, table in result.tables().items()},
                      documents[documents["status"] == "error"])


def summary_of(counts: dict[str, int], failed: pd.DataFrame) -> str:
    """`summary` from the rows of every table (`documents` first) and the documents rows of
    the ones that failed: what a run of any size is read down to."""
    names = "".join(f"<th>{name}</th>" for name in counts)
    cells = "".join(f"<td>{count:,}</td>" for count in counts.values())
    errors = "".join(f"<tr><td>{escaped(row.doc_id)}</td><td>{escaped(row.path)}</td>"
                     f"<td>{escaped(row.error)}</td></tr>" for row in failed.itertuples())
    if errors:
        errors = (f"<table><tr><th>failed document</th><th>path</th><th>error</th></tr>"
                  f"{errors}</table>")
    return (f'<div class="summary"><p><b>{counts["documents"]:,} documents</b>: '
            f"{counts['documents'] - len(failed):,} processed, {len(failed):,} failed</p>"
            f"<table><tr><th>rows of</th>{names}</tr><tr><td></td>{cells}</tr></table>"
            f"{errors}</div>")


def _without_overlaps(marks: list[tuple]) -> list[tuple]:
    """displaCy's entity view cannot nest marks: where a date and a mention overlap, the
    earlier (then longer) one is kept."""
    kept, reached = [], -1
    for mark in sorted(marks, key=lambda m: (m[0], -m[1])):
        if mark[0] >= reached:
            kept.append(mark)
            reached = mark[1]
    return kept


def _inside(offset: int, claims: list[tuple], starts: list[int]) -> bool:
    """Whether the offset is in one of the claims (sorted, not overlapping, as sentences)."""
    i = bisect.bisect_right(starts, offset) - 1
    return i >= 0 and offset < claims[i][1]


def _gaps(start: int, end: int, marks: list[tuple]) -> list[tuple[int, int]]:
    """The stretches of [start, end) that no mark covers (marks sorted by start)."""
    gaps = []
    for mark_start, mark_end, *_ in marks:
        if mark_end > start and mark_start < end:
            gaps.append((start, mark_start))
            start = mark_end
    return [(a, b) for a, b in [*gaps, (start, end)] if b > a]


def _mark(start: int, end: int, classes: str, *, label: str = "", title: str = "") -> dict:
    """A displaCy manual entity, shown through TEMPLATE."""
    attributes = (f' data-label="{html.escape(label)}"' if label else "") + (
        f' title="{html.escape(title)}"' if title else "")
    return {"start": start, "end": end, "label": label,
            "params": {"cls": html.escape(classes), "attributes": attributes}}


def escaped(value: object) -> str:
    """A table cell as HTML, escaped; empty when missing."""
    return html.escape(cell_text(value))
