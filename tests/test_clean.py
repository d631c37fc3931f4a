"""Cleaning: each signal on a small hand-written dump, then the two corpus articles and HTML."""
from __future__ import annotations

import pytest

from pipeline.clean import Cleaned, clean
from pipeline.references import find_credits
from tests.conftest import TELESUR, WIKIPEDIA

BODY = [
    "The city council approved the new budget on Tuesday after a long debate about the "
    "cost of public transport and the state of the roads.",
    "Members of the opposition said that the plan would raise taxes for families who "
    "already struggle to pay their rent, and they promised to fight it.",
    "The mayor answered that the money was needed because the bridges in the north of "
    "the city had not been repaired for more than twenty years.",
]


def dump(*before: str, after: tuple[str, ...] = ()) -> str:
    """A page: the given lines, the headline, the three body paragraphs, then `after`."""
    return "\n\n".join([*before, "Council Approves Budget After Long Debate", *BODY, *after])


def reasons(cleaned: Cleaned) -> dict[str, str]:
    return {removed.text: removed.reason for removed in cleaned.removed}


def test_body_and_title_are_kept_as_paragraphs():
    cleaned = clean(dump())
    assert cleaned.title == "Council Approves Budget After Long Debate"
    assert cleaned.text.split("\n\n") == [cleaned.title, *BODY]
    assert cleaned.removed == []


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Jump to: navigation, search", "jump-link"),
        ("Skip to main content", "jump-link"),
        ("News > World > Europe", "breadcrumb"),
        ("Share this:", "share-bar"),
        ("Follow us on Twitter", "share-bar"),
        ("Sign in", "sign-in"),
        ("Subscribe now to our print edition for the full story.", "subscription"),
        ("We use cookies to improve your experience on our site.", "cookie-notice"),
        ("[                    ] Search", "navigation"),
        ("[img_logo] [                    ]", "widget"),
        ("Published 3 March 2021", "metadata"),
    ],
)
def test_pattern_rules_remove_page_furniture(line, reason):
    cleaned = clean(dump(line))
    assert reasons(cleaned) == {line: reason}
    assert line not in cleaned.text


def test_menu_bullets_are_navigation_and_the_headline_is_the_line_that_leads_the_body():
    cleaned = clean(dump("Latest", "  • Home\n  • World\n  • Business", "Top News Of The Week"))
    # the line right above the body, sharing its words ("council", "budget", "debate")
    assert cleaned.title == "Council Approves Budget After Long Debate"
    assert cleaned.text.startswith(cleaned.title + "\n\n")
    assert reasons(cleaned) == {"Latest": "navigation", "• Home": "navigation",
                                "• World": "navigation", "• Business": "navigation"}


def test_tagline_gives_the_publisher():
    cleaned = clean(dump(after=()).replace("\n\n", "\n\nFrom Citypedia, the open atlas\n\n", 1))
    assert cleaned.publisher == "Citypedia"
    assert reasons(cleaned) == {"From Citypedia, the open atlas": "tagline"}


def test_metadata_published_section_and_byline():
    cleaned = clean(dump("Home > Politics", after=()).replace(
        BODY[0], "By Jane Doe\n\nUpdated March 4, 2021\n\nPublished 3 March 2021\n\n" + BODY[0]
    ))
    assert (cleaned.section, cleaned.byline) == ("Politics", "Jane Doe")
    assert cleaned.published == "2021-03-03"  # "Published" wins over an earlier "Updated"
    assert cleaned.modified == "2021-03-04"  # which, being later, is the modified date
    assert reasons(cleaned) == {
        "Home > Politics": "breadcrumb",
        "By Jane Doe": "metadata",
        "Updated March 4, 2021": "metadata",
        "Published 3 March 2021": "metadata",
    }
    assert cleaned.sources == {  # the source moves with the date that wins
        "title": "line 3 (headline model)",
        "section": "line 1 (breadcrumb)",
        "byline": "line 5 (byline)",
        "published": "line 9 (dateline 'Published 3 March 2021')",
        "modified": "line 7 (dateline 'Updated March 4, 2021')",
    }


