"""SDE schemes and the ensemble driver: declared orders, seeding bit for bit whatever the
chunking, divergence reported as such, Stratonovich handled, clear errors."""


import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify.numeric import compile_sde, simulate_ensemble
from inertia_verify.numeric._grid import BLOCK_PATHS
from inertia_verify.schemes import SDE_SCHEMES, get_sde_scheme

Z = 4.0  # standard errors allowed between a Monte Carlo mean and an exact value


def test_every_scheme_declares_its_orders():
    for scheme in SDE_SCHEMES.values():
        assert scheme.strong_order > 0 and scheme.weak_order >= scheme.strong_order
        assert scheme.stationary_order >= scheme.weak_order - 1e-12 or scheme.name == "baoab"
    assert get_sde_scheme("euler-maruyama").weak_order == 1.0
    assert get_sde_scheme("baoab").weak_order == 2.0


@pytest.mark.parametrize("scheme", sorted(SDE_SCHEMES))
@pytest.mark.parametrize("system", [
    ("x**2/2 + x*y + y**4", "x,y", "[[1, 0.2], [0, 0.5]]", "[[0.3, 0, 0.1], [0, 0.5, 0.2]]"),
    ("x**4/4 - x**2/2", "x", "0.7", "0.9"),
])
def test_same_seed_same_numbers_whatever_the_chunking(scheme, system):
    loss, names, damping, noise = system
    dyn = Dynamics.from_text(loss, names, damping=damping, noise=noise)
    d = dyn.dimension
    paths = 2 * BLOCK_PATHS + 123  # a partial last block
    runs = [simulate_ensemble(dyn, [0.5] * d, [0.0] * d, t_end=0.5, dt=0.025, paths=paths,
                              scheme=scheme, seed=7, records=4, chunk_paths=chunk)
            for chunk in (1, BLOCK_PATHS, 10 * BLOCK_PATHS)]
    for other in runs[1:]:
        for name in runs[0].mean:
            assert np.array_equal(runs[0].mean[name], other.mean[name], equal_nan=True)
            assert np.array_equal(runs[0].stderr[name], other.stderr[name], equal_nan=True)
    different = simulate_ensemble(dyn, [0.5] * d, [0.0] * d, t_end=0.5, dt=0.025, paths=paths,
                                  scheme=scheme, seed=8, records=4)
    assert not np.array_equal(runs[0].mean["inertia"][1:], different.mean["inertia"][1:])


def test_noiseless_paths_are_all_equal():
    dyn = Dynamics.from_text("x**2/2", "x", damping="0.1")
    run = simulate_ensemble(dyn, [1.0], [0.0], t_end=1.0, dt=0.02, paths=100, records=2)
    # Identical paths: the spread is round-off of the block means only.
    assert np.all(run.stderr["inertia"] <= 1e-14 * run.mean["inertia"])


def test_divergence_is_reported_not_averaged():
    # EM on a stiff harmonic loss far beyond its stability limit (h·ω = 50).
    dyn = Dynamics.from_text("2500*x**2/2", "x", damping="1", noise="1")
    for steps in (100, 1000):  # the energy overflows first; later the state itself
        run = simulate_ensemble(dyn, [1.0], [0.0], t_end=float(steps), dt=1.0, paths=50)
        assert run.status == "diverged" and run.diverged_at is not None
    assert run.to_dict()["status"] == "diverged"


def test_stratonovich_multiplicative_noise_is_integrated_in_ito_form():
    """dv = -γ v dt + s v ∘ dW ⇔ dv = (-γ + s²/2) v dt + s v dW, so E[v²] = e^{(2s² - 2γ)t}
    (Itô for v²: drift 2(-γ + s²/2)v² + s²v²).  Read as Itô instead: E[v²] = e^{(s² - 2γ)t}."""
    gamma, s, t_end = 1.0, 0.8, 1.0
    for calculus, rate in (("stratonovich", 2 * s**2 - 2 * gamma), ("ito", s**2 - 2 * gamma)):
        dyn = Dynamics.from_text("0*x", "x", damping=str(gamma), noise=f"{s}*v_x",
                                 calculus=calculus)
        runs = [simulate_ensemble(dyn, [0.0], [1.0], t_end=t_end, dt=t_end / n, paths=20000, seed=s_,
                                  records=1) for n, s_ in ((100, 1), (200, 2))]
        # Richardson over h, h/2 removes Euler–Maruyama's O(h) weak bias.
        mh, m2 = (r.mean["velocity_square"][-1] for r in runs)
        sh, s2 = (r.stderr["velocity_square"][-1] for r in runs)
        estimate, se = 2 * m2 - mh, np.hypot(2 * s2, sh)
        assert abs(estimate - np.exp(rate * t_end)) <= Z * se, (calculus, estimate, se)


