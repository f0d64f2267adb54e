"""The soundness corpus of the zero prover (issue 10, section 1): statements whose truth is known.

Every case is a SymPy expression built here in Python (never parsed from text), a truth and a kind.

* ``truth == "zero"``: the expression vanishes at every point of its declared domain where it is
  defined.  ``tests/test_prover_corpus.py`` re-establishes this at many points by its own 60-digit
  evaluation, independently of the prover.
* ``truth == "nonzero"``: the expression is nonzero somewhere on the domain; ``witness`` is such a
  point, chosen by hand (and, for abstract functions, a concrete function under which the
  statement fails).  The test evaluates the expression there at high precision (exactly when the
  value is rational) and checks that it is certainly nonzero.

Conventions (the declared domain)
---------------------------------
* A symbol's domain is read from its assumptions: ``integer`` -> the integers (with ``positive`` /
  ``nonnegative`` / ``negative`` restricting the sign), ``positive`` / ``nonnegative`` /
  ``negative`` -> that part of the real line, ``real`` -> the real line.  A symbol with no
  assumptions ("plain") is taken to be **real** too: coordinates of learning dynamics are real
  numbers (issue 10).  The few zero cases that hold on the reals but not for complex numbers are
  kept together in the ``plain-is-real`` group, so that a change of this convention shows up in
  one place.
* Values are SymPy's principal values.  The statement "f is zero on the domain" is false at any
  point of the domain where f is defined and its value is not 0 -- a non-real value counts as
  nonzero.  So ``(x**2)**(1/3) - x**(2/3)`` is *false* for real x: at x = -1 it is
  ``1 - (-1)**(2/3) = 3/2 - i*sqrt(3)/2``, although with the real cube root it would hold.  In
  the same way ``(x**3)**(1/3) - x`` is false at x = -1.  Complex intermediate values are fine as
  long as the value itself is 0: ``sqrt(x)*sqrt(x) - x`` is true for every real x.
* A point where the expression is undefined (division by zero, log(0), a pole) is not part of the
  statement and is skipped.
* Abstract functions (``Function("L")``) stand for every smooth real function of real arguments:
  a "zero" case vanishes for all of them, a "nonzero" case fails for the concrete function given
  in ``witness``.  The truth check of a "zero" case substitutes several concrete functions
  (:data:`CONCRETE`).

Cases whose expression SymPy would simplify to 0 while building it are built with
``evaluate=False`` where the point is to see the prover handle the unsimplified form; a few
auto-simplified ones are kept on purpose (the prover must at least not refute 0).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy
from sympy import (Abs, Add, Derivative, Function, Heaviside, I, Lambda, Matrix, Max, Min, Mod,
                   Mul, Piecewise, Pow, Rational, S, Subs, Symbol, acos, acot, asin, atan, atan2,
                   binomial, ceiling, conjugate, cos, cosh, erf, exp, floor, im, log, pi, re,
                   sign, sin, sinh, sqrt, tan, tanh)

__all__ = ["Case", "CASES", "CONCRETE"]


@dataclass(frozen=True)
class Case:
    """One statement ``expr == 0`` on the domain declared by its symbols' assumptions."""

    id: str
    expr: sympy.Basic
    truth: str  # "zero" or "nonzero"
    kind: str  # the group below, i.e. which trap it is
    witness: dict = field(default_factory=dict)  # nonzero only: {Symbol: value, Function: Lambda}
    must_prove: bool = False  # an easy identity the prover must *prove*, not only verify
    slow: bool = False  # too expensive for the default run

    def __post_init__(self):
        if self.truth not in ("zero", "nonzero"):
            raise ValueError(f"{self.id}: truth must be 'zero' or 'nonzero', not {self.truth!r}")
        if (self.truth == "nonzero") != bool(self.witness) and self.expr.free_symbols:
            raise ValueError(f"{self.id}: a nonzero case needs a witness, a zero case none")


# --------------------------------------------------------------------------- symbols and functions

x, y, z = sympy.symbols("x y z")  # plain: real by the convention above
xr, yr = sympy.symbols("x y", real=True)
xp, yp = sympy.symbols("x y", positive=True)
xn = Symbol("x", nonnegative=True)
xneg = Symbol("x", negative=True)
n, m = sympy.symbols("n m", integer=True)
k = Symbol("k", integer=True, positive=True)
kn = Symbol("k", integer=True, nonnegative=True)
t = Symbol("t")
U1, U2 = sympy.symbols("U1_0_0 U2_0_0", real=True)  # deep_linear([1, 1, 1]) coordinates
v = Symbol("v_x", real=True)
u, w = sympy.symbols("u w")  # bound variables of Subs and Lambda

L = Function("L")  # one argument
X = Function("X")  # one argument: a trajectory X(t)
F = Function("F")  # two arguments (one function, one arity: the truth check relies on it)