def test_an_updated_date_alone_is_the_published_date_not_a_modified_one():
    cleaned = clean(dump(after=()).replace(BODY[0], "Updated March 4, 2021\n\n" + BODY[0]))
    assert (cleaned.published, cleaned.modified) == ("2021-03-04", "")


def test_caption_followed_by_the_same_text_with_a_credit():
    caption = "Workers repair a bridge in the north of the city."
    credited = f"{caption} | Photo: City Press Office"
    cleaned = clean(dump(after=()).replace(BODY[0], f"  • {caption}\n\n{credited}\n\n{BODY[0]}"))
    assert reasons(cleaned) == {f"• {caption}": "caption", credited: "photo-credit"}
    assert "Photo:" not in cleaned.text


@pytest.mark.parametrize(
    "credit",
    ["The old bridge in 1990. Photograph: Anna Smith/Getty Images", "(Reuters)"],
)
def test_credit_lines_are_removed_whole(credit):
    cleaned = clean(dump(after=(credit,)))
    assert reasons(cleaned) == {credit: "photo-credit"}


@pytest.mark.parametrize("credit", [
    "The old bridge in 1990. Photograph: Anna Smith/Getty Images",
    "Protesters in Lima on Monday. (Photo by Jane Doe)",
    "Protesters march in Lima. Ernesto Benavides / AFP via Getty Images",
    "AP Photo/Martin Mejia",
    "Military base in the valley. | Photo: Agencia Andina",
])
def test_a_line_removed_as_a_credit_names_its_credit(credit):
    """One credit grammar: what cleaning removes as a credit becomes a credit citation."""
    cleaned = clean(dump(after=(credit,)))
    assert reasons(cleaned) == {credit: "photo-credit"}
    (citation,) = find_credits([r.text for r in cleaned.removed])
    assert citation.kind == "credit" and citation.source in credit


def test_comment_footer_and_trailing_teasers():
    cleaned = clean(dump(after=("Post with no comments.", "12 Comments")))
    assert reasons(cleaned) == {
        "Post with no comments.": "comments-footer",
        "12 Comments": "comments-footer",
    }


def test_a_second_copy_of_a_paragraph_is_removed_as_a_duplicate():
    cleaned = clean(dump().replace(BODY[2], BODY[2] + "\n\n" + BODY[1]))
    assert cleaned.text.count(BODY[1]) == 1
    assert reasons(cleaned) == {BODY[1]: "duplicate"}


def test_edit_marks_are_stripped_and_an_empty_section_heading_is_removed():
    raw = dump(after=()).replace(BODY[1], "Reactions[edit]\n\n" + BODY[1]) + "\n\nAftermath[edit]\n"
    cleaned = clean(raw)
    assert "\n\nReactions\n\n" in cleaned.text
    assert reasons(cleaned) == {"Aftermath[edit]": "empty-heading"}
    assert "[edit]" not in cleaned.text


def test_see_also_and_external_links_sections_go_to_the_references():
    raw = dump(after=("See also", "  • Municipal budget", "External links",
                      "  • City council website"))
    cleaned = clean(raw)
    assert cleaned.references == ["Municipal budget", "City council website"]
    assert "Municipal budget" not in cleaned.text


def test_caret_references_are_split_off_without_their_prefix():
    raw = dump(after=(
        '  1. ^ "Budget passes". The Daily. May 2, 2020.\n  2. ^ a b Doe, Jane (2019). Roads.',
    ))
    cleaned = clean(raw.replace("public transport", "public transport[1]"))
    assert cleaned.references == ['"Budget passes". The Daily. May 2, 2020.',
                                  "Doe, Jane (2019). Roads."]
    assert "[1]" in cleaned.text  # in-text markers stay for the citations stage
    assert set(reasons(cleaned).values()) == {"references"}


def test_references_heading_and_numbered_entries():
    cleaned = clean(dump(after=("References", "1. Smith, A. (2020). Bridges. City Press.")))
    assert cleaned.references == ["Smith, A. (2020). Bridges. City Press."]
    assert reasons(cleaned) == {
        "References": "references",
        "1. Smith, A. (2020). Bridges. City Press.": "references",
    }


