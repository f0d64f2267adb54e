"""The documentation site builds with warnings as errors (the command of docs/conf.py)."""

import functools
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


# -- numpydoc sections of the public API ---------------------------------------------------------
#: The public namespaces: the package and its public subpackages and modules (each has __all__).
PUBLIC_NAMESPACES = ["inertia_verify", "inertia_verify.symbolic", "inertia_verify.schemes",
                     "inertia_verify.numeric", "inertia_verify.crosschecks", "inertia_verify.laws",
                     "inertia_verify.catalogue", "inertia_verify.figures", "inertia_verify.testing",
                     "inertia_verify.cli"]


@functools.lru_cache(maxsize=None)
def _public_objects() -> dict:
    """Every function and class named in a public ``__all__``, once, under its first public name."""
    import importlib
    import inspect

    found = {}
    for namespace in PUBLIC_NAMESPACES:
        module = importlib.import_module(namespace)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                found.setdefault(f"{namespace}.{name}", obj)
    seen, unique = set(), {}
    for name, obj in found.items():
        if id(obj) not in seen:
            seen.add(id(obj))
            unique[name] = obj
    return unique


def _documented(section) -> set[str]:
    """The names a Parameters/Attributes section documents (``a, b : float`` documents both)."""
    return {part.strip().lstrip("*") for item in section for part in item.name.split(",")}


def docstring_problems(obj) -> list[str]:
    """What a public function or class's numpydoc docstring lacks: every parameter of the
    signature documented (a class may document its fields under Attributes; an exception that
    keeps ``Exception``'s constructor has none, nor has a marker class without arguments or
    data), a Returns (or Yields) section unless the function is annotated to return None, and an
    Examples section with doctests."""
    import abc
    import inspect
    import warnings

    docscrape = pytest.importorskip("numpydoc.docscrape", reason="the docs extra installs numpydoc")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpydoc warns about sections it does not know
        doc = (docscrape.ClassDoc(obj, config={"show_class_members": False})
               if inspect.isclass(obj) else docscrape.FunctionDoc(obj))
    problems = []
    if inspect.isclass(obj):
        documented = _documented(doc["Parameters"]) | _documented(doc["Attributes"])
        # an exception that keeps Exception's constructor has only its message to document
        plain_exception = issubclass(obj, BaseException) and "__init__" not in vars(obj)
        # a marker class (schemes.Symplectic, ...) has no constructor arguments and no data:
        # nothing for Parameters/Attributes, it is read with isinstance (Examples still required)
        marker = (not plain_exception and not inspect.signature(obj).parameters
                  and not [name for name, value in vars(obj).items() if not name.startswith("_")
                           and not inspect.isfunction(value)]
                  and all(base in (object, abc.ABC) for base in obj.__bases__))
        if not documented and not plain_exception and not marker:
            problems.append("no Parameters or Attributes section")
        wanted = [] if plain_exception else list(inspect.signature(obj).parameters)
    else:
        documented = _documented(doc["Parameters"])
        wanted = list(inspect.signature(obj).parameters)
        returns_none = inspect.signature(obj).return_annotation in (None, "None")
        if not (doc["Returns"] or doc["Yields"] or returns_none):
            problems.append("no Returns section")
    missing = [name for name in wanted if name not in documented]
    if missing:
        problems.append(f"parameters not documented: {', '.join(missing)}")
    if ">>>" not in "\n".join(doc["Examples"]):
        problems.append("no Examples section with doctests")
    return problems


def test_the_docstring_check_can_fail():
    def undocumented(x, y=1):
        """Add."""
        return x + y

    def documented(x, y=1):
        """Add.

        Parameters
        ----------
        x, y : int

        Returns
        -------
        int

        Examples
        --------
        >>> documented(1)
        2
        """
        return x + y

    assert docstring_problems(undocumented) == [
        "no Returns section", "parameters not documented: x, y",
        "no Examples section with doctests"]
    assert docstring_problems(documented) == []

    class Marker:
        """A marker, read with isinstance."""

    class Record:
        """A record with data and no Attributes section.

        Examples
        --------
        >>> Record.size
        1
        """
        size = 1

    assert docstring_problems(Marker) == ["no Examples section with doctests"]
    assert docstring_problems(Record) == ["no Parameters or Attributes section"]


def test_there_are_public_objects_to_check():
    objects = _public_objects()
    assert len(objects) > 100 and "inertia_verify.prove_equal" in objects


@pytest.mark.parametrize("name", sorted(_public_objects()))
def test_public_docstrings_have_parameters_returns_and_examples(name):
    # The examples are run by pytest's --doctest-modules over inertia_verify/ (pyproject.toml).
    problems = docstring_problems(_public_objects()[name])
    assert not problems, f"{name}: " + "; ".join(problems)
