"""Sphinx configuration of the inertia-verify documentation.

Build (warnings are errors)::

    python -m sphinx -W -b html docs docs/_build/html

Generated at build time into ``docs/generated/`` (ignored by git): a page per command (from the
argument parser itself), the claims catalogue with the verdicts of this build (set
``INERTIA_VERIFY_DOCS_CATALOGUE=list`` to list the claims without running them, for a quick
build), and the tutorials (the notebooks of ``examples/``, rendered with the outputs they were
saved with: executing them again is the job of ``tests/test_notebooks.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import inertia_verify  # noqa: E402

project = "inertia-verify"
author = "the inertia-verify authors"
copyright = "2025, the inertia-verify authors"
release = inertia_verify.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_nb",
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints"]

# The notebooks are rendered with their saved outputs (they are executed by the test suite).
nb_execution_mode = "off"
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

# numpydoc renders the docstrings; members are listed by the API page itself.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
autodoc_typehints = "none"
autodoc_member_order = "bysource"

html_theme = "pydata_sphinx_theme"
html_title = f"inertia-verify {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path: list[str] = []


def _generate(app) -> None:
    import _generate_pages

    _generate_pages.generate(HERE)


def setup(app):
    app.connect("builder-inited", _generate)