#: Concrete smooth functions substituted for the abstract ones in the truth check of "zero"
#: cases, by arity.  Generic (no symmetry, no special values at the points sampled) and finite on
#: the whole real line so that every sampled point is usable.
CONCRETE = {
    1: [Lambda(u, sin(u) + u**3/7 + Rational(2, 3)*u),
        Lambda(u, exp(u/5) + u**2 - Rational(1, 3)),
        Lambda(u, atan(u)*u + cos(3*u))],
    2: [Lambda((u, w), sin(u*w) + u**2*w/3 + exp(u/7 - w/5)),
        Lambda((u, w), u**3*w - cos(u + 2*w) + w/5)],
}

CASES: list[Case] = []


def zero(id, expr, kind, **kw):
    CASES.append(Case(id, expr, "zero", kind, **kw))


def nonzero(id, expr, kind, witness, **kw):
    CASES.append(Case(id, expr, "nonzero", kind, witness=witness, **kw))


# --------------------------------------------------------------------------- issue 10 §1, verbatim
# The false statements the old prover called "numerically verified" because it only sampled the
# box (0.25, 1.75): each is true there and false at some negative (or large) point.

for sym, tag in ((x, "plain"), (xr, "real")):
    K = "issue-box"
    nonzero(f"abs-minus-x-{tag}", Abs(sym) - sym, K, {sym: -1})
    nonzero(f"sqrt-sq-minus-x-{tag}", sqrt(sym**2) - sym, K, {sym: -1})
    nonzero(f"atan-reciprocal-{tag}", atan(sym) + atan(1/sym) - pi/2, K, {sym: -1})  # -pi there
    nonzero(f"acos-cos-{tag}", acos(cos(sym)) - sym, K, {sym: -1})
    nonzero(f"max0-minus-x-{tag}", Max(sym, 0) - sym, K, {sym: -1})
    # principal branch: at -1 the right side is exp(2*pi*I/3), not 1 (see the module docstring)
    nonzero(f"cube-root-of-square-{tag}", (sym**2)**Rational(1, 3) - sym**Rational(2, 3), K,
            {sym: -1})
nonzero("log-product-plain", log(x*y) - log(x) - log(y), "issue-box", {x: -1, y: -1})  # -2*pi*I
nonzero("log-product-real", log(xr*yr) - log(xr) - log(yr), "issue-box", {xr: -1, yr: -1})
nonzero("atan2-vs-atan-plain", atan2(y, x) - atan(y/x), "issue-box", {x: -1, y: 1})  # = pi
nonzero("atan2-vs-atan-real", atan2(yr, xr) - atan(yr/xr), "issue-box", {xr: -1, yr: -1})
# positive symbols, but false beyond 1.75 only
nonzero("sqrt-shifted-positive", sqrt((xp - 2)**2) - (2 - xp), "issue-box", {xp: 3})
nonzero("heaviside-shifted-positive", Heaviside(xp - 2), "issue-box", {xp: 3})
# integers drawn from 1..12 only
nonzero("mod13-integer", Mod(n, 13) - n, "issue-box", {n: 13})
nonzero("mod13-positive-integer", Mod(k, 13) - k, "issue-box", {k: 13})
nonzero("mod13-negative-integer-point", Mod(n, 13) - n, "issue-box", {n: -1})

# --------------------------------------------------------------------------- the absolute floor
# A residual that is an exact nonzero constant times something is not round-off, however small:
# the old prover's absolute floor of 1e-40 called all of these zero.
K = "floor"
nonzero("exp-200-times-x", exp(-200)*x, K, {x: 1})
nonzero("exp-200-constant", exp(-200), K, {})
nonzero("exp-300-half-x-squared", x**2/2*exp(-300), K, {x: 1})
nonzero("deep-linear-law-with-exp-200", U1**2 - U2**2 + exp(-200)*U1, K, {U1: 1, U2: 1})
# its rate along gradient flow of L(U2*U1): dU1/dt = -U2*L', dU2/dt = -U1*L'
_Lp = Subs(Derivative(L(w), w), w, U2*U1)
nonzero("deep-linear-rate-with-exp-200",
        2*U1*(-U2*_Lp) - 2*U2*(-U1*_Lp) + exp(-200)*(-U2*_Lp), K,
        {U1: 1, U2: 1, L: Lambda(u, u**2/2)})
nonzero("damped-rate-exp-200", -exp(-200)*v**2, K, {v: 1})  # derive --damping "exp(-200)"
nonzero("rational-1e-50-times-x", Rational(1, 10**50)*x, K, {x: 1})
nonzero("rational-1e-45-constant-plus-identity",
        x*(sin(x)**2 + cos(x)**2 - 1) + Rational(1, 10**45), K, {x: 1})
