"""Ordinary news read as a reporter reads the tables: a wire story with a dateline, a
presidential story with honorifics, a central-bank story with short forms, a liveblog and
a Markdown explainer (tests/news/), run together as one small corpus, and a table on a
hand-built Doc. Each test is a case where the tables used to mislead."""
from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from spacy.tokens import Doc

import pipeline
from pipeline.consolidate import CorpusLabels
from pipeline.entities import find_entities
from pipeline.schema import TABLE_BY_NAME, empty_rows
from pipeline.writer import TableWriter

NEWS = Path(__file__).parent / "news"  # the articles, as a user would have them


@pytest.fixture(scope="module")
def news():
    return pipeline.extract(NEWS)


def entities_of(result, doc_id: str) -> pd.DataFrame:
    return result.entities[result.entities.doc_id == doc_id].set_index("name")


def mentions_in(result, doc_id: str, first_line: bool) -> set[str]:
    """The mention texts in (or after) the document's first line, its headline."""
    headline_end = result.texts[doc_id].index("\n")
    found = result.mentions[result.mentions.doc_id == doc_id]
    return set(found[(found.start < headline_end) == first_line].text)


def test_honorifics_fold_into_the_full_name(news):
    chile = entities_of(news, "chile")
    boric = chile.loc["Gabriel Boric"]
    assert boric.entity_id == "person/gabriel-boric" and boric.n_mentions == 3
    assert boric.aliases == "Boric"
    assert not any("Mr" in name for name in chile.index)
    fed = entities_of(news, "fed")  # 'Fed Chair Jerome Powell': the chair is Powell
    assert fed.loc["Jerome Powell"].n_mentions == 2 and "Fed Chair" not in fed.index


def test_short_forms_of_well_known_names_are_one_entity_in_every_document(news):
    for doc_id in ("fed", "explainer"):
        fed = entities_of(news, doc_id).loc["Federal Reserve"]
        assert fed.entity_id == "org/federal-reserve" and fed.label == "ORG"
        assert "Fed" in fed.aliases
    united_states = news.entities[news.entities.entity_id == "gpe/united-states"]
    assert set(united_states.doc_id) == {"chile", "fed", "explainer"}  # U.S., United States, US
    assert not news.entities.entity_id.isin(["gpe/us", "org/fed"]).any()


def test_headline_names_are_kept_only_where_the_body_confirms_them(news):
    assert mentions_in(news, "wire", first_line=True) == {"Peru"}  # not 'Ambush Kills'
    assert mentions_in(news, "fed", first_line=True) == {"Fed"}  # not 'Inflation Cools'
    assert "Peru Declares Emergency" not in set(news.entities.name)
    assert "Storm Ciaran" in set(news.entities.name)  # not title case: the model is trusted


def test_the_dateline_is_the_documents_place_and_no_actor(news):
    documents = news.documents.set_index("doc_id")
    assert documents.loc["wire", "dateline"] == "LIMA, Peru"
    assert documents.loc["chile", "dateline"] == "SANTIAGO, Chile"
    assert documents.loc["fed", "dateline"] == "WASHINGTON"
    assert pd.isna(documents.loc["liveblog", "dateline"])
    santiago = entities_of(news, "chile").loc["Santiago"]  # the model said ORG
    assert santiago.label == "GPE" and santiago.n_mentions == 2
    arrested = news.events[(news.events.doc_id == "wire") & (news.events.trigger == "arrested")]
    assert list(arrested.actor) == ["Police"]
    assert not news.events.actor.str.contains("LIMA|SANTIAGO|WASHINGTON").any()


def event(result, doc_id: str, trigger: str) -> pd.Series:
    found = result.events[(result.events.doc_id == doc_id) & (result.events.trigger == trigger)]
    assert len(found) == 1, list(result.events[result.events.doc_id == doc_id].trigger)
    return found.iloc[0]


def test_a_number_with_a_unit_is_no_year(news):
    wire = news.dates[news.dates.doc_id == "wire"]
    assert "1099" not in set(wire.text)
    assert event(news, "wire", "seized").date_text == "Tuesday"


def test_an_event_is_dated_by_its_own_clause(news):
    assert event(news, "wire", "attacked").date_text == "Saturday"  # in 'who attacked ...'
    for trigger in ("killed", "wounded"):  # the main clause says no date
        assert pd.isna(event(news, "wire", trigger).date_value)
    assert event(news, "wire", "founded").date_value == "1969"
    assert event(news, "wire", "defeated").date_value == "199X"  # not the founding year
    assert pd.isna(event(news, "chile", "fell").date_value)  # 'since August' is a bound


def test_actors_through_relative_clauses_conjunctions_and_pronouns(news):
    for trigger in ("attacked", "killed", "wounded"):
        assert event(news, "wire", trigger).actor == "The traffickers"
    welcomed = event(news, "chile", "welcomed")  # 'The U.S. embassy ... said it welcomed'
    assert welcomed.actor == "The U.S. embassy in Santiago"
    cut = event(news, "fed", "cut")  # 'the Fed signalled it could cut them'
    assert (cut.actor, cut.actor_id) == ("the Fed", "org/federal-reserve")
    met = event(news, "chile", "met")  # 'He met union leaders': the person named last
    assert (met.actor, met.actor_id) == ("Gabriel Boric", "person/gabriel-boric")


