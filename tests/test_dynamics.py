"""The dynamics specification: what it accepts and what it rejects, with clear errors."""

import pytest
import sympy

from inertia_verify import TIME, Dynamics, InvalidArgument


def test_named_and_indexed_coordinates():
    assert [c.name for c in Dynamics.from_text("x**2 + y**2", "x,y").coordinates] == ["x", "y"]
    dyn = Dynamics.abstract(3)
    assert [c.name for c in dyn.coordinates] == ["theta_0", "theta_1", "theta_2"]
    assert [v.name for v in dyn.velocities] == ["v_theta_0", "v_theta_1", "v_theta_2"]
    assert dyn.is_abstract


@pytest.mark.parametrize("damping, kind", [
    (None, "zero"), ("0.5", "scalar"), ("gamma", "scalar"), ("3/t", "time"),
    ("[[1,0],[0,2]]", "matrix"), ("[[1/t,0],[0,2]]", "matrix-time"),
])
def test_damping_kinds(damping, kind):
    assert Dynamics.from_text("x**2 + y**2", "x,y", damping=damping).damping_kind == kind


def test_abstract_damping_schedule_allowed():
    g = sympy.Function("g")(TIME)
    assert Dynamics.abstract(2, damping=g).damping_kind == "time"


@pytest.mark.parametrize("kwargs, argument, fragment", [
    (dict(damping="[[1,0,0],[0,1,0],[0,0,1]]"), "damping", "3x3 matrix but there are 2"),
    (dict(damping="x"), "damping", "depends on x"),
    (dict(damping="v_x"), "damping", "depends on v_x"),
    (dict(mass="[[1,2],[0,1]]"), "mass", "not symmetric"),
    (dict(mass="[[1,0],[0,-1]]"), "mass", "not positive definite"),
    (dict(mass="[[t,0],[0,1]]"), "mass", "depends on t"),
    (dict(mass="[[1,0]]"), "mass", "expected 2x2"),
    (dict(parameters="a"), "loss", "unknown name 'b'"),
])
def test_invalid_combinations(kwargs, argument, fragment):
    with pytest.raises(InvalidArgument) as info:
        Dynamics.from_text("a*x**2 + b*y**2", "x,y", **kwargs)
    assert info.value.argument == argument
    assert fragment in str(info.value)


def test_python_api_rejects_text_and_bad_coordinates():
    x = sympy.Symbol("x")
    with pytest.raises(InvalidArgument, match="never evaluated"):
        Dynamics("x**2", [x])
    with pytest.raises(InvalidArgument, match="repeats"):
        Dynamics(x**2, ["x", "x"])
    with pytest.raises(InvalidArgument, match="reserved for time"):
        Dynamics(x**2, ["x", "t"])
    with pytest.raises(InvalidArgument, match="at least 1"):
        Dynamics.abstract(0)
    with pytest.raises(InvalidArgument, match="depends on time"):
        Dynamics(x**2 * TIME, [x])
    with pytest.raises(InvalidArgument, match="undefined function"):
        Dynamics(x**2, [x], damping=sympy.Function("g")(x))


def test_substitute_never_evaluates_text_even_inside_a_container():
    # sympy.sympify would run the text inside a list as Python; here it is refused unread.
    import numpy as np

    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
    for hostile in ['__import__("os").getpid()', ['__import__("os").getpid()'],
                    ('1+1',), {"a": "2"}, b"1"]:
        with pytest.raises(InvalidArgument, match=r"values\['gamma'\]"):
            dyn.substitute({"gamma": hostile})
    # NumPy scalars and 0-d arrays are numbers.
    assert dyn.substitute({"gamma": np.int64(3)}).damping[0, 0] == 3
    assert dyn.substitute({"gamma": np.array(0.5)}).damping[0, 0] == sympy.Float(0.5)


def test_substitute_parameters():
    dyn = Dynamics.from_text("a*x**2", "x", damping="gamma")
    numeric = dyn.substitute({"a": 2, "gamma": sympy.Rational(1, 2)})
    assert numeric.parameters == ()
    assert numeric.damping[0, 0] == sympy.Rational(1, 2)
    with pytest.raises(InvalidArgument, match="not a parameter"):
        dyn.substitute({"b": 1})


def test_display():
    dyn = Dynamics.from_text("x**2/2", "x", damping="gamma")
    assert "gamma" in dyn._repr_latex_() and "Dynamics(" in repr(dyn)


def test_partial_derivatives_agree_with_sympy_diff():
    from inertia_verify._dynamics import partial_derivatives

    x, y, z = sympy.symbols("x y z", real=True)
    L = sympy.Function("L")(x, y)
    expr = (x**4 / 4 - x**2 / 2 + sympy.Rational(1, 3) * x * y + 3 * x * y**2 * z
            + sympy.sin(x) * y + (x + y)**3 + L + sympy.Derivative(L, x) * z + 5 + x**-2)
    for got, var in zip(partial_derivatives(expr, [x, y, z]), (x, y, z)):
        assert sympy.expand(got - sympy.diff(expr, var)) == 0


