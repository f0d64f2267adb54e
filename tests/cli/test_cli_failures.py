"""Failures are answers (issue 10, section 5): what a new user mistypes or overreaches gets a clear
message and the exit status the README states (2 for bad input, naming the argument, the value
and the fix), never a Python traceback."""

import io
import json
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument, simulate
from inertia_verify.cli import EXIT_CLOSED_PIPE, main
from inertia_verify.cli._common import jsonable, write_json
from inertia_verify.numeric import _simulate
from inertia_verify.numeric._grid import step_count
from inertia_verify.numeric._simulate import memory_estimate


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


HARMONIC = ("--loss", "x**2/2", "--vars", "x", "--theta0", "1", "--v0", "0")


# -- a diverged run prints one valid JSON object ---------------------------------------------------
def test_diverged_run_prints_one_valid_json_object(capsys):
    status, out, err = run(capsys, "simulate", "--loss", "exp(x**2)", "--vars", "x", "--theta0",
                           "3", "--v0", "0", "--t-end", "5", "--dt", "0.1", "--json", "--strict")
    assert status == 1  # a diverged verdict under --strict (0 without it: the command ran)
    # the whole output is one object, with no NaN/Infinity literals (not JSON)
    payload = json.loads(out, parse_constant=lambda name: pytest.fail(f"{name} in the JSON"))
    assert payload["verdict"] == "diverged" and payload["diverged"] is True
    assert payload["inertia_final_mean"] is None


def test_json_writer_turns_non_finite_numbers_into_null():
    payload = {"a": float("inf"), "b": [1.0, float("nan"), -float("inf")],
               "c": np.float64("nan"), "d": np.array([1.5, np.inf]), "e": np.int64(3),
               "f": (True, None), 7: "seven"}
    assert jsonable(payload) == {"a": None, "b": [1.0, None, None], "c": None,
                                 "d": [1.5, None], "e": 3, "f": [True, None], "7": "seven"}
    stream = io.StringIO()
    write_json(payload, stream)
    assert json.loads(stream.getvalue())["d"] == [1.5, None]


def test_every_command_json_goes_through_the_sanitising_writer(capsys, monkeypatch):
    # A command whose payload holds an infinity: main, not the command, makes it valid JSON.
    from inertia_verify.cli import _cmd_oscillator

    monkeypatch.setattr(_cmd_oscillator, "run",
                        lambda args: ({"decay_rate": float("inf")}, "text", 0))
    status, out, _ = run(capsys, "oscillator", "--omega", "1", "--gamma", "0", "--t", "1",
                         "--json")
    assert status == 0 and json.loads(out) == {"decay_rate": None, "warnings": []}


# -- too few steps for the convergence check -----------------------------------------------------
@pytest.mark.parametrize("dt", ["1", "0.5", "0.4"])
def test_too_few_steps_for_the_cross_check_are_refused(capsys, dt):
    # dt = 1 over [0, 1] used to run dt, 2dt, 4dt as one step each and end in a LAPACK error.
    status, out, err = run(capsys, "simulate", *HARMONIC, "--t-end", "1", "--dt", dt)
    assert status == 2 and out == ""
    assert "'--dt'" in err and "at least 4 steps" in err and "--dt 0.25 or smaller" in err


def test_four_steps_are_enough(capsys):
    status, out, _ = run(capsys, "simulate", *HARMONIC, "--t-end", "1", "--dt", "0.25", "--json")
    payload = json.loads(out)
    assert status in (0, 1) and payload["steps"] == 4


