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