nonzero("exp-1000-times-x", x*exp(-1000), K, {x: 1})
nonzero("exp-100-times-sin", exp(-100)*sin(x), K, {x: 1})
nonzero("exp-200-times-never-zero", exp(-200)*(x**2 + 1), K, {x: 0})
nonzero("exp-200-plus-identity", exp(-200)*x + sin(x)**2 + cos(x)**2 - 1, K, {x: 1})
nonzero("exp-200-times-jet", exp(-200)*L(x), K, {x: 0, L: Lambda(u, u + 1)})
nonzero("matrix-exp-200-entry", Matrix([[0, exp(-200)*x]]), K, {x: 1})
# tiny nonzero terms that a relative tolerance must not swallow
nonzero("x-squared-plus-1e-30-x", x**2 + Rational(1, 10**30)*x, K, {x: 1})
nonzero("square-identity-plus-1e-30-x",
        (x + 1)**2 - x**2 - 2*x - 1 + Rational(1, 10**30)*x, K, {x: 1})
# (a Float term must not share a monomial with an exact one: SymPy builds -1 + 1.0e-30 as -1.0
# and -2*x + 1.0e-30*x as -2.0*x)
nonzero("float-1e-30-cube-plus-identity",
        (x + 1)**2 - x**2 - 2*x - 1 + sympy.Float("1e-30")*x**3, K, {x: 1})
# an exact 1 among terms of size 1e40: relative size 1e-40, still not zero
nonzero("big-square-plus-one", (x + 10**20)**2 - x**2 - 2*10**20*x - 10**40 + 1, K, {x: 0})
zero("big-square-identity", (x + 10**20)**2 - x**2 - 2*10**20*x - 10**40, K)

# --------------------------------------------------------------------------- decays below 1e-40
# False everywhere, but tiny (below any absolute floor) on most of the line or at large |x|.
K = "decay"
nonzero("tanh-minus-one", tanh(x) - 1, K, {x: 1})
nonzero("tanh-minus-sign-real", tanh(xr) - sign(xr), K, {xr: 60})  # about -1.5e-52 there
nonzero("erf-minus-one-positive", erf(xp) - 1, K, {xp: 11})  # about -1.4e-54
nonzero("gaussian-real", exp(-xr**2), K, {xr: 12})  # about 5e-63
nonzero("log1p-exp-positive", log(1 + exp(-xp)), K, {xp: 100})  # about 3.7e-44
nonzero("atan-asymptote-positive", atan(xp) - pi/2 + 1/xp, K, {xp: 1000})  # about 3.3e-10
nonzero("erf-linearised", erf(x/100) - x/100*2/sqrt(pi), K, {x: 1})  # cubic term, about -4e-7
nonzero("x-minus-sin-small", x - sin(x), K, {x: Rational(1, 10**6)})  # about 1.7e-19

# --------------------------------------------------------------------------- large coordinates
# Zero on the old box, and on most small points, but false at large (or very small) coordinates.
K = "scale"
nonzero("min10-minus-x-positive", Min(xp, 10) - xp, K, {xp: 11})
nonzero("heaviside-100-positive", Heaviside(xp - 100), K, {xp: 101})
nonzero("heaviside-1000-real", Heaviside(xr - 1000), K, {xr: 1001})
nonzero("piecewise-below-5-positive", Piecewise((xp, xp < 5), (0, True)) - xp, K, {xp: 6})
nonzero("piecewise-ramp-50-positive", Piecewise((0, xp < 50), (xp - 50, True)), K, {xp: 51})
nonzero("abs-shift-30-positive", Abs(xp - 30) - (30 - xp), K, {xp: 31})
nonzero("max-hundredth-positive", Max(xp, Rational(1, 100)) - xp, K, {xp: Rational(1, 1000)})
nonzero("floor-x-over-1000-positive", floor(xp/1000), K, {xp: 1000})
nonzero("floor-x-over-10000-positive", floor(xp/10000), K, {xp: 10000})
nonzero("mod-1000-positive-integer", Mod(k, 1000) - k, K, {k: 1000})
nonzero("mod-10-6-positive-integer", Mod(k, 10**6) - k, K, {k: 10**6})
nonzero("mod-1000-negative-integer", Mod(n, 1000) - n, K, {n: -1})
nonzero("sqrt-shifted-1000-positive", sqrt((xp - 1000)**2) - (1000 - xp), K, {xp: 1001})
nonzero("cubic-vanishing-at-0-1", xp**3 - xp, K, {xp: 2})
# vanishes at the special points -1, 0, 1 (and at 0.25..1.75 it does not, but at 2 it does)
nonzero("cubic-vanishing-plain", x**3 - x, K, {x: 2})
nonzero("product-vanishing-at-integers",
        Mul(*[(x - j) for j in range(-3, 4)]), K, {x: Rational(1, 2)})
nonzero("sin-pi-x-plain", sin(pi*x), K, {x: Rational(1, 2)})  # zero at every integer
nonzero("sin-pi-x-positive", sin(pi*xp), K, {xp: Rational(1, 2)})
nonzero("atan-shifted-large", atan(xp/1000) - xp/1000, K, {xp: 1000})

