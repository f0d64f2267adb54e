"""What a system is: coordinates, loss, damping, mass and noise.

A :class:`Dynamics` describes the second-order flow

.. math:: \\ddot\\theta + \\Gamma(t)\\,\\dot\\theta + M^{-1}\\nabla L(\\theta) = 0,
          \\qquad \\theta \\in \\mathbb{R}^d,

written as the first-order system :math:`\\dot\\theta = v`, :math:`\\dot v = a(t, \\theta, v)`.
With noise it is the stochastic differential equation

.. math:: d\\theta = v\\,dt,\\qquad dv = a(t, \\theta, v)\\,dt + \\Sigma(t, \\theta, v)\\,dW_t,

:math:`W` an :math:`m`-dimensional Wiener process, read in the Itô sense by default or in the
Stratonovich sense (``calculus="stratonovich"``, :math:`\\Sigma \\circ dW`).  The two readings
differ by the drift correction :math:`\\tfrac12\\sum_{j,k}\\Sigma_{kj}\\,\\partial_{v_k}\\Sigma_{ij}`
in :math:`dv_i` (only a noise that depends on :math:`v` makes them differ, since :math:`d\\theta`
carries no noise); :attr:`Dynamics.ito_acceleration` is the Itô drift whichever was given.
Everything downstream (energies, their rates, compiled integrators) reads the system from here.
"""

from __future__ import annotations

import enum
import keyword
import warnings
from functools import cached_property
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import sympy
from sympy import Expr
from sympy.core.function import AppliedUndef

from ._errors import InvalidArgument, UnusedCoordinateWarning, warn
from ._expressions import as_sympy
from ._prover import _monomial, _monomial_powers, _polynomial_sum, _product

__all__ = ["Dynamics", "TIME", "CALCULI", "Calculus", "DampingKind", "NoiseKind",
           "partial_derivatives"]


class _Word(enum.StrEnum):
    """A word of the vocabulary of :class:`Dynamics`.

    A member is its text (``DampingKind.SCALAR == "scalar"``, ``str()``, f-strings and JSON all
    give ``"scalar"``), so printed and serialised output reads as before; code compares members,
    never spelt-out strings.
    """

    def __repr__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class DampingKind(_Word):
    r"""What :math:`\Gamma` is: zero, a constant scalar, a scalar function of ``t``, or a matrix
    (constant, or depending on ``t``).

    Examples
    --------
    >>> DampingKind.SCALAR == "scalar", f"{DampingKind.MATRIX_TIME}"
    (True, 'matrix-time')
    """

    ZERO = "zero"
    SCALAR = "scalar"
    TIME = "time"
    MATRIX = "matrix"
    MATRIX_TIME = "matrix-time"


class NoiseKind(_Word):
    r"""What :math:`\Sigma` is: no noise, :math:`\sigma I` with a constant :math:`\sigma`, a
    constant matrix, or a matrix depending on ``t``, the coordinates or the velocities.

    Examples
    --------
    >>> [str(kind) for kind in NoiseKind]
    ['none', 'isotropic', 'additive', 'multiplicative']
    """

    NONE = "none"
    ISOTROPIC = "isotropic"
    ADDITIVE = "additive"
    MULTIPLICATIVE = "multiplicative"


class Calculus(_Word):
    """How a noise term is read: Itô (default) or Stratonovich.

    Examples
    --------
    >>> Calculus("stratonovich") is Calculus.STRATONOVICH
    True
    """

    ITO = "ito"
    STRATONOVICH = "stratonovich"


#: How a noise term is read: Itô (default) or Stratonovich.
CALCULI = tuple(Calculus)

#: The time variable shared by every system (real, so that printing and assumptions agree).
TIME = sympy.Symbol("t", real=True)


def _as_symbol(item: object, argument: str) -> sympy.Symbol:
    """A coordinate or parameter given as a Symbol or as a plain identifier (never parsed)."""
    if isinstance(item, sympy.Symbol):
        return item
    if isinstance(item, str):
        name = item.strip()
        if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
            raise InvalidArgument(
                argument, item, "is not a valid name",
                "use identifiers such as 'x', 'y' or 'theta_0' (letters, digits, underscores)",
            )
        return sympy.Symbol(name, real=True)
    raise InvalidArgument(argument, item, f"must be a name or a sympy Symbol, not {type(item).__name__}")


def _coordinates(coordinates: object) -> tuple[sympy.Symbol, ...]:
    if isinstance(coordinates, bool):
        raise InvalidArgument("coordinates", coordinates, "must be a count or a list of names")
    if isinstance(coordinates, int):
        if coordinates < 1:
            raise InvalidArgument("coordinates", coordinates, "the dimension must be at least 1")
        return tuple(sympy.Symbol(f"theta_{i}", real=True) for i in range(coordinates))
    if isinstance(coordinates, (str, sympy.Symbol)):
        coordinates = [coordinates] if isinstance(coordinates, sympy.Symbol) else coordinates.split(",")
    if not isinstance(coordinates, Iterable):
        raise InvalidArgument("coordinates", coordinates, "must be a count or a list of names")
    symbols = tuple(_as_symbol(c, "coordinates") for c in coordinates)
    if not symbols:
        raise InvalidArgument("coordinates", coordinates, "is empty", "name at least one coordinate")
    names = [s.name for s in symbols]
    # Counter, not names.count: one pass instead of one per name (quadratic in d).
    duplicates = sorted(n for n, k in Counter(names).items() if k > 1)
    if duplicates:
        raise InvalidArgument("coordinates", names, f"repeats {', '.join(duplicates)}")
    if TIME.name in names:
        raise InvalidArgument("coordinates", names, "'t' is reserved for time", "rename that coordinate")
    return symbols


