"""The Markdown report of the catalogue (prove --report)."""

import re
import sys
import textwrap

import pytest

from inertia_verify import InvalidArgument, run_claims
from inertia_verify.catalogue import (CatalogueReport, Claim, ClaimResult, Outcome,
                                      report_markdown, write_report)
from inertia_verify.cli import main


def _result(claim_id, verdict="proved", **outcome):
    claim = Claim(id=claim_id, paper=f"paper words for {claim_id}",
                  statement=f"precise statement θ_k * 2 for {claim_id}",
                  check=lambda: None)
    return ClaimResult(claim, Outcome(verdict, [f"evidence line for {claim_id}"], **outcome), 0.5)


def _links(text):
    return re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)


def test_each_claim_has_its_words_statement_verdict_and_evidence():
    report = CatalogueReport((_result("mine/one"), _result(
        "mine/two", "refuted", counterexample={"x": "2", "value": "2"},
        corrected="only at x = 0 or 1")))
    text = report_markdown(report)
    assert text.startswith("# Claims catalogue report")
    assert "2 claims, 1 proved, 0 verified, 0 inconclusive, 1 refuted" in text
    for claim_id in ("mine/one", "mine/two"):
        assert f"**The paper says.** paper words for {claim_id}" in text
        assert f"evidence line for {claim_id}" in text
    assert "## mine/one: proved" in text and "## mine/two: refuted" in text
    assert "**Counterexample.** x = 2, value = 2" in text
    assert "**Corrected statement.** only at x = 0 or 1" in text
    assert "θ\\_k \\* 2" in text  # Markdown specials escaped: no accidental italics
    assert text.count("**Counterexample.**") == 1  # only the refuted claim has one


def test_figures_go_under_their_claim_with_relative_links(tmp_path):
    pytest.importorskip("matplotlib")
    report = CatalogueReport((_result("karagoz2025/appD"), _result("mine/other")))
    path, pngs, note = write_report(report, tmp_path / "sub" / "review.md",
                                    figures_dir=tmp_path / "pictures")
    assert note is None
    assert [p.name for p in pngs] == ["appD-discrete-inertia.png"]
    text = path.read_text(encoding="utf-8")
    links = _links(text)
    assert links == ["../pictures/appD-discrete-inertia.png"]
    assert (path.parent / links[0]).resolve().is_file()
    # The figure sits inside its claim's section, before the next claim.
    assert text.index("## karagoz2025/appD") < text.index(links[0]) < text.index("## mine/other")


def test_each_figure_appears_once_under_its_most_relevant_claim(tmp_path):
    ids = ["karagoz2025/eq5", "karagoz2025/eq6", "karagoz2025/eq7"]
    report = CatalogueReport(tuple(_result(i) for i in ids))
    text = report_markdown(report, figures={"eq7-stochastic-inertia": tmp_path / "s.png"},
                           base=tmp_path)
    assert _links(text) == ["s.png"]
    assert text.index("## karagoz2025/eq7") < text.index("(s.png)")
    # A generalisation carries its base claim's figure when the base claim is not in the report.
    only = CatalogueReport((_result("karagoz2025/appD-modified"),))
    text = report_markdown(only, figures={"appD-discrete-inertia": tmp_path / "d.png"}, base=tmp_path)
    assert "## Other figures" not in text and _links(text) == ["d.png"]


def test_default_figures_folder_and_an_unattached_figure(tmp_path):
    pytest.importorskip("matplotlib")
    report = CatalogueReport((_result("mine/one"),))
    path, pngs, _ = write_report(report, tmp_path / "r.md", figures=["appB-decay-rate"])
    assert pngs == [tmp_path / "r-figures" / "appB-decay-rate.png"]
    text = path.read_text(encoding="utf-8")
    assert "## Other figures" in text and _links(text) == ["r-figures/appB-decay-rate.png"]


def test_bad_report_paths(tmp_path):
    report = CatalogueReport((_result("mine/one"),))
    with pytest.raises(InvalidArgument, match=r"\.md"):
        write_report(report, tmp_path / "report.txt")
    with pytest.raises(InvalidArgument, match="is a folder"):
        write_report(report, tmp_path)
    with pytest.raises(InvalidArgument, match="not figure names"):
        report_markdown(report, figures={"fig9": tmp_path / "x.png"})


def test_cli_prove_report(tmp_path, capsys):
    out = tmp_path / "review.md"
    assert main(["prove", "karagoz2025/thm1", "--report", str(out), "--quiet"]) == 0
    assert "report written to" in capsys.readouterr().out
    text = out.read_text(encoding="utf-8")
    assert "## karagoz2025/thm1: proved" in text
    assert run_claims(["karagoz2025/thm1"]).results[0].claim.paper in text.replace("\\", "")
    assert main(["prove", "karagoz2025/thm1", "--figures-dir", str(tmp_path)]) == 2
    assert "--figures-dir" in capsys.readouterr().err
    assert main(["prove", "karagoz2025/thm1", "--report", str(tmp_path / "x.txt")]) == 2
    assert "'--report'" in capsys.readouterr().err


