"""Events: triggers, types, actor/target/location and dates, on parsed sentences.

Dates are set by hand (`doc._.dates`) so that the rules of this stage are tested apart from
the dates stage; the parse comes from the model, so the sentences are plain news prose.
"""
from __future__ import annotations

import pytest

from pipeline.dates import Timex
from pipeline.events import find_events
from pipeline.resources import read_json


def timex(text: str, phrase: str, value: str, kind: str = "DATE") -> Timex:
    start = text.index(phrase)
    return Timex(start, start + len(phrase), phrase, kind, value)


@pytest.fixture(scope="module")
def events_of(make_doc):
    """Events of a text whose dates are given as (phrase, value[, type]) triples."""

    def run(text: str, *dates: tuple[str, ...]):
        doc = make_doc(text)
        doc._.dates = [timex(text, *d) for d in dates]
        return {e.trigger: e for e in find_events(doc)}

    return run


def test_phrasal_verb_passive_agent_and_clause_date(events_of):
    text = "In 2001 the missionary's plane was shot down by the Peruvian Air Force."
    shot = events_of(text, ("2001", "2001"))["shot down"]
    assert shot.event_type == "ATTACK"
    assert text[shot.start:shot.end] == "shot down"
    assert shot.actor == "the Peruvian Air Force" and shot.actor_id == "org/peruvian-air-force"
    assert shot.target == "the missionary's plane"
    assert shot.date.value == "2001"


def test_conjoined_verbs_share_subject_and_date(events_of):
    text = "The government grounded the airline in June 2002 and seized its assets."
    events = events_of(text, ("June 2002", "2002-06"))
    assert events["grounded"].event_type == "SANCTION"
    seized = events["seized"]
    assert (seized.event_type, seized.actor, seized.target) == (
        "SEIZE", "The government", "its assets")
    assert seized.date.value == events["grounded"].date.value == "2002-06"


def test_date_of_previous_sentence_carries_over_within_a_paragraph(events_of):
    text = ("The second event took place on April 9. A group of armed men attacked an army "
            "convoy that was carrying ballots.")
    attacked = events_of(text, ("April 9", "2016-04-09"))["attacked"]
    assert attacked.date.value == "2016-04-09"
    assert attacked.actor == "A group of armed men"
    assert attacked.target == "an army convoy"  # relative clause cut off


def test_no_date_across_a_paragraph_break_and_none_from_durations(events_of):
    text = "The talks lasted three days in April.\n\nRebels attacked the convoy."
    assert events_of(text, ("April", "2016-04"))["attacked"].date is None
    text = "Rebels attacked the convoy for three days."
    assert events_of(text, ("three days", "P3D", "DURATION"))["attacked"].date is None


def test_location_actor_and_passive_target(events_of):
    text = "Police arrested the smuggler in Lima on Friday."
    arrested = events_of(text, ("Friday", "2016-04-15"))["arrested"]
    assert arrested.event_type == "ARREST"
    assert (arrested.actor, arrested.target) == ("Police", "the smuggler")
    assert (arrested.location, arrested.location_id) == ("Lima", "gpe/lima")
    captured = events_of("The smuggler was captured by soldiers.")["captured"]
    assert (captured.actor, captured.target, captured.date) == ("soldiers", "The smuggler",
                                                                 None)


def test_light_and_stative_verbs_are_not_events(events_of):
    assert events_of("Peru has a problem and it seems serious. It is big.") == {}


def test_eventive_noun_with_an_argument(events_of):
    events = events_of("The resignation of the minister surprised the capital.")
    assert events["resignation"].event_type == "RESIGN"
    assert events["resignation"].actor == "the minister"
    assert events["surprised"].event_type == "OTHER"


def test_reporting_verbs_are_statements(events_of):
    said = events_of("The minister said the army had won.")["said"]
    assert (said.event_type, said.actor) == ("STATEMENT", "The minister")


def test_lexicon_is_consistent():
    lexicon = read_json("event_types.json")
    lemmas = [w for words in lexicon["types"].values() for w in words]
    assert len(lemmas) == len(set(lemmas)), "a lemma listed under two types"
    assert not set(lemmas) & set(lexicon["stop"])
    assert all(w == w.lower() for w in lemmas + lexicon["stop"])
    assert set(lexicon["of_names_actor"]) <= set(lexicon["types"])


def test_corpus_paragraph_events(make_doc):
    text = ("Two recent events serve to portray the situation. The first one took place this "
            "past March 30, when Victor Crespo, a leading figure among drug traffickers was "
            "captured in the Amazonian valley known as VRAEM where most of the world’s "
            "cocaine comes from.")
    doc = make_doc(text, published="2016-04-19")
    captured = [e for e in doc._.events if e.trigger == "captured"]
    assert captured and captured[0].date is not None
    assert captured[0].date.value == "2016-03-30"
    assert "Crespo" in captured[0].target and captured[0].target_id == "person/victor-crespo"


@pytest.mark.parametrize("text, trigger", [
    ("The army did not attack the village.", "attack"),
    ("Police never arrested the smugglers.", "arrested"),
    ("There was no attack on the base in May.", "attack"),
])
def test_a_negated_clause_is_flagged(events_of, text, trigger):
    event = events_of(text)[trigger]
    assert event.negated and not event.hedged


@pytest.mark.parametrize("text, trigger, modality", [
    ("The minister reportedly fled the country.", "fled", "reportedly"),
    ("Rebels may attack the convoy and kill its drivers.", "kill", "may"),
    ("He is believed to have killed two guards.", "killed", "believed"),
])
def test_a_hedged_event_names_its_hedge(events_of, text, trigger, modality):
    event = events_of(text)[trigger]
    assert event.hedged and event.modality == modality and not event.negated


def test_hedge_and_negation_stay_in_their_own_clause(events_of):
    events = events_of("Rebels reportedly attacked the base, and the army arrested ten men.")
    assert events["attacked"].modality == "reportedly"
    assert not events["arrested"].hedged and not events["arrested"].negated


def test_a_consequence_inherits_the_date_told_just_before_it(events_of):
    text = ("In 2000, secret videos showed the spy chief bribing a congressman.\n\n"
            "The ensuing scandal caused the spy chief to flee the country.")
    assert events_of(text, ("2000", "2000"))["flee"].date.value == "2000"


def test_a_date_of_the_previous_sentence_is_not_lent_to_an_unrelated_event(events_of):
    text = "The minister resigned in 2001. Rebels attacked the convoy near the border."
    events = events_of(text, ("2001", "2001"))
    assert events["resigned"].date.value == "2001"
    assert events["attacked"].date is None