# -- a closed pipe --------------------------------------------------------------------------------
def test_closed_stdout_pipe_exits_quietly():
    # As `inertia-verify derive ... --json | head -0`: the reader is gone before the output.
    child = subprocess.Popen([sys.executable, "-m", "inertia_verify", "derive", "--loss", "x**2",
                              "--vars", "x", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdout.close()  # long before the child has imported SymPy and written anything
    err = child.stderr.read().decode()
    child.stderr.close()
    assert child.wait(timeout=120) == EXIT_CLOSED_PIPE == 141
    # no traceback, no "Exception ignored ... BrokenPipeError" at the interpreter's exit
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err


def test_broken_pipe_in_process(monkeypatch):
    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["oscillator", "--omega", "1", "--gamma", "0", "--t", "1", "--json"]) == 141


# -- negative numbers, vectors and matrices as option values ------------------------------------
@pytest.mark.parametrize("theta0", [["--theta0", "-1,0.5"], ["--theta0=-1,0.5"]])
def test_negative_vector_values(capsys, theta0):
    status, out, _ = run(capsys, "simulate", "--loss", "x**2/2 + y**2/2", "--vars", "x,y",
                         *theta0, "--v0", "-.5,0", "--t-end", "1", "--dt", "0.1",
                         "--damping", "[[1,0],[0,2]]", "--json")
    payload = json.loads(out)
    assert status == 0 and payload["verdict"] == "agrees"
    assert payload["inertia_initial_mean"] == pytest.approx(0.5 + 0.125 + 0.125)


def test_negative_values_for_every_kind_of_option(capsys):
    status, out, _ = run(capsys, "quadratic", "--hessian", "[[1,0],[0,4]]", "--damping",
                         "[[-1,0],[0,1]]", "--theta0", "-1,-2", "--v0", "-0.5,0", "--t", "0",
                         "--json")
    assert status == 0
    assert json.loads(out)["inertia"] == pytest.approx(0.125 + 0.5 + 8)
    status, out, _ = run(capsys, "oscillator", "--omega", "1", "--gamma", "0", "--theta0",
                         "-1", "--v0", "-.5", "--t", "0", "--json")
    assert status == 0 and json.loads(out)["inertia"] == pytest.approx(0.5 + 0.125)
    # a negative value that is then refused is refused by the command, naming the option
    status, _, err = run(capsys, "simulate", *HARMONIC, "--t-end", "1", "--dt", "-0.1")
    assert status == 2 and "'--dt' = '-0.1': must be positive" in err
    status, _, err = run(capsys, "simulate", *HARMONIC, "--t-end", "1", "--dt", "0.1",
                         "--spread", "-0.1")
    assert status == 2 and "--spread" in err
    status, _, err = run(capsys, "simulate", "--loss", "a*x**2/2", "--vars", "x", "--theta0",
                         "1", "--v0", "0", "--t-end", "1", "--dt", "0.1", "--values", "a=-1")
    assert status in (0, 1) and "expected one argument" not in err
    status, out, _ = run(capsys, "derive", "--loss", "-x**2", "--vars", "x", "--damping",
                         "-0.5", "--json")
    assert status == 0 and json.loads(out)["conserved"] is False
    status, _, err = run(capsys, "laws", "check", "--model", "linear", "--widths", "2,2",
                         "--flow", "momentum", "--tau", "-1", "--law", "-U1_0_0")
    assert status in (1, 2) and "expected one argument" not in err


def test_a_flag_followed_by_a_negative_number_is_still_an_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["derive", "--loss", "x**2", "--vars", "x", "--json", "-1"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: -1" in capsys.readouterr().err


# -- memory: refused up front, chunks bound the working set ----------------------------------------
def test_memory_estimate_grows_with_paths_and_record():
    small = memory_estimate(1000, 1, 100)
    assert memory_estimate(2000, 1, 100) > small
    assert memory_estimate(1000, 1, 100, keep_states=True) > small
    assert memory_estimate(1000, 1, 100, runs=3) > 3 * small - 1
    # the run of the issue: 10⁸ paths, three runs (dt, 2dt, 4dt), at least two snapshots each
    assert memory_estimate(10**8, 1, 50, runs=3) > 3 * 2 * 2 * 8 * 10**8


def test_huge_deterministic_ensemble_is_refused_before_allocating(capsys, monkeypatch):
    monkeypatch.setattr(_simulate, "available_memory", lambda: 2**30)  # a 1 GiB machine
    status, out, err = run(capsys, "simulate", *HARMONIC, "--t-end", "100", "--dt", "0.01",
                           "--paths", "100000000")
    assert status == 2 and out == ""
    assert "'--paths' = 100000000" in err and "GiB" in err and "1 GiB available" in err
    assert "use at most about" in err
    with pytest.raises(InvalidArgument, match="paths.*GiB"):
        simulate(Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], 1.0, 0.1, paths=10**8)


def test_unknown_available_memory_does_not_refuse(monkeypatch):
    monkeypatch.setattr(_simulate, "available_memory", lambda: None)
    run_ = simulate(Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], 1.0, 0.1, paths=3)
    assert run_.paths == 3


