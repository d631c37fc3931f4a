"""Entities: the model's name mentions, cleaned, and grouped into one entity per real-world name.

A news text names someone in full once and shortens the name afterwards ("Vladimiro
Montesinos" ... "Montesinos", "Servicio de Inteligencia Nacional (SIN)" ... "SIN"), and the
statistical model labels the same name differently from one sentence to the next or misses a
repeat. So mentions are read document-wide: repeats of a found name are recovered, short
forms and acronyms fold into the full name mentioned earlier, and each entity gets one label
by vote, with cue nouns ("airline X", "X, the terrorist group", "X was the head of") outranking
the model's guess. `entity_id` is a slug of label and fullest name, so the same person gets
the same id in every document.
"""
from __future__ import annotations

import bisect
import json
import re
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass, field

from spacy.attrs import ENT_IOB, ORTH, POS
from spacy.language import Language
from spacy.symbols import PROPN
from spacy.tokens import Doc, Span, Token

from pipeline.clean import find_dateline
from pipeline.records import doc_text, record, span_text
from pipeline.resources import MODELS, LexiconRules


@dataclass(frozen=True)
class Lexicon:
    """models/entity_lexicon.json: `acronym_skip` (words an acronym leaves out: "of",
    "de"), `leading_trim` (words cut off a name's start: "the"), `cue_label` (cue noun ->
    the label it gives a name beside it: "airline" -> ORG), `titles` (cut off a person's
    name: "Mr", "President"), `always_person` (the titles only a person has), `not_names`
    (forms that are never an entity: "BST"), `short_form` (a well-known name's short form
    -> the name and its label: "Fed" -> ("Federal Reserve", "ORG")), `name_head` (a name's
    last word -> the label it gives the name: "festival" -> EVENT, "stadium" -> FAC),
    `masthead` (the last words of a newspaper's name, which keeps its 'The': "times")."""

    acronym_skip: frozenset[str]
    leading_trim: frozenset[str]
    cue_label: dict[str, str]
    titles: frozenset[str]
    always_person: frozenset[str]
    not_names: frozenset[str]
    short_form: dict[str, tuple[str, str]]
    name_head: dict[str, str]
    masthead: frozenset[str]

    @classmethod
    def parse(cls, text: str) -> Lexicon:
        data = json.loads(text)
        return cls(frozenset(data["acronym_skip"]), frozenset(data["leading_trim"]),
                   {word: label for label, words in data["type_cues"].items() for word in words},
                   frozenset(data["titles"]), frozenset(data["always_person"]),
                   frozenset(data["not_names"]),
                   {form: (name, label) for label, names in data["short_forms"].items()
                    for name, forms in names.items() for form in (name, *forms)},
                   {word: label for label, words in data["name_heads"].items()
                    for word in words},
                   frozenset(data["masthead"]))

    def title(self, token: Token) -> bool:
        return token.lower_.rstrip(".") in self.titles


LEXICON = Lexicon.parse((MODELS / "entity_lexicon.json").read_text(encoding="utf-8"))

# Names only: numbers, dates and money belong to other stages.
LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                    "WORK_OF_ART", "LAW", "LANGUAGE"})
# "Lima, Peru" is a place chain, not one place with two names.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# A word of a people or a faith: 'Christian', 'Chinese', 'Spanish'; and, tagged as an
# adjective (not 'Iran', 'Mali'), 'American', 'Iraqi'.
DEMONYM = re.compile(r"[A-Z][a-z]+(?:ian|ean|ese|ish)")
ADJECTIVE_DEMONYM = re.compile(r"[A-Z][a-z]+(?:an|i)")
MODIFIER_DEPS = {"amod", "compound", "nmod"}
STANCE_PREFIX = re.compile(r"(?i)(?:pro|anti|non)-")
OUTSIDE = 2  # the ENT_IOB value of a token outside every entity ("O")
ACRONYM = re.compile(r"[A-Z](?:\.?[A-Z&])+\.?s?")


@record
@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    label: str  # the model's label for this mention (the entity's label may differ)


@record
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
# Mention lookups by position, built once per entity list; kept off the Doc (not user
# data) so that a serialised Doc carries only the records.
_INDEX: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------- mentions


