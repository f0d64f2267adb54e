"""Every claim in proofs/ runs, gets a valid verdict with evidence, and the verdict it had before."""

import json
import textwrap

import pytest

from inertia_verify import InertiaVerifyError, InvalidArgument, discover_claims, run_claims
from inertia_verify.catalogue import VERDICTS, Claim, Outcome

CLAIMS = discover_claims()


def test_catalogue_has_the_foundation_ids():
    ids = {c.id for c in CLAIMS}
    assert {"karagoz2025/eq2", "karagoz2025/thm1", "karagoz2025/eq4",
            "karagoz2025/eq4-anisotropic", "karagoz2025/eq4-time"} <= ids


@pytest.mark.parametrize("claim", CLAIMS, ids=[c.id for c in CLAIMS])
def test_claim(claim):
    result = claim.run()
    assert result.verdict in VERDICTS
    assert result.outcome.evidence, "a verdict needs evidence"
    if result.verdict == "refuted":
        assert result.outcome.counterexample and result.outcome.corrected
    if claim.expect is not None:
        assert result.verdict == claim.expect, str(result)
    json.dumps(result.to_dict(), allow_nan=False)


def test_user_claims_from_a_folder(tmp_path):
    (tmp_path / "mine.py").write_text(textwrap.dedent('''
        import sympy
        from inertia_verify import Dynamics, derive
        from inertia_verify.catalogue import Claim, outcome_from_verdicts

        def check():
            result = derive(Dynamics.from_text("x**6", "x"))
            return outcome_from_verdicts([("x**6 conserved", result.conservation)])

        CLAIM = Claim(id="mine/x6", paper="x^6 potential conserves I",
                      statement="dI/dt = 0 for L = x^6", check=check)
    '''))
    report = run_claims(["mine/x6"], paths=[tmp_path])
    assert [r.verdict for r in report.results] == ["proved"]


def test_unknown_id_and_bad_claims(tmp_path):
    with pytest.raises(InvalidArgument, match="not in the catalogue"):
        run_claims(["nobody/nothing"])
    with pytest.raises(InvalidArgument, match="source/name"):
        Claim(id="noslash", paper="", statement="", check=lambda: None)
    with pytest.raises(InvalidArgument, match="counterexample"):
        Outcome("refuted", ["x"])
    (tmp_path / "broken.py").write_text("raise RuntimeError('oops')\n")
    with pytest.raises(InvalidArgument, match="could not be loaded"):
        discover_claims([tmp_path])
    with pytest.raises(InvalidArgument, match="not a folder"):
        discover_claims([tmp_path / "missing"])


def test_a_failing_check_names_its_claim():
    def broken():
        raise ZeroDivisionError("division by zero")

    claim = Claim(id="mine/broken", paper="", statement="", check=broken)
    with pytest.raises(InertiaVerifyError, match="mine/broken.*ZeroDivisionError"):
        claim.run()


def test_results_render_for_notebooks():
    result = run_claims(["karagoz2025/thm1"]).results[0]
    html = result._repr_html_()
    assert "karagoz2025/thm1" in html and "<b>proved</b>" in html and "<table>" in html
    assert result._repr_latex_().startswith("$")


def test_claims_that_cannot_be_checked_get_their_own_rows(tmp_path):
    from inertia_verify.catalogue import ERROR

    (tmp_path / "mine.py").write_text(textwrap.dedent('''
        from inertia_verify.catalogue import Claim, Outcome

        def boom():
            raise ZeroDivisionError("division by zero")

        def not_an_outcome():
            return "proved"

        def bare_refutation():
            return Outcome("refuted", ["it is false"], counterexample={"x": 1})

        def fine():
            return Outcome("proved", ["trivially"])

        CLAIMS = [Claim(id="mine/a-boom", paper="p", statement="s", check=boom),
                  Claim(id="mine/b-type", paper="p", statement="s", check=not_an_outcome),
                  Claim(id="mine/c-bare", paper="p", statement="s", check=bare_refutation),
                  Claim(id="mine/d-fine", paper="p", statement="s", check=fine)]
    '''))
    (tmp_path / "zz_broken.py").write_text("import no_such_module_anywhere\n")
    report = run_claims(["mine/*"], paths=[tmp_path])
    verdicts = {r.claim.id: r.verdict for r in report.results}
    assert verdicts["mine/d-fine"] == "proved"
    assert [verdicts[i] for i in ("mine/a-boom", "mine/b-type", "mine/c-bare")] == [ERROR] * 3
    errors = {r.claim.id: r.error for r in report.errors}
    assert "ZeroDivisionError" in errors["mine/a-boom"]
    assert "returned str" in errors["mine/b-type"]
    assert "missing: corrected" in errors["mine/c-bare"]
    broken = [i for i in errors if i.endswith("zz_broken.py")]
    assert len(broken) == 1 and "ModuleNotFoundError" in errors[broken[0]]
    assert report.counts()[ERROR] == 4
    text = str(report)
    assert "4 could not be checked" in text and "error: mine/a-boom:" in text
    row = next(r for r in report.to_list() if r["id"] == "mine/a-boom")
    assert row["verdict"] == ERROR and row["corrected"] is None and row["error"]
    # the Markdown report has a section for it too
    from inertia_verify.catalogue import report_markdown

    assert "**Could not be checked.**" in report_markdown(report)
    # the library's discover_claims still raises for a module that does not load
    with pytest.raises(InvalidArgument, match="could not be loaded"):
        discover_claims([tmp_path])
