"""Memory breakdown of the latest training and inference runs as stacked bars.

One bar per mode (in the mode's colour on the axis), stacked from the
:class:`~engine.core.events.Summary` breakdown fields: parameters, gradients, optimizer state,
inputs, and activations plus workspace (see :mod:`engine.run.measure` for the method). It is
a :class:`~gui.widgets.plot_panel.PlotPanel`, so it exports as PNG and SVG like every plot.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget

from engine.core.events import Summary
from gui.translation import Context
from gui.widgets import theme
from gui.widgets.plot_panel import PlotPanel

# (Summary field, colour); colours avoid the two mode colours
PARTS = (
    ("mem_params_bytes", "#495057"),
    ("mem_grads_bytes", "#AE3EC9"),
    ("mem_optimizer_bytes", "#F59F00"),
    ("mem_inputs_bytes", "#37B24D"),
    ("mem_activations_bytes", "#15AABF"),
    ("mem_other_bytes", "#CED4DA"),  # CPU only: resident memory no tensor accounts for
)
MODES = ("train", "infer")


Memory = Context("Memory")
"""Translation context of this module's texts outside a QObject."""


def part_names() -> dict[str, str]:
    """Translated legend names of the breakdown parts."""
    return {
        "mem_params_bytes": Memory.tr("parameters"),
        "mem_grads_bytes": Memory.tr("gradients"),
        "mem_optimizer_bytes": Memory.tr("optimizer"),
        "mem_inputs_bytes": Memory.tr("inputs"),
        "mem_activations_bytes": Memory.tr("activations"),
        "mem_other_bytes": Memory.tr("other"),
    }


class MemoryChart(PlotPanel):
    """Stacked bars of where memory went, training beside inference."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("memory_breakdown", Memory.tr("Memory breakdown"), "GiB", parent)
        item = self.plot_item
        item.setLabel("bottom", "")
        item.setMouseEnabled(x=False, y=False)
        theme.show_grid(item, x=False)
        axis = item.getAxis("bottom")
        axis.setTicks([[(0, Memory.tr("Training")), (1, Memory.tr("Inference"))]])
        item.setXRange(-0.5, 1.5, padding=0)
        # the legend has a column of the plot's layout to itself, right of the bars, so it
        # never covers one (inside the view it hid the inference bar of a narrow window)
        self.legend = pg.LegendItem(labelTextSize="8pt")
        item.layout.addItem(self.legend, 2, 3)
        self._bars: list[pg.BarGraphItem] = []
        self.values: dict[str, dict[str, float]] = {}
        self.unit = "GiB"
        self.method = ""
        self.set_summaries(None, None)

    def set_summaries(self, train: Summary | None, infer: Summary | None) -> None:
        """Show the breakdowns of ``train`` and ``infer`` (either may be ``None``)."""
        for bar in self._bars:
            self.plot_item.removeItem(bar)
        self._bars.clear()
        self.legend.clear()
        self.values = {}
        summaries = {"train": train, "infer": infer}
        for mode, s in summaries.items():
            if s is not None and s.mem_params_bytes is not None:
                self.values[mode] = {f: float(getattr(s, f) or 0) for f, _ in PARTS}
        if not self.values:
            self.set_note(Memory.tr("Run the model in each mode to see where its memory goes."))
            return
        biggest = max(sum(v.values()) for v in self.values.values())
        scale, self.unit = (float(1 << 30), "GiB") if biggest >= (1 << 30) else (
            float(1 << 20), "MiB")
        self.plot_item.setLabel("left", self.unit)
        bottoms = [0.0, 0.0]
        names = part_names()
        legend_items: list[tuple[pg.BarGraphItem, str]] = []
        for field, color in PARTS:
            heights = [self.values.get(m, {}).get(field, 0.0) / scale for m in MODES]
            bar = pg.BarGraphItem(
                x=[0, 1], height=heights, y0=list(bottoms), width=0.55,
                brush=pg.mkBrush(color), pen=pg.mkPen("w", width=1),
            )
            self.plot_item.addItem(bar)
            self._bars.append(bar)
            legend_items.append((bar, names[field]))
            bottoms = [b + h for b, h in zip(bottoms, heights)]
        for bar, name in reversed(legend_items):  # top to bottom, as the bars stack
            self.legend.addItem(bar, name)
        self.plot_item.setYRange(0, max(bottoms) * 1.08 or 1.0, padding=0)
        missing = [m for m in MODES if m not in self.values]
        note = None
        if missing:
            note = (Memory.tr("No training run yet.") if missing == ["train"]
                    else Memory.tr("No inference run yet."))
        shown = next(s for s in (summaries[m] for m in MODES if m in self.values) if s)
        method = shown.mem_method
        self.method = method
        self.setToolTip(Memory.tr("optimizer: optimizer state; activations: activations and "
                            "workspace; other (CPU only): resident memory that none of the "
                            "tensors accounts for (allocator, libraries).\nHow it was "
                            "measured: {0}").format(method))
        self.set_note(note)