def _free_names(expr: sympy.Basic) -> set[sympy.Symbol]:
    return set(expr.free_symbols)


def _power_rule(term: sympy.Expr, v: sympy.Symbol, powers: dict) -> sympy.Expr:
    """``∂term/∂v`` of a monomial ``c·Π s**e`` with exponents ``powers``, built directly."""
    e = powers[v]
    return _monomial(term.as_coeff_Mul()[0] * e, {**powers, v: e - 1})


def partial_derivatives(expr: sympy.Expr, variables: Sequence[sympy.Symbol]) -> list[sympy.Expr]:
    """``[∂expr/∂x for x in variables]``, differentiating each term only by its own variables.

    ``sympy.diff`` of a sum walks every term for every variable, which is quadratic in the
    dimension for a loss with one term per coordinate; splitting the sum first keeps the cost
    proportional to the size of the expression.

    Examples
    --------
    >>> x, y = sympy.symbols("x y")
    >>> partial_derivatives(x**2 + x*y + sympy.sin(y), [x, y])
    [2*x + y, x + cos(y)]
    """
    index = {v: k for k, v in enumerate(variables)}
    pieces: list[list[sympy.Expr]] = [[] for _ in variables]
    for term in sympy.Add.make_args(expr):
        # An abstract loss L(θ_0, …, θ_{d-1}) applied to plain symbols: its partial derivative is
        # the unevaluated Derivative(L, θ_k); building it directly skips SymPy's chain rule over
        # all d arguments (d² work for the gradient).
        direct = isinstance(term, AppliedUndef) and all(a.is_Symbol for a in term.args)
        powers = _monomial_powers(term)
        for v in term.free_symbols:
            k = index.get(v)
            if k is None:
                continue
            if direct:
                # What Derivative(term, v) builds (unevaluated, one plain symbol), without its
                # argument check, which takes term.free_symbols: O(d) for each of the d partials.
                pieces[k].append(Expr.__new__(sympy.Derivative, term, sympy.Tuple(v, 1)))
            elif powers is not None:
                # c·Π s_j^{e_j}: the power rule on the exponents, the product built as Mul
                # would build it (Mul's general pass was most of the cost of a polynomial loss
                # in many coordinates).
                pieces[k].append(_power_rule(term, v, powers))
            else:
                pieces[k].append(sympy.diff(term, v))
    return [_polynomial_sum(p) for p in pieces]


