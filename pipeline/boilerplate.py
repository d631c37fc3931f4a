"""The line classifier behind text-dump cleaning: what each unit of a dump (a paragraph or a
list item) looks like, and a trained model that turns that into the chance it is article text.

A dump has no markup, so a unit is judged by its own shape (length, stop words, sentence
punctuation, bullets, vocabulary of page furniture), by what the pattern rules of clean.py
said about it, by where it sits (inside the dense run of body paragraphs, before or after
it) and by what its neighbours look like. Two linear models, stored as plain weights in
models/boilerplate_model.json and fitted by `python -m evaluation.train_boilerplate`: a
logistic one scores each unit as article text or not, a listwise ranker scores the lines
that could be the headline and the best one wins. Linear weights keep every decision
explainable: the removal reason is the feature that pulled the unit down most.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property
from statistics import median

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.resources import read_json

MODEL = "boilerplate_model.json"
WORD_CLASSES = "boilerplate_features.json"

WORD = re.compile(r"\w+(?:['’]\w+)*")
SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*(?:\[\d+\])*$")
CODE = re.compile(r"[{};=<>$]|\w\(|^(?:def|import|from|return|var|let|const|if|for)\b")
URL = re.compile(r"https?://|www\.", re.IGNORECASE)
ADDRESS = re.compile(r"\S@\S|\.(?:png|jpe?g|gif|svg|webp|pdf)\b", re.IGNORECASE)  # e-mail, file
NUMERIC_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b")
FIELD_LABEL = re.compile(r"^[\w ]{1,20}:\s{2,}")  # "Lives In:    Pelican Town": an infobox row
COPYRIGHT = re.compile(r"©|\(c\) *\d{4}|\bcopyright\b|\ball rights reserved\b", re.IGNORECASE)
CYRILLIC = re.compile("[\u0400-\u04FF]")
# A word mixing Latin and Cyrillic letters: look-alike spelling, which spam and ads use. Slow
# (a lookahead from every position), so a text is first checked for a CYRILLIC letter.
MIXED_SCRIPT = re.compile(rf"(?=\w*[a-zA-Z])(?=\w*{CYRILLIC.pattern})\w+")
BIO = re.compile(
    r"^[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3} (?:is|was|has been|has worked|writes|covers|lives)\b"
)


@dataclass
class Unit:
    """A paragraph or list item of the dump: its raw lines and its joined text."""

    lines: list[tuple[int, str]]  # (1-based raw line number, stripped raw line)
    text: str
    bullet: bool = False
    indent: int = 0  # leading spaces of its first raw line
    heading: bool = False  # carried an "[edit]" mark
    reason: str = ""  # why it is removed; empty while kept
    rule: str = ""  # what a pattern rule said about it (a feature, even when kept)

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


# --- content classes, as jusText ----------------------------------------------------------


def content_classes(units: list[Unit]) -> list[str]:
    """good / bad per unit, as jusText: long stop-word-rich sentences are good, short units
    and near-good ones take their class from their neighbours (a heading from the text it
    introduces)."""
    classes = []
    for unit in units:
        chars, density = len(unit.text), unit.stop_density
        if unit.rule or (unit.bullet and not unit.sentence and len(unit.words) < 8):
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


GAP = 4  # units of other text that end a run of good ones


def dense_core(units: list[Unit], classes: list[str]) -> tuple[int, int]:
    """First and last unit of the run of good units with the most good text (more than GAP
    other units end a run): a sidebar, a list of teasers or a comment thread is a run apart.
    (len, -1) when nothing is good."""
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


# --- features --------------------------------------------------------------------------------


@cache
def _word_classes() -> dict[str, frozenset[str]]:
    classes = read_json(WORD_CLASSES)
    return {name: frozenset(words) for name, words in classes.items() if not name.startswith("_")}


def unit_features(units: list[Unit]) -> list[dict[str, float]]:
    """What the first model reads: each unit's shape, vocabulary, rule and place, plus a few
    traits of its two neighbours."""
    classes = content_classes(units)
    core_start, core_end = dense_core(units, classes)
    good = [i for i, cls in enumerate(classes) if cls == "good"]
    first_good, last_good = (good[0], good[-1]) if good else (len(units), -1)
    good_chars = [0]
    for unit, cls in zip(units, classes):
        good_chars.append(good_chars[-1] + (len(unit.text) if cls == "good" else 0))
    total_good = good_chars[-1] or 1
    typical_length = median(len(u.text) for u in units) if units else 0
    typical_indent = median(u.indent for u in units) if units else 0
    short_runs = _short_runs(units)
    counts: dict[str, int] = {}
    for unit in units:
        counts[unit.text.lower()] = counts.get(unit.text.lower(), 0) + 1
    word_classes = _word_classes()

    own = []
    for i, unit in enumerate(units):
        chars = len(unit.text) or 1
        words = [w.lower() for w in unit.words] or [""]
        nearby = _window(units, i, 3)
        f = {
            "log_chars": math.log1p(len(unit.text)),
            "log_words": math.log1p(len(unit.words)),
            "relative_length": math.log((len(unit.text) + 1) / (typical_length + 1)),
            "stop_density": unit.stop_density,
            "sentence": float(unit.sentence),
            "bullet": float(unit.bullet),
            "outdented": float(unit.indent < typical_indent),
            "edit_heading": float(unit.heading),
            "title_case": float(unit.title_case),
            "all_caps": float(unit.text.isupper()),
            "ends_with_colon": float(unit.text.endswith(":")),
            "starts_lower": float(unit.text[:1].islower()),
            "digit_ratio": sum(map(str.isdigit, unit.text)) / chars,
            "symbol_ratio": (len(unit.text) - sum(map(str.isalnum, unit.text))
                             - sum(map(str.isspace, unit.text))) / chars,
            "code": float(bool(CODE.search(unit.text))),
            "pipe": float("|" in unit.text),
            "bracket": float("[" in unit.text),
            "url": float(bool(URL.search(unit.text))),
            "copyright": float(bool(COPYRIGHT.search(unit.text))),
            "author_bio": float(bool(BIO.match(unit.text))),
            "mixed_script": float(bool(CYRILLIC.search(unit.text)
                                       and MIXED_SCRIPT.search(unit.text))),
            "imperative": float(words[0] in word_classes["imperative"]),
            "raw_lines": math.log1p(len(unit.lines)),
            "repeated": float(counts[unit.text.lower()] > 1),
            "short_run": math.log1p(short_runs[i]),
            "position": i / max(len(units) - 1, 1),
            "good": float(classes[i] == "good"),
            "in_core": float(core_start <= i <= core_end),
            "before_core": float(i < core_start),
            "after_core": float(i > core_end),
            "core_distance": math.log1p(max(core_start - i, i - core_end, 0)),
            "between_good": float(first_good <= i <= last_good),
            "good_before": good_chars[i] / total_good,
            "good_after": 1 - good_chars[i + 1] / total_good,
            "good_nearby": _share(classes, i, 3),
            "good_around": _share(classes, i, 10),
            "bullets_nearby": sum(u.bullet for u in nearby) / len(nearby),
            "rule": float(bool(unit.rule)),
        }
        if unit.rule:
            f[f"rule:{unit.rule}"] = 1.0
        for name, vocabulary in word_classes.items():
            if name not in ("imperative", "site"):
                share = sum(map(vocabulary.__contains__, words)) / len(words)
                f[f"words:{name}"], f[f"any_words:{name}"] = share, float(share > 0)
        own.append(f)

    for i, f in enumerate(own):
        for trait in NEIGHBOUR_TRAITS:
            f[f"previous:{trait}"] = own[i - 1][trait] if i > 0 else 0.0
            f[f"next:{trait}"] = own[i + 1][trait] if i + 1 < len(own) else 0.0
    return own


NEIGHBOUR_TRAITS = ("log_chars", "stop_density", "sentence", "bullet", "title_case", "rule", "good")


def _window(items: list, i: int, radius: int) -> list:
    return items[max(0, i - radius): i + radius + 1]


def _share(classes: list[str], i: int, radius: int) -> float:
    window = _window(classes, i, radius)
    return sum(cls == "good" for cls in window) / len(window)


def _short_runs(units: list[Unit]) -> list[int]:
    """For each unit, the length of the run of short non-sentences it belongs to (a menu)."""
    runs = [0] * len(units)
    i = 0
    while i < len(units):
        j = i
        while j < len(units) and len(units[j].words) <= 6 and not units[j].sentence:
            j += 1
        runs[i:j] = [j - i] * (j - i)
        i = max(j, i + 1)
    return runs


# --- the headline ----------------------------------------------------------------------------

TITLE_SPAN = 8  # units after the start of the body still searched for the headline


def title_candidates(units: list[Unit], keep: list[float], threshold: float) -> list[int]:
    """Units that could be the headline: short enough, not removed by a hard pattern, and
    before the main run of body text or just inside it."""
    body_start = _body_start(units, keep, threshold)
    return [
        i for i, unit in enumerate(units[: body_start + TITLE_SPAN])
        if 1 <= len(unit.words) <= 40 and not unit.bullet and unit.rule in TITLE_RULES
    ]


def _content_words(unit: Unit) -> set[str]:
    return {w.lower() for w in unit.words if len(w) > 2 and w.lower() not in STOP_WORDS}


def _body_start(units: list[Unit], keep: list[float], threshold: float) -> int:
    """The first unit of the run of kept units with the most text: the article itself, not
    a stray kept line in the header."""
    classes = ["good" if p >= threshold else "bad" for p in keep]
    return dense_core(units, classes)[0]


TITLE_RULES = {"", "navigation", "share-bar", "subscription", "sign-in"}  # lexicon hits only
TAGLINE_RULES = {"tagline"}  # "From Wikipedia, the free encyclopedia" follows the headline


def title_features(units: list[Unit], keep: list[float], candidates: list[int],
                   threshold: float) -> list[dict[str, float]]:
    """What the headline model reads about each candidate: its shape (a file name, an e-mail
    address or an infobox row is no headline), its place relative to the body, the menus and
    the datelines, whether its neighbours share words with the lead (a standfirst follows
    the headline), and whether the page repeats it (share lines, breadcrumbs)."""
    body_start = _body_start(units, keep, threshold)
    typical_indent = median(u.indent for u in units) if units else 0
    lowered = [u.text.lower() for u in units]
    word_classes = _word_classes()
    lead = [u for u, p in zip(units[body_start:], keep[body_start:]) if p >= threshold][:5]
    lead_words = {w for u in lead for w in _content_words(u)}
    body_counts: dict[str, int] = {}
    for unit, p in zip(units, keep):
        if p >= threshold:
            for w in _content_words(unit):
                body_counts[w] = body_counts.get(w, 0) + 1
    prose = [not u.bullet and not u.rule and len(u.words) >= 8 for u in units]
    kept_prose = [flag and p >= threshold and u.sentence for flag, u, p in zip(prose, units, keep)]
    sharing_lead = {i for i in candidates if _content_words(units[i]) & lead_words}
    out = []
    for rank, i in enumerate(candidates):
        unit = units[i]
        text = lowered[i]
        words = [w.lower() for w in unit.words]
        content = _content_words(unit)
        out.append({
            "lead_overlap": len(content & lead_words) / len(content) if content else 0.0,
            "body_overlap": sum(min(body_counts.get(w, 0), 5) for w in content)
            / (5 * len(content)) if content else 0.0,
            "prose_between": math.log1p(sum(prose[i + 1: body_start])),
            "headline_length": float(4 <= len(words) <= 20),
            "log_words": math.log1p(len(words)),
            "title_case": float(unit.title_case),
            "all_caps": float(unit.text.isupper()),
            "ends_with_period": float(unit.text.endswith(".")),
            "ends_with_colon": float(unit.text.endswith(":")),
            "pipe": float("|" in unit.text),
            "bracket": float("[" in unit.text),
            "outdented": float(unit.indent < typical_indent),
            "lexicon_rule": float(bool(unit.rule)),
            "stop_density": unit.stop_density,
            "keep": keep[i],
            "keep_next": keep[i + 1] if i + 1 < len(keep) else 0.0,
            "keep_previous": keep[i - 1] if i > 0 else 0.0,
            "sentence_next": float(i + 1 < len(units) and units[i + 1].sentence),
            "units_before_body": math.log1p(max(body_start - i, 0)),
            "inside_body": float(i >= body_start),
            "rank": math.log1p(rank),
            "after_menu": float(i > 0 and (units[i - 1].bullet or bool(units[i - 1].rule))),
            "repeated_inside": float(any(text in other for j, other in enumerate(lowered)
                                         if j != i and len(other) > len(text))),
            "repeated": float(lowered.count(text) > 1),
            f"offset:{min(max(i - body_start, -4), 3)}": 1.0,  # the body's distance, in units
            "metadata_follows": float(any(u.rule == "metadata" for u in units[i + 1: i + 4])),
            "tagline_follows": float(i + 1 < len(units) and units[i + 1].rule in TAGLINE_RULES),
            "promotion_words": sum(w in word_classes["promotion"] for w in words)
            / max(len(words), 1),
            "navigation_words": sum(w in word_classes["navigation"] for w in words)
            / max(len(words), 1),
            "site_words": float(any(w in word_classes["site"] for w in words)),
            "digit_ratio": sum(c.isdigit() for c in unit.text) / max(len(unit.text), 1),
            "address": float(bool(URL.search(unit.text) or ADDRESS.search(unit.text))),
            "body_text_before": math.log1p(sum(kept_prose[body_start:i])),
            "lead_sharer_before": float(i - 1 in sharing_lead),
            "lead_sharer_after": float(i + 1 in sharing_lead),
            "metadata_precedes": float(any(u.rule == "metadata" or NUMERIC_DATE.search(u.text)
                                           for u in units[max(0, i - 2): i])),
            "field_label": float(bool(FIELD_LABEL.match(unit.text))),
            "contains_candidate": float(any(
                lowered[j] in text for j in candidates
                if j != i and len(units[j].words) >= 3 and len(lowered[j]) < len(text))),
        })
    _mark_best(out, candidates, body_start)
    return out


def _mark_best(features: list[dict[str, float]], candidates: list[int], body_start: int) -> None:
    """Traits that compare a candidate with the others: the one sharing most words with the
    lead (and how close each comes to it), the first headline-shaped one sharing words with
    the lead (the headline comes before the standfirst that repeats the lead), and the last
    headline-shaped one before the body."""
    if not features:
        return
    best = max(f["lead_overlap"] for f in features)
    for f in features:
        f["best_overlap"] = float(best > 0 and f["lead_overlap"] == best)
        f["overlap_share"] = f["lead_overlap"] / best if best else 0.0
    overlapping = [f for f in features if f["lead_overlap"] > 0 and f["headline_length"]]
    if overlapping:
        overlapping[0]["first_overlapping"] = 1.0
    shaped = [k for k, (i, f) in enumerate(zip(candidates, features))
              if i < body_start and f["headline_length"] and not f["ends_with_period"]]
    if shaped:
        features[shaped[-1]]["last_before_body"] = 1.0


# --- the model -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic model as plain weights: P(article text) = sigmoid(bias + w·x)."""

    bias: float
    weights: dict[str, float]
    means: dict[str, float] = field(default_factory=dict)  # training means, for explanations

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))

    def strongest_against(self, features: dict[str, float]) -> str:
        """The feature that pulls this unit furthest below the average unit."""
        pulls = {k: w * (features.get(k, 0.0) - self.means.get(k, 0.0))
                 for k, w in self.weights.items()}
        return min(pulls, key=pulls.__getitem__)

    @classmethod
    def from_json(cls, data: dict) -> Logistic:
        return cls(data["bias"], data["weights"], data.get("means", {}))


