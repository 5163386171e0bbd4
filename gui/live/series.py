"""Growable x/y arrays that a live plot reads on every timer tick.

Appending is amortized O(1) (the capacity doubles); :meth:`Series.view` returns views,
not copies, so a 10 Hz ``setData`` costs no allocation on our side. ``None`` values are
stored as NaN, which a curve drawn with ``connect="finite"`` shows as a gap.

Values are kept as float32: 8 bytes a point instead of 16, so an hour of 20 Hz telemetry
on both modes' curves stays under 50 MB (``bench/gui_soak.py``). Plots lose nothing they
can show: x is seconds since the run started (float32 resolves 0.25 ms at one hour), and a
24-bit mantissa is finer than any plot's pixel.
"""

from __future__ import annotations

import math

import numpy as np

DTYPE = np.float32
"""Storage type of both coordinates."""


class Series:
    """One curve's data: x in seconds since the run started, y in the plot's unit.

    Attributes:
        dirty: True when data changed since the last :meth:`view` by a plot.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity, dtype=DTYPE)
        self._y = np.empty(capacity, dtype=DTYPE)
        self._n = 0
        self._finite = 0
        self._viewed_x: float | None = None
        self.dirty = False

    def __len__(self) -> int:
        return self._n

    @property
    def has_finite(self) -> bool:
        """True when at least one y value is a number (not a gap)."""
        return self._finite > 0

    def append(self, x: float, y: float | None) -> None:
        """Add one point; ``y=None`` (an unsupported reading) becomes a gap."""
        if self._n == len(self._x):
            self._x = np.resize(self._x, 2 * len(self._x))
            self._y = np.resize(self._y, 2 * len(self._y))
        value = math.nan if y is None else float(y)
        self._x[self._n] = x
        self._y[self._n] = value
        self._n += 1
        if math.isfinite(value):
            self._finite += 1
        self.dirty = True

    def clear(self) -> None:
        """Drop every point (a new run starts)."""
        self._n = 0
        self._finite = 0
        self._viewed_x = None
        self.dirty = True

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        """The points so far as ``(x, y)`` array views, and mark the series clean."""
        self.dirty = False
        self._viewed_x = self.last_x()
        return self._x[: self._n], self._y[: self._n]

    def unseen_span(self) -> float:
        """Seconds of x added since the last :meth:`view` (``inf`` if never viewed).

        A plot whose pixel is wider than this has nothing new to draw yet.
        """
        last = self.last_x()
        if self._viewed_x is None or last is None:
            return math.inf
        return last - self._viewed_x

    def last_x(self) -> float | None:
        """The x of the newest point, or ``None`` when empty."""
        return float(self._x[self._n - 1]) if self._n else None
