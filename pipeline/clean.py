"""Cleaning: a raw article (a w3m/lynx text dump or HTML) in, its body text and metadata out.

Runs on plain text before spaCy, so it is regular expressions and counting only. A dump is
cut into units (a paragraph, a list item); pattern rules (jump links, taglines, breadcrumbs,
metadata lines, captions and credits, share bars and other page furniture from a small
lexicon) remove some, and content signals (length, stop-word density, sentence punctuation,
the place relative to the title and to the dense core of body paragraphs) decide the rest,
as jusText does for HTML blocks. HTML goes through trafilatura, then the same caption,
credit and references handling. Every removed line is reported with a reason, so nothing
disappears silently.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.dates import find_calendar_date
from pipeline.resources import read_lines

SHORT_LINE_WORDS = "boilerplate_words.txt"  # furniture when the line is short
SENTENCE_WORDS = "boilerplate_sentences.txt"  # furniture even in a sentence


@dataclass(frozen=True)
class Removed:
    line: int  # 1-based line number in the raw text (for HTML: in the extracted text)
    text: str
    reason: str  # short slug: navigation, share-bar, breadcrumb, caption, photo-credit, ...


@dataclass
class Cleaned:
    text: str
    title: str = ""
    published: str = ""  # ISO date, empty when unknown
    publisher: str = ""
    section: str = ""
    byline: str = ""
    references: list[str] = field(default_factory=list)  # one entry per reference-list item
    removed: list[Removed] = field(default_factory=list)


# --- patterns ------------------------------------------------------------------------------

WORD = re.compile(r"\w+(?:['’]\w+)*")
BULLET = re.compile(r"^[•*+\-–□☆●◦▪▫○·o]\s+")
EDIT_MARK = re.compile(r"\s*\[edit\]", re.IGNORECASE)
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?:\[\d+\])*$")
WIDGET_PART = re.compile(r"\[[^\]]*\]|\(BUTTON\)|_{3,}|#\S+")  # form fields, images, buttons
JUMP_LINK = re.compile(r"^(?:jump|skip) to\b", re.IGNORECASE)
TAGLINE = re.compile(r"^From (?P<name>[A-Z][\w.&'’ -]{0,60}?), the [^.]*$")
CRUMB_SEP = re.compile(r"\s+[>»›]\s+")
CREDIT = re.compile(
    r"(?:^|[|(—–-]\s*)(?:photo(?:graph)?s?|pictures?|images?|credits?|video|foto)(?: by)?\s*:"
    r"|\((?:photo|picture|image)s? by [^)]*\)$"
    r"|/\s*(?:getty images|afp|reuters|ap|epa|shutterstock)\b"
    r"|^\((?:reuters|ap|afp|file)\)$",
    re.IGNORECASE,
)
DATE_CUE = re.compile(
    r"^(?:first )?(?:published|posted|date|created)\b|^(?:last )?(?P<updated>updated|modified)\b",
    re.IGNORECASE,
)
BYLINE = re.compile(
    r"^(?i:by|written by|article by|words by)\s*:?\s+"
    r"(?P<name>[A-Z][\w.'’-]*(?:\s+(?:[A-Z][\w.'’-]*|de|da|del|van|von|and|&))*)"
)
REF_HEADING = re.compile(
    r"^(?:references|notes|sources|citations|footnotes|notes and references|bibliography)$",
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
    longest_first = sorted(reasons, key=len, reverse=True)
    alternatives = "|".join(map(re.escape, longest_first))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), reasons


def _furniture(text: str, name: str) -> tuple[str, int]:
    """The reason of the first lexicon phrase in the text and where it starts, or ("", -1)."""
    pattern, reasons = _lexicon(name)
    found = pattern.search(text)
    return (reasons[found[0].lower()], found.start()) if found else ("", -1)


# --- units -----------------------------------------------------------------------------------


@dataclass
class _Unit:
    """A paragraph or list item of the dump: its raw lines and its joined text."""

    lines: list[tuple[int, str]]  # (1-based raw line number, stripped raw line)
    text: str
    bullet: bool = False
    heading: bool = False  # carried an "[edit]" mark
    reason: str = ""  # why it is removed; empty while kept

    @cached_property
    def words(self) -> list[str]:
        return WORD.findall(self.text)

    @property
    def sentence(self) -> bool:
        return bool(SENTENCE_END.search(self.text))

    @cached_property
    def stop_density(self) -> float:
        words = self.words
        return sum(w.lower() in STOP_WORDS for w in words) / len(words) if words else 0.0

    @property
    def title_case(self) -> bool:
        long_words = [w for w in self.words if len(w) > 3]
        capitalised = sum(w[0].isupper() for w in long_words)
        return bool(long_words) and capitalised >= 0.6 * len(long_words)

    @property
    def heading_like(self) -> bool:
        return self.heading or (0 < len(self.words) <= 12 and not self.sentence)


def _units(raw: str) -> tuple[list[_Unit], list[Removed]]:
    """Cut a dump into units: a bullet starts an item, deeper-indented lines continue it, and
    a line continues the previous one when that one was wrapped (it ends in a stop word or
    the next starts in lower case). Lines without a letter or digit are decoration."""
    units: list[_Unit] = []
    decoration: list[Removed] = []
    previous: _Unit | None = None
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
        previous = _Unit([(number, stripped)], text, bullet=bool(bullet))
        indent = depth
        units.append(previous)
    for unit in units:
        if EDIT_MARK.search(unit.text):
            unit.text, unit.heading = EDIT_MARK.sub("", unit.text).strip(), True
    return units, decoration


def _continues(previous: _Unit, text: str, deeper: bool) -> bool:
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
    publisher: str = ""
    section: str = ""
    byline: str = ""


def _rule(unit: _Unit, meta: _Meta) -> str:
    """The reason a pattern rule removes this unit ("" when none does); fills in metadata."""
    text, n_words = unit.text, len(unit.words)
    if not WIDGET_PART.sub("", text).strip():
        return "widget"
    if JUMP_LINK.match(text) and n_words <= 8:
        return "jump-link"
    if tagline := TAGLINE.match(text):
        meta.publisher = meta.publisher or tagline["name"]
        return "tagline"
    parts = CRUMB_SEP.split(text)
    if len(parts) > 1 and not unit.sentence and all(1 <= len(WORD.findall(p)) <= 6 for p in parts):
        meta.section = meta.section or parts[-1].strip()
        return "breadcrumb"
    if n_words <= 40 and CREDIT.search(text):
        return "photo-credit"
    if n_words <= 8 and COMMENTS.search(text):
        return "comments-footer"
    if n_words <= 16 and _metadata(unit, meta):
        return "metadata"
    reason, start = _furniture(text, SHORT_LINE_WORDS)
    if reason and n_words <= 12 and (not unit.sentence or start == 0):
        return reason
    return _furniture(text, SENTENCE_WORDS)[0] if n_words <= 30 else ""


def _metadata(unit: _Unit, meta: _Meta) -> bool:
    """A dateline or byline: the date and the author's name go to the metadata. A date that
    says "Published"/"Posted" wins over a bare one, which wins over "Updated"."""
    text = unit.text
    byline = BYLINE.match(text)
    date = find_calendar_date(text, day_only=True)
    cue = DATE_CUE.match(text)
    dated = bool(date) and (bool(cue) or bool(byline) or len(text) - (date.end - date.start) <= 25)
    if dated:
        rank = 0 if cue and cue["updated"] else 2 if cue else 1
        if not meta.published or rank > meta.rank:
            meta.published, meta.rank = date.iso, rank
    if byline and len(byline["name"].split()) <= 5:
        meta.byline = meta.byline or byline["name"]
    return bool(byline) or dated


def _split_references(units: list[_Unit]) -> list[str]:
    """Mark the references block (a "References"/"Notes" heading and its entries, or a run
    of "^" entries) and return its entries without their number or caret."""
    entries: list[str] = []
    inside = False
    for unit in units:
        if unit.reason:
            continue
        caret = CARET_ENTRY.match(unit.text)
        next_heading = unit.heading or (unit.heading_like and len(unit.words) <= 4)
        if REF_HEADING.match(unit.text) and not unit.bullet:
            inside = True
            unit.reason = "references"
        elif caret or (inside and not next_heading):
            inside = True
            unit.reason = "references"
            prefix = caret or LIST_ENTRY.match(unit.text)
            entries.append(unit.text[prefix.end():].strip() if prefix else unit.text)
        else:
            inside = False
    return entries


def _mark_captions(units: list[_Unit]) -> None:
    """A caption line followed by the same text with a credit is a caption too."""
    for unit, following in zip(units, units[1:]):
        if not unit.reason and following.reason == "photo-credit":
            caption = unit.text.rstrip(". ")
            if len(caption) >= 10 and following.text.startswith(caption):
                unit.reason = "caption"


# --- content ---------------------------------------------------------------------------------


def _content_classes(units: list[_Unit]) -> list[str]:
    """good / bad per unit, as jusText: long stop-word-rich sentences are good, short units
    and near-good ones take their class from their neighbours (a heading from the text it
    introduces)."""
    classes = []
    for unit in units:
        chars, density = len(unit.text), unit.stop_density
        if unit.reason or (unit.bullet and not unit.sentence and len(unit.words) < 8):
            classes.append("bad")
        elif chars < 50:
            classes.append("short")
        elif density >= 0.30 and (unit.sentence or chars >= 150):
            classes.append("good")
        elif density >= 0.20 and unit.sentence:
            classes.append("near")
        elif not unit.sentence and chars < 150:
            classes.append("short")
        else:
            classes.append("bad")
    settled = [c if c in ("good", "bad") else "" for c in classes]
    before = _nearest(settled)
    after = _nearest(settled[::-1])[::-1]
    revised = []
    for i, cls in enumerate(classes):
        if cls == "short":
            good_after = after[i] == "good"
            heading = units[i].heading_like and good_after
            cls = "good" if heading or (before[i] == "good" and good_after) else "bad"
        elif cls == "near":
            cls = "good" if "good" in (before[i], after[i]) else "bad"
        revised.append(cls)
    return revised


def _nearest(classes: list[str]) -> list[str]:
    """For each position, the nearest settled class strictly before it ("bad" at the edge)."""
    out, last = [], "bad"
    for cls in classes:
        out.append(last)
        last = cls or last
    return out


def _core(units: list[_Unit], classes: list[str]) -> tuple[int, int]:
    """First and last unit of the body: of the runs of good units (more than GAP other units
    end a run), the one with the most good text. A sidebar, a list of teasers or a comment
    thread is a run apart. (len, -1) when nothing is good."""
    good = [i for i, cls in enumerate(classes) if cls == "good"]
    if not good:
        return len(units), -1
    runs = [[good[0], good[0], 0]]
    for i in good:
        if i - runs[-1][1] > GAP + 1:
            runs.append([i, i, 0])
        runs[-1][1:] = [i, runs[-1][2] + len(units[i].text)]
    start, end, _ = max(runs, key=lambda run: run[2])
    return start, end


def _choose_title(units: list[_Unit], body_start: int) -> int | None:
    """The headline: the first title-like line before the body (or heading it) and after the
    last run of menu lines (or the first title-like line, when menus come later)."""
    if body_start < len(units) and units[body_start].heading_like:
        body_start += 1
    menu = [u.bullet or u.reason in MENU_REASONS for u in units[:body_start]]
    menu_end = max((i for i in range(1, len(menu)) if menu[i] and menu[i - 1]), default=-1)
    candidates = [
        i
        for i, unit in enumerate(units[:body_start])
        if not unit.reason
        and not unit.bullet
        and 3 <= len(unit.words) <= 25
        and not unit.text.endswith(".")
        and "[" not in unit.text
        and unit.text[:1].isupper()
    ]
    after_menu = [i for i in candidates if i > menu_end]
    return (after_menu or candidates or [None])[0]


GAP = 4  # units
MENU_REASONS = {"navigation", "share-bar", "sign-in", "subscription", "breadcrumb", "widget"}


def _clean_dump(raw: str) -> Cleaned:
    units, removed = _units(raw)
    meta = _Meta()
    for unit in units:
        unit.reason = _rule(unit, meta)
    references = _split_references(units)
    _mark_captions(units)

    classes = _content_classes(units)
    body_start, body_end = _core(units, classes)
    title_at = _choose_title(units, body_start)
    title = units[title_at].text if title_at is not None else ""
    _mark_repeats(units, title_at)
    for i, unit in enumerate(units):
        if unit.reason:
            continue
        if title_at is not None and i < title_at:
            unit.reason = "navigation"
        elif i == title_at:
            continue
        elif i < body_start:
            is_caption = len(unit.words) >= 8 and not unit.sentence and not unit.title_case
            unit.reason = "caption" if is_caption else "navigation"
        elif i > body_end:
            unit.reason = "empty-heading" if unit.heading else "footer"
        elif classes[i] == "bad":
            unit.reason = "navigation" if unit.bullet or unit.title_case else "low-content"
    _mark_empty_headings(units)
    body = [u.text for i, u in enumerate(units) if not u.reason and i != title_at]
    removed += [Removed(n, line, u.reason) for u in units if u.reason for n, line in u.lines]
    return Cleaned(
        text="\n\n".join([title] + body if title else body),
        title=title,
        published=meta.published,
        publisher=meta.publisher,
        section=meta.section,
        byline=meta.byline,
        references=references,
        removed=sorted(removed, key=lambda r: r.line),
    )


def _mark_repeats(units: list[_Unit], title_at: int | None) -> None:
    """A line that recurs on the page is furniture (a teaser, a menu, the title again); only
    the first copy of a long paragraph is kept."""
    counts = Counter(u.text.lower() for u in units)
    seen = {units[title_at].text.lower()} if title_at is not None else set()
    for i, unit in enumerate(units):
        key = unit.text.lower()
        if unit.reason or i == title_at or counts[key] < 2:
            continue
        if key in seen or len(unit.words) < 10:
            unit.reason = "repeated"
        seen.add(key)


def _mark_empty_headings(units: list[_Unit]) -> None:
    """An "[edit]" heading that introduces no kept text, and headings left at the very end."""
    kept = [u for u in units if not u.reason]
    for unit, following in zip(kept, kept[1:] + [None]):
        if unit.heading and (following is None or following.heading):
            unit.reason = "empty-heading"
    for unit in reversed(kept[1:]):
        if not unit.heading_like:
            break
        unit.reason = unit.reason or "empty-heading"


# --- entry points ----------------------------------------------------------------------------

HTML_START = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml|!--)", re.IGNORECASE)
HTML_CLOSE = re.compile(r"</(?:p|div|a|span|li)>", re.IGNORECASE)


def clean(raw: str) -> Cleaned:
    """Clean a raw article, HTML or a text dump (detected), into body text and metadata."""
    if HTML_START.match(raw) or len(HTML_CLOSE.findall(raw[:20000])) >= 3:
        return _clean_html(raw)
    return _clean_dump(raw)


def _clean_html(raw: str) -> Cleaned:
    """trafilatura finds the main text and metadata; captions, credits and the references
    block are then handled as in a dump (line numbers count in trafilatura's text)."""
    import trafilatura  # imported here: text dumps, the main case, do not need it

    extracted = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False)
    units, removed = _units(extracted.text if extracted else "")
    for unit in units:
        if len(unit.words) <= 40 and CREDIT.search(unit.text):
            unit.reason = "photo-credit"
    references = _split_references(units)
    _mark_captions(units)
    title = (extracted.title if extracted else "") or ""
    body = [u.text for u in units if not u.reason and u.text != title]
    removed += [Removed(n, line, u.reason) for u in units if u.reason for n, line in u.lines]
    categories = extracted.categories if extracted else None
    return Cleaned(
        text="\n\n".join([title] + body if title else body),
        title=title,
        published=(extracted.date or "") if extracted else "",
        publisher=(extracted.sitename or "") if extracted else "",
        section=(categories[-1] if categories else ""),
        byline=(extracted.author or "") if extracted else "",
        references=references,
        removed=sorted(removed, key=lambda r: r.line),
    )