# --------------------------------------------------------------------------- breakpoints
# Non-analytic pieces: false only on one side of a breakpoint, or only exactly at it.
K = "breakpoint"
nonzero("floor-minus-x-real", floor(xr) - xr, K, {xr: Rational(1, 2)})
nonzero("floor-minus-x-plain", floor(x) - x, K, {x: Rational(-1, 2)})
nonzero("ceiling-minus-floor-minus-1", ceiling(xr) - floor(xr) - 1, K, {xr: 1})  # at integers
nonzero("floor-plus-ceiling-half-real", floor(xr/2) + ceiling(xr/2) - xr, K,
        {xr: Rational(1, 2)})
nonzero("sign-squared-minus-one", sign(xr)**2 - 1, K, {xr: 0})  # only at 0
nonzero("abs-sign-minus-one", Abs(sign(xr)) - 1, K, {xr: 0})  # only at 0
nonzero("heaviside-nonnegative-minus-one", Heaviside(xn) - 1, K, {xn: 0})  # H(0) = 1/2
nonzero("sign-nonnegative-minus-one", sign(xn) - 1, K, {xn: 0})
# H(0) = 1/2 but the Piecewise is 0 at x = 2: they differ exactly at the breakpoint
nonzero("piecewise-vs-heaviside-at-2",
        Piecewise((1, xr > 2), (0, True)) - Heaviside(xr - 2), K, {xr: 2})
nonzero("heaviside-integer-half", Heaviside(n) - Heaviside(n + Rational(1, 2)), K, {n: 0})
nonzero("max-minus-x-two-symbols", Max(x, y) - x, K, {x: 0, y: 1})
nonzero("min-abs-vs-abs-min", Min(Abs(x), Abs(y)) - Abs(Min(x, y)), K, {x: 1, y: -2})
nonzero("abs-sum-triangle", Abs(x + y) - Abs(x) - Abs(y), K, {x: 1, y: -1})
nonzero("heaviside-product", Heaviside(x)*Heaviside(y) - Heaviside(x*y), K, {x: -1, y: -1})
nonzero("piecewise-wrong-branch",
        Piecewise((xr, xr > 0), (xr, True)) - Abs(xr), K, {xr: -1})
nonzero("mod-x-1-vs-x", Mod(xr, 1) - xr, K, {xr: Rational(3, 2)})
zero("heaviside-pair-sums-to-one", Heaviside(xr) + Heaviside(-xr) - 1, K)  # at 0: 1/2 + 1/2
zero("floor-plus-ceiling-neg", floor(xr) + ceiling(-xr), K)
zero("hermite-floor", floor(xr/2) + floor((xr + 1)/2) - floor(xr), K)
zero("mod-1-is-fractional-part", Mod(xr, 1) - (xr - floor(xr)), K)
zero("max-plus-min", Max(x, y) + Min(x, y) - x - y, K)
zero("max-plus-min-real", Max(xr, yr) + Min(xr, yr) - xr - yr, K)
zero("abs-product", Abs(x*y) - Abs(x)*Abs(y), K)
zero("sign-times-abs", sign(x)*Abs(x) - x, K)
zero("x-sign-minus-abs", xr*sign(xr) - Abs(xr), K)
zero("max-x-minus-x-is-abs", Max(xr, -xr) - Abs(xr), K)
zero("max-plus-min-with-zero", Min(xr, 0) + Max(xr, 0) - xr, K)
zero("max0-is-half-x-plus-abs", Max(xr, 0) - (xr + Abs(xr))/2, K)
zero("heaviside-ramp", Heaviside(xr)*xr - Max(xr, 0), K)  # at 0: (1/2)*0 = 0
zero("piecewise-abs", Piecewise((xr, xr > 0), (-xr, True)) - Abs(xr), K)
zero("max-nonnegative", Max(xn, 0) - xn, K)
zero("sign-times-x-nonnegative", xn*sign(xn) - xn, K)
zero("abs-max-min", Abs(xr - yr) - (Max(xr, yr) - Min(xr, yr)), K)
zero("max-shift", Max(xr + 5, yr + 5) - Max(xr, yr) - 5, K)
zero("piecewise-min", Piecewise((xr, xr < yr), (yr, True)) - Min(xr, yr), K)

# narrow or transcendental breakpoints: nonzero on a tiny interval or at isolated points that a
# grid does not meet; a sound prover finds them or says it could not decide ("inconclusive")
nonzero("narrow-bump-at-7", Max(0, 1 - 10**6*(xr - 7)**2), K, {xr: 7})  # support |x-7| < 1e-3
nonzero("piecewise-eq-3", Piecewise((1, sympy.Eq(xr, 3)), (0, True)), K, {xr: 3})
nonzero("piecewise-eq-integer-777", Piecewise((1, sympy.Eq(n, 777)), (0, True)), K, {n: 777})
nonzero("sign-difference-squared", sign(x - y)**2 - 1, K, {x: 1, y: 1})  # only on the diagonal
nonzero("heaviside-near-sine-peak", Heaviside(sin(xr) - 1 + Rational(1, 10**8)), K,
        {xr: pi/2})  # only within about 1.4e-4 of pi/2 + 2*pi*j