@dataclass(frozen=True)
class Model:
    units: Logistic  # is a unit article text
    titles: Logistic  # ranks headline candidates: only the order of its scores matters
    threshold: float  # keep a unit whose probability reaches it

    def keep_probabilities(self, units: list[Unit]) -> tuple[list[float], list[str]]:
        """Per unit, the chance it is article text, and the feature that weighs most against
        it (for the removal reason)."""
        features = unit_features(units)
        return ([self.units.probability(f) for f in features],
                [self.units.strongest_against(f) for f in features])

    def headline(self, units: list[Unit], keep: list[float]) -> int | None:
        """The candidate most like a headline, None when there is none. A line right above a
        "From X, the ..." tagline is one, whatever the model says."""
        candidates = title_candidates(units, keep, self.threshold)
        features = title_features(units, keep, candidates, self.threshold)
        for i, f in zip(candidates, features):
            if f["tagline_follows"] and not units[i].text.endswith("."):
                return i
        scores = [self.titles.probability(f) for f in features]
        return candidates[scores.index(max(scores))] if candidates else None


BRIDGE = 2  # units: a low-scored unit with kept text this close on both sides is kept
# A run of up to LIST_RUN short lines (LIST_WORDS words at most) between kept text, LIST_SHARE
# of them with one punctuation mark in common, is a list or table of the body: tour dates
# ("June 14 – Alpharetta, GA @ …"), results ("Palm Bay d. Rockledge 70-44"), a ranking
LIST_RUN, LIST_WORDS, LIST_SHARE = 25, 20, 0.8


