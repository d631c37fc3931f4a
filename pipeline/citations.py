"""The quotes component: who said what in the body (direct quotes and reported speech),
with the speaker linked to an entity. (References, credits and markers, which need no
parse, are read in pipeline/references.py.)

Quotes are found by scanning quotation marks paragraph by paragraph, so an odd number of
marks never breaks anything (an unclosed quote ends with its paragraph); the speaker comes
from the dependency parse around the quote, not from a fixed list of "said"-type verbs.
"""
from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace

from spacy.attrs import LEMMA, LOWER, POS
from spacy.language import Language
from spacy.symbols import VERB
from spacy.tokens import Doc, Span, Token

from pipeline.entities import Mention, entity_for_span
from pipeline.records import doc_text
from pipeline.references import Citation
from pipeline.resources import LexiconRules, entries, read_lines

SPEECH_CUES = frozenset(read_lines("speech_cues.txt"))


def _cue_lexicon(text: str) -> frozenset[str]:
    return frozenset(entries(text))


if not Doc.has_extension("quotes"):
    Doc.set_extension("quotes", default=[])


# --- quotation marks -----------------------------------------------------------------------

CLOSERS = {"“": "”\"", "„": "“”\"", "«": "»", '"': "\"”"}
SINGLE = re.compile(r"(?<![\w'‘’])['‘](?P<body>[A-Za-z][^'‘’\"“”\n]*?[\w.,!?])['’](?![\w])")
DASH_NAME = re.compile(r"\s*[-—–]\s*(?=[A-Z])")
# every opening and closing mark: the only characters `quoted_spans` acts on
MARKS = re.compile(f"[{''.join(sorted(set(''.join(CLOSERS) + ''.join(CLOSERS.values()))))}]")


@dataclass(frozen=True, order=True)
class Marked:
    """Text between quotation marks: content offsets, and whether it came in single marks."""

    start: int
    end: int
    single: bool = False


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for line in text.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


def _stripped(text: str, marked: Marked) -> Marked:
    body = text[marked.start: marked.end]
    start = marked.start + len(body) - len(body.lstrip())
    return Marked(start, max(start, marked.start + len(body.rstrip())), marked.single)


def quoted_spans(text: str) -> list[Marked]:
    """Double-quoted (straight, curly, guillemet, and the wire services' ``…'' or ''…'')
    spans; a mark left open closes at the paragraph end. Single-quoted spans only outside
    them (they still need a speaker)."""
    # a doubled mark reads as its second character being a straight double quote
    marks = text.replace("''", "'\"").replace("``", "`\"")
    spans: list[Marked] = []
    for begin, end in _paragraphs(text):
        opened: tuple[int, str] | None = None
        for found in MARKS.finditer(marks, begin, end):  # any other character changes nothing
            i, char = found.start(), found[0]
            if opened and char in CLOSERS[opened[1]]:
                spans.append(Marked(opened[0], i))
                opened = None
            elif char in CLOSERS and i + 1 < end and (char != '"' or not text[i + 1].isspace()):
                if opened:  # a new opening mark: the previous quote was never closed
                    spans.append(Marked(opened[0], i))
                opened = (i + 1, char)
        if opened:
            spans.append(Marked(opened[0], begin + len(text[begin:end].rstrip())))
    spans = [_stripped(text, replace(s, end=s.end - 1) if marks[s.end - 1: s.end + 1] == "'\""
                       else s) for s in spans]
    doubles = [(s.start, s.end) for s in spans]
    for found in SINGLE.finditer(text):
        if not any(s - 1 <= found.start() < e + 1 for s, e in doubles):
            spans.append(Marked(found.start("body"), found.end("body"), single=True))
    return sorted(s for s in spans if s.end > s.start)


# --- speakers ------------------------------------------------------------------------------

PRONOUN_LABELS = {"he": ("PERSON",), "she": ("PERSON",), "him": ("PERSON",),
                  "her": ("PERSON",), "they": ("PERSON", "ORG", "NORP", "GPE"),
                  "them": ("PERSON", "ORG", "NORP", "GPE"), "it": ("ORG", "GPE")}
