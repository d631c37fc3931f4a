"""Markdown articles (.md): headings, bylines and datelines read as such, the markup out of
the text. markdown-it-py parses (CommonMark with tables): a hand-written reader would get
emphasis, links and setext headings wrong.
"""
from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from pipeline import html
from pipeline.boilerplate import Unit
from pipeline.clean import Cleaned, Removed, _Meta, _metadata, furniture_key, sparing_the_story
from pipeline.temporal import find_calendar_date

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<fields>.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
FRONT_FIELDS = {"title": "title", "date": "published", "published": "published",
                "author": "byline", "byline": "byline"}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
METADATA_WORDS = 16  # a byline or dateline is a short paragraph above the body


@dataclass
class _Block:
    kind: str  # "heading", "paragraph", "list", "table", "code"
    line: int  # 1-based line in the raw text
    lines: list[str] = field(default_factory=list)
    level: int = 0  # of a heading

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def clean_markdown(raw: str, furniture: AbstractSet[str] = frozenset()) -> Cleaned:
    """The article of a Markdown file: the first level-1 heading (or the front matter's
    title) is the title; short paragraphs above the body that are a byline or a dateline
    go to the metadata; images go, their alt text a "caption" row; lists and tables become
    one line per item or row, code stays as it is."""
    front, raw = _front_matter(raw)
    meta = _Meta(published=front.get("published", ""), byline=front.get("byline", ""),
                 rank=3 if "published" in front else 0,  # above any dateline's
                 sources={name: "front matter" for name in front if name != "title"})
    blocks, removed = _blocks(raw)
    heading = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    title = heading.text if heading is not None else front.get("title", "")
    if title:
        meta.sources["title"] = (f"line {heading.line} (markdown heading)" if heading is not None
                                 else "front matter")
    body: list[str] = []
    above_body = True  # until the first long paragraph, list, table or code block
    units = [(b, Unit([(b.line, b.text)], b.text)) for b in blocks if b is not heading]
    furniture = sparing_the_story([unit for _, unit in units], furniture)
    for block, unit in units:
        short = block.kind == "paragraph" and len(unit.words) <= METADATA_WORDS
        if above_body and short and _metadata(unit, meta):
            removed.append(Removed(block.line, block.text, "metadata"))
        elif furniture_key(block.text) in furniture:
            removed.append(Removed(block.line, block.text, "cross-document"))
        else:
            body.append(block.text)
            above_body = above_body and (short or block.kind == "heading")
    meta.sources.pop("updated", None)  # an "Updated" line alone gives `published` only
    return Cleaned(
        text="\n\n".join([title, *body] if title else body),
        title=title,
        published=meta.published,
        byline=meta.byline,
        removed=sorted(set(removed), key=lambda r: (r.line, r.text)),  # an image twice: once
        sources=meta.sources,
    )


def _front_matter(raw: str) -> tuple[dict[str, str], str]:
    """The title, date and author of a YAML front matter block, and the text with the block
    blanked (so line numbers stay)."""
    found = FRONT_MATTER.match(raw)
    if not found:
        return {}, raw
    fields: dict[str, str] = {}
    for line in found["fields"].splitlines():
        key, _, value = line.partition(":")
        name, value = FRONT_FIELDS.get(key.strip().lower()), value.strip().strip("\"'")
        if name == "published":
            day = ISO_DAY.match(value)
            date = None if day else find_calendar_date(value, day_only=True)
            value = day[0] if day else date.iso if date else ""
        if name and value:
            fields.setdefault(name, value)
    return fields, "\n" * found[0].count("\n") + raw[found.end():]


def _blocks(raw: str) -> tuple[list[_Block], list[Removed]]:
    """The text blocks of the document, and a "caption" row per image with alt text."""
    from markdown_it import MarkdownIt

    blocks: list[_Block] = []
    images: list[Removed] = []
    lists = 0  # depth of list nesting: each item of a list is a line of one block
    row: list[str] | None = None
    for token in MarkdownIt("commonmark").enable("table").parse(raw):
        line = token.map[0] + 1 if token.map else 0
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                blocks.append(_Block("list", line))
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "table_open":
            blocks.append(_Block("table", line))
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            blocks[-1].lines.append(" | ".join(row))
            row = None
        elif kind == "heading_open":
            blocks.append(_Block("heading", line, level=int(token.tag[1:])))
        elif kind == "paragraph_open" and not lists:
            blocks.append(_Block("paragraph", line))
        elif kind in ("fence", "code_block"):
            blocks.append(_Block("code", line, [token.content.rstrip("\n")]))
        elif kind == "html_block":
            text = " ".join(html.TAG.sub(" ", html.UNSEEN.sub(" ", token.content)).split())
            blocks.append(_Block("paragraph", line, [text] if text else []))
        elif kind == "inline":
            text = _inline_text(token, line, images)
            if row is not None:
                row.append(text)
            elif text and blocks:
                blocks[-1].lines.append(text)
    return [b for b in blocks if b.text.strip()], images


def _inline_text(token, line: int, images: list[Removed]) -> str:
    """The text of an inline run without its markup; images go to `images`."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "softbreak":
            parts.append(" ")
        elif child.type == "hardbreak":
            parts.append("\n")
        elif child.type == "image" and child.content.strip():
            images.append(Removed(line, child.content.strip(), "caption"))
    return "".join(parts).strip()
