"""The data files in models/ (lexicons, rules, trained components) that stages read: kept as
data so users can extend them without touching the code. The repository's top-level
`models/` folder ships inside the package as `pipeline.models` (see pyproject.toml), so the
same files are found in a checkout and in an installed wheel."""
from __future__ import annotations

import importlib.resources
import json
from pathlib import Path

MODELS = Path(importlib.resources.files("pipeline.models"))  # type: ignore[arg-type]


def read_json(name: str) -> dict:
    return json.loads((MODELS / name).read_text(encoding="utf-8"))


def read_lines(name: str) -> list[str]:
    """Entries of a one-entry-a-line file; blank lines and `#` comments skipped."""
    lines = (MODELS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


HEDGES = frozenset(read_lines("hedges.txt"))  # softening words, for claims and events alike
