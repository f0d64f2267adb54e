"""The documentation site builds with warnings as errors (the command of docs/conf.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _build(out: Path, **env) -> subprocess.CompletedProcess:
    pytest.importorskip("sphinx", reason="the docs extra installs Sphinx")
    pytest.importorskip("pydata_sphinx_theme", reason="the docs extra installs the theme")
    pytest.importorskip("numpydoc", reason="the docs extra installs numpydoc")
    pytest.importorskip("myst_nb", reason="the docs extra installs myst-nb")
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **env}, check=False)


def _check_site(out: Path) -> None:
    for page in ("index.html", "verdicts.html", "api.html", "tutorials.html",
                 "generated/catalogue.html", "generated/commands/index.html"):
        assert (out / page).is_file(), page
    api = (out / "api.html").read_text(encoding="utf-8")
    assert "prove_zero" in api and "Parameters" in api and "Examples" in api  # numpydoc
    commands = {p.stem for p in (out / "generated" / "commands").glob("*.html")}
    assert {"derive", "prove", "simulate", "oscillator", "quadratic", "discrete", "inequality",
            "laws", "figures"} <= commands
    assert "JSON output" in (out / "generated" / "commands" / "derive.html").read_text("utf-8")
    for name in ("01_tour", "02_stochastic", "03_conservation_laws"):
        page = (out / "generated" / "tutorials" / f"{name}.html").read_text(encoding="utf-8")
        assert "cell_output" in page, f"{name}: rendered without its outputs"
    assert "what a verdict means" in (out / "verdicts.html").read_text("utf-8").lower()


def test_docs_build_quick(tmp_path):
    """Every page, the catalogue listed without running it (about 10 s)."""
    proc = _build(tmp_path / "html", INERTIA_VERIFY_DOCS_CATALOGUE="list")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _check_site(tmp_path / "html")
    assert "without running them" in (tmp_path / "html" / "generated" / "catalogue.html").read_text(
        encoding="utf-8")


@pytest.mark.slow
def test_docs_build_with_the_catalogue_verdicts(tmp_path):
    """The site as published: the catalogue page runs every claim (about a minute)."""
    proc = _build(tmp_path / "html", INERTIA_VERIFY_DOCS_CATALOGUE="")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    _check_site(tmp_path / "html")
    catalogue = (tmp_path / "html" / "generated" / "catalogue.html").read_text(encoding="utf-8")
    assert "karagoz2025/thm1" in catalogue and "<strong>proved</strong>" in catalogue
    assert "<strong>refuted</strong>" in catalogue  # eq. 7 is refuted


def test_every_public_name_is_in_the_api_reference():
    import re
    from pathlib import Path

    import inertia_verify

    text = (Path(__file__).resolve().parents[1] / "docs" / "api.rst").read_text()
    documented = set(re.findall(r"\.\. auto\w+:: (\w+)", text))
    assert not set(inertia_verify.__all__) - documented
