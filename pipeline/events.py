"""Events: who did what to whom, where and when, read off the dependency parse.

A trigger is a verb heading a clause with a subject or an object (light and stative verbs
are listed as stop words in models/event_types.json), kept whole with its particle ("shot
down"), or an eventive noun of that lexicon with an argument or a date ("the capture of X",
"an attack on X"). Its date is the temporal expression of its own clause (or of the verb
it is conjoined to), else of a scene-setting clause it hangs from ("took place on March 30,
when X was captured"), else the last one of the previous sentence in the same paragraph when
that sentence sets the scene ("The second event took place on April 9. A group ... attacked
...") or this one narrates a consequence ("The ensuing scandal caused ..."). Any other date
nearby is left alone: on TempEval-3, events that took their sentence's or the previous
sentence's date regardless were dated wrongly four times out of five. A clause describing a
noun is not the event's ("The traffickers, who attacked on Saturday, killed ..."), nor is a
date that only bounds it ("fell for the first time since August"). An actor or target
that is a pronoun is what it stands for where the text says so plainly: the speaker of the
clause it opens ("the Fed signalled it could cut"), or for "he" and "she" the person named
last, as a subject first.
"""
from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

from spacy.attrs import IDX, LEMMA, POS, SENT_START
from spacy.language import Language
from spacy.symbols import NOUN, VERB
from spacy.tokens import Doc, Span, Token

from pipeline.dates import Timex
from pipeline.entities import PLACE_LABELS, mention_of, mentions_by_token
from pipeline.records import doc_text, record, span_text
from pipeline.resources import HEDGES, MODELS, LexiconRules

SUBJECT, PASSIVE_SUBJECT, OBJECT = {"nsubj", "csubj"}, {"nsubjpass", "csubjpass"}, {"dobj"}
# Dependents that are clauses of their own: their words are not this event's arguments.
CLAUSES = {"ccomp", "advcl", "conj", "parataxis", "relcl", "xcomp", "csubj", "acl"}
# Dependents cut from an argument's phrase: "Victor Crespo, a leading figure among ..."
APPENDED = {"relcl", "acl", "appos"}
RELATIVE = {"that", "which", "who", "whom"}
NOUN_PREPS = {"of", "on", "against", "by"}
MODIFIERS = {"compound", "poss", "amod", "nmod", "npadvmod"}
PLACE_PREPS = {"in", "at", "near", "through", "across", "inside", "outside", "around"}
PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")
BOUNDS = {"since", "until", "till", "before", "after"}
DESCRIBING = {"relcl", "acl"}  # clauses of a noun: 'who attacked ...', 'set in 2009'
NAMING = {"know", "call", "name", "dub"}  # 'the valley known as VRAEM' names the valley
PERSONAL = {"he", "she", "him", "her"}
PRONOUNS = PERSONAL | {"it", "they", "them"}


@record
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
    negated: bool = False  # 'did not attack', 'no attack on the base'
    modality: str = ""  # the word that hedges it: 'may', 'reportedly', 'alleged', ...

    @property
    def hedged(self) -> bool:
        return bool(self.modality)


if not Doc.has_extension("events"):
    Doc.set_extension("events", default=[])


@dataclass(frozen=True)
class Lexicon:
    """models/event_types.json: `type_of` (lemma or phrase -> event type), `stop` (light
    and stative verbs that head no event), `of_names_actor` (types whose "the X of Y" names
    the actor: "the resignation of Y"), `scene_setting` ("take place": a clause that only
    says when), `consequence` (words of a sentence that narrates what followed)."""

    type_of: dict[str, str]
    stop: frozenset[str]
    of_names_actor: frozenset[str]
    scene_setting: frozenset[str]
    consequence: re.Pattern

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        data = json.loads(text)
        words = "|".join(map(re.escape, data["consequence"]))
        return cls({lemma: kind for kind, lemmas in data["types"].items() for lemma in lemmas},
                   frozenset(data["stop"]), frozenset(data["of_names_actor"]),
                   frozenset(data["scene_setting"]),
                   re.compile(rf"\b(?:{words})\b", re.IGNORECASE))


LEXICON = Lexicon.parse((MODELS / "event_types.json").read_text(encoding="utf-8"))


# ---------------------------------------------------------------- triggers


