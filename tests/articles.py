"""Hypothesis strategies for article-shaped text: paragraphs of news sentences with names,
dates, quotes and said-verbs, real sentences from the corpus, and scraper noise between them.

Every drawn article holds one *anchor* paragraph, a dated and attributed sentence and a
direct quote, so that a property test over `pipeline.extract_text` always has sentence,
mention, date, event and quote rows to check (word soup alone gives no rows at all on
almost every example, and the assertions over the rows never run).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.conftest import TELESUR, WIKIPEDIA

PEOPLE = ["Ana Torres", "Pedro Castillo", "Keiko Fujimori", "Ollanta Humala", "Maria Lopez",
          "Victor Crespo", "John Smith", "Roberto Chiabra"]
GROUPS = ["the police", "the army", "the Interior Ministry", "the United Nations",
          "the government", "a group of armed men", "Shining Path", "the navy"]
CITIES = ["Lima", "Callao", "Ayacucho", "Bolivia", "Colombia", "Cusco"]  # each one name
PLACES = [*CITIES, "the VRAEM valley"]
# a calendar date that needs no publication date to get a value
# with the TIMEX3 value each must get
DATES = {"on March 30, 2016": "2016-03-30", "on 19 April 2016": "2016-04-19",
         "on April 9, 2016": "2016-04-09", "in June 2002": "2002-06",
         "on 2016-04-19": "2016-04-19", "in 2012": "2012", "in March 2015": "2015-03"}
# relative ones: resolved when the example gives a publication date
RELATIVE = ["on Monday", "last week", "yesterday", "on Saturday", "this past March 30",
            "two days later", "last year"]
SAID = ["said", "told reporters", "added", "announced", "explained", "stated"]
DID = ["arrested", "attacked", "captured", "seized", "released", "accused", "detained",
       "killed", "ambushed"]
THINGS = ["two men", "the convoy", "200 kilos of cocaine", "the suspects", "a soldier",
          "the base", "their assets", "$5 million"]
QUOTES = ["We will not stop until the port is clean", "This is a terrorist attack",
          "They are lying to the country", "The army will stay in the valley",
          "Nobody was hurt in the operation", "We found the drugs in a truck"]
# what a scraper leaves behind: menus, share bars, stray marks, citation markers
NOISE = ["Home", "Share", "Share on Facebook", "Twitter", "Login", "Subscribe", "“", "”",
         "\"", "«", "[1]", "[citation needed]", "é", "$5", ":", "30", "Monday", "2016",
         "Peru", "said", "the"]


def _sentences(path) -> list[str]:
    """The corpus file's body sentences: lines of prose cut at sentence ends."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if len(line) < 60 or not line.endswith((".", ".”")) or line.startswith("•") \
                or re.match(r"\d+\. \^", line):  # a reference-list entry: no body sentence
            continue
        found += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“])", line) if len(s) > 30]
    return found


REAL = _sentences(WIKIPEDIA) + _sentences(TELESUR)
assert len(REAL) > 20, "the corpus files should give real sentences"


def _pick(options: list[str]) -> st.SearchStrategy[str]:
    return st.sampled_from(options)


def _person() -> st.SearchStrategy[str]:
    return _pick(PEOPLE)


def _when() -> st.SearchStrategy[str]:
    return _pick([*DATES, *RELATIVE])


# ---------------------------------------------------------------- sentences


@st.composite
def reported(draw) -> str:
    """'Ana Torres said on March 30, 2016 that the police arrested two men in Lima.'"""
    return (f"{draw(_person())} {draw(_pick(SAID))} {draw(_when())} that "
            f"{draw(_pick(GROUPS))} had {draw(_pick(DID))} {draw(_pick(THINGS))} "
            f"in {draw(_pick(PLACES))}.")


@st.composite
def quoted(draw) -> str:
    """'“We found the drugs in a truck,” said Ana Torres.' or 'Ana Torres said: “…”'."""
    quote, person = draw(_pick(QUOTES)), draw(_person())
    form = draw(st.integers(0, 2))
    if form == 0:
        return f"“{quote},” {draw(_pick(['said', 'added', 'explained']))} {person}."
    if form == 1:
        return f"“{quote},” {person} {draw(_pick(SAID))}."
    return f"{person} said: “{quote}.”"


