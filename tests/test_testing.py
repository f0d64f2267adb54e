"""inertia_verify.testing: one-line assertions for users' test suites, and the pytest plugin."""

import os
import subprocess
import sys
import textwrap

import pytest
import sympy

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.catalogue import Claim, Outcome
from inertia_verify.testing import assert_claim, assert_conserved, assert_rate


def test_conserved_inertia_passes_and_returns_the_certificate():
    verdict = assert_conserved(Dynamics.from_text("x**4/4 - x**2/2 + a*y**2", "x,y"))
    assert verdict.proved
    assert assert_conserved(Dynamics.abstract(3), strict=True).proved


def test_damped_inertia_fails_with_the_counterexample():
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
    with pytest.raises(AssertionError) as info:
        assert_conserved(dyn)
    message = str(info.value)
    assert "dI/dt = -gamma*v_x**2" in message
    assert "counterexample" in message
    # The point shown must really be a counterexample: evaluate the rate there ourselves.
    gamma, v = sympy.Symbol("gamma", real=True), sympy.Symbol("v_x", real=True)
    point = {}
    for part in message.split("counterexample: at ")[1].split(" the difference")[0].split(", "):
        name, value = part.split(" = ")
        point[{"gamma": gamma, "v_x": v}[name]] = sympy.Rational(value)
    assert (-gamma * v**2).xreplace(point) != 0


def test_other_quantities_by_text_in_the_systems_names():
    separable = Dynamics.from_text("x**2/2 + y**4", "x,y")
    assert assert_conserved(separable, "v_x**2/2 + x**2/2").proved
    coupled = Dynamics.from_text("x**2/2 + x*y + y**2", "x,y")
    with pytest.raises(AssertionError, match="counterexample"):
        assert_conserved(coupled, "v_x**2/2 + x**2/2")


def test_assert_rate():
    dyn = Dynamics.from_text("x**2/2 + y**2", "x,y", damping="[[1,0],[0,2]]")
    assert assert_rate(dyn, "-(v_x**2 + 2*v_y**2)").proved
    with pytest.raises(AssertionError, match=r"dI/dt is not -v_x\*\*2 - v_y\*\*2") as info:
        assert_rate(dyn, "-(v_x**2 + v_y**2)")  # the paper's isotropic rate, wrong here
    assert "counterexample" in str(info.value)
    # The rate of a quantity other than I: d/dt (θv) = v² - θ² for the harmonic loss.
    harmonic = Dynamics.from_text("x**2/2", "x")
    assert assert_rate(harmonic, "v_x**2 - x**2", quantity="x*v_x").proved


def test_strict_rejects_numerical_evidence_only():
    x, v = sympy.Symbol("x", positive=True), sympy.Symbol("v_x", real=True)
    dyn = Dynamics(x**2 / 2, [x])
    # d/dt x = v, and atan(x) + atan(1/x) - π/2 = 0 for x > 0 (declared positive): an identity
    # the prover can only verify numerically, so strict mode must refuse it.
    expected = v + sympy.atan(x) + sympy.atan(1 / x) - sympy.pi / 2
    verdict = assert_rate(dyn, expected, quantity=x)
    assert verdict.status == "numerically verified"
    with pytest.raises(AssertionError, match="strict=True needs an exact proof"):
        assert_rate(dyn, expected, quantity=x, strict=True)


def test_bad_input_is_invalid_argument_not_assertion():
    dyn = Dynamics.from_text("x**2/2", "x")
    with pytest.raises(InvalidArgument, match="quantity"):
        assert_conserved(dyn, "x.__class__")
    with pytest.raises(InvalidArgument, match="quantity"):
        assert_conserved(dyn, "w**2")  # w is not a name of this system
    with pytest.raises(InvalidArgument, match="dynamics"):
        assert_conserved("x**2/2")
    with pytest.raises(InvalidArgument, match="expected"):
        assert_rate(dyn, [1, 2])


def test_assert_claim_by_id_and_object(tmp_path):
    assert assert_claim("karagoz2025/thm1").verdict == "proved"
    with pytest.raises(AssertionError, match="expected 'refuted'"):
        assert_claim("karagoz2025/thm1", "refuted")
    with pytest.raises(InvalidArgument, match="not in the catalogue"):
        assert_claim("nobody/nothing")
    with pytest.raises(InvalidArgument, match="verdict"):
        assert_claim("karagoz2025/thm1", "maybe")

    def wrong():
        return Outcome("refuted", ["x**2 - x is not zero"], counterexample={"x": "2", "value": "2"},
                       corrected="x**2 - x = 0 only at x in {0, 1}")

    mine = Claim(id="mine/wrong", paper="x^2 = x", statement="x^2 - x ≡ 0", check=wrong)
    with pytest.raises(AssertionError) as info:
        assert_claim(mine)
    assert "counterexample: x = 2, value = 2" in str(info.value)
    assert "corrected: x**2 - x = 0 only" in str(info.value)
    assert assert_claim(mine, "refuted").verdict == "refuted"


USER_TESTS = textwrap.dedent('''
    from inertia_verify import Dynamics

    def test_ok(assert_conserved):
        assert_conserved(Dynamics.from_text("x**4 - x**2", "x"))

    def test_fails(assert_conserved):
        assert_conserved(Dynamics.from_text("x**2", "x", damping="3/t"))

    def test_claim(assert_claim):
        assert_claim("karagoz2025/eq2")
''')


def _run_pytest(folder, *options, autoload=True):
    env = dict(os.environ)
    if not autoload:
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-o", "addopts=", *options, str(folder)],
                          capture_output=True, text=True, cwd=folder, timeout=300, env=env)


def test_pytest_plugin_fixtures(tmp_path):
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    # Entry-point plugins off, this one on by name: the same whether or not it is installed.
    run = _run_pytest(tmp_path, "-p", "inertia_verify.pytest_plugin", autoload=False)
    assert "1 failed, 2 passed" in run.stdout, run.stdout + run.stderr
    assert "counterexample: at" in run.stdout


def test_pytest_plugin_entry_point(tmp_path):
    from importlib.metadata import entry_points

    if not any(ep.value == "inertia_verify.pytest_plugin" for ep in entry_points(group="pytest11")):
        pytest.skip("the pytest11 entry point is not installed (pyproject "
                    "[project.entry-points.pytest11]); the plugin works with -p, tested above")
    (tmp_path / "test_user.py").write_text(USER_TESTS)
    run = _run_pytest(tmp_path)
    assert "1 failed, 2 passed" in run.stdout, run.stdout + run.stderr
