"""The document's first row, *Objetivo*, as a chart: what training did to the model.

The training run's loss curve (``Summary.loss_curve``, warm-up shaded) and, written in
the plot's upper right, the held-out accuracy after training and in inference (with the
trained weights or random ones), the chance level, and how far the weights moved
(``‖Δθ‖₂``, training / inference). It is a
:class:`~gui.widgets.plot_panel.PlotPanel`, so it exports as PNG and SVG like every plot.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from engine.claims.verdicts import (
    OTHER_TRAINING,
    RANDOM,
    SOME_TRAINING,
    THIS_TRAINING,
    weights_used,
)
from engine.core.events import Summary
from engine.core.values import number, share
from gui.translation import Context
from gui.widgets import theme
from gui.widgets.plot_panel import PlotPanel
from gui.widgets.words import words

Objective = Context("Objective")
"""Translation context of this module's texts outside a QObject."""


def _share(value: float | None) -> str:
    return words(share(value))


def objective_lines(train: Summary | None, infer: Summary | None) -> list[str]:
    """The short lines written in the chart: accuracy per mode, chance, weight change."""
    lines = []
    if train is not None and train.heldout_accuracy is not None:
        lines.append(Objective.tr("accuracy after training {0}").format(
            _share(train.heldout_accuracy)))
    if infer is not None and infer.heldout_accuracy is not None:
        whose = {THIS_TRAINING: Objective.tr("this training's weights"),
                 OTHER_TRAINING: Objective.tr("another training's weights"),
                 SOME_TRAINING: Objective.tr("trained weights"),
                 RANDOM: Objective.tr("random weights")}[weights_used(train, infer)]
        lines.append(Objective.tr("inference ({0}) {1}").format(
            whose, _share(infer.heldout_accuracy)))
    chance = next((s.heldout_chance for s in (train, infer)
                   if s is not None and s.heldout_chance is not None), None)
    tail = []
    if chance is not None and lines:
        tail.append(Objective.tr("chance {0}").format(_share(chance)))
    changes = [words(number(s.param_change_l2)) for s in (train, infer)
               if s is not None and s.param_change_l2 is not None]
    if changes:
        tail.append("‖Δθ‖₂ " + " / ".join(changes))
    if tail:
        lines.append(" · ".join(tail))
    return lines


class ObjectiveChart(PlotPanel):
    """The training loss against the step, with accuracy and weight change written in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("objective", Objective.tr("Objective: loss"),
                         Objective.tr("training loss (nats)"), parent)
        item = self.plot_item
        item.setLabel("bottom", Objective.tr("step"))
        item.setMouseEnabled(x=False, y=False)
        self.curve = self.add_curve(pg.mkPen(theme.mode_color("train"), width=2))
        self.text = pg.TextItem(color=theme.NA_TEXT, anchor=(1, 0))  # top-right corner
        item.addItem(self.text, ignoreBounds=True)
        self.lines: list[str] = []
        self.set_summaries(None, None)

    def set_summaries(self, train: Summary | None, infer: Summary | None) -> None:
        """Show ``train``'s loss curve and both runs' accuracy (either may be ``None``)."""
        self.clear_phase_marks()
        points = list(train.loss_curve) if train is not None else []
        self.lines = objective_lines(train, infer)
        self.text.setText("\n".join(self.lines))
        if not points:
            self.curve.setData([], [])
            self.text.setVisible(False)
            if train is None:
                self.set_note(Objective.tr(
                    "Run training to see the loss fall as the weights change."))
            else:
                self.set_note(Objective.tr("This training run has no loss curve (recorded by an "
                                           "older Trainfer)."))
            return
        self.set_note(None)
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        self.curve.setData(xs, ys)
        if train is not None and train.warmup_steps:
            self.add_region(0.5, train.warmup_steps + 0.5)
        finite = [y for y in ys if math.isfinite(y)] or [0.0, 1.0]
        top, low = max(finite), min(finite)
        span = (top - low) or abs(top) or 1.0
        # room above the curve for the text: the loss falls, so its upper right is empty
        self.plot_item.setYRange(low - 0.05 * span, top + 0.45 * span, padding=0)
        self.plot_item.setXRange(0, xs[-1], padding=0.02)
        self.text.setPos(xs[-1], top + 0.45 * span)
        self.text.setVisible(bool(self.lines))