def bridged(units: list[Unit], keep: list[float], threshold: float,
            hard_rules: set[str]) -> list[bool]:
    """Which units to keep: those scoring at least the threshold, plus the rule-free ones
    with kept text within BRIDGE units on both sides, plus the lists between kept text
    (`_body_lists`). Body text broken by a short line (a list item, a line of code, a table
    row, a subheading) keeps it: the model judges lines alone and misses them, and losing
    body text costs more than a stray line (cross-validated on the dev pages: recall +2
    points, precision -1, F1 +0.4)."""
    scored = [p >= threshold and unit.rule not in hard_rules for unit, p in zip(units, keep)]
    kept = [
        kept or (not unit.rule and any(scored[max(0, i - BRIDGE): i])
                 and any(scored[i + 1: i + 1 + BRIDGE]))
        for i, (unit, kept) in enumerate(zip(units, scored))
    ]
    return _body_lists(units, kept)


def _body_lists(units: list[Unit], kept: list[bool]) -> list[bool]:
    """`kept` plus each run of dropped lines between kept text that reads as one list: short,
    rule-free lines most of which share a punctuation mark (the "–" and "@" of tour dates, the
    "-" of scores). A menu between two paragraphs has none, so it stays out. The run is
    judged as a whole, not line by line, so a list longer than the bridge keeps its middle."""
    out, i = list(kept), 0
    while i < len(units):
        j = i
        while j < len(units) and not kept[j]:
            j += 1
        run = units[i:j]
        if (0 < i < j < len(units) and 2 <= len(run) <= LIST_RUN
                and all(not u.rule and 1 <= len(u.words) <= LIST_WORDS for u in run)):
            marks = Counter(mark for u in run for mark in _punctuation(u.text))
            if marks and marks.most_common(1)[0][1] >= LIST_SHARE * len(run):
                out[i:j] = [True] * len(run)
        i = j + 1
    return out


