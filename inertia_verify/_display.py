"""Small helpers for showing results as text tables and LaTeX."""

from __future__ import annotations

__all__ = ["latex_text", "text_table"]

_LATEX_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "^": r"\^{}", "%": r"\%", "&": r"\&",
                  "#": r"\#", "$": r"\$", "{": r"\{", "}": r"\}", "~": r"\~{}"}


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
