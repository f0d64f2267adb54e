"""Sign-gradient flow laws: exact counts, the |u| − |v| law, and errors."""

import json

import pytest

from inertia_verify import InvalidArgument
from inertia_verify.laws import count_sign_laws, deep_linear


@pytest.mark.parametrize("widths, expected", [((1, 1, 1), 1), ((1, 2, 1), 3), ((1, 1, 1, 1), 2)])
def test_scalar_output_counts_are_exact(widths, expected):
    c = count_sign_laws(deep_linear(list(widths)), seed=4)
    assert c.exact and c.n_laws == expected == c.dimension - 1 and len(c.laws) == expected


def test_no_law_when_the_output_is_a_matrix():
    c = count_sign_laws(deep_linear([2, 2, 2]), seed=5, samples=400)
    assert c.exact and c.rank == c.dimension == 8 and c.n_laws == 0 and not c.laws


def test_the_law_depends_on_the_region():
    # In the quadrant u > 0, v < 0 the law is |u| − |v| too: u + v = |u| − |v| there.
    c = count_sign_laws(deep_linear([1, 1, 1]), point=[2, -3])
    assert [str(h) for h in c.laws] == ["Abs(U1_0_0) - Abs(U2_0_0)"]


def test_too_few_samples_is_not_called_exact():
    # One loss gradient finds one sign vector: rank 1 < D, so the count is only an upper bound.
    c = count_sign_laws(deep_linear([2, 2, 2]), seed=5, samples=1)
    assert c.rank == 1 and c.n_laws == 7 and not c.exact


def test_bad_arguments():
    with pytest.raises(InvalidArgument, match="nonzero integers"):
        count_sign_laws(deep_linear([1, 1, 1]), point=[0, 1])
    with pytest.raises(InvalidArgument, match="positive integer"):
        count_sign_laws(deep_linear([1, 1, 1]), samples=0)


def test_sign_count_through_the_cli(capsys):
    from inertia_verify.cli import main

    status = main(["laws", "count", "--model", "linear", "--widths", "1,1,1", "--flow", "sign",
                   "--json"])
    data = json.loads(capsys.readouterr()[0])
    assert status == 0 and data["flow"] == "sign" and data["n_laws"] == 1
    assert data["evidence"]["exact"] and data["laws"] == ["Abs(U1_0_0) - Abs(U2_0_0)"]
    status = main(["laws", "count", "--model", "linear", "--widths", "1,1,1", "--flow", "sign",
                   "--tau", "1"])
    assert status == 2 and "does not apply to --flow sign" in capsys.readouterr()[1]


def test_a_parameter_phi_ignores_is_a_law():
    from inertia_verify.laws import Model

    # φ = (ab, ab + a) leaves c alone: the flow never moves it, and |c| is the one law.
    c = count_sign_laws(Model.from_text("a, b, c", ["a*b", "a*b + a"]), point=[1, 2, 3])
    assert c.rank == 2 and [str(h) for h in c.laws] == ["Abs(c)"]
