"""The README is the front door: it must show the commands and every option there is, and
its command-line reference must be the real `--help`."""
from __future__ import annotations

import re
from pathlib import Path

from evaluation.readme_cli import block, current
from pipeline.cli import parser

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


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
