"""The exceptions: what they say, what they subclass, and that they survive pickling (an error
raised in a worker process reaches the caller pickled)."""

from __future__ import annotations

import pickle
import sys

import pytest

from inertia_verify import InertiaVerifyError, InvalidArgument, MissingExtra
from inertia_verify._errors import require_extra


def test_invalid_argument_survives_pickling():
    err = InvalidArgument("dt", -0.1, "must be positive", "e.g. dt=0.01")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is InvalidArgument and str(back) == str(err)
    assert (back.argument, back.value, back.problem, back.fix) == ("dt", -0.1, "must be positive",
                                                                   "e.g. dt=0.01")


@pytest.mark.parametrize("argument", [None, "backend"])
def test_missing_extra_is_both_an_argument_error_and_an_import_error(argument):
    err = MissingExtra("jax", "jax", argument, "jax" if argument else None)
    assert isinstance(err, (InvalidArgument, ImportError, InertiaVerifyError))
    assert 'pip install "inertia-verify[jax]"' in str(err)
    assert (f"argument '{argument}' = 'jax'" in str(err)) == (argument is not None)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is MissingExtra and str(back) == str(err)


def test_require_extra_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "not_a_real_module_xyz", None)
    with pytest.raises(MissingExtra, match=r"argument 'scheme' = 'x': needs "
                       r"not_a_real_module_xyz, which is not installed; install it with: "
                       r"pip install \"inertia-verify\[solver\]\"") as info:
        require_extra("not_a_real_module_xyz", "solver", argument="scheme", value="x")
    assert info.value.extra == "solver" and info.value.module == "not_a_real_module_xyz"
    assert require_extra("math", "none").pi > 3