nonzero("floor-sine-at-peak", floor(sin(xr))*(floor(sin(xr)) + 1), K, {xr: pi/2})  # 2, isolated
nonzero("heaviside-10000-real", Heaviside(xr - 10**4), K, {xr: 10**4 + 1})  # beyond 1e3

# --------------------------------------------------------------------------- branch functions
# sqrt, log, fractional powers and inverse trig: identities that hold on part of the domain only.
K = "branch"
nonzero("sqrt-product-plain", sqrt(x*y) - sqrt(x)*sqrt(y), K, {x: -1, y: -1})  # 1 - (-1) = 2
nonzero("cube-root-of-cube-real", (xr**3)**Rational(1, 3) - xr, K, {xr: -1})  # principal root
nonzero("cube-root-of-cube-plain", (x**3)**Rational(1, 3) - x, K, {x: -1})
nonzero("asin-sin-real", asin(sin(xr)) - xr, K, {xr: 2})  # pi - 4
nonzero("asin-sin-positive", asin(sin(xp)) - xp, K, {xp: 2})
nonzero("acos-cos-positive", acos(cos(xp)) - xp, K, {xp: 4})  # true on (0, pi] only
nonzero("atan-tan-positive", atan(tan(xp)) - xp, K, {xp: 2})
nonzero("log-square-real", log(xr**2) - 2*log(xr), K, {xr: -1})  # -2*pi*I
nonzero("three-halves-power-real", (xr**2)**Rational(3, 2) - xr**3, K, {xr: -1})
nonzero("sqrt-of-product-squares", sqrt(x**2*y**2) - x*y, K, {x: -1, y: 1})
nonzero("atan-addition-positive", atan(xp) + atan(yp) - atan((xp + yp)/(1 - xp*yp)), K,
        {xp: 2, yp: 2})  # = pi
nonzero("atan-double-angle", 2*atan(x) - atan(2*x/(1 - x**2)), K, {x: 2})
nonzero("sqrt-of-minus-square", sqrt(-xr**2), K, {xr: 1})  # I: non-real, nonzero
nonzero("sqrt-split-real", sqrt(xr - 1)*sqrt(xr + 1) - sqrt(xr**2 - 1), K, {xr: -2})
nonzero("log-square-plain", log(x**2) - 2*log(x), K, {x: -1})
nonzero("cube-root-of-product", (x*y)**Rational(1, 3) - x**Rational(1, 3)*y**Rational(1, 3), K,
        {x: -1, y: -1})  # 1 - exp(2*pi*I/3)
nonzero("log-quotient-real", log(xr/yr) - log(xr) + log(yr), K, {xr: 1, yr: -1})  # 2*pi*I
zero("cube-root-of-square-positive", (xp**2)**Rational(1, 3) - xp**Rational(2, 3), K)  # auto 0
zero("log-product-positive", log(xp*yp) - log(xp) - log(yp), K)
zero("exp-log-positive", exp(log(xp)) - xp, K)
zero("abs-minus-x-positive", Abs(xp) - xp, K)  # SymPy builds 0 already
zero("atan-reciprocal-positive", atan(xp) + atan(1/xp) - pi/2, K)
zero("sqrt-times-sqrt", Mul(sqrt(x), sqrt(x), evaluate=False) - x, K)  # i*i*|x| = x for x < 0
zero("sqrt-sq-is-abs-real", Pow(Pow(xr, 2), S.Half, evaluate=False) - Abs(xr), K)
zero("exp-log-real", exp(log(xr)) - xr, K)  # true for every x != 0, log(0) excluded
zero("log-square-abs-real", log(xr**2) - 2*log(Abs(xr)), K)
zero("acos-plus-asin", acos(xr) + asin(xr) - pi/2, K)  # also for |x| > 1 (principal values)
zero("atan-recip-vs-acot", atan(1/xr) - acot(xr), K)
zero("sqrt-split-positive", sqrt(xp - 1)*sqrt(xp + 1) - sqrt(xp**2 - 1), K)  # i*i*... for x<1
zero("log-negative-symbol", log(xneg) - log(-xneg) - I*pi, K)
zero("exp-i-x-euler", exp(I*x) - cos(x) - I*sin(x), K)
zero("log-power-positive", log(xp**3) - 3*log(xp), K)
zero("sqrt-quotient-positive", sqrt(xp/yp) - sqrt(xp)/sqrt(yp), K)
zero("atan2-positive-x", atan2(yr, xp) - atan(yr/xp), K)
zero("log-exp-real", Add(log(exp(xr), evaluate=False), -xr, evaluate=False), K)
zero("atan-odd", atan(-x) + atan(x), K)
zero("asin-sin-small-arg", asin(sin(atan(xr))) - atan(xr), K)  # atan(x) stays in (-pi/2, pi/2)

# a residual that is an exact constant, but 1e-45 of the terms: a tolerance relative to the
# largest term (1e-40) calls it round-off; the identity inside is out of reach of simplification
nonzero("relative-1e-45-atan", 10**45*(atan(xp) + atan(1/xp) - pi/2) + 1, K, {xp: 1})
nonzero("relative-1e-45-acos-asin", 10**45*(acos(xr) + asin(xr) - pi/2) + 1, K,
        {xr: Rational(1, 2)})
