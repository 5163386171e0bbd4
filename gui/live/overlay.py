"""Several stored runs on the same live plots, aligned at their start.

:func:`overlay_series` turns one run's decoded events (times already in seconds since the
run's start) into x/y arrays per plot; it uses no Qt, so it runs in the loader thread.
:class:`OverlayLayer` adds one curve per run to every plot, in a qualitative palette
that avoids the training and inference colours (those keep meaning *mode* in the
single-run view), and a legend naming each run.

Step plots (throughput, step time, loss) show measured steps only; warm-up steps are
left out so one slow first step does not flatten every other curve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg

from engine.core.events import Sample, StepStats
from gui.live.event_series import sample_points, step_points
from gui.live.series import Series
from gui.widgets.plot_panel import PlotPanel

KEYS = (
    "throughput", "step_time", "loss", "gpu_util", "gpu_mem", "power", "energy",
    "cpu_util", "rss",
)
PALETTE = (
    "#2B8A3E",  # green
    "#862E9C",  # grape
    "#C2255C",  # pink
    "#0B7285",  # teal
    "#E67700",  # amber (darker than the training orange)
    "#5C940D",  # lime
    "#364FC7",  # indigo
    "#868E96",  # grey
)
"""Overlay colours, in order (qualitative; none is the training or inference colour)."""

XY = tuple[np.ndarray, np.ndarray]


@dataclass(frozen=True)
class OverlayRun:
    """One run of an overlay.

    Attributes:
        label: The run's full name (the legend above the plots, exported images).
        language_model: Throughput is in tokens/s.
        series: Plot key -> ``(x seconds since start, y)`` arrays (NaN is a gap).
        short_label: The name in each plot's own legend (``label`` when empty).
    """

    label: str
    language_model: bool
    series: dict[str, XY] = field(default_factory=dict)
    short_label: str = ""


def overlay_series(events: Iterable[Any], language_model: bool) -> dict[str, XY]:
    """Plot arrays of one run from its events (``t_s`` = seconds since the run's start).

    Args:
        events: Decoded events, e.g. ``Replay(source).decoded(0.0)`` without the offsets.
        language_model: Plot tokens/s instead of samples/s.

    Returns:
        Key of :data:`KEYS` -> ``(x, y)`` float arrays (copies, safe across threads).
    """
    buf = {key: Series() for key in KEYS}
    for ev in events:
        if isinstance(ev, Sample):
            points = sample_points(ev)
        elif isinstance(ev, StepStats) and ev.phase == "measure":
            points = step_points(ev, language_model)
        else:
            continue
        for key, variant, y in points:
            if variant == "measure":  # the main curves only: one colour per run
                buf[key].append(ev.t_s, y)
    out = {}
    for key, series in buf.items():
        xs, ys = series.view()
        out[key] = (xs.copy(), ys.copy())
    return out


def color(index: int) -> str:
    """The overlay colour of the ``index``-th run."""
    return PALETTE[index % len(PALETTE)]


class OverlayLayer:
    """Curves and legends of an overlay on a set of plot panels.

    Args:
        panels: Plot key -> panel; curves are added to the panels of :data:`KEYS`.
    """

    def __init__(self, panels: dict[str, PlotPanel]) -> None:
        self._panels = {k: p for k, p in panels.items() if k in KEYS}
        self._curves: dict[str, list[pg.PlotDataItem]] = {k: [] for k in self._panels}
        self._legends: dict[str, pg.LegendItem] = {}
        self.runs: list[OverlayRun] = []

    @property
    def active(self) -> bool:
        """True while runs are shown."""
        return bool(self.runs)

    def show(self, runs: Sequence[OverlayRun]) -> float:
        """Replace the overlay with ``runs``; returns the largest x (s) shown."""
        self.clear()
        self.runs = list(runs)
        x_max = 0.0
        for key, panel in self._panels.items():
            legend = pg.LegendItem(
                offset=(-4, 4), brush=pg.mkBrush(255, 255, 255, 170), labelTextSize="8pt"
            )
            legend.setParentItem(panel.plot_item.getViewBox())
            self._legends[key] = legend
            for i, run in enumerate(self.runs):
                x, y = run.series.get(key, (np.empty(0), np.empty(0)))
                curve = panel.add_curve(pg.mkPen(color(i), width=2),
                                        hover_name=run.short_label or run.label)
                if np.isfinite(y).any():
                    curve.setData(x, y, connect="finite")
                    x_max = max(x_max, float(np.nanmax(x)))
                self._curves[key].append(curve)
                legend.addItem(curve, run.short_label or run.label)
        return x_max

    def has_data(self, key: str) -> bool:
        """Whether any run of the overlay has a number to show in plot ``key``."""
        return any(np.isfinite(run.series.get(key, ((), np.empty(0)))[1]).any()
                   for run in self.runs)

    def curves(self, key: str) -> list[pg.PlotDataItem]:
        """The overlay's curves in plot ``key``, one per run, in run order."""
        return list(self._curves.get(key, []))

    def legend_names(self, key: str) -> list[str]:
        """The legend's run names in plot ``key`` (short labels)."""
        legend = self._legends.get(key)
        return [label.text for _sample, label in legend.items] if legend else []

    def clear(self) -> None:
        """Remove every overlay curve and legend."""
        for key, curves in self._curves.items():
            for curve in curves:
                self._panels[key].plot_item.removeItem(curve)
            curves.clear()
        for legend in self._legends.values():
            scene = legend.scene()
            if scene is not None:
                scene.removeItem(legend)  # and from its parent, the view box
        self._legends.clear()
        self.runs = []
