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
