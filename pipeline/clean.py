"""Cleaning: a raw article (a w3m/lynx text dump or HTML) in, its body text and metadata out.

Runs on plain text before spaCy, so it is regular expressions and counting only. A dump is
cut into units (a paragraph, a list item); pattern rules (jump links, taglines, breadcrumbs,
metadata lines, captions and credits, share bars and other page furniture from a small
lexicon) remove some, and content signals (length, stop-word density, sentence punctuation,
the place relative to the title and to the dense core of body paragraphs) decide the rest,
as jusText does for HTML blocks. HTML (read by `pipeline.html`) goes through trafilatura,
then the same caption, credit and references handling. Every removed line, and every block
of a page that trafilatura drops, is reported with a reason, so nothing disappears silently.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline import html, markdown
from pipeline.boilerplate import (
    WORD,
    Model,
    Unit,
    bridged,
    model,
    reason_for,
    with_closing_sentences,
)
from pipeline.references import read_credit
from pipeline.resources import read_lines
from pipeline.temporal import alternation, find_calendar_date

SHORT_LINE_WORDS = "boilerplate_words.txt"  # furniture when the line is short
SENTENCE_WORDS = "boilerplate_sentences.txt"  # furniture even in a sentence


@dataclass(frozen=True)
class Removed:
    # 1-based line number in the raw text; for HTML, in the extracted text, and 0 for a
    # block the extraction dropped
    line: int
    text: str
    reason: str  # short slug: navigation, share-bar, breadcrumb, caption, photo-credit, ...


@dataclass
class Cleaned:
    text: str
    title: str = ""
    published: str = ""  # ISO date, empty when unknown
    modified: str = ""  # ISO date of the last change, when the page gives a later one
    publisher: str = ""
    section: str = ""
    byline: str = ""
    references: list[str] = field(default_factory=list)  # one entry per reference-list item
    removed: list[Removed] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # field -> where its value came from

    @property
    def dateline(self) -> str:
        """The place of the wire dateline that opens the story ('LIMA, Peru'), if any."""
        found = find_dateline(self.text)
        return found["place"] if found else ""


# A wire dateline opening a story: "LIMA, Peru (AP) — ...", "WASHINGTON — ...": a place
# in capitals, maybe its country or state, maybe the agency, and a dash.
DATELINE = re.compile(
    r"(?m)^(?P<place>(?!(?:BREAKING|UPDATE|UPDATED|EXCLUSIVE|WATCH|LIVE|ANALYSIS|OPINION)\b)"
    r"[A-Z][A-Z'’.-]{2,}(?: [A-Z][A-Z'’.-]+)*(?:, [A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)*)?)"
    r"(?: \((?P<agency>[^()\n]{1,40})\))? ?(?:—|–|--?) (?=\S)")
DATELINE_REACH = 800  # characters: a dateline opens the story, under its headline


def find_dateline(text: str) -> re.Match | None:
    """The wire dateline that opens the story, if one does: its `place`, its `agency`, and
    where the story's first sentence starts (the match's end)."""
    return DATELINE.search(text, 0, DATELINE_REACH)


# --- patterns ------------------------------------------------------------------------------

BULLET = re.compile(r"^[•*+\-–□☆●◦▪▫○·o]\s+")
# EDIT_MARK and CRUMB_SEP try a run of spaces only from its start ((?<!\s)): tried from each
# of its positions, it costs the square of its length, and dumps pad table cells with
# hundreds of spaces.
EDIT_MARK = re.compile(r"(?<!\s)\s*\[edit\]", re.IGNORECASE)
WIDGET_PART = re.compile(r"\[[^\]]*\]|\(BUTTON\)|_{3,}|#\S+")  # form fields, images, buttons
# lynx prints the page's <link> elements as "#alternate ..." lines and frames as "IFRAME: url"
LINK_HEADER = re.compile(r"^(?:#[A-Za-z]|IFRAME:)")
JUMP_LINK = re.compile(r"^(?:jump|skip) to\b", re.IGNORECASE)
TAGLINE = re.compile(r"^From (?P<name>[A-Z][\w.&'’ -]{0,60}?), the [^.]*$")
CRUMB_SEP = re.compile(r"(?<!\s)\s+[>»›]\s+")
DATE_CUE = re.compile(
    r"^(?:first )?(?:published|posted|date|created)\b|^(?:last )?(?P<updated>updated|modified)\b",
    re.IGNORECASE,
)
BYLINE = re.compile(
    r"^(?i:by|written by|article by|words by)\s*:?\s+"
    r"(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|da|del|van|von|and|&))*)"
)
REF_HEADING = re.compile(
    r"^(?:references|notes|sources|citations|footnotes|notes and references|bibliography"
    r"|see also|external links|further reading)$",
    re.IGNORECASE,
)
CARET_ENTRY = re.compile(r"^(?:\d+\.\s*)?\^(?:\s+[a-z](?=\s))*\s*")
COMMENTS = re.compile(
    r"\b(?:no|one|\d+) (?:comments?|responses?|replies)\b|^leave a (?:comment|reply)\b", re.I
)
LIST_ENTRY = re.compile(r"^(?:\d+[.)]|\[\d+\])\s+")


@cache
def _lexicon(name: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """A lexicon file as one whole-word pattern for all its phrases, and phrase -> reason."""
    reasons = {}
    for line in read_lines(name):
        reason, phrase = line.split(maxsplit=1)
        reasons[phrase.strip().lower()] = reason
    return re.compile(rf"(?<!\w)(?:{alternation(reasons)})(?!\w)", re.IGNORECASE), reasons


def _furniture(text: str, name: str) -> tuple[str, int]:
    """The reason of the first lexicon phrase in the text and where it starts, or ("", -1)."""
    pattern, reasons = _lexicon(name)
    found = pattern.search(text)
    return (reasons[found[0].lower()], found.start()) if found else ("", -1)


# --- units -----------------------------------------------------------------------------------


def _units(raw: str) -> tuple[list[Unit], list[Removed]]:
    """Cut a dump into units: a bullet starts an item, deeper-indented lines continue it, and
    a line continues the previous one when that one was wrapped (it ends in a stop word or
    the next starts in lower case). Lines without a letter or digit are decoration."""
    units: list[Unit] = []
    decoration: list[Removed] = []
    previous: Unit | None = None
    indent = 0
    for number, line in enumerate(raw.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            previous = None
            continue
        if not any(c.isalnum() for c in stripped):
            decoration.append(Removed(number, stripped, "decoration"))
            previous = None
            continue
        bullet = BULLET.match(stripped)
        text = stripped[bullet.end():] if bullet else stripped
        depth = len(line) - len(line.lstrip())
        if previous and not bullet and _continues(previous, text, depth > indent):
            previous.lines.append((number, stripped))
            previous.text = f"{previous.text} {text}"
            continue
        previous = Unit([(number, stripped)], text, bullet=bool(bullet), indent=depth)
        indent = depth
        units.append(previous)
    for unit in units:
        if EDIT_MARK.search(unit.text):
            unit.text, unit.heading = EDIT_MARK.sub("", unit.text).strip(), True
    return units, decoration


def _continues(previous: Unit, text: str, deeper: bool) -> bool:
    if previous.bullet:
        return deeper
    last_word = WORD.findall(previous.lines[-1][1])[-1:]
    return not previous.sentence and (
        text[:1].islower() or (bool(last_word) and last_word[0].lower() in STOP_WORDS)
    )


# --- rules -----------------------------------------------------------------------------------


@dataclass
class _Meta:
    published: str = ""
    rank: int = 0  # how sure the published date is (see _metadata)
    updated: str = ""  # the first "Updated"/"Modified" date: `modified` when later
    publisher: str = ""
    section: str = ""
    byline: str = ""
    sources: dict[str, str] = field(default_factory=dict)  # as in Cleaned

    def fill(self, name: str, value: str, unit: Unit, how: str) -> None:
        """Set a field and note the line it came from, so a reader can check it."""
        setattr(self, name, value)
        self.sources[name] = f"{_where(unit)} ({how})"


def _where(unit: Unit) -> str:
    first, last = unit.lines[0][0], unit.lines[-1][0]
    return f"line {first}" if first == last else f"lines {first}-{last}"


def _rule(unit: Unit, meta: _Meta) -> str:
    """The reason a pattern rule removes this unit ("" when none does); fills in metadata."""
    text, n_words = unit.text, len(unit.words)
    if not WIDGET_PART.sub("", text).strip() or LINK_HEADER.match(text):
        return "widget"
    if JUMP_LINK.match(text) and n_words <= 8:
        return "jump-link"
    if tagline := TAGLINE.match(text):
        if not meta.publisher:
            meta.fill("publisher", tagline["name"], unit, "tagline")
        return "tagline"
    parts = CRUMB_SEP.split(text)
    if len(parts) > 1 and not unit.sentence and all(1 <= len(WORD.findall(p)) <= 6 for p in parts):
        if not meta.section:
            meta.fill("section", parts[-1].strip(), unit, "breadcrumb")
        return "breadcrumb"
    if n_words <= 40 and read_credit(text):
        return "photo-credit"
    if n_words <= 8 and COMMENTS.search(text):
        return "comments-footer"
    if n_words <= 16 and _metadata(unit, meta):
        return "metadata"
    reason, start = _furniture(text, SHORT_LINE_WORDS)
    if reason and n_words <= 12 and (not unit.sentence or start == 0):
        return reason
    return _furniture(text, SENTENCE_WORDS)[0] if n_words <= 30 else ""


def _metadata(unit: Unit, meta: _Meta) -> bool:
    """A dateline or byline: the date and the author's name go to the metadata. A date that
    says "Published"/"Posted" wins over a bare one, which wins over "Updated"."""
    text = unit.text
    byline = BYLINE.match(text)
    date = find_calendar_date(text, day_only=True)
    cue = DATE_CUE.match(text)
    dated = bool(date) and (bool(cue) or bool(byline) or len(text) - (date.end - date.start) <= 25)
    if dated:
        rank = 0 if cue and cue["updated"] else 2 if cue else 1
        quoted = text[0 if cue else date.start:date.end]
        if rank == 0 and not meta.updated:
            meta.fill("updated", date.iso, unit, f"dateline '{quoted}'")
        if not meta.published or rank > meta.rank:
            meta.rank = rank
            meta.fill("published", date.iso, unit, f"dateline '{quoted}'")
    if byline and len(byline["name"].split()) <= 5 and not meta.byline:
        meta.fill("byline", byline["name"], unit, "byline")
    return bool(byline) or dated


def _split_references(units: list[Unit]) -> list[str]:
    """Mark the references block (a "References"/"Notes" heading and its entries, or a run
    of "^" entries) and return its entries without their number or caret."""
    entries: list[str] = []
    inside = False
    for unit in units:
        if unit.rule:
            continue
        caret = CARET_ENTRY.match(unit.text)
        next_heading = unit.heading or (
            unit.heading_like and len(unit.words) <= 4 and not unit.bullet)
        if REF_HEADING.match(unit.text) and not unit.bullet:
            inside = True
            unit.rule = "references"
        elif caret or (inside and not next_heading):
            inside = True
            unit.rule = "references"
            prefix = caret or LIST_ENTRY.match(unit.text)
            entries.append(unit.text[prefix.end():].strip() if prefix else unit.text)
        else:
            inside = False
    return entries


def _mark_captions(units: list[Unit]) -> None:
    """A caption line followed by the same text with a credit is a caption too."""
    for unit, following in zip(units, units[1:]):
        if not unit.rule and following.rule == "photo-credit":
            caption = unit.text.rstrip(". ")
            if len(caption) >= 10 and following.text.startswith(caption):
                unit.rule = "caption"


# --- title and body ---------------------------------------------------------------------


# Rules that remove a unit whatever the model says: what they find is never body text.
# The lexicon rules (share-bar, navigation, ...) only inform the model, which weighs them.
HARD_RULES = {"widget", "jump-link", "tagline", "breadcrumb", "photo-credit", "caption",
              "metadata", "references"}


def read_dump(raw: str) -> tuple[list[Unit], list[Removed], _Meta, list[str]]:
    """A dump cut into units with the pattern rules applied: each unit's `rule`, the page's
    metadata, its reference entries, and the decoration lines already dropped."""
    units, decoration = _units(raw)
    meta = _Meta()
    for unit in units:
        unit.rule = _rule(unit, meta)
    references = _split_references(units)
    _mark_captions(units)
    return units, decoration, meta, references


def _clean_dump(
    raw: str, classifier: Model | None = None, furniture: AbstractSet[str] = frozenset()
) -> Cleaned:
    units, removed, meta, references = read_dump(raw)
    classifier = classifier or model()
    keep, against = classifier.keep_probabilities(units)
    decided = with_closing_sentences(
        units, bridged(units, keep, classifier.threshold, HARD_RULES))
    section = _sections(units)
    decided = _without_trailing_sections(units, decided, section)
    kept = [i for i, k in enumerate(decided) if k]
    body_start, body_end = (kept[0], kept[-1]) if kept else (len(units), -1)
    furniture = sparing_the_story(units, furniture, decided)
    for i, unit in enumerate(units):
        if unit.rule in HARD_RULES:
            unit.reason = unit.rule
        elif furniture and furniture_key(unit.text) in furniture:
            unit.reason = "cross-document"  # the chosen title gets its reason cleared below
        elif unit.heading:
            continue  # an "[edit]" section heading stays while it heads kept text (below)
        elif not decided[i]:
            unit.reason = unit.rule or section[i] or reason_for(
                against[i], i < body_start, i > body_end)
    title_at = classifier.headline(units, keep)
    title = units[title_at].text if title_at is not None else ""
    sources = dict(meta.sources)
    updated = sources.pop("updated", "")
    modified = meta.updated if meta.rank > 0 and meta.updated > meta.published else ""
    if modified:  # an "Updated" date later than the one the page was published on
        sources["modified"] = updated
    if title_at is not None:
        units[title_at].reason = ""
        sources["title"] = f"{_where(units[title_at])} (headline model)"
    _mark_duplicates(units, title_at)
    _mark_empty_headings(units)
    body = [u.text for i, u in enumerate(units) if not u.reason and i != title_at]
    removed += [Removed(n, line, u.reason) for u in units if u.reason for n, line in u.lines]
    return Cleaned(
        # a lone headline-like line is no article; a lone sentence is
        text="\n\n".join([title] + body if title else body)
        if body or title_at is not None and units[title_at].sentence else "",
        title=title,
        published=meta.published,
        modified=modified,
        publisher=meta.publisher,
        section=meta.section,
        byline=meta.byline,
        references=references,
        removed=sorted(removed, key=lambda r: r.line),
        sources=sources,
    )


# The headings that open a section of other stories or of readers' comments: what follows
# them is teasers or comments, however much it reads like prose.
SECTION_HEADINGS = {
    "related-stories": re.compile(
        r"^(?:related(?: stories| articles| posts| news| content| coverage| reading)?"
        r"|more (?:stories|news|from|on|in|like this)\b.{0,40}|you (?:may|might) also like"
        r"|recommended(?: for you| stories| reading)?|most (?:popular|read|viewed|shared|commented)"
        r"|trending(?: now| stories)?|read (?:more|next)|popular (?:stories|posts|now)"
        r"|latest (?:news|stories|posts)|in other news|top stories|what to read next"
        r"|editors'? picks?|further reading)\W*$", re.IGNORECASE),
    "comments": re.compile(
        r"^(?:(?:\d[\d,]* )?(?:reader )?comments?|\d[\d,]* (?:responses?|replies)"
        r"|leave a (?:comment|reply)|join the (?:conversation|discussion)|post a comment"
        r"|what do you think\??|have your say)\W*$", re.IGNORECASE),
}
SECTION_REACH = {"related-stories": 20, "comments": 40}  # units a section heading governs
STORY_BEFORE_SECTION = 0.5  # share of the kept text before a section that trails the story


def _sections(units: list[Unit]) -> list[str]:
    """For each unit, the section of other stories or of comments it belongs to ("" for
    none): a heading of SECTION_HEADINGS and the units within SECTION_REACH after it, up to
    the next "[edit]" heading. A section that opens after the story is removed
    (`_without_trailing_sections`), and its units are named by it in removed.csv:
    "related-stories" or "comments" rather than "low-content"."""
    out, current, left = [], "", 0
    for unit in units:
        opened = next((name for name, heading in SECTION_HEADINGS.items()
                       if len(unit.words) <= 8 and heading.match(unit.text)), "")
        if opened:
            current, left = opened, SECTION_REACH[opened] + 1
        elif unit.heading:
            current = ""
        out.append(current if left > 0 else "")
        left -= 1
    return out


def _without_trailing_sections(units: list[Unit], decided: list[bool],
                               section: list[str]) -> list[bool]:
    """`decided` less the sections of other stories and comments that open after the story:
    teasers and comments read like prose, and the model keeps them. A section heading
    before or inside the story is often a link ("2 comments" under the byline), so only a
    heading with most of the kept text (STORY_BEFORE_SECTION) before it counts."""
    sizes = [len(u.text) if d else 0 for u, d in zip(units, decided)]
    total, before = sum(sizes), 0
    out, trailing = list(decided), False
    for i in range(len(units)):
        if section[i] and (i == 0 or section[i - 1] != section[i]):
            trailing = before >= STORY_BEFORE_SECTION * total
        if section[i] and trailing:
            out[i] = False
        before += sizes[i]
    return out


def sparing_the_story(units: list[Unit], furniture: AbstractSet[str],
                      kept: list[bool] | None = None) -> AbstractSet[str]:
    """The cross-document lines to remove from a page of `units` (in page order), of which
    the cleaner keeps those `kept` says (all, by default; a dump's model drops its frame).

    All of them, but for the repeated story sentences (kept units of `STORY_WORDS` words or
    more that end a sentence) that are the page's story rather than its site's frame. Story
    sentences touch when at most `STORY_GAP` other units (a subhead, "Advertisement", kept or
    not) stand between them; a chain of touching ones is a story, a lone one far from it
    (an about line, a teaser in the footer) is frame. When the repeated ones are every story
    sentence of the page, they stay: the site ran the story three times, each under other
    sidebars. Else, in each chain that holds sentences of the page's own, a run of repeated
    ones stays when they are at least `SPARED_SHARE` of the chain's text (by characters), or
    when it opens the chain with `SPARED_RUN` sentences or more: the story was also saved in
    part on its site (its first half, its lede and two paragraphs), so its shared paragraphs
    reached the furniture thresholds beside the ones this version alone has. Repeated lines
    beside a story that is mostly the page's own (a note in it, a stock closing paragraph or
    two after it) still go; when the repeated text is half the chain, a stock line touching
    it stays with it."""
    kept = kept if kept is not None else [True] * len(units)
    story = [(at, furniture_key(u.text)) for at, (u, k) in enumerate(zip(units, kept))
             if k and len(u.words) >= STORY_WORDS and u.sentence]
    repeated = [key in furniture for _, key in story]
    if not any(repeated):
        return furniture
    if all(repeated):
        return furniture - {key for _, key in story}
    chains: list[list[int]] = []
    for n, (at, _) in enumerate(story):
        if not chains or at - story[chains[-1][-1]][0] - 1 > STORY_GAP:
            chains.append([])
        chains[-1].append(n)
    spared: set[str] = set()
    for chain in chains:
        if all(repeated[n] for n in chain):
            continue  # none of the page's own sentences: frame, or a story told elsewhere
        share = (sum(len(story[n][1]) for n in chain if repeated[n])
                 / sum(len(story[n][1]) for n in chain))
        runs = [[]]
        for n in chain:
            if repeated[n]:
                runs[-1].append(n)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            opens = run and run[0] == chain[0]  # the story's beginning, as a cut copy keeps it
            if run and (share >= SPARED_SHARE or opens and len(run) >= SPARED_RUN):
                spared |= {story[n][1] for n in run}
    return furniture - spared


def _mark_duplicates(units: list[Unit], title_at: int | None) -> None:
    """Only the first copy of kept text stays (the title counts as the first of its own)."""
    seen = {units[title_at].text.lower()} if title_at is not None else set()
    for i, unit in enumerate(units):
        if unit.reason or i == title_at:
            continue
        key = unit.text.lower()
        if key in seen:
            unit.reason = "duplicate"
        seen.add(key)


def _mark_empty_headings(units: list[Unit]) -> None:
    """An "[edit]" heading that introduces no kept text, and headings left at the very end."""
    kept = [u for u in units if not u.reason]
    for unit, following in zip(kept, kept[1:] + [None]):
        if unit.heading and (following is None or following.heading):
            unit.reason = "empty-heading"
    for unit in reversed(kept[1:]):
        if not unit.heading_like:
            break
        unit.reason = unit.reason or "empty-heading"


# --- cross-document furniture ----------------------------------------------------------------

MIN_PAGES = 3  # two pages sharing a line can be chance, or the same story twice
MIN_SHARE = 0.5  # of a site's pages: templates vary by section and rotate their teasers
# Jaccard of two pages' template lines. Dev pages: two of one site 0.54-0.60; sister sites or
# one blog platform 0.16-0.46; unrelated sites 0.14 at most.
SAME_SITE = 0.25
TEMPLATE_WORDS = 8  # a template line (menu item, footer link): this many words at most
GENERIC_WORDS = 3  # a line this short and common ("Advertisement", "Share") on any site
SITE_HINT = 20  # a template line of more sites than this does not help to find a page's site
STORY_WORDS = 8  # a sentence at least this long is a line of a story (or a long footer)
# `sparing_the_story`: repeated story sentences that touch the page's own are its story when
# they are this share of the text of their chain, or this many in a row at its beginning; two
# story sentences touch with this many other units at most between them
SPARED_SHARE = 0.5
SPARED_RUN = 2
STORY_GAP = 2
# Two pages of different sites tell one story when SAME_STORY of the shorter one's story text
# is in the other's (a copy under another site's frame, a cut version); two pages of one site,
# which share the sentences of its frame (an about line, a licence) too, when SAME_PAGE of
# the longer one's is (an updated version). Weighed by length.
SAME_STORY = 0.6
SAME_PAGE = 0.8
CANDIDATE_STORIES = 3  # the stories sharing the most lines with a page that are compared


def furniture_key(text: str) -> str:
    """A unit's text as `corpus_lines` compares it: case and spacing do not count."""
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class CorpusLines:
    """What the pages of a corpus share. `furniture`: the lines (as `furniture_key`s) that
    cleaning removes as "cross-document". `near_duplicates`: page number -> (the number of
    the first page of the same story, how alike they are: see `_same_story`)."""

    furniture: frozenset[str]
    near_duplicates: dict[int, tuple[int, float]]