SPEAKER_LABELS = ("PERSON", "ORG", "NORP", "GPE")
SUBJECTS = ("nsubj", "nsubjpass")


@dataclass(frozen=True)
class Speaker:
    name: str
    entity_id: str = ""
    how: str = "named"  # named, pronoun, description, text
    mention: tuple[int, int] | None = None  # the words naming the speaker at this quote


class Speakers:
    """Resolves a subject token to the fullest name of the entity it refers to.

    Mentions come from the entity stage, which runs before this one: its labels are
    document-consistent and its junk mentions already dropped.
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        mentions = [replace(m, label=e.label) for e in doc._.entities for m in e.mentions]
        self.mentions = sorted((m for m in mentions if m.label in SPEAKER_LABELS),
                               key=lambda m: (m.start, m.end))
        self.starts = [m.start for m in self.mentions]
        self.ends = [m.end for m in self.mentions]

    def entity(self, mention: Mention, how: str = "named",
               said_as: tuple[int, int] | None = None) -> Speaker:
        """The mention's entity; `said_as` is where the quote names it, if not there."""
        speaker = self.at(mention.start, mention.end, how)
        return replace(speaker, mention=said_as or speaker.mention)

    def at(self, start: int, end: int, how: str = "named") -> Speaker:
        """The entity named by the character span, or the span's own text."""
        found = entity_for_span(self.doc, start, end)
        if found is None:
            return Speaker(self.text[start:end], "", how, (start, end))
        return Speaker(found.name, found.entity_id, how, (start, end))

    def within(self, start: int, end: int) -> list[Mention]:
        i = bisect.bisect_left(self.starts, start)
        return [m for m in self.mentions[i: bisect.bisect_left(self.starts, end)] if m.end <= end]

    def preceding(self, position: int, labels: tuple[str, ...]) -> Mention | None:
        """The nearest entity mention ending before `position` with one of the labels."""
        for i in range(bisect.bisect_right(self.ends, position) - 1, -1, -1):
            if self.mentions[i].label in labels:
                return self.mentions[i]
        return None

    def resolve(self, subject: Token, outside: tuple[int, int] = (0, 0)) -> Speaker:
        tokens = [t for t in subject.subtree if not outside[0] <= t.idx < outside[1]]
        begin, end = (tokens[0].idx, tokens[-1].idx + len(tokens[-1])) if tokens else (0, 0)
        # the words naming the speaker: the subject up to its head noun, without the
        # relative clause or apposition after it ("Smith, who heads the panel,")
        said_as = (subject.left_edge.idx, subject.idx + len(subject))
        named = self.within(begin, end)
        # the entity the subject is ("President X"), else a person in apposition ("the
        # former minister, X,"); a mere modifier ("the Chilean government") is not the speaker
        heads = [m for m in named if m.start <= subject.idx < m.end]
        people = [m for m in named if m.label == "PERSON"]
        if heads or people:
            named_as = (heads or people)[0]  # "Retired Commandant Roberto Chiabra"
            return self.entity(named_as, said_as=(min(said_as[0], named_as.start),
                                                  max(said_as[1], named_as.end)))
        lower = subject.lower_
        if lower in PRONOUN_LABELS:
            if mention := self.preceding(subject.idx, PRONOUN_LABELS[lower]):
                return self.entity(mention, "pronoun", said_as)
        elif not named and subject.tag_ == "NN" and any(c.lower_ == "the"
                                                         for c in subject.children):
            if mention := self.preceding(subject.idx, ("PERSON", "ORG")):
                return self.entity(mention, "description", said_as)
        return Speaker(self.text[begin:end], "", "text", said_as)


def _inherits_subject(verb: Token) -> bool:
    """A conjoined verb ("He smiled and added"), a participle ("…, saying that") or an
    infinitive ("declined to comment") shares the subject of the verb it hangs from."""
    return verb.head.i != verb.i and (verb.dep_ == "conj" or verb.dep_ in ("advcl", "xcomp")
                                      and verb.tag_ in ("VBG", "VB"))


def subject_of(verb: Token) -> Token | None:
    """The verb's subject, inherited where the verb has none of its own."""
    while True:
        subject = next((c for c in verb.children if c.dep_ in SUBJECTS), None)
        if subject is not None or not _inherits_subject(verb):
            return subject
        verb = verb.head


