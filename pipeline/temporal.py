"""The temporal grammar, in plain text and without spaCy: calendar arithmetic, the rules
that normalise an expression to a TIMEX3 value (`normalise`), the patterns that find
expressions the model misses (`FINDER`), and calendar dates in a line of text
(`find_calendar_date`, which cleaning uses for datelines and citations for references).
The dates component (pipeline/dates.py) applies it to the spans of a parsed Doc.

`normalise` is a pure function of the expression's text, the publication date, the tense
of the governing verb and the previous date of the text: relative expressions are resolved
against the publication date ("published") or the previous date ("previous"), and left
with XXXX parts when neither is known, never guessed. Values follow the TempEval-3 (TIMEX3)
conventions: 2016-03-30, 2016-W15, 2016-Q1, 2016-SU, 199X, 19 (a century), P3Y, PT5H,
PRESENT_REF.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

from pipeline.resources import read_json

LEX: dict = read_json("dates_lexicon.json")


@dataclass(frozen=True)
class Value:
    """What `normalise` returns: a Timex without its place in the text."""

    type: str
    value: str
    date_start: str = ""
    date_end: str = ""
    granularity: str = ""
    anchor: str = ""

# ---------------------------------------------------------------- calendar periods


def _period(value: str, start: date | None, end: date | None, granularity: str) -> Value:
    iso = (start.isoformat(), end.isoformat()) if start and end else ("", "")
    return Value("DATE", value, *iso, granularity)


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    year, index = divmod(year * 12 + month - 1 + n, 12)
    return year, index + 1


def _month_end(year: int, month: int) -> date:
    year, month = _add_months(year, month, 1)
    return date(year, month, 1) - timedelta(days=1)


def _day(d: date) -> Value:
    return _period(d.isoformat(), d, d, "day")


def _month(year: int | None, month: int) -> Value:
    if year is None:
        return _period(f"XXXX-{month:02d}", None, None, "month")
    return _period(f"{year:04d}-{month:02d}", date(year, month, 1), _month_end(year, month),
                   "month")


def _months(year: int | None, first: int, count: int, code: str, granularity: str) -> Value:
    """A run of `count` months from `first` (quarters, halves, seasons, years)."""
    if year is None:
        return _period(f"XXXX{code}", None, None, granularity)
    end_year, end_month = _add_months(year, first, count - 1)
    return _period(f"{year:04d}{code}", date(year, first, 1), _month_end(end_year, end_month),
                   granularity)


def _year(year: int | None) -> Value:
    return _months(year, 1, 12, "", "year")


def _quarter(year: int | None, quarter: int) -> Value:
    return _months(year, 3 * quarter - 2, 3, f"-Q{quarter}", "quarter")


def _half(year: int | None, half: int) -> Value:
    return _months(year, 6 * half - 5, 6, f"-H{half}", "half")


SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _season(year: int | None, code: str) -> Value:
    return _months(year, SEASON_START[code], 3, f"-{code}", "season")


def _week(d: date, weekend: bool = False) -> Value:
    iso = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    if weekend:
        return _period(f"{iso[0]}-W{iso[1]:02d}-WE", monday + timedelta(days=5),
                       monday + timedelta(days=6), "weekend")
    return _period(f"{iso[0]}-W{iso[1]:02d}", monday, monday + timedelta(days=6), "week")


def _years(first: int, count: int, value: str, granularity: str) -> Value:
    """A span of whole years; the calendar starts at year 1, so the first century does too."""
    return _period(value, date(max(first, 1), 1, 1), date(first + count - 1, 12, 31),
                   granularity)


def _decade(decade: int) -> Value:
    """`decade` is the year divided by ten: 199 for the 1990s."""
    return _years(decade * 10, 10, f"{decade}X", "decade")


def _century(century: int) -> Value:
    """`century` is the year divided by a hundred: 19 for the twentieth century."""
    return _years(century * 100, 100, f"{century:02d}", "century")


def _narrow(value: Value, mod: str) -> Value:
    """Early/mid/late part of a period: the first half, the middle half, the last half
    of its years (decades, centuries), months (years, seasons, quarters) or days."""
    if not value.date_start or value.granularity in ("day", "time"):
        return value
    start, end = date.fromisoformat(value.date_start), date.fromisoformat(value.date_end)
    if value.granularity in ("decade", "century"):
        n = end.year - start.year + 1
        step = lambda k: date(start.year + k, 1, 1)  # noqa: E731
    elif value.granularity in ("week", "weekend", "month"):
        n = (end - start).days + 1
        step = lambda k: start + timedelta(days=k)  # noqa: E731
    else:
        n = (end.year - start.year) * 12 + end.month - start.month + 1
        step = lambda k: date(*_add_months(start.year, start.month, k), 1)  # noqa: E731
    lo, hi = {"early": (0, n // 2), "mid": (n // 4, n - n // 4), "late": (n - n // 2, n)}[mod]
    return replace(value, date_start=step(lo).isoformat(),
                   date_end=(step(hi) - timedelta(days=1)).isoformat())


# ---------------------------------------------------------------- lexicon patterns


def alternation(words) -> str:
    """The words as one alternation, written as a trie ('jan(?:uary)?'): it matches as the
    words tried longest first would, and the engine no longer tries each word in turn at
    every position of a text."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    return _branches(trie)