@dataclass
class _Site:
    template: frozenset[int]  # the template lines (hashed) of its first page
    pages: int = 0  # stories, each counted once
    lines: Counter[int] = field(default_factory=Counter)  # line hash -> stories holding it


@dataclass
class _Story:
    first: int  # its first page
    lines: dict[int, int]  # the story lines (hash -> length) of its first page
    # the sites it was counted on (by id), each with the story lines of its page there
    sites: dict[int, dict[int, int]] = field(default_factory=dict)


def corpus_lines(texts: Iterable[str]) -> CorpusLines:
    """The furniture and the near-duplicate pages of a corpus, in one pass over its texts.

    Furniture: a unit in at least MIN_PAGES stories of one site and in at least half of that
    site's stories, or a unit of a few words without a sentence end in at least MIN_PAGES
    stories and half of all stories. A story is counted once however many copies of it the
    corpus holds: copies and updated versions of one wire story share their paragraphs
    because they are one story, not because those paragraphs are furniture, so 50 copies of
    it keep their whole body. A page tells the story of an earlier page when their story
    lines (sentences of STORY_WORDS words or more) are mostly the same (`_same_story`).

    A site is a set of pages with one template: a page joins the site whose first page shares
    the most of its short non-sentence lines (menus, section names, footer links), if the
    Jaccard index reaches SAME_SITE, and else starts a site. Not the publisher, found only by
    cleaning and rarely in a dump; not a domain, which a w3m dump seldom prints and which it
    prints for other sites too; not the folder, since folders mix sites (corpus/ does).
    Lines are counted as hashes; only repeated ones keep text.
    """
    sites = _Sites()
    stories: list[_Story] = []
    story_of: dict[int, int] = {}  # story line hash -> the first story holding it
    near_duplicates: dict[int, tuple[int, float]] = {}
    generic: Counter[int] = Counter()
    texts_of: dict[int, str] = {}
    n_stories = 0
    for page, raw in enumerate(texts):
        try:
            units = _page_units(raw)
        except Exception:  # noqa: BLE001  (the main pass reports that page's error)
            continue
        keys = {furniture_key(u.text): u for u in units if u.words}
        hashes = {key: hash(key) for key in keys}
        template = frozenset(hashes[k] for k, u in keys.items()
                             if len(u.words) <= TEMPLATE_WORDS and not u.sentence)
        lines = {hashes[k]: len(k) for k, u in keys.items()
                 if len(u.words) >= STORY_WORDS and u.sentence}
        site = sites.find(template)
        story, shared = _same_story(lines, site, stories, story_of)
        if story is None:
            story = _Story(page, lines)
            for line in lines:
                story_of.setdefault(line, len(stories))
            stories.append(story)
        else:
            near_duplicates[page] = (story.first, round(shared, 3))
        if id(site) in story.sites:
            continue  # this story is already counted on this site
        story.sites[id(site)] = lines
        site.pages += 1
        new_story = len(story.sites) == 1
        n_stories += new_story
        for key, unit in keys.items():
            hashed = hashes[key]
            site.lines[hashed] += 1
            if new_story and len(unit.words) <= GENERIC_WORDS and not unit.sentence:
                generic[hashed] += 1
            if site.lines[hashed] == 2 or generic[hashed] == 2:
                texts_of[hashed] = key
    found = {h for s in sites for h, n in s.lines.items() if _common(n, s.pages)}
    found |= {h for h, n in generic.items() if _common(n, n_stories)}
    return CorpusLines(frozenset(texts_of[h] for h in found), near_duplicates)


