"""The data files in models/ (lexicons, rules, trained components) that stages read: kept as
data so users can extend them without touching the code. The repository's top-level
`models/` folder ships inside the package as `pipeline.models` (see pyproject.toml), so the
same files are found in a checkout and in an installed wheel."""
from __future__ import annotations

import importlib.resources
import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Doc

MODELS = Path(importlib.resources.files("pipeline.models"))  # type: ignore[arg-type]


def read_json(name: str) -> dict:
    return json.loads((MODELS / name).read_text(encoding="utf-8"))


def entries(text: str) -> list[str]:
    """Entries of a one-entry-a-line file; blank lines and `#` comments skipped."""
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def read_lines(name: str) -> list[str]:
    return entries((MODELS / name).read_text(encoding="utf-8"))


class LexiconRules:
    """A rule component with a lexicon of its own: `doc._.<attribute>` = `find(doc, lexicon)`.
    The lexicon is a file named in the component's config (a file of models/, or a path),
    read by `parse`, saved with the pipeline by `to_disk` and read back by `from_disk`: a
    pipeline saved with `nlp.to_disk` keeps the lexicon it was built with, wherever it is
    loaded."""

    def __init__(self, name: str, lexicon: str, parse: Callable[[str], Any],
                 find: Callable[[Doc, Any], list], attribute: str) -> None:
        self.name, self.parse, self.find, self.attribute = name, parse, find, attribute
        self.lexicon_file = "lexicon" + Path(lexicon).suffix  # its name in a saved pipeline
        self._use((MODELS / lexicon).read_text(encoding="utf-8"))

    def _use(self, text: str) -> None:
        self.lexicon_text, self.lexicon = text, self.parse(text)

    def __call__(self, doc: Doc) -> Doc:
        setattr(doc._, self.attribute, self.find(doc, self.lexicon))
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / self.lexicon_file).write_text(self.lexicon_text, encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> LexiconRules:
        """The lexicon saved with the pipeline, whatever file the config now names."""
        (saved,) = Path(path).glob("lexicon*")
        self._use(saved.read_text(encoding="utf-8"))
        return self


HEDGES = frozenset(read_lines("hedges.txt"))  # softening words, for claims and events alike
