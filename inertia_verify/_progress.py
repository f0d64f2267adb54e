"""Progress lines for long runs, on stderr, off when asked (``--quiet``, ``--json``) or when
stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TextIO

__all__ = ["Progress", "progress_default", "default_progress"]

# What library functions do when their caller says nothing (``progress=None``): silent, unless a
# front end (the command line) asks otherwise for the duration of one command.
_DEFAULT: ContextVar[bool | None] = ContextVar("inertia_verify_progress", default=False)


def default_progress() -> bool | None:
    """The progress setting in force: ``False`` (the library's default), ``True``, or ``None``
    (shown when stderr is a terminal), as set by :func:`progress_default`.

    Examples
    --------
    >>> default_progress()
    False
    >>> with progress_default(None):
    ...     default_progress() is None
    True
    """
    return _DEFAULT.get()


@contextmanager
def progress_default(enabled: bool | None) -> Iterator[None]:
    """Within the block, library calls that are not told otherwise show progress as ``enabled``
    says (``None``: when stderr is a terminal); the command line uses it around one command."""
    token = _DEFAULT.set(enabled)
    try:
        yield
    finally:
        _DEFAULT.reset(token)


class Progress:
    """A minimal progress bar: ``with Progress(total, "simulate") as bar: bar.advance(n)``.

    Parameters
    ----------
    total : int
        Units of work (steps, chunks, claims).
    label : str
    enabled : bool or None
        ``None`` (default) shows the bar only when ``stream`` is a terminal.
    stream : file, optional
        Defaults to ``sys.stderr``.
    min_interval : float
        Seconds between redraws.
    delay : float
        Seconds before the first drawing: work that ends sooner leaves no trace.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> with Progress(4, "demo", enabled=True, stream=out, min_interval=0) as bar:
    ...     for _ in range(4):
    ...         bar.advance()
    >>> "4/4" in out.getvalue()
    True
    """

    def __init__(self, total: int, label: str = "", *, enabled: bool | None = None,
                 stream: TextIO | None = None, min_interval: float = 0.2,
                 delay: float = 0.0) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.done = 0
        self.min_interval = min_interval
        self.delay = delay
        self._start = time.monotonic()
        self._last = float("-inf")
        self._drawn = False

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        now = time.monotonic()
        if not self._drawn and now - self._start < self.delay:
            return
        if now - self._last >= self.min_interval or self.done >= self.total:
            self._last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        frac = min(self.done / self.total, 1.0)
        width = 30
        filled = int(round(frac * width))
        elapsed = now - self._start
        eta = elapsed / frac - elapsed if frac > 0 else float("nan")
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
                          f"{self.done}/{self.total} {elapsed:5.1f}s eta {eta:5.1f}s")
        self.stream.flush()
        self._drawn = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