def _same_story(lines: dict[int, int], site: _Site, stories: list[_Story],
                story_of: dict[int, int]) -> tuple[_Story | None, float]:
    """Of the earlier stories whose first pages share the most of these story lines (hash ->
    length), the one most alike, if it is the same story, and how alike: the shared text's
    share of the shorter page's story text; (None, 0.0) otherwise. On a site that already
    has the story the pages share their frame as well, so there the shared text must be most
    of the longer of this page and that site's page of the story (SAME_PAGE)."""
    best, best_score = None, 0.0
    votes = Counter(story_of[line] for line in lines if line in story_of)
    for candidate in (stories[i] for i, _ in votes.most_common(CANDIDATE_STORIES)):
        other = candidate.sites.get(id(site), candidate.lines)  # its page on this site
        shared = [length for line, length in lines.items() if line in other]
        sizes = (sum(lines.values()), sum(other.values()))
        on_site = id(site) in candidate.sites
        score = sum(shared) / (max(sizes) if on_site else min(sizes))
        if len(shared) >= 2 and score >= (SAME_PAGE if on_site else SAME_STORY) \
                and score > best_score:
            best, best_score = candidate, score
    return best, best_score


def _common(n: int, pages: int) -> bool:
    return n >= MIN_PAGES and n >= MIN_SHARE * pages


