"""The command line: JSON shapes, readable text, errors on stderr with a non-zero status."""

import json
import subprocess
import sys

import pytest
import sympy

from inertia_verify.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_derive_json(capsys):
    status, out, _ = run(capsys, "derive", "--loss", "x**4/4 - x**2/2 + a*y**2", "--vars", "x,y",
                         "--json")
    assert status == 0
    payload = json.loads(out)
    assert payload["coordinates"] == ["x", "y"]
    assert payload["velocities"] == ["v_x", "v_y"]
    assert payload["conserved"] is True
    assert sympy.sympify(payload["rate"]) == 0  # our own trusted output, not user text
    x, y, a, vx, vy = sympy.symbols("x y a v_x v_y")
    inertia = sympy.sympify(payload["inertia"])
    assert sympy.expand(inertia - (vx**2 / 2 + vy**2 / 2 + x**4 / 4 - x**2 / 2 + a * y**2)) == 0


def test_derive_damped_matrix_and_mass(capsys):
    status, out, _ = run(capsys, "derive", "--loss", "x**2 + y**2", "--vars", "x,y",
                         "--damping", "[[1,0],[0,2]]", "--json")
    payload = json.loads(out)
    vx, vy = sympy.symbols("v_x v_y")
    assert sympy.expand(sympy.sympify(payload["rate"]) + vx**2 + 2 * vy**2) == 0
    assert payload["conserved"] is False
    status, out, _ = run(capsys, "derive", "--loss", "x**2", "--vars", "x", "--damping", "g",
                         "--mass", "[[2]]", "--kinetic", "identity", "--json")
    assert json.loads(out)["rate_equals_dissipation"]["status"] == "refuted"


def test_derive_text(capsys):
    status, out, _ = run(capsys, "derive", "--loss", "cos(x)", "--vars", "x", "--damping", "3/t")
    assert status == 0 and "dI/dt = -3*v_x**2/t" in out


@pytest.mark.parametrize("argv, fragment", [
    (["derive", "--loss", "__import__('os')", "--vars", "x"], "--loss"),
    (["derive", "--loss", "x**2", "--vars", "x", "--damping", "[[1,0],[0,1]]"], "damping"),
    (["derive", "--loss", "x**2", "--vars", "1x"], "vars"),
    (["derive", "--loss", "10**10**10", "--vars", "x"], "--loss"),
    (["prove", "nobody/nothing"], "not in the catalogue"),
])
def test_errors_go_to_stderr(capsys, argv, fragment):
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert fragment in err and "Traceback" not in err


def test_prove_json(capsys):
    status, out, _ = run(capsys, "prove", "karagoz2025/thm1", "karagoz2025/eq4", "--json")
    document = json.loads(out)
    assert status == 0
    payload = document["claims"]
    # the overall verdict is the worst verdict of the claims (a refutation is a finding: status 0)
    worst = next(v for v in ("error", "refuted", "inconclusive", "verified", "proved")
                 if any(p["verdict"] == v for p in payload))
    assert document["verdict"] == worst and document["warnings"] == []
    assert sum(document["counts"].values()) == len(payload)
    assert [p["id"] for p in payload][:1] == ["karagoz2025/thm1"]
    assert {p["id"] for p in payload} >= {"karagoz2025/eq4", "karagoz2025/eq4-anisotropic"}
    assert all(p["verdict"] in ("proved", "verified", "refuted") and p["evidence"] for p in payload)


def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "inertia_verify", "derive", "--loss", "x**2",
                           "--vars", "x", "--json"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["conserved"] is True
