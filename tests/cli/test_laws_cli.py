"""``inertia-verify laws count|find|check``: JSON fields, exit statuses, errors."""

import json

import pytest

from inertia_verify import parse_expression
from inertia_verify.cli import main


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_count_json(capsys):
    status, out, _ = run(capsys, "laws", "count", "--model", "linear", "--widths", "3,2,4",
                         "--json")
    data = json.loads(out)
    assert status == 0
    assert (data["dimension"], data["lie_rank"], data["n_laws"]) == (14, 11, 3)


def test_count_momentum_dimension_is_2d_plus_1(capsys):
    status, out, _ = run(capsys, "laws", "count", "--model", "relu", "--widths", "2,2,2",
                         "--flow", "momentum", "--tau", "3/t", "--json")
    data = json.loads(out)
    assert data["dimension"] == 17 and data["n_laws"] == 0 and data["tau"] == "3/t"


def test_find_json_laws_parse_and_check(capsys):
    status, out, _ = run(capsys, "laws", "find", "--model", "nmf", "--widths", "2,2,2",
                         "--degree", "1", "--json")
    data = json.loads(out)
    assert status == 0 and data["n_laws"] == 2 and data["complete"]
    for law in data["laws"]:
        parse_expression(law)  # SymPy-parseable by the toolkit's restricted parser
        status, out, _ = run(capsys, "laws", "check", "--model", "nmf", "--widths", "2,2,2",
                             "--law", law, "--json")
        assert status == 0 and json.loads(out)["conserved"] is True


def test_check_refuted_has_counterexample_and_exit_1(capsys):
    status, out, _ = run(capsys, "laws", "check", "--model", "linear", "--widths", "2,2,2",
                         "--law", "U1_0_0**2", "--json", "--strict")
    data = json.loads(out)
    assert status == 1 and data["conserved"] is False  # exit status 1 under --strict
    assert data["verdict"] == "refuted" and data["action"] == "check"
    assert data["counterexample"]["field"].startswith("X_") and data["counterexample"]["point"]
    # Without --strict a refutation is an answer: exit status 0, the same object.
    status, out, _ = run(capsys, "laws", "check", "--model", "linear", "--widths", "2,2,2",
                         "--law", "U1_0_0**2", "--json")
    assert status == 0 and json.loads(out) == data


@pytest.mark.parametrize("action, extra", [("count", []), ("find", ["--degree", "2"]),
                                           ("check", ["--law", "U1_0_0**2 - U2_0_0**2"])])
def test_strict_passes_every_non_negative_verdict(capsys, action, extra):
    # count (computed), find (complete or incomplete: an answer about degrees, not a failure)
    # and a proved check exit 0 even under --strict.
    status, out, err = run(capsys, "laws", action, "--model", "linear", "--widths", "1,1,1",
                           *extra, "--json", "--strict")
    assert status == 0, err
    assert json.loads(out)["verdict"] in ("computed", "complete", "incomplete", "proved")


def test_help_documents_verdicts_and_flow(capsys):
    for action, verdicts in [("count", ["computed"]), ("find", ["complete", "incomplete"]),
                             ("check", ["proved", "numerically verified", "refuted",
                                        "inconclusive"])]:
        with pytest.raises(SystemExit):
            main(["laws", action, "--help"])
        text = " ".join(capsys.readouterr().out.split())
        assert "JSON 'verdict'" in text and all(v in text for v in verdicts)
        options = text[text.index("options:"):]  # past the usage line, which names --flow too
        flow_help = options[options.index("--flow {gradient,momentum"):].split("--tau")[0]
        assert "gradient:" in flow_help and "heavy ball" in flow_help
        flow_all = options[options.index("--flow {"):options.index("--tau T")]
        assert ("sign:" in flow_all) == (action == "count")  # the sign flow: count only


def test_model_file(capsys, tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"parameters": ["a", "b"], "components": ["a*b"]}))
    status, out, _ = run(capsys, "laws", "find", "--model-file", str(path), "--json")
    assert json.loads(out)["laws"] == ["a**2 - b**2"]


@pytest.mark.parametrize("argv, needle", [
    (["--model", "linear", "--widths", "3,0,2"], "'--widths'"),
    (["--model", "relu", "--widths", "3,2"], "at least 3 widths"),
        (["--model", "relu", "--widths", "3,-1,2,2"], "must be positive"),
        (["--model", "relu", "--widths", "20,30,30,30,20"], "more than the limit of 2000000"),
    (["--model", "linear", "--widths", "2,x"], "integers"),
    (["--model", "linear"], "is required"),
    (["--model", "linear", "--widths", "2,2,2", "--flow", "momentum", "--tau", "-1"], "'--tau'"),
    (["--model", "linear", "--widths", "2,2,2", "--tau", "1"], "only momentum"),
])
def test_errors_name_the_flag(capsys, argv, needle):
    status, _, err = run(capsys, "laws", "count", *argv)
    assert status == 2 and needle in err and "Traceback" not in err


def test_check_law_errors(capsys):
    status, _, err = run(capsys, "laws", "check", "--model", "linear", "--widths", "2,2",
                         "--law", "__import__('os')")
    assert status == 2 and "'--law'" in err
    status, _, err = run(capsys, "laws", "check", "--model", "linear", "--widths", "2,2",
                         "--law", "U1_0_0 + t")
    assert status == 2 and "unknown name 't'" in err