class _Sites(list[_Site]):
    """The sites found so far, with the sites each template line belongs to, so that a page
    is compared only with the sites it shares a rare template line with, not with all."""

    def __init__(self) -> None:
        super().__init__()
        self.having: dict[int, list[_Site]] = {}

    def find(self, template: frozenset[int]) -> _Site:
        """The site whose template is most like this page's, or a new one."""
        def similarity(site: _Site) -> float:
            union = template | site.template
            return len(template & site.template) / len(union) if union else 0.0

        hints = (self.having.get(line, ()) for line in template)
        candidates = {id(s): s for sites in hints if len(sites) <= SITE_HINT for s in sites}
        best = max(candidates.values(), key=similarity, default=None)
        if best is None or similarity(best) < SAME_SITE:
            best = _Site(template)
            self.append(best)
            for line in template:
                sites = self.having.setdefault(line, [])
                if len(sites) <= SITE_HINT:
                    sites.append(best)
        return best


def _page_units(raw: str) -> list[Unit]:
    """The units a page is cleaned in: a dump's units, or the text blocks of an HTML page
    (read with lxml, much cheaper than trafilatura's extraction and close to its blocks)."""
    if not html.is_markup(raw):
        return _units(raw)[0]
    tree = html.parse(raw)
    blocks = [] if tree is None else html.page_blocks(tree)
    return [Unit([(0, block.text)], block.text) for block in blocks]