@st.composite
def event(draw) -> str:
    """Active, passive, negated or hedged: 'The army did not attack the base on Monday.'"""
    actor, thing, when = draw(_pick(GROUPS)), draw(_pick(THINGS)), draw(_when())
    verb = draw(_pick(DID))
    form = draw(st.integers(0, 3))
    if form == 0:
        return f"{actor.capitalize()} {verb} {thing} in {draw(_pick(PLACES))} {when}."
    if form == 1:
        return f"{thing.capitalize()} were {verb} by {actor} {when}."
    if form == 2:
        return f"{actor.capitalize()} did not {verb.removesuffix('ed')} {thing} {when}."
    return f"{actor.capitalize()} may have {verb} {thing} {when}, {draw(_person())} said."


def soup(max_size: int = 12) -> st.SearchStrategy[str]:
    """Noise words: menus, share bars, stray quote marks, citation markers."""
    return st.lists(_pick(NOISE), min_size=1, max_size=max_size).map(" ".join)


SENTENCE = st.one_of(reported(), quoted(), event(), _pick(REAL), _pick(REAL))


@st.composite
def noisy(draw) -> str:
    """A sentence, sometimes with scraper noise glued to it."""
    sentence = draw(SENTENCE)
    if draw(st.integers(0, 4)) == 0:
        noise = draw(soup(4))
        sentence = f"{noise} {sentence}" if draw(st.booleans()) else f"{sentence} {noise}"
    return sentence


PARAGRAPH = st.one_of(
    st.lists(noisy(), min_size=1, max_size=4).map(" ".join),
    soup(),  # a menu line, a share bar, a stray mark
)


@dataclass(frozen=True)
class Anchor:
    """The paragraph every article has: a dated reported statement and a direct quote,
    'Ana Torres said on March 30, 2016 that the police had arrested two men in Lima.
    “We found the drugs in a truck,” said John Smith.'"""

    speaker: str  # 'Ana Torres'
    when: str  # 'on March 30, 2016'
    actor: str  # 'the police'
    verb: str  # 'arrested'
    thing: str  # 'two men'
    place: str  # 'Lima'
    quote: str  # 'We found the drugs in a truck'
    quote_speaker: str  # 'John Smith'

    @property
    def date(self) -> tuple[str, str]:
        """The date as written and its value: ('March 30, 2016', '2016-03-30')."""
        return self.when.split(" ", 1)[1], DATES[self.when]

    @property
    def said(self) -> str:
        return f"{self.actor} had {self.verb} {self.thing} in {self.place}"

    @property
    def statement(self) -> str:
        return f"{self.speaker} said {self.when} that {self.said}."

    @property
    def text(self) -> str:
        return f"{self.statement} “{self.quote},” said {self.quote_speaker}."


@st.composite
def anchor(draw) -> Anchor:
    return Anchor(draw(_person()), draw(_pick(list(DATES))), draw(_pick(GROUPS)),
                  draw(_pick(DID)), draw(_pick(THINGS)), draw(_pick(CITIES)),
                  draw(_pick(QUOTES)), draw(_person()))


@dataclass(frozen=True)
class Article:
    text: str
    anchor: Anchor


# the story's own prose: corpus sentences, one to three a paragraph
PROSE = st.lists(_pick(REAL), min_size=1, max_size=3).map(" ".join)


@st.composite
def articles(draw) -> Article:
    """Paragraphs split by blank lines or single line breaks (which cleaning may read as
    one wrapped paragraph), with the anchor at any place among them: set apart by blank
    lines, so that a stray quotation mark elsewhere cannot swallow it, and followed by a
    paragraph of corpus prose, so that it is inside the story (an anchor alone at the end
    of a page, after a menu line, is rightly cut as a footer)."""
    before, after = draw(st.lists(PARAGRAPH, max_size=4)), draw(st.lists(PARAGRAPH, max_size=4))
    kept = draw(anchor())
    breaks = st.sampled_from(["\n\n", "\n\n", "\n", "\n \n"])
    parts = []
    for paragraph in before:
        parts += [paragraph, draw(breaks)]
    parts += ["\n\n", kept.text, "\n\n", draw(PROSE)]
    for paragraph in after:
        parts += [draw(breaks), paragraph]
    return Article("".join(parts).strip(), kept)


PUBLISHED = st.sampled_from([None, "2016-04-19", "2002-06-30"])
