"""Charts of a finished guided experiment, one kind per experiment.

Every chart is a :class:`~gui.widgets.plot_panel.PlotPanel` (PNG, SVG and clipboard export like
every plot) built once with its items; a new result only updates them (``setOpts`` on
the bars, ``setData`` on the curves, a pool of value labels). Numbers come from the
cases' :class:`~engine.core.events.Summary` objects, not from the table's text. Training and
inference keep their colours from :mod:`gui.widgets.theme`.

- ``precision``: throughput per precision, training and inference side by side.
- ``batch-sweep``: step time and throughput against batch size (log x), per mode.
- ``kernels``: batch-1 latency (median step time) per case, the quantity it is about.
- ``data-flow`` (and any experiment without a chart of its own, ``train-vs-infer``
  included): throughput per case.
- ``generation``: tokens/s per case, and time to first token of the generating cases.
- ``memory``: :class:`~gui.widgets.memory_chart.MemoryChart` with the two summaries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QWidget

from engine.claims.experiments import CaseResult, ExperimentResult
from engine.core.events import Summary
from engine.core.values import msg
from gui.translation import Context
from gui.widgets import theme
from gui.widgets.memory_chart import MemoryChart
from gui.widgets.plot_panel import PlotPanel
from gui.widgets.words import words

MODES = ("train", "infer")
MAX_LABELS = 24
"""Value labels kept for the bars (more bars than this go unlabelled)."""
LEGEND_HEADROOM = 1.4
"""Top of the value axis, times the tallest bar, when the legend is shown: the legend
(top right, one row) stays above the bars and their value labels."""


Charts = Context("Charts")
"""Translation context of this module's texts outside a QObject."""


def rate_of(s: Summary) -> tuple[float | None, str]:
    """The run's headline throughput and its unit: tokens/s for language models.

    Generation runs give their decode rate (tokens/s after the first token).
    """
    if s.generated_tokens and s.decode_tokens_per_s is not None:
        return s.decode_tokens_per_s, "tokens/s"
    if s.tokens_per_s is not None:
        return s.tokens_per_s, "tokens/s"
    return s.samples_per_s, words(msg(f"item.{s.sample_unit}")) + "/s"


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def case_tick(label: str, case: CaseResult) -> str:
    """A bar chart's category label: the case's label, marked when the case gave no bar."""
    if case.summary is not None:
        return label
    marks = {"not_available": Charts.tr("{0} (N/A)"),
             "out_of_memory": Charts.tr("{0} (out of memory)"),
             "failed": Charts.tr("{0} (failed)"), "stopped": Charts.tr("{0} (stopped)")}
    return marks.get(case.status, "{0}").format(label)


def _short(value: float) -> str:
    """A bar's value label: three significant digits, thousands separated."""
    if value == 0:
        return "0"
    digits = max(0, 2 - math.floor(math.log10(abs(value))))
    return f"{value:,.{digits}f}"