zero("huge-factor-atan-identity", 10**45*(atan(xp) + atan(1/xp) - pi/2), K)
zero("re-sqrt-squared-real", re(sqrt(xr))**2 - Max(xr, 0), K)
zero("im-log-real", im(log(xr)) - pi*Heaviside(-xr), K)  # log(0) excluded

# --------------------------------------------------------------------------- plain is real
# Hold on the reals but not for complex numbers: the convention that plain symbols are real
# decides these.  A refutation at a non-real point is reported as a point off the domain.
K = "plain-is-real"
zero("sqrt-sq-minus-abs-plain", sqrt(x**2) - Abs(x), K)
zero("log-exp-plain", log(exp(x)) - x, K)
zero("abs-squared-plain", Abs(x)**2 - x**2, K)
zero("conjugate-plain", conjugate(x) - x, K)
zero("im-plain", im(x), K)
zero("re-plain", re(x) - x, K)

# --------------------------------------------------------------------------- abstract functions
# Jets are keyed by their arguments' value, not their spelling; a refutation that gives two
# spellings of one jet different values describes no actual function.
K = "jet"
zero("jet-pythagoras-argument", L(sin(x)**2 + cos(x)**2) - L(1), K)
zero("jet-double-angle-argument", L(2*sin(x)*cos(x)) - L(sin(2*x)), K)
zero("jet-chain-rule-subs", Subs(Derivative(L(u), u), u, X(t))*X(t).diff(t) - L(X(t)).diff(t), K)
zero("jet-schwarz", Derivative(F(x, y), x, y) - Derivative(F(x, y), y, x), K)
zero("jet-expanded-square-argument", L((x + 1)**2) - L(x**2 + 2*x + 1), K)
zero("jet-hyperbolic-argument", L(cosh(x)**2 - sinh(x)**2) - L(1), K)
zero("jet-exp-log-argument-positive", L(exp(log(xp))) - L(xp), K)
zero("jet-chain-rule-square", Derivative(L(x**2), x) - 2*x*Subs(Derivative(L(u), u), u, x**2), K)
zero("jet-chain-rule-linear", Derivative(L(2*x), x) - 2*Subs(Derivative(L(u), u), u, 2*x), K)
zero("jet-euler-homogeneity", x*Derivative(L(x*y), x) - y*Derivative(L(x*y), y), K)
zero("jet-second-derivative-chain",
     Derivative(L(X(t)), t, 2)
     - Subs(Derivative(L(u), u, 2), u, X(t))*X(t).diff(t)**2
     - Subs(Derivative(L(u), u), u, X(t))*X(t).diff(t, 2), K)
zero("jet-product-rule", Derivative(L(x)*X(x), x) - L(x).diff(x)*X(x) - L(x)*X(x).diff(x), K)
zero("jet-mixed-third-order",
     Derivative(F(x, y), x, x, y) - Derivative(F(x, y), y, x, x), K)
zero("jet-times-pythagoras", L(x)*(sin(x)**2 + cos(x)**2) - L(x), K)
zero("jet-deep-linear-rate-conserved", 2*U1*(-U2*_Lp) - 2*U2*(-U1*_Lp), K)
# arguments equal on the declared domain only: one jet for positive x, two for real x
zero("jet-log-product-argument-positive", L(log(xp*yp)) - L(log(xp) + log(yp)), K)
zero("jet-atan-reciprocal-argument-positive", L(atan(xp) + atan(1/xp)) - L(pi/2), K)
nonzero("jet-atan-reciprocal-argument-plain", L(atan(x) + atan(1/x)) - L(pi/2), K,
        {x: -1, L: Lambda(u, u)})  # -pi
nonzero("jet-floor-trap-argument", L(floor(xr) + ceiling(-xr) + exp(-200)) - L(0), K,
        {xr: 0, L: Lambda(u, u)})
nonzero("jet-value-vs-constant", L(x) - L(1), K, {x: 2, L: Lambda(u, u)})
nonzero("jet-sin-vs-cos-squared", L(sin(x)**2) - L(cos(x)**2), K, {x: 0, L: Lambda(u, u)})
nonzero("jet-not-linear", L(2*x) - 2*L(x), K, {x: 1, L: Lambda(u, u**2)})
nonzero("jet-derivative-vs-value", Derivative(L(x), x) - L(x), K, {x: 1, L: Lambda(u, u**2)})
nonzero("jet-chain-rule-missing-factor", Subs(Derivative(L(u), u), u, X(t)) - L(X(t)).diff(t), K,
        {t: 1, L: Lambda(u, u**2), X: Lambda(u, 2*u)})  # 4 - 8
nonzero("jet-partials-differ", Derivative(F(x, y), x) - Derivative(F(x, y), y), K,
        {x: 1, y: 1, F: Lambda((u, w), u*w**2)})
