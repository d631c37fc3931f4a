"""Dates: TIMEX3 normalisation (pure), span finding on hand-built Docs, the component."""
from __future__ import annotations

import pytest
from spacy.tokens import Doc

from pipeline.dates import Timex, find_timexes
from pipeline.temporal import normalise

PUB = "2016-04-19"  # a Tuesday

# text, published, value, type, date_start, date_end, granularity
CASES = [
    ("July 26, 2001", None, "2001-07-26", "DATE", "2001-07-26", "2001-07-26", "day"),
    ("26 July 2001", None, "2001-07-26", "DATE", "2001-07-26", "2001-07-26", "day"),
    ("2001-07-26", None, "2001-07-26", "DATE", "2001-07-26", "2001-07-26", "day"),
    ("Apr 29, 2001", None, "2001-04-29", "DATE", "2001-04-29", "2001-04-29", "day"),
    ("June 2002", None, "2002-06", "DATE", "2002-06-01", "2002-06-30", "month"),
    ("2000", None, "2000", "DATE", "2000-01-01", "2000-12-31", "year"),
    ("in 2000", None, "2000", "DATE", "2000-01-01", "2000-12-31", "year"),
    ("since 2012", PUB, "2012", "DATE", "2012-01-01", "2012-12-31", "year"),
    ("nineteen ninety-six", None, "1996", "DATE", "1996-01-01", "1996-12-31", "year"),
    ("the late 1990s", None, "199X", "DATE", "1995-01-01", "1999-12-31", "decade"),
    ("the early 2000s", None, "200X", "DATE", "2000-01-01", "2004-12-31", "decade"),
    ("the mid 90's", PUB, "199X", "DATE", "1992-01-01", "1997-12-31", "decade"),
    ("the 80’s", PUB, "198X", "DATE", "1980-01-01", "1989-12-31", "decade"),
    ("the 20th century", None, "19", "DATE", "1900-01-01", "1999-12-31", "century"),
    ("the first century", None, "00", "DATE", "0001-01-01", "0099-12-31", "century"),
    ("mid-1996", None, "1996", "DATE", "1996-04-01", "1996-09-30", "year"),
    ("this past March 30", PUB, "2016-03-30", "DATE", "2016-03-30", "2016-03-30", "day"),
    ("March 30", None, "XXXX-03-30", "DATE", "", "", "day"),
    ("April 19-21", PUB, "2016-04-19", "DATE", "2016-04-19", "2016-04-21", "day"),
    ("last October", PUB, "2015-10", "DATE", "2015-10-01", "2015-10-31", "month"),
    ("Q1 2016", None, "2016-Q1", "DATE", "2016-01-01", "2016-03-31", "quarter"),
    ("the first half of 2002", None, "2002-H1", "DATE", "2002-01-01", "2002-06-30", "half"),
    ("this summer", PUB, "2016-SU", "DATE", "2016-06-01", "2016-08-31", "season"),
    ("yesterday", PUB, "2016-04-18", "DATE", "2016-04-18", "2016-04-18", "day"),
    ("tomorrow", None, "XXXX-XX-XX", "DATE", "", "", "day"),
    ("last Friday", PUB, "2016-04-15", "DATE", "2016-04-15", "2016-04-15", "day"),
    ("next Monday", PUB, "2016-04-25", "DATE", "2016-04-25", "2016-04-25", "day"),
    ("Friday", None, "XXXX-WXX-5", "DATE", "", "", "day"),
    ("this week", PUB, "2016-W16", "DATE", "2016-04-18", "2016-04-24", "week"),
    ("last year", PUB, "2015", "DATE", "2015-01-01", "2015-12-31", "year"),
    ("last year", None, "XXXX", "DATE", "", "", "year"),
    ("two months ago", PUB, "2016-02", "DATE", "2016-02-01", "2016-02-29", "month"),
    ("Thanksgiving", "2016-12-01", "2016-11-24", "DATE", "2016-11-24", "2016-11-24", "day"),
    ("3 p.m.", PUB, "2016-04-19T15:00", "TIME", "2016-04-19", "2016-04-19", "time"),
    ("Friday night", None, "XXXX-WXX-5TNI", "TIME", "", "", "time"),
    ("three years", PUB, "P3Y", "DURATION", "", "", ""),
    ("10 days", PUB, "P10D", "DURATION", "", "", ""),
    ("about five hours", PUB, "PT5H", "DURATION", "", "", ""),
    ("2 1/2 years", PUB, "P2Y6M", "DURATION", "", "", ""),
    ("a couple of years", PUB, "P2Y", "DURATION", "", "", ""),
    ("the past two months", PUB, "P2M", "DURATION", "", "", ""),
    ("several weeks", PUB, "PXW", "DURATION", "", "", ""),
    ("every month", PUB, "P1M", "SET", "", "", ""),
    ("each Thursday", PUB, "XXXX-WXX-4", "SET", "", "", ""),
    ("now", PUB, "PRESENT_REF", "DATE", "", "", ""),
    ("currently", None, "PRESENT_REF", "DATE", "", "", ""),
    ("the past", PUB, "PAST_REF", "DATE", "", "", ""),
    ("recently", PUB, "PAST_REF", "DATE", "", "", ""),
    ("recent years", PUB, "PXY", "DURATION", "", "", ""),
    ("the next few days", PUB, "PXD", "DURATION", "", "", ""),
    ("the weeks ahead", PUB, "PXW", "DURATION", "", "", ""),
    ("coming quarters", PUB, "FUTURE_REF", "DATE", "", "", ""),
    ("several years ago", PUB, "PAST_REF", "DATE", "", "", ""),
    ("six weeks ago", PUB, "2016-W10", "DATE", "2016-03-07", "2016-03-13", "week"),
    ("later that year", PUB, "2016", "DATE", "2016-01-01", "2016-12-31", "year"),
    ("earlier this week", PUB, "2016-W16", "DATE", "2016-04-18", "2016-04-24", "week"),
    ("later this afternoon", PUB, "2016-04-19TAF", "TIME", "2016-04-19", "2016-04-19", "time"),
    ("4 in the morning", PUB, "2016-04-19T04:00", "TIME", "2016-04-19", "2016-04-19", "time"),
    ("as long as a month", PUB, "P1M", "DURATION", "", "", ""),
    ("eight trading days", PUB, "P8D", "DURATION", "", "", ""),
    ("the week of March 6", PUB, "2016-W09", "DATE", "2016-02-29", "2016-03-06", "week"),
    ("current", PUB, "PRESENT_REF", "DATE", "", "", ""),
    ("next year's first quarter", PUB, "2017-Q1", "DATE", "2017-01-01", "2017-03-31", "quarter"),
    ("the 1988 quarter", "1989-10-30", "1988-Q3", "DATE", "1988-07-01", "1988-09-30", "quarter"),
    ("the quarter a year ago", "1989-10-30", "1988-Q3", "DATE", "1988-07-01", "1988-09-30",
     "quarter"),
]


