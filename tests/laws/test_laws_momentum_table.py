"""Momentum against gradient flow on two-layer linear networks (the table of
benchmarks/bench_laws_momentum.py, a few rows): fewer laws, except when over-parameterised."""

import pytest

from inertia_verify.laws import count_laws, deep_linear


@pytest.mark.parametrize("n, r, m, gradient, momentum", [
    (2, 2, 2, 3, 1),   # r(r+1)/2 against r(r−1)/2
    (2, 1, 2, 1, 0),
    (1, 2, 1, 3, 2),   # φ = uᵀv: 2r − 1 against 4r − 6
    (1, 3, 1, 5, 6),   # ... momentum has more laws from r = 3 on
])
def test_momentum_counts(n, r, m, gradient, momentum):
    net = deep_linear([n, r, m])
    assert count_laws(net).n_laws == gradient
    for tau in (1, "3/t"):
        assert count_laws(net, "momentum", tau=tau).n_laws == momentum
