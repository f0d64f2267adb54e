"""The one home of argument checks: what each accepts, and errors that name the argument, show the
value and say what to give instead."""

import math

import numpy as np
import pytest

from inertia_verify import Dynamics, InvalidArgument
from inertia_verify._validation import (as_dynamics, as_nonnegative_real, as_positive_int,
                                        as_positive_real, as_real, as_seed, as_state)


def _error(call, *args, **kwargs) -> InvalidArgument:
    with pytest.raises(InvalidArgument) as info:
        call(*args, **kwargs)
    return info.value


@pytest.mark.parametrize("value", [3, 2.5, np.float32(0.5), np.int64(-4), -1e300])
def test_as_real_accepts_python_and_numpy_scalars(value):
    out = as_real(value, "t0")
    assert type(out) is float and out == float(value)


@pytest.mark.parametrize("value, problem", [
    (True, "must be a real number"), ("1.0", "must be a real number"),
    ([1.0], "must be a real number"), (None, "must be a real number"),
    (math.nan, "must be finite"), (math.inf, "must be finite"), (-np.inf, "must be finite"),
])
def test_as_real_refuses(value, problem):
    err = _error(as_real, value, "t_end", example="t_end=10")
    assert (err.argument, err.problem, err.fix) == ("t_end", problem, "e.g. t_end=10")
    assert err.value is value or (isinstance(value, float) and math.isnan(value))
    assert str(err).startswith("argument 't_end' = ")


def test_positive_and_nonnegative_reals():
    assert as_positive_real(1e-300, "dt") == 1e-300
    assert as_nonnegative_real(0, "spread") == 0.0
    err = _error(as_positive_real, 0.0, "dt", example="dt=0.01")
    assert (err.argument, err.value, err.problem, err.fix) == ("dt", 0.0, "must be positive",
                                                               "e.g. dt=0.01")
    assert _error(as_positive_real, -1, "dt").problem == "must be positive"
    assert _error(as_nonnegative_real, -1e-9, "spread").problem == "must be non-negative"
    assert _error(as_positive_real, math.nan, "dt").problem == "must be finite"


@pytest.mark.parametrize("value", [1, 7, np.int32(3), np.int64(10**12)])
def test_as_positive_int_accepts_integers(value):
    out = as_positive_int(value, "paths")
    assert type(out) is int and out == int(value)


@pytest.mark.parametrize("value, minimum, problem", [
    (0, 1, "must be a positive integer"), (-3, 1, "must be a positive integer"),
    (2.0, 1, "must be a positive integer"), (True, 1, "must be a positive integer"),
    ("5", 1, "must be a positive integer"), (None, 1, "must be a positive integer"),
    (-1, 0, "must be a non-negative integer"), (1, 2, "must be an integer ≥ 2"),
])
def test_as_positive_int_refuses(value, minimum, problem):
    err = _error(as_positive_int, value, "paths", minimum=minimum, example="paths=1000")
    assert (err.argument, err.problem, err.fix) == ("paths", problem, "e.g. paths=1000")
    assert err.value is value


def test_as_positive_int_minimum_zero_accepts_zero():
    assert as_positive_int(0, "seed", minimum=0) == 0


def test_as_seed():
    assert as_seed(None, 12) == 12 and as_seed(0, 12) == 0 and as_seed(np.int64(5), 0) == 5
    err = _error(as_seed, -1, 0)
    assert (err.argument, err.value, err.problem) == ("seed", -1, "must be a non-negative integer")
    assert err.fix == "e.g. seed=0 (the default)"
    assert _error(as_seed, 1.5, 0).problem == "must be a non-negative integer"


def test_as_state_layouts():
    one = as_state([1.0, 2.0], 2, 3, "theta0")
    assert one.shape == (3, 2) and np.array_equal(one, [[1.0, 2.0]] * 3)
    rows = np.arange(6.0).reshape(3, 2)
    assert as_state(rows, 2, 3, "theta0") is rows  # a caller's float array is not copied
    assert as_state(rows, 2, None, "theta0").shape == (3, 2)  # paths taken from the rows
    assert as_state([1.0, 2.0], 2, None, "theta0").shape == (1, 2)
    assert as_state(0.5, 1, 4, "v0").shape == (4, 1)  # a scalar is one coordinate


@pytest.mark.parametrize("value, paths, problem", [
    ([1.0, 2.0, 3.0], 1, "has 3 entries but the system has 2 coordinate(s)"),
    (np.zeros((2, 3)), 2, "must have shape (2,) or (paths, d) = (2, 2)"),
    (np.zeros((4, 2)), 3, "must have shape (2,) or (paths, d) = (3, 2)"),
    (np.zeros((2, 2, 1)), None, "must have shape (2,) or (paths, d) = (1, 2)"),
    ([1.0, np.nan], 1, "contains NaN or Inf"),
    ([[1.0, "a"]], 1, "is not a list of numbers"),
    ("1.0, 2.0", 1, "is text, which is never evaluated"),
])
def test_as_state_refuses(value, paths, problem):
    err = _error(as_state, value, 2, paths, "theta0")
    assert err.argument == "theta0" and err.problem == problem


def test_as_state_refuses_text_even_when_numpy_could_read_it():
    # np.asarray("1.5", dtype=float) is 1.5: text must never become a number behind the caller's
    # back (the old copy in simulate accepted it for d = 1).
    err = _error(as_state, "1.5", 1, 1, "theta0")
    assert err.fix == "give 1 number(s), one per coordinate"


def test_as_dynamics():
    dyn = Dynamics.from_text("x**2/2", "x")
    assert as_dynamics(dyn) is dyn
    err = _error(as_dynamics, "x**2/2")
    assert (err.argument, err.value) == ("dynamics", "x**2/2")
    assert err.problem == "must be a Dynamics, not str"
    assert "Dynamics.from_text" in err.fix
    assert _error(as_dynamics, dyn.loss, "system").argument == "system"


@pytest.mark.parametrize("call", [
    lambda: __import__("inertia_verify").numeric.simulate(
        Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], 1.0, 0.1, paths=0),
    lambda: __import__("inertia_verify").crosscheck(
        Dynamics.from_text("x**2/2", "x"), [1.0], [0.0], 1.0, 0.1, refinements=0),
])
def test_public_functions_report_through_the_same_checks(call):
    err = _error(call)
    assert err.problem == "must be a positive integer"


def test_as_float_takes_numbers_of_any_kind_and_refuses_text_and_bools():
    import numpy as np

    from inertia_verify._validation import as_float

    assert as_float(np.float32(0.25), "loss") == 0.25
    assert as_float(np.array(2.0), "loss") == 2.0
    assert np.isnan(as_float(float("nan"), "loss"))   # a diverged loss is still recorded
    for bad, problem in [("0.5", "not text"), (b"1", "not text"), (True, "must be a number"),
                         ([1.0], "must be a number"), (None, "must be a number")]:
        with pytest.raises(InvalidArgument, match=problem):
            as_float(bad, "lr")
