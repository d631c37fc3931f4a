"""STUB (contract only; the real module replaces this)."""
from __future__ import annotations

from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc


@dataclass(frozen=True)
class Claim:
    start: int  # the sentence span
    end: int
    score: float
    is_claim: bool
    claim_type: str = ""
    hedged: bool = False


if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=[])


@Language.factory("news_claims")
def make_claims(nlp: Language, name: str):
    def component(doc: Doc) -> Doc:
        doc._.claims = [Claim(s.start_char, s.end_char, 0.0, False) for s in doc.sents]
        return doc

    return component