@dataclass
class _Candidate:
    span: Span
    label: str
    voted: bool  # found by the model; recovered repeats do not vote on the label
    cue: str = ""  # the label a cue noun gives it, if any
    form: str = ""  # the form it is grouped by, when not its text ('Lima' for 'LIMA')


def _form(text: str) -> str:
    """The surface form mentions are matched on: whitespace and apostrophes normalised."""
    return " ".join(text.split()).replace("’", "'")


def _trim(span: Span, lex: Lexicon) -> Span:
    """No leading article or punctuation, no trailing possessive, punctuation or currency
    sign ('US $')."""
    tokens = list(span)  # each doc[i] makes its Token anew
    start, end = 0, len(tokens)
    while start < end and (tokens[start].is_punct or tokens[start].is_space
                           or tokens[start].lower_ in lex.leading_trim):
        start += 1
    while end > start and (tokens[end - 1].is_punct or tokens[end - 1].is_space
                           or tokens[end - 1].tag_ == "POS" or tokens[end - 1].is_currency):
        end -= 1
    return span[start:end]


def _pieces(span: Span) -> list[Span]:
    """An entity cut before each appositive inside it: 'CIA, the American Intelligence
    Agency' and 'Servicio de Inteligencia Nacional (SIN)' are two names each."""
    cuts = sorted({t.left_edge.i for t in span if t.dep_ == "appos"
                   and span.start <= t.head.i < t.i and t.left_edge.i > span.start
                   and span.doc[t.left_edge.i - 1].is_punct})
    bounds = [span.start, *cuts, span.end]
    return [span.doc[a:b] for a, b in zip(bounds, bounds[1:])]


def _stance(span: Span) -> bool:
    """An adjective made of a name ('pro-Beijing', 'anti-EU'), whether the prefix is in the
    span or the tokenizer split it off before it ('pro', '-', 'Beijing')."""
    doc, i = span.doc, span.start
    return bool(STANCE_PREFIX.match(span_text(span))) or (
        i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_
        and not doc[i - 2].whitespace_ and bool(STANCE_PREFIX.fullmatch(doc[i - 2].text + "-")))


def _is_name(span: Span) -> bool:
    """Has a letter, is not a lone lowercase stop word the model mistook for a name, nor
    an adjective made of one ('pro-Beijing', 'anti-EU')."""
    if not any(c.isalpha() for c in span_text(span)) or _stance(span):
        return False
    return not (len(span) == 1 and span[0].is_lower and span[0].is_stop)


def _name_part(token: Token, lex: Lexicon) -> bool:
    """A capitalised proper noun outside every entity, and no title word ('President')."""
    return (token.ent_iob_ == "O" and token.pos_ == "PROPN" and token.text[:1].isupper()
            and token.lower_ not in lex.cue_label)


def _extend(span: Span, lex: Lexicon) -> Span:
    """The span grown over the compound name parts the model left out ('Aero' of 'Aero
    Continente Chile', 'Vladimiro' before a recovered 'Montesinos')."""
    doc, start, end = span.doc, span.start, span.end
    while start > 0 and _name_part(doc[start - 1], lex) and doc[start - 1].dep_ == "compound" \
            and start <= doc[start - 1].head.i < end:
        start -= 1
    while end < len(doc) and _name_part(doc[end], lex) and doc[end - 1].dep_ == "compound" \
            and doc[end - 1].head.i == end:
        end += 1
    return doc[start:end]


def _next_to(span: Span, noun: Token) -> bool:
    """Nothing but the noun's own modifiers stands between the span and the noun: an
    appositive attaches to the nearest noun phrase, whatever the parse says."""
    lo, hi = (span.end, noun.i) if noun.i >= span.end else (noun.i + 1, span.start)
    return all(t.head.i == noun.i or t.pos_ not in ("NOUN", "PROPN") for t in span.doc[lo:hi])


def _demonym(token: Token) -> bool:
    return bool(DEMONYM.fullmatch(token.text)) or (
        token.tag_ == "JJ" and bool(ADJECTIVE_DEMONYM.fullmatch(token.text)))


