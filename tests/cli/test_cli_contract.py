"""The command line's contract: one exit-status rule for every command, --version, help on every
option, one spelling per option (old ones warn), errors in command-line language, readable
tables."""

import argparse
import json

import pytest

from inertia_verify import __version__
from inertia_verify.cli import EXIT_STATUS, build_parser, main
from inertia_verify.cli._cmd_prove import display_width, fit


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


REFUTED_CLAIM = '''
from inertia_verify import Claim, Outcome

def refuted():
    return Outcome("refuted", ["at x = 2: 4 != 2"], counterexample={"x": 2},
                   corrected="x**2 = 2*x only at x in {0, 2}")

def fine():
    return Outcome("proved", ["trivially"])

CLAIMS = [Claim(id="mine/refuted", paper="x**2 = 2*x", statement="x**2 = 2*x for every x",
                check=refuted),
          Claim(id="mine/fine", paper="p", statement="θ̈ + γθ̇ = 0", check=fine)]
'''

#: One run per command whose verdict is negative: (argv, verdict).  Each must exit 0 (the command
#: ran) and 1 with --strict.
NEGATIVE = {
    "derive": (["derive", "--loss", "x**2", "--vars", "x", "--damping", "g", "--mass", "[[2]]",
                "--kinetic", "identity"], "refuted"),
    "simulate": (["simulate", "--loss", "x**2/2", "--vars", "x", "--theta0", "1", "--v0", "0",
                  "--t-end", "20", "--dt", "2.5"], "diverged"),
    "inequality": (["inequality", "--expr", "x**4 + y**4 >= x*y", "--vars", "x,y"], "refuted"),
    "laws check": (["laws", "check", "--model", "linear", "--widths", "2,2,2", "--law",
                    "U1_0_0**2"], "refuted"),
    "sweep": (["sweep", "--loss", "exp(x**2)", "--vars", "x", "--damping", "gamma", "--noise",
               "0.5", "--theta0", "3", "--v0", "0", "--t-end", "5", "--dt", "0.1", "--paths",
               "20", "--grid", "gamma=0.5", "--workers", "1"], "diverged"),
}

#: Commands that compute rather than judge: exit 0 even with --strict.
COMPUTING = {
    "oscillator": ["oscillator", "--omega", "1", "--gamma", "1/2", "--t-end", "2"],
    "quadratic": ["quadratic", "--hessian", "[[1,0],[0,2]]", "--theta0", "1,0", "--v0", "0,1",
                  "--t-end", "1"],
    "discrete": ["discrete", "--scheme", "verlet", "--loss", "x**2/2", "--vars", "x"],
}

#: Bad input per command: exit 2, one line on stderr naming the option.
BAD_INPUT = {
    "derive": (["derive", "--loss", "x**", "--vars", "x"], "--loss"),
    "prove": (["prove", "nobody/nothing"], "not in the catalogue"),
    "simulate": (["simulate", "--loss", "x**2", "--vars", "x", "--theta0", "1", "--v0", "0",
                  "--t-end", "1", "--dt", "-1"], "--dt"),
    "oscillator": (["oscillator", "--omega", "-1", "--gamma", "0", "--t-end", "1"], "--omega"),
    "quadratic": (["quadratic", "--hessian", "[[1,0]]", "--theta0", "1", "--v0", "0",
                   "--t-end", "1"], "--hessian"),
    "discrete": (["discrete", "--scheme", "nope", "--loss", "x**2", "--vars", "x"], "--scheme"),
    "inequality": (["inequality", "--expr", "x**2", "--vars", "x"], "--expr"),
    "laws": (["laws", "count", "--model", "linear", "--widths", "a"], "--widths"),
    "figures": (["figures", "--out", "x", "--only", "nope"], "--only"),
}


@pytest.mark.parametrize("command", sorted(NEGATIVE))
def test_negative_verdict_exits_0_and_1_under_strict(capsys, command):
    argv, verdict = NEGATIVE[command]
    status, out, err = run(capsys, *argv, "--json")
    assert status == 0, err
    if verdict is not None:
        assert json.loads(out)["verdict"] == verdict
    status, out, err = run(capsys, *argv, "--json", "--strict")
    assert status == 1, err
    json.loads(out)  # the answer is printed all the same


def test_prove_refuted_exits_0_and_1_under_strict(tmp_path, capsys):
    (tmp_path / "mine.py").write_text(REFUTED_CLAIM, encoding="utf-8")
    argv = ["prove", "mine/*", "--path", str(tmp_path)]
    status, out, _ = run(capsys, *argv, "--json")
    assert status == 0 and json.loads(out)["verdict"] == "refuted"
    status, out, _ = run(capsys, *argv, "--json", "--strict")
    assert status == 1 and json.loads(out)["counts"]["refuted"] == 1


