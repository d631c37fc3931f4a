"""The dates component: temporal expressions of a Doc, found and normalised to TIMEX3.

Spans come from the model's DATE/TIME entities plus the temporal grammar's patterns for
what NER misses (reference words, sets, bare durations, weekdays; `temporal.FINDER`); each
is normalised by `temporal.normalise` with the tense of its governing verb and the previous
date of the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.records import doc_text, record, span_text
from pipeline.temporal import FINDER, LEX, Value, normalise

COUNTED = frozenset(LEX["counted"])


@record
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


# Where an entity holds two expressions ("1991 to 1997", "the quarter ended Sept. 30").
SPLIT_AT = {"to", "through", "until", "and", "or", "of", "from", "before", "after"}
# What may stand between two expressions that make one ("Friday, Oct. 23", "9 a.m. Tuesday").
JOINERS = {",", "on", "at", "of"}


def _tense(span: Span) -> str:
    """Tense of the verb governing a span: 'past', 'future' or ''."""
    verb = span.root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return ""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.tag_ == "MD" and a.lower_ in ("will", "'ll", "shall") for a in auxes):
        return "future"
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if any(a.lemma_ == "have" for a in auxes) and "VBN" in [verb.tag_] + [a.tag_ for a in auxes]:
        return "past"
    if verb.tag_ == "VBN" and not auxes:  # a participle: "the record set on Aug. 6"
        return "past"
    return ""


def _trim(span: Span) -> Span:
    """TimeML extents: no leading preposition or hedge ('about'), no possessive or
    punctuation at the end, and 'the' only when it determines the temporal noun itself
    ('the late 1990s' but not 'the 1990 elections')."""
    tokens = list(span)  # each doc[i] makes its Token anew
    start, end = 0, len(tokens)
    while start < end and (tokens[start].pos_ in ("ADP", "CCONJ", "PUNCT", "SPACE")
                           and tokens[start].lower_ not in ("next", "past", "last")
                           or tokens[start].lower_ in LEX["trimmed_before"]
                           or tokens[start].lower_ in ("both", "either")):
        start += 1
    while end > start and (tokens[end - 1].is_punct or tokens[end - 1].tag_ == "POS"
                           or tokens[end - 1].is_space or tokens[end - 1].pos_ == "CCONJ"):
        end -= 1
    if start < end and tokens[start].lower_ in ("the", "a", "an") and \
            not span.start + start < tokens[start].head.i < span.start + end:
        start += 1
    return span[start:end]


def _pieces(span: Span) -> list[Span]:
    """The parts of an entity between verbs and range words, each a candidate of its own."""
    pieces, start = [], span.start
    for token in span:
        if token.pos_ == "VERB" or token.lower_ in SPLIT_AT or token.text in ("-", "–"):
            pieces.append(span.doc[start:token.i])
            start = token.i + 1
    return pieces + [span.doc[start:span.end]] if pieces else []


def _candidates(doc: Doc, published: date | None) -> list[Span]:
    """Non-overlapping spans to normalise: the model's DATE/TIME entities, their parts and
    the lexicon patterns; spans that get a value beat those that do not, longer beat
    shorter, and neighbours that read as one expression are joined."""
    spans = []
    for ent in doc.ents:
        value = normalise(span_text(ent), published) if ent.label_ in ("DATE", "TIME") else None
        if value is not None:  # not an age or a number
            spans += [ent] if value.value else [ent, *_pieces(ent)]
    for match in FINDER.finditer(doc_text(doc)):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        spans += [span] if span is not None else []
    scored = {}
    for span in (_trim(s) for s in spans):
        value = normalise(span_text(span), published) if len(span) else None
        if value is not None and (span.start, span.end) not in scored:
            scored[span.start, span.end] = (bool(value.value), len(span), span)
    chosen, taken = [], set()
    for _, _, span in sorted(scored.values(), key=lambda t: (-t[0], -t[1], t[2].start)):
        if not taken.intersection(range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    chosen.sort(key=lambda s: s.start)
    joined = chosen[:1]
    for span in chosen[1:]:
        last = joined[-1]
        gap = doc[last.end:span.start]
        if all(t.lower_ in JOINERS for t in gap) and len(gap) <= 1:
            both = doc[last.start:span.end]
            value = normalise(span_text(both), published)
            if value is not None and value.value and value.type in ("DATE", "TIME"):
                joined[-1] = both
                continue
        joined.append(span)
    return joined


def _fraction(span: Span) -> bool:
    """'three-quarters of its food', 'a quarter of the market': a share, not a time."""
    after = span.doc[span.end:span.end + 1]
    return (len(after) == 1 and after[0].lower_ == "of"
            and re.fullmatch(r"(?:(?:more|less)\s+than\s+)?(?:a|one|two|three)[\s-]quarters?",
                             span_text(span).lower()) is not None)


def _counts(span: Span) -> bool:
    """'1099 kilos', '2000 troops': a number counting or measuring what follows, not a
    year (models/dates_lexicon.json, `counted`)."""
    after = span.doc[span.end:span.end + 1]
    return (all(t.like_num for t in span) and len(after) == 1
            and after[0].lower_ in COUNTED)


def _ends_at_a_date(span: Span, value: Value) -> bool:
    """'the year ended March 31': a twelve-month period named by its end, not a calendar
    year, so TimeML calls it a duration."""
    after = span.doc[span.end:span.end + 1]
    return (value.granularity == "year" and not any(t.like_num for t in span)
            and len(after) == 1 and after[0].lower_ in ("ended", "ending"))


def find_timexes(doc: Doc, published: date | str | None = None) -> list[Timex]:
    """Every temporal expression of a parsed Doc, normalised, sorted by start."""
    if isinstance(published, str):
        published = date.fromisoformat(published[:10]) if published else None
    timexes, previous = [], None
    for span in _candidates(doc, published):
        said = span_text(span)
        value = normalise(said, published, tense=_tense(span), previous=previous)
        if value is None or _fraction(span) or _counts(span) or (
                value.type == "SET" and len(span) == 1 and span[0].dep_ == "amod"):
            continue
        if _ends_at_a_date(span, value):
            value = Value("DURATION", "P1Y")
        timexes.append(Timex(span.start_char, span.end_char, said, value.type,
                             value.value, value.date_start, value.date_end,
                             value.granularity, value.anchor))
        if value.date_start and value.anchor != "previous":
            previous = value
    return timexes


@Language.factory("news_dates", requires=["doc.ents", "token.dep", "token.tag"],
                  assigns=["doc._.dates", "doc.spans"])
def make_dates(nlp: Language, name: str):
    """Set doc._.dates (list[Timex]) and doc.spans["dates"] (labelled by TIMEX3 type)."""

    def component(doc: Doc) -> Doc:
        doc._.dates = find_timexes(doc, doc._.published)
        doc.spans["dates"] = [doc.char_span(t.start, t.end, label=t.type) for t in doc._.dates]
        return doc

    return component