def _cue(span: Span, lex: Lexicon) -> str:
    """The label a cue noun gives the mention: its own last word, capitalised ('Paralympic
    Games', 'Johnson Space Center'); NORP for words of peoples or faiths before a common
    noun ('American Christian missionary'); a modifier before it ('airline X', 'President
    X'), an appositive ('X, the terrorist group'; 'the drug lord X') or the attribute of
    'be' ('X was the head of')."""
    head = span[-1]
    if head.text[:1].isupper() and head.lower_ in lex.name_head:
        return lex.name_head[head.lower_]
    root = span.root
    if all(_demonym(t) for t in span) and root.dep_ in MODIFIER_DEPS \
            and root.head.pos_ == "NOUN":  # 'American Christian missionary'
        return "NORP"
    nouns = [c for c in root.children if c.dep_ == "compound"
             or c.dep_ == "appos" and _next_to(span, c)]
    if root.dep_ == "appos" and _next_to(span, root.head):
        nouns.append(root.head)
    if root.dep_ in ("nsubj", "nsubjpass") and root.head.lemma_ == "be":
        nouns += [c for c in root.head.children if c.dep_ == "attr"]
    words = [(n.lemma_ or n.text).lower() for n in nouns if not span.start <= n.i < span.end]
    labels = [lex.cue_label[w] for w in words if w in lex.cue_label]
    return labels[0] if labels else ""


def _untitled(span: Span, label: str, lex: Lexicon) -> tuple[Span, str]:
    """A person's name without the titles before it ('Mr Boric' -> 'Boric', which then
    folds into 'Gabriel Boric'), with the PERSON cue they give; any other name without a
    title after it ('Fed Chair' -> 'Fed')."""
    doc, start, end = span.doc, span.start, span.end
    cue = ""
    while end - start > 1 and lex.title(doc[start]) and (
            label == "PERSON" or doc[start].lower_.rstrip(".") in lex.always_person):
        start, cue = start + 1, "PERSON"
    while label != "PERSON" and end - start > 1 and lex.title(doc[end - 1]):
        end -= 1
    return doc[start:end], cue


def _candidate(span: Span, label: str, voted: bool, lex: Lexicon) -> _Candidate:
    span, title_cue = _untitled(_extend(span, lex), label, lex)
    return _Candidate(span, label, voted, title_cue or _cue(span, lex))


def _masthead(cand: _Candidate, lex: Lexicon) -> _Candidate:
    """A newspaper's name with the capitalised 'The' it is printed with ('The New York
    Times', 'The Canadian Press'), still grouped and named without it, so that the paper
    has one id whether or not a text writes the article."""
    span = cand.span
    if span.start and span.doc[span.start - 1].text == "The" and span[-1].lower_ in lex.masthead:
        cand.span, cand.form = span.doc[span.start - 1:span.end], _form(span_text(span))
    return cand


def _found(doc: Doc, lex: Lexicon) -> list[_Candidate]:
    """The model's name entities, cleaned and split at appositives."""
    return [_masthead(_candidate(piece, ent.label_, True, lex), lex)
            for ent in doc.ents if ent.label_ in LABELS
            for piece in (_trim(p, lex) for p in _pieces(ent))
            if len(piece) and _is_name(piece) and _form(span_text(piece)) not in lex.not_names]


def _dateline_places(found: list[_Candidate], doc: Doc, text: str) -> list[_Candidate]:
    """The places of a wire dateline ('LIMA, Peru (AP) —') are places whatever the model
    said of them ('SANTIAGO' ORG): one GPE mention per part, in place of the model's.
    `text` is the Doc's (Doc.text joins every token anew)."""
    dateline = find_dateline(text)
    if dateline is None:
        return found
    start = dateline.start("place")
    places = []
    for part in dateline["place"].split(", "):
        span = doc.char_span(start, start + len(part))
        if span is not None:
            form = part.title() if part.isupper() else part
            places.append(_Candidate(span, "GPE", True, "GPE", _form(form)))
        start += len(part) + 2
    taken = {t.i for cand in places for t in cand.span}
    return sorted([c for c in found if not taken & {t.i for t in c.span}] + places,
                  key=lambda c: c.span.start)