def _child(token: Token, deps: set[str]) -> Token | None:
    return next((c for c in token.children if c.dep_ in deps), None)


def _verb_words(verb: Token, lex: Lexicon) -> list[Token]:
    """The verb, then its particle ('shot down') or the bare verb completing a listed
    phrase ('let Crespo go' -> 'let go')."""
    particles, completing = [], []
    for c in verb.children:  # one pass: each pass over them makes their Tokens anew
        if c.dep_ == "prt":
            particles.append(c)
        elif c.dep_ in ("ccomp", "xcomp") and f"{verb.lemma_} {c.lemma_}" in lex.type_of:
            completing.append(c)
    return [verb, *particles, *completing]


def _lemma(words: list[Token]) -> str:
    return " ".join(w.lemma_.lower() for w in words)


def _has_argument(verb: Token) -> bool:
    """A subject or object of its own, or one shared with the verb it is conjoined to."""
    while True:
        if _child(verb, SUBJECT | PASSIVE_SUBJECT | OBJECT):
            return True
        if verb.dep_ != "conj" or verb.head.pos_ != "VERB":
            return False
        verb = verb.head


def _trigger(token: Token, dates: _Dates, lex: Lexicon) -> list[Token]:
    """The words of the event this token (a verb or a noun) heads, or [] when it heads
    none."""
    if token.pos_ == "VERB" and token.dep_ not in ("amod", "compound"):
        words = _verb_words(token, lex)
        if (len(words) > 1 or token.lemma_.lower() not in lex.stop) and _has_argument(token):
            return words
    elif token.pos_ == "NOUN" and token.lemma_.lower() in lex.type_of:
        argument = any(c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ in NOUN_PREPS
                       and _child(c, {"pobj"}) for c in token.children)
        if argument or dates.within(set(range(token.left_edge.i, token.right_edge.i + 1)),
                                    token):
            return [token]
    return []


# ---------------------------------------------------------------- arguments


def _phrase(head: Token) -> Span:
    """The noun phrase of a head, cut before the first clause inside it (relative clause,
    appositive, 'of using ...') and without end punctuation."""
    doc = head.doc
    cut = [t.left_edge.i for t in head.subtree if t.i > head.i and (
        t.dep_ in APPENDED or t.dep_ == "prep" and _child(t, {"pcomp"}) is not None)]
    start, end = head.left_edge.i, min(cut, default=head.right_edge.i + 1)
    while end > start + 1 and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return doc[start:end]


def _reported_speaker(pronoun: Token) -> Token | None:
    """'The embassy said it welcomed the plan': the subject of a clause reported by a
    verb of saying is, as a pronoun, that verb's subject."""
    verb = pronoun.head
    if pronoun.dep_ not in SUBJECT | PASSIVE_SUBJECT or verb.dep_ != "ccomp":
        return None
    speaker = _child(verb.head, SUBJECT)
    if speaker is None or speaker.lower_ in PRONOUNS or any(  # a direct quote's 'they'
            t.is_quote for t in pronoun.doc[min(speaker.i, pronoun.i):max(speaker.i,
                                                                          pronoun.i)]):
        return None
    found = mention_of(speaker)
    person = found is not None and found[1].label == "PERSON"
    plural = speaker.tag_ in ("NNS", "NNPS")
    agrees = {"it": not person and not plural, "they": plural or not person}
    return speaker if agrees.get(pronoun.lower_, not plural) else None


def _last_person(pronoun: Token) -> tuple[str, str] | None:
    """'he', 'she': the person named last as a subject before the pronoun, in its sentence
    or the two before it ('Montesinos was the head of ..., under President Fujimori. ...
    revealing him': Montesinos), else the person named last there."""
    doc, window = pronoun.doc, pronoun.sent.start
    for _ in range(2):
        window = doc[window - 1].sent.start if window > 0 else window
    named = []
    for entity in doc._.entities:
        for mention in entity.mentions:
            if entity.label == "PERSON" and doc[window].idx <= mention.start \
                    and mention.end <= pronoun.idx:
                root = doc.char_span(mention.start, mention.end, alignment_mode="expand").root
                named.append((root.dep_ in SUBJECT | PASSIVE_SUBJECT, mention.start, entity))
    if not named:
        return None
    entity = max(named, key=lambda found: found[:2])[2]
    return entity.name, entity.entity_id


