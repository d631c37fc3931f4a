"""The quickstart notebook runs, top to bottom, in a real Jupyter kernel of this interpreter."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "quickstart.ipynb"


def outputs(cell) -> str:
    return "".join(str(output.get("data", output.get("text", ""))) for output in cell.outputs)


def test_the_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


def test_the_quickstart_notebook_runs_without_an_error():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # No kernel folders: only ipykernel's own python3 kernel, which runs sys.executable (the
    # project's .venv), not whatever "python3" kernel the user's Jupyter folders hold.
    kernel = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(
        kernel_dirs=[]))
    assert kernel.kernel_spec.argv[0] == sys.executable
    NotebookClient(notebook, km=kernel, timeout=600, resources={
        "metadata": {"path": str(NOTEBOOK.parent)}}).execute()  # the cwd Jupyter gives it

    cells = {cell.source.splitlines()[-1]: cell for cell in notebook.cells
             if cell.cell_type == "code"}
    summary = outputs(cells["result  # documents, failures and rows per table"])
    assert "2 documents" in summary and "0 failed" in summary
    assert "Vladimiro Montesinos" in outputs(cells["report.top_entities(result.entities, 10)"])
    assert any("image/png" in output.get("data", {})
               for output in cells["report.timeline(result.events)"].outputs)
    shown = outputs(cells['result.show("002_159aca854b71736f")'])
    assert 'title="person/victor-crespo">Victor Crespo</mark>' in shown
    assert 'data-label="CLAIM"' in shown