# Words a title-case line leaves in lower case ('Where the Money Goes'); claims read
# headlines with them too.
SMALL_WORDS = frozenset("a an and as at but by for from in into is nor of on or over per the "
                        "to up via vs with".split())
WORD = re.compile(r"[^\W\d_][\w'’.-]*")


def _stem(word: str) -> str:
    """A word without its inflection, near enough to tell 'Kills' is 'killed'."""
    if len(word) > 4:
        for ending in ("ing", "ed", "es", "s"):
            if word.endswith(ending):
                return word[:-len(ending)]
    return word


HEADLINE_CHARS = 200  # a longer line is a paragraph, whatever its case


def _framed_lines(text: str) -> tuple[list[range], list[range]]:
    """The character ranges of lines where the model's names cannot be trusted: lines in
    title case (a headline: every word capitalised, so every word looks like a name; it
    is one when a word of it is written in lower case elsewhere in the text, where a list
    of names is not) and the rows of a table ('Schools | 10.2 | 12.3'); and, apart, the
    header rows of tables ('Department | 2024 | Change'), whose cells name columns, never
    entities."""
    title_case, headers, framed, in_table = [], [], [], False
    for line in re.finditer(r"[^\n]+", text):
        row, words = range(line.start(), line.end()), line.group()
        if " | " in words:
            (framed if in_table else headers).append(row)
            in_table = True
            continue
        in_table = False
        if len(words) > HEADLINE_CHARS or words.rstrip().endswith("."):
            continue
        found = WORD.findall(words)
        content = [w for w in found if w.lower() not in SMALL_WORDS]
        if 3 <= len(content) and len(found) <= 20 and all(w[0].isupper() for w in content):
            title_case.append((row, content))
    if title_case:
        lower = {_stem(w) for w in re.findall(r"\b[a-z][a-z'’-]+\b", text)}
        framed += [row for row, content in title_case
                   if any(_stem(w.lower()) in lower for w in content)]
    return framed, headers


def _confirmed(found: list[_Candidate], text: str, lex: Lexicon) -> list[_Candidate]:
    """Names in a headline or a table row are kept only as far as the body confirms them:
    'Peru Declares Emergency' keeps 'Peru' when the body names Peru, 'Inflation Cools' goes.
    Table header cells go. What is kept does not vote on the label; the body decides it."""
    framed, headers = _framed_lines(text)
    if not framed and not headers:
        return found

    def inside(cand: _Candidate, rows: list[range]) -> bool:
        return any(cand.span.start_char in row for row in rows)

    def key(form: str) -> str:
        return lex.short_form.get(form, (form,))[0]

    body = [c for c in found if not inside(c, framed + headers)]
    known = {key(_form(span_text(c.span))) for c in body} | {
        c.span[-1].text for c in body if c.label == "PERSON" and len(c.span) > 1}
    kept = []
    for cand in found:
        if inside(cand, headers):
            continue
        if not inside(cand, framed):
            kept.append(cand)
            continue
        span = cand.span
        confirmed = next((span[i:i + n] for n in range(len(span), 0, -1)
                          for i in range(len(span) - n + 1)
                          if key(_form(span_text(span[i:i + n]))) in known), None)
        if confirmed is not None:
            kept.append(_Candidate(confirmed, cand.label, False, cand.cue))
    return kept


@dataclass(frozen=True)
class _Columns:
    """Per token, read once as arrays (iterating the Doc would build every Token anew): its
    word id, whether it is outside every entity, whether it is a proper noun."""

    orths: list[int]
    outside: list[bool]
    proper: list[bool]

    @classmethod
    def of(cls, doc: Doc) -> _Columns:
        columns = doc.to_array([ORTH, ENT_IOB, POS])
        return cls(columns[:, 0].tolist(), (columns[:, 1] == OUTSIDE).tolist(),
                   (columns[:, 2] == PROPN).tolist())