# --- Markdown ---------------------------------------------------------------------------------

METADATA_WORDS = 16  # a byline or dateline is a short paragraph above the body


def _clean_markdown(raw: str, furniture: AbstractSet[str]) -> Cleaned:
    """The article of a Markdown file: the first level-1 heading (or the front matter's
    title) is the title; short paragraphs above the body that are a byline or a dateline
    go to the metadata; images go, their alt text a "caption" row; lists and tables become
    one line per item or row, code stays as it is."""
    front, raw = markdown.front_matter(raw)
    meta = _Meta(published=front.get("published", ""), byline=front.get("byline", ""),
                 rank=3 if "published" in front else 0,  # above any dateline's
                 sources={name: "front matter" for name in front if name != "title"})
    blocks, images = markdown.blocks(raw)
    removed = [Removed(line, alt, "caption") for line, alt in images]
    heading = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    title = heading.text if heading is not None else front.get("title", "")
    if title:
        meta.sources["title"] = (f"line {heading.line} (markdown heading)" if heading is not None
                                 else "front matter")
    body: list[str] = []
    above_body = True  # until the first long paragraph, list, table or code block
    units = [(b, Unit([(b.line, b.text)], b.text)) for b in blocks if b is not heading]
    furniture = sparing_the_story([unit for _, unit in units], furniture)
    for block, unit in units:
        short = block.kind == "paragraph" and len(unit.words) <= METADATA_WORDS
        if above_body and short and _metadata(unit, meta):
            removed.append(Removed(block.line, block.text, "metadata"))
        elif furniture_key(block.text) in furniture:
            removed.append(Removed(block.line, block.text, "cross-document"))
        else:
            body.append(block.text)
            above_body = above_body and (short or block.kind == "heading")
    meta.sources.pop("updated", None)  # an "Updated" line alone gives `published` only
    return Cleaned(
        text="\n\n".join([title, *body] if title else body),
        title=title,
        published=meta.published,
        byline=meta.byline,
        removed=sorted(set(removed), key=lambda r: (r.line, r.text)),  # an image twice: once
        sources=meta.sources,
    )


