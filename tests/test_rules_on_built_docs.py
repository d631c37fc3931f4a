"""The quote, speaker and event rules on Docs built by hand: every word's tag, dependency
and head is set here, so a test checks what the rule makes of a parse, not what the
statistical model happens to parse. Only our components run on them, in pipeline order
(entities, dates, events, quotes); the model's tagger, parser and recogniser do not.

A parse is written one token a line: `word TAG dep head [lemma]`, where `head` is the
index of the head token (the line number from 0; a ROOT is its own head). The part of
speech follows from the tag (an `aux` or `auxpass` verb is AUX); the lemma defaults to
the lowercase word. `\\n\\n` is a paragraph break (a SPACE token).
"""
from __future__ import annotations

from spacy.tokens import Doc

from pipeline.citations import Citation
from pipeline.events import Event

POS = {"NNP": "PROPN", "NNPS": "PROPN", "NN": "NOUN", "NNS": "NOUN", "PRP": "PRON",
       "PRP$": "PRON", "DT": "DET", "IN": "ADP", "TO": "PART", "CD": "NUM", "JJ": "ADJ",
       "RB": "ADV", "MD": "AUX", "CC": "CCONJ", "WRB": "SCONJ", "POS": "PART", "RP": "ADP",
       "``": "PUNCT", "''": "PUNCT", ",": "PUNCT", ".": "PUNCT", ":": "PUNCT", "_SP": "SPACE",
       "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB"}
NO_SPACE_BEFORE = {".", ",", "”", ":", "?", "!", "'s", "\n\n"}
NO_SPACE_AFTER = {"“", "\n\n"}
PUBLISHED = "2016-04-19"  # a Tuesday


def build(nlp, parse: str, ents: dict[str, str] | None = None,
          published: str | None = PUBLISHED) -> Doc:
    """A Doc of the parse, its entities (every occurrence of each phrase labelled), run
    through our components only."""
    rows = [line.split() for line in parse.strip().splitlines()]
    words = [row[0].replace("\\n", "\n") for row in rows]
    tags = [row[1] for row in rows]
    deps = [row[2] for row in rows]
    heads = [int(row[3]) for row in rows]
    assert all(0 <= h < len(rows) for h in heads), heads
    lemmas = [row[4] if len(row) > 4 else w.lower() for row, w in zip(rows, words)]
    pos = ["AUX" if d in ("aux", "auxpass") and POS[t] == "VERB" else
           "PART" if d == "neg" else POS[t] for t, d in zip(tags, deps)]
    spaces = [not (w in NO_SPACE_AFTER or i + 1 == len(words) or words[i + 1] in NO_SPACE_BEFORE)
              for i, w in enumerate(words)]
    iob = ["O"] * len(words)
    for phrase, label in (ents or {}).items():
        part = phrase.split()
        for i in range(len(words) - len(part) + 1):
            if words[i:i + len(part)] == part:
                iob[i:i + len(part)] = [f"B-{label}"] + [f"I-{label}"] * (len(part) - 1)
    doc = Doc(nlp.vocab, words=words, spaces=spaces, tags=tags, pos=pos, deps=deps,
              heads=heads, lemmas=lemmas, ents=iob)
    doc._.published = published
    for name in ("news_entities", "news_dates", "news_events", "news_quotes"):
        doc = nlp.get_pipe(name)(doc)
    return doc


def span(doc: Doc, phrase: str, nth: int = 0) -> tuple[int, int]:
    """Character offsets of the nth occurrence of the phrase."""
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(phrase, start + 1)
    return start, start + len(phrase)


def only(items: list):
    assert len(items) == 1, items
    return items[0]


def event(doc: Doc, trigger: str) -> Event:
    return only([e for e in doc._.events if e.trigger == trigger])


# ---------------------------------------------------------------- quotes and speakers


QUOTE_SAID_NAME = """
“       ``   punct    4
We      PRP  nsubj    4
will    MD   aux      4
not     RB   neg      4
stop    VB   ccomp    7
,       ,    punct    7
”       ''   punct    7
said    VBD  ROOT     7  say
Ana     NNP  compound 9
Torres  NNP  nsubj    7
.       .    punct    7
"""