def _recovered(doc: Doc, found: list[_Candidate], lex: Lexicon,
               columns: _Columns) -> list[_Candidate]:
    """Repeats of a found name that the model left unlabelled elsewhere in the document."""
    names: dict[int, dict[tuple[int, ...], str]] = {}  # by the words' orth ids
    for cand in found:
        words = tuple(t.orth for t in cand.span)
        if any(c.isupper() for c in span_text(cand.span)):
            names.setdefault(words[0], {}).setdefault(words, cand.label)
    longest_first = {first: sorted(options.items(), key=lambda kv: -len(kv[0]))
                     for first, options in names.items()}
    orths, outside = columns.orths, columns.outside
    recovered, i = [], 0
    while i < len(orths):
        for words, label in longest_first.get(orths[i], ()) if outside[i] else ():
            end = i + len(words)
            if tuple(orths[i:end]) == words and all(outside[i:end]):
                recovered.append(_candidate(doc[i:end], label, False, lex))
                i = end - 1
                break
        i += 1
    return recovered


def _surnames(doc: Doc, found: list[_Candidate], lex: Lexicon,
              columns: _Columns) -> list[_Candidate]:
    """Lone surnames the model left unlabelled of people the text names in full ('Whitmore'
    after 'Jeff Whitmore'): a proper noun outside every entity, with no other proper noun
    beside it, since 'Whitmore Street' or 'Ann Whitmore' is another name. A name with a word
    in lower case has no surname: 'Clare' of 'Earl of Clare' is a place."""
    surnames = {c.span[-1].orth for c in found if (c.cue or c.label) == "PERSON"
                and len(c.span) > 1 and c.span[-1].is_alpha
                and all(t.text[:1].isupper() for t in c.span)}
    if not surnames:
        return []
    orths, outside, proper = columns.orths, columns.outside, columns.proper
    return [_candidate(doc[i:i + 1], "PERSON", False, lex)
            for i, orth in enumerate(orths)
            if orth in surnames and outside[i] and proper[i]
            and not (i > 0 and proper[i - 1]) and not (i + 1 < len(orths) and proper[i + 1])]


# ---------------------------------------------------------------- grouping


def _vote(labels: list[str]) -> str:
    """The most frequent label; on a tie, the first one seen."""
    counts = Counter(labels)
    return max(counts, key=counts.__getitem__)


def _initials(form: str, skip: frozenset[str]) -> set[str]:
    """Acronyms a name could have: every word's initial, or only those of the words an
    acronym does not `skip`."""
    words = [w for w in re.split(r"[\s-]+", form) if w[:1].isalpha()]
    return {"".join(w[0].upper() for w in words),
            "".join(w[0].upper() for w in words if w.lower() not in skip)}


def _letters(acronym: str) -> str:
    return re.sub(r"[^A-Z&]", "", acronym.removesuffix("s"))


class _Group:
    def __init__(self) -> None:
        self.members: list[_Candidate] = []
        self.forms: dict[str, bool] = {}  # surface form -> may be the canonical name
        self.branch_of: _Group | None = None  # the organisation whose name this one extends
        self.known = ""  # the well-known name it is, from the lexicon's short forms

    @property
    def label(self) -> str:
        if self.branch_of is not None:
            return self.branch_of.label
        cues = [m.cue for m in self.members if m.cue]
        voted = [m.label for m in self.members if m.voted]
        return _vote(cues or voted or [m.label for m in self.members])

    @property
    def last(self) -> int:
        return self.members[-1].span.start

    def long_forms(self) -> list[str]:
        return [f for f, nameable in self.forms.items() if nameable and " " in f]