nonzero("jet-abs-argument-real", L(Abs(xr)) - L(xr), K, {xr: -1, L: Lambda(u, u)})
nonzero("jet-sqrt-argument-plain", L(sqrt(x**2)) - L(x), K, {x: -1, L: Lambda(u, u)})
nonzero("jet-wrong-chain-square", Derivative(L(x**2), x) - Subs(Derivative(L(u), u), u, x**2), K,
        {x: 2, L: Lambda(u, u)})  # 2*x - 1
nonzero("jet-second-chain-missing-term",
        Derivative(L(X(t)), t, 2) - Subs(Derivative(L(u), u, 2), u, X(t))*X(t).diff(t)**2, K,
        {t: 1, L: Lambda(u, u), X: Lambda(u, u**2)})  # L'(X)*X'' = 2
nonzero("jet-max-argument", L(Max(x, 0)) - L(x), K, {x: -1, L: Lambda(u, u)})

# --------------------------------------------------------------------------- huge terms
# True identities whose terms reach 1e170 and beyond: precision must follow the terms' size, and
# a probe before simplification must not refute them.
K = "huge-terms"
zero("cosh-sinh-200", x*(cosh(200*x)**2 - sinh(200*x)**2 - 1), K)
zero("exp-100-pythagoras", exp(100*x)*(sin(x)**2 + cos(x)**2 - 1), K)
zero("cosh-plus-sinh-50", cosh(50*x) + sinh(50*x) - exp(50*x), K)
zero("exp-300-square", exp(300)*(x + 1)**2 - exp(300)*(x**2 + 2*x + 1), K)
_binomial_sum = Add(*[binomial(50, j)*x**j for j in range(51)])
zero("binomial-50", (1 + x)**50 - _binomial_sum, K)
nonzero("binomial-50-plus-1e-20", (1 + x)**50 - _binomial_sum + Rational(1, 10**20), K, {x: 1})
nonzero("binomial-50-minus-1e-20-x", (1 + x)**50 - _binomial_sum - Rational(1, 10**20)*x, K,
        {x: 1000})
# slow: at |x| = 1000 the terms are near exp(4e8); the prover took 33 s on it (2-core machine)
zero("cosh-sinh-200-squared-argument",
     (cosh(200*x**2) - sinh(200*x**2))*exp(200*x**2) - 1, K, slow=True)
nonzero("cosh-sinh-200-off-by-exp", x*(cosh(200*x)**2 - sinh(200*x)**2 - 1) + exp(-200)*x, K,
        {x: 1})

# --------------------------------------------------------------------------- integers
# Integer symbols: identities true for every integer but false between them, and statements
# false only for negative or large integers.
K = "integer"
zero("mod2-idempotent", Mod(n, 2)**2 - Mod(n, 2), K)
zero("minus-one-even-power", Pow(-1, 2*n, evaluate=False) - 1, K)
zero("sin-pi-n", sin(pi*n, evaluate=False), K)
zero("cos-2-pi-n", cos(2*pi*n, evaluate=False) - 1, K)
zero("sin-squared-half-pi-n", sin(pi*n/2)**2 - Mod(n, 2), K)
zero("square-mod-4", Mod(n**2, 4) - Mod(n, 2), K)
zero("cube-minus-n-mod-6", Mod(n**3 - n, 6), K)
zero("fermat-5", Mod(n**5 - n, 5), K)
zero("parity-of-square", (-1)**(n**2) - (-1)**n, K)
zero("floor-plus-ceiling-half-integer", floor(n/2) + ceiling(n/2) - n, K)
zero("mod2-via-power", Mod(n, 2) - (1 - (-1)**n)/2, K)
zero("abs-positive-integer", k**2 - k*Abs(k), K)  # SymPy builds 0 already
zero("mod-of-multiple", Mod(13*n, 13), K)
zero("mod-difference-two-integers", Mod(n - m, 7) - Mod(Mod(n, 7) - Mod(m, 7), 7), K)
zero("floor-half-nonnegative", floor(kn/2) - (kn - Mod(kn, 2))/2, K)
zero("carmichael-561", Mod(n**561 - n, 561), K)  # a**561 = a (mod 561) for every integer a
nonzero("pseudoprime-341", Mod(n**341 - n, 341), K, {n: 3})  # 341 = 11*31 passes base 2 only
nonzero("cube-minus-n-mod-12", Mod(n**3 - n, 12), K, {n: 2})
nonzero("fourth-power-mod-5", Mod(n**4 - 1, 5), K, {n: 5})
nonzero("square-mod-3-vs-parity", Mod(n**2, 3) - Mod(n, 2), K, {n: 2})
nonzero("abs-integer-negative", n**2 - n*Abs(n), K, {n: -1})
nonzero("sin-pi-n-over-3", sin(pi*n/3), K, {n: 1})
nonzero("mod2-vs-mod3", Mod(n, 2) - Mod(n, 3), K, {n: 2})
nonzero("heaviside-integer", Heaviside(n) - 1, K, {n: 0})  # only at 0 (H(0) = 1/2)
nonzero("integer-large-only", Min(k, 1000) - k, K, {k: 1001})
nonzero("integer-negative-only", Max(n, 0) - n, K, {n: -1})
nonzero("integer-two-symbols", Mod(n*m, 2) - Mod(n, 2)*Mod(m, 2) - Mod(n + m, 2), K,
        {n: 1, m: 0})

