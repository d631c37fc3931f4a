"""Reading Markdown (.md): the front matter's fields, and the text blocks without their
markup (headings with their level, paragraphs, lists and tables a line per item or row,
code as it is), with the alt text of each image. markdown-it-py parses (CommonMark with
tables): a hand-written reader would get emphasis, links and setext headings wrong. What is
article and what is metadata is decided in clean.py, as for dumps and HTML.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline import html
from pipeline.temporal import find_calendar_date

FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<fields>.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
FRONT_FIELDS = {"title": "title", "date": "published", "published": "published",
                "author": "byline", "byline": "byline"}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Block:
    kind: str  # "heading", "paragraph", "list", "table", "code"
    line: int  # 1-based line in the raw text
    lines: list[str] = field(default_factory=list)
    level: int = 0  # of a heading

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def front_matter(raw: str) -> tuple[dict[str, str], str]:
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


def blocks(raw: str) -> tuple[list[Block], list[tuple[int, str]]]:
    """The text blocks of the document, and (line, alt text) of each image."""
    from markdown_it import MarkdownIt

    blocks: list[Block] = []
    images: list[tuple[int, str]] = []
    lists = 0  # depth of list nesting: each item of a list is a line of one block
    row: list[str] | None = None
    for token in MarkdownIt("commonmark").enable("table").parse(raw):
        line = token.map[0] + 1 if token.map else 0
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            if not lists:
                blocks.append(Block("list", line))
            lists += 1
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists -= 1
        elif kind == "table_open":
            blocks.append(Block("table", line))
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            blocks[-1].lines.append(" | ".join(row))
            row = None
        elif kind == "heading_open":
            blocks.append(Block("heading", line, level=int(token.tag[1:])))
        elif kind == "paragraph_open" and not lists:
            blocks.append(Block("paragraph", line))
        elif kind in ("fence", "code_block"):
            blocks.append(Block("code", line, [token.content.rstrip("\n")]))
        elif kind == "html_block":
            text = " ".join(html.TAG.sub(" ", html.UNSEEN.sub(" ", token.content)).split())
            blocks.append(Block("paragraph", line, [text] if text else []))
        elif kind == "inline":
            text = _inline_text(token, line, images)
            if row is not None:
                row.append(text)
            elif text and blocks:
                blocks[-1].lines.append(text)
    return [b for b in blocks if b.text.strip()], images


def _inline_text(token, line: int, images: list[tuple[int, str]]) -> str:
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
            images.append((line, child.content.strip()))
    return "".join(parts).strip()