def is_cue(token: Token, cues: AbstractSet[str]) -> bool:
    """A speech, belief or evidence verb of `cues` (lemmas)."""
    return token.pos_ == "VERB" and token.lemma_.lower() in cues


CONFIDENCE = {"named": 0.9, "description": 0.7, "pronoun": 0.65, "text": 0.6}


# --- direct quotes -------------------------------------------------------------------------

def _is_term(span: Span) -> bool:
    """Under four words: a quoted term or phrase rather than a whole utterance."""
    return len([t for t in span if t.is_alpha]) < 4


def _is_scare_quote(span: Span) -> bool:
    """A term without a verb ("so-called “experts”") is not speech on its own."""
    return _is_term(span) and not any(t.pos_ in ("VERB", "AUX") for t in span)


def _is_title(span: Span) -> bool:
    """Title Case throughout: the name of a plan, a book, a song."""
    capitalised = [t for t in span if t.is_alpha and not t.is_stop]
    return bool(capitalised) and all(t.is_title or t.is_upper for t in capitalised)


def _quote_cue(doc: Doc, quote: Span, cues: AbstractSet[str]) -> Token | None:
    """The speech verb that introduces the quote: up the parse from the quote, else the
    nearest cue verb in the quote's sentences, else a verb governing it whose subject is
    a person ("X qualified the declarations as “…”")."""
    first, last = doc[quote.start].sent, doc[quote.end - 1].sent
    # a quote ending in "?" or "!" ends its sentence: "“… unity?” Trump added" is the next
    after = next((t for t in doc[quote.end: quote.end + 3] if not t.is_punct), None)
    if after is not None and not after.is_space and after.sent.start >= last.end:
        last = after.sent
    inside = range(quote.start, quote.end)
    head = quote.root
    governing = []
    while head.i in inside and head.head.i != head.i:
        head = head.head
    while head.i not in inside:
        governing.append(head)
        if head.head.i == head.i:
            break
        head = head.head
    for verb in governing:
        if is_cue(verb, cues):
            return verb
    with_speaker = [verb for verb in governing if _speaker_like(verb)]
    reporting = [verb for verb in with_speaker
                 if any(g.head == verb and g.dep_ == "ccomp" for g in governing)]
    if reporting or with_speaker:
        return (reporting or with_speaker)[0]
    around = [t for t in doc[first.start: last.end] if t.i not in inside and is_cue(t, cues)]
    if around:
        return min(around, key=lambda t: min(abs(t.i - quote.start), abs(t.i - quote.end)))
    return None


def _speaker_like(verb: Token) -> bool:
    """A verb whose subject may be a speaker: a name, a pronoun or a noun."""
    subject = subject_of(verb) if verb.pos_ == "VERB" else None
    return subject is not None and (subject.ent_type_ in SPEAKER_LABELS
                                    or subject.lower_ in PRONOUN_LABELS
                                    or subject.pos_ in ("NOUN", "PROPN"))


def _dash_or_colon_speaker(doc: Doc, quote: Span, speakers: Speakers) -> Speaker | None:
    """“…” -Name after the quote, or "Name: “…”" before it."""
    if dash := DASH_NAME.match(speakers.text, quote.end_char + 1, quote.end_char + 5):
        after = (t for t in doc[quote.end: quote.end + 6] if t.idx + len(t) > dash.end())
        run = list(itertools.takewhile(lambda t: t.pos_ == "PROPN", after))
        if run:
            return speakers.at(dash.end(), run[-1].idx + len(run[-1]))
    before = speakers.text[max(0, quote.start_char - 4): quote.start_char].rstrip("\"“«„ ")
    if before.endswith(":"):
        mention = speakers.preceding(quote.start_char, SPEAKER_LABELS)
        if mention is not None and quote.start_char - mention.end <= 4:
            return speakers.entity(mention)
    return None