def test_a_direct_quote_followed_by_said_and_a_name(nlp):
    doc = build(nlp, QUOTE_SAID_NAME, {"Ana Torres": "PERSON"})
    assert doc.text == "“We will not stop,” said Ana Torres."
    start, end = span(doc, "We will not stop,")
    said_start, said_end = span(doc, "Ana Torres")
    assert doc._.quotes == [Citation(
        "quote", source="Ana Torres", source_id="person/ana-torres", cue="said",
        content="We will not stop,", start=start, end=end, confidence=0.9,
        source_start=said_start, source_end=said_end)]


REPORTED = """
Ana       NNP  compound 1
Torres    NNP  nsubj    2
said      VBD  ROOT     2  say
that      IN   mark     6
the       DT   det      5
police    NNS  nsubj    6
arrested  VBD  ccomp    2  arrest
two       CD   nummod   8
men       NNS  dobj     6  man
.         .    punct    2
"""


def test_reported_speech_with_that_is_a_statement_of_its_subject(nlp):
    doc = build(nlp, REPORTED, {"Ana Torres": "PERSON"})
    start, end = span(doc, "the police arrested two men")
    assert doc._.quotes == [Citation(
        "statement", source="Ana Torres", source_id="person/ana-torres", cue="said",
        content="the police arrested two men", start=start, end=end, confidence=0.8,
        source_start=0, source_end=len("Ana Torres"))]


SPLIT = QUOTE_SAID_NAME.strip() + """
“       ``   punct    12
Never   RB   ROOT     12
.       .    punct    12
”       ''   punct    12
"""


def test_a_quote_split_by_its_attribution_is_one_quote(nlp):
    doc = build(nlp, SPLIT, {"Ana Torres": "PERSON"})
    assert doc.text == "“We will not stop,” said Ana Torres. “Never.”"
    quote = only(doc._.quotes)
    assert (quote.kind, quote.source, quote.cue, quote.content) == (
        "quote", "Ana Torres", "said", "We will not stop,” said Ana Torres. “Never.")
    assert (quote.start, quote.end) == (1, len(doc.text) - 1)


UNCLOSED = """
Ana      NNP  compound 1
Torres   NNP  nsubj    2
said     VBD  ROOT     2  say
:        :    punct    2
“        ``   punct    7
We       PRP  nsubj    7
will     MD   aux      7
stop     VB   ccomp    2
the      DT   det      9
raids    NNS  dobj     7  raid
.        .    punct    2
\\n\\n   _SP  dep      10
The      DT   det      13
talks    NNS  nsubj    14  talk
resumed  VBD  ROOT     14  resume
.        .    punct    14
"""


def test_an_unclosed_quote_ends_with_its_paragraph(nlp):
    doc = build(nlp, UNCLOSED, {"Ana Torres": "PERSON"})
    assert doc.text == "Ana Torres said: “We will stop the raids.\n\nThe talks resumed."
    quote = only([c for c in doc._.quotes if c.kind == "quote"])
    assert (quote.source, quote.cue, quote.content) == ("Ana Torres", "said",
                                                        "We will stop the raids.")
    assert (quote.start, quote.end) == span(doc, "We will stop the raids.")
    assert [c.kind for c in doc._.quotes] == ["quote"]  # no statement of the same words


PRONOUN = """
Pedro     NNP  compound 1
Castillo  NNP  nsubj    2
met       VBD  ROOT     2  meet
Ana       NNP  compound 4
Torres    NNP  dobj     2
in        IN   prep     2
Lima      NNP  pobj     5
.         .    punct    2
“         ``   punct    12
We        PRP  nsubj    12
will      MD   aux      12
not       RB   neg      12
stop      VB   ccomp    16
,         ,    punct    16
”         ''   punct    16
she       PRP  nsubj    16
said      VBD  ROOT     16  say
.         .    punct    16
"""


def test_a_pronoun_speaker_is_the_last_person_named_before_it(nlp):
    doc = build(nlp, PRONOUN, {"Pedro Castillo": "PERSON", "Ana Torres": "PERSON",
                               "Lima": "GPE"})
    quote = only(doc._.quotes)
    # "she" skips the place named after Ana Torres and is not Pedro Castillo
    assert (quote.kind, quote.source, quote.source_id, quote.cue, quote.content) == (
        "quote", "Ana Torres", "person/ana-torres", "said", "We will not stop,")
    assert quote.confidence == 0.65  # a pronoun is less sure than a name
    assert (quote.source_start, quote.source_end) == span(doc, "she")


