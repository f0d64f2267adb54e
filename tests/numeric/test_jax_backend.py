"""The JAX backend (issue 15 §3): deterministic runs agree with NumPy to round-off, noisy runs
within standard errors; what JAX cannot run is refused by name."""

from __future__ import annotations

import json
import sys

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument, MissingExtra
from inertia_verify.cli import main
from inertia_verify.numeric import simulate, simulate_ensemble
from inertia_verify.numeric._jax_backend import JAX_SCHEMES
from inertia_verify.symbolic import quadratic_moments

pytest.importorskip("jax")

#: float64 round-off of a few hundred operations per path, each within 1 ulp (1.1e-16), where
#: XLA may contract a*b + c into one rounding instead of two: 1e-12 relative leaves a factor of
#: ten above the largest difference seen (6e-15), and far below a scheme's own error (1e-5 here).
ROUNDOFF = 1e-12


@pytest.mark.parametrize("damping", ["0", "0.3", "[[0.3, 0.1], [0.0, 0.2]]", "3/t"])
@pytest.mark.parametrize("scheme", list(JAX_SCHEMES))  # every scheme that declares a JAX form
def test_deterministic_agrees_with_numpy(scheme, damping):
    dyn = Dynamics.from_text("x**2/2 + y**4/4 + x*y/5", "x,y", damping=damping,
                             mass="[[2, 0], [0, 1]]" if damping == "0.3" else None)
    kw = dict(t0=0.5, paths=300, spread=0.2, seed=4, scheme=scheme, keep_states=True)
    a = simulate(dyn, [1.0, 0.5], [0.0, 0.1], 1.5, 0.01, **kw)
    b = simulate(dyn, [1.0, 0.5], [0.0, 0.1], 1.5, 0.01, backend="jax", **kw)
    assert not a.diverged and not b.diverged
    np.testing.assert_array_equal(a.times, b.times)
    np.testing.assert_allclose(b.inertia, a.inertia, rtol=ROUNDOFF, atol=0)
    np.testing.assert_allclose(b.theta, a.theta, rtol=0, atol=ROUNDOFF)
    np.testing.assert_allclose(b.balance, a.balance, rtol=0, atol=ROUNDOFF)


def test_deterministic_divergence_is_reported():
    run = simulate(Dynamics.from_text("exp(x**2)", "x"), [3.0], [0.0], 5.0, 0.1,
                   check_stability=False, backend="jax")
    assert run.diverged and run.divergence.reason == "non-finite"


@pytest.mark.parametrize("scheme", ["euler-maruyama", "baoab"])
def test_stochastic_agrees_within_standard_errors(scheme):
    dyn = Dynamics.from_text("x**2/2 + y**2", "x,y", damping="1", noise="0.5")
    kw = dict(t_end=1.0, dt=0.025, paths=30000, seed=3, scheme=scheme, records=4)
    a = simulate_ensemble(dyn, [1.0, 0.5], [0.0, 0.0], **kw)
    b = simulate_ensemble(dyn, [1.0, 0.5], [0.0, 0.0], backend="jax", **kw)
    assert b.status == "ok" and b.backend == "jax"
    # Independent streams: the difference of the means has the combined standard error; the
    # same scheme and step, so the same bias.  4 standard errors: two-sided p ≈ 6e-5 per row.
    for name in ("inertia", "loss", "velocity_square"):
        diff = a.mean[name][1:] - b.mean[name][1:]
        se = np.hypot(a.stderr[name][1:], b.stderr[name][1:])
        assert np.all(np.abs(diff) <= 4 * se), (name, diff / se)
    assert a.mean["inertia"][0] == b.mean["inertia"][0]  # the common start
    # And the JAX sample is not NumPy's (the comparison above is not trivially true).
    assert a.mean["inertia"][-1] != b.mean["inertia"][-1]
    if scheme == "baoab":  # weak order 2: its bias at dt = 0.025 is below the standard error
        exact = quadratic_moments(dyn, [1.0, 0.5], [0.0, 0.0]).expected_inertia([1.0])[0]
        assert abs(b.mean["inertia"][-1] - exact) <= 4 * b.stderr["inertia"][-1]
    # Per-block streams: another chunk size gives the same sample, up to XLA's contraction of
    # operations, which may differ with the array's shape (a few ulps of the mean).
    c = simulate_ensemble(dyn, [1.0, 0.5], [0.0, 0.0], backend="jax", chunk_paths=8192, **kw)
    np.testing.assert_allclose(c.mean["inertia"], b.mean["inertia"], rtol=1e-13)


def test_refusals(monkeypatch):
    dyn = Dynamics.from_text("x**2/2", "x", damping="1")
    with pytest.raises(InvalidArgument, match="scheme.*no JAX form"):
        simulate(dyn, [1.0], [0.0], 1.0, 0.1, scheme="conformal-verlet", backend="jax")
    with pytest.raises(InvalidArgument, match="backend"):
        simulate(dyn, [1.0], [0.0], 1.0, 0.1, scheme="dop853", backend="jax")
    with pytest.raises(InvalidArgument, match="is not a backend"):
        simulate(dyn, [1.0], [0.0], 1.0, 0.1, backend="torch")
    noisy = Dynamics.from_text("x**2/2", "x", damping="1", noise="x")
    with pytest.raises(InvalidArgument, match="additive noise only"):
        simulate_ensemble(noisy, [1.0], [0.0], t_end=1.0, dt=0.25, paths=10, backend="jax")
    # JAX not installed: None in sys.modules makes its import fail.
    monkeypatch.setitem(sys.modules, "jax", None)
    with pytest.raises(MissingExtra, match=r"argument 'backend' = 'jax': needs jax, which is "
                       r"not installed; install it with: pip install \"inertia-verify\[jax\]\""):
        simulate(dyn, [1.0], [0.0], 1.0, 0.1, backend="jax")


def test_cli_backend(capsys):
    base = ["simulate", "--loss", "x**2/2", "--vars", "x", "--damping", "1", "--theta0", "1",
            "--v0", "0", "--t-end", "1", "--dt", "0.05", "--json"]
    assert main(base + ["--backend", "jax"]) == 0
    jax_payload = json.loads(capsys.readouterr().out)
    assert main(base) == 0
    numpy_payload = json.loads(capsys.readouterr().out)
    assert jax_payload["verdict"] == numpy_payload["verdict"] == "agrees"
    noisy = base[:7] + ["--noise", "0.5", "--paths", "5000"] + base[7:]
    assert main(noisy + ["--backend", "jax"]) == 0
    assert json.loads(capsys.readouterr().out)["backend"] == "jax"