@pytest.mark.parametrize("command", sorted(COMPUTING))
def test_computing_commands_exit_0_even_under_strict(capsys, command):
    status, out, err = run(capsys, *COMPUTING[command], "--json", "--strict")
    assert status == 0, err
    assert json.loads(out)["verdict"] == "computed"


@pytest.mark.parametrize("command", sorted(BAD_INPUT))
def test_bad_input_exits_2_naming_the_option(capsys, command):
    argv, needle = BAD_INPUT[command]
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert needle in err and "Traceback" not in err
    assert err.startswith("inertia-verify ")


def test_argparse_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["derive", "--vars", "x"])  # --loss missing
    assert exc.value.code == 2
    assert "--loss" in capsys.readouterr().err


def test_internal_error_exits_3_without_traceback(capsys, monkeypatch):
    from inertia_verify.cli import _cmd_oscillator

    def broken(args):
        raise RuntimeError("boom")

    monkeypatch.setattr(_cmd_oscillator, "run", broken)
    monkeypatch.delenv("INERTIA_VERIFY_DEBUG", raising=False)
    status, out, err = run(capsys, *COMPUTING["oscillator"])
    assert status == 3 and out == ""
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err
    monkeypatch.setenv("INERTIA_VERIFY_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(COMPUTING["oscillator"])


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"inertia-verify {__version__}"


def _parsers(parser, name="inertia-verify"):
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from _parsers(sub, f"{name} {sub_name}")


#: Options still without help: (command, option).  None left.
PENDING_HELP: set = set()


def test_every_option_has_help_and_the_exit_rule():
    for name, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            command = name.split()[1] if " " in name else ""
            if any((command, option) in PENDING_HELP for option in action.option_strings):
                continue
            assert action.help, f"{name} {action.option_strings or action.dest} has no help"
        if parser.get_default("handler") is not None:
            assert EXIT_STATUS in (parser.epilog or ""), f"{name}: no exit rule in --help"


def test_one_spelling_for_the_final_time(capsys):
    """--t-end everywhere; the old --t of oscillator/quadratic still works, with a warning, and
    is not shown in --help."""
    for argv in COMPUTING["oscillator"], COMPUTING["quadratic"]:
        new = list(argv)
        old = [("--t" if a == "--t-end" else a) for a in argv]
        status, out_new, err = run(capsys, *new, "--json")
        assert status == 0 and err == ""
        status, out_old, err = run(capsys, *old, "--json")
        assert status == 0 and "warning: --t is deprecated" in err
        assert json.loads(out_old)["t_end"] == json.loads(out_new)["t_end"]
        assert json.loads(out_old)["inertia"] == json.loads(out_new)["inertia"]
        status, _, err = run(capsys, *new, "--t", "3")
        assert status == 2 and "--t-end" in err
    for command in ("oscillator", "quadratic"):
        text = _help(command)
        assert "--t-end" in text and "--t T" not in text


def _help(command):
    parser = dict(_parsers(build_parser()))[f"inertia-verify {command}"]
    return parser.format_help()


def test_errors_speak_command_line(capsys):
    status, out, err = run(capsys, "simulate", "--loss", "x**2/2 + a*x", "--vars", "x",
                           "--theta0", "1", "--v0", "0", "--t-end", "1", "--dt", "0.1")
    assert status == 2
    assert "--values a=1.0" in err
    assert "pass values=" not in err and "{" not in err


def test_prove_table_with_combining_characters_and_verbose(tmp_path, capsys):
    # θ̈ is two code points and one column: the columns after it stay aligned.
    assert display_width("θ̈") == 1 and display_width("ab") == 2
    assert display_width(fit("θ̈ + γθ̇ " * 20, 30)) == 30
    (tmp_path / "mine.py").write_text(REFUTED_CLAIM, encoding="utf-8")
    status, out, _ = run(capsys, "prove", "mine/fine", "--path", str(tmp_path))
    assert status == 0
    header, rule, row = out.splitlines()[:3]
    assert display_width(header[:header.index("statement")]) == \
        display_width(row[:row.index("θ̈")])
    assert "(1 claim)" in out and "1 claims" not in out
    status, out, _ = run(capsys, "prove", "mine/*", "--path", str(tmp_path), "--verbose")
    assert "corrected: x**2 = 2*x only at x in {0, 2}" in out
    assert "evidence:  at x = 2: 4 != 2" in out and "(2 claims)" in out
