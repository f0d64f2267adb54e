"""Every command's --json output validates against the JSON Schema shipped with the package, and
keeps the output contract: numbers are numbers (exact values beside them), no SymPy reprs."""

import json
import re

import pytest

jsonschema = pytest.importorskip("jsonschema")

from inertia_verify.cli import SCHEMA_COMMANDS, main, schema  # noqa: E402

USER_CLAIMS = '''
from fractions import Fraction
import sympy
from inertia_verify import Claim, Outcome

def refuted():
    return Outcome("refuted", ["at gamma = 8, omega = 1/3 it fails"],
                   counterexample={"omega": sympy.Rational(1, 3), "gamma": sympy.Integer(8),
                                   "range": sympy.Interval.open(0, 2)},
                   corrected="holds only for gamma < 2*omega")

CLAIMS = [Claim(id="mine/refuted", paper="p", statement="s", check=refuted)]
'''

#: (command, argv) pairs covering each command's branches.
RUNS = [
    ("derive", ["derive", "--loss", "x**4/4 - x**2/2 + a*y**2", "--vars", "x,y"]),
    ("derive", ["derive", "--loss", "x**2/2", "--vars", "x", "--damping", "g"]),
    ("derive", ["derive", "--loss", "x**2/2", "--vars", "x", "--damping", "g", "--noise", "s"]),
    ("derive", ["derive", "--loss", "x**2", "--vars", "x", "--damping", "g", "--mass", "[[2]]",
                "--kinetic", "identity"]),
    ("prove", ["prove", "karagoz2025/thm1"]),
    ("prove", ["prove", "mine/*", "--path", "{tmp}"]),
    ("simulate", ["simulate", "--loss", "x**2/2", "--vars", "x", "--damping", "1", "--theta0",
                  "1", "--v0", "0", "--t-end", "1", "--dt", "0.05"]),
    ("simulate", ["simulate", "--loss", "x**2/2", "--vars", "x", "--theta0", "1", "--v0", "0",
                  "--t-end", "20", "--dt", "2.5"]),
    ("simulate", ["simulate", "--loss", "x**2/2", "--vars", "x", "--damping", "1", "--noise",
                  "0.5", "--theta0", "1", "--v0", "0", "--t-end", "0.5", "--dt", "0.05",
                  "--paths", "200"]),
    ("oscillator", ["oscillator", "--omega", "1", "--gamma", "1/2", "--t-end", "2"]),
    ("oscillator", ["oscillator", "--omega", "sqrt(2)", "--gamma", "2*sqrt(2)", "--t-end", "1/3"]),
    ("oscillator", ["oscillator", "--omega", "1", "--gamma", "4", "--theta0", "-1", "--v0", "2",
                    "--t-end", "0"]),
    ("quadratic", ["quadratic", "--hessian", "[[1,0],[0,4]]", "--damping", "[[0.2,0],[0,0.1]]",
                   "--theta0", "1,1", "--v0", "0,0", "--t-end", "3"]),
    ("discrete", ["discrete", "--scheme", "heavy-ball", "--loss", "x**2/2", "--vars", "x",
                  "--lr", "0.01", "--momentum", "0.9"]),
    ("discrete", ["discrete", "--scheme", "symplectic-euler", "--loss", "x**2/2", "--vars", "x"]),
    ("discrete", ["discrete", "--scheme", "verlet", "--loss", "x**2/2", "--vars", "x",
                  "--step", "0.1"]),
    ("inequality", ["inequality", "--expr", "x**2 + y**2 >= 2*x*y", "--vars", "x,y"]),
    ("inequality", ["inequality", "--expr", "x**4 + y**4 >= x*y", "--vars", "x,y"]),
    ("inequality", ["inequality", "--expr", "x*(1-x) >= 0", "--vars", "x", "--assume",
                    "x >= 0, x <= 1"]),
    ("lyapunov", ["lyapunov", "--loss", "x**2/8", "--vars", "x", "--damping", "1", "--function",
                  "x**2/8 + (x/2 + v_x)**2/2", "--rate", "11/20"]),
    ("lyapunov", ["lyapunov", "--loss", "x**2/8", "--vars", "x", "--damping", "1", "--function",
                  "x**2/8 + (x/2 + v_x)**2/2", "--best-rate"]),
    ("rate", ["rate", "--method", "heavy-ball", "--mu", "1", "--smoothness", "25", "--lr", "1/9",
              "--momentum", "4/9", "--steps", "2"]),
    ("rate", ["rate", "--method", "gradient-descent", "--gamma", "1/25", "--steps", "1",
              "--metric", "inertia"]),
    ("rate", ["rate", "--method", "heavy-ball-ode", "--mu", "1/4", "--smoothness", "1"]),
    ("laws", ["laws", "count", "--model", "linear", "--widths", "2,2,2"]),
    ("laws", ["laws", "count", "--model", "relu", "--widths", "2,2,2", "--flow", "momentum",
              "--tau", "3/t"]),
    ("laws", ["laws", "find", "--model", "linear", "--widths", "1,1,1", "--flow", "momentum",
              "--tau", "1/2", "--degree", "2"]),
    ("laws", ["laws", "find", "--model", "nmf", "--widths", "2,2,2", "--degree", "1"]),
    ("laws", ["laws", "count", "--model", "linear", "--widths", "1,2,1", "--flow", "sign"]),
    ("laws", ["laws", "check", "--model", "linear", "--widths", "1,1,1", "--law",
              "U1_0_0**2 - U2_0_0**2"]),
    ("laws", ["laws", "check", "--model", "linear", "--widths", "1,1,1", "--law", "U1_0_0**2",
              "--flow", "momentum", "--tau", "0.1"]),
    ("sweep", ["sweep", "--loss", "x**2/2", "--vars", "x", "--damping", "gamma", "--noise",
               "0.5", "--theta0", "1", "--v0", "0", "--t-end", "0.5", "--dt", "0.05", "--paths",
               "200", "--grid", "gamma=0.5,1", "--grid", "seed=0,1", "--workers", "1"]),
    ("sweep", ["sweep", "--loss", "exp(x**2)", "--vars", "x", "--damping", "gamma", "--noise",
               "0.5", "--theta0", "3", "--v0", "0", "--t-end", "5", "--dt", "0.1", "--paths",
               "20", "--grid", "gamma=0.5", "--workers", "1"]),
]

