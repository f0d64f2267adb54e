"""Concrete losses used by several catalogue entries (a private helper, not a claim)."""

#: A dozen losses of different kinds: polynomial, trigonometric, exponential, logarithmic,
#: rational, coupled, in 1 to 4 coordinates.  (text, coordinates)
CONCRETE_LOSSES = [
    ("x**2/2", "x"),
    ("x**4/4 - x**2/2", "x"),
    ("a*x**2/2 + b*y**2/2", "x,y"),
    ("(1 - x)**2 + 100*(y - x**2)**2", "x,y"),
    ("1 - cos(x)", "x"),
    ("sin(x)*cos(y) + x*y", "x,y"),
    ("log(1 + exp(-x*y))", "x,y"),
    ("exp(x) - x + tanh(y)**2", "x,y"),
    ("x**2/(1 + x**2) + z**4", "x,z"),
    ("sqrt(1 + x**2 + y**2)", "x,y"),
    ("x**4 + y**4 + z**4 + x*y + y*z", "x,y,z"),
    ("(x1*x2 - 1)**2 + (x3 + x4)**2 + atan(x1)", "x1,x2,x3,x4"),
]