def _report_around(cue: Token, marked: Marked, text: str,
                   cues: AbstractSet[str]) -> tuple[Token, tuple[int, int]] | None:
    """The reported clause the quote is a fragment of ('she said she wanted to speak
    “directly to white people”', 'called the deal “a disgrace”'), with its cue: the
    statement is the whole clause, quote included. Where the cue's own clause does not
    hold the quote, a cue above it may ('said that he believed …, but not until X
    “admits …”')."""
    for verb in (cue, *(t for t in cue.ancestors if is_cue(t, cues))):
        span = _trimmed(cue.doc, _reported_content(verb))
        if span is not None and span[0] <= marked.start < marked.end <= span[1] + 1:
            outside = text[span[0]: marked.start] + text[marked.end: span[1]]
            return (verb, span) if len(re.findall(r"[^\W\d_]+", outside)) >= 3 else None
    return None


def _phrase_under(cue: Token, quote: Span) -> tuple[int, int] | None:
    """The cue's dependent that holds a quoted term, whole: 'denounced “self-deportation”',
    'praised his “body language” during the press conference'."""
    child = quote.root
    while child.head != cue:
        if child.head == child:
            return None
        child = child.head
    if child.dep_ in SUBJECTS:  # 'a “concession” wagon was pulled': no one said it
        return None
    tokens = list(child.subtree)
    while tokens and (tokens[-1].is_punct and tokens[-1].tag_ != "''" or tokens[-1].is_space):
        tokens = tokens[:-1]
    if not any(t.is_alpha and not quote.start <= t.i < quote.end for t in tokens):
        return None  # the quote is the whole phrase: a direct quote
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _reporting(cue: Token, quote: Span, marked: Marked, text: str,
               cues: AbstractSet[str]) -> tuple[Token, tuple[int, int]] | None:
    """The statement a quote is only part of, with its cue: a reported clause, or the
    phrase around a quoted term."""
    if reporting := _report_around(cue, marked, text, cues):
        return reporting
    if _is_term(quote) and (phrase := _phrase_under(cue, quote)):
        return cue, phrase
    return None


def _one_quote_in_two(doc: Doc, previous: Citation, cue: Token | None, prior: Token | None,
                      marked: Marked, cues: AbstractSet[str]) -> bool:
    """“A,” X said. “B” (or “A,” X said, “B”): one quote split by its own attribution,
    which is all that stands between the two parts (the sentence of its cue), in one
    paragraph."""
    if prior is None or cue not in (None, prior) or not previous.end <= prior.idx < marked.start:
        return False
    between = doc.char_span(previous.end, marked.start, alignment_mode="contract")
    return (between is not None and "\n" not in between.text and len(between) <= 60
            and all(t.sent.start == prior.sent.start for t in between if t.is_alpha)
            and not any(is_cue(t, cues) and t != prior for t in between))  # ", adding that …"


def direct_quotes(doc: Doc, speakers: Speakers,
                  cues: AbstractSet[str]) -> list[tuple[Citation, Token | None]]:
    """Every direct quote with its speaker and cue; the cue token is returned too so that
    reported-speech search skips it. Quoted fragments of a reported clause are left to
    the reported-speech search, which takes the whole clause."""
    found: list[tuple[Citation, Token | None]] = []
    previous: Citation | None = None
    text = speakers.text
    for marked in quoted_spans(text):
        quote = doc.char_span(marked.start, marked.end, alignment_mode="expand")
        if quote is None or not len(quote):
            continue
        cue = _quote_cue(doc, quote, cues)
        if cue is not None and (reporting := _reporting(cue, quote, marked, text, cues)):
            cue, report = reporting
            subject = subject_of(cue)
            if subject is not None and not (found and found[-1][1] == cue):
                previous = _statement(speakers, subject, report, cue.text)
                found.append((previous, cue))
            continue
        if found and found[-1][0] is previous and _one_quote_in_two(
                doc, previous, cue, found[-1][1], marked, cues):
            previous = replace(previous, content=text[previous.start: marked.end],
                               end=marked.end)
            found[-1] = (previous, found[-1][1])
            continue
        subject = subject_of(cue) if cue is not None else None
        outside = (marked.start, marked.end)
        speaker = speakers.resolve(subject, outside) if subject is not None else None
        confidence = CONFIDENCE[speaker.how] if speaker else 0.5
        if speaker is None and (speaker := _dash_or_colon_speaker(doc, quote, speakers)):
            confidence = 0.8
        if speaker is None and previous is not None and _continues(speakers, previous, marked):
            speaker = Speaker(previous.source, previous.source_id,
                              mention=(previous.source_start, previous.source_end))
            confidence = 0.5
        uttered = cue is not None and is_cue(cue, cues) and quote.root.head == cue
        if (_is_scare_quote(quote) and not uttered or marked.single and cue is None
                or _is_title(quote) and (speaker is None or cue is None
                                         or not is_cue(cue, cues))):
            continue
        if cue is not None and not is_cue(cue, cues):
            confidence -= 0.15
        citation = Citation(
            "quote", source=speaker.name if speaker else "",
            source_id=speaker.entity_id if speaker else "", cue=cue.text if cue else "",
            content=text[marked.start: marked.end], start=marked.start, end=marked.end,
            confidence=round(confidence, 2), **_said_as(speaker))
        found.append((citation, cue))
        previous = citation
    return found


