"""The README is the front door: it must show the commands and every option there is."""
from __future__ import annotations

import re
from pathlib import Path

from pipeline.cli import parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def test_readme_shows_the_two_commands():
    assert "make extract" in README and "make test" in README


def test_readme_documents_every_command_line_option():
    extract = parser()._subparsers._group_actions[0].choices["extract"]
    options = {o for action in extract._actions for o in action.option_strings}
    assert options, "the parser has options"
    for option in options:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", README), option