class _Grouper:
    """Assigns each mention, in text order, to the entity it names."""

    def __init__(self, lex: Lexicon) -> None:
        self.lex = lex
        self.groups: list[_Group] = []
        self.by_form: dict[str, _Group] = {}
        self.by_token: dict[int, _Group] = {}

    def add(self, cand: _Candidate) -> None:
        form = cand.form or _form(span_text(cand.span))
        known = self.lex.short_form.get(form)
        if known is not None:  # 'the Fed': the Federal Reserve, an ORG
            cand.cue = known[1]
        group, nameable = self.by_form.get(known[0] if known else form), True
        if group is None and known is None:
            group = self._acronym_host(form)
            if group is None and (group := self._surname_host(cand, form)) is not None:
                cand.cue = "PERSON"  # the model's ORG on each later 'Nida' must not outvote
        if group is None:
            group = self._appositive_host(cand)
            nameable = group is None
        if group is None:
            group = _Group()
            self.groups.append(group)
        group.members.append(cand)
        group.forms.setdefault(form, nameable)
        self.by_form.setdefault(form, group)
        if known is not None:
            group.known = known[0]
            self.by_form.setdefault(known[0], group)
        self.by_token.update((t.i, group) for t in cand.span)
        self._alias_appositive(cand, group)

    def mark_branches(self) -> None:
        """'Aero Continente Chile' after the airline 'Aero Continente': a name the model
        took for a person's that extends a several-word organisation name is a branch of
        it. Other labels keep theirs: 'X Bridge' or 'X Center' are places named after X."""
        organisations = {f: g for g in self.groups if g.label == "ORG" for f in g.long_forms()}
        for group in self.groups:
            names = [f for f, nameable in group.forms.items() if nameable]
            if group.label == "PERSON" and names and all(
                any(name.startswith(org + " ") for org in organisations) for name in names
            ):
                group.branch_of = next(organisations[org] for org in organisations
                                       if names[0].startswith(org + " "))

    def _latest(self, groups) -> _Group | None:
        return max(groups, key=lambda g: g.last, default=None)

    def _acronym_host(self, form: str) -> _Group | None:
        """'SIN' after 'Servicio de Inteligencia Nacional', or a full name after its acronym."""
        if ACRONYM.fullmatch(form):
            letters = _letters(form)
            return self._latest(g for g in self.groups if len(letters) > 1 and any(
                letters in _initials(f, self.lex.acronym_skip) for f in g.long_forms()))
        if " " in form:
            initials = _initials(form, self.lex.acronym_skip)
            return self._latest(g for g in self.groups if any(
                ACRONYM.fullmatch(f) and _letters(f) in initials for f in g.forms))
        return None

    def _surname_host(self, cand: _Candidate, form: str) -> _Group | None:
        """A lone surname: the person most recently mentioned in full with it."""
        if len(cand.span) != 1 or not form[:1].isupper():
            return None
        return self._latest(g for g in self.groups if any(
            f.rsplit(" ", 1)[-1] == form for f in g.long_forms()) and g.label == "PERSON")

    def _appositive_host(self, cand: _Candidate) -> _Group | None:
        """'the CIA, the American Intelligence Agency': the second name is an alias."""
        root = cand.span.root
        host = self.by_token.get(root.head.i) if root.dep_ == "appos" else None
        if host is None or host.label in PLACE_LABELS or host.label != cand.label:
            return None
        return host

    def _alias_appositive(self, cand: _Candidate, group: _Group) -> None:
        """A capitalised appositive the model did not tag still names the same thing (not
        of a place; the label, a vote, is asked only when there is one)."""
        for child in cand.span.root.children:
            if child.dep_ != "appos" or child.ent_iob_ != "O" or child.pos_ != "PROPN":
                continue
            if group.label in PLACE_LABELS:
                return
            phrase = _trim(cand.span.doc[child.left_edge.i:child.i + 1], self.lex)
            if len(phrase) and all(t.text[:1].isupper() or t.lower_ in self.lex.acronym_skip
                                   for t in phrase if t.is_alpha):
                form = _form(span_text(phrase))
                group.forms.setdefault(form, False)
                self.by_form.setdefault(form, group)


