"""STUB (contract only; the real module replaces this)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc


@dataclass(frozen=True)
class Citation:
    kind: str  # reference, quote, statement, credit
    marker: str = ""
    source: str = ""
    source_id: str = ""
    cue: str = ""
    content: str = ""
    start: int | None = None
    end: int | None = None
    title: str = ""
    publisher: str = ""
    date: str = ""
    accessed: str = ""
    url: str = ""


MARKER = re.compile(r"\[(\d+)\]")

if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=[])


def parse_references(entries: list[str]) -> list[Citation]:
    return []


def find_credits(lines: list[str]) -> list[Citation]:
    return []


def find_markers(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(1)) for m in MARKER.finditer(text)]


@Language.factory("news_quotes")
def make_quotes(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.quotes = []
        return doc

    return component