def _punctuation(text: str) -> set[str]:
    return {c for c in text if not c.isalnum() and not c.isspace()}


CLOSING = 3  # units after the last kept one that may still close the story
WIRE_CREDIT = re.compile(r"\b(?:reporting|editing|writing|compiled|produced) by\b"
                         r"|\bcontributed (?:to )?(?:this|the) (?:report|story|article)",
                         re.IGNORECASE)
SENTENCE_OPENER = re.compile(r"(?:^|[.!?]\s+)[\"'“‘]?(\w+)")  # each sentence's first word
TRUNCATED = re.compile(r"(?:\.\.\.|…)[\"'”’]?$")  # a teaser cut short
EDITORS_NOTE = re.compile(r"^this (?:article|story|report|post|page)\b", re.IGNORECASE)


def with_closing_sentences(units: list[Unit], decided: list[bool]) -> list[bool]:
    """`decided` plus the lines that close a run of kept text: up to CLOSING units right
    after it that read as a sentence of the story ("A spokesman declined to comment.", "Boluarte
    has said she will not resign."). The model judges a short last line by its place and
    drops it; a footer is told by what it is instead: it speaks to the reader ("you", "we"),
    has a sentence that opens with an imperative ("Watch this space!", "Please enable ..."),
    names the site ("The Gazette is ..."), credits the staff, is a teaser cut short, or
    carries a link, a copyright or a furniture phrase (a rule)."""
    ends = [i for i, k in enumerate(decided) if k and (i + 1 == len(units) or not decided[i + 1])]
    decided = list(decided)
    for end in ends:
        for i in range(end + 1, min(len(units), end + 1 + CLOSING)):
            if decided[i] or not _story_sentence(units[i]):
                break
            decided[i] = True
    return decided


