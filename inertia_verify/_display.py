"""Small helpers for showing results as text tables and LaTeX."""

from __future__ import annotations

import functools

__all__ = ["expression_text", "latex_text", "matrix_text", "text_table"]

#: Above this many symbols an expression is printed in its stored term order: SymPy's default
#: order sorts the terms of a sum by their monomials over every symbol, (terms x symbols) work
#: (12 s for a 5000-coordinate rate, against 0.3 s in stored order).
_ORDERED_SYMBOLS = 100

_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "^": r"\^{}", "%": r"\%", "&": r"\&",
                  "#": r"\#", "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\~{}"}


@functools.lru_cache(maxsize=16)  # a derivation prints its rate in several fields
def expression_text(expr) -> str:
    """``str(expr)``, or, for an expression in more than 100 symbols, the same expression with
    its terms in SymPy's stored order (``sstr(expr, order="none")``: deterministic, and parsed
    back to the same expression).

    A sum of monomials (a rational times powers of symbols) is then written without the
    printer, which asks SymPy's assumptions about every product it prints (about 1 ms a term);
    the text is the printer's, character for character.

    Examples
    --------
    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> expression_text(y**2 + x)
    'x + y**2'
    >>> v = sympy.symbols("v0:200")
    >>> expression_text(sympy.Add(*[-s**2 / 2 for s in v]))[:26]
    '-v0**2/2 - v1**2/2 - v10**'
    """
    import sympy

    if not isinstance(expr, sympy.Basic) or len(expr.free_symbols) <= _ORDERED_SYMBOLS:
        return str(expr)
    terms = [_monomial_text(t) for t in sympy.Add.make_args(expr)]
    if None in terms:
        return sympy.sstr(expr, order="none")
    pieces = [terms[0]]
    for t in terms[1:]:
        pieces.append(f"- {t[1:]}" if t.startswith("-") else f"+ {t}")
    return " ".join(pieces)


def _monomial_text(term) -> str | None:
    """What ``sstr(term, order="none")`` prints for a rational times positive integer powers of
    plain symbols (None for anything else)."""
    import sympy

    if term.is_Rational:
        return str(term)
    factors = term.args if term.is_Mul else (term,)
    p, q = (factors[0].p, factors[0].q) if factors[0].is_Rational else (1, 1)  # Python ints
    numerator, shown = [], []
    if p not in (1, -1):
        numerator.append(str(abs(p)))
    for factor in factors[1:] if factors[0].is_Rational else factors:
        base, exp = factor.as_base_exp()
        if type(base) is not sympy.Symbol or not exp.is_Integer or int(exp) < 1:
            return None
        shown.append(base.name if int(exp) == 1 else f"{base.name}**{int(exp)}")
    text = "*".join(numerator + shown)
    if q != 1:
        text += f"/{q}"
    return ("-" if p < 0 else "") + text


def matrix_text(matrix) -> str:
    """``str(matrix.tolist())``, each nonzero entry printed once and the zeros without SymPy
    (a d x d mass or damping matrix has d² entries).

    Examples
    --------
    >>> import sympy
    >>> matrix_text(sympy.Matrix([[1, 0], [0, sympy.Symbol("g")]]))
    '[[1, 0], [0, g]]'
    """
    nonzero: dict = {}
    for (i, j), entry in matrix.todok().items():
        nonzero.setdefault(i, {})[j] = str(entry)
    rows = []
    for i in range(matrix.rows):
        cells, done = [], 0  # runs of zeros are repeated strings, not d² list items
        for j, text in sorted(nonzero.get(i, {}).items()):
            cells.append("0, " * (j - done) + text + ", ")
            done = j + 1
        rows.append("[" + "".join(cells) + "0, " * (matrix.cols - done))
    return "[" + ", ".join(row[:-2] + "]" for row in rows) + "]"


def latex_text(text: str) -> str:
    r"""Escape plain text for use inside ``\text{...}``.

    Examples
    --------
    >>> latex_text("karagoz2025/eq4_x")
    'karagoz2025/eq4\\_x'
    """
    return "".join(_LATEX_ESCAPES.get(ch, ch) for ch in text)


def text_table(header: list[str], rows: list[list[str]], *, widths: list[int] | None = None) -> str:
    """A plain-text table; cells longer than their column width are cut with an ellipsis.

    Examples
    --------
    >>> print(text_table(["id", "verdict"], [["a/b", "proved"]]))
    id   verdict
    ---  -------
    a/b  proved
    """
    columns = len(header)
    if widths is None:
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(columns)]

    def cut(cell: str, width: int) -> str:
        cell = " ".join(str(cell).split())
        return cell if len(cell) <= width else cell[: max(width - 1, 1)] + "…"

    lines = ["  ".join(cut(h, w).ljust(w) for h, w in zip(header, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cut(c, w).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)