@pytest.mark.parametrize("text, published, value, type_, start, end, granularity", CASES)
def test_normalise(text, published, value, type_, start, end, granularity):
    got = normalise(text, published)
    assert (got.value, got.type, got.date_start, got.date_end, got.granularity) == (
        value, type_, start, end, granularity)


@pytest.mark.parametrize("text", ["6-year-old", "45 years old", "44", "$10 Million", "80486"])
def test_numbers_and_ages_are_not_dates(text):
    assert normalise(text, PUB) is None


def test_anchor_says_what_resolved_it():
    assert normalise("July 26, 2001", PUB).anchor == ""
    assert normalise("April 9", PUB).anchor == "published"
    march = normalise("March 30", PUB)
    later = normalise("three days later", PUB, previous=march)
    assert (later.value, later.anchor) == ("2016-04-02", "previous")


def test_year_of_a_bare_month_day_follows_the_tense():
    # Published 2016-01-05: "December 20" is last month in a past-tense clause ...
    assert normalise("December 20", "2016-01-05", tense="past").value == "2015-12-20"
    # ... and "January 20" is this month, even for a past tense a fortnight back.
    assert normalise("January 20", "2016-01-05", tense="future").value == "2016-01-20"
    assert normalise("April 9", PUB, tense="past").value == "2016-04-09"


def test_lexicon_patterns_find_what_ner_missed(nlp):
    words = ["Prices", "rise", "every", "month", "and", "are", "now", "high", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True] * 8 + [False])
    found = [(t.text, t.type, t.value) for t in find_timexes(doc, PUB)]
    assert found == [("every month", "SET", "P1M"), ("now", "DATE", "PRESENT_REF")]