DESCRIPTION = """
Ana       NNP  compound 1
Torres    NNP  nsubj    2
visited   VBD  ROOT     2  visit
Callao    NNP  dobj     2
.         .    punct    2
The       DT   det      6
minister  NN   nsubj    7
said      VBD  ROOT     7  say
that      IN   mark     11
the       DT   det      10
port      NN   nsubj    11
reopened  VBD  ccomp    7  reopen
.         .    punct    7
"""


def test_a_described_speaker_is_the_last_person_or_organisation_named(nlp):
    doc = build(nlp, DESCRIPTION, {"Ana Torres": "PERSON", "Callao": "GPE"})
    statement = only(doc._.quotes)
    assert (statement.kind, statement.source, statement.source_id, statement.cue,
            statement.content) == ("statement", "Ana Torres", "person/ana-torres", "said",
                                   "the port reopened")
    assert statement.confidence == 0.6  # description 0.7, less 0.1 for reported speech
    assert (statement.source_start, statement.source_end) == span(doc, "The minister")


ACCORDING = """
According  VBG  prep     6  accord
to         IN   prep     0
the        DT   det      3
ministry   NN   pobj     1
,          ,    punct    6
troops     NNS  nsubj    6  troop
seized     VBD  ROOT     6  seize
the        DT   det      8
port       NN   dobj     6
.          .    punct    6
"""


def test_according_to_gives_the_rest_of_the_sentence_as_a_statement(nlp):
    doc = build(nlp, ACCORDING)
    assert doc.text == "According to the ministry, troops seized the port."
    statement = only(doc._.quotes)
    assert (statement.kind, statement.source, statement.cue, statement.content) == (
        "statement", "the ministry", "according to", "troops seized the port")
    assert (statement.start, statement.end) == span(doc, "troops seized the port")


TRANSCRIPT = """
TAPPER     NNP  dep     3
:          :    punct   3
We         PRP  nsubj   3
reopened   VBD  ROOT    3  reopen
the        DT   det     5
port       NN   dobj    3
.          .    punct   3
"""


def test_a_line_led_by_a_name_in_capitals_and_a_colon_is_a_statement(nlp):
    doc = build(nlp, TRANSCRIPT)
    statement = only(doc._.quotes)
    assert (statement.kind, statement.source, statement.source_id, statement.cue,
            statement.content) == ("statement", "Tapper", "", ":", "We reopened the port.")
    assert (statement.start, statement.end) == span(doc, "We reopened the port.")
    assert (statement.source_start, statement.source_end) == (0, len("TAPPER"))


CONTINUED = QUOTE_SAID_NAME.strip() + """
\\n\\n   _SP  dep      10
“        ``   punct    16
The      DT   det      14
army     NN   nsubj    16
will     MD   aux      16
stay     VB   ROOT     16
.        .    punct    16
”        ''   punct    16
"""


def test_an_unattributed_quote_in_the_next_paragraph_carries_on_the_last_speaker(nlp):
    doc = build(nlp, CONTINUED, {"Ana Torres": "PERSON"})
    assert doc.text.endswith("Ana Torres.\n\n“The army will stay.”")
    first, second = doc._.quotes
    assert (first.source, first.content) == ("Ana Torres", "We will not stop,")
    assert (second.kind, second.source, second.source_id, second.cue, second.content) == (
        "quote", "Ana Torres", "person/ana-torres", "", "The army will stay.")
    assert second.confidence == 0.5


TITLE_CASE_AFTER_QUOTE = QUOTE_SAID_NAME.strip() + """
\\n\\n      _SP  dep       10
“           ``   punct     14
Home        NNP  compound  14
Share       NNP  ROOT      14
on          IN   prep      14
Facebook    NNP  pobj      15
"""


def test_an_unattributed_title_case_quote_after_a_quote_does_not_raise(nlp):
    doc = build(nlp, TITLE_CASE_AFTER_QUOTE, {"Ana Torres": "PERSON"})
    assert doc.text.endswith("Ana Torres.\n\n“Home Share on Facebook")
    # a title is no quote of its own: only the attributed one is left
    assert [(c.kind, c.source, c.content) for c in doc._.quotes] == [
        ("quote", "Ana Torres", "We will not stop,")]


# ---------------------------------------------------------------- events


ACTIVE = """
Pedro     NNP  compound 1
Castillo  NNP  nsubj    2
attacked  VBD  ROOT     2  attack
Ana       NNP  compound 4
Torres    NNP  dobj     2
in        IN   prep     2
Lima      NNP  pobj     5
on        IN   prep     2
Monday    NNP  pobj     7
.         .    punct    2
"""


