"""The data files in models/ (lexicons, rules) that stages read: kept as data so users can
extend them without touching the code."""
from __future__ import annotations

import json
from pathlib import Path

MODELS = Path(__file__).resolve().parent.parent / "models"


def read_json(name: str) -> dict:
    return json.loads((MODELS / name).read_text(encoding="utf-8"))


def read_lines(name: str) -> list[str]:
    """Entries of a one-entry-a-line file; blank lines and `#` comments skipped."""
    lines = (MODELS / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


HEDGES = frozenset(read_lines("hedges.txt"))  # softening words, for claims and events alike
