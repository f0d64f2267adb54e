"""Tests of the restricted parser, the only door from user text to SymPy."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from inertia_verify import (InvalidArgument, parse_expression, parse_matrix, parse_names,
                            parse_scalar_or_matrix)
from inertia_verify._expressions import FUNCTIONS, parse_vector

x, y, z = sympy.symbols("x y z")


# ----------------------------------------------------------------------------- valid input


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**4/4 - x**2/2", x**4 / 4 - x**2 / 2),
        ("(x + y)**2", (x + y) ** 2),
        ("-x", -x),
        ("+x", x),
        ("--x", x),
        ("2*x*y - 3/4", 2 * x * y - sympy.Rational(3, 4)),
        ("x - y - z", x - y - z),
        ("x / y / z", x / (y * z)),
        ("2**-1", sympy.Rational(1, 2)),
        ("-x**2", -(x**2)),
        ("2**3**2", sympy.Integer(512)),
        ("sin(x)**2 + cos(x)**2", sympy.sin(x) ** 2 + sympy.cos(x) ** 2),
        ("exp(-x**2/2)", sympy.exp(-(x**2) / 2)),
        ("log(x)", sympy.log(x)),
        ("log(x, 2)", sympy.log(x, 2)),
        ("log(8, 2)", sympy.Integer(3)),
        ("sqrt(x**2 + y**2)", sympy.sqrt(x**2 + y**2)),
        ("tanh(sinh(cosh(x)))", sympy.tanh(sympy.sinh(sympy.cosh(x)))),
        ("atan2(y, x)", sympy.atan2(y, x)),
        ("abs(x) + Abs(y)", sympy.Abs(x) + sympy.Abs(y)),
        ("min(x, y, 1)", sympy.Min(x, y, 1)),
        ("Max(x, 0)", sympy.Max(x, 0)),
        ("Heaviside(x)", sympy.Heaviside(x)),
        ("erf(x) + sign(x) + cot(x) + sec(x) + csc(x)",
         sympy.erf(x) + sympy.sign(x) + sympy.cot(x) + sympy.sec(x) + sympy.csc(x)),
        ("asinh(x) + acosh(x) + atanh(x) + asin(x) + acos(x) + atan(x)",
         sympy.asinh(x) + sympy.acosh(x) + sympy.atanh(x) + sympy.asin(x) + sympy.acos(x)
         + sympy.atan(x)),
        ("pi*x + E", sympy.pi * x + sympy.E),
        ("sin(pi/6)", sympy.Rational(1, 2)),
        ("0x10 + 1_000", sympy.Integer(1016)),
        ("  x + 1\n", x + 1),
        ("(x +\n y)", x + y),
    ],
)
def test_valid_expressions(text, expected):
    assert parse_expression(text) == expected


def test_floats_keep_their_literal_text():
    assert parse_expression("0.1") == sympy.Float("0.1")
    assert parse_expression("1e-3") == sympy.Float("1e-3")
    assert parse_expression("1.5E3*x") == sympy.Float(1500) * x
    long = "0." + "3" * 40
    assert parse_expression(long) == sympy.Float(long)  # precision of the literal, not 15 digits


def test_integers_are_exact():
    value = parse_expression("12345678901234567890123 * 2")
    assert value == sympy.Integer(24691357802469135780246)
    assert isinstance(value, sympy.Integer)


def test_callers_symbols_come_back_identical():
    a = sympy.Symbol("a", positive=True)
    b = sympy.Symbol("b", real=True)
    expr = parse_expression("sqrt(a**2) + b*c", symbols={"a": a, "b": b})
    assert expr == a + b * sympy.Symbol("c")
    found = {s.name: s for s in expr.free_symbols}
    assert found["a"] is a and found["b"] is b
    assert found["c"].assumptions0 == sympy.Symbol("c").assumptions0


def test_symbols_shadow_constants():
    energy = sympy.Symbol("E", positive=True)
    expr = parse_expression("E + pi", symbols={"E": energy})
    assert expr == energy + sympy.pi


def test_abstract_functions():
    expr = parse_expression("L(x, y) + 1", functions=["L"])
    assert expr == sympy.Function("L")(x, y) + 1
    assert parse_expression("L(x)", functions="L") == sympy.Function("L")(x)
    loss = sympy.Function("loss", real=True)
    assert parse_expression("loss(x)", functions={"loss": loss}).func is loss
    with pytest.raises(InvalidArgument, match="unknown function 'M'"):
        parse_expression("M(x)", functions=["L"])
    with pytest.raises(InvalidArgument, match="'L' is a function"):
        parse_expression("L + 1", functions=["L"])
    with pytest.raises(InvalidArgument, match="takes at least 1 argument"):
        parse_expression("L()", functions=["L"])
    with pytest.raises(InvalidArgument, match="not a valid function name"):
        parse_expression("x", functions=["__class__"])


def test_allowed_names():
    assert parse_expression("a*x", allowed_names=["a", "x"]) == sympy.Symbol("a") * x
    assert parse_expression("x + pi", symbols={"x": x}, allowed_names=[]) == x + sympy.pi
    with pytest.raises(InvalidArgument) as info:
        parse_expression("a*x + b", argument="--loss", allowed_names=["a", "x"])
    message = str(info.value)
    assert "'--loss'" in message and "unknown name 'b'" in message
    assert "a, x" in message and "declare 'b' as a parameter" in message


def test_error_names_the_argument_and_type():
    with pytest.raises(InvalidArgument, match="argument 'loss'.*must be a string, not int"):
        parse_expression(3, argument="loss")
    for blank in ("", "   ", "\n"):
        with pytest.raises(InvalidArgument, match="is empty"):
            parse_expression(blank)


def test_errors_are_value_errors_and_keep_the_cause():
    with pytest.raises(ValueError):
        parse_expression("x +")
    with pytest.raises(InvalidArgument) as info:
        parse_expression("x +")
    assert isinstance(info.value.__cause__, SyntaxError)


@pytest.mark.parametrize("text", ["1/0", "log(0)", "0**-1", "tan(pi/2)", "0/0"])
def test_undefined_results_are_rejected(text):
    with pytest.raises(InvalidArgument, match="undefined or infinite"):
        parse_expression(text)


# ----------------------------------------------------------------------------- hostile input


def test_nothing_is_executed(tmp_path: Path):
    target = tmp_path / "pwned_xyz"
    attacks = [
        f"__import__('os').system('touch {target}')",
        "__import__('os')",
        f"open('{target}', 'w')",
        f"exec(\"open('{target}', 'w')\")",
        f"eval(\"open('{target}', 'w')\")",
        f"(lambda: open('{target}', 'w'))()",
        f"[open('{target}', 'w') for _ in (1,)]",
        f"sin(open('{target}', 'w'))",
    ]
    for text in attacks:
        with pytest.raises(InvalidArgument):
            parse_expression(text)
        with pytest.raises(InvalidArgument):
            parse_matrix(f"[[{text}]]")
        with pytest.raises(InvalidArgument):
            parse_vector(text, argument="x0")
    assert not target.exists()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("__import__('os').system('touch /tmp/pwned_xyz')", "attribute access ('.system')"),
        ("().__class__.__bases__[0].__subclasses__()", "attribute access ('.__subclasses__')"),
        ("x.__class__", "attribute access ('.__class__')"),
        ("lambda: 1", "lambda"),
        ("open('f')", "unknown function 'open'"),
        ("[x for x in y]", "comprehension"),
        ("(x for x in y)", "comprehension"),
        ("'abc'", "string literal"),
        ("b'abc'", "string literal"),
        ("f'{x}'", "f-string"),
        ("x if y else z", "conditional expression"),
        ("x[0]", "subscript"),
        ("f(x)", "unknown function 'f'"),
        ("x(1)", "unknown function 'x'"),
        ("(x + 1)(2)", "calling 'x + 1' is not allowed"),
        ("sin(x, y)", "sin() takes 1 argument, got 2"),
        ("atan2(x)", "atan2() takes 2 arguments, got 1"),
        ("log(x, 2, 3)", "log() takes 1 or 2 arguments, got 3"),
        ("min()", "min() takes at least 1 argument, got 0"),
        ("sin(x=1)", "keyword arguments"),
        ("sin(*x)", "argument unpacking"),
        ('exec("1")', "unknown function 'exec'"),
        ('eval("1")', "unknown function 'eval'"),
        ("getattr(x, 'a')", "unknown function 'getattr'"),
        ("x; import os", "not a valid expression"),
        ("import os", "not a valid expression"),
        ("x = 1", "not a valid expression"),
        ("x == y", "comparison"),
        ("x < y", "comparison"),
        ("x and y", "boolean operator"),
        ("not x", "'not'"),
        ("x // 2", "'//'"),
        ("x % 2", "'%'"),
        ("x @ y", "'@'"),
        ("x | y", "'|'"),
        ("x & y", "'&'"),
        ("x << 1", "'<<'"),
        ("~x", "'~'"),
        ("(y := 2)", "assignment expression"),
        ("{1: 2}", "dict"),
        ("{x}", "set"),
        ("[x, y]", "list or tuple"),
        ("x, y", "list or tuple"),
        ("1j", "complex number literal"),
        ("True", "True is not allowed"),
        ("None", "None is not allowed"),
        ("...", "Ellipsis is not allowed"),
        ("_x", "name '_x' is not allowed"),
        ("__builtins__", "name '__builtins__' is not allowed"),
        ("__import__('os')", "name '__import__' is not allowed"),
        ("sin", "'sin' is a function"),
        ("x\0", "null bytes"),
    ],
)
def test_disallowed_constructs_are_named(text, named):
    with pytest.raises(InvalidArgument) as info:
        parse_expression(text, argument="--loss")
    message = str(info.value)
    assert named in message
    assert message.startswith("argument '--loss' = ")


def test_caret_hints_at_double_star():
    with pytest.raises(InvalidArgument, match=r"'\^' is not allowed.*use \*\* for powers"):
        parse_expression("x^2")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("10**10**10", "power too large"),
        ("9**9**9**9", "power too large"),
        ("2**-100000", "power too large"),
        ("(1/3)**(10**50)", "power too large"),
        ("2.0**(10**400)", "power too large"),
        ("2**1e6", "power too large"),
        ("x**100000", "exponent too large"),
        ("x**-1001", "exponent too large"),
        ("(x + 1)**1000.5", "exponent too large"),
        ("exp(10**30*log(2))", "exponent too large"),  # SymPy would compute 2**(10**30)
        ("E**(10**30*log(2))", "exponent too large"),
        ("exp(log(3) + 10**30*log(2))", "exponent too large"),
        ("9**4000*9**4000", "numbers too large"),
        ("(123456*x)**1000", "numbers too large"),
        ("((x**1000)**1000)**1000", "numbers too large"),
        ("*".join(["7**1000"] * 20), "numbers too large"),
        ("1" * 200, "more than 100 digits"),
        ("0x" + "f" * 200, "more than 100 digits"),
        ("1" * 5000, "not a valid expression"),  # Python's own int-string limit
        ("1e999", "float literal"),
        ("0." + "1" * 150, "float literal"),
        ("x" * 200_000, "too long (200000 characters"),
        ("(" * 5000 + "x" + ")" * 5000, "too long"),
        ("-" * 100_000 + "x", "too long"),
        ("sin(" * 150 + "x" + ")" * 150, "nested too deeply"),
        ("-" * 150 + "x", "nested too deeply"),
        ("2**" * 150 + "1", "nested too deeply"),
    ],
)
def test_resource_abuse_fails_fast(text, named):
    # No wall-clock assertion: every guard runs before SymPy does any large arithmetic.
    with pytest.raises(InvalidArgument) as info:
        parse_expression(text)
    assert named in str(info.value)


@pytest.mark.parametrize(
    "text", ["(" * 300 + "x" + ")" * 300, "-" * 9_000 + "x", "[" * 3_000 + "]" * 3_000,
             "x" + "+x" * 4_900, "x" + "**x" * 3_000, "sin(" * 1_000 + "x" + ")" * 1_000],
    ids=["parentheses", "unary-minus", "brackets", "long-sum", "power-tower", "calls"])
def test_pathological_nesting_is_refused(text):
    # Depending on the Python version, the parser itself refuses these (SyntaxError,
    # RecursionError or MemoryError) or the size checks do; either way as InvalidArgument.
    try:
        result = parse_expression(text)
    except InvalidArgument as exc:
        assert "not a valid expression" in str(exc) or "nested" in str(exc)
    else:  # only a long flat sum may legitimately parse
        assert result == 4_901 * x


def test_limits_still_allow_ordinary_large_inputs():
    assert parse_expression("(x + 1)**1000") == (x + 1) ** 1000
    assert parse_expression("2**1000") == sympy.Integer(2) ** 1000
    assert parse_expression("(3*x)**100") == 3**100 * x**100
    assert parse_expression("exp(10*log(2))") == 1024
    terms = " + ".join(f"{k}*x**{k}" for k in range(1, 300))  # a long chain is flat, not deep
    assert parse_expression(terms) == sum(k * x**k for k in range(1, 300))
    nested = "sin(" * 40 + "x" + ")" * 40
    assert parse_expression(nested).count(sympy.sin) == 40


def test_module_never_calls_eval_or_sympify():
    source = Path(__file__).resolve().parents[1] / "inertia_verify" / "_expressions.py"
    tree = ast.parse(source.read_text())
    forbidden = {"eval", "exec", "compile", "sympify", "parse_expr", "__import__", "S"}
    used = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    used |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not used & forbidden


# ----------------------------------------------------------------------------- matrices


def test_matrices():
    assert parse_matrix("[[1, 0], [0, 2]]") == sympy.Matrix([[1, 0], [0, 2]])
    assert parse_matrix("((a, 0), (0, b))") == sympy.Matrix(sympy.diag(*sympy.symbols("a b")))
    assert parse_matrix("[[x**2, sin(y)]]") == sympy.Matrix([[x**2, sympy.sin(y)]])
    gamma = sympy.Symbol("gamma", positive=True)
    m = parse_matrix("[[gamma, 0], [0, 1]]", symbols={"gamma": gamma})
    assert m[0, 0] is gamma


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[1, 2]", "write a matrix as a list of rows, e.g. [[1,0],[0,2]]"),
        ("[[1, 0], 2]", "is not a list of rows"),
        ("x", "is not a list of rows"),
        ("[]", "is empty"),
        ("[[]]", "lengths: 0"),
        ("[[1, 0], [0]]", "lengths: 2, 1"),
        ("[[1, [2]]]", "list or tuple"),
        ("[[x.y]]", "attribute access ('.y')"),
        ("[[1/0]]", "undefined"),
    ],
)
def test_bad_matrices(text, named):
    with pytest.raises(InvalidArgument, match="argument 'damping'") as info:
        parse_matrix(text, argument="damping")
    assert named in str(info.value)


def test_scalar_or_matrix():
    assert parse_scalar_or_matrix("gamma", argument="damping") == sympy.Symbol("gamma")
    assert parse_scalar_or_matrix("[[1]]", argument="damping") == sympy.Matrix([[1]])
    with pytest.raises(InvalidArgument, match="a, b"):
        parse_scalar_or_matrix("[[c]]", argument="damping", allowed_names=["a", "b"])


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("text", "expected"),
    [("x,y", ("x", "y")), ("x, y", ("x", "y")), (" q ", ("q",)),
     ("theta1, p_1", ("theta1", "p_1"))],
)
def test_names(text, expected):
    assert parse_names(text) == expected


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "is empty"),
        ("x,,y", "empty name"),
        ("x,", "empty name"),
        ("1x", "'1x' is not a valid name"),
        ("x y", "'x y' is not a valid name"),
        ("x.y", "'x.y' is not a valid name"),
        ("lambda", "'lambda' is not a valid name"),
        ("_a", "starts with '_'"),
        ("__class__", "starts with '_'"),
        ("sin", "'sin' is a function name"),
        ("pi", "'pi' is a constant"),
        ("E", "'E' is a constant"),
        ("x, y, x", "'x' appears twice"),
    ],
)
def test_bad_names(text, named):
    with pytest.raises(InvalidArgument, match="argument 'coordinates'") as info:
        parse_names(text, argument="coordinates")
    assert named in str(info.value)


def test_names_are_normalised_like_python_identifiers():
    (name,) = parse_names("\ufb01")  # the ligature "fi", which Python's parser reads as "fi"
    assert parse_expression("\ufb01").name == name == "fi"


# ----------------------------------------------------------------------------- vectors


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,0", (1.0, 0.0)),
        ("[1, 0]", (1.0, 0.0)),
        ("(1, -2.5)", (1.0, -2.5)),
        ("pi/2", (math.pi / 2,)),
        ("[sqrt(2), exp(1), 1e-3]", (math.sqrt(2), math.e, 1e-3)),
    ],
)
def test_vectors(text, expected):
    assert parse_vector(text, argument="x0") == pytest.approx(expected)
    assert all(isinstance(v, float) for v in parse_vector(text, argument="x0"))


@pytest.mark.parametrize(
    ("text", "length", "named"),
    [
        ("1, 0", 3, "has 2 numbers, expected 3"),
        ("[]", None, "is empty"),
        ("x, 1", None, "entry 1 ('x') is not a number"),
        ("sqrt(-1)", None, "not a finite real number"),
        ("exp(1000)", None, "not a finite real number"),
        ("1/0", None, "undefined"),
        ("[[1, 0]]", None, "list or tuple"),
        ("x.real", None, "attribute access"),
    ],
)
def test_bad_vectors(text, length, named):
    with pytest.raises(InvalidArgument, match="argument 'x0'") as info:
        parse_vector(text, argument="x0", length=length)
    assert named in str(info.value)


# ----------------------------------------------------------------------------- properties


coefficients = st.one_of(
    st.integers(-10**6, 10**6),
    st.fractions(max_denominator=50).map(lambda f: sympy.Rational(f.numerator, f.denominator)),
)
polynomials = st.dictionaries(
    st.tuples(st.integers(0, 6), st.integers(0, 6)), coefficients, max_size=12
).map(lambda terms: sum((c * x**i * y**j for (i, j), c in terms.items()), sympy.Integer(0)))


@settings(max_examples=200, deadline=None)
@given(polynomials)
def test_polynomials_round_trip(expr):
    assert parse_expression(str(expr)) == expr


@settings(max_examples=100, deadline=None)
@given(polynomials, st.sampled_from(sorted(name for name, spec in FUNCTIONS.items()
                                             if spec[1] == 1 and name[0].islower())))
def test_functions_of_polynomials_round_trip(expr, name):
    built = FUNCTIONS[name][0](expr)
    # acosh(0) evaluates to I*pi/2 and log(0) to zoo; the grammar has neither the imaginary unit
    # nor infinities ('I' and 'zoo' are plain names), so only finite real results can round-trip.
    assume(not built.has(sympy.I, sympy.zoo, sympy.oo, -sympy.oo, sympy.nan))
    assert parse_expression(str(built)) == built


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xy0123456789+-*/()., ^%[]_'=ab", max_size=40))
def test_arbitrary_text_either_parses_or_raises_invalid_argument(text):
    try:
        result = parse_expression(text)
    except InvalidArgument:
        return
    assert isinstance(result, sympy.Expr)


# ----------------------------------------------------------------------------- bounded evaluation
# SymPy evaluates while it builds (issue 10, section 5).  These check each bound by its message;
# tests/test_expressions_fuzz.py checks that every generated input is answered quickly.


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("cos(exp(7.89e27))", "'exp(7.89e27)' involves exp of a number larger than 9210"),
        ("exp(10.0**3000)", "exp of a number larger than 9210"),
        ("exp(-10**4)", "below 1e-4000"),
        ("sinh(10**4)", "sinh of a number larger than 9210"),
        ("sin(10**101)", "sin of a number larger than 1e100"),
        ("tan(2.0**400 + x - x)", "tan of a number larger than 1e100"),
        ("x*exp(9000)*exp(9000)", "larger than 9210"),  # SymPy makes exp(18000) itself
        ("(10**300)**(4.5*pi)", "a power beyond 1e4000"),
        ("erf(97*sqrt(-1))", "erf of a complex number larger than 96"),
    ],
)
def test_numbers_too_large_to_evaluate_are_refused(text, named):
    with pytest.raises(InvalidArgument) as info:
        parse_expression(text, argument="--loss")
    assert named in str(info.value)
    assert "use smaller numbers" in str(info.value)


def test_large_numbers_within_the_bounds_are_kept():
    assert parse_expression("exp(9000)") == sympy.exp(9000)
    assert parse_expression("sin(10**99)") == sympy.sin(sympy.Integer(10) ** 99)
    assert parse_expression("sin(1e300*x)") == sympy.sin(sympy.Float("1e300") * x)  # symbolic
    assert parse_expression("exp(exp(9))") == sympy.exp(sympy.exp(9))  # about 1e3519


@pytest.mark.parametrize(
    ("text", "cause"),
    [("Heaviside(log(-1))*x", ValueError), ("Max(x, acos(pi))", ValueError),
     ("Min(1, sqrt(-1))", ValueError)],
)
def test_sympy_errors_become_invalid_argument(text, cause):
    with pytest.raises(InvalidArgument, match="cannot be evaluated") as info:
        parse_expression(text)
    assert isinstance(info.value.__cause__, cause)


def test_max_and_min_take_at_most_sixteen_arguments():
    names = [f"a{i}" for i in range(17)]
    assert len(parse_expression(f"Max({', '.join(names[:16])})").args) == 16
    with pytest.raises(InvalidArgument, match=r"Max\(\) of 17 arguments is too many"):
        parse_expression(f"Max({', '.join(names)})")
    # Nested calls are flattened into one comparison, so they count together.
    with pytest.raises(InvalidArgument, match=r"min\(\) of 17 arguments"):
        parse_expression(f"min(Min({', '.join(names[:9])}), {', '.join(names[9:])})")
    assert parse_expression(f"Min(Max({', '.join(names[:9])}), {', '.join(names[9:])})")


def _at(expr, **values):
    return complex(expr.evalf(30, subs={sympy.Symbol(k): v for k, v in values.items()}))


def test_deep_nesting_is_built_unevaluated_with_the_same_value():
    # SymPy's queries grow about threefold per nested tanh; beyond 3 levels, no simplification.
    deep = parse_expression("tanh(tanh(tanh(tanh(tanh(x)))))")
    assert deep.count(sympy.tanh) == 5
    value = 0.3
    for _ in range(5):
        value = math.tanh(value)
    # 5 nested double-precision tanh: within a few ulps; 1e-12 relative is a wide margin.
    assert _at(deep, x=0.3) == pytest.approx(value, rel=1e-12)
    # Pieces SymPy reduces to numbers nest nothing, so simplification carries on above them.
    assert parse_expression("tanh(tanh(tanh(tanh(tanh(tanh(0))))))") == 0
    assert parse_expression("sin(pi/6) + tanh(sinh(cosh(x)))") == (
        sympy.Rational(1, 2) + sympy.tanh(sympy.sinh(sympy.cosh(x))))


def test_evaluation_budget_keeps_the_mathematics():
    # Past the budget, functions are built unevaluated; the value is unchanged.
    names = [f"x{i}" for i in range(60)]
    expr = parse_expression(" + ".join(f"tanh(sinh(cosh({n})))" for n in names))
    point = {n: 0.01 * i for i, n in enumerate(names)}
    expected = sum(math.tanh(math.sinh(math.cosh(v))) for v in point.values())
    # 60 terms of three nested evaluations each: 1e-12 relative covers round-off.
    assert _at(expr, **point) == pytest.approx(expected, rel=1e-12)


def test_vectors_refuse_entries_too_deep_to_evaluate():
    three = math.tanh(math.tanh(math.tanh(0.5)))
    assert parse_vector("tanh(tanh(tanh(1/2)))", argument="x0") == pytest.approx((three,))
    # Floats are evaluated at once, level by level, so they nest nothing.
    five = math.tanh(math.tanh(three))
    assert parse_vector("tanh(tanh(tanh(tanh(tanh(0.5)))))", argument="x0") == pytest.approx(
        (five,))
    with pytest.raises(InvalidArgument, match="nests more than 3 functions"):
        parse_vector("tanh(tanh(tanh(tanh(tanh(1/2)))))", argument="x0")


def test_estimates_leave_the_global_mpmath_precision_alone():
    import mpmath

    before = mpmath.mp.prec
    parse_expression("sin(exp(99)) + erf(3) + atan2(1, 2)")
    assert mpmath.mp.prec == before


def test_heaviside_keeps_its_sign_decisions_without_expanding():
    real = sympy.Symbol("x", real=True)
    assert parse_expression("Heaviside(x**2 + 1) + Heaviside(-x**2 - 1)",
                            symbols={"x": real}) == 1
    assert parse_expression("Heaviside(x, 1)") == sympy.Heaviside(x, 1)
    # SymPy's im(arg) would expand the power (minutes); the sign query alone is cheap.
    # (evaluate=False here too: building the expected value the usual way would take minutes)
    assert parse_expression("Heaviside((x + 1)**999)") == sympy.Heaviside((x + 1) ** 999,
                                                                           evaluate=False)
    with pytest.raises(InvalidArgument, match="defined only for real values") as info:
        parse_expression("Heaviside(x + sqrt(-1))")
    assert isinstance(info.value.__cause__, ValueError)