def _branches(node: dict) -> str:
    """A trie node as a pattern: its longer words first, then the word ending there."""
    branches = [re.escape(char) + _branches(rest) for char, rest in node.items() if char]
    body = "|".join(branches)
    if "" in node and branches:
        return f"(?:{body})?"
    return body if len(branches) < 2 else f"(?:{body})"


MONTH = rf"(?:{alternation(LEX['months'])})\.?"
WEEKDAY = rf"(?:{alternation(LEX['weekdays'])})\.?"
SEASON = alternation(LEX["seasons"])
ORDINAL = alternation(LEX["ordinals"])
NUMBER_WORD = alternation(list(LEX["numbers"]) + LEX["vague_numbers"])
_NUMBER = (rf"(?:\d[\d,]*(?:\.\d+)?(?:\s+\d/\d)?|\d/\d"
           rf"|(?:{NUMBER_WORD})(?:[\s-]+(?:{NUMBER_WORD}))*)")
NUMBER = rf"(?:{_NUMBER}(?:\s*(?:to|or|-)\s*{_NUMBER})?(?:\s+of)?(?:\s+and\s+a\s+half)?)"
UNIT = rf"(?:{alternation(LEX['units'])})s?"
PART_OF_DAY = alternation(LEX["parts_of_day"])
REL = r"this past|this coming|this|last|next|past|coming|previous|following|current|same"

AGE = re.compile(rf"\b{NUMBER}[\s-]+(?:year|month|week|day)s?[\s-]+old\b")
TEMPORAL_WORD = re.compile(
    rf"\b(?:{MONTH}|{WEEKDAY}|{SEASON}|{UNIT}|{PART_OF_DAY}|today|tonight|yesterday|tomorrow"
    rf"|\d{{4}}|{alternation(LEX['holidays'])})(?!\w)"
)


def _month_number(word: str) -> int:
    return LEX["months"][word.rstrip(".")]


def _weekday_number(word: str) -> int:
    return LEX["weekdays"][word.rstrip(".")]


def _number(text: str) -> float | None:
    """'three' -> 3, '2 1/2' -> 2.5, 'twenty four' -> 24; None for vague ones ('several')."""
    text = text.replace(",", "").replace(" of", "").strip()
    half = text.endswith("and a half")
    text = text.removesuffix("and a half").strip()
    if re.fullmatch(r"\d[\d,.]*\s*(?:to|or|-)\s*\d[\d,.]*|\w+\s+(?:to|or)\s+\w+", text):
        return None
    text = re.sub(r"^an?\s+(?=\S)", "", text) if " " in text else text
    total = 0.0
    for part in re.split(r"[\s-]+", text):
        if re.fullmatch(r"\d+(?:\.\d+)?", part):
            total += float(part)
        elif re.fullmatch(r"\d/\d", part):
            top, bottom = part.split("/")
            total += int(top) / int(bottom)
        elif part == "hundred":
            total = max(total, 1) * 100
        elif part in LEX["numbers"]:
            total += LEX["numbers"][part]
        else:
            return None
    return total + 0.5 * half


# ---------------------------------------------------------------- resolution helpers


@dataclass(frozen=True)
class _Context:
    published: date | None
    tense: str  # "past", "future" or ""
    previous: Value | None


def _anchored(value: Value, anchor: str) -> Value:
    return replace(value, anchor=anchor) if value.date_start else value


WRONG_SIDE = 6  # a date after the publication date in a past-tense clause is far less likely


def _pick(make: Callable[[int | None], Value], ctx: _Context, rel: str) -> Value:
    """The year for a month, a day or a season given without one: the instance nearest the
    publication date, looking backwards after past tenses and 'last', forwards after
    future tenses and 'next'."""
    if ctx.published is None:
        return make(None)
    pub = ctx.published.isoformat()
    candidates = [make(ctx.published.year + k) for k in (-1, 0, 1)]
    if rel == "this":
        return _anchored(candidates[1], "published")
    if rel in ("last", "past", "this past", "previous"):
        before = [c for c in candidates if c.date_end < pub]
        return _anchored(before[-1], "published")
    if rel in ("next", "coming", "this coming", "following"):
        after = [c for c in candidates if c.date_start > pub]
        return _anchored(after[0], "published")

    def distance(c: Value) -> int:
        """Days from the publication date; against the tense, six times as far."""
        start, end = date.fromisoformat(c.date_start), date.fromisoformat(c.date_end)
        ahead, behind = (start - ctx.published).days, (ctx.published - end).days
        return max(ahead * (WRONG_SIDE if ctx.tense == "past" else 1),
                   behind * (WRONG_SIDE if ctx.tense == "future" else 1), 0)

    return _anchored(min(candidates, key=distance), "published")


