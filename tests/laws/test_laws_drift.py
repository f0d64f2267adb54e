"""Drift of laws under discrete steps: first order in τ at fixed time, under the bound; a
quantity that is not a law does not shrink with τ."""

import pytest

from inertia_verify import InvalidArgument
from inertia_verify.laws import deep_linear, known_laws, law_drift

STEPS = [0.04, 0.02, 0.01]


def test_a_law_drifts_first_order_under_gd():
    m = deep_linear([2, 2, 2])
    run = law_drift(m, known_laws(m), STEPS)
    # Deterministic: only the O(τ) change of the trajectory bends the line (measured < 0.01).
    assert abs(run.slope - 1) < 0.05
    assert all(0 < d <= b for d, b in zip(run.drift, run.bound))


def test_a_fixed_number_of_steps_drifts_second_order():
    m = deep_linear([2, 2, 2])
    run = law_drift(m, known_laws(m), STEPS, iterations=3)
    # The gradients move by O(3τ) ≤ 0.12 over the run: a few percent off slope 2.
    assert abs(run.slope - 2) < 0.1 and run.iterations == 3


def test_a_non_law_does_not_shrink_with_the_step():
    m = deep_linear([2, 2, 2])
    run = law_drift(m, [m.parameters[0] ** 2], STEPS)  # not conserved: moves O(1) in time T
    assert abs(run.slope) < 0.2
    assert run.drift[-1] > run.bound[-1]  # the second-order bound is for laws only


def test_bad_arguments():
    m = deep_linear([1, 1, 1])
    u = m.parameters[0]
    with pytest.raises(InvalidArgument, match="degree <= 2"):
        law_drift(m, [u ** 3], STEPS)
    with pytest.raises(InvalidArgument, match="positive numbers"):
        law_drift(m, known_laws(m), [0.1, -1])
    with pytest.raises(InvalidArgument, match="positive integer"):
        law_drift(m, known_laws(m), STEPS, iterations=0)
    with pytest.raises(InvalidArgument, match="is empty"):
        law_drift(m, [], STEPS)