class BarChart(PlotPanel):
    """Bars at categories, in the training or inference colour, each with its value.

    Args:
        key: Object-name key (see :class:`PlotPanel`).
        title: Translated title.
    """

    def __init__(self, key: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(key, title, "", parent)
        item = self.plot_item
        item.setLabel("bottom", "")
        item.getAxis("bottom").setHeight(34)  # room for the descenders of the case names
        item.setMouseEnabled(x=False, y=False)
        theme.show_grid(item, x=False)
        self.legend = item.addLegend(offset=(-4, 4), labelTextSize="8pt")
        self.legend.setColumnCount(len(MODES))  # one row: less height to keep clear
        self.bars: dict[str, pg.BarGraphItem] = {}
        for mode in MODES:
            bar = pg.BarGraphItem(x=[], height=[], width=0.4, brush=theme.mode_color(mode),
                                  pen=pg.mkPen("w", width=1))
            item.addItem(bar)
            self.bars[mode] = bar
        self._labels: list[pg.TextItem] = []
        for _ in range(MAX_LABELS):
            label = pg.TextItem("", color=theme.PLOT_FOREGROUND, anchor=(0.5, 1.0))
            label.setVisible(False)
            item.addItem(label, ignoreBounds=True)
            self._labels.append(label)
        self.categories: list[str] = []
        self.values: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        self.set_bars([], {}, "", Charts.tr("No result yet."))

    def set_bars(self, categories: Sequence[str], bars: dict[str, list[tuple[float, float]]],
                 unit: str, note: str | None = None, width: float = 0.4) -> None:
        """Show ``bars``: per mode, ``(x, height)`` pairs; category ``i`` is at ``x = i``.

        Args:
            categories: Tick labels at 0, 1, 2...
            bars: ``{"train": [(x, height), ...], "infer": [...]}``; heights are finite.
            unit: Left-axis label (``"images/s"``).
            note: Shown across the plot (``None``: no note, unless there are no bars).
            width: Bar width in category units.
        """
        self.categories = list(categories)
        self.values = {m: list(bars.get(m, [])) for m in MODES}
        item = self.plot_item
        item.getAxis("bottom").setTicks([list(enumerate(self.categories))])
        item.setLabel("left", unit)
        top = 0.0
        labels = iter(self._labels)
        for mode in MODES:
            pairs = self.values[mode]
            xs = np.array([x for x, _ in pairs], dtype=float)
            hs = np.array([h for _, h in pairs], dtype=float)
            self.bars[mode].setOpts(x=xs, height=hs, width=width)
            if len(hs):
                top = max(top, float(hs.max()))
            for x, h in pairs:
                label = next(labels, None)
                if label is not None:
                    label.setText(_short(h))
                    label.setPos(x, h)
                    label.setVisible(True)
        for label in labels:
            label.setVisible(False)
        self.legend.clear()
        shown = [m for m in MODES if self.values[m]]
        if len(shown) > 1:
            for mode in shown:
                self.legend.addItem(self.bars[mode], Charts.tr("Training") if mode == "train"
                                    else Charts.tr("Inference"))
        n = max(1, len(self.categories))
        item.setXRange(-0.6, n - 0.4, padding=0)
        headroom = LEGEND_HEADROOM if len(shown) > 1 else 1.15
        item.setYRange(0, top * headroom or 1.0, padding=0)
        if note is None and not shown:
            note = Charts.tr("No case gave a result.")
        self.set_note(note)


class SweepChart(PlotPanel):
    """One quantity against batch size (log x), a curve per mode.

    ``log_y`` draws the quantity on a log axis too: latency spans milliseconds at batch 1
    to seconds at batch 256, and a linear axis flattens the small batches to zero.
    """

    def __init__(self, key: str, title: str, unit: str, parent: QWidget | None = None,
                 log_y: bool = False) -> None:
        super().__init__(key, title, unit, parent)
        item = self.plot_item
        item.setLabel("bottom", Charts.tr("batch size"))
        item.setLogMode(x=True, y=log_y)
        # top left: both quantities grow with the batch, so the curves leave it empty
        self.legend = item.addLegend(offset=(8, 4), labelTextSize="8pt")
        self.curves: dict[str, pg.PlotDataItem] = {}
        for mode in MODES:
            color = theme.mode_color(mode)
            curve = self.add_curve(pg.mkPen(color, width=2), symbol="o", symbolSize=7,
                                   symbolBrush=color, symbolPen=pg.mkPen("w"))
            self.curves[mode] = curve
            self.legend.addItem(curve, Charts.tr("Training") if mode == "train"
                                else Charts.tr("Inference"))
        self.points: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        self.set_points({}, Charts.tr("No result yet."))

    def set_points(self, points: dict[str, list[tuple[float, float]]],
                   note: str | None = None, unit: str | None = None) -> None:
        """Show ``points``: per mode, ``(batch size, value)`` pairs sorted by batch size."""
        self.points = {m: sorted(points.get(m, [])) for m in MODES}
        if unit is not None:
            self.plot_item.setLabel("left", unit)
        for mode, curve in self.curves.items():
            pts = self.points[mode]
            curve.setData([x for x, _ in pts], [y for _, y in pts])
        batches = sorted({x for pts in self.points.values() for x, _ in pts})
        axis = self.plot_item.getAxis("bottom")
        axis.setTicks([[(math.log10(b), str(int(b))) for b in batches]])  # none while empty
        if batches:
            self.plot_item.enableAutoRange(axis="y")
            lo, hi = math.log10(batches[0]), math.log10(batches[-1])
            self.plot_item.setXRange(lo, hi, padding=0.06)
        if note is None and not batches:
            note = Charts.tr("No case gave a result.")
        self.set_note(note)


class _Pair(QWidget):
    """Two charts side by side."""

    def __init__(self, left: PlotPanel, right: PlotPanel) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(left, 1)
        layout.addWidget(right, 1)


class ExperimentCharts(QStackedWidget):
    """The chart (or charts) of the experiment shown; one page per kind, built once."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("experiment_charts")
        self.throughput = BarChart("experiment_throughput", Charts.tr("Throughput per case"))
        self.precision = BarChart("experiment_precision", Charts.tr("Throughput per precision"))
        self.latency = BarChart("experiment_latency",
                                Charts.tr("Latency per case (median step time)"))
        self.sweep_latency = SweepChart("experiment_sweep_latency",
                                        Charts.tr("Latency (step time) vs batch size"),
                                        Charts.tr("ms (log scale)"), log_y=True)
        self.sweep_throughput = SweepChart("experiment_sweep_throughput",
                                           Charts.tr("Throughput vs batch size"), "")
        self.generation_rate = BarChart("experiment_generation_rate",
                                        Charts.tr("Tokens per second (generation: after the first "
                                            "token; training: processed)"))
        self.generation_ttft = BarChart("experiment_generation_ttft",
                                        Charts.tr("Time to first token"))
        self.memory = MemoryChart()
        self._pages: dict[str, QWidget] = {
            "throughput": self.throughput,
            "precision": self.precision,
            "kernels": self.latency,
            "batch-sweep": _Pair(self.sweep_latency, self.sweep_throughput),
            "generation": _Pair(self.generation_rate, self.generation_ttft),
            "memory": self.memory,
        }
        for page in self._pages.values():
            self.addWidget(page)
        self._panels: dict[str, list[PlotPanel]] = {
            "throughput": [self.throughput],
            "precision": [self.precision],
            "kernels": [self.latency],
            "batch-sweep": [self.sweep_latency, self.sweep_throughput],
            "generation": [self.generation_rate, self.generation_ttft],
            "memory": [self.memory],
        }
        self.kind = "throughput"

    @staticmethod
    def kind_of(name: str) -> str:
        """The chart page used for experiment ``name``."""
        return name if name in ("precision", "kernels", "batch-sweep", "generation",
                                "memory") else "throughput"

    def panels(self) -> list[PlotPanel]:
        """The plots of the page shown (what the export buttons export)."""
        return list(self._panels[self.kind])

    def show_kind(self, name: str) -> None:
        """Show the page of experiment ``name`` (before its result arrives)."""
        self.kind = self.kind_of(name)
        self.setCurrentWidget(self._pages[self.kind])

    def set_result(self, result: ExperimentResult) -> None:
        """Draw ``result`` on its experiment's page and show that page."""
        self.show_kind(result.name)
        ok = [c for c in result.cases if c.summary is not None]
        if self.kind == "precision":
            self._precision(result.cases)
        elif self.kind == "kernels":
            self._latency(result.cases)
        elif self.kind == "batch-sweep":
            self._sweep(ok)
        elif self.kind == "generation":
            self._generation(result.cases)
        elif self.kind == "memory":
            by_mode = {c.mode: c.summary for c in ok}
            self.memory.set_summaries(by_mode.get("train"), by_mode.get("infer"))
        else:
            self._throughput(result.cases)

    def reset(self) -> None:
        """Empty every chart (a new experiment starts)."""
        for chart in (self.throughput, self.precision, self.latency, self.generation_rate,
                      self.generation_ttft):
            chart.set_bars([], {}, "", Charts.tr("Running…"))
        for sweep in (self.sweep_latency, self.sweep_throughput):
            sweep.set_points({}, Charts.tr("Running…"))
        self.memory.set_summaries(None, None)

    # -- one method per kind ---------------------------------------------------------
    def _precision(self, cases: list[CaseResult]) -> None:
        order: list[str] = []
        for c in cases:
            precision = c.label.split()[0]
            if precision not in order:
                order.append(precision)
        bars: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        unit = ""
        for c in cases:
            if c.summary is None or c.mode not in bars:
                continue
            rate, unit = rate_of(c.summary)
            if _finite(rate):
                x = order.index(c.label.split()[0]) + (-0.2 if c.mode == "train" else 0.2)
                bars[c.mode].append((x, float(rate)))  # type: ignore[arg-type]
        measured = {c.label.split()[0] for c in cases if c.summary is not None}
        ticks = [p if p in measured else Charts.tr("{0} (N/A)").format(p) for p in order]
        self.precision.set_bars(ticks, bars, unit, width=0.38)

    def _throughput(self, cases: list[CaseResult]) -> None:
        bars: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        unit = ""
        for i, c in enumerate(cases):
            if c.summary is None or c.mode not in bars:
                continue
            rate, unit = rate_of(c.summary)
            if _finite(rate):
                bars[c.mode].append((float(i), float(rate)))  # type: ignore[arg-type]
        self.throughput.set_bars([case_tick(c.label, c) for c in cases], bars, unit,
                                 width=0.6)

    def _latency(self, cases: list[CaseResult]) -> None:
        bars: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        for i, c in enumerate(cases):
            s = c.summary
            if s is not None and c.mode in bars and _finite(s.step_ms_median):
                bars[c.mode].append((float(i), float(s.step_ms_median)))  # type: ignore[arg-type]
        self.latency.set_bars([case_tick(c.label, c) for c in cases], bars, "ms", width=0.6)

    def _sweep(self, ok: list[CaseResult]) -> None:
        latency: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        rate: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        unit = ""
        for c in ok:
            s = c.summary
            assert s is not None
            if c.mode not in latency:
                continue
            if _finite(s.step_ms_median):
                latency[c.mode].append((float(s.batch_size), float(s.step_ms_median or 0.0)))
            value, unit = rate_of(s)
            if _finite(value):
                rate[c.mode].append((float(s.batch_size), float(value)))  # type: ignore[arg-type]
        self.sweep_latency.set_points(latency)
        self.sweep_throughput.set_points(rate, unit=unit or None)

    def _generation(self, cases: list[CaseResult]) -> None:
        rates: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        ttft: dict[str, list[tuple[float, float]]] = {m: [] for m in MODES}
        generating = [c for c in cases if c.mode == "infer"]  # training has no first token
        for i, c in enumerate(cases):
            s = c.summary
            if s is None or c.mode not in rates:
                continue
            value, _unit = rate_of(s)
            if _finite(value):
                rates[c.mode].append((float(i), float(value)))  # type: ignore[arg-type]
            if c in generating and s.generated_tokens and _finite(s.ttft_ms_median):
                ttft[c.mode].append((float(generating.index(c)),
                                     float(s.ttft_ms_median)))  # type: ignore[arg-type]
        self.generation_rate.set_bars([case_tick(c.label, c) for c in cases], rates,
                                      "tokens/s", width=0.6)
        note = None if any(ttft.values()) else Charts.tr("No generating case gave a result.")
        self.generation_ttft.set_bars([case_tick(c.label, c) for c in generating], ttft,
                                      "ms", note, width=0.5)