#: SymPy constructor spellings that must never reach the JSON.
REPRS = re.compile(r"\b(Matrix|ImmutableMatrix|Interval|Union|FiniteSet|Rational|Integer|Float)\(")
#: A number written as text where a JSON number is due.
NUMERIC_TEXT = re.compile(r"^[+-]?\d+(/\d+|\.\d*)?$")


def _walk(value, path=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(v, f"{path}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, value


def check_contract(payload):
    for path, value in _walk(payload):
        if isinstance(value, str):
            assert not REPRS.search(value), f"SymPy repr at {path}: {value!r}"
    # Every *_exact has its number beside it, and the two agree.
    def pairs(obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                if k.endswith("_exact") and k[:-6] in obj:
                    yield k[:-6], obj[k[:-6]], v
                yield from pairs(v)
        elif isinstance(obj, list):
            for v in obj:
                yield from pairs(v)

    for key, number, exact in pairs(payload):
        if isinstance(exact, str) and "/" in exact and NUMERIC_TEXT.match(exact):
            p, q = exact.split("/")
            assert number == pytest.approx(int(p) / int(q), rel=1e-15), key


@pytest.fixture(scope="module")
def user_claims(tmp_path_factory):
    folder = tmp_path_factory.mktemp("claims")
    (folder / "mine.py").write_text(USER_CLAIMS, encoding="utf-8")
    return folder


@pytest.mark.parametrize("command, argv", RUNS, ids=[" ".join(a[:4]) for _, a in RUNS])
def test_output_validates_against_its_schema(capsys, user_claims, command, argv):
    argv = [a.replace("{tmp}", str(user_claims)) for a in argv]
    status = main(argv + ["--json"])
    out, err = capsys.readouterr()
    assert status in (0, 3), err
    payload = json.loads(out)
    jsonschema.validate(payload, schema(command),
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    check_contract(payload)


def test_every_schema_is_a_valid_schema_with_a_verdict():
    for command in SCHEMA_COMMANDS:
        document = schema(command)
        jsonschema.Draft202012Validator.check_schema(document)
        assert "verdict" in document["required"] and document["properties"]["verdict"]["enum"]


def test_every_schema_command_is_run_here():
    assert {c for c, _ in RUNS} | {"figures"} == set(SCHEMA_COMMANDS)


def test_counterexample_numbers_are_numbers(capsys, user_claims):
    main(["prove", "mine/*", "--path", str(user_claims), "--json"])
    claim = json.loads(capsys.readouterr().out)["claims"][0]
    point = claim["counterexample"]
    assert point["gamma"] == 8 and "gamma_exact" not in point
    assert point["omega"] == pytest.approx(1 / 3) and point["omega_exact"] == "1/3"
    assert point["range"] == "(0, 2)"


def test_discrete_parameters_are_numbers(capsys):
    main(["discrete", "--scheme", "heavy-ball", "--loss", "x**2/2", "--vars", "x", "--lr", "0.01",
          "--momentum", "0.9", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert (payload["lr"], payload["lr_exact"]) == (0.01, "1/100")
    assert (payload["momentum"], payload["momentum_exact"]) == (0.9, "9/10")
    assert payload["gamma"] == 1 and payload["h"] == 0.1
    assert payload["quadratic_invariant"]["proof"]["expression"] == "[[0, 0], [0, 0]]"
    assert payload["quadratic_invariant"]["matrix"][0][0] == pytest.approx(5 / 9)
    assert payload["quadratic_invariant"]["matrix_exact"][0][0] == "5/9"


def test_figures_output_validates(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    status = main(["figures", "--out", str(tmp_path), "--only", "appA-phase-portraits",
                   "--quiet", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert status == 0
    jsonschema.validate(payload, schema("figures"))


def test_laws_and_sweep_verdicts(capsys):
    """The one outcome key of ``laws`` and ``sweep`` on each side of its values, the numbers
    of a ``laws check`` counterexample as numbers, and ``tau`` a number or an expression."""
    def run(*argv):
        main([*argv, "--json"])
        return json.loads(capsys.readouterr().out)

    law = run("laws", "check", "--model", "linear", "--widths", "1,1,1", "--law", "U1_0_0**2",
              "--flow", "momentum", "--tau", "0.1")
    assert law["verdict"] == "refuted" and "status" not in law and law["conserved"] is False
    assert (law["tau"], law["tau_exact"]) == (0.1, "1/10")
    point = law["counterexample"]["point"]
    assert point and all(isinstance(v, (int, float)) for k, v in point.items()
                         if not k.endswith("_exact"))
    assert isinstance(law["counterexample"]["value"], (int, float))
    count = run("laws", "count", "--model", "relu", "--widths", "2,2,2", "--flow", "momentum",
                "--tau", "3/t")
    assert count["verdict"] == "computed" and count["tau"] == "3/t" and "tau_exact" not in count
    # Degree 1 finds no law of the two-layer linear network (its laws U^T U - V^T V are
    # quadratic), so fewer than the count: incomplete; degree 2 finds them all.
    assert run("laws", "find", "--model", "linear", "--widths", "2,2,2", "--degree",
               "1")["verdict"] == "incomplete"
    assert run("laws", "find", "--model", "linear", "--widths", "2,2,2", "--degree",
               "2")["verdict"] == "complete"
    base = ["sweep", "--vars", "x", "--damping", "gamma", "--noise", "0.5", "--v0", "0",
            "--dt", "0.1", "--paths", "20", "--grid", "gamma=0.5", "--workers", "1"]
    assert run(*base, "--loss", "x**2/2", "--theta0", "1", "--t-end",
               "0.5")["verdict"] == "estimated"
    assert run(*base, "--loss", "exp(x**2)", "--theta0", "3", "--t-end",
               "5")["verdict"] == "diverged"