def slug(name: str) -> str:
    """ASCII, lowercase, hyphenated: 'Perú Posible' -> 'peru-posible', 'U.N.' -> 'un'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = folded if re.search(r"[A-Za-z0-9]", folded) else name
    return re.sub(r"[\W_]+", "-", re.sub(r"[.'’]", "", text.lower())).strip("-")


def _entity(group: _Group) -> Entity:
    label = group.label
    nameable = [f for f, ok in group.forms.items() if ok]
    name = group.known or max(nameable, key=lambda f: (len(f.split()), len(f)))
    mentions = [Mention(m.span.start_char, m.span.end_char, span_text(m.span), m.label)
                for m in group.members]
    return Entity(f"{label.lower()}/{slug(name)}", name, label,
                  [f for f in group.forms if f != name], mentions)


def _merge(entities: list[Entity]) -> list[Entity]:
    """Entities whose ids collide ('US' and 'U.S.') are one."""
    by_id: dict[str, Entity] = {}
    for entity in entities:
        if entity.entity_id not in by_id:
            by_id[entity.entity_id] = entity
            continue
        kept = by_id[entity.entity_id]
        kept.mentions += entity.mentions
        kept.aliases += [a for a in [entity.name, *entity.aliases]
                         if a != kept.name and a not in kept.aliases]
    for entity in by_id.values():
        entity.mentions.sort(key=lambda m: m.start)
    return sorted(by_id.values(), key=lambda e: e.mentions[0].start)


def find_entities(doc: Doc, lex: Lexicon = LEXICON) -> list[Entity]:
    """The document's entities, sorted by first mention, each with its mentions."""
    text = doc_text(doc)
    found = _dateline_places(_found(doc, lex), doc, text)
    taken = {t.i for cand in found for t in cand.span}
    columns = _Columns.of(doc)
    recovered = [c for c in _recovered(doc, found, lex, columns)
                 if not taken & {t.i for t in c.span}]
    taken |= {t.i for cand in recovered for t in cand.span}
    recovered += [c for c in _surnames(doc, found, lex, columns) if c.span.start not in taken]
    grouper = _Grouper(lex)
    for cand in sorted(_confirmed(found + recovered, text, lex), key=lambda c: c.span.start):
        grouper.add(cand)
    grouper.mark_branches()
    return _merge([_entity(g) for g in grouper.groups])


# ---------------------------------------------------------------- lookups


@dataclass(frozen=True)
class _Index:
    """The mentions of one entity list, for lookups by position: sorted by start, with
    their ends, and by token (mentions are whole tokens and never overlap)."""

    entities: list[Entity]
    ends: list[int]
    mentions: list[tuple[int, int, Mention, Entity]]
    by_token: dict[int, tuple[Mention, Entity]]


def _index(doc: Doc) -> _Index:
    """Built once per entity list."""
    cached = _INDEX.get(doc)
    if cached is None or cached.entities is not doc._.entities:
        mentions = sorted(((m.start, m.end, m, e) for e in doc._.entities for m in e.mentions),
                          key=lambda row: row[0])
        by_token = {}
        for start, end, mention, entity in mentions:
            span = doc.char_span(start, end, alignment_mode="expand")
            by_token.update((i, (mention, entity)) for i in range(span.start, span.end))
        cached = _Index(doc._.entities, [row[1] for row in mentions], mentions, by_token)
        _INDEX[doc] = cached
    return cached


def mention_for_span(doc: Doc, start: int, end: int) -> tuple[Mention, Entity] | None:
    """The mention overlapping the character span most, with its entity, if any."""
    index = _index(doc)
    ends, mentions = index.ends, index.mentions
    best, most = None, 0
    for i in range(bisect.bisect_right(ends, start), len(mentions)):
        m_start, m_end, mention, entity = mentions[i]
        if m_start >= end:
            break
        overlap = min(end, m_end) - max(start, m_start)
        if overlap > most:
            best, most = (mention, entity), overlap
    return best


def entity_for_span(doc: Doc, start: int, end: int) -> Entity | None:
    """The entity whose mention overlaps the character span best, if any."""
    found = mention_for_span(doc, start, end)
    return found[1] if found else None


def mentions_by_token(doc: Doc) -> dict[int, tuple[Mention, Entity]]:
    """Token index -> the mention (and entity) the token is part of."""
    return _index(doc).by_token


def mention_of(item: Span | Token) -> tuple[Mention, Entity] | None:
    """The mention (and entity) a token or span is part of, if any."""
    if isinstance(item, Token):
        return _index(item.doc).by_token.get(item.i)
    return mention_for_span(item.doc, item.start_char, item.end_char)


@Language.factory("news_entities", default_config={"lexicon": "entity_lexicon.json"},
                  requires=["doc.ents", "token.ent_type", "token.dep", "token.tag"],
                  assigns=["doc._.entities"])
def make_entities(nlp: Language, name: str, lexicon: str) -> LexiconRules:
    """`lexicon`: cue nouns, acronym and trim words (`Lexicon`; a file of models/, or a
    path)."""
    return LexiconRules(name, lexicon, Lexicon.parse, find_entities, "entities")
