"""Worst-case rates by performance estimation (issue 12 §4), compared with closed forms as
PEPit's own tests do: equality to 1e-3 relative where the theory is tight (PEPit's tolerance for
its examples, well above the interior-point solver's ~1e-7 gap), a one-sided bound otherwise;
and always against the exact rational lower bound from one-dimensional quadratics."""

import json
from fractions import Fraction as F

import pytest

pytest.importorskip("PEPit")

from inertia_verify import InvalidArgument, worst_case_rate  # noqa: E402
from inertia_verify._rates import quadratic_ratio  # noqa: E402
from inertia_verify.cli import main  # noqa: E402

REL = 1e-3


@pytest.mark.parametrize("steps", [1, 2, 4])
@pytest.mark.parametrize("step", ["1/ell", "2/(ell+mu)"])
def test_gradient_descent_matches_the_tight_rate(steps, step):
    """Taylor, Hendrickx and Glineur (2018, Thm 3.3): for step γ in (0, 2/ℓ),
    L(θ_n) - L* <= max((1 - μγ)², (1 - ℓγ)²)^n (L(θ_0) - L*), attained by a quadratic."""
    mu, ell = F(1), F(10)
    gamma = 1 / ell if step == "1/ell" else 2 / (ell + mu)
    tau = max((1 - mu * gamma) ** 2, (1 - ell * gamma) ** 2) ** steps
    r = worst_case_rate("gradient-descent", mu=mu, smoothness=ell, lr=gamma, iterations=steps)
    assert r.worst_case == pytest.approx(float(tau), rel=REL)
    assert r.quadratic_lower_bound == tau  # exact: the worst quadratic is λ = μ or ℓ
    assert abs(r.solver_accuracy["relative_gap"]) < REL


def test_heavy_ball_within_ghadimi_bound_and_pepit_example():
    """PEPit's heavy_ball_momentum example: μ = 0.1, ℓ = 1, α = 1/2, β = √((1-αμ)(1-ℓα)),
    n = 2: PEPit reports 0.753493; Ghadimi et al. (2015) bound it by (1 - αμ)^n."""
    beta = ((1 - 0.05) * 0.5) ** 0.5
    r = worst_case_rate("heavy-ball", mu="1/10", smoothness=1, lr="1/2", momentum=beta, iterations=2)
    assert r.worst_case == pytest.approx(0.753493, rel=REL)
    assert r.worst_case <= (1 - 0.05) ** 2 * (1 + REL)


@pytest.mark.parametrize("method", ["gradient-descent", "heavy-ball", "nesterov"])
@pytest.mark.parametrize("metric", ["loss", "inertia"])
def test_worst_case_is_at_least_the_exact_quadratic_bound(method, metric):
    r = worst_case_rate(method, mu=1, smoothness=25, iterations=3, metric=metric)
    assert r.worst_case >= float(r.quadratic_lower_bound) * (1 - REL)
    assert r.primal <= r.worst_case + REL * r.worst_case
    assert not any("inaccurate" in n for n in r.notes)


def test_lessard_parameters_make_the_ratio_exceed_one():
    """μ = 1, ℓ = 25, α = 1/9, β = 4/9: the worst case grows, and a quadratic alone proves it
    (exact rational above 1)."""
    r = worst_case_rate("heavy-ball", mu=1, smoothness=25, lr="1/9", momentum="4/9", iterations=5)
    assert r.quadratic_lower_bound > 1 and r.worst_case > 1
    assert r.quadratic_lower_bound == max(
        quadratic_ratio("heavy-ball", lam, F(1, 9), F(4, 9), 5, "loss")
        for lam in (F(1) + F(24 * k, 63) for k in range(64)))


@pytest.mark.parametrize("mu", ["1/4", "1/10"])
def test_heavy_ball_ode_lyapunov_rate_is_sqrt_mu(mu):
    """PEPit's accelerated gradient flow example: with γ = 2√μ, dV/dt <= -√μ V is tight over
    μ-strongly convex losses (Wilson, Recht, Jordan); V = I - L* has no exponential rate
    (dI/dt = 0 at rest), so its worst case is 0 (to the solver's 1e-6)."""
    root = float(F(mu)) ** 0.5
    r = worst_case_rate("heavy-ball-ode", mu=mu, smoothness=1, metric="lyapunov")
    assert r.worst_case == pytest.approx(-root, rel=REL)
    r = worst_case_rate("heavy-ball-ode", mu=mu, smoothness=1, metric="inertia")
    assert abs(r.worst_case) < 1e-6


def test_quadratic_ratio_by_hand():
    # Heavy ball on x²/2 (λ = 1) from θ_0 = θ_-1 = 1, α = 1/2, β = 1/4: θ_1 = 1/2,
    # θ_2 = 1/2 - 1/4 + (1/4)(1/2 - 1) = 1/8; inertia ratio (θ_2² + (θ_2 - θ_1)²/α)/1.
    assert quadratic_ratio("heavy-ball", F(1), F(1, 2), F(1, 4), 2, "loss") == F(1, 64)
    assert quadratic_ratio("heavy-ball", F(1), F(1, 2), F(1, 4), 2, "inertia") == \
        F(1, 64) + F(9, 64) * 2


@pytest.mark.parametrize("kwargs, argument", [
    ({"mu": 2, "smoothness": 1}, "mu"),
    ({"mu": -1, "smoothness": 1}, "mu"),
    ({"mu": 1, "smoothness": 0}, "smoothness"),
    ({"mu": 1, "smoothness": 2, "iterations": 0}, "iterations"),
    ({"mu": 1, "smoothness": 2, "momentum": 1}, "momentum"),
    ({"mu": 1, "smoothness": 2, "lr": "x"}, "lr"),
    ({"mu": 1, "smoothness": 2, "metric": "speed"}, "metric"),
])
def test_bad_input_names_the_argument(kwargs, argument):
    with pytest.raises(InvalidArgument) as exc:
        worst_case_rate("heavy-ball", **kwargs)
    assert exc.value.argument == argument
    with pytest.raises(InvalidArgument, match="method"):
        worst_case_rate("adam", mu=1, smoothness=2)


def test_cli(capsys):
    assert main(["rate", "--method", "gradient-descent", "--mu", "1", "--smoothness", "10",
                 "--gamma", "1/10", "--steps", "2", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["verdict"] == "computed" and payload["steps"] == 2
    assert payload["worst_case"] == pytest.approx(0.9 ** 4, rel=REL)
    assert (payload["lr"], payload["lr_exact"]) == (0.1, "1/10")
    assert "absolute_gap" in payload["solver_accuracy"]
    assert main(["rate", "--method", "nesterov", "--mu", "5", "--smoothness", "1"]) == 2
    assert "--mu" in capsys.readouterr().err
    assert main(["rate", "--method", "heavy-ball-ode", "--mu", "1/4", "--smoothness", "1",
                 "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["metric"] == "lyapunov" and payload["worst_case"] == pytest.approx(-0.5, rel=REL)
    assert main(["rate", "--method", "heavy-ball", "--steps", "x"]) == 2
    assert "--steps" in capsys.readouterr().err