def _shift(value: Value, n: int, unit: str) -> Value:
    """`value` moved by n units (negative: back), keeping its granularity when finer."""
    start = date.fromisoformat(value.date_start)
    days = {"D": 1, "W": 7, "WE": 7, "2W": 14}
    if unit in days:
        return _day(start + timedelta(days=n * days[unit]))
    months = {"M": 1, "Q": 3, "Y": 12, "10Y": 120, "100Y": 1200}[unit] * n
    year, month = _add_months(start.year, start.month, months)
    if value.granularity == "day":
        return _day(date(year, month, min(start.day, _month_end(year, month).day)))
    if value.granularity in ("month", "week") or unit == "M":
        return _month(year, month)
    if value.granularity == "quarter" or unit == "Q":
        return _quarter(year, (month - 1) // 3 + 1)
    return _year(year)


def _singular(unit: str) -> str:
    return unit if unit in LEX["units"] else unit[:-1]


def _duration(n: float | None, unit: str) -> str:
    """TIMEX3 duration value: P3Y, PT5H, P2Y6M, PXD."""
    code = LEX["units"][unit]
    time = code.startswith("T")
    code = code.lstrip("T")
    factor, code = (int(code[:-1]), code[-1]) if code[:-1].isdigit() else (1, code)
    if code in ("WE", "Q") and n is not None:
        factor, code = (2, "D") if code == "WE" else (3, "M")
    prefix = "PT" if time else "P"
    if n is None:
        return f"{prefix}X{code}"
    n *= factor
    if n != int(n):
        smaller = {"Y": (12, "M"), "D": (24, "H"), "H": (60, "M"), "M": (60, "S")}
        if code in smaller and not (code == "M" and not time):
            k, sub = smaller[code]
            joiner = "T" if code == "D" else ""
            return f"{prefix}{int(n)}{code}{joiner}{round((n - int(n)) * k)}{sub}"
    return f"{prefix}{n:g}{code}"


# ---------------------------------------------------------------- the rules


def _rule_set(s: str, ctx: _Context) -> Value | None:
    if s in LEX["sets"]:
        return Value("SET", LEX["sets"][s])
    m = re.fullmatch(rf"(?:every|each|per)\s+(?:other\s+)?(?:({UNIT})|({WEEKDAY})"
                     rf"|({MONTH})|({SEASON}))", s)
    if m is None:
        m = re.fullmatch(rf"(?:{NUMBER}\s+times?|once|twice)\s+(?:a|an|per|each|every)\s+({UNIT})"
                         r"()()()", s)
    if m is None:
        return None
    unit, weekday, month, season = m.groups()
    if unit:
        return Value("SET", _duration(1, _singular(unit)))
    if weekday:
        return Value("SET", f"XXXX-WXX-{_weekday_number(weekday)}")
    if month:
        return Value("SET", f"XXXX-{_month_number(month):02d}")
    return Value("SET", f"XXXX-{LEX['seasons'][season]}")


def _rule_clock(s: str, ctx: _Context) -> Value | None:
    """Times of day: '3 p.m.', '10:35 a.m. Wednesday', 'Friday night', 'this morning'."""
    m = re.fullmatch(r"(?P<h>\d{1,2})(?:[:.](?P<min>\d{2}))?\s*(?P<ap>[ap]\.?\s?m\b\.?)?"
                     r"(?:\s*\(?[a-z]{2,3}t\)?)?(?:,?\s+(?:on\s+)?(?P<day>.+))?", s)
    spoken = re.fullmatch(r"(?P<h>\d{1,2})(?:\s+o'clock)?\s+in\s+the\s+(?P<pod>afternoon|evening"
                          r"|morning)(?:,?\s+(?:on\s+)?(?P<day>.+))?", s)
    if m and (m["ap"] or m["min"]) and int(m["h"]) <= 24:
        hour = int(m["h"]) % 12 + 12 * (m["ap"][0] == "p") if m["ap"] else int(m["h"])
        clock = f"{hour:02d}:{m['min'] or '00'}"
        day = m["day"]
    elif spoken and int(spoken["h"]) <= 12:  # '4 in the morning', '8 in the evening'
        hour = int(spoken["h"]) % 12 + 12 * (spoken["pod"] != "morning")
        clock, day = f"{hour:02d}:00", spoken["day"]
    else:
        m = re.fullmatch(rf"(?:(?P<day>.+?)\s+)?(?:at\s+|in\s+the\s+)?(?P<pod>{PART_OF_DAY})", s)
        if not m:
            m = re.fullmatch(rf"(?P<pod>{PART_OF_DAY})\s+(?:on\s+)?(?P<day>.+)", s)
        if not m and s == "tonight":
            return _rule_clock("tonight night", ctx)
        if not m:
            return None
        clock = LEX["parts_of_day"][m["pod"]]
        day = m["day"]
    if day is None and ctx.previous and ctx.previous.granularity == "day":
        base = replace(ctx.previous, anchor="previous")
    elif day in (None, "this", "early", "late", "tonight", "today", "in the"):
        base = _day(ctx.published) if ctx.published else None
    elif day == "last" and ctx.published:
        base = _day(ctx.published - timedelta(days=1))
    else:
        base = normalise(day, ctx.published, tense=ctx.tense, previous=ctx.previous)
        if base is None or base.granularity != "day":
            return None
    if base is None:
        return Value("TIME", f"XXXX-XX-XXT{clock}", granularity="time")
    return Value("TIME", f"{base.value}T{clock}", base.date_start, base.date_end, "time",
                 base.anchor or "published")


DAYS = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?(?:\s*[-–]\s*(?P<e>\d{1,2}))?"  # "26th", "19-21"


def _rule_absolute(s: str, ctx: _Context) -> Value | None:
    """Calendar dates: 2001-07-26, July 26, 2001, 26 July 2001, 2001, July 26, Apr 29,
    April 19-21."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", s)
    if m:
        year, month, day = map(int, m.groups())
        end = None
    else:
        lead = rf"(?:(?:{REL})\s+)?(?:{WEEKDAY},?\s+)?"
        year_after = r"(?:,?\s+(?P<y>\d{4}))?"
        m = (re.fullmatch(rf"{lead}(?P<m>{MONTH})\s+{DAYS}{year_after}", s)
             or re.fullmatch(rf"{lead}(?:the\s+)?{DAYS}\s+(?:of\s+)?(?P<m>{MONTH}){year_after}", s)
             or re.fullmatch(rf"(?P<y>\d{{4}}),?\s+(?P<m>{MONTH})\s+{DAYS}", s))
        if not m:
            return None
        month, day = _month_number(m["m"]), int(m["d"])
        year = int(m["y"]) if m["y"] else None
        end = int(m["e"]) if m["e"] else None
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    rel = re.match(r"(this past|this coming|last|next)\s", s)
    if year is None:
        if ctx.published is None:
            return _period(f"XXXX-{month:02d}-{day:02d}", None, None, "day")
        value = _pick(lambda y: _day(date(y, month, min(day, _month_end(y, month).day))),
                      ctx, rel[1] if rel else "")
        year = date.fromisoformat(value.date_start).year
        anchor = "published"
    else:
        anchor = ""
    day = min(day, _month_end(year, month).day)
    value = replace(_day(date(year, month, day)), anchor=anchor)
    if end and end > day:
        value = replace(value, date_end=date(year, month, min(end, 31 if month != 2 else 29))
                        .isoformat())
    return value


def _rule_month(s: str, ctx: _Context) -> Value | None:
    m = re.fullmatch(rf"(?:(?P<rel>{REL})\s+)?(?P<m>{MONTH})(?:,?\s+(?:of\s+)?(?P<y>\d{{4}})"
                     rf"|\s+(?P<yrel>this|last|next)\s+year)?", s)
    if not m or (m["m"] == "may" and not (m["rel"] or m["y"] or m["yrel"]) and s != "may"):
        return None
    month = _month_number(m["m"])
    if m["y"]:
        return _month(int(m["y"]), month)
    if m["yrel"]:
        year = _relative_year(m["yrel"], ctx)
        return _anchored(_month(year, month), "published")
    return _pick(lambda y: _month(y, month), ctx, m["rel"] or "")


def _relative_year(rel: str, ctx: _Context) -> int | None:
    if ctx.published is None:
        return None
    return ctx.published.year + {"last": -1, "next": 1}.get(rel, 0)


def _rule_year(s: str, ctx: _Context) -> Value | None:
    m = re.fullmatch(r"(?:(?:fiscal|calendar|the year|year|model year|pre|post)[\s-]*)?"
                     r"(\d{4})", s)
    if not m or not 1000 <= int(m[1]) <= 2200:
        return None
    return _year(int(m[1]))


def _rule_decade(s: str, ctx: _Context) -> Value | None:
    m = re.fullmatch(r"(\d{3})0\s?'?s", s)
    if m:
        return _decade(int(m[1]))
    m = re.fullmatch(rf"'?(\d)0\s?'?s|({alternation(LEX['decades'])})", s)
    if not m:
        return None
    tens = int(m[1]) if m[1] else LEX["decades"][m[2]]
    now = ctx.published.year if ctx.published else 1999
    century = now // 100 if tens * 10 <= now % 100 else now // 100 - 1
    return _decade(century * 10 + tens)


def _rule_century(s: str, ctx: _Context) -> Value | None:
    m = re.fullmatch(rf"(?:the\s+)?(?:(\d{{1,2}})(?:st|nd|rd|th)|({ORDINAL}))[\s-]+century", s)
    if m:
        number = int(m[1]) if m[1] else LEX["ordinals"][m[2]]
        return _century(number - 1) if number > 0 else None
    m = re.fullmatch(rf"(?:({REL})\s+)?century", s)
    if m and ctx.published:
        shift = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1}.get(m[1], 0)
        return _anchored(_century(ctx.published.year // 100 + shift), "published")
    return None


def _rule_quarter(s: str, ctx: _Context) -> Value | None:
    """Quarters and halves: 'the third quarter', 'fiscal 1989 second-quarter',
    'the year-ago quarter', 'the first half of 2002'."""
    m = re.fullmatch(rf"(?P<pre>(?:[\w'-]+\s+)*?)(?:(?P<ord>{ORDINAL}|latest|last|current|"
                     rf"this|next|previous|same)[\s-]+)?(?:fiscal[\s-]+)?(?P<u>quarter|half)"
                     r"(?:,?\s+(?:of\s+)?(?:fiscal\s+)?(?P<y>\d{4})"
                     r"|\s+a\s+year\s+(?:ago|earlier))?", s)
    if not m or (m["u"] == "half" and not m["ord"]):
        return None
    pre = m["pre"] + s[m.end("u"):]  # what is said of the year, before or after
    year_match = re.search(r"\d{4}", pre)
    year = int(m["y"] or (year_match[0] if year_match else 0)) or None
    ordinal = LEX["ordinals"].get(m["ord"] or "")
    back = (bool(re.search(r"year[\s-]*(?:ago|earlier)|last\s+year|previous\s+year", pre))
            - bool(re.search(r"next\s+year", pre)))  # years back: 'next year's first quarter'
    if m["u"] == "half":
        if ordinal not in (1, 2):
            return None
        if year is None and ctx.published:
            year = ctx.published.year - back
        return _anchored(_half(year, ordinal), "" if m["y"] or year_match else "published")
    if ordinal and ordinal > 4:
        return None
    if year and (ordinal or ctx.published is None):
        return _quarter(year - back, ordinal) if ordinal else None
    if ctx.published is None:
        return _period(f"XXXX-Q{ordinal or 'X'}", None, None, "quarter")
    current = (ctx.published.month - 1) // 3 + 1
    y = ctx.published.year - back
    if ordinal:
        if ordinal > current and ctx.tense != "future" and "next" not in pre:
            y -= 1
        return _anchored(_quarter(y, ordinal), "published")
    shift = {"next": 1, "this": 0, "current": 0}.get(m["ord"] or "", -1)
    if ctx.tense == "future" and not m["ord"]:
        shift = 0
    y, q = divmod((y * 4 + current - 1) + shift, 4)
    if year:  # 'the 1988 quarter': the quarter reported on, in that year
        return _quarter(year - back, q + 1)
    return _anchored(_quarter(y, q + 1), "published")


def _rule_season(s: str, ctx: _Context) -> Value | None:
    m = re.fullmatch(rf"(?:(?P<rel>{REL})\s+)?(?P<s>{SEASON})(?:\s+(?:of\s+)?(?P<y>\d{{4}}))?", s)
    if not m:
        return None
    code = LEX["seasons"][m["s"]]
    if m["y"]:
        return _season(int(m["y"]), code)
    return _pick(lambda y: _season(y, code), ctx, m["rel"] or "")


def _rule_weekday(s: str, ctx: _Context) -> Value | None:
    m = re.fullmatch(rf"(?:(?P<rel>{REL})\s+)?(?P<w>{WEEKDAY})", s)
    if not m:
        return None
    weekday = _weekday_number(m["w"])
    if ctx.published is None:
        return _period(f"XXXX-WXX-{weekday}", None, None, "day")
    back = (ctx.published.isoweekday() - weekday) % 7
    forward = (weekday - ctx.published.isoweekday()) % 7
    rel = m["rel"] or ""
    if rel in ("last", "past", "this past", "previous"):
        offset = -(back or 7)
    elif rel in ("next", "coming", "this coming", "following"):
        offset = forward or 7
    elif ctx.tense == "future" or (ctx.tense != "past" and forward < back):
        offset = forward
    else:
        offset = -back
    return replace(_day(ctx.published + timedelta(days=offset)), anchor="published")


DEICTIC_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
                "the day after tomorrow": 2, "day before yesterday": -2,
                "day after tomorrow": 2}


def _rule_deictic(s: str, ctx: _Context) -> Value | None:
    if s not in DEICTIC_DAYS:
        return None
    if ctx.published is None:
        return _period("XXXX-XX-XX", None, None, "day")
    return replace(_day(ctx.published + timedelta(days=DEICTIC_DAYS[s])), anchor="published")


def _rule_relative_unit(s: str, ctx: _Context) -> Value | None:
    """'this week', 'last month', 'next year', 'the weekend', 'that day', 'the next day'."""
    m = re.fullmatch(rf"(?P<det>the\s+|that\s+)?(?:(?P<rel>{REL})\s+)?"
                     r"(?:(?:fiscal|full|calendar)\s+)?(?P<u>day|week|weekend|month|year|decade)",
                     s)
    if not m:
        return None
    rel, unit = m["rel"] or (m["det"] or "the").strip(), m["u"]
    step = {"last": -1, "past": -1, "previous": -1, "this past": -1, "next": 1, "coming": 1,
            "following": 1, "this coming": 1}.get(rel, 0)
    if unit == "day" or rel in ("following", "previous", "that", "that same", "the same"):
        base, anchor = ctx.previous, "previous"
        if base is None or not base.date_start:
            base, anchor = (_day(ctx.published) if ctx.published else None), "published"
    else:
        base, anchor = (_day(ctx.published) if ctx.published else None), "published"
    if base is None:
        code = {"day": "XXXX-XX-XX", "week": "XXXX-WXX", "weekend": "XXXX-WXX-WE",
                "month": "XXXX-XX", "year": "XXXX", "decade": "XXX"}[unit]
        return _period(code, None, None, unit)
    start = date.fromisoformat(base.date_start)
    if unit == "day":
        return _anchored(_day(start + timedelta(days=step)), anchor)
    if unit in ("week", "weekend"):
        if unit == "weekend" and rel == "the" and ctx.tense == "past" and start.weekday() < 5:
            step = -1
        return _anchored(_week(start + timedelta(weeks=step), unit == "weekend"), anchor)
    if unit == "month":
        return _anchored(_month(*_add_months(start.year, start.month, step)), anchor)
    if unit == "year":
        return _anchored(_year(start.year + step), anchor)
    return _anchored(_decade(start.year // 10 + step), anchor)


def _rule_vague(s: str, ctx: _Context) -> Value | None:
    """'recent years', 'the next few days', 'the weeks ahead': a stretch of unknown length,
    which TimeML writes as a duration with an unknown number (PXY, PXD)."""
    m = re.fullmatch(rf"(?:the\s+)?(?:(?P<rel>past|last|recent|coming|next|future)\s+(?:few\s+"
                     rf"|several\s+|many\s+)?(?P<u>{UNIT})|(?P<v>{UNIT})\s+(?:ahead|to\s+come))", s)
    plural = m and (m["u"] or m["v"])
    if not plural or _singular(plural) == plural:
        return None
    if _singular(plural) == "quarter":  # reports speak of past and future quarters, not spans
        return Value("DATE", "FUTURE_REF" if m["rel"] in ("coming", "next", "future", None)
                     else "PAST_REF")
    return Value("DURATION", _duration(None, _singular(plural)))


def _rule_year_ago(s: str, ctx: _Context) -> Value | None:
    """'year-ago', 'the year-earlier period': the period a year before the one reported on."""
    m = re.fullmatch(r"(?:the\s+)?(?:(?:comparable|corresponding|same)\s+)?"
                     r"(?:year[\s-]+(?:ago|earlier)|prior[\s-]+year|previous[\s-]+year)"
                     r"(?:\s+(period|quarter))?", s)
    if not m:
        return None
    previous = ctx.previous
    if previous and previous.granularity == "quarter" and previous.date_start:
        return _anchored(_shift(previous, -1, "Y"), "previous")
    if ctx.published is None:
        return _period("XXXX", None, None, "year")
    if m[1] == "quarter":
        return _rule_quarter("year-ago quarter", ctx)
    return _anchored(_year(ctx.published.year - 1), "published")


def _rule_offset(s: str, ctx: _Context) -> Value | None:
    """'three years ago', 'a year earlier', 'days later', 'two weeks before'."""
    m = re.fullmatch(rf"(?:(?P<n>{NUMBER})[\s-]+)?(?P<u>{UNIT})\s+"
                     r"(?P<dir>ago|earlier|later|before|after|from\s+now|hence|since)", s)
    if not m:
        return None
    unit = _singular(m["u"])
    n = _number(m["n"]) if m["n"] else None
    sign = -1 if m["dir"] in ("ago", "earlier", "before", "since") else 1
    relative_to_text = m["dir"] not in ("ago", "from now", "hence")
    prev = ctx.previous if ctx.previous and ctx.previous.date_start else None
    if prev and (relative_to_text or (prev.granularity == "quarter" and unit == "year")):
        base, anchor = prev, "previous"
    elif ctx.published:
        base, anchor = _day(ctx.published), "published"
    else:
        base = None
    code = LEX["units"][unit]
    if n is None and base is not None and m["dir"] == "ago":  # 'several years ago'
        return Value("DATE", "PAST_REF")
    if base is None or n is None or n != int(n) or code.startswith("T"):
        return Value("DATE", "XXXX" if code.endswith("Y") else "XXXX-XX-XX")
    n = sign * int(n)
    if anchor == "published" and code.endswith("Y"):  # 'three years ago': a year
        return _anchored(_year(ctx.published.year + n * int(code[:-1] or 1)), anchor)
    if anchor == "published" and code == "W":  # 'six weeks ago': a week
        return _anchored(_week(ctx.published + timedelta(weeks=n)), anchor)
    if anchor == "published" and code == "M":
        return _anchored(_month(*_add_months(ctx.published.year, ctx.published.month, n)),
                         anchor)
    return _anchored(_shift(base, n, code), anchor)


def _rule_duration(s: str, ctx: _Context) -> Value | None:
    """'three years', 'the past two months', '10-day', 'several weeks', 'the first half'."""
    m = re.fullmatch(rf"(?:(?:the\s+)?(?:{REL}|first|final|better\s+part\s+of|entire|whole|full|"
                     rf"recent|few)\s+)?(?P<n>{NUMBER})?(?:\s+more|\s+additional)?"
                     rf"(?:\s+(?:trading|business|working|school))?[\s-]*"
                     rf"(?P<u>{UNIT})(?:[\s-]long)?", s)
    if not m:
        return None
    unit = _singular(m["u"])
    if unit not in LEX["units"] or re.fullmatch(r"1\d{3}|20\d\d", m["n"] or ""):
        return None
    plural = m["u"] != unit
    n = _number(m["n"]) if m["n"] else (None if plural else 1)
    return Value("DURATION", _duration(n, unit))


def _rule_holiday(s: str, ctx: _Context) -> Value | None:
    m = re.fullmatch(rf"(?:(?P<rel>{REL})\s+)?(?P<h>{alternation(LEX['holidays'])})", s)
    if not m:
        return None
    month, day, *nth = LEX["holidays"][m["h"]].split("-")  # "12-25" or "11-thu-4"

    def make(year: int | None) -> Value:
        if year is None:
            return _period(f"XXXX-{int(month):02d}-XX", None, None, "day")
        if not nth:
            return _day(date(year, int(month), int(day)))
        first = date(year, int(month), 1)
        offset = (_weekday_number(day) - first.isoweekday()) % 7 + 7 * (int(nth[0]) - 1)
        return _day(first + timedelta(days=offset))

    return _pick(make, ctx, m["rel"] or "")


def _rule_week_of(s: str, ctx: _Context) -> Value | None:
    """'the week of March 6': the calendar week holding that day."""
    m = re.fullmatch(r"(?:the\s+)?week\s+of\s+(.+)", s)
    day = normalise(m[1], ctx.published, tense=ctx.tense, previous=ctx.previous) if m else None
    if day is None or day.granularity != "day" or not day.date_start:
        return None
    return replace(_week(date.fromisoformat(day.date_start)), anchor=day.anchor)


RULES = (_rule_set, _rule_clock, _rule_absolute, _rule_month, _rule_year, _rule_decade,
         _rule_century, _rule_year_ago, _rule_quarter, _rule_season, _rule_weekday,
         _rule_deictic, _rule_relative_unit, _rule_vague, _rule_offset, _rule_duration,
         _rule_holiday, _rule_week_of)
MODIFIER = re.compile(r"(?:the\s+)?(early|late|mid|middle\s+of|end\s+of|beginning\s+of|start\s+of"
                      r"|turn\s+of|earlier|later)(?![a-z])(?:[\s-]+(?:in|of)\b)?[\s-]*")
MODIFIERS = {"early": "early", "beginning": "early", "start": "early", "late": "late",
             "end": "late", "mid": "mid", "middle": "mid", "turn": "", "earlier": "",
             "later": ""}
APPROXIMATE = re.compile(r"(?:about|around|roughly|approximately|nearly|almost|some|only|just|"
                         r"as\s+(?:long|much|many|little|few|early|late|soon)\s+as|"
                         r"more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|up\s+to|"
                         r"no\s+more\s+than|over|under|within|the)\s+")
LEADING = re.compile(r"(?:since|in|on|at(?!\s+(?:least|most))|by|from|until|till|through|during"
                     rf"|for|of|before|after|sometime|some\s+time(?=\s)|{alternation(LEX['trimmed_before'])})"
                     r"\s+")
QUARTER_NAMES = ("first", "second", "third", "fourth")
TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SPELLED_YEAR = re.compile(
    rf"\b(seventeen|eighteen|nineteen|twenty)[\s-]+((?:{'|'.join(TENS)})(?:[\s-]+\w+)?|ten|eleven"
    r"|twelve|\w+teen|hundred)\b|\b(?:the\s+year\s+)?two\s+thousand(?:\s+and)?(?:\s+(\w+))?\b")


def _spelled_year(m: re.Match) -> str:
    """'nineteen ninety-six' -> '1996', 'the year two thousand' -> '2000'."""
    if m[1] is None:
        rest = _number(m[3]) if m[3] else 0
        return m[0] if rest is None else str(2000 + int(rest))
    rest = 0 if m[2] == "hundred" else _number(m[2])
    return m[0] if rest is None or rest >= 100 else str(LEX["numbers"][m[1]] * 100 + int(rest))


def _clean(text: str) -> str:
    s = re.sub(r"\s+", " ", text.lower().replace("’", "'")).strip(" \"'“”,;:!?()")
    s = re.sub(r"(?<!\d)'s?$", "", s)
    if s.endswith(".") and not re.search(r"\b[ap]\.m\.$", s):
        s = s[:-1]
    s = re.sub(r"\s+or\s+so$", "", SPELLED_YEAR.sub(_spelled_year, s))
    s = re.sub(r"\bq([1-4])\b", lambda m: f"{QUARTER_NAMES[int(m[1]) - 1]} quarter", s)
    s = re.sub(r"\byear[\s-]end\b|\byear's\s+end\b", "the end of the year", s)
    while LEADING.match(s):
        s = LEADING.sub("", s, count=1)
    return s


@functools.lru_cache(maxsize=8192)  # pure: the same expression recurs in and across texts
def normalise(text: str, published: date | str | None = None, *, tense: str = "",
              previous: Value | None = None) -> Value | None:
    """TIMEX3 type, value, ISO range, granularity and anchor of a temporal expression.

    `tense` ("past"/"future"/"") is that of the governing verb, used to choose the year
    of a date given without one; `previous` is the last resolved date of the text, the
    anchor of "the next day" or "a year earlier". Returns None for what is not a temporal
    expression (pure numbers, ages), and a DATE with an empty value for a temporal
    expression no rule understands.
    """
    if isinstance(published, str):
        published = date.fromisoformat(published[:10]) if published else None
    s = _clean(text)
    if not s or AGE.search(s):
        return None
    if s in LEX["references"]:
        return Value("DATE", LEX["references"][s])
    ctx = _Context(published, tense, previous)
    mod = MODIFIER.match(s)
    core = s[mod.end():] if mod and mod.end() < len(s) else s
    for candidate in dict.fromkeys((s, core, APPROXIMATE.sub("", core))):
        for rule in RULES:
            value = rule(candidate, ctx)
            if value is not None:
                if candidate is not s and mod and MODIFIERS[mod[1].split()[0]]:
                    value = _narrow(value, MODIFIERS[mod[1].split()[0]])
                return value
    return Value("DATE", "") if TEMPORAL_WORD.search(s) else None


# ---------------------------------------------------------------- calendar dates in plain text


class CalendarDate(NamedTuple):
    """A date found in plain text: its character span and ISO value."""

    start: int
    end: int
    iso: str  # 2001-07-26, or 2001-07 for a month


_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DAY_FORMS = (rf"{MONTH}\s+{_DAY},?\s+\d{{4}}", rf"{_DAY}\s+(?:of\s+)?{MONTH},?\s+\d{{4}}",
              rf"\d{{4}},?\s+{MONTH}\s+{_DAY}", r"\d{4}-\d\d-\d\d")
CALENDAR_DAY = re.compile(rf"\b(?:{'|'.join(_DAY_FORMS)})\b", re.IGNORECASE)
CALENDAR_DATE = re.compile(rf"\b(?:{'|'.join(_DAY_FORMS)}|{MONTH},?\s+\d{{4}})\b",
                           re.IGNORECASE)


def find_calendar_date(text: str, *, day_only: bool = False) -> CalendarDate | None:
    """The first absolute date of plain text ("July 26, 2001", "26 July 2001", "2001-07-26",
    and unless `day_only` "July 2001"), for metadata lines and reference entries that are
    not parsed by spaCy. The value comes from `normalise`, so every stage reads a date
    alike."""
    for found in (CALENDAR_DAY if day_only else CALENDAR_DATE).finditer(text):
        value = normalise(found[0])
        if value is not None and value.date_start:
            return CalendarDate(found.start(), found.end(), value.value)
    return None


# ---------------------------------------------------------------- finding spans

FINDER = re.compile(
    rf"(?<![\w-])(?:{alternation(LEX['references'])}|{alternation(LEX['sets'])}|{alternation(DEICTIC_DAYS)}|tonight"
    rf"|(?:(?:{REL})\s+)?(?:{alternation(LEX['holidays'])})"
    rf"|(?:every|each)\s+(?:other\s+)?(?:{UNIT}|{WEEKDAY}|{MONTH})"
    rf"|(?:(?:the\s+)?(?:{REL}|first|recent)\s+(?:{NUMBER}[\s-]+)?|(?!an?\s){NUMBER}[\s-]+){UNIT}"
    rf"(?:\s+(?:ago|earlier|later))?(?![\s-]+old)"
    rf"|(?:(?:{REL})\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    rf"|{MONTH}\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?(?:,\s+\d{{4}})?|\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?"
    rf"|(?:the\s+)?(?:(?:early|mid|late)[\s-]*)?(?:1\d|20)?\d0['’]?s|\d{{4}}-\d\d-\d\d)(?![\w-])",
    re.IGNORECASE,
)
