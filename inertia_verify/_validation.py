"""Checks of caller arguments: one home, one message per kind of mistake.

Every public function converts its plain arguments here (as SciPy's ``scipy/integrate/_ivp``
does in ``common.py``), so that the same mistake is reported the same way whichever function
received it: an :class:`~inertia_verify.InvalidArgument` naming the argument, showing the value
and saying what to give instead.  Nothing here evaluates text.

The one public layout of states
-------------------------------
An initial position or velocity is either one point, ``(d,)`` (every path starts there), or one
point per path, ``(paths, d)``: a row per path, a column per coordinate, as NumPy users lay out a
batch.  :func:`as_state` is the only reader of that layout.
"""

from __future__ import annotations

import math

import numpy as np

from ._errors import InvalidArgument

__all__ = ["as_real", "as_float", "as_positive_real", "as_nonnegative_real", "as_positive_int", "as_seed",
           "as_paths", "as_state", "as_dynamics"]

_REAL_TYPES = (int, float, np.integer, np.floating)


def _fix(example: str | None) -> str | None:
    return None if example is None else f"e.g. {example}"


def as_real(value: object, argument: str, *, example: str | None = None) -> float:
    """A finite real number given as a Python or NumPy scalar (never text, never a bool).

    Parameters
    ----------
    value : object
        What the caller passed.
    argument : str
        The argument's name, as the caller knows it.
    example : str, optional
        A valid value, shown in the error (``"dt=0.01"``).

    Returns
    -------
    float

    Raises
    ------
    InvalidArgument
        When ``value`` is not a real number, or is NaN or infinite.

    Examples
    --------
    >>> as_real(3, "t_end")
    3.0
    >>> as_real("3", "t_end")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 't_end' = '3': must be a real number
    """
    if isinstance(value, bool) or not isinstance(value, _REAL_TYPES):
        raise InvalidArgument(argument, value, "must be a real number", _fix(example))
    number = float(value)
    if not math.isfinite(number):
        raise InvalidArgument(argument, value, "must be finite", _fix(example))
    return number


def as_float(value: object, argument: str) -> float:
    """A number from anything that converts to ``float`` (a Python or NumPy scalar, a 0-d
    array or tensor), NaN and infinities included (a diverged training loss is still a loss);
    never a bool, never text.

    Parameters
    ----------
    value : object
        What the caller passed.
    argument : str
        The argument's name, as the caller knows it.

    Returns
    -------
    float

    Raises
    ------
    InvalidArgument
        When ``value`` is a bool, text, or does not convert to a float.

    Examples
    --------
    >>> as_float(np.float32(0.5), "loss")
    0.5
    >>> as_float(float("inf"), "loss")
    inf
    >>> as_float("0.5", "lr")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'lr' = '0.5': must be a number, not text
    """
    if isinstance(value, bool):
        raise InvalidArgument(argument, value, "must be a number")
    if isinstance(value, (str, bytes)):
        raise InvalidArgument(argument, value, "must be a number, not text")
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(argument, value, "must be a number") from exc


def as_positive_real(value: object, argument: str, *, example: str | None = None) -> float:
    """A finite real number > 0 (a step, a time span, a tolerance).

    Parameters
    ----------
    value : object
    argument : str
    example : str, optional
        A valid value, shown in the error.

    Returns
    -------
    float

    Examples
    --------
    >>> as_positive_real(0.01, "dt")
    0.01
    >>> as_positive_real(0, "dt", example="dt=0.01")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'dt' = 0: must be positive; e.g. dt=0.01
    """
    number = as_real(value, argument, example=example)
    if not number > 0:
        raise InvalidArgument(argument, value, "must be positive", _fix(example))
    return number


def as_nonnegative_real(value: object, argument: str, *, example: str | None = None) -> float:
    """Like :func:`as_positive_real`, but 0 is allowed (a spread, a floor, a noise level).

    Examples
    --------
    >>> as_nonnegative_real(0, "spread")
    0.0
    >>> as_nonnegative_real(-0.1, "spread")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'spread' = -0.1: must be non-negative
    """
    number = as_real(value, argument, example=example)
    if not number >= 0:
        raise InvalidArgument(argument, value, "must be non-negative", _fix(example))
    return number