def test_chunks_do_not_change_the_numbers():
    dyn = Dynamics.from_text("x**4/4 - x**2/2 + y**2", "x,y", damping="[[0.2,0],[0,0.1]]")
    args = ([1.0, 0.5], [0.0, 0.3], 2.0, 0.01)
    whole = simulate(dyn, *args, scheme="rk4", paths=23, spread=0.1, seed=5)
    chunked = simulate(dyn, *args, scheme="rk4", paths=23, spread=0.1, seed=5, chunk_paths=5)
    np.testing.assert_array_equal(chunked.inertia, whole.inertia)
    np.testing.assert_array_equal(chunked.balance, whole.balance)
    np.testing.assert_array_equal(chunked.final_theta, whole.final_theta)
    assert chunked.quadrature_correction == whole.quadrature_correction


def test_chunked_divergence_is_the_earliest():
    dyn = Dynamics.from_text("exp(x**2)", "x")
    theta0 = np.array([[0.1], [0.1], [0.1], [3.0], [0.1]])  # only path 3 blows up
    whole = simulate(dyn, theta0, [0.0], 5.0, 0.1, paths=5, check_stability=False)
    chunked = simulate(dyn, theta0, [0.0], 5.0, 0.1, paths=5, chunk_paths=2,
                       check_stability=False)
    assert whole.diverged and chunked.diverged
    assert chunked.divergence.step == whole.divergence.step
    assert "paths 2–3" in chunked.divergence.detail
    assert chunked.inertia.shape == whole.inertia.shape


def test_progress_bar_only_when_asked_and_not_for_short_runs(capsys):
    from inertia_verify._progress import Progress, default_progress, progress_default

    dyn = Dynamics.from_text("x**2/2", "x")
    simulate(dyn, [1.0], [0.0], 1.0, 0.1, paths=4)
    assert capsys.readouterr().err == ""  # the library is silent by default
    out = io.StringIO()
    with Progress(10, "slow", enabled=True, stream=out, delay=60) as bar:
        bar.advance(10)
    assert out.getvalue() == ""  # done before the delay: no trace, not even a newline
    with progress_default(None):
        assert default_progress() is None
    assert default_progress() is False


# -- one step rule ---------------------------------------------------------------------------------
def test_step_rule():
    assert step_count(1.0, 0.1) == (10, pytest.approx(0.1, rel=1e-15))
    assert step_count(1.0, 1 / 3) == (3, pytest.approx(1 / 3))  # within 1e-9: whole
    steps, used = step_count(1.0, 0.3)
    assert steps == 4 and used == 0.25  # never a larger step than asked
    assert step_count(3.0, 0.5, t0=1.0) == (4, 0.5)
    with pytest.raises(InvalidArgument, match="'--dt'.*must be positive"):
        step_count(1.0, 0.0, names=("--t-end", "--dt", "--t0"))
    with pytest.raises(InvalidArgument, match="t_end.*after t0"):
        step_count(1.0, 0.1, t0=2.0)
    with pytest.raises(InvalidArgument, match="more than"):
        step_count(1e12, 1e-3)
    run_ = simulate(Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], 1.0, 0.3)
    assert (run_.steps, run_.dt, run_.dt_requested, run_.dt_adjusted) == (4, 0.25, 0.3, True)
    assert "dt 0.3 asked for does not divide" in str(run_)