def test_user_claim_refuted_in_report(tmp_path, capsys):
    folder = tmp_path / "claims"
    folder.mkdir()
    (folder / "mine.py").write_text(textwrap.dedent('''
        from inertia_verify import Dynamics, derive
        from inertia_verify.catalogue import Claim, outcome_from_verdicts

        def check():
            result = derive(Dynamics.from_text("x**2/2", "x", damping="gamma"))
            return outcome_from_verdicts([("conserved", result.conservation)],
                                         corrected="dI/dt = -gamma*v_x**2")

        CLAIM = Claim(id="mine/damped-conserved", paper="I is conserved with damping",
                      statement="dI/dt = 0 for L = x²/2, γ free", check=check)
    '''))
    out = tmp_path / "mine.md"
    assert main(["prove", "mine/damped-conserved", "--path", str(folder), "--report", str(out),
                 "--quiet"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "## mine/damped-conserved: refuted" in text
    assert "**Counterexample.** part = conserved, gamma = " in text


def test_report_without_matplotlib_says_how_to_get_figures(tmp_path, monkeypatch, capsys):
    for name in list(sys.modules):
        if name == "matplotlib" or name.startswith("matplotlib."):
            monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    report = CatalogueReport((_result("karagoz2025/appD"),))
    path, pngs, note = write_report(report, tmp_path / "r.md")
    assert pngs == [] and 'pip install "inertia-verify[plot]"' in note
    assert "inertia-verify[plot]" in path.read_text(encoding="utf-8")


# -- a report a reviewer can attach (issue 16 §3) --------------------------------------------------
def test_report_states_papers_provenance_and_rerun_commands():
    report = CatalogueReport((_result("karagoz2025/thm1"), _result("marcotte2025/resnet")))
    text = report_markdown(report)
    assert "Computational Inertia as a Conserved Quantity" in text and "arXiv 2505.19171" in text
    assert "Transformative or Conservative?" in text and "ICML 2025" in text
    assert "Keep the Momentum" not in text  # only the papers whose claims are in the report
    import mpmath
    import numpy
    import scipy
    import sympy

    for name, module in (("sympy", sympy), ("numpy", numpy), ("scipy", scipy), ("mpmath", mpmath)):
        assert f"| {name} | {module.__version__.replace('_', chr(92) + '_')} |" in text
    assert re.search(r"\| date \| \d{4}-\d\d-\d\d \d\d:\d\d UTC \|", text)
    assert "| commit |" in text and "| python |" in text
    assert "**Rerun.** `inertia-verify prove karagoz2025/thm1`" in text
    assert "1 claims" not in text


def test_counterexamples_in_full_in_an_appendix_without_attribute_pointers():
    point = {f"x{i}": f"{i}/7" for i in range(40)}
    claim = Claim(id="mine/long", paper="p", statement="s", check=lambda: None)
    long_result = ClaimResult(claim, Outcome(
        "refuted", ["refuted: at x0=0, ... (40 coordinates in .counterexample)"],
        counterexample=point, corrected="never"), 0.5)
    text = report_markdown(CatalogueReport((long_result,)))
    appendix = text[text.index("## Appendix A: counterexamples in full"):]
    assert all(f"x{i} = {i}/7" in appendix for i in range(40))  # every coordinate, in full
    assert ".counterexample" not in text
    assert "coordinates in full in Appendix A.1" in text
    assert "[Appendix A.1](#appendix-1)" in text and '<a id="appendix-1"></a>' in text


def test_html_report_is_one_self_contained_file(tmp_path):
    pytest.importorskip("matplotlib")
    report = CatalogueReport((_result("karagoz2025/appD"), _result(
        "mine/two", "refuted", counterexample={"x": "2"}, corrected="only at x = 0")))
    path, pngs, note = write_report(report, tmp_path / "review.html")
    assert note is None and pngs == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.html"]  # nothing beside it
    page = path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert page.count('src="data:image/png;base64,') == 1
    assert not re.search(r'src="(?!data:)', page)  # no link to a file
    assert "<strong>Corrected statement.</strong> only at x = 0" in page
    assert "θ_k * 2" in page  # Markdown escapes undone, HTML escaped
    import base64

    data = re.search(r'data:image/png;base64,([A-Za-z0-9+/=]+)"', page).group(1)
    assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_prove_html_report(tmp_path, capsys):
    out = tmp_path / "review.html"
    assert main(["prove", "karagoz2025/thm1", "--report", str(out), "--quiet"]) == 0
    assert "<h2>karagoz2025/thm1: proved</h2>" in out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["prove", "karagoz2025/thm1", "--report", str(out), "--figures-dir",
                 str(tmp_path)]) == 2
    assert "'--figures-dir'" in capsys.readouterr().err


def test_rerun_command_of_a_user_claim_names_its_folder(tmp_path):
    from inertia_verify import run_claims

    (tmp_path / "mine.py").write_text(
        "from inertia_verify import Claim, Outcome\n"
        "CLAIM = Claim(id='mine/ok', paper='p', statement='s',\n"
        "              check=lambda: Outcome('proved', ['by hand']))\n")
    report = run_claims(["mine/ok"], paths=[tmp_path])
    text = report_markdown(report)
    assert f"**Rerun.** `inertia-verify prove mine/ok --path {tmp_path}`" in text
