"""Progress lines for long runs, on stderr, off when asked (``--quiet``, ``--json``) or when
stderr is not a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]


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
                 stream: TextIO | None = None, min_interval: float = 0.2) -> None:
        self.total = max(int(total), 1)
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = bool(getattr(self.stream, "isatty", lambda: False)())
        self.enabled = enabled
        self.done = 0
        self.min_interval = min_interval
        self._start = time.monotonic()
        self._last = float("-inf")

    def advance(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.enabled and (now - self._last >= self.min_interval or self.done >= self.total):
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

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()