def _argument(head: Token | None) -> tuple[str, str]:
    """Phrase text and entity_id of an argument ('' when it names no entity); a title
    with the name in apposition is the name ('the former minister, Roberto Chiabra'); a
    pronoun is what it stands for, where the text says it plainly: a reported speaker
    ('X said it would'), else for 'he' or 'she' the person named last."""
    if head is None:
        return "", ""
    if head.lower_ in PRONOUNS:
        speaker = _reported_speaker(head)
        if speaker is None:
            return _last_person(head) or (head.text, "") if head.lower_ in PERSONAL \
                else (head.text, "")
        head = speaker
    found = mention_of(head)
    named = next((c for c in head.children if c.dep_ == "appos" and mention_of(c)), None)
    if found is None and named is not None:
        head, found = named, mention_of(named)
    return span_text(_phrase(head)), found[1].entity_id if found else ""


def _verb_roles(verb: Token, words: list[Token]) -> tuple[Token | None, Token | None]:
    """Actor and target of a verb (`words`: it and the words completing it, `_verb_words`):
    the active subject or the passive agent; the object or the passive subject. Conjoined
    and controlled verbs share their head's subject, in the role their own voice gives it."""
    agent = _child(verb, {"agent"})
    actor = _child(agent, {"pobj"}) if agent is not None else None
    target = _child(verb, OBJECT)
    passive = _child(verb, PASSIVE_SUBJECT | {"auxpass"}) is not None
    head, subject = verb, _child(verb, SUBJECT | PASSIVE_SUBJECT)
    while subject is None and head.dep_ in ("conj", "xcomp") and head.head.pos_ == "VERB":
        controller = _child(head.head, OBJECT) if head.dep_ == "xcomp" else None
        head = head.head  # 'revealed him bribing': the object controls the complement
        subject = controller or _child(head, SUBJECT | PASSIVE_SUBJECT)
    if subject is not None and subject.lower_ in RELATIVE and head.dep_ == "relcl":
        subject = head.head
    if passive:
        target = target or subject
    else:
        actor = actor or subject
    for word in words[1:]:  # 'let Crespo go': the completing verb's subject
        target = target or _child(word, SUBJECT)
    return actor, target


def _noun_roles(noun: Token, kind: str,
                of_names_actor: frozenset[str]) -> tuple[Token | None, Token | None]:
    """'Fujimori's resignation', 'the capture of X by Y', 'an attack on X'."""
    preps = {c.lower_: _child(c, {"pobj"}) for c in noun.children if c.dep_ == "prep"}
    of = preps.get("of")
    actor = _child(noun, {"poss"}) or preps.get("by") or (of if kind in of_names_actor else None)
    target = preps.get("on") or preps.get("against") or (None if kind in of_names_actor else of)
    return actor, target


def _clause(head: Token) -> set[int]:
    """Token indices of the head's own clause: its subtree without the clauses embedded in
    it, and without the clauses that describe a noun of it ('The traffickers, who attacked
    on Saturday, killed ...': Saturday is the attack's), but for one that names the noun
    ('the valley known as VRAEM')."""
    inside, stack = set(), [head]
    while stack:
        token = stack.pop()
        inside.add(token.i)
        stack += [c for c in token.children if not (
            c.pos_ in ("VERB", "AUX") and (c.dep_ in CLAUSES if token is head else
                                           c.dep_ in DESCRIBING)
            and c.lemma_.lower() not in NAMING)]
    return inside


def _location(doc: Doc, tokens: set[int], others: set[str]) -> tuple[str, str]:
    """A place entity named as a place among the tokens (not a modifier as in 'the US
    list', not the actor or target itself), else an untagged proper noun after in/at."""
    by_token = mentions_by_token(doc)
    for i in sorted(tokens):
        found = by_token.get(i)
        if found is None or found[1].label not in PLACE_LABELS or found[1].entity_id in others:
            continue
        mention, entity = found
        root = doc.char_span(mention.start, mention.end, alignment_mode="expand").root
        if root.dep_ not in MODIFIERS:
            return mention.text, entity.entity_id
    for i in sorted(tokens):
        token = doc[i]
        if token.dep_ == "pobj" and token.pos_ == "PROPN" and not token.ent_type_ \
                and token.head.lower_ in PLACE_PREPS:
            return span_text(_phrase(token)), ""
    return "", ""