# --------------------------------------------------------------------------- matrices
K = "matrix"
zero("matrix-identities", Matrix([[(x + y)**2 - x**2 - 2*x*y - y**2, cosh(x)**2 - sinh(x)**2 - 1],
                                  [sin(2*x) - 2*sin(x)*cos(x), 0]]), K)
zero("matrix-jets", Matrix([L(sin(x)**2 + cos(x)**2) - L(1),
                            Derivative(F(x, y), x, y) - Derivative(F(x, y), y, x)]), K)
nonzero("matrix-one-abs-entry", Matrix([[sin(xr)**2 + cos(xr)**2 - 1, 0], [0, Abs(xr) - xr]]), K,
        {xr: -1})
nonzero("matrix-max-entry", Matrix([Max(x, 0) - x, x - x]), K, {x: -1})
nonzero("matrix-polynomial-entry", Matrix([[x**2 - y**2 - (x - y)*(x + y)], [x**3 - x]]), K,
        {x: 2, y: 0})

# --------------------------------------------------------------------------- easy identities
# Polynomial, rational and trigonometric identities: the prover must stay useful, and the ones
# marked must_prove must come out "proved".
K = "easy"
zero("binomial-cube", (x + y)**3 - (x**3 + 3*x**2*y + 3*x*y**2 + y**3), K, must_prove=True)
zero("difference-of-squares", (x - y)*(x + y) - (x**2 - y**2), K, must_prove=True)
zero("binomial-tenth", (x + 1)**10 - Add(*[binomial(10, j)*x**j for j in range(11)]), K,
     must_prove=True)
zero("partial-fractions", 1/(x - 1) + 1/(x + 1) - 2*x/(x**2 - 1), K, must_prove=True)
zero("geometric-quotient", (x**3 - 1)/(x - 1) - (x**2 + x + 1), K)  # undefined at x = 1
zero("pythagoras", sin(x)**2 + cos(x)**2 - 1, K, must_prove=True)
zero("hyperbolic-pythagoras", cosh(x)**2 - sinh(x)**2 - 1, K, must_prove=True)
zero("double-angle-sine", sin(2*x) - 2*sin(x)*cos(x), K, must_prove=True)
zero("double-angle-cosine", cos(2*x) - (cos(x)**2 - sin(x)**2), K)
zero("sine-addition", sin(x + y) - (sin(x)*cos(y) + cos(x)*sin(y)), K)
zero("tangent-quotient", tan(x) - sin(x)/cos(x), K)
zero("exp-addition", exp(x + y) - exp(x)*exp(y), K, must_prove=True)
zero("exp-doubling", exp(2*x) - exp(x)**2, K)
zero("sinh-definition", (exp(x) - exp(-x))/2 - sinh(x), K)
zero("fourth-powers", cos(x)**4 - sin(x)**4 - cos(2*x), K)
zero("rational-simplification", (x**2 - y**2)/(x - y) - x - y, K)
zero("nested-fraction", 1/(1 + 1/x) - x/(x + 1), K)
zero("polynomial-three-symbols", (x + y + z)**2 - x**2 - y**2 - z**2 - 2*(x*y + y*z + z*x), K,
     must_prove=True)
zero("lagrange-identity", (x**2 + y**2)*(z**2 + t**2) - (x*z - y*t)**2 - (x*t + y*z)**2, K)
zero("zero-constant", S.Zero, K, must_prove=True)
zero("exact-constant-radicals", sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6)), K)
zero("exact-constant-trig", sin(1)**2 + cos(1)**2 - 1, K)
zero("energy-rate-undamped", v*(-xr) + xr*v, K)  # d/dt(v**2/2 + x**2/2) along x' = v, v' = -x
nonzero("almost-pythagoras", sin(x)**2 + cos(x)**2 - 1 + x**3/10**6, K, {x: 1})
nonzero("wrong-double-angle", sin(2*x) - 2*sin(x), K, {x: 1})
nonzero("wrong-binomial", (x + y)**2 - x**2 - y**2, K, {x: 1, y: 1})
nonzero("wrong-partial-fractions", 1/(x - 1) - 1/(x + 1) - 2*x/(x**2 - 1), K, {x: 2})
nonzero("wrong-exp-addition", exp(x + y) - exp(x) - exp(y), K, {x: 0, y: 0})
nonzero("nonzero-constant", sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(7)), K, {})
nonzero("damped-energy-rate", -v**2/10, K, {v: 1})

if len({c.id for c in CASES}) != len(CASES):
    raise RuntimeError("duplicate case ids in the prover corpus")