def as_positive_int(value: object, argument: str, *, minimum: int = 1,
                    example: str | None = None) -> int:
    """An integer (Python or NumPy, not a bool, not a float) of at least ``minimum``.

    Parameters
    ----------
    value : object
    argument : str
    minimum : int
        The smallest value allowed (1: a count; 0: an index or seed; 2: paths for a variance).
    example : str, optional
        A valid value, shown in the error.

    Returns
    -------
    int

    Examples
    --------
    >>> as_positive_int(1000, "paths")
    1000
    >>> as_positive_int(2.0, "paths", example="paths=1000")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'paths' = 2.0: must be a positive integer; e.g. paths=1000
    >>> as_positive_int(1, "paths", minimum=2)
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'paths' = 1: must be an integer ≥ 2
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        wanted = {1: "a positive integer", 0: "a non-negative integer"}.get(
            minimum, f"an integer ≥ {minimum}")
        raise InvalidArgument(argument, value, f"must be {wanted}", _fix(example))
    return int(value)


def as_seed(seed: object, default: int, argument: str = "seed") -> int:
    """A random seed: a non-negative integer, or ``default`` for ``None``.

    Parameters
    ----------
    seed : int or None
    default : int
        The seed used (and reported) when the caller gives none.
    argument : str

    Returns
    -------
    int

    Examples
    --------
    >>> as_seed(None, 0), as_seed(7, 0)
    (0, 7)
    >>> as_seed(-1, 0)
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'seed' = -1: must be a non-negative integer; e.g. seed=0 (the default)
    """
    if seed is None:
        return default
    return as_positive_int(seed, argument, minimum=0, example=f"{argument}={default} (the default)")


def as_paths(paths: object, theta0: object, v0: object) -> int:
    """The ensemble size: ``paths`` when given, else the leading dimension of a ``(paths, d)``
    initial state (1 when both states are ``(d,)`` vectors).

    Parameters
    ----------
    paths : int or None
    theta0, v0 : array_like
        The initial positions and velocities, ``(d,)`` or ``(paths, d)``.

    Returns
    -------
    int

    Examples
    --------
    >>> as_paths(None, [[1.0], [2.0], [3.0]], [0.0])
    3
    >>> as_paths(None, [1.0], [0.0]), as_paths(5, [1.0], [0.0])
    (1, 5)
    """
    if paths is None:
        stacked = [np.shape(x)[0] for x in (theta0, v0)
                   if not isinstance(x, (str, bytes)) and np.ndim(x) == 2]
        paths = stacked[0] if stacked else 1
    return as_positive_int(paths, "paths", example="paths=1000")


def as_state(value: object, d: int, paths: int | None, argument: str) -> np.ndarray:
    """Positions or velocities in the public layout: ``(d,)`` for one point shared by every path,
    or ``(paths, d)`` for one row per path.

    Parameters
    ----------
    value : array_like
        What the caller passed (a scalar is read as ``(1,)``, so only for ``d = 1``).
    d : int
        The number of coordinates.
    paths : int or None
        The number of paths; ``None`` takes it from a ``(paths, d)`` value (1 for a ``(d,)``
        value).
    argument : str

    Returns
    -------
    ndarray of shape (paths, d), float64
        Finite.  It may share memory with ``value`` (a caller's float array is not copied, and a
        ``(d,)`` value is broadcast, read-only): copy it before writing.

    Raises
    ------
    InvalidArgument
        When ``value`` is not numeric, has another shape, or holds NaN or Inf.

    Examples
    --------
    >>> as_state([1.0, 2.0], 2, 3, "theta0").shape
    (3, 2)
    >>> as_state([[1.0, 2.0], [3.0, 4.0]], 2, None, "theta0").shape
    (2, 2)
    >>> as_state([1.0, 2.0, 3.0], 2, 1, "theta0")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'theta0' = [1.0, 2.0, 3.0]: has 3 entries but the system has 2 coordinate(s); give 2 number(s)
    """
    if isinstance(value, (str, bytes)):
        raise InvalidArgument(argument, value, "is text, which is never evaluated",
                              f"give {d} number(s), one per coordinate")
    try:
        # no copy of a caller's float array: callers copy into their own working layout
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(argument, value, "is not a list of numbers",
                              f"give {d} number(s), one per coordinate") from exc
    if array.ndim == 0:
        array = array.reshape(1)
    if paths is None:
        paths = array.shape[0] if array.ndim == 2 else 1
    if array.ndim == 1:
        if array.shape[0] != d:
            raise InvalidArgument(argument, value, f"has {array.shape[0]} entries but the system "
                                  f"has {d} coordinate(s)", f"give {d} number(s)")
        array = np.broadcast_to(array, (paths, d))
    if array.shape != (paths, d):
        raise InvalidArgument(argument, getattr(value, "shape", value),
                              f"must have shape ({d},) or (paths, d) = ({paths}, {d})")
    if not np.all(np.isfinite(array)):
        raise InvalidArgument(argument, value, "contains NaN or Inf", "give finite numbers")
    return array


def as_dynamics(value: object, argument: str = "dynamics"):
    """A :class:`~inertia_verify.Dynamics`, checked by type (never built from text here).

    Parameters
    ----------
    value : object
    argument : str

    Returns
    -------
    Dynamics
        ``value`` itself.

    Examples
    --------
    >>> as_dynamics("x**2/2")
    Traceback (most recent call last):
    ...
    inertia_verify._errors.InvalidArgument: argument 'dynamics' = 'x**2/2': must be a Dynamics, not str; build one with Dynamics(...) or Dynamics.from_text(...)
    """
    from ._dynamics import Dynamics

    if not isinstance(value, Dynamics):
        raise InvalidArgument(argument, value, f"must be a Dynamics, not {type(value).__name__}",
                              "build one with Dynamics(...) or Dynamics.from_text(...)")
    return value