def _said_as(speaker: Speaker | None) -> dict[str, int | None]:
    mention = speaker.mention if speaker and speaker.mention else (None, None)
    return {"source_start": mention[0], "source_end": mention[1]}


def _continues(speakers: Speakers, previous: Citation, marked: Marked) -> bool:
    """An unattributed quote carries on the previous attributed one when it follows in the
    same or the next paragraph with no other speaker named in between."""
    between = speakers.text[previous.end: marked.start]
    other = speakers.preceding(marked.start, SPEAKER_LABELS)
    named_between = other is not None and other.start >= previous.end
    return bool(previous.source) and between.count("\n") <= 2 and not (
        named_between and previous.source not in other.text)


# --- reported speech -----------------------------------------------------------------------

def _trimmed(doc: Doc, tokens: list[Token]) -> tuple[int, int] | None:
    """Character span of the tokens, without a leading "that" and edge punctuation."""
    while tokens and (tokens[0].is_punct or tokens[0].dep_ == "mark" or tokens[0].is_space):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens = tokens[:-1]
    if len(tokens) < 3:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1])


def _reported_content(verb: Token) -> list[Token]:
    """The clause a speech verb reports: its ccomp, else object plus "of/for/as" phrase
    ("accused the airline of smuggling", "described him as a liar") or object predicate
    ("called the deal a disgrace")."""
    clause = [c for c in verb.children if c.dep_ == "ccomp"]
    if clause:
        return sorted(t for c in clause for t in c.subtree)
    objects = [c for c in verb.children if c.dep_ in ("dobj", "prep", "oprd") and c.i > verb.i]
    content = sorted(t for c in objects for t in c.subtree)
    heads = {verb.i} | {c.i for c in objects}
    if any(t.dep_ == "oprd" and t.head.i in heads or t.dep_ == "prep"
           and t.lower_ in ("of", "for", "as") and t.head.i in heads for t in content):
        return content
    return []


def _according_to(token: Token) -> tuple[Token, list[Token]] | None:
    """("according to X, ..."): the source X and the rest of the sentence as content."""
    to = next((c for c in token.children if c.lower_ == "to"), None)
    source = next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    if source is None:
        return None
    phrase = {t.i for t in token.subtree}
    sent = token.sent
    left = [t for t in sent if t.i < token.i]
    right = [t for t in sent if t.i > max(phrase)]
    return source, max(left, right, key=len)


def _openers(doc: Doc, cues: AbstractSet[str]) -> list[int]:
    """The tokens that may open a statement, "according" and the cue verbs (`is_cue`),
    read off the arrays: iterating the Doc would build every Token."""
    strings = doc.vocab.strings
    according = strings["according"]
    return [i for i, (lower, pos, lemma) in enumerate(doc.to_array([LOWER, POS, LEMMA]).tolist())
            if lower == according or pos == VERB and strings[lemma].lower() in cues]


