"""HTML of every shape, and Markdown, through a whole run: each file gets one documents.csv
row with the right status, its article text without tags and no invented date, and the
blocks HTML cleaning dropped are in removed.csv."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from pipeline.runner import RAW_LIMIT, extract_to
from tests.conftest import TELESUR

pytest.importorskip("trafilatura")

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "May 2")


def paragraphs(n: int) -> list[str]:
    """The article of the n-th file: each file's differs, or the run would take the
    paragraphs shared by all of them for the site's furniture."""
    return [
        f"Lima police arrested two men on {DAYS[n]} at the port of Callao, the Interior "
        "Ministry said.",
        f"The ministry said the men had smuggled {200 + n} kilos of cocaine through the port in "
        "March, hidden in containers of frozen fish bound for Rotterdam.",
        f"Prosecutors will ask a judge within {n + 2} days to hold both men in custody while "
        "the inquiry goes on, a spokesman for the public prosecutor's office told reporters.",
    ]


HEADLINE = "Two Arrested in Callao Cocaine Case"
NAV = ("<nav><ul><li><a href='/'>Front page</a></li><li><a href='/peru'>Peru news</a></li>"
       "</ul></nav>")
FOOTER = "<footer><p>Copyright Lima Daily. All rights reserved.</p></footer>"


def article(n: int) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs(n))


def page(body: str) -> str:
    return (f"<!DOCTYPE html><html><head><title>{HEADLINE} | Lima Daily</title></head>"
            f"<body>{NAV}{body}{FOOTER}</body></html>")


PAYLOAD = "AB12cd2012/+" * (RAW_LIMIT // 12 + 1000)  # over the size limit alone
SHELL = ("<!doctype html><html><head><title>Lima Daily</title>"
         "<script defer src='/static/js/main.4f2a.js'></script></head><body>"
         "<noscript>You need to enable JavaScript to run this app.</noscript>"
         "<div id='root'></div></body></html>")
MARKDOWN = f"""# {HEADLINE}

*By Ana Torres*

April 19, 2016

{paragraphs(6)[0].replace("Lima police", "**Lima police**")}

![Containers at the port of Callao](callao.jpg)

- {paragraphs(6)[1].replace("cocaine", "[cocaine](https://example.org/cocaine)")}
- {paragraphs(6)[2]}
"""

FILES = {  # name: (content, its article's number, the expected error or "" when readable)
    "deep.html": (page("<div>" * 300 + f"<article><h1>{HEADLINE}</h1>{article(0)}</article>"
                       + "</div>" * 300), 0, ""),
    "fragment.html": ("<p>" + "<br><br>".join(paragraphs(1)) + "</p>", 1, ""),  # one <p>
    "article-fragment.htm": (f"<article><h2>{HEADLINE}</h2>{article(2)}</article>", 2, ""),
    "script-dump.txt": ("<script>window.dataLayer = window.dataLayer || [];</script>\n\n"
                        + "\n\n".join([HEADLINE, *paragraphs(3)]), 3, ""),
    "saved-page.txt": (page(f"<article><h1>{HEADLINE}</h1>{article(4)}</article>"), 4, ""),
    "inline-image.html": (page(f"<article><h1>{HEADLINE}</h1><img src='data:image/png;base64,"
                               f"{PAYLOAD}' alt=''>{article(5)}</article>"), 5, ""),
    "article.md": (MARKDOWN, 6, ""),
    "shell.html": (SHELL, 7, "ValueError: the page is a JavaScript shell: its article is "
                             "loaded by scripts, save the rendered page instead"),
}
READABLE = [name for name, (_, _, error) in FILES.items() if not error]


def doc_id(name: str) -> str:
    return name.rsplit(".", 1)[0]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    corpus = tmp_path_factory.mktemp("shapes")
    shutil.copy(TELESUR, corpus / TELESUR.name)
    for name, (content, _, _) in FILES.items():
        (corpus / name).write_text(content, encoding="utf-8")
    out = corpus.parent / f"{corpus.name}-out"
    extract_to(corpus, out)
    read = {"dtype": str, "keep_default_na": False}
    return (pd.read_csv(out / "documents.csv", **read).set_index("doc_id"),
            pd.read_csv(out / "removed.csv", **read), out)


def test_every_file_has_one_row_with_the_expected_status(run):
    documents = run[0]
    assert sorted(documents.index) == sorted([TELESUR.stem, *map(doc_id, FILES)])
    for name, (_, _, error) in FILES.items():
        row = documents.loc[doc_id(name)]
        assert (row["status"], row["error"]) == ("error" if error else "ok", error), name
    assert documents.loc[TELESUR.stem, "status"] == "ok"


@pytest.mark.parametrize("name", READABLE)
def test_the_article_text_is_kept_without_tags_or_markup(run, name):
    text = (run[2] / "text" / f"{doc_id(name)}.txt").read_text(encoding="utf-8")
    for paragraph in paragraphs(FILES[name][1]):
        assert paragraph in text, name
    assert HEADLINE in text or HEADLINE not in FILES[name][0]
    for markup in ("<", ">", "**", "](", "data:", "AB12cd"):
        assert markup not in text, (name, markup)


def test_no_published_date_is_invented(run):
    published = run[0]["published"]
    assert published["article"] == "2016-04-19"  # the Markdown dateline
    assert published[TELESUR.stem] == "2016-04-19"
    assert set(published.drop(["article", TELESUR.stem])) == {""}


def test_removed_csv_has_the_dropped_html_blocks_and_the_markdown_metadata(run):
    removed = run[1]
    for name in ("deep", "saved-page", "inline-image"):
        rows = removed[removed.doc_id == name]
        assert {(r.line, r.text, r.reason) for r in rows.itertuples()} >= {
            ("0", "Front page", "navigation"), ("0", "Peru news", "navigation"),
            ("0", "Copyright Lima Daily. All rights reserved.", "footer")}, name
    markdown = removed[removed.doc_id == "article"]
    assert list(zip(markdown.line, markdown.text, markdown.reason)) == [
        ("3", "By Ana Torres", "metadata"), ("5", "April 19, 2016", "metadata"),
        ("9", "Containers at the port of Callao", "caption")]
    assert run[0].loc["article", "byline"] == "Ana Torres"