class Dynamics:
    r"""A damped, preconditioned second-order flow on :math:`\mathbb{R}^d`.

    .. math:: \ddot\theta + \Gamma(t)\,\dot\theta + M^{-1}\nabla L(\theta) = 0

    Parameters
    ----------
    loss : sympy.Expr
        The loss :math:`L(\theta)`: an expression in the coordinates and declared parameters, or an
        *abstract* loss such as ``Function("L")(x, y)`` (see :meth:`abstract`), for statements that
        hold for every :math:`C^1` loss.  Text must go through :meth:`from_text`.
    coordinates : int, str or sequence of str or sympy.Symbol
        ``d`` (names ``theta_0 … theta_{d-1}``), ``"x,y"``, or symbols.
    damping : number, sympy.Expr or sympy.Matrix, optional
        :math:`\Gamma`: zero (default), a scalar (number or parameter), a scalar function of
        ``t`` (e.g. ``3/t``), or a :math:`d\times d` matrix (anisotropic damping).  It may depend
        on ``t`` and on parameters, not on the coordinates or velocities.
    mass : sympy.Matrix, optional
        A constant symmetric positive-definite preconditioner :math:`M` (identity by default).
    parameters : sequence of str or sympy.Symbol, optional
        Constant symbols the loss and damping may use.  When omitted, every free symbol that is
        not a coordinate or ``t`` is taken as a parameter; when given, any other name is an error.
    noise : number, sympy.Expr or sympy.Matrix, optional
        :math:`\Sigma` in :math:`dv = a\,dt + \Sigma\,dW`: ``None`` (default, no noise), a
        scalar :math:`\sigma` (:math:`\Sigma = \sigma I`, :math:`m = d`), or a :math:`d\times m`
        matrix.  Entries may depend on parameters, ``t``, the coordinates and the velocities
        (multiplicative noise).
    calculus : {"ito", "stratonovich"}
        How the noise term is read (default Itô).

    Attributes
    ----------
    coordinates, velocities : tuple of sympy.Symbol
        :math:`\theta` and :math:`v = \dot\theta` (named ``v_<coordinate>``).
    damping : sympy.Matrix
        :math:`\Gamma` as a :math:`d\times d` matrix (a scalar damping is stored as a multiple of
        the identity; :attr:`damping_kind` records which, and :attr:`damping_coefficient` gives
        it back as it was given).
    damping_kind : DampingKind
        Zero, scalar, time (a scalar function of ``t``), matrix or matrix-time; code asks the
        properties :attr:`undamped`, :attr:`scalar_damping` and :attr:`constant_damping`.
    mass : sympy.Matrix
    parameters : tuple of sympy.Symbol
    time : sympy.Symbol
    noise : sympy.Matrix or None
        :math:`\Sigma` as a :math:`d\times m` matrix.
    noise_kind : NoiseKind
        ``NONE``, ``ISOTROPIC`` (a constant scalar times the identity), ``ADDITIVE`` (constant)
        or ``MULTIPLICATIVE`` (depends on ``t``, the coordinates or the velocities); see
        :attr:`is_noisy` and :attr:`multiplicative_noise`.
    calculus : Calculus

    Examples
    --------
    >>> import sympy
    >>> x, y, g = sympy.symbols("x y gamma", real=True)
    >>> dyn = Dynamics(x**4/4 - x**2/2 + y**2, [x, y], damping=g)
    >>> dyn.velocities
    (v_x, v_y)
    >>> dyn.acceleration.T
    Matrix([[-gamma*v_x - x**3 + x, -gamma*v_y - 2*y]])
    >>> dyn.damping_kind, dyn.damping_kind == "scalar"
    (DampingKind.SCALAR, True)
    >>> noisy = Dynamics(x**2/2, [x], damping=g, noise=sympy.Symbol("sigma"))
    >>> noisy.noise, noisy.noise_kind, noisy.calculus
    (Matrix([[sigma]]), NoiseKind.ISOTROPIC, Calculus.ITO)
    """

    def __init__(
        self,
        loss: sympy.Expr,
        coordinates: int | str | Sequence[str | sympy.Symbol],
        *,
        damping: object = 0,
        mass: object = None,
        parameters: Sequence[str | sympy.Symbol] | None = None,
        noise: object = None,
        calculus: str = "ito",
    ) -> None:
        self.time = TIME
        self.coordinates = _coordinates(coordinates)
        d = len(self.coordinates)
        self.velocities = tuple(sympy.Symbol(f"v_{c.name}", real=True) for c in self.coordinates)
        clash = set(self.velocities) & set(self.coordinates)
        if clash:
            raise InvalidArgument(
                "coordinates", [c.name for c in self.coordinates],
                f"{', '.join(sorted(s.name for s in clash))} would also name a velocity",
                "avoid coordinate names that start with 'v_'",
            )
        self.loss = self._check_loss(loss)
        self._declared = parameters is not None
        # The checks below read the object and return what they found; only this constructor
        # assigns.  A name used only in the damping, mass or noise is a parameter too (declared
        # implicitly when no parameters were given), appended in that order.
        found = self._check_parameters(parameters)
        self.damping, self.damping_kind, extra = self._check_damping(damping, d, found)
        found += extra
        self.mass, self.mass_inverse, extra = self._check_mass(mass, d, found)
        found += extra
        self.noise, self.noise_kind, extra = self._check_noise(noise, d, found)
        self.parameters = found + extra
        if calculus not in CALCULI:
            raise InvalidArgument("calculus", calculus, "is not a known stochastic calculus",
                                  "use 'ito' (default) or 'stratonovich'")
        self.calculus = Calculus(calculus)
        self._warn_unused_coordinates()

    # -- validation ------------------------------------------------------------------------------
    def _check_loss(self, loss: object) -> sympy.Expr:
        if isinstance(loss, str):
            raise InvalidArgument(
                "loss", loss, "is text, which is never evaluated directly",
                "use Dynamics.from_text(loss=..., coordinates=...) or parse_expression()",
            )
        if isinstance(loss, (int, float)) and not isinstance(loss, bool):
            loss = sympy.sympify(loss)  # a Python number, not text
        if not isinstance(loss, sympy.Expr) or isinstance(loss, sympy.MatrixBase):
            raise InvalidArgument("loss", loss, "must be a scalar sympy expression")
        if loss.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise InvalidArgument("loss", loss, "is not finite")
        return loss

    def _check_parameters(self, parameters: object) -> tuple[sympy.Symbol, ...]:
        known = set(self.coordinates) | {self.time}
        if self.loss.has(self.time):
            raise InvalidArgument(
                "loss", self.loss, "depends on time t",
                "the loss must be a function of the coordinates and constant parameters",
            )
        used = _free_names(self.loss) - known
        if parameters is None:
            return tuple(sorted(used, key=lambda s: s.name))
        if isinstance(parameters, (str, sympy.Symbol)):
            parameters = [parameters] if isinstance(parameters, sympy.Symbol) else parameters.split(",")
        declared = tuple(_as_symbol(p, "parameters") for p in parameters)
        clash = sorted(s.name for s in declared if s in known or s in self.velocities)
        if clash:
            raise InvalidArgument("parameters", [p.name for p in declared],
                                  f"{', '.join(clash)} is a coordinate, a velocity or time")
        unknown = sorted(s.name for s in used - set(declared))
        if unknown:
            raise InvalidArgument(
                "loss", str(self.loss),
                f"uses {', '.join(unknown)}, which is neither a coordinate "
                f"({', '.join(c.name for c in self.coordinates)}) nor a declared parameter",
                "add it to parameters=[...] or to the coordinates",
            )
        return declared

    def _warn_unused_coordinates(self) -> None:
        # A misspelt coordinate (--vars x,z for a loss in x and y) is legal input that makes a
        # statement about another system: z moves freely and y becomes a parameter, and the
        # verdicts that follow ("conserved: yes") are about that system.  Warn, naming both.
        names = self.loss.free_symbols
        absent = [c.name for c in self.coordinates if c not in names]
        if not absent or not names:
            return  # a constant loss is a free particle on purpose (Brownian motion with noise)
        message = (f"coordinate{'s' if len(absent) > 1 else ''} {', '.join(absent)} "
                   f"{'do' if len(absent) > 1 else 'does'} not appear in the loss {self.loss} "
                   f"(no force acts on {'them' if len(absent) > 1 else 'it'})")
        implicit = [] if self._declared else \
            sorted(s.name for s in self.loss.free_symbols if s in set(self.parameters))
        if implicit:
            several = len(implicit) > 1
            message += (f"; {', '.join(implicit)} {'were' if several else 'was'} taken as "
                        f"{'parameters' if several else 'a parameter'}: list a coordinate among "
                        "the coordinates, or declare the parameters to confirm them")
        else:
            message += "; check the coordinate names"
        warn(message, UnusedCoordinateWarning)

    def _check_coefficient(self, value: sympy.Expr, argument: str, allow_time: bool,
                           parameters: tuple[sympy.Symbol, ...]) -> tuple[sympy.Symbol, ...]:
        """Check one entry of the damping or mass; return the names it adds to ``parameters``."""
        # An undefined function of t alone (an arbitrary damping schedule gamma(t)) is allowed
        # in the damping; any other undefined function would hide a state dependence.
        for f in value.atoms(AppliedUndef):
            if not (allow_time and f.args == (self.time,)):
                raise InvalidArgument(argument, str(value), f"contains the undefined function {f}",
                                      "only an undefined function of t alone, such as g(t), is allowed")
        moving = value.free_symbols & (set(self.coordinates) | set(self.velocities))
        if moving:
            raise InvalidArgument(
                argument, str(value),
                f"depends on {', '.join(sorted(s.name for s in moving))}; "
                "state-dependent coefficients are not supported",
                "use a constant, a parameter or (for damping) a function of t",
            )
        if not allow_time and value.has(self.time):
            raise InvalidArgument(argument, str(value), "depends on t", "the mass matrix must be constant")
        extra = value.free_symbols - set(parameters) - {self.time}
        if extra and self._declared:
            raise InvalidArgument(
                argument, str(value),
                f"uses {', '.join(sorted(s.name for s in extra))}, which is not a declared parameter",
                "add it to parameters=[...]",
            )
        return tuple(sorted(extra, key=lambda s: s.name))

    def _check_coefficients(self, entries: Iterable[sympy.Expr], argument: str, allow_time: bool,
                            parameters: tuple[sympy.Symbol, ...]) -> tuple[sympy.Symbol, ...]:
        """Check every entry in turn; return the names they add to ``parameters``, in order."""
        extra: tuple[sympy.Symbol, ...] = ()
        for entry in entries:
            extra += self._check_coefficient(entry, argument, allow_time, parameters + extra)
        return extra

    def _as_matrix_or_scalar(self, value: object, argument: str) -> sympy.Expr | sympy.Matrix:
        if isinstance(value, str):
            raise InvalidArgument(argument, value, "is text, which is never evaluated directly",
                                  "use Dynamics.from_text(...) or parse_scalar_or_matrix()")
        if isinstance(value, bool):
            raise InvalidArgument(argument, value, "must be a number, expression or matrix")
        if isinstance(value, sympy.MatrixBase):
            return sympy.Matrix(value)
        if isinstance(value, (list, tuple)):
            try:
                # Each entry through as_sympy: text inside a list is refused like text alone.
                def entry(e):
                    return as_sympy(e, argument=argument)

                return sympy.Matrix([[entry(e) for e in row] if isinstance(row, (list, tuple))
                                     else entry(row) for row in value])
            except InvalidArgument as exc:
                raise InvalidArgument(argument, value, f"has an entry that {exc.problem}",
                                      exc.fix) from exc
            except (ValueError, TypeError, sympy.SympifyError) as exc:
                raise InvalidArgument(argument, value, "is not a rectangular matrix",
                                      "write it as a list of rows") from exc
        if isinstance(value, (int, float)):
            return sympy.sympify(value)
        if hasattr(value, "shape") and hasattr(value, "tolist"):  # a NumPy array
            return sympy.Matrix(value.tolist())
        if isinstance(value, sympy.Expr):
            return value
        raise InvalidArgument(argument, value, f"has unsupported type {type(value).__name__}",
                              "give a number, a sympy expression or a matrix")

    def _check_damping(self, damping: object, d: int, parameters: tuple[sympy.Symbol, ...]
                       ) -> tuple[sympy.Matrix, DampingKind, tuple[sympy.Symbol, ...]]:
        value = self._as_matrix_or_scalar(damping, "damping")
        if isinstance(value, sympy.MatrixBase):
            if value.shape != (d, d):
                raise InvalidArgument(
                    "damping", value.tolist(),
                    f"is a {value.shape[0]}x{value.shape[1]} matrix but there are {d} coordinates",
                    f"give a {d}x{d} matrix or a scalar",
                )
            extra = self._check_coefficients(value, "damping", True, parameters)
            kind = DampingKind.MATRIX_TIME if value.has(self.time) else DampingKind.MATRIX
            return value, kind, extra
        extra = self._check_coefficient(value, "damping", True, parameters)
        if value == 0:
            kind = DampingKind.ZERO
        elif value.has(self.time):
            kind = DampingKind.TIME
        else:
            kind = DampingKind.SCALAR
        return value * sympy.eye(d), kind, extra

    def _check_mass(self, mass: object, d: int, parameters: tuple[sympy.Symbol, ...]
                    ) -> tuple[sympy.Matrix, sympy.Matrix, tuple[sympy.Symbol, ...]]:
        if mass is None:
            return sympy.eye(d), sympy.eye(d), ()
        value = self._as_matrix_or_scalar(mass, "mass")
        if not isinstance(value, sympy.MatrixBase):
            value = value * sympy.eye(d)
        if value.shape != (d, d):
            raise InvalidArgument("mass", value.tolist(),
                                  f"is {value.shape[0]}x{value.shape[1]}, expected {d}x{d}")
        extra = self._check_coefficients(value, "mass", False, parameters)
        if any(sympy.expand(value[i, j] - value[j, i]) != 0 for i in range(d) for j in range(i)):
            raise InvalidArgument("mass", value.tolist(), "is not symmetric",
                                  "a mass matrix must equal its transpose")
        definite = value.is_positive_definite
        if definite is False:
            raise InvalidArgument("mass", value.tolist(), "is not positive definite",
                                  "all eigenvalues of the mass matrix must be positive")
        if value == sympy.eye(d):
            return value, sympy.eye(d), extra
        return value, value.inv(), extra

    def _check_noise(self, noise: object, d: int, parameters: tuple[sympy.Symbol, ...]
                     ) -> tuple[sympy.Matrix | None, NoiseKind, tuple[sympy.Symbol, ...]]:
        if noise is None:
            return None, NoiseKind.NONE, ()
        value = self._as_matrix_or_scalar(noise, "noise")
        scalar = not isinstance(value, sympy.MatrixBase)
        matrix = value * sympy.eye(d) if scalar else value
        if matrix.rows != d or matrix.cols < 1:
            raise InvalidArgument(
                "noise", matrix.tolist(),
                f"is a {matrix.rows}x{matrix.cols} matrix but there are {d} coordinates",
                f"give a scalar sigma or a {d}xm matrix (one row per coordinate, one column per "
                "independent Wiener process)",
            )
        problems = []
        for entry in matrix:
            if entry.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
                problems.append(f"entry {entry} is not finite")
            for f in entry.atoms(AppliedUndef):
                if f.args != (self.time,):
                    problems.append(f"contains the undefined function {f}")
        if problems:
            raise InvalidArgument("noise", str(matrix.tolist()), "; ".join(sorted(set(problems))),
                                  "use numbers, parameters, t, coordinates and velocities")
        state = set(self.coordinates) | set(self.velocities) | {self.time}
        extra = set().union(*(e.free_symbols for e in matrix)) - state - set(parameters)
        if extra and self._declared:
            raise InvalidArgument(
                "noise", str(matrix.tolist()),
                f"uses {', '.join(sorted(s.name for s in extra))}, which is not a declared parameter",
                "add it to parameters=[...]",
            )
        moving = any(e.free_symbols & state or e.atoms(AppliedUndef) for e in matrix)
        if moving:
            kind = NoiseKind.MULTIPLICATIVE
        elif scalar:
            kind = NoiseKind.ISOTROPIC
        else:
            kind = NoiseKind.ADDITIVE
        return matrix, kind, tuple(sorted(extra, key=lambda s: s.name))

    # -- constructors ----------------------------------------------------------------------------
    @classmethod
    def from_text(
        cls,
        loss: str,
        coordinates: str | Sequence[str],
        *,
        damping: str | None = None,
        mass: str | None = None,
        parameters: str | Sequence[str] | None = None,
        noise: str | None = None,
        calculus: str = "ito",
    ) -> Dynamics:
        """Build a system from user text, through the restricted parser only.

        ``noise`` may name the coordinates, their velocities ``v_<name>``, ``t`` and parameters.

        Examples
        --------
        >>> dyn = Dynamics.from_text("x**4/4 - x**2/2 + a*y**2", "x,y", damping="[[1,0],[0,2]]")
        >>> dyn.parameters
        (a,)
        >>> dyn.damping_kind
        DampingKind.MATRIX
        >>> Dynamics.from_text("x**2/2", "x", damping="1", noise="[[s*v_x, 0.1]]").noise_kind
        NoiseKind.MULTIPLICATIVE
        """
        from ._expressions import parse_names, parse_expression, parse_scalar_or_matrix

        names = parse_names(coordinates, argument="coordinates") if isinstance(coordinates, str) \
            else tuple(coordinates)
        coords = _coordinates(list(names))
        symbols: dict[str, sympy.Symbol] = {c.name: c for c in coords}
        symbols["t"] = TIME
        declared = None
        if parameters is not None:
            pnames = parse_names(parameters, argument="parameters") if isinstance(parameters, str) \
                else tuple(parameters)
            declared = [_as_symbol(p, "parameters") for p in pnames]
            symbols.update({p.name: p for p in declared})

        def symbol_for_free_names(text: str, argument: str):
            # Names the parser meets that are not coordinates become real parameters.
            return parse_expression(text, argument=argument, symbols=symbols,
                                    allowed_names=None if declared is None else list(symbols))

        loss_expr = symbol_for_free_names(loss, "loss")
        loss_expr = loss_expr.xreplace({s: sympy.Symbol(s.name, real=True)
                                        for s in loss_expr.free_symbols if s.name not in symbols})
        for s in loss_expr.free_symbols:
            symbols.setdefault(s.name, s)

        def coefficient(text: str | None, argument: str, names=symbols):
            if text is None:
                return None
            value = parse_scalar_or_matrix(text, argument=argument, symbols=names,
                                           allowed_names=None if declared is None else list(names))
            return value.xreplace({s: sympy.Symbol(s.name, real=True)
                                   for s in value.free_symbols if s.name not in symbols})

        damping_value = coefficient(damping, "damping")
        mass_value = coefficient(mass, "mass")
        # The noise alone may depend on the velocities; naming them only here keeps 'v_x' in a
        # loss or damping an ordinary parameter name, as it was before noise existed.
        with_velocities = {**symbols,
                           **{f"v_{c.name}": sympy.Symbol(f"v_{c.name}", real=True) for c in coords}}
        noise_value = coefficient(noise, "noise", with_velocities)
        return cls(loss_expr, coords, damping=damping_value or 0, mass=mass_value,
                   parameters=declared, noise=noise_value, calculus=calculus)

    @classmethod
    def abstract(
        cls,
        coordinates: int | str | Sequence[str | sympy.Symbol],
        *,
        name: str = "L",
        damping: object = 0,
        mass: object = None,
        parameters: Sequence[str | sympy.Symbol] | None = None,
        noise: object = None,
        calculus: str = "ito",
    ) -> Dynamics:
        """A system whose loss is an undefined function ``L(θ)``: statements about it hold for
        every (sufficiently smooth) loss.

        Examples
        --------
        >>> Dynamics.abstract(2).loss
        L(theta_0, theta_1)
        """
        coords = _coordinates(coordinates)
        loss = sympy.Function(name, real=True)(*coords)
        return cls(loss, coords, damping=damping, mass=mass, parameters=parameters, noise=noise,
                   calculus=calculus)

    # -- derived objects -------------------------------------------------------------------------
    @property
    def dimension(self) -> int:
        """The number of coordinates :math:`d`."""
        return len(self.coordinates)

    @property
    def is_abstract(self) -> bool:
        """True when the loss contains an undefined function (it cannot be simulated)."""
        return bool(self.loss.atoms(AppliedUndef))

    @cached_property
    def identity_mass(self) -> bool:
        """True when the mass :math:`M` is the identity (the default).

        Examples
        --------
        >>> Dynamics.from_text("x**2/2", "x").identity_mass
        True
        """
        return self.mass == sympy.eye(self.dimension)

    @property
    def undamped(self) -> bool:
        r"""True when :math:`\Gamma = 0`."""
        return self.damping_kind is DampingKind.ZERO

    @property
    def scalar_damping(self) -> bool:
        r"""True when :math:`\Gamma = \gamma(t)\,I` (zero, a constant scalar or a scalar function
        of ``t``): :attr:`damping_coefficient` is then the scalar :math:`\gamma(t)`."""
        return self.damping_kind in (DampingKind.ZERO, DampingKind.SCALAR, DampingKind.TIME)

    @property
    def constant_damping(self) -> bool:
        r"""True when :math:`\Gamma` does not depend on ``t`` (zero, a constant scalar or a
        constant matrix).

        Examples
        --------
        >>> dyn = Dynamics.from_text("x**2/2", "x", damping="3/t")
        >>> dyn.constant_damping, dyn.scalar_damping, dyn.damping_kind
        (False, True, DampingKind.TIME)
        """
        return self.damping_kind in (DampingKind.ZERO, DampingKind.SCALAR, DampingKind.MATRIX)

    @property
    def damping_coefficient(self) -> sympy.Expr | sympy.Matrix:
        r""":math:`\Gamma` as the constructor takes it: the scalar :math:`\gamma(t)` when
        :attr:`scalar_damping`, else the :math:`d\times d` matrix.

        Examples
        --------
        >>> Dynamics.from_text("x**2/2 + y**2/2", "x,y", damping="g").damping_coefficient
        g
        """
        return self.damping[0, 0] if self.scalar_damping else self.damping

    @property
    def is_noisy(self) -> bool:
        """True when the system has a noise term (it is a stochastic differential equation).

        Examples
        --------
        >>> Dynamics.from_text("x**2/2", "x", noise="s").is_noisy
        True
        """
        return self.noise_kind is not NoiseKind.NONE

    @property
    def multiplicative_noise(self) -> bool:
        r"""True when :math:`\Sigma` depends on ``t``, the coordinates or the velocities (then
        Itô and Stratonovich readings may differ, and moments do not close)."""
        return self.noise_kind is NoiseKind.MULTIPLICATIVE

    def quadratic_parts(self) -> tuple[sympy.Matrix, sympy.Matrix, sympy.Expr]:
        r"""The loss as :math:`L(\theta) = \tfrac12\theta^\top A\theta + b^\top\theta + c`
        exactly, or an error saying why it is not of that form.

        The loss is expanded (:func:`sympy.expand`) and must then be a polynomial of total degree
        at most 2 in the coordinates; its coefficients may contain parameters.  A loss that is
        quadratic only after other simplifications (``(sin(x)**2 + cos(x)**2)*x**2``) is refused:
        the decision is structural, never a guess.  :math:`A` is the (constant, symmetric)
        Hessian, :math:`b = \nabla L(0)` and :math:`c = L(0)`, all computed from the expanded
        loss.

        Returns
        -------
        A : sympy.Matrix, shape (d, d)
        b : sympy.Matrix, shape (d, 1)
        c : sympy.Expr

        Raises
        ------
        InvalidArgument
            (argument ``"loss"``) when the loss is abstract, not a polynomial in the coordinates,
            or of degree above 2.  Callers with their own advice re-raise it with their ``fix``.

        Examples
        --------
        >>> dyn = Dynamics.from_text("(x - y)**2/2 + a*x + 3", "x,y")
        >>> A, b, c = dyn.quadratic_parts()
        >>> A, b.T, c
        (Matrix([
        [ 1, -1],
        [-1,  1]]), Matrix([[a, 0]]), 3)
        >>> Dynamics.from_text("x**4", "x").quadratic_parts()
        Traceback (most recent call last):
        ...
        inertia_verify._errors.InvalidArgument: argument 'loss' = 'x**4': is not quadratic: it has degree 4 in the coordinates; ...
        """
        coords = self.coordinates
        fix = "give a loss of the form 1/2 theta^T A theta + b^T theta + c"
        if self.is_abstract:
            raise InvalidArgument("loss", str(self.loss), "is not quadratic: it is abstract",
                                  "give a concrete quadratic loss")
        loss = sympy.expand(self.loss)
        try:
            poly = sympy.Poly(loss, *coords)
        except sympy.PolynomialError as exc:
            raise InvalidArgument("loss", str(self.loss), "is not quadratic: it is not a "
                                  "polynomial in the coordinates", fix) from exc
        if poly.total_degree() > 2 or any(k.free_symbols & set(coords) for k in poly.coeffs()):
            raise InvalidArgument("loss", str(self.loss), f"is not quadratic: it has degree "
                                  f"{poly.total_degree()} in the coordinates", fix)
        zero = {x: 0 for x in coords}
        hessian = sympy.Matrix([[sympy.diff(loss, a, b) for b in coords] for a in coords])
        linear = sympy.Matrix([sympy.diff(loss, a).xreplace(zero) for a in coords])
        return hessian, linear, loss.xreplace(zero)

    @cached_property
    def gradient(self) -> sympy.Matrix:
        r""":math:`\nabla L` as a column."""
        return sympy.Matrix(partial_derivatives(self.loss, self.coordinates))

    @cached_property
    def acceleration(self) -> sympy.Matrix:
        r""":math:`\dot v = -\Gamma v - M^{-1}\nabla L`."""
        v = sympy.Matrix(self.velocities)
        force = self.gradient
        if not self.identity_mass:
            force = self.mass_inverse * force
        if self.undamped:
            return -force
        if self.scalar_damping:
            # Entry by entry, one sum each: Matrix arithmetic converts every entry to a domain
            # element and back, and -(c v + f) would build each sum twice; -term is SymPy's
            # own negation, which keeps the factors' canonical order.
            c = -self.damping[0, 0]
            return sympy.Matrix([_polynomial_sum([_product(c, vi),
                                                  *[-term for term in sympy.Add.make_args(fi)]])
                                 for vi, fi in zip(self.velocities, force)])
        return -self.damping * v - force

    @property
    def noise_dimension(self) -> int:
        """The number :math:`m` of independent Wiener processes (0 without noise)."""
        return 0 if self.noise is None else self.noise.cols

    @cached_property
    def stratonovich_correction(self) -> sympy.Matrix:
        r"""The drift correction :math:`c_i = \tfrac12\sum_{j,k}\Sigma_{kj}\,\partial_{v_k}\Sigma_{ij}`.

        A Stratonovich equation :math:`dv = b\,dt + \Sigma\circ dW` is the Itô equation
        :math:`dv = (b + c)\,dt + \Sigma\,dW`.  Only the velocity rows carry noise, so only the
        dependence of :math:`\Sigma` on :math:`v` contributes; additive noise gives zero.

        Examples
        --------
        >>> dyn = Dynamics.from_text("x**2/2", "x", noise="s*v_x", calculus="stratonovich")
        >>> dyn.stratonovich_correction
        Matrix([[s**2*v_x/2]])
        """
        d = self.dimension
        if self.noise_kind is not NoiseKind.MULTIPLICATIVE:
            return sympy.zeros(d, 1)
        sigma = self.noise
        return sympy.Matrix([
            sympy.Add(*[sigma[k, j] * sympy.diff(sigma[i, j], self.velocities[k])
                        for j in range(sigma.cols) for k in range(d)]) / 2
            for i in range(d)
        ])

    @cached_property
    def ito_acceleration(self) -> sympy.Matrix:
        r"""The Itô drift of :math:`v`: :attr:`acceleration`, plus the Stratonovich correction
        when the noise is read in the Stratonovich sense.

        Examples
        --------
        >>> dyn = Dynamics.from_text("x**2/2", "x", noise="s*v_x", calculus="stratonovich")
        >>> dyn.ito_acceleration
        Matrix([[s**2*v_x/2 - x]])
        """
        if self.calculus is Calculus.ITO:
            return self.acceleration
        return self.acceleration + self.stratonovich_correction

    def time_derivative(self, quantity: sympy.Expr) -> sympy.Expr:
        r"""The derivative of :math:`h(t, \theta, v)` along the flow (the generator applied to h).

        .. math:: \dot h = \partial_t h + \nabla_\theta h \cdot v + \nabla_v h \cdot a

        Examples
        --------
        >>> dyn = Dynamics.from_text("x**2/2", "x")
        >>> dyn.time_derivative(dyn.velocities[0])
        -x
        """
        if not isinstance(quantity, sympy.Expr):
            raise InvalidArgument("quantity", quantity, "must be a scalar sympy expression")
        a = self.acceleration
        d = self.dimension
        partials = partial_derivatives(quantity, [*self.coordinates, *self.velocities, self.time])
        terms = [partials[2 * d]]
        terms += [partials[i] * v for i, v in enumerate(self.velocities)]
        terms += [partials[d + i] * a[i] for i in range(d)]
        return sympy.Add(*terms)

    def substitute(self, values: Mapping[str | sympy.Symbol, object]) -> Dynamics:
        """A copy with some parameters replaced by numbers or expressions."""
        mapping = {}
        by_name = {p.name: p for p in self.parameters}
        for key, val in values.items():
            sym = by_name.get(key) if isinstance(key, str) else key
            if sym not in self.parameters:
                raise InvalidArgument("values", key, "is not a parameter of this system",
                                      f"parameters are {[p.name for p in self.parameters]}")
            # Never sympify: it evaluates text, also text inside a list.
            mapping[sym] = as_sympy(val, argument=f"values[{key!r}]")
        remaining = [p for p in self.parameters if p not in mapping]
        noise = None
        if self.noise is not None:
            noise = self.noise.xreplace(mapping)
            if self.noise_kind is NoiseKind.ISOTROPIC:
                noise = noise[0, 0]
        damping = self.damping_coefficient
        new = Dynamics(
            self.loss.xreplace(mapping), self.coordinates,
            damping=damping.xreplace(mapping),
            mass=None if self.identity_mass else self.mass.xreplace(mapping),
            parameters=remaining, noise=noise, calculus=self.calculus,
        )
        return new

    def without_noise(self) -> Dynamics:
        r"""The deterministic part: the same loss, damping and mass, and no noise.

        Parameters used only by the noise are dropped unless they were declared; the result is
        ``self`` when there is no noise.  The drift is :attr:`acceleration`, so for a
        Stratonovich multiplicative noise this is *not* the Itô drift
        (:attr:`ito_acceleration`).

        Returns
        -------
        Dynamics

        Examples
        --------
        >>> noisy = Dynamics.from_text("x**2/2", "x", damping="g", noise="s")
        >>> noisy.parameters, noisy.without_noise().parameters
        ((g, s), (g,))
        >>> noisy.without_noise().is_noisy
        False
        """
        if not self.is_noisy:
            return self
        with warnings.catch_warnings():
            # The caller was told about an unused coordinate when this system was built.
            warnings.simplefilter("ignore", UnusedCoordinateWarning)
            return Dynamics(self.loss, self.coordinates, damping=self.damping_coefficient,
                            mass=None if self.identity_mass else self.mass,
                            parameters=self.parameters if self._declared else None)

    # -- display ---------------------------------------------------------------------------------
    def equation_latex(self) -> str:
        theta = r"\ddot\theta"
        parts = [theta]
        if self.undamped:
            pass
        elif self.scalar_damping:
            parts.append(sympy.latex(self.damping[0, 0]) + r"\,\dot\theta")
        else:
            parts.append(r"\Gamma\,\dot\theta")
        parts.append(r"\nabla L(\theta)" if self.identity_mass else r"M^{-1}\nabla L(\theta)")
        if self.noise is None:
            return " + ".join(parts) + " = 0"
        noise = (sympy.latex(self.noise[0, 0]) if self.noise_kind is NoiseKind.ISOTROPIC
                 else r"\Sigma")
        dot = r"\circ " if self.calculus is Calculus.STRATONOVICH else ""
        return " + ".join(parts) + f" = {noise}\\,{dot}\\dot W"

    def _repr_latex_(self) -> str:
        loss = sympy.latex(self.loss)
        extra = ""
        if not self.scalar_damping:
            extra += r",\quad \Gamma = " + sympy.latex(self.damping)
        if not self.identity_mass:
            extra += r",\quad M = " + sympy.latex(self.mass)
        if self.is_noisy and self.noise_kind is not NoiseKind.ISOTROPIC:
            extra += r",\quad \Sigma = " + sympy.latex(self.noise)
        if self.is_noisy:
            extra += (r"\quad\text{(" + ("Itô" if self.calculus is Calculus.ITO else "Stratonovich")
                      + ")}")
        return f"$${self.equation_latex()},\\quad L = {loss}{extra}$$"

    def __repr__(self) -> str:
        coords = ", ".join(c.name for c in self.coordinates)
        text = f"Dynamics(loss={self.loss}, coordinates=({coords})"
        if not self.undamped:
            shown = self.damping[0, 0] if self.scalar_damping else self.damping.tolist()
            text += f", damping={shown}"
        if not self.identity_mass:
            text += f", mass={self.mass.tolist()}"
        if self.is_noisy:
            shown = self.noise[0, 0] if self.noise_kind is NoiseKind.ISOTROPIC else self.noise.tolist()
            text += f", noise={shown}"
            if self.calculus is not Calculus.ITO:
                text += f", calculus={self.calculus.value!r}"
        return text + ")"