def test_an_active_verb_gives_actor_target_place_and_the_date_of_its_clause(nlp):
    doc = build(nlp, ACTIVE, {"Pedro Castillo": "PERSON", "Ana Torres": "PERSON",
                              "Lima": "GPE", "Monday": "DATE"})
    attacked = only(doc._.events)
    assert (attacked.start, attacked.end) == span(doc, "attacked")
    assert (attacked.trigger, attacked.event_type) == ("attacked", "ATTACK")
    assert (attacked.actor, attacked.actor_id) == ("Pedro Castillo", "person/pedro-castillo")
    assert (attacked.target, attacked.target_id) == ("Ana Torres", "person/ana-torres")
    assert (attacked.location, attacked.location_id) == ("Lima", "gpe/lima")
    # the Monday before the Tuesday of publication, for a verb in the past
    assert (attacked.date.text, attacked.date.value) == ("Monday", "2016-04-18")
    assert (attacked.negated, attacked.modality) == (False, "")


PASSIVE = """
Ana       NNP  compound 1
Torres    NNP  nsubjpass 3
was       VBD  auxpass  3  be
attacked  VBN  ROOT     3  attack
by        IN   agent    3
Pedro     NNP  compound 6
Castillo  NNP  pobj     4
.         .    punct    3
"""


def test_a_passive_verb_takes_the_actor_from_its_agent_and_the_target_from_its_subject(nlp):
    doc = build(nlp, PASSIVE, {"Pedro Castillo": "PERSON", "Ana Torres": "PERSON"})
    attacked = only(doc._.events)
    assert (attacked.trigger, attacked.event_type, attacked.actor, attacked.actor_id,
            attacked.target, attacked.target_id) == (
        "attacked", "ATTACK", "Pedro Castillo", "person/pedro-castillo", "Ana Torres",
        "person/ana-torres")
    assert attacked.date is None  # no date anywhere


NEGATED = """
The     DT   det    1
army    NN   nsubj  4
did     VBD  aux    4  do
not     RB   neg    4
attack  VB   ROOT   4
the     DT   det    6
base    NN   dobj   4
.       .    punct  4
"""


def test_did_not_attack_is_a_negated_event(nlp):
    attacked = only(build(nlp, NEGATED)._.events)
    assert (attacked.trigger, attacked.event_type, attacked.actor, attacked.target,
            attacked.negated, attacked.modality) == (
        "attack", "ATTACK", "The army", "the base", True, "")


def test_may_attack_is_hedged_by_may(nlp):
    parse = NEGATED.replace("did     VBD  aux    4  do", "may     MD   aux    4") \
        .replace("not     RB   neg    4", "soon    RB   advmod 4")
    doc = build(nlp, parse)
    assert doc.text == "The army may soon attack the base."
    attacked = only(doc._.events)
    assert (attacked.trigger, attacked.actor, attacked.target, attacked.negated,
            attacked.modality, attacked.hedged) == (
        "attack", "The army", "the base", False, "may", True)


CAPTURE = """
The       DT   det      1
police    NNS  nsubj    2
announced VBD  ROOT     2  announce
the       DT   det      4
capture   NN   dobj     2
of        IN   prep     4
Victor    NNP  compound 7
Crespo    NNP  pobj     5
by        IN   prep     4
the       DT   det      10
army      NN   pobj     8
.         .    punct    2
"""


def test_an_eventive_noun_takes_its_target_from_of_and_its_actor_from_by(nlp):
    doc = build(nlp, CAPTURE, {"Victor Crespo": "PERSON"})
    capture = event(doc, "capture")
    assert (capture.event_type, capture.target, capture.target_id, capture.actor) == (
        "ARREST", "Victor Crespo", "person/victor-crespo", "the army")
    announced = event(doc, "announced")
    assert (announced.event_type, announced.actor) == ("STATEMENT", "The police")
    assert announced.target == "the capture of Victor Crespo by the army"
    assert [e.trigger for e in doc._.events] == ["announced", "capture"]


def test_the_of_phrase_of_a_capture_names_who_was_captured_not_who_captured(nlp):
    parse = "\n".join(CAPTURE.strip().splitlines()[:8]) + "\n.  .  punct  2"
    doc = build(nlp, parse, {"Victor Crespo": "PERSON"})
    assert doc.text == "The police announced the capture of Victor Crespo."
    capture = event(doc, "capture")
    assert (capture.event_type, capture.actor, capture.target) == ("ARREST", "",
                                                                   "Victor Crespo")