def test_a_coordinate_absent_from_the_loss_is_a_warning_naming_it():
    import warnings

    from inertia_verify import InertiaVerifyWarning, UnusedCoordinateWarning

    # The typo of issue 10: y meant as a coordinate, z typed instead; the system is then a free
    # particle in z and a parameter y, whose inertia is conserved.
    with pytest.warns(UnusedCoordinateWarning, match=r"coordinate z does not appear.*y was taken"
                                                     r" as a parameter") as caught:
        Dynamics.from_text("x**2 + y**2", "x,z")
    assert len(caught) == 1 and caught[0].filename == __file__  # points at the caller's line
    assert issubclass(UnusedCoordinateWarning, InertiaVerifyWarning)
    with pytest.warns(UnusedCoordinateWarning, match="coordinates x, y do not appear.*a was"):
        Dynamics.from_text("a", "x,y")
    # declared parameters: nothing is taken silently, only the free coordinate is named
    with pytest.warns(UnusedCoordinateWarning, match="coordinate z .*check the coordinate names"):
        Dynamics.from_text("a*x**2", "x,z", parameters="a")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Dynamics.from_text("x**4/4 - x**2/2 + a*y**2", "x,y", damping="gamma")
        Dynamics.abstract(3)
        Dynamics(sympy.Integer(0), "x,y", noise=1)  # a constant loss: a free particle on purpose


# -- the vocabulary: kinds as enums, asked through properties ----------------------------------
from inertia_verify._dynamics import CALCULI, Calculus, DampingKind, NoiseKind  # noqa: E402


@pytest.mark.parametrize("damping, kind, undamped, scalar, constant", [
    (None, DampingKind.ZERO, True, True, True),
    ("0.5", DampingKind.SCALAR, False, True, True),
    ("3/t", DampingKind.TIME, False, True, False),
    ("[[1,0],[0,2]]", DampingKind.MATRIX, False, False, True),
    ("[[1/t,0],[0,2]]", DampingKind.MATRIX_TIME, False, False, False),
])
def test_damping_kind_is_an_enum_member_and_properties_agree(damping, kind, undamped, scalar,
                                                              constant):
    dyn = Dynamics.from_text("x**2 + y**2", "x,y", damping=damping)
    assert dyn.damping_kind is kind
    assert (dyn.undamped, dyn.scalar_damping, dyn.constant_damping) == (undamped, scalar, constant)
    # damping_coefficient gives Γ back as the constructor takes it: rebuilding is the identity.
    again = Dynamics(dyn.loss, dyn.coordinates, damping=dyn.damping_coefficient)
    assert again.damping == dyn.damping and again.damping_kind is kind


def test_kinds_read_and_serialise_as_their_text():
    import json

    assert [str(k) for k in DampingKind] == ["zero", "scalar", "time", "matrix", "matrix-time"]
    assert [str(k) for k in NoiseKind] == ["none", "isotropic", "additive", "multiplicative"]
    assert CALCULI == ("ito", "stratonovich") and Calculus("ito") is Calculus.ITO
    assert json.dumps([DampingKind.MATRIX_TIME, NoiseKind.NONE]) == '["matrix-time", "none"]'
    assert f"{Calculus.STRATONOVICH}" == "stratonovich"
    assert repr(DampingKind.SCALAR) == "DampingKind.SCALAR"


@pytest.mark.parametrize("noise, kind, noisy, multiplicative", [
    (None, NoiseKind.NONE, False, False),
    ("s", NoiseKind.ISOTROPIC, True, False),
    ("[[0.1], [0.2]]", NoiseKind.ADDITIVE, True, False),
    ("[[x, 0], [0, 1]]", NoiseKind.MULTIPLICATIVE, True, True),
])
def test_noise_kind_and_properties(noise, kind, noisy, multiplicative):
    dyn = Dynamics.from_text("x**2 + y**2", "x,y", damping="1", noise=noise)
    assert dyn.noise_kind is kind
    assert (dyn.is_noisy, dyn.multiplicative_noise) == (noisy, multiplicative)


def test_calculus_is_stored_as_a_member():
    dyn = Dynamics.from_text("x**2/2", "x", noise="s*v_x", calculus="stratonovich")
    assert dyn.calculus is Calculus.STRATONOVICH
    assert "calculus='stratonovich'" in repr(dyn)


def test_identity_mass():
    assert Dynamics.from_text("x**2 + y**2", "x,y").identity_mass
    assert not Dynamics.from_text("x**2 + y**2", "x,y", mass="[[2,0],[0,1]]").identity_mass
    assert Dynamics.from_text("x**2 + y**2", "x,y", mass="[[1,0],[0,1]]").identity_mass


def test_without_noise_keeps_the_deterministic_part():
    noisy = Dynamics.from_text("x**2/2 + y**2", "x,y", damping="g", mass="[[2,0],[0,1]]",
                               noise="[[s*v_x, 0], [0, 1]]", calculus="stratonovich")
    plain = noisy.without_noise()
    assert not plain.is_noisy and plain.noise is None and plain.noise_kind is NoiseKind.NONE
    assert plain.calculus is Calculus.ITO
    assert (plain.loss, plain.damping, plain.mass) == (noisy.loss, noisy.damping, noisy.mass)
    assert plain.acceleration == noisy.acceleration  # the drift without any Itô correction
    assert [p.name for p in plain.parameters] == ["g"]  # s was a parameter of the noise only
    assert noisy.is_noisy and noisy.parameters[-1].name == "s"  # the original is untouched