def _story_sentence(unit: Unit) -> bool:
    text, words = unit.text, [w.lower() for w in unit.words]
    word_classes = _word_classes()
    return (
        not unit.rule and not unit.bullet and unit.sentence and 3 <= len(words) <= 60
        and text[:1].isupper() and not unit.title_case and unit.stop_density >= 0.15
        and not {w.lower() for w in SENTENCE_OPENER.findall(text)}
        & (word_classes["imperative"] | {"please"})
        and not any(w in word_classes["you"] or w in word_classes["we"] for w in words)
        and not (URL.search(text) or ADDRESS.search(text) or COPYRIGHT.search(text)
                 or BIO.match(text) or WIRE_CREDIT.search(text) or EDITORS_NOTE.match(text)
                 or TRUNCATED.search(text))
    )


@cache
def model() -> Model:
    data = read_json(MODEL)
    return Model(Logistic.from_json(data["units"]), Logistic.from_json(data["titles"]),
                 data["threshold"])


REASON_BY_FEATURE = {
    "navigation": ("bullet", "title_case", "short_run", "bullets_nearby", "all_caps", "pipe",
                   "words:navigation", "ends_with_colon", "outdented"),
    "promotion": ("words:promotion", "words:you", "words:we", "imperative"),
    "legal": ("words:legal", "copyright"),
    "comment": ("words:comment",),
    "author-bio": ("author_bio", "words:byline"),
    "duplicate": ("repeated",),
    "link": ("url", "bracket"),
}


def reason_for(feature: str, before_body: bool, after_body: bool) -> str:
    """The removal reason a feature stands for; place and content features say navigation,
    footer or low-content by where the unit is."""
    if feature.startswith("rule:"):
        return feature.split(":", 1)[1]
    bare = feature.split(":", 1)[1] if feature.startswith(("previous:", "next:")) else feature
    for reason, features in REASON_BY_FEATURE.items():
        if bare in features:
            return reason
    return "navigation" if before_body else "footer" if after_body else "low-content"
