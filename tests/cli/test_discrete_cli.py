"""``inertia-verify discrete``: the JSON keys of the issue, numbers or symbols for --step, errors."""

import json

import pytest
import sympy

from inertia_verify.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _parse(text, names):
    # Our own trusted output (SymPy strings), not user text.
    return sympy.sympify(text, locals={n: sympy.Symbol(n) for n in names})


def test_heavy_ball_json_reads_off_the_ode(capsys):
    status, out, _ = run(capsys, "discrete", "--scheme", "heavy-ball", "--loss", "x**2/2",
                         "--vars", "x", "--lr", "0.01", "--momentum", "0.9", "--json")
    assert status == 0
    payload = json.loads(out)
    for key in ("scheme", "update", "inertia_change", "modified_energy", "modified_energy_is_invariant",
                "h", "gamma"):
        assert key in payload
    assert payload["scheme"] == "heavy-ball"
    # lr = 0.01, momentum = 0.9: h = √lr = 1/10, γ = (1 - β)/h = 1.
    assert payload["h"] == 0.1 and sympy.Rational(payload["h_exact"]) == sympy.Rational(1, 10)
    assert payload["gamma"] == 1
    # θ' = θ + h v' with v' = 0.9 v - 0.1 x.
    x, vx = sympy.symbols("x v_x")
    assert sympy.expand(_parse(payload["update"]["v_x_next"], ["x", "v_x"]) - (sympy.Rational(9, 10) * vx - x / 10)) == 0
    assert payload["modified_energy_is_invariant"] is False  # damped: no invariant


def test_symplectic_euler_symbolic_step_exact_invariant(capsys):
    status, out, _ = run(capsys, "discrete", "--scheme", "symplectic-euler", "--loss", "x**2/2",
                         "--vars", "x", "--step", "eta", "--json")
    payload = json.loads(out)
    assert payload["modified_energy_is_invariant"] is True
    x, vx, eta = sympy.symbols("x v_x eta")
    energy = _parse(payload["modified_energy"], ["x", "v_x", "eta"])
    assert sympy.expand(energy - (vx**2 / 2 + x**2 / 2 - eta * vx * x / 2)) == 0
    assert payload["inertia_change_leading"]["order"] == 2


def test_non_quadratic_loss_gives_the_series(capsys):
    status, out, _ = run(capsys, "discrete", "--scheme", "symplectic-euler", "--loss", "1 - cos(x)",
                         "--vars", "x", "--order", "1", "--json")
    payload = json.loads(out)
    assert payload["modified_energy_is_invariant"] is False
    assert payload["modified_energy_kind"] == "series"
    # H~_1 = I - (h/2) v·∇L: its per-step change starts at h³.
    assert payload["shadow_energy"]["remainder"]["order"] == 3
    x, vx, h = sympy.symbols("x v_x h")
    energy = _parse(payload["modified_energy"], ["x", "v_x", "h"])
    assert sympy.expand(energy - (vx**2 / 2 + 1 - sympy.cos(x) - h * vx * sympy.sin(x) / 2)) == 0


def test_numeric_step_and_text_output(capsys):
    status, out, _ = run(capsys, "discrete", "--scheme", "symplectic-euler-dk", "--loss",
                         "x**2/2 + y**2", "--vars", "x,y", "--step", "0.1")
    assert status == 0 and "conserves exactly" in out


def test_scheme_choices_are_the_registry():
    from inertia_verify.cli._cmd_discrete import SCHEMES
    from inertia_verify.numeric import FIXED_STEP

    assert tuple(SCHEMES) == tuple(FIXED_STEP)


def test_time_dependent_damping_and_rk4(capsys):
    # A time-dependent damping was refused before the maps were the numeric steppers; the
    # map now depends on t and ΔI starts with the continuous dissipation -γ(t)‖v‖² h.
    status, out, _ = run(capsys, "discrete", "--scheme", "verlet", "--loss", "x**2", "--vars", "x",
                         "--damping", "3/t", "--json")
    assert status == 0
    payload = json.loads(out)
    x, vx, t, h = sympy.symbols("x v_x t h")
    leading = payload["inertia_change_leading"]
    assert leading["order"] == 1
    assert sympy.simplify(_parse(leading["coefficient"], ["v_x", "t"]) + 3 * vx**2 / t) == 0
    assert payload["quadratic_invariant"] is None  # no fixed form for a map that changes with t
    status, out, _ = run(capsys, "discrete", "--scheme", "rk4", "--loss", "x**2/2", "--vars", "x",
                         "--damping", "1", "--step", "0.1", "--json")
    assert status == 0 and json.loads(out)["scheme"] == "rk4"


@pytest.mark.parametrize("argv,flag", [
    (["--scheme", "adam", "--loss", "x**2", "--vars", "x"], "--scheme"),
    (["--scheme", "heavy-ball", "--loss", "x**2", "--vars", "x"], "--lr"),
    (["--scheme", "heavy-ball", "--loss", "x**2", "--vars", "x", "--lr", "0.1"], "--momentum"),
    (["--scheme", "heavy-ball", "--loss", "x**2", "--vars", "x", "--lr", "0.1",
      "--momentum", "1.2"], "--momentum"),
    (["--scheme", "heavy-ball", "--loss", "x**2", "--vars", "x", "--lr", "0.1",
      "--momentum", "0.5", "--damping", "1"], "--lr"),
    (["--scheme", "verlet", "--loss", "x**2", "--vars", "x", "--lr", "0.1",
      "--momentum", "0.5"], "--lr"),
    (["--scheme", "verlet", "--loss", "x**2", "--vars", "x", "--step", "-0.1"], "--step"),
    (["--scheme", "verlet", "--loss", "x**2", "--vars", "x", "--damping", "[[1, 0]]"], "--damping"),
    (["--scheme", "dop853", "--loss", "x**2", "--vars", "x"], "--scheme"),
    (["--scheme", "verlet", "--loss", "__import__('os')", "--vars", "x"], "--loss"),
])
def test_errors_name_the_flag(capsys, argv, flag):
    status, out, err = run(capsys, "discrete", *argv)
    assert status == 2 and out == ""
    assert f"'{flag}'" in err