def test_time_zones_of_a_liveblog_are_not_organisations(news):
    assert "BST" not in set(news.mentions.text)
    assert {"Met Office", "England"} <= set(entities_of(news, "liveblog").index)


def test_table_header_cells_are_no_entities_and_table_cells_need_the_body(nlp):
    words = ["Department", "|", "Change", "\n", "Schools", "|", "2.1", "\n", "Roads", "|",
             "0.5", "\n", "Lee", "said", "Schools", "gained", "."]
    spaces = [True, True, False, False, True, True, False, False, True, True, False, False,
              True, True, True, False, False]
    ents = ["B-ORG", "O", "B-ORG", "O", "B-ORG", "O", "O", "O", "B-ORG", "O", "O", "O",
            "B-PERSON", "O", "B-ORG", "O", "O"]
    doc = Doc(nlp.vocab, words=words, spaces=spaces, ents=ents)
    assert doc.text.startswith("Department | Change\nSchools | 2.1\n")
    names = {e.name: len(e.mentions) for e in find_entities(doc)}
    assert names == {"Schools": 2, "Lee": 1}  # no Department, Change or Roads


def test_the_corpus_vote_gives_one_name_one_label():
    rows = empty_rows()
    for doc_id, label, mentions in (("a", "gpe", 3), ("b", "gpe", 1), ("c", "person", 5)):
        rows["entities"].append({"doc_id": doc_id, "entity_id": f"{label}/lima",
                                 "name": "Lima", "label": label.upper(), "n_mentions": mentions})
        rows["mentions"].append({"doc_id": doc_id, "entity_id": f"{label}/lima", "label": "X"})
    rows["events"].append({"doc_id": "c", "event_id": "e1", "location_id": "person/lima"})
    # 'd' names Paris the person and Paris the city: it tells them apart, and keeps both
    for label in ("person", "gpe"):
        rows["entities"].append({"doc_id": "d", "entity_id": f"{label}/paris", "name": "Paris",
                                 "label": label.upper(), "n_mentions": 1})
    rows["entities"].append({"doc_id": "e", "entity_id": "gpe/paris", "n_mentions": 1})
    # 'Boric' alone and 'Gabriel Boric' are different names: never merged
    for doc_id, name in (("f", "boric"), ("g", "gabriel-boric")):
        rows["entities"].append({"doc_id": doc_id, "entity_id": f"person/{name}",
                                 "n_mentions": 1})
    labels = CorpusLabels()
    for doc_id in "abcdefg":
        labels.add(r for r in rows["entities"] if r["doc_id"] == doc_id)
    labels.relabel_rows(rows)
    ids = [(r["doc_id"], r["entity_id"]) for r in rows["entities"]]
    assert ids == [("a", "gpe/lima"), ("b", "gpe/lima"), ("c", "gpe/lima"),
                   ("d", "person/paris"), ("d", "gpe/paris"), ("e", "gpe/paris"),
                   ("f", "person/boric"), ("g", "person/gabriel-boric")]
    assert rows["entities"][2]["label"] == "GPE" and rows["entities"][2]["name"] == "Lima"
    assert [r["entity_id"] for r in rows["mentions"]] == ["gpe/lima"] * 3
    assert rows["events"][0]["location_id"] == "gpe/lima"


def test_the_written_tables_carry_the_corpus_vote(tmp_path):
    writer = TableWriter(tmp_path)
    for doc_id, label in (("a", "gpe"), ("b", "gpe"), ("c", "person")):
        rows = empty_rows()
        rows["entities"].append({"doc_id": doc_id, "entity_id": f"{label}/lima", "name": "Lima",
                                 "label": label.upper(), "n_mentions": 1, "aliases": "=LIMA",
                                 "first_start": 0})
        rows["mentions"].append({"doc_id": doc_id, "entity_id": f"{label}/lima",
                                 "sentence_id": 1, "start": 0, "end": 4,
                                 "text": 'say "Lima",\nthen', "label": label.upper()})
        writer.add(rows, {})
    writer.commit()
    with (tmp_path / "entities.csv").open(encoding="utf-8-sig", newline="") as handle:
        entities = list(csv.DictReader(handle))
    assert [(e["entity_id"], e["label"]) for e in entities] == [("gpe/lima", "GPE")] * 3
    assert entities[0]["aliases"] == "'=LIMA"  # neutralised once, as first written
    with (tmp_path / "mentions.csv").open(encoding="utf-8-sig", newline="") as handle:
        mentions = list(csv.DictReader(handle))
    assert [m["entity_id"] for m in mentions] == ["gpe/lima"] * 3
    assert mentions[2]["text"] == 'say "Lima",\nthen' and mentions[2]["label"] == "PERSON"
    header = (tmp_path / "mentions.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "\ufeff" + ",".join(TABLE_BY_NAME["mentions"].column_names)