# --- entry points ----------------------------------------------------------------------------

MARKDOWN_SUFFIXES = {".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}


def clean(raw: str, *, furniture: AbstractSet[str] = frozenset(), suffix: str = "") -> Cleaned:
    """Clean a raw article, HTML, Markdown or a text dump, into body text and metadata.
    Units whose `furniture_key` is in `furniture` (from `corpus_lines` over the corpus)
    are removed as "cross-document". The file's `suffix` is a hint: ".md" is Markdown,
    ".html" is HTML when it holds a tag at all (a fragment too); any other is detected.
    Inline data: payloads go first: they are no text, and their digits look like dates.

    >>> cleaned = clean(Path("corpus/002_159aca854b71736f.txt").read_text())
    >>> cleaned.title, cleaned.published, cleaned.removed[:3]
    """
    raw = html.strip_inline_data(raw)
    suffix = suffix.lower()
    if suffix in MARKDOWN_SUFFIXES:
        return _clean_markdown(raw, furniture)
    if html.has_tags(raw) if suffix in HTML_SUFFIXES else html.is_markup(raw):
        return _clean_html(raw, furniture)
    text, scripts = _set_aside_markup(raw)
    cleaned = _clean_dump(text, furniture=furniture)
    cleaned.removed = sorted(cleaned.removed + scripts, key=lambda r: r.line)
    return cleaned


# a <script> or <style> block or an HTML comment on lines of its own: a scraper's leftover,
# where one inside a sentence is quoted code ("the police said <script>…</script> ran")
MARKUP_LINES = re.compile(rf"^[ \t]*(?:{html.UNSEEN.pattern})[ \t]*$",
                          re.IGNORECASE | re.DOTALL | re.MULTILINE)


def _set_aside_markup(raw: str) -> tuple[str, list[Removed]]:
    """A dump's script, style and comment blocks on lines of their own as blank lines, so
    line numbers stay, and a "markup" row for each of their lines."""
    removed: list[Removed] = []

    def blank(found: re.Match[str]) -> str:
        first = raw.count("\n", 0, found.start()) + 1
        lines = found[0].split("\n")
        removed.extend(Removed(first + i, line.strip(), "markup")
                       for i, line in enumerate(lines) if line.strip())
        return "\n" * (len(lines) - 1)

    return MARKUP_LINES.sub(blank, raw), removed


def _clean_html(raw: str, furniture: AbstractSet[str] = frozenset()) -> Cleaned:
    """trafilatura finds the main text and the metadata. Recall is favoured: on the dev pages
    it loses less body text than it lets in furniture, and the furniture it lets in (metadata
    lines, calls to subscribe, copyright lines, credits, the references block) is removed
    here, block by block. Line numbers count in the text of trafilatura's blocks. When it
    keeps much less than the page's paragraphs (a fragment, a short page), the page's own
    blocks outside its furniture are read instead. The blocks it drops are reported too."""
    import trafilatura  # imported here: text dumps, the main case, do not need it
    from trafilatura.settings import Document

    tree = html.parse(raw)  # parsed once: read here first, as trafilatura prunes a copy
    if tree is None:
        return Cleaned(text="")
    blocks = html.page_blocks(tree)
    html.refuse_shell(tree, blocks)
    page_title = " ".join(tree.findtext(".//title", "").split())
    h1s = [" ".join(h.text_content().split()) for h in tree.iter("h1")]
    modified_at = _latest_date(tree)
    extracted = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, favor_recall=True,
    ) or Document()
    units, verbatim, removed = _html_units(_extracted_blocks(extracted.body))
    if _extraction_short(units, blocks):
        units, verbatim, removed = _html_units(_page_content(blocks))
    for unit, kept_as_is in zip(units, verbatim):
        unit.rule = "" if kept_as_is else _html_rule(unit)
    references = _split_references(units)
    _mark_captions(units)
    furniture = sparing_the_story(units, furniture, [not u.rule for u in units])
    for unit in units:
        repeated = unit.text != extracted.title and furniture_key(unit.text) in furniture
        unit.reason = unit.rule or ("cross-document" if repeated else "")
    title, title_source = _html_headline(page_title, h1s, extracted.title or "",
                                         extracted.sitename or "")
    body = [u.text for u in units if not u.reason and u.text != title]
    removed += [Removed(n, line, u.reason) for u in units if u.reason for n, line in u.lines]
    kept = [title, *(u.text for u in units), *(r.text for r in removed)]
    removed += _dropped_blocks(blocks, kept)
    metadata = {
        "title": title,
        "published": extracted.date or "",
        "publisher": extracted.sitename or "",
        "section": extracted.categories[-1] if extracted.categories else "",
        "byline": extracted.author or "",
    }
    sources = {name: "html metadata (trafilatura)" for name, value in metadata.items() if value}
    if title:
        sources["title"] = title_source
    modified = modified_at if modified_at > metadata["published"] else ""
    if modified:
        sources["modified"] = "html metadata (htmldate)"
    return Cleaned(
        text="\n\n".join([title] + body if title else body),
        **metadata,
        modified=modified,
        references=references,
        removed=sorted(removed, key=lambda r: r.line),
        sources=sources,
    )


