"""The dump line classifier: its features, its trained weights and its explanations, on the
two corpus articles."""
from __future__ import annotations

import pytest

from pipeline.boilerplate import Logistic, model, reason_for, unit_features
from pipeline.clean import HARD_RULES, clean, read_dump
from tests.conftest import TELESUR, WIKIPEDIA


@pytest.fixture(scope="module")
def telesur_units():
    """(unit, keep probability, feature weighing most against it) for each teleSUR unit."""
    units = read_dump(TELESUR.read_text(encoding="utf-8"))[0]
    keep, against = model().keep_probabilities(units)
    return list(zip(units, keep, against))


def starting(scored, prefix: str):
    return next(item for item in scored if item[0].text.startswith(prefix))


def test_body_paragraphs_score_above_the_threshold_and_menus_below(telesur_units):
    threshold = model().threshold
    for lead in ("Peru has been the number one", "Two recent events serve"):
        assert starting(telesur_units, lead)[1] >= threshold
    for menu in ("Live", "Audio Only"):
        assert starting(telesur_units, menu)[1] < threshold


def test_features_describe_shape_and_place(telesur_units):
    units = [unit for unit, _, _ in telesur_units]
    features = unit_features(units)
    live = features[0]
    assert units[0].text == "Live"
    assert live["bullet"] == 1.0 and live["sentence"] == 0.0 and live["before_core"] == 1.0
    body = features[units.index(starting(telesur_units, "Peru has been the number one")[0])]
    assert body["sentence"] == 1.0 and body["in_core"] == 1.0 and body["stop_density"] > 0.3


def test_a_removed_unit_is_explained_by_a_named_reason(telesur_units):
    removed = [(unit, feature) for unit, p, feature in telesur_units
               if p < model().threshold and unit.rule not in HARD_RULES]
    assert len(removed) >= 3  # the menu lines at least
    for unit, feature in removed:
        reason = unit.rule or reason_for(feature, True, False)
        assert reason and reason != "low-content"  # before the body: a named furniture


def test_reason_for_maps_features_to_reasons():
    assert reason_for("words:promotion", False, False) == "promotion"
    assert reason_for("previous:bullet", False, False) == "navigation"
    assert reason_for("rule:share-bar", False, True) == "share-bar"
    assert reason_for("stop_density", False, True) == "footer"
    assert reason_for("stop_density", False, False) == "low-content"


def test_logistic_weights_give_probabilities_and_explanations():
    logistic = Logistic(0.0, {"sentence": 2.0, "bullet": -3.0}, {"sentence": 0.5, "bullet": 0.2})
    assert logistic.probability({"sentence": 1.0}) > 0.85
    assert logistic.probability({"bullet": 1.0}) < 0.05
    assert logistic.strongest_against({"bullet": 1.0, "sentence": 1.0}) == "bullet"


def test_the_headline_model_picks_each_corpus_title():
    titles = {WIKIPEDIA: "Illegal drug trade in Peru",
              TELESUR: "Many Peruvians in Denial About Country's Drug Trafficking Role"}
    for path, title in titles.items():
        units = read_dump(path.read_text(encoding="utf-8"))[0]
        keep, _ = model().keep_probabilities(units)
        assert units[model().headline(units, keep)].text == title


def test_the_headline_beats_the_standfirst_that_repeats_the_lead():
    """A news page puts a standfirst (a summary of the lead) between headline and byline; it
    shares more words with the lead than the headline does, yet the headline comes first."""
    dump = "\n\n".join([
        "  • Home", "  • World", "  • Business", "  • Sport",
        "Flood defences fail as river bursts its banks",
        "Residents of three towns were evacuated overnight after the river rose two metres "
        "above its normal level",
        "Jane Porter Environment correspondent",
        "Mon 20 Jan 2020 06.05 GMT",
        "Residents of three towns along the river were evacuated overnight after water rose "
        "two metres above its normal level and flood defences built in 2015 gave way.",
        "The Environment Agency said the defences had been designed for a once-in-a-century "
        "flood, and that the river had risen faster than any model predicted.",
        "Emergency shelters opened in two schools, and the council said it expected the "
        "water to recede by the end of the week if the rain stopped.",
    ])
    cleaned = clean(dump)
    assert cleaned.title == "Flood defences fail as river bursts its banks"
    assert "Residents of three towns were evacuated overnight" in cleaned.text