def reported_speech(doc: Doc, speakers: Speakers, used: set[int],
                    quoted: list[tuple[int, int]], cues: AbstractSet[str]) -> list[Citation]:
    """Statements without quotation marks: "X said (that) …", "according to X, …"."""
    statements = []
    starts, ends = zip(*sorted(quoted)) if quoted else ((), ())
    for token in (doc[i] for i in _openers(doc, cues)):
        inside = bisect.bisect_right(starts, token.idx) - 1  # the last quote opened before
        if token.i in used or inside >= 0 and token.idx < max(ends[: inside + 1]):
            continue
        if token.lower_ == "according" and (found := _according_to(token)):
            subject, content, cue = found[0], found[1], "according to"
        elif is_cue(token, cues) and (subject := subject_of(token)) is not None:
            content, cue = _reported_content(token), token.text
        else:
            continue
        span = _trimmed(doc, content)
        if span is None or any(s < span[1] and span[0] < e for s, e in quoted):
            continue
        statements.append(_statement(speakers, subject, span, cue))
    return statements


def _statement(speakers: Speakers, subject: Token, span: tuple[int, int], cue: str) -> Citation:
    """Reported speech: what the span says, attributed to the subject's entity."""
    speaker = speakers.resolve(subject)
    return Citation(
        "statement", source=speaker.name, source_id=speaker.entity_id, cue=cue,
        content=speakers.text[span[0]: span[1]], start=span[0], end=span[1],
        confidence=round(CONFIDENCE[speaker.how] - 0.1, 2), **_said_as(speaker))


SPEAKER_LINE = re.compile(r"(?P<name>[^\n:]{2,60}?)\s*:[ \t]+(?P<said>[^\n]*\w[^\n]*)")
TRANSCRIPT_NAME = re.compile(r"[A-Z][A-Z.'\- ]*[A-Z]")


def speaker_lines(speakers: Speakers) -> list[Citation]:
    """A line led by a speaker and a colon: a headline ("John Bolton: ‘Clinton …’") or a
    transcript ("TAPPER: And obviously …"). The name must be all of the lead: a person or
    organisation the entity stage found, or a name in capitals."""
    found = []
    text = speakers.text
    for begin, end in _paragraphs(text):
        line = SPEAKER_LINE.match(text, begin, end)
        if line is None or len(line.group("said").split()) < 3:
            continue
        start, stop = line.span("name")
        named = [m for m in speakers.within(start, stop) if (m.start, m.end) == (start, stop)]
        if named:
            speaker = speakers.entity(named[0])
        elif TRANSCRIPT_NAME.fullmatch(line.group("name")):
            speaker = Speaker(line.group("name").title(), "", "text", (start, stop))
        else:
            continue
        said = line.span("said")
        found.append(Citation(
            "statement", source=speaker.name, source_id=speaker.entity_id, cue=":",
            content=text[said[0]: said[1]].rstrip(), start=said[0],
            end=said[0] + len(text[said[0]: said[1]].rstrip()),
            confidence=CONFIDENCE[speaker.how], **_said_as(speaker)))
    return found


def find_quotes(doc: Doc, cues: AbstractSet[str] = SPEECH_CUES) -> list[Citation]:
    """Direct quotes and reported statements of a parsed Doc, in text order, with `cues`
    the lemmas of the verbs that report speech. A quote inside a speaker's line is part of
    that line's statement."""
    speakers = Speakers(doc)
    lines = speaker_lines(speakers)
    quotes = [(q, cue) for q, cue in direct_quotes(doc, speakers, cues)
              if not any(s.start <= q.start and q.end <= s.end for s in lines)]
    used = {cue.i for _, cue in quotes if cue is not None}
    quoted = [(q.start, q.end) for q, _ in quotes] + [(s.start, s.end) for s in lines]
    citations = [q for q, _ in quotes] + lines + reported_speech(doc, speakers, used, quoted,
                                                                 cues)
    return sorted(citations, key=lambda c: (c.start, c.end))


@Language.factory("news_quotes", default_config={"lexicon": "speech_cues.txt"},
                  requires=["doc._.entities", "doc.sents", "token.dep", "token.lemma"],
                  assigns=["doc._.quotes"])
def make_quotes(nlp: Language, name: str, lexicon: str) -> LexiconRules:
    """`lexicon`: the lemmas of the verbs that report speech, belief or evidence, one a line
    (a file of models/, or a path)."""
    return LexiconRules(name, lexicon, _cue_lexicon, find_quotes, "quotes")