EXTRACTED_SHARE = 0.2  # of the page's paragraph text, below which its blocks are read
PAGE_BLOCK_KINDS = {"li": "item", "pre": "code", **{f"h{n}": "head" for n in range(1, 7)}}


def _extraction_short(units: list[Unit], blocks: list[html.Block]) -> bool:
    """Whether trafilatura kept nothing, or much less than the page's paragraphs outside its
    furniture: it drops short pages and fragments whole."""
    paragraphs = sum(len(b.text) for b in blocks if b.tag == "p" and not b.context)
    return not units or sum(len(u.text) for u in units) < EXTRACTED_SHARE * paragraphs


def _page_content(blocks: list[html.Block]) -> list[tuple[str, str]]:
    """The page's blocks outside navigation, footers and the like, as (kind, text) pairs."""
    return [(PAGE_BLOCK_KINDS.get(b.tag, "p"), b.text) for b in blocks if not b.context]


def _dropped_blocks(blocks: list[html.Block], kept: list[str]) -> list[Removed]:
    """A Removed row (line 0) for each block of the page whose text is nowhere in what the
    extraction kept, its reason the furniture it sits in, if any; a repeated one once."""
    text = " ".join(" ".join(kept).split())
    dropped: dict[str, str] = {}
    for block in blocks:
        if block.text not in dropped and not html.contains(text, block.text):
            dropped[block.text] = block.context or "html-boilerplate"
    return [Removed(0, block, reason) for block, reason in dropped.items()]


KICKER = re.compile(r"^[^|]{1,30}\s\|\s+(?=\S.{15})")  # a short section name before " | "
DANGLING_SEPARATOR = re.compile(r"\s+[|–—-]\s*$")  # "Headline -" where a site name was cut
SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{1,40}$")  # "Headline - Site Name"


