"""End to end over corpus/: what a reader of the tables must find in the two seed articles.

Model-dependent expectations are kept tolerant: each names what matters (a name, a label,
a value), not every row the statistical model happens to produce.
"""
from __future__ import annotations

import pandas as pd
import pytest

WIKI = "000_37982e361877194f"
TELESUR = "002_159aca854b71736f"


def rows(df: pd.DataFrame, doc_id: str) -> pd.DataFrame:
    return df[df["doc_id"] == doc_id]


def entity(result, doc_id: str, name: str) -> pd.Series:
    found = rows(result.entities, doc_id)
    found = found[found["name"] == name]
    assert len(found) == 1, f"{name!r} not one entity: {list(rows(result.entities, doc_id).name)}"
    return found.iloc[0]


def test_every_document_is_processed(corpus_result):
    assert list(corpus_result.documents["status"]) == ["ok", "ok"]


class TestWikipedia:
    def test_title_and_cleaned_text(self, corpus_result):
        doc = corpus_result.documents.set_index("doc_id").loc[WIKI]
        assert doc["title"] == "Illegal drug trade in Peru"
        text = corpus_result.texts[WIKI]
        for gone in ("Jump to: navigation, search", "From Wikipedia, the free encyclopedia",
                     "See also", "A site specific wordplay painting"):
            assert gone not in text
        for paragraph_start in ("The illegal drug trade in Peru includes",
                                "Vladimiro Montesinos was the long-standing head",
                                "The ensuing scandal caused Montesinos",
                                "In 2001 American Christian missionary",
                                "In 2004 Fernando Zevallos"):
            assert paragraph_start in text

    def test_entities(self, corpus_result):
        names = set(rows(corpus_result.entities, WIKI)["name"])
        assert not {"Jump", "Wikipedia"} & names
        assert entity(corpus_result, WIKI, "Peru")["label"] == "GPE"
        montesinos = entity(corpus_result, WIKI, "Vladimiro Montesinos")
        assert montesinos["label"] == "PERSON" and "Montesinos" in montesinos["aliases"]
        assert montesinos["entity_id"] == "person/vladimiro-montesinos"
        assert "Montesinos" not in names
        assert entity(corpus_result, WIKI, "Alberto Fujimori")["label"] == "PERSON"
        sin = entity(corpus_result, WIKI, "Servicio de Inteligencia Nacional")
        assert sin["label"] == "ORG" and "SIN" in sin["aliases"].split(" | ")
        cia = entity(corpus_result, WIKI, "Central Intelligence Agency")  # the lexicon's
        assert cia["entity_id"] == "org/central-intelligence-agency"
        assert cia["aliases"] == "CIA | American Intelligence Agency"
        assert entity(corpus_result, WIKI, "American Christian")["label"] == "NORP"
        for name in ("Roni Bowers", "Peruvian Air Force", "Fernando Zevallos",
                     "Aero Continente"):
            entity(corpus_result, WIKI, name)
        assert entity(corpus_result, WIKI, "Aero Continente Chile")["label"] == "ORG"
        assert entity(corpus_result, WIKI, "Colombia")["label"] == "GPE"  # in "Colombia.[1]"

    def test_dates(self, corpus_result):
        dates = rows(corpus_result.dates, WIKI).set_index("text")
        late = dates.loc[dates.index.str.contains("late 1990s")].iloc[0]
        assert (late["value"], late["date_start"], late["date_end"]) == (
            "199X", "1995-01-01", "1999-12-31")
        assert dates.loc["June 2002", "value"] == "2002-06"

    def test_events(self, corpus_result):
        events = rows(corpus_result.events, WIKI)
        shot = events[events["trigger"] == "shot down"].iloc[0]
        assert shot["actor"].endswith("Peruvian Air Force") and shot["date_value"] == "2001"
        added = events[events["trigger"] == "added"].iloc[0]
        assert "Zevallos" in added["target"] and added["date_value"] == "2004"
        grounded = events[events["trigger"] == "grounded"].iloc[0]
        assert "Aero Continente Chile" in grounded["target"]
        assert grounded["date_value"] == "2002-06"
        assert events[events["trigger"] == "seized"].iloc[0]["date_value"] == "2002-06"

    def test_references_and_markers(self, corpus_result):
        citations = rows(corpus_result.citations, WIKI)
        references = citations[citations["kind"] == "reference"].set_index("marker")
        assert list(references.index) == ["1", "2", "3"]
        assert references.loc["1", "publisher"] == "The Economist"
        assert references.loc["1", "date"] == "2001-07-26"
        assert references.loc["2", "source"] == "Angel Paez"
        assert "AlterNet" in references.loc["2", "publisher"]
        assert references.loc["2", "date"] == "2001-07-03"
        assert references.loc["3", "source"] == "Amanda Ripley"
        assert references.loc["3", "title"] == "A Mission Interrupted"
        assert references.loc["3", "publisher"] == "Time"
        assert references.loc["3", "date"] == "2001-04-29"
        sentences = rows(corpus_result.sentences, WIKI)
        colombia = sentences[sentences["text"].str.endswith("move to Colombia.[1]")].iloc[0]
        assert references.loc["1", "citation_id"] in colombia["citation_ids"].split(" | ")