# ---------------------------------------------------------------- polarity and modality


def _negated(head: Token) -> bool:
    """'did not attack', 'was never arrested', 'no attack on': the trigger, or a verb it
    completes ('did not try to flee'), is negated."""
    token = head
    while not any(c.dep_ == "neg" or c.dep_ == "det" and c.lower_ == "no"
                  for c in token.children):
        if token.dep_ != "xcomp":
            return False
        token = token.head
    return True


def _modality(head: Token) -> str:
    """The hedge word (models/hedges.txt) qualifying the event: a modal, adverb or adjective
    of its trigger, of a verb it completes ('appears to have fled') or of the verb it shares
    a subject with ('may attack and kill'); '' when the event is asserted."""
    token = head
    while True:
        for child in token.children:
            if child.dep_ in ("aux", "advmod", "amod") and child.lower_ in HEDGES:
                return child.lower_
        if token.i != head.i:
            for phrase in (token.lower_, f"{token.lower_} to"):
                if phrase in HEDGES:
                    return phrase
        shares_subject = token.dep_ == "conj" and _child(token, SUBJECT) is None
        if token.dep_ != "xcomp" and not shares_subject:
            return ""
        token = token.head


# ---------------------------------------------------------------- dates


def calendar_dates(doc: Doc) -> list[Timex]:
    """The dates an event can be dated by: DATE and TIME expressions with a calendar value
    (not durations, sets or 'now')."""
    return [t for t in doc._.dates if t.type in ("DATE", "TIME") and re.search(r"\d", t.value)]


class _Dates:
    """The document's calendar dates by position, and which one dates an event (with the
    lexicon's scene-setting and consequence words)."""

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.doc, self.lex = doc, lex
        self.timexes = calendar_dates(doc)
        self.starts = [t.start for t in self.timexes]
        self.roots = [doc.char_span(t.start, t.end, alignment_mode="expand").root.i
                      for t in self.timexes]
        # 'fell for the first time since August': a bound, not when the event was
        self.bounds = {i for i, root in enumerate(self.roots)
                       if doc[root].dep_ == "pobj" and doc[root].head.lower_ in BOUNDS}
        self.paragraphs = [0] + [m.end() for m in PARAGRAPH_BREAK.finditer(doc_text(doc))]
        # found once, from the arrays: Token.sent walks the Doc, Doc.sents builds every Span
        starts = [(i, char) for i, (start, char) in
                  enumerate(doc.to_array([SENT_START, IDX]).tolist()) if start == 1 and i]
        self.sentence_starts = [0] + [i for i, _ in starts]
        self.sentence_chars = [0] + [char for _, char in starts]  # where each one starts
        self.narrates: dict[int, bool] = {}  # sentence number -> says what followed

    def _sentence(self, token: Token) -> int:
        return bisect.bisect_right(self.sentence_starts, token.i) - 1

    def sentence(self, number: int) -> Span:
        starts = self.sentence_starts
        return self.doc[starts[number]:starts[number + 1] if number + 1 < len(starts)
                        else len(self.doc)]

    def _between(self, start: int, end: int) -> range:
        return range(bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end))

    def within(self, tokens: set[int], near: Token) -> Timex | None:
        """The date nearest `near` whose head word is one of the tokens."""
        if not tokens:
            return None
        doc = self.doc
        first, last = doc[min(tokens)], doc[max(tokens)]
        found = [i for i in self._between(first.idx, last.idx + len(last))
                 if self.roots[i] in tokens and i not in self.bounds]
        return self.timexes[min(found, key=lambda i: abs(self.roots[i] - near.i))] \
            if found else None

    def before(self, number: int, *, across_paragraphs: bool = False) -> int | None:
        """Index of the last date of the sentence before sentence `number`, when in the same
        paragraph (or in any, for a sentence that says it follows on: 'The ensuing scandal
        ...')."""
        if number == 0:
            return None
        start, previous = self.sentence_chars[number], self.sentence_chars[number - 1]
        i = bisect.bisect_left(self.starts, start) - 1
        paragraph = self.paragraphs[bisect.bisect_right(self.paragraphs, start) - 1]
        earliest = previous if across_paragraphs else max(paragraph, previous)
        return i if i >= 0 and self.timexes[i].start >= earliest else None

    def of(self, head: Token, clause: set[int]) -> Timex | None:
        """Own clause or the clauses of the verbs it is conjoined to; else a scene-setting
        clause it hangs from ('took place on March 30, when X was captured'); else the
        previous sentence's date, when that sentence sets the scene or this one narrates a
        consequence, even across a paragraph break (models/event_types.json, `_dates`)."""
        date = self.within(clause, head)
        while date is None and head.dep_ == "conj":
            head = head.head
            date = self.within(_clause(head), head)
        setting = head
        while date is None and setting.head.i != setting.i:  # up to the sentence's root
            setting = setting.head
            if _sets_scene(setting, self.lex.scene_setting):
                date = self.within(_clause(setting), setting)
        if date is not None:
            return date
        number = self._sentence(head)
        if number not in self.narrates:
            self.narrates[number] = bool(self.lex.consequence.search(
                span_text(self.sentence(number))))
        narrated = self.narrates[number]
        previous = self.before(number, across_paragraphs=narrated)
        if previous is None:
            return None
        anchor = self.doc[self.roots[previous]]  # the verb the previous date belongs to
        while anchor.pos_ not in ("VERB", "AUX") and anchor.head.i != anchor.i:
            anchor = anchor.head
        return self.timexes[previous] if narrated or _sets_scene(
            anchor, self.lex.scene_setting) else None