RESIGNATION = """
The         DT   det      1
ministry    NN   nsubj    2
announced   VBD  ROOT     2  announce
the         DT   det      4
resignation NN   dobj     2
of          IN   prep     4
Ana         NNP  compound 7
Torres      NNP  pobj     5
.           .    punct    2
"""


def test_the_of_phrase_of_a_resignation_names_who_resigned(nlp):
    doc = build(nlp, RESIGNATION, {"Ana Torres": "PERSON"})
    resignation = event(doc, "resignation")
    assert (resignation.event_type, resignation.actor, resignation.actor_id,
            resignation.target) == ("RESIGN", "Ana Torres", "person/ana-torres", "")


SAID_ON_MONDAY = """
Ana       NNP  compound 1
Torres    NNP  nsubj    2
said      VBD  ROOT     2  say
on        IN   prep     2
Monday    NNP  pobj     3
that      IN   mark     8
the       DT   det      7
army      NN   nsubj    8
attacked  VBD  ccomp    2  attack
the       DT   det      10
base      NN   dobj     8
.         .    punct    2
"""


def test_a_date_belongs_to_its_own_clause_not_to_the_clause_reported(nlp):
    doc = build(nlp, SAID_ON_MONDAY, {"Ana Torres": "PERSON", "Monday": "DATE"})
    said, attacked = event(doc, "said"), event(doc, "attacked")
    assert (said.event_type, said.actor, said.date.value) == ("STATEMENT", "Ana Torres",
                                                              "2016-04-18")
    assert (attacked.actor, attacked.target, attacked.date) == ("the army", "the base", None)


SCENE = """
The       DT   det      1
attack    NN   nsubj    2
took      VBD  ROOT     2  take
place     NN   dobj     2
on        IN   prep     2
March     NNP  pobj     4
30        CD   nummod   5
,         ,    punct    2
when      WRB  advmod   11
the       DT   det      10
army      NN   nsubj    11
captured  VBD  advcl    2  capture
Victor    NNP  compound 13
Crespo    NNP  dobj     11
.         .    punct    2
"""


def test_a_clause_takes_the_date_of_the_scene_setting_clause_it_hangs_from(nlp):
    doc = build(nlp, SCENE, {"Victor Crespo": "PERSON", "March 30": "DATE"})
    captured = only(doc._.events)  # 'took place' and a bare 'the attack' are no events
    assert (captured.trigger, captured.event_type, captured.actor, captured.target) == (
        "captured", "ARREST", "the army", "Victor Crespo")
    assert (captured.date.text, captured.date.value) == ("March 30", "2016-03-30")


CONJOINED = """
The       DT   det      1
army      NN   nsubj    2
attacked  VBD  ROOT     2  attack
the       DT   det      4
base      NN   dobj     2
and       CC   cc       2
captured  VBD  conj     2  capture
Victor    NNP  compound 8
Crespo    NNP  dobj     6
on        IN   prep     6
Monday    NNP  pobj     9
.         .    punct    2
"""


def test_a_conjoined_verb_shares_the_subject_and_keeps_its_own_date(nlp):
    doc = build(nlp, CONJOINED, {"Victor Crespo": "PERSON", "Monday": "DATE"})
    attacked, captured = event(doc, "attacked"), event(doc, "captured")
    assert (captured.event_type, captured.actor, captured.target, captured.date.value) == (
        "ARREST", "The army", "Victor Crespo", "2016-04-18")
    # the date is the conjoined verb's own; the first verb's clause leaves it out
    assert (attacked.actor, attacked.target, attacked.date) == ("The army", "the base", None)


SHOT_DOWN = """
The     DT   det       1
plane   NN   nsubjpass 3
was     VBD  auxpass   3  be
shot    VBN  ROOT      3  shoot
down    RP   prt       3
by      IN   agent     3
the     DT   det       7
army    NN   pobj      5
.       .    punct     3
"""


def test_a_phrasal_verb_is_one_trigger_with_its_particle(nlp):
    shot = only(build(nlp, SHOT_DOWN)._.events)
    assert (shot.trigger, shot.event_type, shot.actor, shot.target) == (
        "shot down", "ATTACK", "the army", "The plane")
