"""Colours and plot styling shared by every widget.

Training and inference keep one fixed pair of colours everywhere: plots, summary cards
and the comparison table (STYLE.md 15).
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor

TRAIN_COLOR = "#E8590C"
"""Training: orange."""
INFER_COLOR = "#1C7ED6"
"""Inference: blue."""
TRAIN_TINT = "#FFF4E6"
"""Light background for training cells and cards."""
INFER_TINT = "#E7F5FF"
"""Light background for inference cells and cards."""

PLOT_BACKGROUND = "w"
PLOT_FOREGROUND = "#343A40"
WARMUP_REGION = (134, 142, 150, 40)
"""RGBA fill of the shaded warm-up region."""
PHASE_LINE = "#495057"
NA_TEXT = "#868E96"
ERROR_BG = "#FFF5F5"
ERROR_BORDER = "#E03131"
INFO_BG = "#F1F3F5"


def mode_color(mode: str) -> str:
    """The colour of ``mode`` (``"train"`` or ``"infer"``) as ``#RRGGBB``."""
    return TRAIN_COLOR if mode == "train" else INFER_COLOR


def mode_tint(mode: str) -> str:
    """A light background tint of ``mode``'s colour as ``#RRGGBB``."""
    return TRAIN_TINT if mode == "train" else INFER_TINT


def mode_qcolor(mode: str, alpha: int = 255) -> QColor:
    """``mode``'s colour as a :class:`QColor` with ``alpha`` (0-255)."""
    color = QColor(mode_color(mode))
    color.setAlpha(alpha)
    return color


GRID_LINE = "#E3E5E8"
"""Grid lines: the foreground at about 13% over the white background, as an opaque colour."""


def faded(color: str, alpha: int, background: str = "#FFFFFF") -> QColor:
    """``color`` at ``alpha`` (0-255) over ``background``, as the equivalent opaque colour.

    Plots draw faded lines with this instead of a translucent pen: Qt's raster engine
    strokes blended lines about 35 times slower than opaque ones (40 grid lines of 250 px:
    2.7 ms against 0.08 ms on one core), and a live plot redraws every line each tick.
    """
    fg, bg = QColor(color), QColor(background)
    a = max(0, min(255, alpha)) / 255.0
    return QColor(*(round(a * f + (1.0 - a) * b) for f, b in
                    ((fg.red(), bg.red()), (fg.green(), bg.green()), (fg.blue(), bg.blue()))))


def show_grid(item: pg.PlotItem, x: bool = True, y: bool = True) -> None:
    """Draw ``item``'s grid in opaque :data:`GRID_LINE` (see :func:`faded` for why).

    pyqtgraph's own ``showGrid(alpha=...)`` draws translucent lines: 170 ms of a 250 ms
    redraw of the Live tab's nine plots on a 2-core machine (``bench/gui_soak.py``).
    An axis draws its grid lines with itself, above the data (pyqtgraph stacks axes at
    z 0.5 over the view box); opaque lines there would cut every curve into dashes, so
    the axes that carry a grid go behind the view box.
    """
    for name, on in (("bottom", x), ("left", y)):
        axis = item.getAxis(name)
        if on:
            axis.setTickPen(pg.mkPen(GRID_LINE))
            axis.setStyle(tickAlpha=255)
            axis.setGrid(255)
            axis.setZValue(-1)
        else:
            axis.setGrid(False)


def apply_plot_theme() -> None:
    """Set pyqtgraph's global options: light background, antialiasing.

    Light plots read well on a projector and export cleanly into documents.
    """
    pg.setConfigOptions(background=PLOT_BACKGROUND, foreground=PLOT_FOREGROUND, antialias=True)

VERDICT_COLORS = {"confirmed": "#2B8A3E", "not_confirmed": "#C92A2A",
                  "not_measurable": "#868E96"}
"""Text colour of a verdict, by status (Compare and Experiments tabs)."""
VERDICT_MARKS = {"confirmed": "✔", "not_confirmed": "✘", "not_measurable": "–"}
"""The mark before a verdict's sentence, by status."""
