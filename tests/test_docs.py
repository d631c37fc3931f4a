"""The README is the front door: it must show the commands and every option there is, its
command-line reference must be the real `--help`, and no link in it or in docs/ may dangle."""
from __future__ import annotations

import re
from pathlib import Path

from evaluation.readme_cli import block, current
from pipeline.cli import parser
from pipeline.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")


def test_readme_shows_the_two_commands():
    assert "make extract" in README and "make test" in README


def test_readme_documents_every_command_line_option():
    extract = parser()._subparsers._group_actions[0].choices["extract"]
    options = {o for action in extract._actions for o in action.option_strings}
    assert options, "the parser has options"
    for option in options:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", README), option


def test_readme_command_line_reference_is_the_help_output():
    assert current(README) == block(), "README.md is out of date: run `make readme`"


def test_the_help_is_rendered_at_a_fixed_width_whatever_the_terminal(monkeypatch):
    expected = block()
    monkeypatch.setenv("COLUMNS", "40")
    assert block() == expected
    monkeypatch.delenv("COLUMNS")
    assert block() == expected


def _strip_fences(markdown: str) -> str:
    """The text outside fenced code blocks."""
    return re.sub(r"^(```|~~~).*?^\1[^\n]*$", "", markdown, flags=re.S | re.M)


def _prose(markdown: str) -> str:
    """The text outside fenced code blocks and code spans, where a link is a link."""
    return re.sub(r"`[^`\n]*`", "", _strip_fences(markdown))


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", _strip_fences(markdown), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def _relative_links(page: Path) -> list[str]:
    links = LINK.findall(_prose(page.read_text(encoding="utf-8")))
    return [link for link in links if not re.match(r"[a-z][a-z0-9+.-]*:", link)]


def test_every_relative_link_points_at_an_existing_file():
    checked = 0
    for page in PAGES:
        for link in _relative_links(page):
            path, _, anchor = link.partition("#")
            target = (page.parent / path).resolve() if path else page
            assert target.is_file(), f"{page.relative_to(ROOT)}: {link} -> no such file"
            if anchor and target.suffix == ".md":
                assert anchor in _anchors(target.read_text(encoding="utf-8")), \
                    f"{page.relative_to(ROOT)}: {link} -> no such heading"
            checked += 1
    assert checked >= 10, "the link pattern finds the links"


def test_readme_links_every_docs_page():
    links = _relative_links(ROOT / "README.md")
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in links}
    for page in PAGES[1:]:
        assert page in linked, page.name


def test_docs_tables_names_every_column_of_every_table():
    text = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    reference = text[text.index("## Every column"):]
    for table in TABLES:
        section = reference.split(f"### `{table.name}.csv`", 1)[1].split("\n### ", 1)[0]
        for column in table.column_names:
            assert f"| `{column}` |" in section, f"{table.name}.{column}"
