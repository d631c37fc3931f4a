"""STUB (contract only; the real module replaces this)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc


@dataclass(frozen=True)
class Timex:
    """A temporal expression with its TIMEX3 normalisation. Offsets are into doc.text."""

    start: int
    end: int
    text: str
    type: str  # DATE, TIME, DURATION, SET
    value: str  # TIMEX3 value as TempEval-3 writes it: 2016-03-30, 199X, P3Y, PRESENT_REF
    date_start: str = ""  # ISO calendar range covered, empty for durations/sets/unknown
    date_end: str = ""
    granularity: str = ""  # day, month, quarter, year, decade, century (or time/week/season)
    anchor: str = ""  # "published", "previous", or "" for absolute expressions


if not Doc.has_extension("dates"):
    Doc.set_extension("dates", default=[])


@Language.factory("news_dates")
def make_dates(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.dates = []
        return doc

    return component