def test_without_noise_keeps_declared_parameters_and_is_identity_without_noise():
    dyn = Dynamics.from_text("a*x**2", "x", parameters="a,s", noise="s")
    assert [p.name for p in dyn.without_noise().parameters] == ["a", "s"]
    plain = Dynamics.from_text("x**2", "x")
    assert plain.without_noise() is plain


def test_without_noise_does_not_warn_twice():
    import warnings

    from inertia_verify import UnusedCoordinateWarning

    with pytest.warns(UnusedCoordinateWarning):
        dyn = Dynamics.from_text("x**2", "x,y", noise="1")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnusedCoordinateWarning)
        assert not dyn.without_noise().is_noisy


def test_validation_does_not_change_the_caller_objects():
    # Implicit parameters are collected by the constructor, not appended by the checks; the
    # matrices the caller passed are copied, not kept (mutating them later changes nothing).
    damping = sympy.Matrix([[sympy.Symbol("g", real=True), 0], [0, 1]])
    x, y = sympy.symbols("x y", real=True)
    dyn = Dynamics(x**2 + y**2, [x, y], damping=damping, noise=sympy.Symbol("s", real=True))
    assert [p.name for p in dyn.parameters] == ["g", "s"]
    damping[1, 1] = 5
    assert dyn.damping[1, 1] == 1
    assert dyn.mass is not dyn.mass_inverse  # two matrices, not one object under two names


# -- quadratic_parts: L = ½θᵀAθ + bᵀθ + c exactly, or a refusal -----------------------------------
def _reassembled(dyn):
    A, b, c = dyn.quadratic_parts()
    theta = sympy.Matrix(dyn.coordinates)
    return A, b, c, sympy.expand((theta.T * A * theta)[0, 0] / 2 + (b.T * theta)[0, 0] + c)


@pytest.mark.parametrize("loss, names", [
    ("x**2/2 + 2*y**2", "x,y"),
    ("(x - 2*y + 1)**2", "x,y"),          # quadratic only after expansion
    ("a*x**2 + b*x*y + c*x + d", "x,y"),  # symbolic coefficients
    ("3", "x"),                            # constant: A = 0, b = 0
    ("(w*x)**2/2 + exp(a)*x", "x"),
])
def test_quadratic_parts_reassemble_the_loss_exactly(loss, names):
    dyn = Dynamics.from_text(loss, names)
    A, b, c, again = _reassembled(dyn)
    assert sympy.expand(again - dyn.loss) == 0
    assert A == A.T and not any(e.has(*dyn.coordinates) for e in (*A, *b, c))


def test_quadratic_parts_values():
    a = sympy.Symbol("a", real=True)
    A, b, c = Dynamics.from_text("(x - y)**2/2 + a*x + 3", "x,y").quadratic_parts()
    assert A == sympy.Matrix([[1, -1], [-1, 1]])
    assert b == sympy.Matrix([a, 0]) and c == 3


@pytest.mark.parametrize("dyn, fragment", [
    (Dynamics.from_text("x**4/4 - x**2/2", "x"), "degree 4"),
    (Dynamics.from_text("x**2 + x*y**2", "x,y"), "degree 3"),
    (Dynamics.from_text("cos(x)", "x"), "not a polynomial"),
    (Dynamics.from_text("(sin(x)**2 + cos(x)**2)*x**2", "x"), "not a polynomial"),
    (Dynamics.from_text("x**a", "x"), "not a polynomial"),
    (Dynamics.abstract(2), "abstract"),
])
def test_quadratic_parts_refuses_with_the_reason(dyn, fragment):
    with pytest.raises(InvalidArgument, match=fragment) as info:
        dyn.quadratic_parts()
    assert info.value.argument == "loss" and "not quadratic" in info.value.problem
    assert info.value.fix  # says what to give instead


@pytest.mark.parametrize("damping", [[["__import__('os').getcwd()"]], [[1, "2"], [0, 1]], ["1", 2]])
def test_text_inside_a_matrix_is_refused_never_evaluated(damping):
    # sympy.Matrix keeps or sympifies strings depending on the version; an entry that is text is
    # refused like text alone, with the argument named.
    x, y = sympy.symbols("x y")
    with pytest.raises(InvalidArgument, match=r"argument 'damping'.*is text"):
        Dynamics(x**2 / 2 + y**2 / 2, [x, y], damping=damping)


def test_numpy_scalars_inside_a_matrix_are_numbers():
    import numpy as np

    x, y = sympy.symbols("x y")
    dyn = Dynamics(x**2 / 2 + y**2 / 2, [x, y], damping=[[np.int64(1), 0], [0, np.int64(2)]])
    assert dyn.damping == sympy.Matrix([[1, 0], [0, 2]])
