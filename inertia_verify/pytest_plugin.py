"""A pytest plugin: the assertions of :mod:`inertia_verify.testing` as fixtures.

Installed packages register it through the ``pytest11`` entry point, so a test can ask for the
assertion it needs by name without importing anything::

    def test_inertia(assert_conserved):
        from inertia_verify import Dynamics
        assert_conserved(Dynamics.from_text("x**4 - x**2", "x"))

Without the entry point, enable it with ``pytest -p inertia_verify.pytest_plugin`` or
``pytest_plugins = ["inertia_verify.pytest_plugin"]`` in the top-level ``conftest.py``.
"""

from __future__ import annotations

import pytest

from . import testing

__all__ = ["assert_conserved", "assert_rate", "assert_claim"]


@pytest.fixture
def assert_conserved():
    """:func:`inertia_verify.testing.assert_conserved`."""
    return testing.assert_conserved


@pytest.fixture
def assert_rate():
    """:func:`inertia_verify.testing.assert_rate`."""
    return testing.assert_rate


@pytest.fixture
def assert_claim():
    """:func:`inertia_verify.testing.assert_claim`."""
    return testing.assert_claim
