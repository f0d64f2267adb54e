"""The toolkit's exceptions.

Every error raised because of what a caller passed in is an :class:`InvalidArgument`: it names the
argument, shows the offending value and says what to do instead.  It subclasses ``ValueError`` so
callers can catch either.  Doubts that are not errors (input that is legal but probably not what was
meant) are warnings of the class :class:`InertiaVerifyWarning`; the command line prints each as one
``warning:`` line on stderr.
"""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["InertiaVerifyError", "InvalidArgument", "MissingExtra", "require_extra",
           "SimulationDiverged", "WorkerLost", "InertiaVerifyWarning", "UnusedCoordinateWarning"]


class InertiaVerifyError(Exception):
    """Base class of every error this package raises on purpose.

    Examples
    --------
    >>> from inertia_verify import Dynamics
    >>> try:
    ...     Dynamics.from_text("x**2", "x", damping="-")
    ... except InertiaVerifyError as err:
    ...     type(err).__name__
    'InvalidArgument'
    """


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

    def __reduce__(self):
        # Rebuilt from its fields (a worker process sends it pickled), not from the message.
        return type(self), (self.argument, self.value, self.problem, self.fix)

    def renamed(self, mapping: dict[str, str]) -> InvalidArgument:
        """The same error under the caller's name for the argument (e.g. ``loss`` → ``--loss``)."""
        if self.argument not in mapping:
            return self
        return InvalidArgument(mapping[self.argument], self.value, self.problem, self.fix)


class MissingExtra(InvalidArgument, ImportError):
    """An optional dependency a feature needs is not installed; the message names the extra of
    the package that installs it.  It subclasses :class:`InvalidArgument` (the argument that asked
    for the feature, where there is one: ``backend='jax'``) and ``ImportError``, so callers can
    catch either; the command line prints it as one line and exits with status 2.

    Parameters
    ----------
    module : str
        The module that could not be imported (``"jax"``).
    extra : str
        The extra of ``inertia-verify`` that installs it (``"jax"``).
    argument : str, optional
        The argument that asked for the feature; without one the message says "this feature".
    value : object, optional
        That argument's value.

    Examples
    --------
    >>> print(MissingExtra("PEPit", "inequalities"))
    PEPit is needed for this feature, and it is not installed; install it with: pip install "inertia-verify[inequalities]"
    >>> print(MissingExtra("jax", "jax", argument="backend", value="jax"))
    argument 'backend' = 'jax': needs jax, which is not installed; install it with: pip install "inertia-verify[jax]"
    """

    def __init__(self, module: str, extra: str, argument: str | None = None,
                 value: object = None):
        self.module, self.extra = module, extra
        fix = f'install it with: pip install "inertia-verify[{extra}]"'
        super().__init__(argument or "", value, f"needs {module}, which is not installed", fix)
        if argument is None:
            # No argument to name: the message is about the feature.
            Exception.__init__(self, f"{module} is needed for this feature, and it is not "
                                     f"installed; {fix}")

    def __reduce__(self):
        return type(self), (self.module, self.extra, self.argument or None, self.value)


def require_extra(module: str, extra: str, *, argument: str | None = None,
                  value: object = None):
    """Import ``module``, an optional dependency, or raise :class:`MissingExtra` naming ``extra``.

    The one place where the package imports what its extras install (plotting, torch, jax, dask,
    the inequality solvers), so that every missing one is reported the same way.

    Parameters
    ----------
    module : str
        The dotted module name (``"jax.numpy"``).
    extra : str
        The extra of ``inertia-verify`` that installs it.
    argument, value : optional
        The argument (and its value) that asked for the feature, named in the error.

    Returns
    -------
    module
        The imported module.

    Raises
    ------
    MissingExtra
        When the module cannot be imported.

    Examples
    --------
    >>> require_extra("math", "none").sqrt(4.0)
    2.0
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(module, extra, argument, value) from exc


class SimulationDiverged(InertiaVerifyError, ArithmeticError):
    """A simulation produced NaN or Inf, or ran past a scheme's stability limit.

    Examples
    --------
    >>> issubclass(SimulationDiverged, ArithmeticError)
    True
    """


class WorkerLost(InertiaVerifyError, RuntimeError):
    """A worker process running chunks of an ensemble ended without answering (killed, or out of
    memory); the message names the chunk and the signal or exit code.

    Examples
    --------
    >>> issubclass(WorkerLost, RuntimeError)
    True
    """


class InertiaVerifyWarning(UserWarning):
    """Base class of the warnings this package issues on purpose (legal input that is probably
    not what was meant); silence them with
    ``warnings.simplefilter("ignore", InertiaVerifyWarning)``.

    Examples
    --------
    Turned into errors, they stop a script at the doubtful input:

    >>> import warnings
    >>> from inertia_verify import Dynamics
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", InertiaVerifyWarning)
    ...     Dynamics.from_text("x**2 + y**2", "x,z")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    inertia_verify._errors.UnusedCoordinateWarning: coordinate z does not appear in the loss...
    """


class UnusedCoordinateWarning(InertiaVerifyWarning):
    """A coordinate does not appear in the loss: it moves freely, and a misspelt coordinate name
    otherwise makes a statement about a different system (``x**2 + y**2`` with coordinates
    ``x, z`` is a loss in ``x`` with a parameter ``y``, whose inertia is conserved).

    Examples
    --------
    >>> import warnings
    >>> from inertia_verify import Dynamics
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = Dynamics.from_text("x**2 + y**2", "x,z")
    >>> print(caught[0].message)  # doctest: +ELLIPSIS
    coordinate z does not appear in the loss...
    """


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def warn(message: str, category: type[Warning] = InertiaVerifyWarning) -> None:
    """Issue a warning attributed to the first caller outside this package (so that the
    warning points at the user's line, whichever internal route led to it)."""
    level = 2  # stacklevel 2 is the frame that called warn()
    frame = sys._getframe(1)
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
