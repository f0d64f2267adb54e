"""The examples import public names only; the proof scripts' private imports are a fixed list.

A user copies from ``examples/``: an import of a private module there (``inertia_verify._x`` or
``inertia_verify.<package>._x``) teaches them an API that may change without notice.  The proof
scripts in ``proofs/`` still reach into private modules; the ones they use today are listed
below so that the list can only shrink (a new one fails this test, and so does a listed one that
is no longer imported, so the list stays true).
"""

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The private modules proofs/ imports today, per file (issue 16 §7 left these to the proofs'
#: owners; most of the names are public already, see the report of that change).
PROOF_EXCEPTIONS = {
    "karagoz2025_appB.py": {"inertia_verify._crosscheck", "inertia_verify.symbolic._closed_forms"},
    "karagoz2025_appD.py": {"inertia_verify.numeric._energy_drift",
                            "inertia_verify.symbolic._discrete_maps",
                            "inertia_verify.symbolic._modified_energy"},
    "karagoz2025_appE.py": {"inertia_verify.symbolic._closed_forms",
                            "inertia_verify.symbolic._closed_forms._regime_solution"},
    "karagoz2025_eq5.py": {"inertia_verify.numeric._montecarlo",
                           "inertia_verify.symbolic._ito_moments"},
    "karagoz2025_eq6.py": {"inertia_verify.numeric._montecarlo", "inertia_verify.symbolic._ito"},
    "karagoz2025_eq7.py": {"inertia_verify.numeric._montecarlo", "inertia_verify.symbolic._energy",
                           "inertia_verify.symbolic._ito", "inertia_verify.symbolic._ito_gibbs",
                           "inertia_verify.symbolic._ito_moments"},
    "karagoz2025_sec5.py": {"inertia_verify._crosscheck", "inertia_verify.symbolic._closed_forms"},
    "marcotte2023_deeplinear.py": {"inertia_verify.laws._known"},
    "marcotte2023_linear2.py": {"inertia_verify.laws._known"},
    "marcotte2023_polynomial.py": {"inertia_verify.laws._known"},
    "marcotte2023_relu2.py": {"inertia_verify.laws._known"},
    "marcotte2024_nmf.py": {"inertia_verify.laws._known"},
}


def is_private(module: str) -> bool:
    """Whether a dotted module path of the package goes through a private (``_``) part."""
    parts = module.split(".")
    return parts[0] == "inertia_verify" and any(p.startswith("_") for p in parts[1:])


def imported_modules(source: str) -> set[str]:
    """Every absolute module an ``import`` or ``from ... import`` statement names.

    ``from inertia_verify.numeric import _monitor`` counts as importing
    ``inertia_verify.numeric._monitor``: importing a private submodule by name is the same thing.
    """
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if alias.name.startswith("_"))
    return found


def notebook_source(path: Path) -> str:
    """The code cells of a notebook, IPython magics and shell lines dropped so that ast parses."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    lines = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            text = "".join(cell["source"])
            lines += [line for line in text.splitlines() if not re.match(r"\s*[%!]", line)]
    return "\n".join(lines)


def private_imports(path: Path) -> set[str]:
    source = notebook_source(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
    return {m for m in imported_modules(source) if is_private(m)}


def test_the_scanner_finds_private_imports():
    # The checks below are only as good as this: each form a private import can take is found.
    source = ("import inertia_verify._errors\n"
              "from inertia_verify.numeric._monitor import InertiaMonitor\n"
              "from inertia_verify.symbolic import _optimizers\n"
              "from inertia_verify import InertiaMonitor, numeric\n"
              "import numpy._core\n")
    assert {m for m in imported_modules(source) if is_private(m)} == {
        "inertia_verify._errors", "inertia_verify.numeric._monitor",
        "inertia_verify.symbolic._optimizers"}
    assert not is_private("inertia_verify.numeric")


EXAMPLES = sorted((ROOT / "examples").glob("*.py")) + sorted((ROOT / "examples").glob("*.ipynb"))


def test_there_are_examples_to_scan():
    assert len(EXAMPLES) >= 4, EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_import_public_names_only(path):
    assert private_imports(path) == set(), (
        f"{path.name} imports private modules; import the name from inertia_verify or its "
        "subpackage instead (export it there if it is missing)")


def test_proofs_private_imports_do_not_grow():
    found = {}
    for path in sorted((ROOT / "proofs").glob("*.py")):
        modules = private_imports(path)
        if modules:
            found[path.name] = modules
    assert found == PROOF_EXCEPTIONS, (
        "proofs/ private imports changed: import new names from the public API; when one is "
        "removed, take it off PROOF_EXCEPTIONS")
