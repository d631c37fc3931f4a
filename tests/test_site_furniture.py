"""Cross-document furniture: lines a site repeats on its pages go, wire copy shared by
different sites stays. Two small sites, as w3m dumps: three Gazette pages, two Courier pages."""
from __future__ import annotations

import sys

import pytest

import pipeline
from pipeline.clean import clean, corpus_lines, furniture_key

GAZETTE_MENU = "Home | Local News | Sport | Business | Opinion | Obituaries"
GAZETTE_FOOTER = ("The Harbour Gazette is published by Quayside Media Ltd, 12 Dock Road, "
                  "Port Ellen.")
NOTE = ("Our coverage of life along the coast is supported by readers like you and by a grant "
        "from the Port Ellen Community Trust.")
WIRE = ("The national weather service said the storm would move east overnight, bringing "
        "gusts of up to 70 miles per hour to coastal areas and heavy rain to the hills, and it "
        "urged drivers to avoid unnecessary journeys until Friday morning.")


def gazette(title: str, date: str, *paragraphs: str) -> str:
    return "\n\n".join([
        "THE HARBOUR GAZETTE",
        GAZETTE_MENU,
        "Search the Gazette [                    ]",
        title,
        f"By Staff Reporter\n{date}",
        paragraphs[0],
        NOTE,
        *paragraphs[1:],
        "Advertisement",
        "Most read\n\n  • Ferry timetable changes for winter\n  • Harbour dues to rise in April",
        GAZETTE_FOOTER,
        "Contact the newsroom · Advertise with us · Privacy policy",
    ])


def courier(title: str, date: str, *paragraphs: str) -> str:
    return "\n\n".join([
        "VALLEY COURIER",
        "News   Weather   Farming   Schools   Events   Letters",
        title,
        f"{date} | Courier reporter",
        *paragraphs,
        "Advertisement",
        "Share this story: Email · Facebook · X",
        "© Valley Courier Newspapers",
    ])


PAGES = {
    "gazette-storm": gazette(
        "Storm Closes Harbour Road As Ferries Stay In Port", "12 November 2024",
        "The harbour road was closed on Wednesday afternoon after waves threw stones and "
        "seaweed across both lanes near the lifeboat station.",
        WIRE,
        "Ferry operators said that no crossings would run before Thursday evening and that "
        "passengers with bookings could change them without paying a fee."),
    "gazette-school": gazette(
        "New Primary School Opens Its Doors In Port Ellen", "4 September 2024",
        "Pupils walked into the new primary school on Monday morning, two years after the old "
        "building was closed because of damp in its walls.",
        "The head teacher said the children had chosen the names of the four classrooms, "
        "which are called after the islands that can be seen from the playground."),
    "gazette-fish": gazette(
        "Fish Market Reports Its Best Summer In A Decade", "30 August 2024",
        "Traders at the fish market sold more mackerel and crab this summer than in any year "
        "since 2014, according to figures published by the harbour board.",
        "The board said that visitors from the cruise ships had bought much of the catch and "
        "that two new stalls would open next spring to meet the demand."),
    "courier-storm": courier(
        "Valley Braces For Gale-Force Winds And Floods", "12 November 2024",
        "Farmers in the upper valley moved sheep to higher fields on Wednesday as the river "
        "rose by more than a metre in six hours.",
        WIRE),
    "courier-floods": courier(
        "River Bursts Its Banks At Millbridge", "13 November 2024",
        "The river burst its banks at Millbridge early on Thursday, flooding the cricket "
        "ground and the car park behind the village hall.",
        WIRE,
        "Volunteers filled sandbags at the fire station through the night and the county "
        "council opened the school gym for families who had to leave their homes."),
}


@pytest.fixture(scope="module")
def furniture() -> frozenset[str]:
    return corpus_lines(PAGES.values()).furniture


def test_lines_a_site_repeats_are_furniture_but_wire_copy_is_not(furniture):
    for line in (GAZETTE_MENU, GAZETTE_FOOTER, NOTE, "THE HARBOUR GAZETTE", "Advertisement",
                 "Contact the newsroom · Advertise with us · Privacy policy"):
        assert furniture_key(line) in furniture
    assert furniture_key(WIRE) not in furniture  # in 3 of 5 pages, but 1 Gazette, 2 Courier
    assert furniture_key("Valley Courier") not in furniture  # on only two Courier pages