def test_ou_propagator_matches_the_closed_form_and_van_loan():
    scalar = compile_sde(Dynamics.from_text("x**2/2", "x", damping="0.7", noise="0.4"))
    E, R = scalar.ou_propagator(0.1)
    assert E == pytest.approx(np.exp(-0.07))
    assert R**2 == pytest.approx(0.16 * (1 - np.exp(-0.14)) / 1.4)
    # The same system written with matrices goes through Van Loan's exponential.
    matrix = compile_sde(Dynamics.from_text("x**2/2", "x", damping="[[0.7]]", noise="[[0.4]]"))
    Em, Rm = matrix.ou_propagator(0.1)
    assert Em[0, 0] == pytest.approx(E, rel=1e-12)
    assert (Rm @ Rm.T)[0, 0] == pytest.approx(R**2, rel=1e-10)
    free = compile_sde(Dynamics.from_text("x**2/2", "x", noise="0.4"))
    assert free.ou_propagator(0.25) == (1.0, pytest.approx(0.4 * 0.5))


def test_progress_bar_goes_to_stderr_only_when_asked(capsys):
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")
    simulate_ensemble(dyn, [0.0], [0.0], t_end=0.1, dt=0.01, paths=10, progress=True)
    assert "euler-maruyama" in capsys.readouterr().err
    simulate_ensemble(dyn, [0.0], [0.0], t_end=0.1, dt=0.01, paths=10, progress=False)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_rendering():
    dyn = Dynamics.from_text("x**2/2", "x", damping="1", noise="1")
    run = simulate_ensemble(dyn, [0.0], [0.0], t_end=0.1, dt=0.01, paths=10, records=2)
    assert "E[I]" in str(run) and "<table>" in run._repr_html_()
    assert "simulate_ensemble(" in run.rerun()


@pytest.mark.parametrize("kwargs, argument", [
    (dict(paths=1), "paths"),
    (dict(dt=0), "dt"),
    (dict(t_end=-1.0), "t_end"),
    (dict(seed=-3), "seed"),
    (dict(scheme="milstein"), "scheme"),
    (dict(theta0=[0.0, 1.0]), "theta0"),
    (dict(v0="0"), "v0"),
    (dict(records=[0, 99]), "records"),
    (dict(values={"gamma": "fast"}), "values"),
])
def test_bad_arguments(kwargs, argument):
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma", noise="1")
    options = dict(theta0=[0.0], v0=[0.0], t_end=1.0, dt=0.1, paths=10,
                   values={"gamma": 1.0})
    options.update(kwargs)
    with pytest.raises(InvalidArgument) as info:
        simulate_ensemble(dyn, options.pop("theta0"), options.pop("v0"), **options)
    assert info.value.argument == argument


@pytest.mark.parametrize("kwargs, fragment", [
    (dict(damping="1/(1+t)", noise="1"), "damping depends on t"),
    (dict(damping="1", noise="x"), "noise depends on the state"),
])
def test_baoab_needs_constant_damping_and_additive_noise(kwargs, fragment):
    dyn = Dynamics.from_text("x**2/2", "x", **kwargs)
    with pytest.raises(InvalidArgument, match=fragment):
        simulate_ensemble(dyn, [0.0], [0.0], t_end=1.0, dt=0.1, paths=10, scheme="baoab")


def test_abstract_loss_cannot_be_simulated():
    with pytest.raises(InvalidArgument, match="abstract"):
        simulate_ensemble(Dynamics.abstract(1, noise=1), [0.0], [0.0], t_end=1.0, dt=0.1,
                          paths=10)