def test_wrapped_lines_are_joined_and_kept_bullets_lose_their_marker():
    raw = dump(after=()).replace(BODY[1], BODY[1].replace("that the ", "that the\n", 1))
    points = ("  • The plan raises the tax on fuel by two cents for every litre sold.\n"
              "  • It also pays for a new bus line that links the two largest hospitals.")
    cleaned = clean(raw.replace(BODY[2], BODY[2] + "\n\n" + points))
    assert BODY[1] in cleaned.text
    assert "\n\nThe plan raises the tax on fuel" in cleaned.text
    assert "•" not in cleaned.text


def test_every_removed_line_is_reported_with_its_line_number():
    raw = dump("  • Home\n  • World\n  • Sport", after=("Post with no comments.", "━━━━"))
    cleaned = clean(raw)
    lines = raw.splitlines()
    for removed in cleaned.removed:
        assert lines[removed.line - 1].strip() == removed.text
    kept = {line.strip() for line in lines if line.strip() and line.strip() in cleaned.text}
    reported = {removed.text for removed in cleaned.removed}
    assert kept | reported == {line.strip() for line in lines if line.strip()}


# --- the corpus articles ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def wikipedia() -> Cleaned:
    return clean(WIKIPEDIA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def telesur() -> Cleaned:
    return clean(TELESUR.read_text(encoding="utf-8"))


def test_wikipedia_article(wikipedia):
    assert wikipedia.title == "Illegal drug trade in Peru"
    assert wikipedia.publisher == "Wikipedia"
    paragraphs = wikipedia.text.split("\n\n")
    assert paragraphs[0] == wikipedia.title and len(paragraphs) == 6
    for gone in ("Jump to: navigation, search", "From Wikipedia, the free encyclopedia",
                 "See also", "A site specific wordplay painting"):
        assert gone not in wikipedia.text
    assert "move to Colombia.[1]" in wikipedia.text
    assert len(wikipedia.references) == 3
    assert wikipedia.references[2].startswith("Amanda Ripley (Apr 29, 2001).")
    assert reasons(wikipedia)["See also[edit]"] == "references"  # its section goes with them


def test_telesur_article(telesur):
    assert telesur.title == "Many Peruvians in Denial About Country's Drug Trafficking Role"
    assert (telesur.published, telesur.section) == ("2016-04-19", "Peru")
    for gone in ("Audio Only", "google plus", "facebook", "twitter", "News > Peru",
                 "Military base in the VRAEM", "Coca field", "| Photo:", "Post with no comments."):
        assert gone not in telesur.text
    for kept in ("Peru has been the number one exporter of cocaine since 2012",
                 "President Ollanta Humala qualified the declarations",
                 "Retired Armed Forces Commandant and former Minister of Defense",
                 "Crespo was captured with three kilos of cocaine.",
                 "in the illegal drug trade business."):
        assert kept in telesur.text
    assert len(telesur.text.split("\n\n")) == 11
    credits = [r.text for r in telesur.removed if r.reason == "photo-credit"]
    assert len(credits) == 3 and all("Photo: Agencia Andina" in c for c in credits)


def test_seed_metadata_sources_name_the_lines(wikipedia, telesur):
    assert wikipedia.sources == {"title": "line 1 (headline model)",
                                 "publisher": "line 3 (tagline)"}
    assert telesur.sources == {
        "title": "line 8 (headline model)",
        "section": "line 6 (breadcrumb)",
        "published": "line 22 (dateline 'Published 19 April 2016')",
    }
    lines = WIKIPEDIA.read_text(encoding="utf-8").splitlines()
    assert (lines[0], lines[2]) == (wikipedia.title, "From Wikipedia, the free encyclopedia")
    lines = TELESUR.read_text(encoding="utf-8").splitlines()
    assert (lines[5], lines[7], lines[21]) == ("News > Peru", telesur.title,
                                               "Published 19 April 2016")


# --- HTML ----------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Council Approves Budget | City Times</title>
<meta property="og:site_name" content="City Times">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2021-03-03T10:00:00Z">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li></ul></nav>
<article><h1>Council Approves Budget</h1>
{paragraphs}
<figure><img src="bridge.jpg"><figcaption>The old bridge. Photo: Anna Smith</figcaption></figure>
</article>
<footer><p>Copyright 2021 City Times. All rights reserved.</p></footer>
</body></html>"""


def test_html_page_through_trafilatura():
    pytest.importorskip("trafilatura")
    cleaned = clean(PAGE.format(paragraphs="\n".join(f"<p>{p}</p>" for p in BODY)))
    assert cleaned.title == "Council Approves Budget"
    assert (cleaned.published, cleaned.publisher, cleaned.byline) == (
        "2021-03-03", "City Times", "Jane Doe")
    for paragraph in BODY:
        assert paragraph in cleaned.text
    assert "Home" not in cleaned.text and "All rights reserved" not in cleaned.text
    assert "Photo: Anna Smith" not in cleaned.text
    # what trafilatura dropped is reported, with the furniture it sat in, at line 0
    assert {(r.line, r.text, r.reason) for r in cleaned.removed} == {
        (0, "Home", "navigation"), (0, "World", "navigation"),
        (0, "The old bridge. Photo: Anna Smith", "caption"),
        (0, "Copyright 2021 City Times. All rights reserved.", "footer"),
    }


@pytest.mark.parametrize(
    ("metadata_title", "h1", "headline"),
    [
        ("Council Approves Budget | City Times", "Council Approves Budget",
         "Council Approves Budget"),
        ("Council Approves Budget - City Times", "City Times", "Council Approves Budget"),
        ("Council Approves Budget After Long Debate", "TIMES",
         "Council Approves Budget After Long Debate"),
        ("City Times", "Council Approves Budget After Long Debate",
         "Council Approves Budget After Long Debate"),
        ("Council Approves ‘Big’ Budget | City Times", "Council Approves 'Big' Budget",
         "Council Approves 'Big' Budget"),  # quote marks differ
        ("Council Approves Budget After Long Debate", "Local News | Council Approves Budget "
         "After Long Debate", "Council Approves Budget After Long Debate"),  # a kicker
    ],
)
def test_html_headline_is_the_h1_unless_it_is_the_site_name(metadata_title, h1, headline):
    pytest.importorskip("trafilatura")
    page = PAGE.replace("Council Approves Budget | City Times", metadata_title)
    page = page.replace("<h1>Council Approves Budget</h1>", f"<h1>{h1}</h1>")
    cleaned = clean(page.format(paragraphs="\n".join(f"<p>{p}</p>" for p in BODY)))
    assert cleaned.title == headline


def test_html_modified_date_from_meta_tags_when_later_than_published():
    pytest.importorskip("htmldate")
    paragraphs = "\n".join(f"<p>{p}</p>" for p in BODY)
    updated = PAGE.replace(
        "</head>", '<meta property="article:modified_time" content="2021-03-05T08:30:00Z">\n</head>'
    )
    cleaned = clean(updated.format(paragraphs=paragraphs))
    assert (cleaned.published, cleaned.modified) == ("2021-03-03", "2021-03-05")
    assert clean(PAGE.format(paragraphs=paragraphs)).modified == ""
    from_trafilatura = "html metadata (trafilatura)"
    assert cleaned.sources == {"title": "html <h1>, also the metadata title",
                               "published": from_trafilatura,
                               "publisher": from_trafilatura, "byline": from_trafilatura,
                               "modified": "html metadata (htmldate)"}


def test_html_furniture_trafilatura_keeps_is_removed_but_code_and_body_sentences_stay():
    pytest.importorskip("trafilatura")
    paragraphs = [
        "<p>Posted: March 3, 2021 | Category: City Hall</p>",
        *(f"<p>{p}</p>" for p in BODY),
        "<p>Residents who sign up for the new bus pass will pay less from April.</p>",
        "<pre><code>print(total_budget)</code></pre>",
        "<p>Subscribe now to our print edition for the full story.</p>",
    ]
    cleaned = clean(PAGE.format(paragraphs="\n".join(paragraphs)))
    assert reasons(cleaned).items() >= {
        ("Posted: March 3, 2021 | Category: City Hall", "metadata"),
        ("Subscribe now to our print edition for the full story.", "subscription"),
    }
    assert "sign up for the new bus pass" in cleaned.text
    assert "print(total_budget)" in cleaned.text


def test_html_that_opens_with_a_long_style_block_is_read_as_html():
    pytest.importorskip("trafilatura")
    page = PAGE.format(paragraphs="\n".join(f"<p>{p}</p>" for p in BODY))
    no_doctype = page[page.index("<html>"):]
    style = "<style>\n" + "  .menu { opacity: 1; }\n" * 1000 + "</style>\n"  # inline CSS
    cleaned = clean(style + no_doctype)
    assert BODY[0] in cleaned.text and "<p>" not in cleaned.text and "Home" not in cleaned.text


def page(*paragraphs: str) -> str:
    return PAGE.format(paragraphs="\n".join(f"<p>{p}</p>" for p in paragraphs or BODY))


def test_html_nested_deeper_than_libxml2s_limit_keeps_its_article():
    pytest.importorskip("trafilatura")
    deep = page().replace("<article>", "<div>" * 300 + "<article>").replace(
        "</article>", "</article>" + "</div>" * 300)
    cleaned = clean(deep)
    assert cleaned.title == "Council Approves Budget"
    assert cleaned.text.split("\n\n")[1:] == BODY


@pytest.mark.parametrize("fragment", [
    f"<p>{BODY[0]}</p>",
    f"<article><h2>Budget passes</h2><p>{BODY[0]}</p><p>{BODY[1]}</p></article>",
    f"<ul><li>{BODY[0]}</li><li>{BODY[1]}</li></ul>",
])
@pytest.mark.parametrize("suffix", [".html", ".htm", ""])
def test_an_html_fragment_is_read_as_html_and_keeps_its_text(fragment, suffix):
    pytest.importorskip("trafilatura")
    cleaned = clean(fragment, suffix=suffix)
    assert BODY[0] in cleaned.text
    assert "<" not in cleaned.text and ">" not in cleaned.text
    if "Budget passes" in fragment:
        assert cleaned.text.split("\n\n") == ["Budget passes", BODY[0], BODY[1]]


def test_a_text_dump_that_opens_with_a_script_is_a_dump_without_it():
    script = "<script>\nwindow.dataLayer = window.dataLayer || [];\n</script>"
    for suffix in (".txt", ""):
        cleaned = clean(f"{script}\n\n" + dump(), suffix=suffix)
        assert cleaned.title == "Council Approves Budget After Long Debate"
        assert cleaned.text.split("\n\n")[1:] == BODY
        assert [(r.line, r.text, r.reason) for r in cleaned.removed] == [
            (1, "<script>", "markup"), (2, "window.dataLayer = window.dataLayer || [];", "markup"),
            (3, "</script>", "markup")]
    quoted = dump(after=('The police said that <script>alert("pwned")</script> ran on a server '
                         "of the city council for two weeks before anyone noticed it.",))
    assert '<script>alert("pwned")</script> ran' in clean(quoted).text  # quoted code stays
    assert '<script>alert("pwned")</script> ran' in clean(quoted + f"\n\n{script}").text


def test_a_full_page_saved_as_txt_is_read_as_html():
    pytest.importorskip("trafilatura")
    cleaned = clean(page(), suffix=".txt")
    assert cleaned.text.split("\n\n") == ["Council Approves Budget", *BODY]


def test_a_dump_that_quotes_a_tag_stays_a_dump():
    raw = dump(after=("Use <b>bold</b> sparingly, the editor wrote in the style guide.",))
    cleaned = clean(raw)
    assert cleaned.title == "Council Approves Budget After Long Debate"
    assert "Use <b>bold</b> sparingly" in cleaned.text  # the dump's own text, as it is


def test_an_html_file_without_any_tag_is_read_as_text():
    cleaned = clean(dump(), suffix=".html")
    assert cleaned.text.split("\n\n") == ["Council Approves Budget After Long Debate", *BODY]


SHELL = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>City Times</title><link rel="stylesheet" href="/static/css/main.css">
<script defer src="/static/js/main.4f2a.js"></script></head>
<body><noscript>You need to enable JavaScript to run this app.</noscript>
<div id="root"></div><script src="/static/js/vendor.9c1b.js"></script></body></html>"""


@pytest.mark.parametrize("shell", [
    SHELL,
    SHELL.replace("<noscript>You need to enable JavaScript to run this app.</noscript>", ""),
    SHELL.replace(' id="root"', ""),  # no mount point: the <noscript> tells
])
def test_a_javascript_shell_is_an_error_that_says_so(shell):
    pytest.importorskip("trafilatura")
    with pytest.raises(ValueError, match="the page is a JavaScript shell: its article is "
                                         "loaded by scripts, save the rendered page instead"):
        clean(shell)


def test_a_short_page_with_scripts_is_no_shell():
    pytest.importorskip("trafilatura")
    short = SHELL.replace('<div id="root"></div>', f"<div id='root'><p>{BODY[0]}</p></div>")
    assert BODY[0] in clean(short).text


PAYLOAD = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk" + "AB12cd2012" * 20000


def test_inline_data_images_are_stripped_and_give_no_date():
    pytest.importorskip("htmldate")
    images = (f'<img src="data:image/png;base64,{PAYLOAD}" alt="">'
              f'<img srcset="data:image/webp;base64,{PAYLOAD} 2x">'
              f"<div style=\"background: url('data:image/jpeg;base64,{PAYLOAD}')\"></div>"
              f"<script>var icon = '{PAYLOAD}';</script>")
    undated = page().replace('<meta property="article:published_time" '
                             'content="2021-03-03T10:00:00Z">', "").replace("Copyright 2021", "")
    cleaned = clean(undated.replace("<article>", "<article>" + images))
    assert (cleaned.published, cleaned.modified) == ("", "")
    assert cleaned.text.split("\n\n") == ["Council Approves Budget", *BODY]
    assert "AB12cd" not in "".join(r.text for r in cleaned.removed)


def test_strip_inline_data_keeps_the_scheme_and_the_text():
    from pipeline.html import strip_inline_data

    raw = (f'<img src="data:image/png;base64,{PAYLOAD}"> url(data:image/svg+xml;utf8,%3Csvg%3E)'
           f" {PAYLOAD} metadata: kept")
    assert strip_inline_data(raw) == ('<img src="data:image/png;base64,"> '
                                      "url(data:image/svg+xml;utf8,)  metadata: kept")


def test_html_blocks_trafilatura_drops_are_reported_by_where_they_sit():
    pytest.importorskip("trafilatura")
    furniture = ("<aside><p>Most read: Mayor resigns after the budget vote</p></aside>"
                 "<div id='comments'><p>Great article, thanks for writing it!</p></div>")
    cleaned = clean(page().replace("</article>", "</article>" + furniture))
    found = {r.text: (r.line, r.reason) for r in cleaned.removed}
    assert found["Most read: Mayor resigns after the budget vote"] == (0, "aside")
    assert found["Great article, thanks for writing it!"] == (0, "comments")
    assert not any(paragraph in found for paragraph in BODY)


# --- Markdown ------------------------------------------------------------------------------

MARKDOWN = f"""Council Approves Budget
=======================

*By Jane Doe*

March 3, 2021

{BODY[0].replace("new budget", "**new budget**").replace("public transport",
                                                          "[public transport](/transport)")}

![The old bridge in the north of the city](bridge.jpg)

## Reactions

- {BODY[1]}
- {BODY[2].replace("bridges", "_bridges_")}

| Item | Cost |
|------|------|
| Roads | $5 million |

```
total = roads + bridges
```
"""


def test_markdown_markup_goes_and_headings_bylines_and_dates_are_read():
    pytest.importorskip("markdown_it")
    cleaned = clean(MARKDOWN, suffix=".md")
    assert (cleaned.title, cleaned.byline, cleaned.published) == (
        "Council Approves Budget", "Jane Doe", "2021-03-03")
    assert cleaned.text.split("\n\n") == [
        "Council Approves Budget", BODY[0], "Reactions", f"{BODY[1]}\n{BODY[2]}",
        "Item | Cost\nRoads | $5 million", "total = roads + bridges"]
    assert [(r.line, r.text, r.reason) for r in cleaned.removed] == [
        (4, "By Jane Doe", "metadata"), (6, "March 3, 2021", "metadata"),
        (10, "The old bridge in the north of the city", "caption")]
    assert cleaned.sources == {"title": "line 1 (markdown heading)", "byline": "line 4 (byline)",
                               "published": "line 6 (dateline 'March 3, 2021')"}


def test_markdown_front_matter_and_an_atx_title():
    pytest.importorskip("markdown_it")
    raw = ("---\ntitle: Budget\ndate: 2021-03-03T10:00:00Z\nauthor: Jane Doe\n---\n\n"
           f"# Council Approves Budget\n\nUpdated March 5, 2021\n\n{BODY[0]}\n")
    cleaned = clean(raw, suffix=".md")
    assert (cleaned.title, cleaned.byline, cleaned.published) == (
        "Council Approves Budget", "Jane Doe", "2021-03-03")  # the front matter's date wins
    assert cleaned.text == f"Council Approves Budget\n\n{BODY[0]}"
    assert cleaned.sources["title"] == "line 7 (markdown heading)"


TOUR = ["June 14 – Alpharetta, GA @ Ameris Bank Amphitheatre",
        "June 16 – Charlotte, NC @ PNC Music Pavilion",
        "June 18 – Raleigh, NC @ Coastal Credit Union Music Park",
        "June 20 – Nashville, TN @ Ascend Amphitheater",
        "June 22 – St. Louis, MO @ Hollywood Casino Amphitheatre",
        "June 24 – Chicago, IL @ Credit Union 1 Amphitheatre"]
SCORES = ["Palm Bay d. Rockledge 70-44", "Melbourne d. Eau Gallie 55-41",
          "Viera d. Satellite 61-58", "Cocoa d. Titusville 48-39",
          "Merritt Island d. Astronaut 66-50", "Bayside d. Heritage 59-52"]
MENU = ["World", "Politics", "Business", "Technology", "Science", "Health", "Entertainment"]


@pytest.mark.parametrize(("lines", "kept"), [(TOUR, True), (SCORES, True), (MENU, False)])
def test_a_list_between_paragraphs_is_body_a_menu_is_not(lines, kept):
    """Short lines that share their punctuation between two paragraphs are a list of the
    body, its middle too (the model alone drops the middle of a long one); plain words with
    no mark in common are a menu."""
    page = "\n\n".join(["Home", "Council Approves Budget After Long Debate", BODY[0],
                        "\n".join(lines), BODY[1], BODY[2]])
    text_lines = clean(page).text.split("\n")
    found = [line in text_lines for line in lines]
    if kept:
        assert all(found)
    else:  # the bridge may keep a line next to a paragraph; the middle of the menu goes
        assert not any(found[2:-2])


TEASERS = ["Customers Leave Without Paying $690 Bill At Troy Steakhouse",
           "A party of six left the restaurant before the bill came, the owner said.",
           "Police Seek Driver After Hit-And-Run On Main Street",
           "The driver fled north after striking a cyclist on Tuesday night."]
COMMENTS = ["1. thelastchargersfan says:",
            "It's a good thing we have no fans left to lose this season, honestly.",
            "2. boltup2024 says:", "Totally agree with you, the front office has to go."]


@pytest.mark.parametrize(("heading", "lines", "reason"), [
    ("Related Stories", TEASERS, "related-stories"),
    ("You May Also Like", TEASERS, "related-stories"),
    ("3 Comments", COMMENTS, "comments"), ("Leave a Reply", COMMENTS, "comments")])
def test_teasers_and_comments_after_the_story_are_removed_as_such(heading, lines, reason):
    """A rail of other stories or a comment thread after the story reads like prose, and the
    model alone keeps it; under its heading it goes, audited as what it is in removed.csv.
    A footer line in its reach keeps its own reason."""
    footer = "Copyright 2024 The Gazette"
    page = "\n\n".join(["Home", "Council Approves Budget After Long Debate", *BODY,
                        heading, *lines, footer])
    cleaned = clean(page)
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert cleaned.text.split("\n\n")[1:] == BODY
    assert heading in reasons
    assert [reasons[line] for line in lines] == [reason] * len(lines)
    assert reasons[footer] == "footer"


def test_a_comments_link_above_the_story_removes_nothing():
    """"2 comments" under the byline is a link, not the start of the thread."""
    page = "\n\n".join(["Council Approves Budget After Long Debate", "2 comments", *BODY])
    assert clean(page).text.split("\n\n")[1:] == BODY
