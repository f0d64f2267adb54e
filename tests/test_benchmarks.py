"""The benchmark scripts still import: every name they take from the package exists.

The scripts print figures and are not run by the test suite (speed belongs in benchmarks, not in
timed tests), so an API change could leave one broken unnoticed (a restructuring did: a script
imported a scheme registry from a module that had moved).  This reads each script's imports,
including those inside functions, and resolves them without running the script.
"""

import ast
import importlib
from pathlib import Path

import pytest

BENCHMARKS = sorted((Path(__file__).resolve().parents[1] / "benchmarks").glob("*.py"))


def package_imports(path: Path):
    """(module, name or None) for every import of ``inertia_verify`` in the script."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "inertia_verify":
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "inertia_verify":
                    yield alias.name, None


def test_there_are_benchmarks():
    assert len(BENCHMARKS) >= 5


@pytest.mark.parametrize("path", BENCHMARKS, ids=lambda p: p.name)
def test_benchmark_imports_resolve(path):
    missing = []
    for module, name in package_imports(path):
        try:
            imported = importlib.import_module(module)
        except ImportError as exc:
            missing.append(f"{module}: {exc}")
            continue
        if name is not None and not hasattr(imported, name):
            try:
                importlib.import_module(f"{module}.{name}")
            except ImportError:
                missing.append(f"{module}.{name}")
    assert not missing, f"{path.name} imports what the package no longer has: {missing}"


def test_the_check_can_fail(tmp_path):
    script = tmp_path / "bench_broken.py"
    script.write_text("def main():\n    from inertia_verify.numeric._schemes import FIXED_STEP\n")
    with pytest.raises(AssertionError):
        test_benchmark_imports_resolve(script)