@pytest.mark.parametrize("noise", [[], ["--noise", "0.1", "--damping", "1", "--paths", "20"]])
def test_one_step_rule_on_both_paths_of_simulate(capsys, noise):
    # The deterministic path used to change dt silently and the noisy one to refuse it.
    status, out, err = run(capsys, "simulate", *HARMONIC, "--t-end", "1", "--dt", "0.3",
                           *noise, "--json")
    payload = json.loads(out)
    assert status == 0 and payload["steps"] == 4
    assert payload["dt"] == pytest.approx(0.25) and payload["dt_requested"] == 0.3
    warning = "--dt 0.3 does not divide --t-end - --t0 = 1: 4 steps of dt = 0.25 are used"
    assert f"inertia-verify simulate: warning: {warning}" in err
    assert any(w.startswith(warning) for w in payload["warnings"])


# -- a misspelt coordinate -------------------------------------------------------------------------
def test_unused_coordinate_is_a_warning_line_and_in_the_json(capsys):
    status, out, err = run(capsys, "derive", "--loss", "x**2 + y**2", "--vars", "x,z")
    assert status == 0
    lines = [line for line in err.splitlines() if "warning" in line]
    assert len(lines) == 1 and lines[0].startswith("inertia-verify derive: warning: coordinate z")
    assert "y was taken as a parameter" in lines[0]
    status, out, err = run(capsys, "derive", "--loss", "x**2 + y**2", "--vars", "x,z", "--json")
    assert any("coordinate z" in w for w in json.loads(out)["warnings"])
    status, out, err = run(capsys, "derive", "--loss", "x**2 + y**2", "--vars", "x,y", "--json")
    assert err == "" and json.loads(out)["warnings"] == []


# -- a user claim that cannot be checked ----------------------------------------------------------
CLAIMS = textwrap.dedent('''
    from inertia_verify.catalogue import Claim, Outcome

    def boom():
        raise ZeroDivisionError("division by zero")

    def bare_refutation():
        return Outcome("refuted", ["it is false"])

    def fine():
        return Outcome("proved", ["trivially"])

    CLAIMS = [Claim(id="mine/boom", paper="p", statement="s", check=boom),
              Claim(id="mine/bare", paper="p", statement="s", check=bare_refutation),
              Claim(id="mine/fine", paper="p", statement="s", check=fine)]
''')


def test_a_broken_user_claim_is_its_own_row(tmp_path, capsys):
    (tmp_path / "mine.py").write_text(CLAIMS)
    (tmp_path / "broken.py").write_text("raise RuntimeError('oops')\n")
    status, out, err = run(capsys, "prove", "mine/*", "--path", str(tmp_path), "--json")
    document = json.loads(out)
    rows = {r["id"]: r for r in document["claims"]}
    assert status == 3 and document["verdict"] == "error"  # could not be checked: internal error
    assert rows["mine/fine"]["verdict"] == "proved"
    assert rows["mine/boom"]["verdict"] == "error"
    assert "ZeroDivisionError: division by zero (at mine.py, line 5)" in rows["mine/boom"]["error"]
    assert rows["mine/bare"]["verdict"] == "error"
    assert "corrected statement" in rows["mine/bare"]["error"]
    broken = next(r for r in rows.values() if r["id"].endswith("broken.py"))
    assert broken["verdict"] == "error" and "RuntimeError('oops')" in broken["error"]
    status, out, err = run(capsys, "prove", "mine/*", "--path", str(tmp_path))
    assert status == 3
    assert "1 proved, " in out and "3 could not be checked (4 claims)" in out
    assert "error: mine/boom: claim 'mine/boom': its check() raised ZeroDivisionError" in out
