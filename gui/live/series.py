"""Growable x/y arrays that a live plot reads on every timer tick.

Appending is amortized O(1) (the capacity doubles); :meth:`Series.view` returns views,
not copies, so a 10 Hz ``setData`` costs no allocation on our side. ``None`` values are
stored as NaN, which a curve drawn with ``connect="finite"`` shows as a gap.
"""

from __future__ import annotations

import math

import numpy as np


class Series:
    """One curve's data: x in seconds since the run started, y in the plot's unit.

    Attributes:
        dirty: True when data changed since the last :meth:`view` by a plot.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(capacity, dtype=np.float64)
        self._y = np.empty(capacity, dtype=np.float64)
        self._n = 0
        self._finite = 0
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
        self.dirty = True

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        """The points so far as ``(x, y)`` array views, and mark the series clean."""
        self.dirty = False
        return self._x[: self._n], self._y[: self._n]

    def last_x(self) -> float | None:
        """The x of the newest point, or ``None`` when empty."""
        return float(self._x[self._n - 1]) if self._n else None
