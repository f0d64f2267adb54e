"""The example notebooks run top to bottom (executed with nbclient in a fresh kernel)."""

from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOTEBOOKS = sorted(EXAMPLES.glob("*.ipynb"))


def test_the_examples_are_there():
    names = {p.name for p in NOTEBOOKS}
    assert {"01_tour.ipynb", "02_stochastic.ipynb", "03_conservation_laws.ipynb"} <= names


# A fresh kernel per notebook: about 8 s each (25 s for all three) on two cores; in the default
# run because the issue asks that the test suite execute the notebooks.
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat", reason="the test extra installs nbformat")
    nbclient = pytest.importorskip("nbclient", reason="the test extra installs nbclient")
    pytest.importorskip("ipykernel", reason="the test extra installs ipykernel")
    pytest.importorskip("matplotlib", reason="the notebooks plot: install inertia-verify[plot]")
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the failing cell, on any error
    errors = [o for cell in notebook.cells if cell.cell_type == "code"
              for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
