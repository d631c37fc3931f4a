"""STUB (contract only; the real module replaces this)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Removed:
    line: int  # 1-based line number in the raw text (for HTML: in the extracted text)
    text: str
    reason: str  # short slug: navigation, share-bar, breadcrumb, caption, photo-credit, ...


@dataclass
class Cleaned:
    text: str
    title: str = ""
    published: str = ""  # ISO date, empty when unknown
    publisher: str = ""
    section: str = ""
    byline: str = ""
    references: list[str] = field(default_factory=list)  # one entry per reference-list item
    removed: list[Removed] = field(default_factory=list)


def clean(raw: str) -> Cleaned:
    return Cleaned(text=raw.strip())
