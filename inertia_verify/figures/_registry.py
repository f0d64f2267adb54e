"""The figures of the paper: a registry, and writing them as PNG files."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .._errors import InvalidArgument
from . import _decay_rate, _discrete, _envelope, _phase, _sec5, _stochastic, _trajectories_2d
from ._plotting import DPI, pyplot

__all__ = ["FigureSpec", "FIGURES", "figure_names", "make_figures", "figures_for_claim"]


@dataclass(frozen=True)
class FigureSpec:
    """One figure: its file name (without ``.png``), title, caption and the claims it shows.

    Attributes
    ----------
    name : str
        The file name without ``.png`` (what ``--only`` accepts).
    title, caption : str
        What the figure shows, as the report prints it.
    claims : tuple of str
        The ids of the claims it illustrates.
    module : module
        The private module that computes its data and draws it (``data()``, ``draw``).

    Examples
    --------
    >>> spec = FIGURES["appB-decay-rate"]
    >>> spec.filename, spec.claims
    ('appB-decay-rate.png', ('karagoz2025/appB',))
    """

    name: str
    title: str
    caption: str
    claims: tuple[str, ...]
    module: ModuleType

    @property
    def filename(self) -> str:
        return f"{self.name}.png"

    def render(self, out_dir: Path, dpi: int = DPI) -> Path:
        """Compute the data, draw, write ``out_dir/<name>.png`` and close the figure."""
        plt = pyplot()
        figure = self.module.draw(plt, self.module.data())
        path = Path(out_dir) / self.filename
        figure.savefig(path, dpi=dpi)
        plt.close(figure)
        return path


def _spec(module: ModuleType) -> FigureSpec:
    return FigureSpec(module.NAME, module.TITLE, module.CAPTION, tuple(module.CLAIMS), module)


#: Every figure, in the paper's order.
FIGURES: dict[str, FigureSpec] = {
    spec.name: spec for spec in map(_spec, (_sec5, _phase, _decay_rate, _trajectories_2d,
                                             _discrete, _envelope, _stochastic))
}


def figure_names() -> list[str]:
    """The names ``make_figures(which=...)`` and ``--only`` accept.

    Returns
    -------
    list of str
        In the paper's order.

    Examples
    --------
    >>> figure_names()[:2]
    ['sec5-inertia', 'appA-phase-portraits']
    """
    return list(FIGURES)


def figures_for_claim(claim_id: str) -> list[FigureSpec]:
    """The figures that illustrate a claim (an id's generalisations ``id-...`` share them).

    Parameters
    ----------
    claim_id : str
        A claim id such as ``"karagoz2025/appB"``.

    Returns
    -------
    list of FigureSpec
        Empty when no figure illustrates it.

    Examples
    --------
    >>> [spec.name for spec in figures_for_claim("karagoz2025/appB")]
    ['appB-decay-rate']
    """
    base = claim_id.split("-")[0]
    return [spec for spec in FIGURES.values() if claim_id in spec.claims or base in spec.claims]


def _select(which: Iterable[str] | str | None) -> list[FigureSpec]:
    if which is None:
        return list(FIGURES.values())
    if isinstance(which, str):
        which = [which]
    chosen = []
    for name in which:
        if name not in FIGURES:
            raise InvalidArgument("which", name, "is not a figure",
                                  f"choose among {', '.join(FIGURES)}")
        if FIGURES[name] not in chosen:
            chosen.append(FIGURES[name])
    if not chosen:
        raise InvalidArgument("which", list(which), "selects no figure", "give at least one name")
    return chosen


def make_figures(out_dir: str | Path, which: Sequence[str] | str | None = None, *,
                 dpi: int = DPI, progress: Callable[[int, int, FigureSpec], None] | None = None
                 ) -> list[Path]:
    """Regenerate the paper's figures as PNG files.

    Parameters
    ----------
    out_dir : path
        Folder for the PNG files (created if missing).
    which : name or list of names, optional
        A subset of :func:`figure_names` (all by default).
    dpi : int
        Resolution; the figures are 6.4 (one panel) or 9.6 (two panels) by 4 inches.
    progress : callable, optional
        Called as ``progress(index, total, spec)`` before each figure.

    Returns
    -------
    list of Path
        The files written, in the order of :data:`FIGURES`.

    Raises
    ------
    InertiaVerifyError
        When matplotlib is missing (the message says ``pip install "inertia-verify[plot]"``).
    InvalidArgument
        For an unknown figure name or an ``out_dir`` that is a file.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in make_figures(folder, ["appB-decay-rate"])]
    ['appB-decay-rate.png']
    """
    chosen = _select(which)
    if isinstance(dpi, bool) or not isinstance(dpi, int) or not 30 <= dpi <= 600:
        raise InvalidArgument("dpi", dpi, "must be an integer between 30 and 600", "e.g. dpi=120")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise InvalidArgument("out_dir", str(out), "is a file, not a folder",
                              "give a folder for the PNG files")
    pyplot()  # fail early, before any computation, when matplotlib is missing
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for index, spec in enumerate(chosen):
        if progress is not None:
            progress(index, len(chosen), spec)
        written.append(spec.render(out, dpi))
    return written