def _sets_scene(verb: Token, scene_setting: frozenset[str]) -> bool:
    """'took place', 'happened', 'occurred': a clause that only says when something was."""
    lemma = verb.lemma_.lower()
    return lemma in scene_setting or any(f"{lemma} {c.lemma_.lower()}" in scene_setting
                                         for c in verb.children if c.dep_ == "dobj")


# ---------------------------------------------------------------- events


def _event(words: list[Token], dates: _Dates) -> Event:
    head, type_of = words[0], dates.lex.type_of
    kind = type_of.get(_lemma(words)) or type_of.get(head.lemma_.lower(), "OTHER")
    actor, target = (_verb_roles(head, words) if head.pos_ == "VERB"
                     else _noun_roles(head, kind, dates.lex.of_names_actor))
    clause = _clause(head)
    if actor is not None:  # 'Peru's president visited Chile' happened in Chile
        phrase = _phrase(actor)  # (a clause hanging from the actor is its own)
        clause -= set(range(phrase.start, phrase.end))
    (actor_text, actor_id), (target_text, target_id) = _argument(actor), _argument(target)
    location = _location(head.doc, clause, {actor_id, target_id} - {""})
    shown = words[:1]  # the trigger is what stands together: 'let Crespo go' shows 'let'
    for word in words[1:]:
        shown += [word] if word.i == shown[-1].i + 1 else []
    start, end = shown[0].idx, shown[-1].idx + len(shown[-1])
    trigger = doc_text(head.doc)[start:end]
    return Event(start, end, trigger, kind, dates.of(head, clause),
                 actor_text, actor_id, target_text, target_id, *location,
                 _negated(head), _modality(head))


def find_events(doc: Doc, lex: Lexicon = LEXICON) -> list[Event]:
    """Every event of a parsed Doc with doc._.entities and doc._.dates set, by position."""
    dates, strings = _Dates(doc, lex), doc.vocab.strings
    # every verb, and the nouns of the lexicon (`_trigger`), read off the arrays
    heads = [i for i, (pos, lemma) in enumerate(doc.to_array([POS, LEMMA]).tolist())
             if pos == VERB or pos == NOUN and strings[lemma].lower() in lex.type_of]
    return [_event(words, dates) for i in heads if (words := _trigger(doc[i], dates, lex))]


@Language.factory("news_events", default_config={"lexicon": "event_types.json"},
                  requires=["doc._.entities", "doc._.dates", "token.dep", "token.lemma"],
                  assigns=["doc._.events"])
def make_events(nlp: Language, name: str, lexicon: str) -> LexiconRules:
    """`lexicon`: event types and the words that set a scene (`Lexicon`; a file of models/,
    or a path)."""
    return LexiconRules(name, lexicon, Lexicon.parse, find_events, "events")
