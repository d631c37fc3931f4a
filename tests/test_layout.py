"""The house along the flow: modules import one way (no cycle), and the stages before spaCy
(reading and cleaning files, the plain-text grammars) do not import spaCy's components."""
from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"
BEFORE_SPACY = ("ingest", "clean", "html", "markdown", "boilerplate", "references", "temporal")
COMPONENTS = ("nlp", "entities", "dates", "events", "citations", "claims")


def imports(module: Path) -> set[str]:
    """The pipeline modules a module imports, at its top or inside a function (a late import
    hides a cycle, it does not remove it); not those under `if TYPE_CHECKING:`."""
    tree = ast.parse(module.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "pipeline":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pipeline."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("pipeline.")}
    return found


GRAPH = {path.stem: imports(path) for path in PACKAGE.glob("*.py")}


def test_no_module_imports_one_that_imports_it_back():
    try:
        order = list(TopologicalSorter(GRAPH).static_order())
    except CycleError as error:
        raise AssertionError(f"import cycle: {error.args[1]}") from None
    assert order.index("schema") < order.index("rows") < order.index("runner")


def test_the_stages_before_spacy_do_not_import_its_components():
    def reached(name: str, seen: set[str]) -> set[str]:
        for other in GRAPH.get(name, ()):
            if other not in seen:
                seen.add(other)
                reached(other, seen)
        return seen

    for stage in BEFORE_SPACY:
        assert not reached(stage, set()) & set(COMPONENTS), stage


def test_the_contract_depends_on_no_view():
    assert not {"display", "report", "result"} & GRAPH["schema"]
    assert "result" not in GRAPH["display"]