def test_one_site_in_a_mixed_folder_still_counts_alone():
    pages = [PAGES["gazette-storm"], PAGES["gazette-school"], PAGES["courier-floods"]]
    assert furniture_key(GAZETTE_MENU) not in corpus_lines(pages).furniture  # 2 Gazette pages only
    assert corpus_lines([]).furniture == frozenset()


def test_clean_removes_furniture_as_cross_document_and_keeps_title_and_wire(furniture):
    cleaned = clean(PAGES["gazette-storm"], furniture=furniture)
    reasons = {removed.text: removed.reason for removed in cleaned.removed}
    assert reasons[GAZETTE_MENU] == "cross-document"
    assert reasons[GAZETTE_FOOTER] == reasons[NOTE] == "cross-document"
    assert NOTE not in cleaned.text
    assert cleaned.title == "Storm Closes Harbour Road As Ferries Stay In Port"
    assert WIRE in cleaned.text and "The harbour road was closed" in cleaned.text
    courier_page = clean(PAGES["courier-storm"], furniture=furniture)
    assert WIRE in courier_page.text
    alone = clean(PAGES["gazette-storm"])  # the page alone: its model keeps the note
    assert NOTE in alone.text and "cross-document" not in {r.reason for r in alone.removed}


def test_the_chosen_title_is_never_removed_as_furniture():
    page = PAGES["gazette-school"]
    title = "New Primary School Opens Its Doors In Port Ellen"
    cleaned = clean(page, furniture={furniture_key(title)})
    assert cleaned.title == title and cleaned.text.startswith(title)
    assert title not in {removed.text for removed in cleaned.removed}


def test_html_blocks_that_a_site_repeats_are_removed():
    pytest.importorskip("trafilatura")
    menu = "".join(f"<li><a href='/{item}'>{item}</a></li>" for item in GAZETTE_MENU.split(" | "))
    page = (f"<html><head><title>{{}}</title></head><body><nav><ul>{menu}</ul></nav>"
            "<article><h1>{}</h1><p>{}</p><p>{}</p><p>{}</p></article></body></html>")
    pages = []
    for name in ("gazette-storm", "gazette-school", "gazette-fish"):
        units = PAGES[name].split("\n\n")
        title, first, second = units[3], units[5], units[7]  # around the note
        pages.append(page.format(title, title, first, NOTE, second))
    alone = clean(pages[0])
    assert NOTE in alone.text  # trafilatura keeps it inside the article
    cleaned = clean(pages[0], furniture=corpus_lines(pages).furniture)
    assert NOTE not in cleaned.text and "The harbour road was closed" in cleaned.text
    assert [r.reason for r in cleaned.removed if r.text == NOTE] == ["cross-document"]


def test_extract_removes_cross_document_lines_over_a_folder(tmp_path):
    for name, text in PAGES.items():
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
    result = pipeline.extract(tmp_path)
    removed = result.removed
    repeated = removed[removed["reason"] == "cross-document"]
    assert set(repeated["doc_id"]) >= {"gazette-storm", "gazette-school", "gazette-fish"}
    assert {GAZETTE_FOOTER, NOTE} <= set(repeated["text"])
    assert NOTE not in result.texts["gazette-school"]
    assert not (removed["text"] == WIRE).any()
    assert WIRE in result.texts["courier-storm"] and WIRE in result.texts["gazette-storm"]


def test_a_page_that_cannot_be_read_does_not_stop_the_others(monkeypatch):
    clean_module = sys.modules["pipeline.clean"]  # the module; `pipeline.clean` is the function
    real = clean_module._page_units

    def fail_on_the_first(raw):
        if raw == "unreadable":
            raise ValueError("broken page")
        return real(raw)

    monkeypatch.setattr(clean_module, "_page_units", fail_on_the_first)
    gazette = [text for name, text in PAGES.items() if name.startswith("gazette")]
    assert corpus_lines(["unreadable", *gazette]).furniture == corpus_lines(gazette).furniture
