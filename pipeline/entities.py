"""STUB (contract only; the real module replaces this)."""
from __future__ import annotations

from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    label: str


@dataclass
class Entity:
    """One real-world entity of a document: canonical name, one label, its mentions."""

    entity_id: str  # corpus-wide stable slug, e.g. "person/vladimiro-montesinos"
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)  # other surface forms, first-seen order
    mentions: list[Mention] = field(default_factory=list)  # sorted by start


if not Doc.has_extension("entities"):
    Doc.set_extension("entities", default=[])


def entity_for_span(doc: Doc, start: int, end: int) -> Entity | None:
    """The entity whose mention overlaps the character span best, if any."""
    return None


@Language.factory("news_entities")
def make_entities(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.entities = []
        return doc

    return component
