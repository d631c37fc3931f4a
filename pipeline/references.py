"""References, credits and markers: the citations a page holds outside its sentences, read
from plain text without spaCy. Cleaning sets the reference list and the credit lines aside
(and uses `read_credit` to know a credit line); row building turns them into citations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.records import record
from pipeline.resources import read_lines
from pipeline.temporal import CalendarDate, find_calendar_date

WIRES = read_lines("citation_wires.txt")


@record
@dataclass(frozen=True)
class Citation:
    kind: str  # reference, quote, statement, credit
    marker: str = ""
    source: str = ""
    source_id: str = ""
    cue: str = ""
    content: str = ""
    start: int | None = None
    end: int | None = None
    title: str = ""
    publisher: str = ""
    date: str = ""
    accessed: str = ""
    url: str = ""
    confidence: float = 1.0  # how sure the speaker attribution is (quotes and statements)
    # where the text names the speaker for this quote ("he", "the minister", "Humala"):
    # `source` is the fullest name it resolves to
    source_start: int | None = None
    source_end: int | None = None




# --- dates in references -------------------------------------------------------------------

YEAR_ONLY = re.compile(r"(?<=\()(?:1[5-9]|20)\d\d[a-z]?(?=\))"  # APA "(2001)"
                       r"|(?<=, )(?:1[5-9]|20)\d\d(?=\.?$)")  # MLA "..., 2001."
URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"“”]+[^\s<>\"“”.,;:)\]]")
ACCESSED = re.compile(
    r"\b(?:Retrieved|Accessed|Archived)\b(?: online)?(?: on)?(?: from)?:?\s*(?P<when>[^.]*?)"
    r"(?:\.(?=\s|$)|$)", re.IGNORECASE)
QUOTED = re.compile(r"[\"“](?P<title>[^\"“”]+)[\"”]")
PAREN_DATE = re.compile(r"\s*\((?P<when>[^()]*\d{4}[^()]*)\)\s*\.?\s*")
STRAY = " \t'\"“”‘’.,;:-–—"


def _find_date(text: str) -> CalendarDate | None:
    """The first calendar date of a reference (day or month precision), else a year where
    APA "(2001)" and MLA "..., 2001." put it: elsewhere a bare year is too often a number."""
    if found := find_calendar_date(text):
        return found
    if year := YEAR_ONLY.search(text):
        return CalendarDate(year.start(), year.end(), year[0][:4])
    return None


def date_in(text: str) -> str:
    """The first date in the text as ISO (day, month or year precision); "" when none."""
    found = _find_date(text)
    return found.iso if found else ""


def _person_name(author: str) -> str:
    """"Ripley, Amanda" -> "Amanda Ripley"; anything else stays as written."""
    parts = [p.strip() for p in author.split(",")]
    if len(parts) == 2 and all(p and p[0].isupper() and len(p.split()) <= 3 for p in parts):
        return f"{parts[1]} {parts[0]}"
    return author


def _fragments(text: str) -> list[str]:
    """A reference's unquoted remainder in parts: by ". " when it has sentence-like parts
    (APA/MLA), else by commas ("Author, Title, Publisher, date")."""
    text = text.replace("''", "")
    separator = r"\.\s+" if len(re.split(r"\.\s+", text.strip(STRAY))) > 1 else r",\s+"
    return [f.strip(STRAY) for f in re.split(separator, text) if f.strip(STRAY)]


def parse_reference(entry: str, marker: str = "") -> Citation:
    """One reference entry: author, title, publisher, date, accessed date and URL.

    The first quoted string is the title (later quoted passages are excerpts); a
    parenthesised date closes the author part ("Ripley, Amanda (2001)."); without a quoted
    title the remaining fragments are read as author, title, publisher in that order.
    """
    rest = entry.strip()
    url = next((m.group(0) for m in URL.finditer(rest)), "")
    rest = URL.sub(" ", rest)
    accessed = ""
    if found := ACCESSED.search(rest):
        accessed = date_in(found.group("when"))
        rest = rest[: found.start()] + rest[found.end():]
    title = author = ""
    date = ""
    if found := PAREN_DATE.search(rest):
        date = date_in(f"({found.group('when')})")
        author, rest = rest[: found.start()].strip(STRAY), rest[found.end():]
    if found := QUOTED.search(rest):
        title = found.group("title").strip(STRAY)
        if not author:
            author = rest[: found.start()].strip(STRAY)
        rest = rest[found.end():]
        rest = QUOTED.sub(" ", rest.split("“")[0] if "“" in rest else rest.split('"')[0])
    if not date and (found_date := _find_date(rest)):
        date = found_date.iso
        rest = rest[: found_date.start] + rest[found_date.end:]
    fragments = _fragments(rest)
    if not title and not author and len(fragments) >= 3:
        author = fragments.pop(0)
    if not title and fragments:
        title = fragments.pop(0)
    publisher = fragments[0] if fragments else ""
    if not publisher and url:
        publisher = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("/")[0]
    return Citation("reference", marker, source=_person_name(author), title=title,
                    publisher=publisher, date=date, accessed=accessed, url=url)


def parse_references(entries: list[str]) -> list[Citation]:
    """The reference list, in order: marker "1" is the first entry."""
    return [parse_reference(entry, str(n)) for n, entry in enumerate(entries, 1)]


# --- credits --------------------------------------------------------------------------------
# One grammar of credits for both ends of the flow: cleaning removes a short line that
# `read_credit` reads as a credit (`photo-credit`), and the credit citations are what it
# reads there, so no line is removed as a credit without its name becoming a citation.

AGENCIES = r"getty images|afp|reuters|ap|epa|shutterstock"
CREDIT_FORMS = (
    # "AP Photo/Martin Mejia"
    re.compile(r"\b(?P<agency>[A-Z][\w.]*) (?:Photo|Images?|Video)/(?P<name>[^|,;]+)"),
    # "Photo: Agencia Andina", "| Image credit: NASA", "Photograph: Jane Doe/Getty Images",
    # at the start of the line or of a sentence, or after a separator
    re.compile(r"(?:^|[|(—–-]\s*|(?<=[.!?])\s+)"
               r"(?:photo(?:graph)?s?|pictures?|images?|illustrations?|credits?|video|foto)"
               r"(?: by| credits?)?\s*:\s*(?P<name>[^|]*)", re.IGNORECASE),
    # "(Photo by Jane Doe)" closing a caption
    re.compile(r"\((?:photo|picture|image)s? by (?P<name>[^)]*)\)$", re.IGNORECASE),
    # "Ernesto Benavides / AFP via Getty Images"; the name starts where its run of
    # characters does (the leftmost match starts there anyway): tried from every position
    # of a line padded with hundreds of spaces, the lazy name took seconds
    re.compile(rf"(?:^|(?<=[|.()/]))(?P<name>[^|.()/]*?)\s*/\s*(?P<agency>{AGENCIES})\b",
               re.IGNORECASE),
    # "(Reuters)" alone on a line
    re.compile(r"^\((?P<agency>reuters|ap|afp|file)\)$", re.IGNORECASE),
)
WIRE = re.compile(r"\((?P<name>{0})\)|^\s*(?:By\s+)?(?P<lead>{0})\s*[-—–|]".format(
    "|".join(re.escape(w) for w in sorted(WIRES, key=len, reverse=True))))
REPEATED = re.compile(r"^(?P<name>.+?)\s*(?P=name)$")


def read_credit(text: str) -> tuple[str, str] | None:
    """(credited name, agency) when the text holds a photo or video credit, else None;
    either part may be empty ("(File)" credits no one)."""
    for form in CREDIT_FORMS:
        if found := form.search(text):
            parts = found.groupdict()
            name = REPEATED.sub(r"\g<name>", (parts.get("name") or "").strip(STRAY))
            person, _, agency = name.partition("/")
            agency = parts.get("agency") or agency
            return person.strip(STRAY), agency.strip(STRAY)
    return None


def find_credits(lines: list[str]) -> list[Citation]:
    """Photo, video and wire credits in caption lines and bylines, one per credited name."""
    credits: dict[str, Citation] = {}
    for line in lines:
        if found := read_credit(line or ""):
            person, agency = found
            credit = Citation("credit", source=person or agency,
                              publisher=agency if person else "")
        elif found := WIRE.search(line or ""):
            credit = Citation("credit", source=found.group("name") or found.group("lead"))
        else:
            continue
        if credit.source:
            credits.setdefault(credit.source.lower(), credit)
    return list(credits.values())