def _html_headline(page_title: str, h1s: list[str], metadata_title: str,
                   site_name: str) -> tuple[str, str]:
    """The headline the reader sees, and where it came from: of the page's <h1>s that are
    not the site's name or a short logo, the one sharing at least half its words with the
    <title> or the metadata title ("Headline | Site"), or the only one sharing any; else the
    metadata title without the site's name; else the <title> without it."""
    metadata_title = DANGLING_SEPARATOR.sub("", metadata_title)
    suffix = SITE_SUFFIX.search(page_title)
    headline = page_title[: suffix.start()] if suffix else page_title
    sites = {site_name.casefold(), suffix[0].strip(" |–—-").casefold() if suffix else ""}
    named = SITE_SUFFIX.search(metadata_title)
    if named and named[0].strip(" |–—-").casefold() in sites:
        metadata_title = metadata_title[: named.start()]
    found = [KICKER.sub("", h) for h in h1s]  # "Local News | Headline": the section goes
    headings = [h for h in dict.fromkeys(found) if 0 < len(h.split()) <= 40]
    # the site's name (or its tagline after it), or a one- or two-word <h1> beside a longer
    # <title>: a logo or a section
    logos = {h.casefold() for h in headings
             if any(site and h.casefold().startswith(site) for site in sites)
             or len(h.split()) <= 2 < len(headline.split())}
    headings = [h for h in headings if h.casefold() not in logos]
    titles = [t for t in (headline, metadata_title) if t]
    scored = [(max((_overlap(h, t) for t in titles), default=0.0), h) for h in headings]
    best_overlap, best = max(scored, default=(0.0, ""))
    if best_overlap == 1.0:
        return best, "html <h1>, also the metadata title"
    if best_overlap >= 0.5 or (len(headings) == 1 and (best_overlap > 0 or not titles)):
        return best, "html <h1>"  # one sharing no word with the <title>: a site's banner
    if metadata_title and metadata_title.casefold() not in logos | sites:
        return metadata_title, "html metadata (trafilatura)"
    return headline, "html <title>" + (", site name cut" if suffix else "")


def _overlap(one: str, other: str) -> float:
    """Jaccard of two titles' words, whatever their case and quote marks."""
    words = [{w.casefold() for w in WORD.findall(QUOTE_MARKS.sub("'", t))} for t in (one, other)]
    union = words[0] | words[1]
    return len(words[0] & words[1]) / len(union) if union else 0.0


QUOTE_MARKS = re.compile(r"[‘’′`]")


VERBATIM_TAGS = {"code", "table"}  # no furniture rule reads code or a table
META_LINE = re.compile(
    r"\b(?:categor(?:y|ies)|tags?|filed (?:under|in)|(?:last )?(?:modified|updated)|created"
    r"|posted|published|news date)\s*:",
    re.IGNORECASE,
)
SENTENCE_START = re.compile(r"(?<=[.!?])\s+")
CALLS = {"subscription", "sign-in"}  # short-line reasons that a short sentence can carry


def _extracted_blocks(body) -> list[tuple[str, str]]:
    """trafilatura's document as (kind, text) pairs: a paragraph ("p"), a heading ("head"),
    a list item ("item"), a table or a code block."""
    from trafilatura.xml import xmltotxt

    blocks = []
    for element in body if body is not None else []:
        items = list(element.iterchildren("item")) if element.tag == "list" else []
        blocks += items or [element]
    return [(b.tag, xmltotxt(b, include_formatting=False).strip()) for b in blocks]


def _html_units(blocks: list[tuple[str, str]]) -> tuple[list[Unit], list[bool], list[Removed]]:
    """One unit per block, whether it is a table or code (kept as it is), and the metadata
    lines removed: such a line ("Category: News", "Last modified: ...") is removed alone, as
    it often shares a block with the title."""
    units, verbatim, removed = [], [], []
    line = 1
    for tag, text in blocks:
        numbered = [(line + i, s.strip()) for i, s in enumerate(text.splitlines()) if s.strip()]
        line += text.count("\n") + 1
        if tag not in VERBATIM_TAGS:
            meta = [(n, s) for n, s in numbered if _metadata_line(s)]
            removed += [Removed(n, s, "metadata") for n, s in meta]
            numbered = [pair for pair in numbered if pair not in meta]
            text = "\n".join(s for _, s in numbered)
        if not numbered:
            continue
        if tag == "item":
            text = BULLET.sub("", text, count=1)
        elif tag == "head":
            text = EDIT_MARK.sub("", text).strip()
        units.append(Unit(numbered, text, bullet=tag == "item", heading=tag == "head"))
        verbatim.append(tag in VERBATIM_TAGS)
    return units, verbatim, removed


def _metadata_line(line: str) -> bool:
    """A short labelled metadata line, not a sentence: "Posted: May 3, 2021 | Tags: ..."."""
    return (
        bool(META_LINE.search(line))
        and len(WORD.findall(line)) <= 16
        and line[-1:] not in ".!?"
    )


def _html_rule(unit: Unit) -> str:
    """Why a block trafilatura kept is furniture, or "": a credit; a block of a few words with
    furniture vocabulary ("Related", "PC Gamer Newsletter"); a short block with a sentence
    that opens with a call to subscribe, a cookie or copyright notice ("Subscribe now to ...",
    "© 2020 ...", "Sign up here"), or a longer one whose first sentence does. Only a sentence
    start counts: further in, these words are mostly article text ("... when they sign up
    for an account")."""
    text, n_words = unit.text, len(unit.words)
    if n_words <= 40 and read_credit(text):
        return "photo-credit"
    reason = _furniture(text, SHORT_LINE_WORDS)[0]
    if reason and n_words <= 4 and not unit.sentence:
        return reason
    if n_words > 60:
        return ""
    sentences = SENTENCE_START.split(text)
    for sentence in sentences if n_words <= 30 else sentences[:1]:
        reason, start = _furniture(sentence, SENTENCE_WORDS)
        if start == 0:
            return reason
        reason, start = _furniture(sentence, SHORT_LINE_WORDS)
        if start == 0 and reason in CALLS and len(WORD.findall(sentence)) <= 4:
            return reason
    return ""


def _latest_date(tree) -> str:
    """The last-modified date the page's markup gives (htmldate, without its search of the
    text, where the latest date is often another one); `modified` when later than published.
    htmldate copies a parsed page before pruning it (given a string, it would parse it again,
    and download it if it looks like a URL)."""
    from htmldate import find_date

    return find_date(tree, original_date=False, extensive_search=False) or ""