class TestTelesur:
    def test_metadata_and_cleaned_text(self, corpus_result):
        doc = corpus_result.documents.set_index("doc_id").loc[TELESUR]
        assert doc["title"] == "Many Peruvians in Denial About Country's Drug Trafficking Role"
        assert doc["published"] == "2016-04-19"
        text = corpus_result.texts[TELESUR]
        for gone in ("Audio Only", "google plus", "facebook", "twitter", "News > Peru",
                     "| Photo:", "Coca field in VRAEM valley", "Post with no comments."):
            assert gone not in text
        assert "Peru has been the number one exporter of cocaine since 2012" in text
        assert "what Peru suffers from is drug trafficking" in text

    def test_credit_is_a_citation_not_a_person(self, corpus_result):
        citations = rows(corpus_result.citations, TELESUR)
        credits = citations[citations["kind"] == "credit"]
        assert list(credits["source"]) == ["Agencia Andina"]
        people = rows(corpus_result.entities, TELESUR)
        assert "Agencia Andina" not in set(people[people["label"] == "PERSON"]["name"])

    def test_relative_dates_resolve_against_publication(self, corpus_result):
        dates = rows(corpus_result.dates, TELESUR)
        values = dict(zip(dates["text"], dates["value"]))
        march = [v for t, v in values.items() if "March 30" in t]
        assert march == ["2016-03-30"]
        assert values["April 9"] == "2016-04-09"

    def test_events(self, corpus_result):
        events = rows(corpus_result.events, TELESUR)
        captured = events[(events["trigger"] == "captured") & events["target"].fillna("")
                          .str.contains("Crespo")]
        assert not captured.empty
        first = captured.iloc[0]
        assert first["date_value"] == "2016-03-30"
        assert "VRAEM" in first["location"]
        attacked = events[events["trigger"] == "attacked"]
        assert "2016-04-09" in set(attacked["date_value"])
        assert attacked["target"].str.contains("convoy").any()

    def test_quotes_are_attributed(self, corpus_result):
        citations = rows(corpus_result.citations, TELESUR)
        quotes = citations[citations["kind"] == "quote"]
        sources = set(quotes["source"])
        assert {"Ollanta Humala", "Roberto Chiabra"} <= sources
        humala = quotes[quotes["source"] == "Ollanta Humala"].iloc[0]
        assert humala["content"].startswith("irresponsible acts")
        assert humala["source_id"] == "person/ollanta-humala"
        assert humala["confidence"] >= 0.8  # a named speaker with a speech verb
        references = rows(corpus_result.citations, WIKI).query("kind == 'reference'")
        assert references["confidence"].isna().all()  # nothing attributed, nothing to doubt

    @pytest.mark.parametrize("start", ["Peru has been the number one exporter of cocaine"])
    def test_claim(self, corpus_result, start):
        sentences = rows(corpus_result.sentences, TELESUR)
        sentence = sentences[sentences["text"].str.startswith(start)].iloc[0]
        assert sentence["is_claim"]
        assert "number" in sentence["claim_reasons"].split(" | ")
