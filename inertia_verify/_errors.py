"""The toolkit's exceptions.

Every error raised because of what a caller passed in is an :class:`InvalidArgument`: it names the
argument, shows the offending value and says what to do instead.  It subclasses ``ValueError`` so
callers can catch either.
"""

from __future__ import annotations

__all__ = ["InertiaVerifyError", "InvalidArgument", "SimulationDiverged"]


class InertiaVerifyError(Exception):
    """Base class of every error this package raises on purpose."""


class InvalidArgument(InertiaVerifyError, ValueError):
    """An argument was rejected.

    Parameters
    ----------
    argument : str
        The name of the argument as the caller knows it (``"loss"``, ``"--damping"``).
    value : object
        The offending value (shown with ``repr``, shortened when long).
    problem : str
        What is wrong with it.
    fix : str, optional
        What to do instead.

    Examples
    --------
    >>> err = InvalidArgument("damping", "[[1, 0]]", "must be a 2x2 matrix", "give one row per coordinate")
    >>> print(err)
    argument 'damping' = '[[1, 0]]': must be a 2x2 matrix; give one row per coordinate
    """

    def __init__(self, argument: str, value: object, problem: str, fix: str | None = None):
        self.argument = argument
        self.value = value
        self.problem = problem
        self.fix = fix
        shown = repr(value)
        if len(shown) > 120:
            shown = shown[:100] + "..." + shown[-10:]
        message = f"argument {argument!r} = {shown}: {problem}"
        if fix:
            message += f"; {fix}"
        super().__init__(message)

    def renamed(self, mapping: dict[str, str]) -> InvalidArgument:
        """The same error under the caller's name for the argument (e.g. ``loss`` → ``--loss``)."""
        if self.argument not in mapping:
            return self
        return InvalidArgument(mapping[self.argument], self.value, self.problem, self.fix)


class SimulationDiverged(InertiaVerifyError, ArithmeticError):
    """A simulation produced NaN or Inf, or ran past a scheme's stability limit."""
