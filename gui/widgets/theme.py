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