def test_entities_are_kept_split_and_ages_dropped(nlp):
    words = ["A", "6-year-old", "came", "on", "Friday", ",", "Oct.", "23", ";", "from", "1991",
             "to", "1997", "."]
    doc = Doc(nlp.vocab, words=words, spaces=[True, True, True, True, False, True, True, False,
                                              True, True, True, True, False, False],
              ents=["O", "B-DATE", "O", "O", "B-DATE", "I-DATE", "I-DATE", "I-DATE", "O", "O",
                    "B-DATE", "I-DATE", "I-DATE", "O"])
    found = [(t.text, t.value) for t in find_timexes(doc, "2015-10-26")]
    assert found == [("Friday, Oct. 23", "2015-10-23"), ("1991", "1991"), ("1997", "1997")]


def test_component_sets_dates_and_spans(make_doc):
    doc = make_doc("The minister resigned yesterday, three years after taking office.", PUB)
    assert [(t.text, t.value) for t in doc._.dates] == [("yesterday", "2016-04-18"),
                                                        ("three years", "P3Y")]
    assert all(isinstance(t, Timex) for t in doc._.dates)
    assert [s.label_ for s in doc.spans["dates"]] == ["DATE", "DURATION"]
    for t in doc._.dates:
        assert doc.text[t.start:t.end] == t.text


def test_component_never_guesses_a_year(make_doc):
    doc = make_doc("The plant was closed on March 30 by the police.")
    (march,) = [t for t in doc._.dates if "March" in t.text]
    assert (march.value, march.date_start, march.anchor) == ("XXXX-03-30", "", "")


def test_wikipedia_snippet(make_doc):
    doc = make_doc("In an example of the balloon effect, dramatic falls in coca cultivation in "
                   "the late 1990s saw cultivation move to Colombia. The Chilean government "
                   "subsequently grounded Aero Continente Chile in June 2002.")
    by_text = {t.text: t for t in doc._.dates}
    late = by_text["the late 1990s"]
    assert (late.value, late.date_start, late.date_end, late.granularity) == (
        "199X", "1995-01-01", "1999-12-31", "decade")
    assert by_text["June 2002"].value == "2002-06"


def test_telesur_snippet(make_doc):
    doc = make_doc("The first one took place this past March 30, when Victor Crespo, a leading "
                   "figure among drug traffickers was captured in the Amazonian valley known as "
                   "VRAEM.\n\nThe second event took place days later on April 9, a day before "
                   "the elections.", PUB)
    values = {t.text: t.value for t in doc._.dates}
    assert values["this past March 30"] == "2016-03-30"
    assert values["April 9"] == "2016-04-09"


def test_a_year_named_by_its_end_is_a_duration(make_doc):
    doc = make_doc("For the year ended March 31, the company reported sales of $59.5 million.",
                   "1989-10-31")
    assert [(t.text, t.type, t.value) for t in doc._.dates] == [
        ("the year", "DURATION", "P1Y"), ("March 31", "DATE", "1989-03-31")]


def test_fractions_and_year_lists(make_doc):
    assert make_doc("Iraq imports about three-quarters of its foodstuffs.",
                    "1990-08-15")._.dates == []
    doc = make_doc("Sales of the model fell in 1985 and 1987.", "1989-10-27")
    assert [(t.text, t.value) for t in doc._.dates] == [("1985", "1985"), ("1987", "1987")]


def test_holidays_and_weeks_named_by_a_day(make_doc):
    doc = make_doc("About 3,000 runners turned out on Thanksgiving Day.", "1999-11-29")
    assert [(t.text, t.value) for t in doc._.dates] == [("Thanksgiving Day", "1999-11-25")]
    doc = make_doc("The dispute may finally be resolved in a court hearing the week of March 6.",
                   "2000-02-24")
    assert [(t.text, t.value) for t in doc._.dates] == [("the week of March 6", "2000-W10")]


def test_participles_and_perfect_progressives_read_as_past(make_doc):
    doc = make_doc("Stocks rose, leaving the index within 70 points of its record high set on "
                   "Aug. 6.", "1998-02-06")
    assert [(t.text, t.value) for t in doc._.dates] == [("Aug. 6", "1997-08-06")]
    doc = make_doc("Investigators have been searching for Kopp since shortly after the Oct. 23 "
                   "slaying.", "1999-05-06")
    assert [(t.text, t.value) for t in doc._.dates] == [("Oct. 23", "1998-10-23")]
