"""STUB (contract only; the real module replaces this)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.dates import Timex


@dataclass(frozen=True)
class Event:
    start: int  # trigger span, char offsets
    end: int
    trigger: str
    event_type: str
    date: Timex | None = None
    actor: str = ""
    actor_id: str = ""
    target: str = ""
    target_id: str = ""
    location: str = ""
    location_id: str = ""


if not Doc.has_extension("events"):
    Doc.set_extension("events", default=[])


@Language.factory("news_events")
def make_events(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.events = []
        return doc

    return component
